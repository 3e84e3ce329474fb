"""Turns a finished `Simulation` into an `Outcome`: the history (per `capquest.history`), the metrics in
real-world figures, the replay trace and the digest."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import pairwise
from math import ceil
from operator import itemgetter

from capquest.engine.anomalies import count_anomalies
from capquest.engine.core import Simulation
from capquest.engine.outcome import Latency, Metrics, Outcome, TraceFrame, history_digest
from capquest.history import FORMAT, VERSION, History


def simulated_one_by_one(history: History) -> dict[str, int]:
    """How many client requests, orders and stock reads the run simulated one by one (before scaling):
    the work behind the figures, which speed work may never shrink."""
    requests = orders = stock_reads = 0
    for op in history["ops"]:
        f = op["f"]
        if f == "cancel":
            continue
        requests += 1
        if f == "order":
            orders += 1
        elif f == "read" and op["key"].startswith("stock/"):
            stock_reads += 1
    return {"requests": requests, "orders": orders, "stock_reads": stock_reads}


def _percentile(sorted_values: list[int], q: float) -> float:
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, ceil(q * len(sorted_values)) - 1))
    return sorted_values[k] / 1000.0


def _history(sim: Simulation) -> History:
    ops = sim.hist
    for op in ops:
        if op["complete"] is None:  # never answered: the client gave up at its deadline
            op["complete"] = op["invoke"] + sim.timeout_us
            op["error"] = "timeout"
    n = len(ops)
    for k, cancel in enumerate(sim.cancels):
        cancel["id"] = n + k
    all_ops = ops + sim.cancels if sim.cancels else ops
    if sim.cancels:
        all_ops.sort(key=itemgetter("invoke", "id"))
    served = {op["node"] for op in all_ops if op["node"]}
    names = [srv.name for srv in sim.servers]
    if sim.quorum is not None:
        names += sim.quorum.names
    names.append("worker")
    faults = [
        {
            "kind": f.kind,
            "start": int(f.at_s * 1_000_000),
            "end": int(f.until_s * 1_000_000),
            "groups": [list(g) for g in f.groups],
            "node": f.node,
        }
        for f in sim.scenario.faults
    ]
    return {
        "format": FORMAT,
        "version": VERSION,
        "time_unit": "us",
        "initial": dict(sorted(sim.arr.initial.items())),
        "nodes": [name for name in names if name in served],
        "faults": faults,  # type: ignore[typeddict-item]  # the engine's records, in the format's shape
        "ops": all_ops,  # type: ignore[typeddict-item]  # the engine's records, in the format's shape
    }


def _cost(sim: Simulation) -> float:
    sc = sim.scenario
    prices = sc.prices
    pols = sim.used_pols
    per_s = 0.0
    uses_quorum = any(p.read_from == "quorum" or p.write_to == "quorum" for p in pols)
    quorum_only = all(p.read_from == "quorum" and p.write_to == "quorum" for p in pols) and all(
        p.stock_check == "read_then_write" for p in pols
    )
    if not (quorum_only and pols):
        per_s += prices.primary_per_s
    if any(p.read_from == "replica" for p in pols):
        per_s += prices.replica_per_s * sim.n_replicas
    if sim.needs_cache:
        per_s += prices.cache_per_s
    if any(p.write_to == "cache_queue" for p in pols):
        per_s += prices.worker_per_s
    if uses_quorum and sim.quorum is not None:
        per_s += prices.quorum_node_per_s * sim.quorum.n
    scale = sim.scale
    per_m = (
        sim.strong_reads * prices.strong_read_per_m
        + sim.eventual_reads * prices.eventual_read_per_m
        + sim.writes * prices.write_per_m
    )
    return round(per_s * sc.workload.duration_s + per_m * scale / 1_000_000, 4)


Answers = tuple[list[int], list[dict], list[tuple[int, int, str, int]]]


def _answers(sim: Simulation) -> Answers:
    """One pass over the requests (shared by the metrics and the trace): latencies, the failed requests
    (an out-of-stock answer is not a failure) and the accepted orders as (complete, id, key, qty)."""
    latencies: list[int] = []
    failures: list[dict] = []
    done_orders: list[tuple[int, int, str, int]] = []
    add_latency, add_failure, add_order = latencies.append, failures.append, done_orders.append
    for op in sim.hist:
        complete = op["complete"]
        if op["outcome"] == "ok":
            if op["f"] == "order":
                add_order((complete, op["id"], op["key"], op["qty"]))
        elif op["error"] != "out_of_stock":
            add_failure(op)
        add_latency(complete - op["invoke"])
    return latencies, failures, done_orders


def _trace(
    sim: Simulation,
    history: History,
    answers: Answers | None = None,
) -> tuple[TraceFrame, ...]:
    frames = sim.frames
    if not frames:
        return ()
    _, failures, done_orders = answers if answers is not None else _answers(sim)
    bounds = [t for t, _ in frames]
    width_s = bounds[0] / 1_000_000
    nframes = len(frames)
    # requests per frame: the invokes are sorted (the arrivals), so a bisect per frame boundary counts them
    times = sim.arr.times
    cut = [0] + [bisect_left(times, b) for b in bounds]
    arrivals = [b - a for a, b in pairwise(cut)]
    errors = [0] * nframes
    events: list[list[str]] = [[] for _ in frames]
    initial = history["initial"]
    for op in failures:
        j = bisect_right(bounds, op["complete"])
        if j < nframes:
            errors[j] += 1
    done_orders.sort()
    accepted: dict[str, int] = {}
    flagged: set[str] = set()
    for complete, _, key, qty in done_orders:
        total = accepted.get(key, 0) + qty
        accepted[key] = total
        if total > initial.get(key, 0) and key not in flagged:
            flagged.add(key)
            events[min(nframes - 1, bisect_right(bounds, complete))].append(f"oversell:{key}")
    for fault in history["faults"]:
        label = fault["kind"] + (f":{fault['node']}" if fault["node"] else "")
        for when, what in ((fault["start"], "start"), (fault["end"], "end")):
            j = bisect_right(bounds, when)
            if j < nframes:
                events[j].append(f"{label}:{what}")
    out = []
    scale = sim.scale
    for k, (t, values) in enumerate(frames):
        values = dict(values)
        values["rps"] = round(arrivals[k] * scale / width_s, 1)
        values["errors"] = round(errors[k] * scale / width_s, 1)
        out.append(TraceFrame(t_us=t, values=values, events=tuple(events[k])))
    return tuple(out)


def outcome_of(sim: Simulation) -> Outcome:
    history = _history(sim)
    ops = history["ops"]
    scale = sim.scale
    requests = len(sim.hist)
    anomalies = count_anomalies(history)  # before the per-request lists: their peaks do not add up
    answers = _answers(sim)
    latencies, failures, done_orders = answers
    accepted = len(done_orders)
    failed = len(failures)
    timeouts = sum(1 for op in failures if op["error"] == "timeout")
    latencies.sort()
    max_lag = 0.0
    for _, values in sim.frames:
        for name, value in values.items():
            if name.endswith(".lag_ms") and value > max_lag:
                max_lag = value
    metrics = Metrics(
        requests=requests * scale,
        orders_accepted=accepted * scale,
        oversold_units=anomalies.oversold_units,
        compensated_orders=sim.compensated * scale,
        stale_reads=anomalies.stale_reads * scale,
        ryw_violations=anomalies.ryw_violations * scale,
        monotonic_violations=anomalies.monotonic_violations * scale,
        error_rate=round(failed / requests, 6) if requests else 0.0,
        latency_ms=Latency(
            p50=_percentile(latencies, 0.50),
            p95=_percentile(latencies, 0.95),
            p99=_percentile(latencies, 0.99),
            mean=round(sum(latencies) / len(latencies) / 1000.0, 3) if latencies else 0.0,
        ),
        cost_units=_cost(sim),
        simulated_ops=len(ops),
        timeouts=timeouts * scale,
        extra={
            "scale": float(scale),
            "primary.pool_peak": round(float(sim.servers[0].peak), 1),
            "primary.pool_size": float(sim.servers[0].pool),
            "lock_waiters_peak": float(sim.lock_peak * scale),
            "max_replica_lag_ms": max_lag,
            "worker.queue_peak": float(sim.worker_peak * scale),
            # mean wait for a connection (ms) of the queries that got one: the M/M/c test's Wq
            "primary.pool_wait_ms": round(sim.servers[0].waited / sim.servers[0].started / 1000, 4)
            if sim.servers[0].started
            else 0.0,
        },
    )
    trace = _trace(sim, history, answers)
    del answers, latencies, failures, done_orders  # freed before the digest: the run's memory peak
    return Outcome(
        metrics=metrics,
        history=history,
        trace=trace,
        digest=history_digest(history),
        read_lag_us=sim.read_lag_us,
        read_lag_source=sim.read_lag_source,
    )
