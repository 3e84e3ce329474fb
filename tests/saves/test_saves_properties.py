"""Whatever the interleaving of two copies' changes, the file ends up as if every change had been made
once, in order, by one copy: attempts summed, the best run kept, stars and passed never lowered."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from capquest.saves.store import ProgressStore

runs = st.tuples(
    st.integers(0, 1),  # which copy of the game
    st.sampled_from(["l1", "l2"]),
    st.integers(-50, 50).map(lambda n: n * 10.0),  # score
    st.integers(0, 3),  # stars
)


@settings(max_examples=25, deadline=None)
@given(st.lists(runs, min_size=1, max_size=12))
def test_interleaved_copies_equal_one_copy(plays: list[tuple[int, str, float, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        copies = [ProgressStore(home), ProgressStore(home)]
        for copy in copies:
            copy.load()
        for n, (who, level_id, score, stars) in enumerate(plays):
            copies[who].record_run("p", level_id, "card", {}, n, score, stars, stars > 0, f"run-{n}")

        on_disk = ProgressStore(home).progress.packs["p"]
        for level_id in ("l1", "l2"):
            mine = [(n, score, stars) for n, (_, lv, score, stars) in enumerate(plays) if lv == level_id]
            if not mine:
                assert level_id not in on_disk.levels
                continue
            level = on_disk.levels[level_id]
            best = max(score for _, score, _ in mine)
            first_best = next(n for n, score, _ in mine if score == best)  # ties keep the earlier run
            assert level.attempts == len(mine)
            assert level.best_score == best
            assert level.best_run is not None and level.best_run.digest == f"run-{first_best}"
            assert level.stars == max(stars for *_, stars in mine)
            assert level.passed == any(stars > 0 for *_, stars in mine)
        assert on_disk.unlocked == list(dict.fromkeys(lv for _, lv, _, _ in plays))
