"""The linear-time checks: oversold units, stale reads, read-your-writes, monotonic reads, lost updates.

Each is a sweep over one key's operations in time order (per-key partitioning first): the acknowledged
updates of a key are sorted by completion once, with running totals (sold units, increments) or a running
"newest write so far"; every read then finds, by binary search, the state that real time forces on it
at its invocation. Sessions are swept in invocation order, a read joining a session's "already read" set
once it completed before the next read began. Definitions: `capquest.history`, word for word.

Failed operations: a failed read says nothing; a failed order sold nothing; a failed write may still have
taken effect (a timeout is not a "no"), so it never makes anything stale, and a read of its value is
never called older than another.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from itertools import accumulate
from operator import itemgetter
from typing import Any

from capquest.checker.anomaly import Anomaly
from capquest.history import History, Op, data_kind

NEVER = 1 << 62  # "completes after everything": the effect time of a write whose success is unknown
BEFORE_ALL = -1  # the initial value's write: completed before every operation

_by_complete = itemgetter("complete", "id")
_by_invoke = itemgetter("invoke", "id")
_by_session_invoke = itemgetter("session", "invoke", "id")


def partition_by_key(ops: Iterable[Op]) -> dict[str, list[Op]]:
    """Operations grouped by key, in the order given."""
    by_key: defaultdict[str, list[Op]] = defaultdict(list)
    for op in ops:
        by_key[op["key"]].append(op)
    return dict(by_key)


def split_reads(ops: Iterable[Op]) -> dict[str, tuple[list[Op], list[Op]]]:
    """Per key: (its acknowledged reads, its other operations), in the order given; one pass."""
    by_key: dict[str, tuple[list[Op], list[Op]]] = {}
    for op in ops:
        key = op["key"]
        group = by_key.get(key)
        if group is None:
            group = by_key[key] = ([], [])
        if op["f"] == "read":
            if op["outcome"] == "ok":
                group[0].append(op)
        else:
            group[1].append(op)
    return by_key


def _end(op: Op) -> int:
    complete = op["complete"]
    return op["invoke"] if complete is None else complete


def _span(a: Op, b: Op | None) -> tuple[int, int]:
    """The time span covering two operations (the second may be absent)."""
    a_end = a["complete"]
    if a_end is None:
        a_end = a["invoke"]
    if b is None:
        return a["invoke"], a_end
    b_end = b["complete"]
    if b_end is None:
        b_end = b["invoke"]
    return min(a["invoke"], b["invoke"]), max(a_end, b_end)


def _session_sweep(
    key: str,
    reads: list[Op],
    rank: dict[int, tuple[int, int]] | None,
    template: str,
    out: list[Anomaly],
    sign: int = 1,
) -> None:
    """Monotonic reads. `rank[id]` = (lo, hi): how new the value a read saw is, at least lo and at most
    hi (a register read's value is as new as its write's invoke..completion; a read missing from `rank`
    is skipped); without `rank`, a number read is as new as sign * value. A read is older than one
    already read -- one that completed before it began -- when its hi is below that one's lo."""
    session = None
    best: Op | None = None
    best_lo = 0
    pending: list[Op] = []  # this session's reads not yet known to be done (one, unless they overlap)
    for r in sorted(reads, key=_by_session_invoke):
        if r["session"] != session:
            session, best, pending = r["session"], None, []
        inv = r["invoke"]
        if pending:
            keep = []
            for p in pending:
                if p["complete"] < inv:
                    lo = sign * p["value"] if rank is None else rank[p["id"]][0]
                    if best is None or lo > best_lo:
                        best, best_lo = p, lo
                else:
                    keep.append(p)
            pending = keep
        if rank is None:
            hi = sign * r["value"]
        else:
            lo_hi = rank.get(r["id"])
            if lo_hi is None:
                continue
            hi = lo_hi[1]
        if best is not None and hi < best_lo:
            _monotonic(out, key, r, best, template)
        pending.append(r)


def _monotonic(out: list[Anomaly], key: str, r: Op, earlier: Op, template: str) -> None:
    start, end = _span(r, earlier)
    out.append(
        Anomaly(
            "monotonic_read",
            key,
            (r["id"], earlier["id"]),
            r["invoke"],
            start,
            end,
            r["session"],
            r["node"],
            1,
            template,
            {
                "value": r["value"],
                "newer": earlier["value"],
                "earlier": earlier["id"],
                "t_since": earlier["invoke"],
                "t_at": r["invoke"],
            },
        )
    )


# ------------------------------------------------------------------------------------------------- stock
def check_stock(key: str, reads: list[Op], updates: list[Op], initial: int, out: list[Anomaly]) -> None:
    """`reads`: the key's acknowledged reads; `updates`: every other op of the key."""
    orders = [op for op in updates if op["outcome"] == "ok" and op["f"] == "order"]
    orders.sort(key=_by_complete)
    completes = [o["complete"] for o in orders]
    sold = list(accumulate((o["qty"] for o in orders), initial=0))

    # Oversold units: accepted orders in order of completion, past the initial stock.
    for i in range(max(0, bisect_right(sold, initial) - 1), len(orders)):
        o = orders[i]
        before, after = sold[i], sold[i + 1]
        units = max(0, after - initial) - max(0, before - initial)
        if not units:
            continue
        seen = o.get("seen")
        facts: dict[str, Any] = {"initial": initial, "qty": o["qty"], "total": after, "t_at": o["complete"]}
        involved: tuple[int, ...] = (o["id"],)
        writer = None
        if seen is None:
            template = "oversold_blind"
        else:
            k = bisect_right(completes, o["invoke"])
            remaining = max(0, initial - sold[k])
            writer = orders[k - 1] if k else None
            facts["seen"] = seen
            if seen > remaining and writer is not None:
                template = "oversold_stale"
                facts.update(remaining=remaining, writer=writer["id"], t_since=writer["complete"])
                involved += (writer["id"],)
            else:
                template = "oversold_race"
                writer = None
        start, end = _span(o, writer)
        out.append(
            Anomaly(
                "oversold",
                key,
                involved,
                o["complete"],
                start,
                end,
                o["session"],
                o["node"],
                units,
                template,
                facts,
            )
        )

    # Stale reads: reads, and orders' checks, that saw more stock than the sold state at their invoke.
    checks = [op for op in updates if op.get("seen") is not None]
    for group, field, template in ((reads, "value", "stale_stock"), (checks, "seen", "stale_check")):
        for r in group:
            k = bisect_right(completes, r["invoke"])
            expected = initial - sold[k]
            value = r[field]
            if value > expected and value > 0:
                _stale_stock(out, key, r, value, max(0, expected), orders[k - 1] if k else None, template)

    # Monotonic reads: stock only goes down, so a session must not read more than it already read.
    _session_sweep(key, reads, None, "monotonic_stock", out, sign=-1)


def _stale_stock(
    out: list[Anomaly], key: str, r: Op, value: int, expected: int, writer: Op | None, template: str
) -> None:
    start, end = _span(r, writer)
    out.append(
        Anomaly(
            "stale_read",
            key,
            (r["id"], writer["id"]) if writer else (r["id"],),
            r["invoke"],
            start,
            end,
            r["session"],
            r["node"],
            1,
            template,
            {
                "value": value,
                "expected": expected,
                "writer": writer["id"] if writer else "-",
                "t_since": writer["complete"] if writer else 0,
                "t_at": r["invoke"],
            },
        )
    )


# ----------------------------------------------------------------------------------------------- counter
def check_counter(key: str, reads: list[Op], updates: list[Op], initial: int, out: list[Anomaly]) -> None:
    incrs = [op for op in updates if op["outcome"] == "ok" and op["f"] == "incr"]
    incrs.sort(key=_by_complete)
    completes = [o["complete"] for o in incrs]
    added = list(accumulate((o["value"] for o in incrs), initial=0))
    for r in reads:
        k = bisect_left(completes, r["invoke"])
        expected = initial + added[k]
        if r["value"] < expected:
            writer = incrs[k - 1] if k else None
            start, end = _span(r, writer)
            out.append(
                Anomaly(
                    "stale_read",
                    key,
                    (r["id"], writer["id"]) if writer else (r["id"],),
                    r["invoke"],
                    start,
                    end,
                    r["session"],
                    r["node"],
                    1,
                    "stale_counter",
                    {
                        "value": r["value"],
                        "expected": expected,
                        "writer": writer["id"] if writer else "-",
                        "t_since": writer["complete"] if writer else 0,
                        "t_at": r["invoke"],
                    },
                )
            )
    _session_sweep(key, reads, None, "monotonic_counter", out)


# ---------------------------------------------------------------------------------------------- register
def check_register(key: str, reads: list[Op], updates: list[Op], initial: Any, out: list[Anomaly]) -> None:
    writes: dict[Any, Op] = {}
    ambiguous: set[Any] = set()  # values written twice: a read of one names no single write
    for op in updates:
        value = op["value"]
        if value in writes or value == initial:
            ambiguous.add(value)
        writes[value] = op
    ok_writes = [op for op in updates if op["outcome"] == "ok"]
    if not reads:
        return
    ok_writes.sort(key=_by_complete)
    completes = [w["complete"] for w in ok_writes]
    # newest[k]: of the first k+1 acknowledged writes by completion, the one invoked last.
    newest: list[Op] = []
    top: Op | None = None
    for w in ok_writes:
        if top is None or w["invoke"] > top["invoke"]:
            top = w
        newest.append(top)
    own: dict[int, list[Op]] = {}
    for w in ok_writes:
        own.setdefault(w["session"], []).append(w)
    own_completes = {s: [w["complete"] for w in ws] for s, ws in own.items()}

    # Per read: (write it read or None, that write's invoke, its completion) -- the real-time bounds of
    # the value it saw. The initial value was "written" before everything.
    source: dict[int, tuple[Op | None, int, int]] = {}
    for r in reads:
        value = r["value"]
        if value in ambiguous:
            continue
        w = writes.get(value)
        if w is None:
            if value != initial:
                continue  # a value nobody wrote: the linearizability check reports it
            w_inv = w_done = BEFORE_ALL
        else:
            w_inv = w["invoke"]
            w_done = w["complete"] if w["outcome"] == "ok" else NEVER
        source[r["id"]] = (w, w_inv, w_done)
        inv = r["invoke"]
        k = bisect_left(completes, inv)
        if k and newest[k - 1]["invoke"] > w_done:
            newer = newest[k - 1]
            start, end = _span(r, newer)
            out.append(
                Anomaly(
                    "stale_read",
                    key,
                    (r["id"], newer["id"]),
                    inv,
                    start,
                    end,
                    r["session"],
                    r["node"],
                    1,
                    "stale_register",
                    {
                        "value": value,
                        "newer": newer["value"],
                        "writer": newer["id"],
                        "t_since": newer["complete"],
                        "t_at": inv,
                    },
                )
            )
        mine = own_completes.get(r["session"])
        if mine:
            j = bisect_left(mine, inv)
            if j:
                latest = own[r["session"]][j - 1]
                if latest is not w and w_done < latest["invoke"]:
                    start, end = _span(r, latest)
                    out.append(
                        Anomaly(
                            "read_your_writes",
                            key,
                            (r["id"], latest["id"]),
                            inv,
                            start,
                            end,
                            r["session"],
                            r["node"],
                            1,
                            "read_your_writes",
                            {
                                "value": value,
                                "own": latest["value"],
                                "writer": latest["id"],
                                "t_since": latest["complete"],
                                "t_at": inv,
                            },
                        )
                    )
    rank = {rid: (lo, hi) for rid, (_, lo, hi) in source.items()}
    _session_sweep(key, reads, rank, "monotonic_register", out)

    _lost_updates(key, updates, ok_writes, reads, source, out)


def _lost_updates(
    key: str,
    ops: list[Op],
    ok_writes: list[Op],
    reads: list[Op],
    source: dict[int, tuple[Op | None, int, int]],
    out: list[Anomaly],
) -> None:
    """An acknowledged write w is lost when no read ever returned its value, no write of the key was
    invoked after w completed (nothing legitimately replaced it), and every read invoked after w
    completed -- at least one -- returned a value older than w (its write completed before w was
    invoked). Then, from w's acknowledgement on, every client saw the state as if w never happened, and
    no later write explains why: sound, with no guess about the system's internals."""
    if not ok_writes or not reads:
        return
    invokes = sorted((op["invoke"], op["id"]) for op in ops)
    read_values = {r["value"] for r in reads}
    by_invoke = sorted(reads, key=_by_invoke)
    read_invokes = [r["invoke"] for r in by_invoke]
    for w in ok_writes:
        if w["value"] in read_values:
            continue
        done = w["complete"]
        last_other = invokes[-1] if invokes[-1][1] != w["id"] else (invokes[-2] if len(invokes) > 1 else None)
        if last_other is not None and last_other[0] > done:
            continue
        later = by_invoke[bisect_right(read_invokes, done) :]
        if not later:
            continue
        if all((b := source.get(r["id"])) is not None and b[2] < w["invoke"] for r in later):
            last = max(later, key=_by_complete)
            start, end = _span(w, last)
            out.append(
                Anomaly(
                    "lost_update",
                    key,
                    (w["id"], *(r["id"] for r in later[:8])),
                    done,
                    start,
                    end,
                    w["session"],
                    w["node"],
                    1,
                    "lost_update",
                    {"value": w["value"], "reads": len(later), "t_at": done, "t_last": last["invoke"]},
                )
            )


# ---------------------------------------------------------------------------------------------- the lot
KIND_ORDER = {
    "oversold": 0,
    "stale_read": 1,
    "read_your_writes": 2,
    "monotonic_read": 3,
    "lost_update": 4,
    "not_linearizable": 5,
}


def check_linear(history: History, kinds: dict[str, str] | None = None) -> list[Anomaly]:
    """Every anomaly the linear checks find, sorted by (time, kind, op id)."""
    initial = history["initial"]
    hints = history.get("kinds") or {}
    out: list[Anomaly] = []
    for key, (reads, updates) in split_reads(history["ops"]).items():
        start = initial.get(key)
        if kinds is not None:
            kind = kinds[key]
        else:
            kind = data_kind(updates[0]["f"] if updates else None, start, hints.get(key))
        if kind == "stock":
            check_stock(key, reads, updates, start, out)
        elif kind == "counter":
            check_counter(key, reads, updates, start if start is not None else 0, out)
        else:
            check_register(key, reads, updates, start, out)
    out.sort(key=lambda a: (a.time, KIND_ORDER[a.kind], a.ops))
    return out
