"""The engine's anomaly counters equal the independent checker's on the engine's own scenes (the
campaign's levels are compared by the levels' tests)."""

from __future__ import annotations

import pytest

from capquest.checker import check, count_anomalies
from capquest.engine import simulate
from capquest.engine.model import Policy, Strategy

from . import scenes

CASES = [
    ("replica", scenes.replica_oversell(rps=300, duration_s=4), scenes.REPLICA_READS),
    (
        "partition",
        scenes.partition_scene(duration_s=4),
        Strategy(Policy(read_from="replica", on_partition="serve_local")),
    ),
    ("sessions", scenes.sessions_scene(duration_s=3), scenes.REPLICA_READS),
    ("quorum", scenes.quorum_scene(lagging_ms=500, duration_s=3), scenes.quorum_strategy("ONE", "ONE")),
    ("ap", scenes.flash_sale(hot_stock=40, duration_s=2), scenes.AP_CACHE_QUEUE),
    ("hybrid", scenes.flash_sale(rps=2000, scale=2, duration_s=2), scenes.HYBRID),
]


@pytest.mark.parametrize("name,scenario,strategy", CASES, ids=[c[0] for c in CASES])
def test_engine_counts_what_the_checker_counts(name, scenario, strategy):
    outcome = simulate(scenario, strategy, 2)
    m = outcome.metrics
    scale = scenario.workload.scale
    found = count_anomalies(check(outcome.history, linearizability=False).anomalies)
    assert m.oversold_units == found["oversold"]
    assert m.stale_reads == found["stale_read"] * scale
    assert m.ryw_violations == found["read_your_writes"] * scale
    assert m.monotonic_violations == found["monotonic_read"] * scale
