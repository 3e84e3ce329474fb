"""The quorum store held against the theory: intersecting quorums never read stale, exponential apply
delays give PBS's probabilistic staleness (checked against a WARS Monte-Carlo computed here), nodes queue
like any server, and read repair shortens the window."""

from __future__ import annotations

import math
import random

import pytest

from capquest.engine import simulate
from capquest.engine.aggregate import erlang_c
from capquest.engine.model import (
    OpMix,
    Policy,
    Quorum,
    QuorumNode,
    RatePoint,
    Scenario,
    Server,
    Strategy,
    Topology,
    Workload,
)
from capquest.engine.quorum import needed

APPLY_MS = 10.0
TINY = Server(pool=1000, cores=None, service_ms=0.001)  # a node that never queues and serves in ~1 us


def _store(n: int, *, apply_ms: float = APPLY_MS, delay: str = "exponential", server: Server = TINY, **kw):
    nodes = tuple(
        QuorumNode(f"q{k}", "seoul", apply_delay_ms=apply_ms, apply_delay=delay)  # type: ignore[arg-type]
        for k in range(n)
    )
    return Quorum(nodes=nodes, server=server, **kw)


def _register_scenario(quorum: Quorum, *, rps=200.0, write_share=0.01, duration_s=60.0) -> Scenario:
    """One session, one profile key: rare writes, many reads, all through the quorum store."""
    return Scenario(
        workload=Workload(
            duration_s=duration_s,
            rate=(RatePoint(0, rps),),
            mix=OpMix(order=0, profile_write=write_share, profile_read=1 - write_share),
            sessions=1,
            timeout_ms=60_000,
        ),
        topology=Topology(local_rtt_ms=0, quorum=quorum),
    )


def _quorum(r, w) -> Strategy:
    return Strategy(Policy(read_from="quorum", write_to="quorum", read_level=r, write_level=w))


def test_levels_are_numbers_or_names():
    assert [needed(x, 5) for x in ("ONE", "QUORUM", "ALL", 2, 4, 9)] == [1, 3, 5, 2, 4, 5]


@pytest.mark.parametrize("n,r,w", [(3, 2, 2), (5, 2, 4), (5, 3, 3), (5, 1, 5), (5, 4, 2)])
def test_intersecting_quorums_never_read_stale(n, r, w):
    sc = _register_scenario(_store(n, apply_ms=30.0), rps=400.0, write_share=0.3, duration_s=5.0)
    for seed in range(3):
        m = simulate(sc, _quorum(r, w), seed).metrics
        assert m.stale_reads == 0 and m.error_rate == 0


def _version(value: str) -> int:
    return int(value.rsplit(".", 1)[1])  # "p0.7" -> the session's 7th write


def _stale_after_write(history) -> list[tuple[float, bool]]:
    """(ms since the newest write completed before the read was invoked, stale?) for every read with no
    write in flight around it (the single-write model of WARS)."""
    writes = sorted((op for op in history["ops"] if op["f"] == "write"), key=lambda op: op["invoke"])
    out = []
    k = 0
    for op in history["ops"]:
        if op["f"] != "read" or op["outcome"] != "ok":
            continue
        while k < len(writes) and writes[k]["invoke"] < op["invoke"]:
            k += 1
        if k == 0:
            continue
        last = writes[k - 1]
        if last["complete"] >= op["invoke"] or (k < len(writes) and writes[k]["invoke"] < op["complete"]):
            continue  # a write concurrent with this read
        out.append(
            ((op["invoke"] - last["complete"]) / 1000, _version(op["value"]) < _version(last["value"]))
        )
    return out


def _wars_stale(rng: random.Random, n: int, r: int, w: int, after_us: float) -> bool:
    """One Monte-Carlo draw of WARS (Bailis et al. 2012) with this engine's legs: a hop is 0-49 us of
    jitter, service about 1 us, applying a write Exp(APPLY_MS); stale if none of the first R replies
    comes from a node that had applied the write when it read."""

    def hop() -> int:
        return int(rng.random() * 50)

    def service() -> int:
        return int(rng.expovariate(1.0))

    applied = [hop() + service() + int(rng.expovariate(1 / (APPLY_MS * 1000))) for _ in range(n)]
    commit = sorted(a + hop() for a in applied)[w - 1]
    read_at = commit + after_us
    replies = []
    for k in range(n):
        at = read_at + hop() + service()
        replies.append((at + hop(), applied[k] <= at))
    replies.sort()
    return not any(fresh for _, fresh in replies[:r])


@pytest.mark.slow
@pytest.mark.parametrize("n,r,w", [(3, 1, 1), (5, 2, 2)])
def test_exponential_apply_delays_are_stale_as_wars_predicts(n, r, w):
    reads = []
    for seed in range(3):
        outcome = simulate(_register_scenario(_store(n)), _quorum(r, w), seed)
        reads += _stale_after_write(outcome.history)
    rng = random.Random(7)
    checked = 0
    for lo, hi in [(0, 2), (2, 5), (5, 10), (10, 20), (20, 40)]:
        bucket = [(t, stale) for t, stale in reads if lo <= t < hi]
        if len(bucket) < 50:
            continue
        observed = sum(stale for _, stale in bucket) / len(bucket)
        draws = 20_000
        mc = sum(_wars_stale(rng, n, r, w, bucket[k % len(bucket)][0] * 1000) for k in range(draws)) / draws
        p = max(mc, 1e-3)
        se = math.sqrt(p * (1 - p) / len(bucket) + p * (1 - p) / draws)
        assert abs(observed - mc) <= 3 * se, (lo, hi, observed, mc, len(bucket))
        checked += 1
    assert checked >= 3
    # and the window closes: stale reads right after a write, (almost) none 40 ms later
    assert sum(s for t, s in reads if t < 2) > 0
    assert not any(s for t, s in reads if t > 100)


def test_r_plus_w_at_most_n_reads_stale_with_exponential_delays():
    m = simulate(_register_scenario(_store(3), duration_s=10.0, write_share=0.05), _quorum(1, 1), 1).metrics
    assert m.stale_reads > 0


def _one_node_read_latency_ms(rho: float, seed: int) -> float:
    c, service_ms = 4, 2.0
    rate = rho * c * 1000 / service_ms
    node = Server(pool=c, cores=None, service_ms=service_ms)
    quorum = Quorum(nodes=(QuorumNode("q0", "seoul"),), server=node)
    sc = _register_scenario(quorum, rps=rate, write_share=0.0, duration_s=40_000 / rate)
    return simulate(sc, _quorum("ONE", "ONE"), seed).metrics.latency_ms.mean


@pytest.mark.parametrize("rho", [0.5, 0.9])
def test_quorum_read_latency_grows_with_load_as_the_server_model_says(rho):
    c, mu = 4, 1000 / 2.0  # per second
    lam = rho * c * mu
    expected_ms = 1000 * (1 / mu + erlang_c(c, lam / mu) / (c * mu - lam)) + 0.049  # + two 0-49 us hops
    measured = sum(_one_node_read_latency_ms(rho, seed) for seed in range(3)) / 3
    assert measured == pytest.approx(expected_ms, rel=0.05)


def test_a_busy_store_is_a_slow_store():
    def p50(rps: float) -> float:
        quorum = _store(5, apply_ms=0.0, delay="constant", server=Server(pool=50, cores=8, service_ms=1.0))
        sc = _register_scenario(quorum, rps=rps, write_share=0.3, duration_s=2.0)
        return simulate(sc, _quorum("QUORUM", "QUORUM"), 1).metrics.latency_ms.p50

    quiet, busy = p50(500), p50(7_800)  # 5 % and 97.5 % of 8 cores at 1 ms per request
    assert busy > 3 * quiet


def test_read_repair_lowers_later_stale_reads():
    def stale(repair: bool) -> int:
        quorum = _store(3, apply_ms=50.0, read_repair=repair)
        sc = _register_scenario(quorum, rps=400.0, write_share=0.02, duration_s=20.0)
        return sum(simulate(sc, _quorum(1, 1), seed).metrics.stale_reads for seed in range(3))

    without, with_repair = stale(False), stale(True)
    assert with_repair < 0.8 * without


def test_a_counter_read_counts_the_union_of_its_replies_increments():
    """The counted union (longest prefix + what other replies hold beyond it) equals the set union."""
    from bisect import bisect_right

    from capquest.engine.aggregate import AggregateQueue
    from capquest.engine.quorum import QuorumStore

    rng = random.Random(7)
    n = 5
    queues = [AggregateQueue(TINY, [(0.0, 0.0)], 1_000_000, random.Random(1)) for _ in range(n)]
    store = QuorumStore(
        [f"n{k}" for k in range(n)],
        [k % 2 for k in range(n)],
        [0] * n,
        [1.0] * n,
        [[100, 20_000], [20_000, 100]],
        random.Random(3),
        queues,
        [True] * n,
    )
    store.apply_delay_us = [5_000] * n
    for k in range(300):
        t = k * 1_000
        store.write(t, k % n, "views/0", (t, k), None, lambda node, at: None, lambda node, at: 0, k)
    for _ in range(200):
        chosen = [(0, node, rng.randrange(0, 320_000)) for node in rng.sample(range(n), rng.randint(1, n))]
        union: set = set()
        for _, node, at in chosen:
            lst = store.entries[node]["views/0"]
            union.update(ts for _, ts in lst[: bisect_right(lst, (at, (1 << 62, 0)))])
        assert store.read_value("views/0", chosen, 10, counter=True) == 10 + len(union)
