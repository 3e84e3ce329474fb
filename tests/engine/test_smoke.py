"""The engine answers every request of a plain run, and its history follows the contract."""

from capquest.engine import simulate
from capquest.engine.model import Scenario, Strategy
from capquest.engine.outcome import history_digest
from tests.engine import scenes


def test_every_operation_is_answered_or_timed_out():
    outcome = simulate(scenes.partition_scene(), scenes.REPLICA_READS, 3)
    ops = outcome.history["ops"]
    assert ops and outcome.metrics.simulated_ops == len(ops)
    for op in ops:
        assert op["complete"] is not None and op["complete"] >= op["invoke"]
        assert op["outcome"] in ("ok", "fail")
        assert (op["outcome"] == "ok") == (op["error"] == "")
    keys = [(op["invoke"], op["id"]) for op in ops]
    assert keys == sorted(keys)
    assert outcome.digest == history_digest(outcome.history)


def test_default_scenario_runs():
    outcome = simulate(Scenario(), Strategy(), 1)
    assert outcome.metrics.requests > 0
    assert 0.0 <= outcome.metrics.error_rate <= 1.0
    assert len(outcome.trace) == 50
