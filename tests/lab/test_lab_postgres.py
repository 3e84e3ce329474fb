"""The lessons hold on a real PostgreSQL (started by the lab itself), in the direction the game teaches.

Each play is the level's schedule compressed to 3 s; a real database's timing is its own, so these
assert directions (some oversell / none), not the engine's exact figures."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from capquest.checker import check
from capquest.lab import LabResult, run_lab
from capquest.lab.clients import play
from capquest.lab.plan import make_plan

SECONDS = 3.0

# One worker plays them all, on one cluster: `make test` runs pytest with --dist loadgroup.
pytestmark = pytest.mark.xdist_group("postgres")


def _units_left(cluster, key: str = "stock/0") -> int:
    """What the real primary holds now: the database's own word, beside the clients' history."""
    import psycopg

    with psycopg.connect(cluster.primary.conninfo(), autocommit=True) as conn:
        row = conn.execute("SELECT units FROM stock WHERE key = %s", (key,)).fetchone()
    assert row is not None
    return int(row[0])


def _ports(cluster) -> set[int]:
    return {server.port for server in cluster.servers}


def _node_ports(history) -> set[int]:
    return {int(op["node"].rsplit(":", 1)[1]) for op in history["ops"] if op["node"]}


@pytest.fixture(scope="module")
def replica_plays(cluster, levels) -> list[tuple[LabResult, int]]:
    """The seed's night three times: stock checked on a replica applying commits 1 s late, then
    decremented on the primary. Each with the units the primary holds at the end."""
    plays = []
    for seed in (1, 2, 3):
        result = run_lab(
            levels["five-to-six"],
            "replica-check",
            seed=seed,
            seconds=SECONDS,
            apply_delay_ms=1000,
            cluster=cluster,
        )
        plays.append((result, _units_left(cluster)))
    return plays


@pytest.fixture(scope="module")
def replica_runs(replica_plays) -> list[LabResult]:
    return [result for result, _ in replica_plays]


def test_the_replica_card_oversells_on_postgres_in_each_of_three_tries(replica_plays) -> None:
    for result, units_left in replica_plays:
        assert result.real.oversold_units >= 1, result.real
        assert units_left < 0, "the primary's own stock went below zero"
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
    assert _units_left(cluster) == 0, "the shelf was emptied, never below zero"
    hot = [op for op in result.history["ops"] if op["key"] == "stock/0" and op["f"] == "order"]
    assert sum(op["qty"] for op in hot if op["outcome"] == "ok") <= result.history["initial"]["stock/0"]
    assert any(op["error"] == "out_of_stock" for op in hot), "the last buyers were refused"


def test_the_read_your_writes_window_removes_the_violations_replica_reads_show(cluster, levels) -> None:
    level = levels["read-your-writes"]
    replica = play(cluster, make_plan(level, "replica-reads", seconds=SECONDS, apply_delay_ms=1000))
    window = play(cluster, make_plan(level, "ryw-window", seconds=SECONDS, apply_delay_ms=1000))
    assert check(replica, linearizability=False).counters()["ryw_violations"] > 0
    assert check(window, linearizability=False).counters()["ryw_violations"] == 0
    primary = f"primary:{cluster.primary.port}"
    assert any(op["node"] == primary for op in window["ops"] if op["f"] == "read")


def test_capquest_lab_shows_a_real_oversell_beside_the_engines_prediction(postgres_ready, tmp_path) -> None:
    history = tmp_path / "real.json"
    command = [sys.executable, "-m", "capquest", "lab", "five-to-six", "--card", "replica-check"]
    options = ["--seconds", "3", "--lag-ms", "1000", "--json", "--history", str(history)]
    out = subprocess.run(command + options, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    simulated = subprocess.run(
        [sys.executable, "-m", "capquest", "simulate", "five-to-six", "--card", "replica-check", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert data["engine"]["oversold_units"] == json.loads(simulated.stdout)["metrics"]["oversold_units"]
    assert data["postgres"]["oversold_units"] >= 1
    assert any("oversold on PostgreSQL too" in lesson["text"] for lesson in data["lessons"])
    assert data["lab"]["seconds"] == 3.0 and data["lab"]["compression"] == 5.0
    assert "operations" in out.stderr and "5.0× faster" in out.stderr, "the compression is stated"
    checked = subprocess.run(
        [sys.executable, "-m", "capquest", "check", str(history), "--json"], capture_output=True, text=True
    )
    assert checked.returncode == 1, "capquest check finds the oversell in the clients' history"
    assert json.loads(checked.stdout)["counts"]["oversold"] == data["postgres"]["oversold_units"]
