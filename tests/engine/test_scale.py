"""Scale keeps the system the level describes: a sampled run (one simulated request for `scale` real
ones) of a server of c connections waits as M/M/c with c connections (Erlang C), not c / scale."""

from __future__ import annotations

import math

import pytest

from capquest.engine import simulate
from capquest.engine.aggregate import erlang_c
from capquest.engine.model import OpMix, RatePoint, Scenario, Server, Strategy, Topology, Workload

C, SERVICE_MS = 100, 2.0
SEEDS = range(5)


def _pool_scenario(rho: float, scale: int, *, pool: int = C, cores: int | None = None) -> Scenario:
    mu = 1000.0 / SERVICE_MS
    rate = rho * (cores or pool) * mu
    # about 12,000 sampled requests per seed, whatever the scale
    duration = min(600.0, 12_000 * scale / rate)
    return Scenario(
        workload=Workload(
            duration_s=duration,
            scale=scale,
            rate=(RatePoint(0, rate),),
            mix=OpMix(order=0, stock_read=1),
            items=1,
            sessions=10,
            timeout_ms=600_000,
        ),
        topology=Topology(local_rtt_ms=0, primary=Server(pool=pool, cores=cores, service_ms=SERVICE_MS)),
    )


def _sojourn_cdf(t: float, c: int, a: float, mu: float) -> float:
    """P(wait + service <= t) in M/M/c: the wait is 0 with probability 1 - P_w, else Exp(c mu - lam)."""
    pw = erlang_c(c, a)
    theta = c * mu - a * mu
    service = 1 - math.exp(-mu * t)
    if abs(theta - mu) < 1e-9:
        waited = 1 - math.exp(-mu * t) - mu * t * math.exp(-mu * t)
    else:  # convolution of Exp(theta) and Exp(mu)
        waited = 1 - (theta * math.exp(-mu * t) - mu * math.exp(-theta * t)) / (theta - mu)
    return (1 - pw) * service + pw * waited


def _median(c: int, a: float, mu: float) -> float:
    lo, hi = 0.0, 100.0 / mu
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _sojourn_cdf(mid, c, a, mu) < 0.5 else (lo, mid)
    return lo


@pytest.mark.slow
@pytest.mark.parametrize("scale", [1, 10, 100])
@pytest.mark.parametrize("rho", [0.5, 0.8, 0.95])
def test_sampled_pool_waits_as_erlang_c_with_its_real_connections(rho, scale):
    mu = 1000.0 / SERVICE_MS  # per second
    a = rho * C
    latencies = []
    for seed in SEEDS:
        sc = _pool_scenario(rho, scale)
        ops = simulate(sc, Strategy(), seed).history["ops"]
        warm = int(sc.workload.duration_s * 1_000_000) // 10  # leave the empty start out
        latencies += [(op["complete"] - op["invoke"]) / 1e6 for op in ops if op["invoke"] >= warm]
    latencies.sort()
    mean = sum(latencies) / len(latencies)
    p50 = latencies[len(latencies) // 2]
    expected_mean = 1 / mu + erlang_c(C, a) / (C * mu - a * mu)
    assert mean == pytest.approx(expected_mean, rel=0.05)
    assert p50 == pytest.approx(_median(C, a, mu), rel=0.05)


def test_campaign_primary_at_scale_100_and_low_load_shows_its_service_time():
    # pool 1000, cores 40, 3 ms: 10 % load is 1,333 requests/s; nothing queues
    sc = Scenario(
        workload=Workload(
            duration_s=60,
            scale=100,
            rate=(RatePoint(0, 0.1 * 40 * 1000 / 3),),
            mix=OpMix(order=0, stock_read=1),
            items=1,
            sessions=10,
        ),
        topology=Topology(local_rtt_ms=0, primary=Server(pool=1000, cores=40, service_ms=3.0)),
    )
    m = simulate(sc, Strategy(), 1).metrics
    assert m.latency_ms.mean == pytest.approx(3.0, rel=0.08)
    assert m.extra["primary.pool_size"] == 1000
    assert m.extra["primary.pool_peak"] < 10


def test_the_rate_profile_is_the_piecewise_linear_scan_it_replaced():
    """rate_at finds its segment by bisection: the same value as walking the segments in order, steps
    (two points at one time) and the ends included."""
    import random
    from itertools import pairwise

    from capquest.engine.workload import rate_at

    def walked(points, t_s):
        if t_s <= points[0][0]:
            return points[0][1]
        for (t0, r0), (t1, r1) in pairwise(points):
            if t_s <= t1:
                return r1 if t1 <= t0 else r0 + (r1 - r0) * (t_s - t0) / (t1 - t0)
        return points[-1][1]

    rng = random.Random(1)
    for _ in range(5000):
        points = sorted(
            (float(rng.choice([0, 1, 2, 5, 5, 8])), rng.uniform(0, 100)) for _ in range(rng.randint(1, 6))
        )
        t_s = rng.choice([rng.uniform(-1, 10), float(rng.randint(0, 9))])
        assert rate_at(points, t_s) == walked(points, t_s)
