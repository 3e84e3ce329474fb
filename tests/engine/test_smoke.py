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


def test_odd_but_valid_scenarios_run_to_the_end():
    from dataclasses import replace

    from capquest.engine.model import Fault, OpMix, Policy, RatePoint, Worker, Workload

    flash = scenes.flash_sale(hot_stock=10, duration_s=1)
    cases = [
        Scenario(workload=Workload(rate=(RatePoint(0, 0),))),
        Scenario(workload=Workload(mix=OpMix(order=0), duration_s=1)),
        Scenario(workload=Workload(items=1, sessions=1, duration_s=1)),
        replace(flash, topology=replace(flash.topology, worker=Worker(rps=0))),
        scenes.replica_oversell(apply_rps=0, duration_s=1),
        replace(
            scenes.partition_scene(duration_s=1),
            faults=(
                Fault(kind="crash", at_s=0.2, until_s=0.5, node="nope"),
                Fault(kind="partition", at_s=0.5, until_s=0.2, groups=(("mars",), ("seoul",))),
                Fault(kind="crash", at_s=0.3, until_s=0.6, node="primary"),
            ),
        ),
        scenes.quorum_scene(
            duration_s=1, faults=(Fault(kind="crash", at_s=0.2, until_s=0.8, node="q-seoul-1"),)
        ),
    ]
    strategies = [
        scenes.AP_CACHE_QUEUE,
        scenes.CP_FOR_UPDATE,
        scenes.quorum_strategy("QUORUM", "QUORUM", "serve_local"),
        Strategy(
            Policy(
                read_from="replica",
                on_partition="serve_local",
                monotonic_reads=True,
                max_staleness_ms=100,
                ryw_window_ms=100,
            )
        ),
    ]
    for scenario in cases:
        for strategy in strategies:
            outcome = simulate(scenario, strategy, 1)
            assert all(op["complete"] is not None for op in outcome.history["ops"])
            assert 0.0 <= outcome.metrics.error_rate <= 1.0
