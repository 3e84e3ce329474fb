"""A second copy of the game running at once loses nothing of the first's."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from capquest.saves.store import ProgressStore

RUNS = 40
LEVELS = ("l0", "l1", "l2")


def _score(worker: int, i: int) -> float:
    # Scores interleave between the workers, so the best of each level may come from either copy.
    return float((i * 37 + worker * 11) % 97) + worker / 10


WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from capquest.saves.store import ProgressStore

    home, worker, runs, go = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
    store = ProgressStore(home)
    store.load()
    while not go.exists():  # start together, so the saves really interleave
        time.sleep(0.001)
    for i in range(runs):
        score = float((i * 37 + worker * 11) % 97) + worker / 10
        store.record_run("campaign", f"l{i % 3}", f"card-{worker}", {}, i, score, (i + worker) % 4,
                         i % 5 == 0, f"w{worker}-{i}")
        store.mark_concept_seen(f"c{worker}-{i % 4}")
    notices = store.take_notices()
    assert not notices, notices
    """
)


def test_two_processes_saving_at_once_lose_nothing(home: Path, tmp_path: Path) -> None:
    go = tmp_path / "go"
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(home), str(w), str(RUNS), str(go)])
        for w in (1, 2)
    ]
    time.sleep(0.3)  # let both import and load before the start signal
    go.touch()
    assert [p.wait(timeout=60) for p in workers] == [0, 0]

    report = ProgressStore(home).load()
    assert report.notices == ()
    assert not list(home.glob("progress.corrupt-*"))
    levels = report.progress.packs["campaign"].levels
    for n, level_id in enumerate(LEVELS):
        runs = [(w, i) for w in (1, 2) for i in range(RUNS) if i % 3 == n]
        level = levels[level_id]
        assert level.attempts == len(runs)
        best = max(_score(w, i) for w, i in runs)
        assert level.best_score == best
        assert level.best_run is not None and level.best_run.score == best
        w, i = next((w, i) for w, i in runs if _score(w, i) == best)
        assert (level.best_run.card, level.best_run.seed) == (f"card-{w}", i)
        assert level.stars == max((i + w) % 4 for w, i in runs)
        assert level.passed == any(i % 5 == 0 for _, i in runs)
    assert sorted(report.progress.concepts_seen) == sorted(f"c{w}-{k}" for w in (1, 2) for k in range(4))


def test_interleaved_copies_replay_changes_instead_of_overwriting(home: Path) -> None:
    first, second = ProgressStore(home), ProgressStore(home)
    first.load()
    second.load()  # both start from the same (empty) progress

    first.record_run("campaign", "l1", "cp", {}, 1, 800.0, 2, True, "a")
    second.record_run("campaign", "l1", "ap", {}, 2, 500.0, 1, True, "b")  # its view did not see 800
    second.set_setting("language", "ko")
    first.record_run("campaign", "l1", "cp", {}, 3, 300.0, 0, False, "c")
    first.set_setting("theme", "high-contrast")

    on_disk = ProgressStore(home).progress
    level = on_disk.packs["campaign"].levels["l1"]
    assert (level.attempts, level.best_score, level.stars) == (3, 800.0, 2)
    assert level.best_run is not None and level.best_run.digest == "a"
    assert (on_disk.settings.language, on_disk.settings.theme) == ("ko", "high-contrast")
    assert first.progress == on_disk  # a save also brings in the other copy's changes


def test_reset_in_one_copy_is_not_undone_by_the_other(home: Path) -> None:
    first, second = ProgressStore(home), ProgressStore(home)
    first.record_run("campaign", "l1", "cp", {}, 1, 800.0, 2, True, "a")
    second.load()
    first.reset()
    second.record_run("campaign", "l2", "cp", {}, 1, 400.0, 1, True, "b")

    levels = ProgressStore(home).progress.packs["campaign"].levels
    assert set(levels) == {"l2"}


HAMMER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from capquest.saves.store import ProgressStore

    store = ProgressStore(Path(sys.argv[1]))
    store.load()
    print("ready", flush=True)
    i = 0
    while True:
        store.record_run("campaign", f"l{i % 3}", "card", {}, i, float(i), i % 4, True, f"run-{i}")
        i += 1
    """
)


def test_killed_in_the_middle_of_saving_leaves_a_whole_file(home: Path) -> None:
    for rounds in (1, 2):
        worker = subprocess.Popen(
            [sys.executable, "-c", HAMMER, str(home)], stdout=subprocess.PIPE, text=True
        )
        assert worker.stdout is not None and worker.stdout.readline() == "ready\n"
        time.sleep(0.15 + 0.05 * rounds)
        worker.kill()  # SIGKILL: no cleanup, wherever the write was
        worker.wait(timeout=10)
        worker.stdout.close()

        report = ProgressStore(home).load()
        assert report.notices == ()  # the file is the last whole save, never half of one
        assert not list(home.glob("progress.corrupt-*"))
        assert not list(home.glob(".*.tmp"))  # a crash's temporary file is cleaned up at the next start
        assert sum(level.attempts for level in report.progress.packs["campaign"].levels.values()) > 0
