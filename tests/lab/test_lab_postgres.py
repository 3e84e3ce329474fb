"""The lessons hold on a real PostgreSQL (started by the lab itself), in the direction the game teaches.

Each play is the level's schedule compressed to 3 s; a real database's timing is its own, so these
assert directions (some oversell / none), not the engine's exact figures."""

from __future__ import annotations

import pytest

from capquest.checker import check
from capquest.lab import LabResult, run_lab
from capquest.lab.clients import play
from capquest.lab.plan import make_plan

SECONDS = 3.0


def _ports(cluster) -> set[int]:
    return {server.port for server in cluster.servers}


def _node_ports(history) -> set[int]:
    return {int(op["node"].rsplit(":", 1)[1]) for op in history["ops"] if op["node"]}


@pytest.fixture(scope="module")
def replica_runs(cluster, levels) -> list[LabResult]:
    """The seed's night three times: stock checked on a replica applying commits 1 s late, then
    decremented on the primary."""
    return [
        run_lab(
            levels["five-to-six"],
            "replica-check",
            seed=seed,
            seconds=SECONDS,
            apply_delay_ms=1000,
            cluster=cluster,
        )
        for seed in (1, 2, 3)
    ]


def test_the_replica_card_oversells_on_postgres_in_each_of_three_tries(replica_runs) -> None:
    for result in replica_runs:
        assert result.real.oversold_units >= 1, result.real
        assert result.plan.apply_delay_ms == (1000.0, 1000.0)
        hot = [op for op in result.history["ops"] if op["key"] == "stock/0" and op["f"] == "order"]
        accepted = sum(op["qty"] for op in hot if op["outcome"] == "ok")
        assert accepted > result.history["initial"]["stock/0"], "more units sold than the shelf held"
        lesson = next(lesson for lesson in result.lessons if lesson.kind == "oversold_units")
        assert lesson.real == result.real.oversold_units
        assert "oversold on PostgreSQL too" in lesson.text("replica-check", "en") or lesson.engine == 0


def test_history_nodes_are_the_real_servers_ports(cluster, replica_runs) -> None:
    for result in replica_runs:
        history = result.history
        assert _node_ports(history) <= _ports(cluster)
        assert set(history["nodes"]) == {server.node for server in cluster.servers}
        # the replica card reads on both replicas and sells on the primary
        assert len(_node_ports(history)) == 3


def test_the_checker_ran_on_the_clients_history_not_the_engines(cluster, replica_runs) -> None:
    for result in replica_runs:
        assert result.report.ops == len(result.history["ops"])
        assert result.report.counters() == check(result.history, linearizability=False).counters()
        real_nodes = {server.node for server in cluster.servers}
        oversold = result.report.by_kind("oversold")
        assert oversold and all(a.node in real_nodes for a in oversold)
        # the engine's own history names abstract nodes; the real one never does
        assert set(result.engine_history["nodes"]).isdisjoint(result.history["nodes"])
        times = [op["invoke"] for op in result.history["ops"]]
        assert max(times) < (SECONDS + 2) * 1_000_000, "client clock: the compressed run's seconds"


@pytest.mark.parametrize("card", ["primary-check", "replica-show-primary-sell"])
def test_for_update_and_the_atomic_update_oversell_nothing(cluster, levels, card: str) -> None:
    result = run_lab(levels["five-to-six"], card, seconds=SECONDS, apply_delay_ms=1000, cluster=cluster)
    assert result.real.oversold_units == 0
    hot = [op for op in result.history["ops"] if op["key"] == "stock/0" and op["f"] == "order"]
    assert sum(op["qty"] for op in hot if op["outcome"] == "ok") == result.history["initial"]["stock/0"]
    assert any(op["error"] == "out_of_stock" for op in hot), "the last buyers were refused"


def test_the_read_your_writes_window_removes_the_violations_replica_reads_show(cluster, levels) -> None:
    level = levels["read-your-writes"]
    replica = play(cluster, make_plan(level, "replica-reads", seconds=SECONDS))
    window = play(cluster, make_plan(level, "ryw-window", seconds=SECONDS))
    assert check(replica, linearizability=False).counters()["ryw_violations"] > 0
    assert check(window, linearizability=False).counters()["ryw_violations"] == 0
    primary = f"primary:{cluster.primary.port}"
    assert any(op["node"] == primary for op in window["ops"] if op["f"] == "read")
