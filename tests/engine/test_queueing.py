"""Queueing from the theory: Little's law on every run, Erlang C for a connection pool without CPU
contention, monotone responses to lag, stock and load, and the seed's Black Friday meltdown."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from capquest.engine import simulate
from capquest.engine.core import Simulation
from capquest.engine.model import OpMix, RatePoint, Scenario, Server, Strategy, Topology, Workload

from . import scenes

# Little's law is about a stationary system: overloaded runs last long enough for the queue to reach the
# clients' 5 s timeout (after which the number in the system stops growing), and are measured after that;
# the hot item never sells out (selling out changes the regime).
RUNS = [
    ("black_friday_1k", lambda: scenes.black_friday(1000, duration_s=3), scenes.PRIMARY_ONLY),
    ("black_friday_20k", lambda: scenes.black_friday(20000, duration_s=24, scale=50), scenes.PRIMARY_ONLY),
    ("replica", lambda: scenes.replica_oversell(rps=800, duration_s=3), scenes.REPLICA_READS),
    (
        "cp_flash_sale",
        lambda: scenes.flash_sale(hot_stock=10**6, duration_s=24, scale=50),
        scenes.CP_FOR_UPDATE,
    ),
    ("ap_flash_sale", lambda: scenes.flash_sale(hot_stock=50, duration_s=2), scenes.AP_CACHE_QUEUE),
    ("hybrid", lambda: scenes.flash_sale(rps=2000, hot_stock=10**6, duration_s=4, scale=2), scenes.HYBRID),
    ("sessions", lambda: scenes.sessions_scene(duration_s=3), scenes.REPLICA_READS),
    (
        "quorum",
        lambda: scenes.quorum_scene(lagging_ms=200, duration_s=3),
        scenes.quorum_strategy("QUORUM", "ONE"),
    ),
    ("partition", lambda: scenes.partition_scene(duration_s=4), scenes.REPLICA_READS),
]


def _littles_law(history, start: int, end: int) -> tuple[float, float]:
    """(L, lambda*W) over [start, end): L the time-average number of requests in the system (a sweep over
    invoke/complete), lambda the rate of requests invoked in the window, W their mean time in system."""
    ops = [op for op in history["ops"] if op["f"] != "cancel"]
    edges = []
    for op in ops:
        a, b = max(op["invoke"], start), min(op["complete"], end)
        if a < b:
            edges.append((a, 1))
            edges.append((b, -1))
    edges.sort()
    area, n, last = 0, 0, start
    for t, d in edges:
        area += n * (t - last)
        n += d
        last = t
    area += n * (end - last)
    inside = [op["complete"] - op["invoke"] for op in ops if start <= op["invoke"] < end]
    lam = len(inside) / (end - start)
    return area / (end - start), lam * (sum(inside) / len(inside))


@pytest.mark.parametrize("name,scenario,strategy", RUNS, ids=[r[0] for r in RUNS])
def test_littles_law_holds_on_every_run(name, scenario, strategy):
    sc = scenario()
    outcome = simulate(sc, strategy, 3)
    duration = int(sc.workload.duration_s * 1_000_000)
    timed_out = any(op["error"] == "timeout" for op in outcome.history["ops"])
    start = 5 * duration // 8 if timed_out else duration // 4
    L, lam_w = _littles_law(outcome.history, start, duration - duration // 8)
    assert L == pytest.approx(lam_w, rel=0.05, abs=0.05)


def _erlang_c_wait(c: int, lam: float, mu: float) -> float:
    """Mean wait in queue of M/M/c (Erlang C): P_wait / (c*mu - lam)."""
    a = lam / mu
    rho = a / c
    below = sum(a**k / math.factorial(k) for k in range(c))
    top = a**c / math.factorial(c) / (1 - rho)
    return top / (below + top) / (c * mu - lam)


@pytest.mark.slow
@pytest.mark.parametrize("rho,seconds", [(0.5, 120), (0.8, 200), (0.9, 300)])
def test_pool_without_cpu_contention_is_erlang_c(rho, seconds):
    c, service_s = 3, 0.005
    mu = 1 / service_s
    lam = rho * c * mu
    scenario = Scenario(
        workload=Workload(
            duration_s=seconds,
            rate=(RatePoint(0, lam),),
            mix=OpMix(order=0, stock_read=1),
            items=1,
            sessions=10,
            timeout_ms=600_000,
        ),
        topology=Topology(primary=Server(pool=c, cores=None, service_ms=service_s * 1000)),
    )
    waited = started = 0
    for seed in range(2):
        sim = Simulation(scenario, Strategy(), seed)
        sim.run()
        waited += sim.servers[0].waited
        started += sim.servers[0].started
    measured = waited / started / 1_000_000
    assert measured == pytest.approx(_erlang_c_wait(c, lam, mu), rel=0.10)


def _mean(values):
    return sum(values) / len(values)


def test_more_replica_lag_never_lowers_oversell():
    means = []
    for lag_ms in (0.0, 300.0, 1500.0, 4000.0):
        sc = scenes.replica_oversell(lag_ms=lag_ms, stock=5, rps=60.0, duration_s=6)
        means.append(_mean([simulate(sc, scenes.REPLICA_READS, s).metrics.oversold_units for s in range(10)]))
    assert means == sorted(means)
    assert means[-1] > means[0]


def test_more_stock_never_raises_oversell():
    means = []
    # oversell ~ hot-item order rate x lag once the item sells out; more stock sells out later or never
    for stock in (5, 120, 150, 300):
        sc = scenes.replica_oversell(lag_ms=1500.0, stock=stock, rps=60.0, duration_s=6)
        means.append(_mean([simulate(sc, scenes.REPLICA_READS, s).metrics.oversold_units for s in range(10)]))
    assert means == sorted(means, reverse=True)
    assert means[0] > means[-1]


def test_higher_rate_at_fixed_capacity_never_lowers_p99():
    means = []
    for rps in (300.0, 900.0, 1500.0, 2100.0):
        sc = scenes.black_friday(rps, duration_s=1, scale=1)
        sc = replace(sc, topology=replace(sc.topology, primary=Server(pool=200, cores=4, service_ms=2.0)))
        means.append(_mean([simulate(sc, scenes.PRIMARY_ONLY, s).metrics.latency_ms.p99 for s in range(10)]))
    assert means == sorted(means)


def test_black_friday_melts_a_single_primary():
    normal = simulate(scenes.black_friday(1000, duration_s=5), scenes.PRIMARY_ONLY, 1).metrics
    # long enough for requests queued at the start to reach their 5 s timeout
    friday = simulate(scenes.black_friday(20000, duration_s=10), scenes.PRIMARY_ONLY, 1).metrics
    assert normal.error_rate < 0.001 and normal.timeouts == 0
    assert normal.extra["primary.pool_peak"] < 0.1 * normal.extra["primary.pool_size"]
    assert friday.latency_ms.p99 > 50 * normal.latency_ms.p99  # two orders of magnitude, as in the seed
    assert friday.error_rate > 0.10 and friday.timeouts > 0  # tens of percent fail
    assert friday.extra["primary.pool_peak"] == friday.extra["primary.pool_size"]  # pool exhausted
