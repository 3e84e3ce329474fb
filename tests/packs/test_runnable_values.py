"""Every scenario validation accepts runs, and scores a finite number (issue 11).

All mix weights at 1e308, `apply_rps = 1e-300` or `oversell_cost = inf` passed validation: the run
overflowed, or the score became NaN (not JSON, and a save the game then refused). Hypothesis draws values
across each field's whole accepted range, the edges and the tiny and huge ones above all, into a level that
uses every part of the engine (replica, cache with counter expiry, quorum, partition, lag spike, crash,
every card family); whatever validation accepts must run with every card and score a finite number.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capquest import play
from capquest.packs import checks
from capquest.packs.model import LevelFile

TEXT = {"en": "t"}
CARDS = [
    {"id": "p", "class": "cp", "policy": {"stock_check": "for_update"}},
    {
        "id": "r",
        "class": "ap",
        "policy": {
            "read_from": "replica",
            "monotonic_reads": True,
            "ryw_window_ms": 100,
            "max_staleness_ms": 50,
            "on_partition": "serve_local",
        },
    },
    {"id": "c", "class": "ap", "policy": {"read_from": "cache", "write_to": "cache_queue"}},
    {
        "id": "q",
        "class": "cp",
        "policy": {"read_from": "quorum", "write_to": "quorum", "read_level": "ONE", "write_level": "ALL"},
    },
]
BASE: dict[str, Any] = {
    "id": "x", "chapter": "c", "title": TEXT, "briefing": TEXT, "debrief": TEXT,
    "scenario": {
        "workload": {
            "duration_s": 2, "rate": [{"at_s": 0, "rps": 300}], "items": 5, "stock": 20,
            "mix": {k: 1 for k in ("order", "stock_read", "catalog_read", "profile_write", "profile_read",
                                   "event_write", "counter_read")},
            "client_regions": [{"region": "a", "weight": 1}, {"region": "b", "weight": 1}],
        },
        "topology": {
            "regions": ["a", "b"], "primary_region": "a", "links": [{"a": "a", "b": "b", "rtt_ms": 10}],
            "replicas": [{"name": "r1", "region": "b"}], "cache": {"region": "a", "counter_ttl_s": 1},
            "quorum": {"nodes": [{"name": f"q{i}", "region": "ab"[i % 2]} for i in range(3)]},
        },
        "faults": [
            {"kind": "partition", "at_s": 0.5, "until_s": 1, "groups": [["a"], ["b"]]},
            {"kind": "lag_spike", "at_s": 0.2, "until_s": 1.5, "node": "r1", "extra_lag_ms": 100},
            {"kind": "crash", "at_s": 1, "until_s": 1.2, "node": "q1"},
        ],
    },
    "cards": [{**card, "title": TEXT, "pitch": TEXT, "explanation": TEXT} for card in CARDS],
    "scoring": {"stale_cost": 1, "session_cost": 1},
}  # fmt: skip

# Each field with the range validation accepts (the run's length kept short: the ops budget is its own
# test); draws favour the edges: the bounds, the tiniest positive, and what lies between.
MILLIS, WEIGHT = (0.0, 600_000.0), (0.0, 1_000_000.0)
FIELDS: dict[tuple[Any, ...], tuple[float, float]] = {
    ("scenario", "workload", "duration_s"): (5e-324, 3.0),
    ("scenario", "workload", "rate", 0, "rps"): (0.0, 3000.0),
    ("scenario", "workload", "popularity_skew"): (0.0, 4.0),
    ("scenario", "workload", "timeout_ms"): (5e-324, 600_000.0),
    **{("scenario", "workload", "mix", k): WEIGHT for k in ("order", "stock_read", "catalog_read")},
    ("scenario", "workload", "client_regions", 0, "weight"): (5e-324, 1_000_000.0),
    ("scenario", "topology", "links", 0, "rtt_ms"): MILLIS,
    ("scenario", "topology", "local_rtt_ms"): MILLIS,
    ("scenario", "topology", "replicas", 0, "lag_ms"): MILLIS,
    ("scenario", "topology", "replicas", 0, "apply_rps"): (0.0, 1_000_000.0),
    ("scenario", "topology", "worker", "rps"): (0.0, 1_000_000.0),
    ("scenario", "topology", "cache", "ttl_s"): (0.0, 600.0),
    ("scenario", "topology", "cache", "counter_ttl_s"): (5e-324, 600.0),
    ("scenario", "topology", "quorum", "nodes", 0, "apply_delay_ms"): MILLIS,
    ("scenario", "faults", 1, "extra_lag_ms"): MILLIS,
    ("scenario", "topology", "primary", "service_ms"): (5e-324, 60_000.0),
    ("scoring", "budget"): (0.0, 1_000_000.0),
    ("scoring", "stars", 0): (-1e9, 1_000_000.0),
    **{("scoring", k): WEIGHT for k in ("oversell_cost", "latency_cost", "error_cost", "cost_cost")},
    **{("scoring", k): WEIGHT for k in ("stale_cost", "session_cost")},
    **{("scenario", "prices", k): WEIGHT for k in ("primary_per_s", "strong_read_per_m", "write_per_m")},
}
WHOLE: dict[tuple[Any, ...], tuple[int, int]] = {
    ("scenario", "workload", "scale"): (1, 100_000),
    ("scenario", "workload", "items"): (1, 10_000),
    ("scenario", "workload", "stock"): (0, 10_000_000),
    ("scenario", "workload", "max_qty"): (1, 10),
    ("scenario", "workload", "sessions"): (1, 100_000),
    ("scenario", "topology", "primary", "pool"): (1, 100_000),
    ("scenario", "topology", "primary", "cores"): (1, 1024),
}


def change() -> st.SearchStrategy[tuple[tuple[Any, ...], float]]:
    def within(path: tuple[Any, ...]) -> st.SearchStrategy[tuple[tuple[Any, ...], float]]:
        if path in WHOLE:
            lo, hi = WHOLE[path]
            value: st.SearchStrategy[Any] = st.one_of(st.sampled_from([lo, hi]), st.integers(lo, hi))
        else:
            lo, hi = FIELDS[path]
            edges = [lo, hi, *(v for v in (5e-324, 1e-300, 1e-3, 1.0) if lo <= v <= hi)]
            value = st.one_of(st.sampled_from(edges), st.floats(lo, hi))
        return value.map(lambda v: (path, v))

    return st.sampled_from([*FIELDS, *WHOLE]).flatmap(within)


def _set(data: dict[str, Any], path: tuple[Any, ...], value: object) -> None:
    for key in path[:-1]:
        data = data.setdefault(key, {}) if isinstance(data, dict) else data[key]
    data[path[-1]] = value


def _accepted(data: dict[str, Any]) -> LevelFile | None:
    try:
        level = LevelFile.model_validate(data)
    except ValueError:
        return None
    report = checks.Reporter({})
    checks.check_level(report, "x.toml", "x", level, ["c"], [])
    return None if any(p.severity == "error" for p in report.problems) else level


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(change(), min_size=1, max_size=8))
def test_every_accepted_scenario_runs_and_scores_a_finite_number(
    changes: list[tuple[tuple[Any, ...], float]],
) -> None:
    data = copy.deepcopy(BASE)
    for path, value in changes:
        _set(data, path, value)
    level = _accepted(data)
    if level is None:
        return  # refused: nothing to run (the point is what is accepted)
    for card in level.cards:
        result = play.run(level, card.id, seed=1)
        assert math.isfinite(result.score.score), (card.id, changes)
        assert all(math.isfinite(v) for v in result.score.breakdown.values()), result.score.breakdown


def test_the_values_of_issue_11_are_refused() -> None:
    for path, value in [
        (("scenario", "workload", "mix", "order"), 1e308),
        (("scenario", "topology", "replicas", 0, "apply_rps"), 1e-300),
        (("scoring", "oversell_cost"), 1e308),
    ]:
        data = copy.deepcopy(BASE)
        _set(data, path, value)
        assert _accepted(data) is None, path
    assert _accepted(copy.deepcopy(BASE)) is not None
