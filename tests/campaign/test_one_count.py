"""One count per thing on every screen: for every card of every built-in level, the Why? view's totals
(the checker over the run's history, scaled to real-world figures), the results screen's rows and the
CLI's JSON give the same numbers. Level 1 once said "Stale reads 88" on the results and "stale read 22"
in the Why? view; level 3 said 59,200 and 592."""

from __future__ import annotations

from pathlib import Path

import pytest

from capquest.checker import check
from capquest.packs import load_pack
from capquest.play import result_json, run
from capquest.tui.screens.why import real_world_counts, requests_in
from capquest.tui.widgets.metric_table import ROWS

LEVELS = Path(__file__).resolve().parents[2] / "levels"
CARDS = [
    (level, card.id)
    for pack in ("campaign", "tutorial", "example")
    for level in load_pack(LEVELS / pack).levels
    for card in level.cards
]


@pytest.mark.slow
@pytest.mark.parametrize(("level", "card"), CARDS, ids=[f"{lv.id}/{card}" for lv, card in CARDS])
def test_why_totals_results_rows_and_json_agree(level, card: str) -> None:
    result = run(level, card)
    metrics = result_json(result)["metrics"]
    why = real_world_counts(
        check(result.outcome.history, linearizability=False).counts, level.scenario.workload.scale
    )
    rows = {row.key: row.value(result) for row in ROWS}
    assert why["oversold"] == metrics["oversold_units"] == rows["oversold"]
    assert why["stale_read"] == metrics["stale_reads"] == rows["stale"]
    session = why["read_your_writes"] + why["monotonic_read"]
    assert session == metrics["ryw_violations"] + metrics["monotonic_violations"] == rows["session"]
    assert requests_in(result.outcome.history) * level.scenario.workload.scale == metrics["requests"]


@pytest.mark.slow
@pytest.mark.parametrize(("level", "card"), CARDS, ids=[f"{lv.id}/{card}" for lv, card in CARDS])
def test_the_replays_oversold_count_ends_at_the_results_figure(level, card: str) -> None:
    """The replay's stock panel once showed only its 3 drawn counters below zero: "no oversells" on
    atomic-decrement/get-then-decr (lost updates keep the counter up) where the results said 5."""
    from capquest.engine.anomalies import oversold_curve
    from capquest.tui.widgets.replay_view import ReplayView

    result = run(level, card)
    view = ReplayView(level.scenario, result.outcome.trace, oversold=oversold_curve(result.outcome.history))
    last = len(result.outcome.trace) - 1
    assert (
        view.oversold_at(last)
        == result.outcome.metrics.oversold_units
        == result_json(result)["metrics"]["oversold_units"]
    )
    assert all(view.oversold_at(i) <= view.oversold_at(i + 1) for i in range(last))
