"""Cache drift (`Cache.counter_ttl_s`), from the mechanism in ../shared/domain.md ("Cache + queue +
compensation"): a stock counter that expires is reloaded from the primary's committed stock, which lacks
the orders still waiting in the worker's queue, so the cache sells those units again and the worker
cancels the extra orders later. What must hold whatever the numbers:

- an expiry that never comes, or a counter nobody keeps, changes nothing (the same history, byte for byte);
- with one unit per order, the worker cancels exactly the oversold units, and after compensation no item
  has sold more than its stock;
- without drift an atomic decrement never oversells; a worker that never drains lets the cache forget
  every sale at each reload, and no further;
- drift never lowers oversell (averaged over seeds), and an order decided on the primary never oversells,
  whatever the cache does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from capquest.engine import simulate
from capquest.engine.model import (
    Cache,
    ClassPolicy,
    OpMix,
    Policy,
    RatePoint,
    Scenario,
    Server,
    Strategy,
    Topology,
    Worker,
    Workload,
)

from . import scenes

FEW = settings(max_examples=8, deadline=None)

GET_THEN_DECR = scenes.AP_CACHE_QUEUE  # the seed's AP design: GET, then DECR
ATOMIC = scenes.AP_ATOMIC
CACHE_POLICIES = {"get_then_decr": GET_THEN_DECR, "atomic": ATOMIC}


def drift_scene(
    ttl: float | None,
    *,
    hot_stock: int = 30,
    worker_rps: float = 1000.0,
    rps: float = 4000.0,
    duration_s: float = 3.0,
    max_qty: int = 1,
    cache: bool = True,
) -> Scenario:
    """Orders and stock reads on a hot item through a cache; the worker validates slower than orders come
    (so the primary is seconds behind the cache: the seed's Black Friday queue)."""
    return Scenario(
        workload=Workload(
            duration_s=duration_s,
            scale=10,
            rate=(RatePoint(0, rps),),
            mix=OpMix(order=0.6, stock_read=0.4),
            items=20,
            popularity_skew=1.2,
            stock=200,
            hot_item_stock=hot_stock,
            max_qty=max_qty,
            sessions=500,
            timeout_ms=2000,
        ),
        topology=Topology(
            primary=Server(pool=200, cores=8, service_ms=1.0),
            cache=Cache(region="seoul", counter_ttl_s=ttl) if cache else None,
            worker=Worker(rps=worker_rps),
        ),
    )


def _units(history) -> tuple[Counter, Counter]:
    """Per stock key: units of the orders the clients were told succeeded, and units the worker cancelled."""
    by_id = {op["id"]: op for op in history["ops"]}
    sold: Counter = Counter()
    cancelled: Counter = Counter()
    for op in history["ops"]:
        if op["f"] == "order" and op["outcome"] == "ok":
            sold[op["key"]] += op["qty"]
        elif op["f"] == "cancel":
            cancelled[op["key"]] += by_id[op["order"]]["qty"]
    return sold, cancelled


# ------------------------------------------------------------------------------ nothing changes when off
@FEW
@given(
    seed=st.integers(0, 2**32 - 1),
    decrement=st.sampled_from(sorted(CACHE_POLICIES)),
    hot_stock=st.integers(0, 80),
    worker_rps=st.sampled_from([0.0, 500.0, 5000.0]),
)
def test_a_counter_that_outlives_the_run_changes_nothing(seed, decrement, hot_stock, worker_rps):
    strategy = CACHE_POLICIES[decrement]
    # every cache access happens before its client's deadline: at most duration + timeout (5 s here)
    never = simulate(drift_scene(600.0, hot_stock=hot_stock, worker_rps=worker_rps), strategy, seed)
    unset = simulate(drift_scene(None, hot_stock=hot_stock, worker_rps=worker_rps), strategy, seed)
    implicit = simulate(
        drift_scene(None, hot_stock=hot_stock, worker_rps=worker_rps, cache=False), strategy, seed
    )
    assert never.digest == unset.digest == implicit.digest


@FEW
@given(seed=st.integers(0, 2**32 - 1), ttl=st.sampled_from([0.05, 0.5, 2.0]))
def test_without_cached_counters_the_setting_changes_nothing(seed, ttl):
    # stock read from the cache, orders decided on the primary: no order keeps a counter in the cache
    strategy = Strategy(Policy(read_from="cache", write_to="primary", stock_check="conditional_update"))
    assert (
        simulate(drift_scene(ttl), strategy, seed).digest
        == simulate(drift_scene(None), strategy, seed).digest
    )


# ------------------------------------------------------------------------------ compensation catches all
@FEW
@given(
    seed=st.integers(0, 2**32 - 1),
    decrement=st.sampled_from(sorted(CACHE_POLICIES)),
    ttl=st.sampled_from([None, 0.05, 0.3, 1.0]),
    hot_stock=st.integers(0, 60),
    worker_rps=st.sampled_from([300.0, 1000.0, 5000.0]),
    max_qty=st.sampled_from([1, 3]),
)
def test_the_worker_cancels_every_oversold_unit(seed, decrement, ttl, hot_stock, worker_rps, max_qty):
    sc = drift_scene(ttl, hot_stock=hot_stock, worker_rps=worker_rps, max_qty=max_qty)
    out = simulate(sc, CACHE_POLICIES[decrement], seed)
    sold, cancelled = _units(out.history)
    initial = out.history["initial"]
    for key, units in sold.items():
        # the worker validates every accepted order against the database: what it keeps fits the stock
        assert units - cancelled[key] <= initial[key], key
        oversold = max(0, units - initial[key])
        assert cancelled[key] >= oversold, key
        if max_qty == 1:  # one unit per order: it cancels exactly the oversold units, no more
            assert cancelled[key] == oversold, key
    if max_qty == 1:
        assert out.metrics.compensated_orders == out.metrics.oversold_units * sc.workload.scale


# ------------------------------------------------------------------------------------ atomic decrement
@FEW
@given(seed=st.integers(0, 2**32 - 1), hot_stock=st.integers(0, 60), worker_rps=st.sampled_from([0.0, 300.0]))
def test_atomic_decrement_without_drift_never_oversells(seed, hot_stock, worker_rps):
    m = simulate(drift_scene(None, hot_stock=hot_stock, worker_rps=worker_rps), ATOMIC, seed).metrics
    assert m.oversold_units == 0 and m.compensated_orders == 0


@FEW
@given(seed=st.integers(0, 2**32 - 1), ttl=st.sampled_from([0.2, 0.5, 1.0]), hot_stock=st.integers(1, 40))
def test_a_stopped_worker_lets_the_cache_forget_each_sale_at_each_reload_and_no_more(seed, ttl, hot_stock):
    # Nothing reaches the primary, so every reload brings back the starting stock: an atomic counter sells
    # at most one stock per lifetime of the counter, and the first lifetime starts at the first access.
    out = simulate(drift_scene(ttl, hot_stock=hot_stock, worker_rps=0.0), ATOMIC, seed)
    ttl_us = int(ttl * 1_000_000)
    initial = out.history["initial"]
    orders: dict[str, list[int]] = {}
    for op in out.history["ops"]:
        if op["f"] == "order":
            orders.setdefault(op["key"], []).append(op)
    for key, ops in orders.items():
        accepted = sum(op["qty"] for op in ops if op["outcome"] == "ok")
        span = max(op["complete"] for op in ops) - min(op["invoke"] for op in ops)
        assert accepted <= initial[key] * (1 + span // ttl_us), key
    hot = "stock/0"
    assert sum(op["outcome"] == "ok" for op in orders[hot]) > initial[hot]  # the hot item did sell twice


def test_drift_makes_an_atomic_decrement_oversell_when_the_worker_lags():
    totals = [
        simulate(drift_scene(ttl, worker_rps=600.0), ATOMIC, seed).metrics.oversold_units
        for seed in range(4)
        for ttl in (0.3, 1.0)
    ]
    assert sum(totals) > 0


# ----------------------------------------------------------------------------------- drift only adds
def test_drift_never_lowers_oversell_on_average():
    seeds = range(6)
    for strategy in (GET_THEN_DECR, ATOMIC):

        def mean(ttl, strategy=strategy):
            return sum(simulate(drift_scene(ttl), strategy, s).metrics.oversold_units for s in seeds) / len(
                seeds
            )

        without = mean(None)
        for ttl in (2.0, 0.5, 0.1):
            assert mean(ttl) >= without, ttl
        assert mean(0.1) > without  # and a counter reloaded often does oversell more


def test_a_faster_worker_leaves_less_to_drift():
    # the drift is the queue: orders the cache has sold and the primary has not yet seen
    def mean(worker_rps: float) -> float:
        return sum(
            simulate(drift_scene(0.2, worker_rps=worker_rps), ATOMIC, s).metrics.oversold_units
            for s in range(4)
        )

    means = [mean(rps) for rps in (300.0, 1500.0, 50_000.0)]
    assert means == sorted(means, reverse=True)
    assert means[0] > means[-1]


# ------------------------------------------------------------------------------------ CP is unaffected
@FEW
@given(
    seed=st.integers(0, 2**32 - 1),
    ttl=st.sampled_from([None, 0.05, 0.5]),
    check=st.sampled_from(["for_update", "conditional_update"]),
    hot_stock=st.integers(0, 60),
)
def test_orders_decided_on_the_primary_never_oversell_whatever_the_cache_does(seed, ttl, check, hot_stock):
    # a hybrid: orders CP on the primary, stock reads and analytics through the drifting cache and queue
    cached = Policy(read_from="cache", write_to="cache_queue")
    strategy = Strategy(
        cached,
        (ClassPolicy("orders", Policy(read_from="primary", write_to="primary", stock_check=check)),),
    )
    sc = drift_scene(ttl, hot_stock=hot_stock)
    sc = replace(sc, workload=replace(sc.workload, mix=OpMix(order=0.5, stock_read=0.3, event_write=0.2)))
    m = simulate(sc, strategy, seed).metrics
    assert m.oversold_units == 0 and m.compensated_orders == 0
