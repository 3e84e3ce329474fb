"""Every result says which engine made it and how much it simulated one by one."""

from __future__ import annotations

from capquest.engine.results import simulated_one_by_one
from capquest.engine.version import ENGINE_VERSION
from capquest.packs import builtin_pack
from capquest.play import result_json, run


def test_simulate_json_names_the_engine_and_the_requests_simulated_one_by_one():
    level = builtin_pack().level("five-to-six")
    result = run(level, level.cards[0].id)
    data = result_json(result)
    assert data["engine_version"] == ENGINE_VERSION == 2
    counts = data["simulated_one_by_one"]
    ops = result.outcome.history["ops"]
    assert counts == simulated_one_by_one(result.outcome.history)
    assert counts["orders"] == sum(op["f"] == "order" for op in ops) > 0
    assert (
        counts["stock_reads"] == sum(op["f"] == "read" and op["key"].startswith("stock/") for op in ops) > 0
    )
    assert counts["requests"] == sum(op["f"] != "cancel" for op in ops) == data["metrics"]["requests"] // 100
