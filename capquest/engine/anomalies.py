"""The engine's own anomaly counts, computed from the history it wrote by the definitions in
`capquest.history` (the checker counts the same things independently; a test holds them equal).

Conventions where the prose leaves a choice:
- a key's kind comes from its ops: orders/cancels make a stock key, increments a counter, writes a
  register; a key that is only read is a register if its initial value is a string, else a counter;
- "completed before t" means complete <= t; only ops with outcome "ok" count as completed orders,
  increments or writes;
- register value v is *older* than value u when v's write completed before u's write was invoked (the
  initial value is older than every write; a failed write "completes" never, so nothing is after it).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from capquest.history import History

INF = float("inf")


@dataclass(frozen=True)
class AnomalyCounts:
    oversold_units: int
    stale_reads: int
    ryw_violations: int
    monotonic_violations: int


def _kinds(history: History) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for op in history["ops"]:
        f = op["f"]
        if f == "order" or f == "cancel":
            kinds.setdefault(op["key"], "stock")
        elif f == "incr":
            kinds.setdefault(op["key"], "counter")
        elif f == "write":
            kinds.setdefault(op["key"], "register")
    initial = history["initial"]
    for op in history["ops"]:
        if op["key"] not in kinds:
            value = initial.get(op["key"])
            kinds[op["key"]] = "register" if value is None or isinstance(value, str) else "counter"
    return kinds


def _newer_done(table: tuple[list[int], list[int]] | None, after: float, before: int) -> bool:
    """Some write in `table` (completes sorted, running max of invokes) was invoked after `after` and
    completed at or before `before`."""
    if table is None:
        return False
    completes, max_invoke = table
    i = bisect_right(completes, before)
    return i > 0 and max_invoke[i - 1] > after


def count_anomalies(history: History) -> AnomalyCounts:
    ops = history["ops"]
    initial = history["initial"]
    kinds = _kinds(history)
    sold: dict[str, list[tuple[int, int, int]]] = {}
    incrs: dict[str, list[int]] = {}
    writes: dict[str, list[dict]] = {}
    reads: list[dict] = []
    for op in ops:
        f = op["f"]
        if f == "read":
            if op["outcome"] == "ok":
                reads.append(op)
        elif op["outcome"] != "ok":
            if f == "write":
                writes.setdefault(op["key"], []).append(op)
        elif f == "order":
            sold.setdefault(op["key"], []).append((op["complete"], op["id"], op["qty"]))
        elif f == "incr":
            incrs.setdefault(op["key"], []).append(op["complete"])
        elif f == "write":
            writes.setdefault(op["key"], []).append(op)

    oversold = 0
    sold_curve: dict[str, tuple[list[int], list[int]]] = {}
    for key, lst in sold.items():
        lst.sort()
        units = [q for _, _, q in lst]
        oversold += max(0, sum(units) - initial.get(key, 0))
        sold_curve[key] = ([c for c, _, _ in lst], list(accumulate(units)))
    for times in incrs.values():
        times.sort()

    # Registers: each value's write (complete, invoke); per key the ok writes by completion with a running
    # max of invokes; the same per (session, key) for read-your-writes.
    value_write: dict[tuple[str, object], tuple[float, float]] = {}
    key_table: dict[str, tuple[list[int], list[int]]] = {}
    session_table: dict[tuple[int, str], tuple[list[int], list[int]]] = {}
    for key, lst in writes.items():
        done = []
        for w in lst:
            ok = w["outcome"] == "ok"
            value_write[(key, w["value"])] = (w["complete"] if ok else INF, w["invoke"])
            if ok:
                done.append((w["complete"], w["invoke"], w["session"]))
        done.sort()
        key_table[key] = ([c for c, _, _ in done], list(accumulate((i for _, i, _ in done), max)))
        per_session: dict[int, list[tuple[int, int]]] = {}
        for c, i, s in done:
            per_session.setdefault(s, []).append((c, i))
        for s, pairs in per_session.items():
            session_table[(s, key)] = ([c for c, _ in pairs], list(accumulate((i for _, i in pairs), max)))

    def write_of(key: str, value: object) -> tuple[float, float]:
        # (complete, invoke) of the write that produced `value`; the initial value: (-inf, -inf)
        return value_write.get((key, value), (-INF, -INF))

    stale = ryw = 0
    for op in reads:
        key, t, value = op["key"], op["invoke"], op["value"]
        kind = kinds[key]
        if kind == "stock":
            times, cum = sold_curve.get(key, ([], []))
            i = bisect_right(times, t)
            if value > max(0, initial.get(key, 0) - (cum[i - 1] if i else 0)):
                stale += 1
        elif kind == "counter":
            if value < initial.get(key, 0) + bisect_right(incrs.get(key, []), t):
                stale += 1
        else:
            complete = write_of(key, value)[0]
            if _newer_done(key_table.get(key), complete, t):
                stale += 1
            if _newer_done(session_table.get((op["session"], key)), complete, t):
                ryw += 1

    # Monotonic reads: against the session's earlier reads of the key, those completed before this began.
    mono = 0
    by_session: dict[tuple[int, str], list[dict]] = {}
    for op in reads:
        if kinds[op["key"]] != "stock":
            by_session.setdefault((op["session"], op["key"]), []).append(op)
    for (_, key), lst in by_session.items():
        counter = kinds[key] == "counter"
        lst.sort(key=lambda op: (op["invoke"], op["id"]))
        done = sorted(lst, key=lambda op: (op["complete"], op["id"]))
        j = 0
        newest = None  # counters: the largest number read; registers: the latest invoke of a write read
        for op in lst:
            while j < len(done) and done[j]["complete"] <= op["invoke"]:
                seen = done[j]["value"]
                rank = seen if counter else write_of(key, seen)[1]
                if newest is None or rank > newest:
                    newest = rank
                j += 1
            if newest is None:
                continue
            if counter:
                if op["value"] < newest:
                    mono += 1
            elif write_of(key, op["value"])[0] < newest:
                mono += 1
    return AnomalyCounts(oversold, stale, ryw, mono)
