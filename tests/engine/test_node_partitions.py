"""Partitions that name nodes (a replica, a quorum node) as well as regions: a named node is cut from
everything outside its group, its own region's clients included."""

from __future__ import annotations

from dataclasses import replace

from capquest.engine import simulate
from capquest.engine.anomalies import count_anomalies
from capquest.engine.model import Fault, Policy, RegionShare, Strategy

from . import scenes

CUT_S, HEAL_S = 2.0, 4.0


def _cut(*groups: tuple[str, ...]) -> tuple[Fault, ...]:
    return (Fault(kind="partition", at_s=CUT_S, until_s=HEAL_S, groups=groups),)


def _reads_on(history: dict, node: str, start_us: int, end_us: int) -> dict:
    """The history with only the reads `node` answered in the window (every write kept): its stale
    reads are the ones that node served."""
    ops = [
        op
        for op in history["ops"]
        if op["f"] != "read" or (op["node"] == node and start_us <= op["invoke"] < end_us)
    ]
    return {**history, "ops": ops}


def _stale_reads_on(history: dict, node: str, start_us: int, end_us: int) -> tuple[int, int]:
    """(stale reads, reads) that `node` answered in the window (an order's stale check is not counted)."""
    kept = _reads_on(history, node, start_us, end_us)
    reads = sum(1 for op in kept["ops"] if op["f"] == "read" and op["outcome"] == "ok")
    no_reads = {**history, "ops": [op for op in history["ops"] if op["f"] != "read"]}
    return count_anomalies(kept).stale_reads - count_anomalies(no_reads).stale_reads, reads


def _lag_ms(outcome, node: str, start_us: int, end_us: int) -> float:
    return max(f.values[f"{node}.lag_ms"] for f in outcome.trace if start_us <= f.t_us < end_us)


def test_isolating_one_replica_by_name_leaves_it_behind_and_the_other_fresh():
    # replica-busan (with Busan's clients) is cut from the primary's stream; Busan still reaches Seoul
    scenario = replace(scenes.partition_scene(), faults=_cut(("replica-busan", "busan")))
    outcome = simulate(scenario, Strategy(Policy(read_from="replica")), 5)
    during = (int(CUT_S * 1e6) + 300_000, int(HEAL_S * 1e6))
    assert _lag_ms(outcome, "replica-busan", *during) > 1000  # stopped applying
    assert _lag_ms(outcome, "replica-seoul", *during) < 200
    assert _lag_ms(outcome, "replica-busan", int(HEAL_S * 1e6) + 500_000, 6_000_000) < 200  # caught up
    stale, reads = _stale_reads_on(outcome.history, "replica-busan", *during)
    fresh_stale, fresh_reads = _stale_reads_on(outcome.history, "replica-seoul", *during)
    assert reads > 20 and fresh_reads > 20
    assert stale / reads > 0.5  # behind by seconds: most of what it answers is stale
    assert fresh_stale / fresh_reads < 0.2  # as on a calm night (about 12% at this lag)
    # the same night without the cut: replica-busan answers as fresh as the other
    calm = simulate(replace(scenario, faults=()), Strategy(Policy(read_from="replica")), 5)
    calm_stale, calm_reads = _stale_reads_on(calm.history, "replica-busan", *during)
    assert calm_stale / calm_reads < 0.2


def test_isolating_a_replica_refuses_nothing_to_a_primary_only_card():
    scenario = replace(scenes.partition_scene(), faults=_cut(("replica-busan",), ("seoul", "busan")))
    m = simulate(scenario, Strategy(Policy(on_partition="refuse")), 5).metrics
    assert m.error_rate == 0  # the primary stays reachable from every client
    assert m.stale_reads == 0


def test_a_named_replica_is_cut_from_its_own_regions_clients():
    # Busan's clients are outside the replica's group: replica reads there go elsewhere, none to it
    scenario = replace(scenes.partition_scene(), faults=_cut(("replica-busan",), ("seoul", "busan")))
    outcome = simulate(scenario, Strategy(Policy(read_from="replica")), 5)
    served = [
        op
        for op in outcome.history["ops"]
        if op.get("node") == "replica-busan" and 2_000_000 <= op["invoke"] < 4_000_000
    ]
    assert served == []
    assert outcome.metrics.error_rate == 0


def _window_errors(outcome, start_us: int, end_us: int) -> float:
    ops = [op for op in outcome.history["ops"] if start_us <= op["invoke"] < end_us and op["f"] != "cancel"]
    return sum(1 for op in ops if op["outcome"] == "fail") / len(ops)


def _three_nodes():
    # N = 3, all in Seoul, clients in Seoul: only a node-named partition can cut one node off
    scenario = scenes.quorum_scene(client_regions=(RegionShare("seoul", 1.0),), duration_s=3.5)
    nodes = scenario.topology.quorum.nodes[:3]  # type: ignore[union-attr]
    quorum = replace(scenario.topology.quorum, nodes=nodes)
    return replace(scenario, topology=replace(scenario.topology, quorum=quorum))


def test_isolating_one_quorum_node_of_three_keeps_quorum_and_fails_all():
    scenario = replace(_three_nodes(), faults=(Fault("partition", 1.0, 2.5, (("q-seoul-2",),)),))
    during = (1_100_000, 2_400_000)
    quorum = simulate(scenario, scenes.quorum_strategy("QUORUM", "QUORUM"), 4)
    assert _window_errors(quorum, *during) == 0
    assert quorum.metrics.stale_reads == 0
    assert quorum.metrics.ryw_violations == 0
    everyone = simulate(scenario, scenes.quorum_strategy("ALL", "ALL"), 4)
    assert _window_errors(everyone, *during) > 0.95
    assert _window_errors(everyone, 0, 900_000) == 0
