"""A tiny in-memory store that writes histories whose verdicts are known by construction, for the
checker's tests, its benchmark and the format's documentation -- independent of the engine.

Every operation takes effect at one instant (its *point*) strictly between its invocation and its
completion, in point order, against one copy of the data: the history is linearizable and has no stale
read. With `lag_us` > 0 reads (and orders' checks) are served by a replica that sees the data as it was
`lag_us` earlier, and orders check-then-decrement in two steps: stale reads and oversells follow, as in
the seed's read-replica scene.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from typing import Any, cast

from capquest.history import FORMAT, VERSION, FaultRecord, History, Op


def reference_history(
    seed: int = 1,
    *,
    ops: int = 1000,
    sessions: int = 20,
    items: int = 3,
    stock: int = 50,
    profiles: int = 3,
    counters: int = 2,
    lag_us: int = 0,
    mean_gap_us: int = 2_000,
    mean_latency_us: int = 1_000,
) -> History:
    rng = random.Random(seed)
    initial: dict[str, Any] = {}
    for i in range(items):
        initial[f"stock/{i}"] = stock
    for i in range(profiles):
        initial[f"profile/{i}"] = f"p{i}.0"
    for i in range(counters):
        initial[f"views/{i}"] = 0
    keys = list(initial)
    # Plan: per session, operations one after another (a session waits for its answer).
    planned: list[tuple[int, int, int, int, str, str]] = []  # (point, invoke, complete, session, f, key)
    per_session = max(1, ops // sessions)
    for s in range(sessions):
        t = rng.randrange(mean_gap_us)
        for _ in range(per_session):
            key = rng.choice(keys)
            kind = key.split("/")[0]
            if kind == "stock":
                f = rng.choice(("order", "order", "read"))
            elif kind == "profile":
                f = rng.choice(("write", "read", "read"))
            else:
                f = rng.choice(("incr", "incr", "read"))
            invoke = t
            point = invoke + 1 + rng.randrange(mean_latency_us)
            complete = point + 1 + rng.randrange(mean_latency_us)
            planned.append((point, invoke, complete, s, f, key))
            t = complete + 1 + rng.randrange(2 * mean_gap_us)
    planned.sort()
    state = dict(initial)
    past: dict[str, tuple[list[int], list[Any]]] = {k: ([-1], [v]) for k, v in initial.items()}

    def replica_value(key: str, t: int) -> Any:
        times, values = past[key]
        return values[bisect_right(times, t - lag_us) - 1]

    history_ops: list[Op] = []
    serial = 0
    for n, (point, invoke, complete, s, f, key) in enumerate(planned):
        op: dict[str, Any] = {
            "id": n,
            "session": s,
            "f": f,
            "key": key,
            "invoke": invoke,
            "complete": complete,
            "node": "primary",
            "outcome": "ok",
            "error": "",
        }
        if f == "read":
            if lag_us:
                op["value"] = replica_value(key, point)
                op["node"] = "replica-1"
            else:
                op["value"] = state[key]
        elif f == "write":
            serial += 1
            op["value"] = f"{key.split('/')[1]}.{serial}"
            state[key] = op["value"]
        elif f == "incr":
            op["value"] = 1
            state[key] += 1
        else:  # order
            qty = 1 + (rng.random() < 0.2)
            op["qty"] = qty
            if lag_us:
                seen = max(0, replica_value(key, point))
                op["seen"] = seen
                if seen >= qty:  # the seed's bug: check on the replica, decrement on the primary anyway
                    state[key] -= qty
                else:
                    op["outcome"], op["error"] = "fail", "out_of_stock"
            elif state[key] >= qty:
                state[key] -= qty
                op["seen"] = None
            else:
                op["outcome"], op["error"] = "fail", "out_of_stock"
        if op["outcome"] == "ok" or f == "order":
            times, values = past[key]
            if values[-1] != state[key]:
                times.append(point)
                values.append(state[key])
        history_ops.append(op)  # type: ignore[arg-type]  # a plain dict in the Op shape
    # Number the operations in invocation order, as a client library would.
    history_ops.sort(key=lambda o: (o["invoke"], o["id"]))
    renumber = {o["id"]: n for n, o in enumerate(history_ops)}
    for o in history_ops:
        o["id"] = renumber[o["id"]]
    return {
        "format": FORMAT,
        "version": VERSION,
        "time_unit": "us",
        "initial": initial,
        "nodes": ["primary", "replica-1"] if lag_us else ["primary"],
        "faults": [],
        "ops": history_ops,
    }


def client_op(
    op_id: int,
    f: str,
    key: str,
    invoke: int,
    complete: int | None,
    *,
    session: int = 0,
    node: str = "primary",
    outcome: str = "ok",
    error: str = "",
    **fields: Any,
) -> Op:
    """One operation, for hand-made histories (tests, docs): `client_op(7, "read", "stock/0", 20, 25,
    value=3)`."""
    op: dict[str, Any] = {
        "id": op_id,
        "session": session,
        "f": f,
        "key": key,
        "invoke": invoke,
        "complete": complete,
        "node": node,
        "outcome": outcome,
        "error": error,
    }
    op.update(fields)
    return op  # type: ignore[return-value]  # a plain dict in the Op shape


def history_of(initial: dict[str, Any], ops: list[Op], faults: list[dict[str, Any]] | None = None) -> History:
    """A history around hand-made operations (sorted by (invoke, id), as the format asks)."""
    nodes = sorted({op["node"] for op in ops if op["node"]})
    return {
        "format": FORMAT,
        "version": VERSION,
        "time_unit": "us",
        "initial": dict(initial),
        "nodes": nodes,
        "faults": [cast(FaultRecord, fault) for fault in faults or []],  # hand-made, in the format's shape
        "ops": sorted(ops, key=lambda o: (o["invoke"], o["id"])),
    }
