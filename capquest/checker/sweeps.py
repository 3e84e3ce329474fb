"""The sweeps (linear-time after one sort): oversold units, stale reads, read-your-writes, monotonic
reads, lost updates. Not the linearizability check (that is `checker.linearizability`).

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

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import accumulate
from operator import eq, itemgetter, le, lt
from typing import Any

from capquest.checker.anomaly import Anomaly
from capquest.history import History, Op, data_kind

# "Completes after everything": the effect time of an operation whose success is unknown. Infinity, not
# a big int: times in a valid file have no upper bound, and no int reaches it (it was 2^62).
NEVER = math.inf
BEFORE_ALL = -1  # the initial value's write: completed before every operation

_by_complete = itemgetter("complete", "id")
_by_invoke = itemgetter("invoke", "id")
_id = itemgetter("id")
_invoke = itemgetter("invoke")
_complete = itemgetter("complete")
_value = itemgetter("value")
_session = itemgetter("session")


def sort_by(ops: list[Op], field: itemgetter) -> None:
    """Sort in place by `field`, ties by id. Two stable sorts on plain ints: much cheaper than one sort
    on (field, id) tuples, which allocates a tuple per operation."""
    ops.sort(key=_id)
    ops.sort(key=field)


def in_time_order(ops: list[Op]) -> list[Op]:
    """`ops` in (invoke, id) order: the list itself when it already is (as the format asks), else a
    sorted copy. The test runs at C speed: invokes never decrease, and where two are equal the ids rise."""
    invokes = list(map(_invoke, ops))
    if all(map(lt, invokes, invokes[1:])):
        return ops  # strictly increasing: no ties to order by id
    if all(map(le, invokes, invokes[1:])):
        ids = list(map(_id, ops))
        if all(map(le, map(eq, invokes, invokes[1:]), map(lt, ids, ids[1:]))):
            return ops
    copy = list(ops)
    sort_by(copy, _invoke)
    return copy


def partition_by_key(ops: Iterable[Op]) -> dict[str, list[Op]]:
    """Operations grouped by key, in the order given."""
    by_key: defaultdict[str, list[Op]] = defaultdict(list)
    for op in ops:
        by_key[op["key"]].append(op)
    return dict(by_key)


def split_reads(ops: Iterable[Op]) -> dict[str, tuple[list[Op], list[Op], list[Op]]]:
    """Per key, in the order given: (its acknowledged reads, its acknowledged updates -- orders,
    increments, writes --, everything else: failed updates, cancels). One pass: a history of 100k
    operations does not fit in a CPU cache, so every pass over it costs."""
    by_key: dict[str, tuple[list[Op], list[Op], list[Op]]] = {}
    for op in ops:
        key = op["key"]
        group = by_key.get(key)
        if group is None:
            group = by_key[key] = ([], [], [])
        if op["outcome"] == "ok":
            if op["f"] == "read":
                group[0].append(op)
            elif op["f"] == "cancel":
                group[2].append(op)
            else:
                group[1].append(op)
        elif op["f"] != "read":
            group[2].append(op)
    return by_key


def _end(op: Op) -> int:
    complete = op["complete"]
    return op["invoke"] if complete is None else complete


def _done(op: Op) -> float:
    """When `op` completed; one never answered may take effect at any time after its invocation: NEVER."""
    complete = op["complete"]
    return NEVER if complete is None else complete


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
    a_start, b_start = a["invoke"], b["invoke"]  # conditionals, not min/max: this runs per anomaly
    return (a_start if a_start < b_start else b_start), (a_end if a_end > b_end else b_end)


def _session_sweep(
    key: str,
    reads: list[Op],
    rank: Mapping[int, tuple[Any, float, float]] | None,
    template: str,
    out: list[Anomaly],
    sign: int = 1,
) -> None:
    """Monotonic reads (`reads` is put in (invoke, id) order when it is not in time order already). `rank[id]` = (_, lo, hi): how new the value a
    read saw is, at least lo and at most hi (a register read's value is as new as its write's
    invoke..completion; a read missing from `rank` is skipped); without `rank`, a number read is as new
    as sign * value. A read is older than one already read -- one of its session that completed before
    it began -- when its hi is below that one's lo."""
    sessions_of = list(map(_session, reads))
    if len(set(sessions_of)) == len(sessions_of):
        return  # no session read this key twice: nothing to compare (common: many keys, many sessions)
    invokes = list(map(_invoke, reads))
    if not all(map(lt, invokes, invokes[1:])):  # not already in strict time order: sort (ties by id)
        sort_by(reads, _invoke)
        invokes = list(map(_invoke, reads))
        sessions_of = list(map(_session, reads))
    # session -> [best read so far, its lo, reads still in flight (one, unless they overlap)]
    sessions: dict[int, list[Any]] = {}
    if rank is None:
        his = [sign * v for v in map(_value, reads)]
    else:
        his = [rank[i][2] if i in rank else None for i in map(_id, reads)]
    for r, session, inv, hi in zip(reads, sessions_of, invokes, his, strict=True):
        if hi is None:
            continue
        state = sessions.get(session)
        if state is None:
            sessions[session] = [None, 0, [r]]
            continue
        pending = state[2]
        if len(pending) == 1:
            p = pending[0]
            if p["complete"] < inv:
                p_lo = sign * p["value"] if rank is None else rank[p["id"]][1]
                if state[0] is None or p_lo > state[1]:
                    state[0], state[1] = p, p_lo
                pending.pop()
        elif pending:
            keep = []
            for p in pending:
                if p["complete"] < inv:
                    p_lo = sign * p["value"] if rank is None else rank[p["id"]][1]
                    if state[0] is None or p_lo > state[1]:
                        state[0], state[1] = p, p_lo
                else:
                    keep.append(p)
            pending = state[2] = keep
        if state[0] is not None and hi < state[1]:
            _monotonic(out, key, r, state[0], template)
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
def check_stock(
    key: str, reads: list[Op], orders: list[Op], others: list[Op], initial: int, out: list[Anomaly]
) -> None:
    """`reads`, `orders`: the key's acknowledged reads and orders; `others`: its other ops."""
    try:  # the engine always writes `seen`; a subscript is cheaper than .get on every order
        checks = [op for op in orders if op["seen"] is not None]
    except KeyError:
        checks = [op for op in orders if op.get("seen") is not None]
    checks += [op for op in others if op["f"] == "order" and op.get("seen") is not None]
    sort_by(orders, _complete)
    completes = [_done(o) for o in orders]
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
            k = bisect_left(completes, o["invoke"])  # completed strictly before it began
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
                _end(o),
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
    for group, field, template in ((reads, "value", "stale_stock"), (checks, "seen", "stale_check")):
        for r in group:
            k = bisect_left(completes, r["invoke"])  # a.complete < b.invoke: a tie overlaps
            expected = initial - sold[k]
            value = r["value"] if field == "value" else r["seen"]
            assert value is not None  # checks are the orders that saw a stock level
            if value > expected and value > 0:
                _stale_read(
                    out,
                    key,
                    r,
                    value,
                    expected if expected > 0 else 0,
                    orders[k - 1] if k else None,
                    template,
                )

    # Monotonic reads: stock only goes down, so a session must not read more than it already read.
    _session_sweep(key, reads, None, "monotonic_stock", out, sign=-1)


def _stale_read(
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
def check_counter(key: str, reads: list[Op], incrs: list[Op], initial: int, out: list[Anomaly]) -> None:
    """`incrs`: the key's acknowledged updates. A counter that is ever `set` can go down, so "below the
    increments completed before" and "smaller than already read" prove nothing: only the
    linearizability check judges it."""
    if any(op["f"] == "set" for op in incrs):
        return
    incrs = list(incrs)
    sort_by(incrs, _complete)
    completes = [_done(o) for o in incrs]
    added = list(accumulate((o["value"] for o in incrs), initial=0))
    for r in reads:
        k = bisect_left(completes, r["invoke"])
        expected = initial + added[k]
        if r["value"] < expected:
            writer = incrs[k - 1] if k else None
            _stale_read(out, key, r, r["value"], expected, writer, "stale_counter")
    _session_sweep(key, reads, None, "monotonic_counter", out)


# ---------------------------------------------------------------------------------------------- register
def check_register(
    key: str, reads: list[Op], ok_writes: list[Op], others: list[Op], initial: Any, out: list[Anomaly]
) -> None:
    """`ok_writes`: acknowledged writes and successful cas (each sets its `value`); `others`: failed
    updates. An append register is judged by the linearizability check only: a read of it names no
    single write."""
    if any(op["f"] == "append" for op in ok_writes) or any(op["f"] == "append" for op in others):
        return
    if isinstance(initial, list) or any(isinstance(r["value"], list) for r in reads):
        reads = [r for r in reads if not isinstance(r["value"], list)]  # a list names no write
        initial = None if isinstance(initial, list) else initial
    # A cas refused by "mismatch" certainly did not happen; any other failed write or cas may have.
    updates = ok_writes + [
        op for op in others if op["f"] == "write" or (op["f"] == "cas" and op["error"] != "mismatch")
    ]
    writes: dict[Any, Op] = {}
    ambiguous: set[Any] = set()  # values written twice: a read of one names no single write
    for op in updates:
        value = op["value"]
        if value in writes or value == initial:
            ambiguous.add(value)
        writes[value] = op
    ok_writes = list(ok_writes)
    if not reads:
        return
    sort_by(ok_writes, _complete)
    completes = [_done(w) for w in ok_writes]
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
    own_completes = {s: [_done(w) for w in ws] for s, ws in own.items()}

    # The real-time bounds of each value: (its write or None, the write's invoke, its completion). The
    # initial value was "written" before everything; a failed write may land any time after invoke.
    bounds: dict[Any, tuple[Op | None, int, float]] = {initial: (None, BEFORE_ALL, BEFORE_ALL)}
    for value, w in writes.items():
        bounds[value] = (w, w["invoke"], _done(w) if w["outcome"] == "ok" else NEVER)
    for value in ambiguous:
        del bounds[value]
    newest_invoke = [w["invoke"] for w in newest]
    source: dict[int, tuple[Op | None, int, float]] = {}  # read id -> bounds of the value it read
    for r in reads:
        value = r["value"]
        b = bounds.get(value)
        if b is None:
            continue  # ambiguous, or a value nobody wrote (the linearizability check reports that)
        read_writer, _, w_done = b
        source[r["id"]] = b
        inv = r["invoke"]
        k = bisect_left(completes, inv)
        if k and newest_invoke[k - 1] > w_done:
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
                if latest is not read_writer and w_done < latest["invoke"]:
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
    _session_sweep(key, reads, source, "monotonic_register", out)

    _lost_updates(key, updates, ok_writes, reads, source, out)


def _lost_updates(
    key: str,
    ops: list[Op],
    ok_writes: list[Op],
    reads: list[Op],
    source: dict[int, tuple[Op | None, int, float]],
    out: list[Anomaly],
) -> None:
    """An acknowledged write w is lost when no read ever returned its value, no write of the key was
    invoked after w completed (nothing legitimately replaced it), every read invoked after w completed
    returned a value older than w (its write completed before w was invoked), and at least one of those
    reads was served by the very node that acknowledged w. Then, from w's acknowledgement on, every
    client saw the state as if w never happened -- even on the node that said "done" -- and no later
    write explains why. A replica that merely lags (w acknowledged by the primary, later reads from the
    replica) is stale, not lost: it is not counted here."""
    if not ok_writes or not reads:
        return
    # Only a write that no other write started after can qualify: find those first (usually one or two,
    # usually zero after filtering), before paying for anything per read.
    invokes = list(map(_invoke, ops))
    latest_start = max(invokes)
    ahead = sorted(invokes)[-2] if len(invokes) > 1 else -1  # the latest start of any *other* write ...
    candidates = []
    for w in ok_writes:
        latest_other = ahead if w["invoke"] == latest_start else latest_start  # ... when w started last
        if latest_other <= _done(w):
            candidates.append(w)
    if not candidates:
        return
    read_values = {r["value"] for r in reads}
    by_invoke = sorted(reads, key=_by_invoke)
    read_invokes = [r["invoke"] for r in by_invoke]
    for w in candidates:
        if w["value"] in read_values:
            continue
        done = _end(w)  # acknowledged: it has a completion
        later = by_invoke[bisect_right(read_invokes, done) :]
        if not later:
            continue
        if not w["node"] or not any(r["node"] == w["node"] for r in later):
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


def sort_anomalies(anomalies: list[Anomaly]) -> None:
    """In place, by (time, kind in the lesson's order, op ids); stable int-key sorts, no tuple per item."""
    anomalies.sort(key=lambda a: a.ops)
    anomalies.sort(key=lambda a: a.time * 8 + KIND_ORDER[a.kind])


def check_sweeps(history: History, kinds: dict[str, str] | None = None) -> list[Anomaly]:
    """Every anomaly the sweeps find, sorted by (time, kind, op id)."""
    initial = history["initial"]
    hints = history.get("kinds") or {}
    out: list[Anomaly] = []
    # The file's order does not matter: what needs time order sorts its own part, and the anomalies
    # are sorted at the end.
    for key, (reads, acked, others) in split_reads(history["ops"]).items():
        start = initial.get(key)
        if kinds is not None:
            kind = kinds[key]
        else:
            first = acked[0]["f"] if acked else (others[0]["f"] if others else None)
            kind = data_kind(first, start, hints.get(key))
        if kind == "stock":
            check_stock(key, reads, acked, others, start if start is not None else 0, out)
        elif kind == "counter":
            check_counter(key, reads, acked, start if start is not None else 0, out)
        else:
            check_register(key, reads, acked, others, start, out)
    sort_anomalies(out)
    return out
