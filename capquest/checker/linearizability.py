"""Per-key linearizability: is there one order of a key's operations, respecting real time, in which every
operation does what its sequential specification says?

Linearizability is local (Herlihy & Wing): a history is linearizable iff each key's sub-history is, so
keys are checked one by one. Per key, the cheapest sufficient method is used:

- **register with unique written values** -- *read-mapping* (Gibbons & Korach 1997; the "zones" form of
  Golab, Li & Shah 2011): each read names its write; a write and its reads form a cluster; the history is
  linearizable iff no read precedes its write, no two forward zones overlap, and no backward zone lies
  inside a forward zone. O(n log n), exact.
- **stock / counter** -- a *counting check*: bounds that real time puts on every read and refusal, and
  the total sold against the stock. A failed bound is a violation with a small witness; with no reads and
  no refusals, passing the bounds proves linearizability (any real-time order of acknowledged
  decrements that total at most the stock is valid). Otherwise it falls through to:
- **search** -- Wing & Gong's backtracking search in Lowe's just-in-time form, memoising
  (linearized set, state) and stopping after a step budget with "unknown", as Porcupine does. The
  linearized set is a Zobrist hash (64 random bits per operation, XOR-ed), so memory stays small; two
  different sets colliding has a probability around 2^-64 per pair.

Sequential specifications (a failed operation may or may not have taken effect, at any time after its
invocation -- except an order refused as out of stock and a cas failed by "mismatch", which did not):
- register: write v sets the value; read returns it; append v concatenates v (a string register) or adds
  the element v (a list register; null is the empty list); cas (e, v) sets v if the value is e -- and a
  cas that failed by "mismatch" is a read that saw a value other than e.
- counter: incr d adds d; set v sets it; read returns the value.
- stock: an order of q takes q units if at least q remain, else it is refused; read returns the stock;
  a cancel changes nothing (the order was cancelled because the stock was not there). An order's `seen`
  (its separate check read) is not part of the atomic step.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from capquest.checker.anomaly import Anomaly, KeyVerdict
from capquest.history import Op

# "Completes after everything" (an operation whose success is unknown). Infinity, not a big int:
# times in a valid file have no upper bound, and no int reaches it (it was 2^62).
NEVER = math.inf
DEFAULT_BUDGET = 20_000  # the old fixed budget; `budget_for` grows it with a key's size


def budget_for(ops: int) -> int:
    """Search states a key of `ops` operations may explore before it is "unknown": 200,000 at least
    (the fixed 20,000 gave up on Jepsen etcd histories of 61-69 operations that 200,000 decide in well
    under a second), growing with the key so a long key is not starved, capped to stay within seconds."""
    return min(5_000_000, max(200_000, 2_000 * ops))


# Operation codes of the sequential specifications.
READ, SET, ADD, TAKE, REFUSE, APPEND, CAS, CAS_FAILED = range(8)


def frozen(value: Any) -> Any:
    """A value as the search keeps it: a list (an append register's value) as a tuple, so states hash."""
    return tuple(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class KeyResult:
    verdict: KeyVerdict
    anomaly: Anomaly | None


def _complete(op: Op) -> int:
    """When `op` completed, or (never answered) when it began: a time for an anomaly's span, never NEVER."""
    complete = op["complete"]
    return op["invoke"] if complete is None else complete


def _violation(
    key: str,
    data: str,
    method: str,
    n: int,
    witness: Sequence[Op],
    template: str,
    facts: dict[str, Any],
    states: int = 0,
) -> KeyResult:
    ids = tuple(dict.fromkeys(op["id"] for op in witness))
    start = min(op["invoke"] for op in witness)
    end = max(_complete(op) for op in witness)
    first = witness[0]
    anomaly = Anomaly(
        "not_linearizable",
        key,
        ids,
        _complete(first),
        start,
        end,
        first["session"],
        first["node"],
        1,
        template,
        facts,
    )
    return KeyResult(KeyVerdict(key, data, "violation", method, n, states, ids), anomaly)


def _ok(key: str, data: str, method: str, n: int, states: int = 0) -> KeyResult:
    return KeyResult(KeyVerdict(key, data, "ok", method, n, states), None)


def _is_refusal(op: Op) -> bool:
    return op["f"] == "order" and op["outcome"] == "fail" and op["error"] == "out_of_stock"


def _done(op: Op) -> float:
    """When `op` completed; one never answered may take effect at any time after its invocation: NEVER."""
    complete = op["complete"]
    return NEVER if complete is None else complete


def _entry(op: Op, data: str) -> tuple[int, float, bool, int, Any] | None:
    """(invoke, complete, required, code, argument) of an op for the search; None when it has no effect
    and no observation (a failed read, a cancel)."""
    f = op["f"]
    ok = op["outcome"] == "ok"
    if f == "read":
        if not ok:
            return None
        return (op["invoke"], _done(op), True, READ, frozen(op["value"]))
    if f == "cancel":
        return None
    if f == "order" and _is_refusal(op):
        return (op["invoke"], _done(op), True, REFUSE, op["qty"])
    if f == "cas" and not ok and op["error"] == "mismatch":
        return (op["invoke"], _done(op), True, CAS_FAILED, op["expected"])
    if ok:
        complete = _done(op)
    else:
        complete = NEVER  # may have taken effect, at any time after its invocation
    if f in ("write", "set"):
        return (op["invoke"], complete, ok, SET, op["value"])
    if f == "append":
        return (op["invoke"], complete, ok, APPEND, op["value"])
    if f == "cas":
        return (op["invoke"], complete, ok, CAS, (op["expected"], op["value"]))
    if f == "incr":
        return (op["invoke"], complete, ok, ADD, op["value"])
    return (op["invoke"], complete, ok, TAKE, op["qty"])


# ------------------------------------------------------------------------------------------------ search
def search(
    ops: Sequence[Op], data: str, initial: Any, budget: int = DEFAULT_BUDGET
) -> tuple[str, int, tuple[Op, ...]]:
    """Wing-Gong-Lowe search. Returns (verdict, states explored, witness ops)."""
    items: list[Op] = []
    entries: list[tuple[int, float, bool, int, Any]] = []
    for op in ops:
        e = _entry(op, data)
        if e is not None:
            items.append(op)
            entries.append(e)
    n = len(entries)
    # The event list: calls and returns in time order; a call before a return at the same instant (they
    # overlap: precedence needs complete < invoke). Optional operations have no return event.
    events: list[tuple[float, int, int]] = []
    for i, (inv, comp, required, _, _) in enumerate(entries):
        events.append((inv, 0, i))
        if required:
            events.append((comp, 1, i))
    events.sort()
    m = len(events)
    head = m  # sentinel index
    # A doubly linked list over event positions 0..m-1 with the sentinel `head` = m closing the ring.
    nxt = [*range(1, m + 1), 0]
    prv = [m, *range(0, m)]
    is_call = [e[1] == 0 for e in events]
    op_of = [e[2] for e in events]
    match = [-1] * m  # call event -> its return event
    ret_pos = {}
    for pos, (_, kind, i) in enumerate(events):
        if kind == 1:
            ret_pos[i] = pos
    for pos, (_, kind, i) in enumerate(events):
        if kind == 0:
            match[pos] = ret_pos.get(i, -1)
    rng = random.Random(0x5EED)
    zobrist = [rng.getrandbits(64) for _ in range(n)]
    required_left = sum(1 for e in entries if e[2])

    def unlink(p: int) -> None:
        nxt[prv[p]] = nxt[p]
        prv[nxt[p]] = prv[p]

    def relink(p: int) -> None:
        nxt[prv[p]] = p
        prv[nxt[p]] = p

    state = initial
    lin_hash = 0
    cache: set[tuple[int, Any]] = set()
    stack: list[tuple[int, Any]] = []
    states = 0
    deepest = -1
    stuck = -1
    entry = nxt[head]
    while required_left:
        if is_call[entry]:
            i = op_of[entry]
            ok, new_state = _spec_step(entries[i], state)
            if ok:
                new_hash = lin_hash ^ zobrist[i]
                memo = (new_hash, new_state)
                if memo not in cache:
                    cache.add(memo)
                    states += 1
                    if states > budget:
                        return "unknown", budget, ()
                    stack.append((entry, state))
                    state, lin_hash = new_state, new_hash
                    unlink(entry)
                    r = match[entry]
                    if r >= 0:
                        unlink(r)
                        required_left -= 1
                    entry = nxt[head]
                    continue
            entry = nxt[entry]
        else:
            # An operation's return came and it is not linearized: undo the last choice.
            if len(stack) > deepest:
                deepest, stuck = len(stack), op_of[entry]
            if not stack:
                return "violation", states, _witness(items, entries, stuck)
            entry, state = stack.pop()
            i = op_of[entry]
            lin_hash ^= zobrist[i]
            r = match[entry]
            if r >= 0:
                relink(r)
                required_left += 1
            relink(entry)
            entry = nxt[entry]
    return "ok", states, ()


def _spec_step(entry: tuple[int, float, bool, int, Any], state: Any) -> tuple[bool, Any]:
    """The sequential specification: may this operation happen in `state`, and the state after it."""
    code, arg = entry[3], entry[4]
    if code == READ:
        return state == arg, state
    if code == SET:
        return True, arg
    if code == ADD:
        return True, state + arg
    if code == TAKE:
        return state >= arg, state - arg
    if code == REFUSE:
        return state < arg, state
    if code == APPEND:
        after = appended(state, arg)
        return after is not CANNOT_APPEND, after
    if code == CAS:
        return state == arg[0], arg[1]
    return state != arg, state  # CAS_FAILED: a read that saw something else


CANNOT_APPEND = object()  # appending to a number, or a number to a string: the append cannot happen


def appended(state: Any, element: Any) -> Any:
    """An append register after appending `element`: a string concatenates a string, a list (a tuple
    here; null is the empty list) gains the element; `CANNOT_APPEND` for anything else (a register
    written an integer, say)."""
    if isinstance(state, str):
        return state + element if isinstance(element, str) else CANNOT_APPEND
    if state is None or isinstance(state, tuple):
        return (*(state or ()), element)
    return CANNOT_APPEND


def _witness(items: list[Op], entries: list[tuple[int, float, bool, int, Any]], stuck: int) -> tuple[Op, ...]:
    """The operation the search could not place, and up to 9 operations overlapping it in time."""
    inv, comp = entries[stuck][0], entries[stuck][1]
    around = [items[j] for j, e in enumerate(entries) if j != stuck and e[0] <= comp and e[1] >= inv]
    around.sort(key=lambda op: abs(op["invoke"] - inv))
    return (items[stuck], *sorted(around[:9], key=lambda op: op["id"]))


# -------------------------------------------------------------------------------------- read-mapping
def read_mapping(key: str, ops: Sequence[Op], initial: Any, n: int) -> KeyResult | None:
    """Exact check for a register whose written values are unique (and differ from the initial value);
    None when they are not (the caller searches instead)."""
    writes: dict[Any, Op] = {}
    for op in ops:
        if op["f"] == "write":
            if op["value"] in writes or op["value"] == initial:
                return None
            writes[op["value"]] = op
    clusters: dict[Any, list[Op]] = {}
    for op in ops:
        if op["f"] != "read" or op["outcome"] != "ok":
            continue
        value = frozen(op["value"])  # a list read of a plain register: hashable, and wrong
        w = writes.get(value)
        if w is None and value != frozen(initial):
            return _violation(key, "register", "read-mapping", n, [op], "lin_unknown_value", {"value": value})
        if w is not None and _done(op) < w["invoke"]:
            return _violation(
                key,
                "register",
                "read-mapping",
                n,
                [op, w],
                "lin_future_read",
                {"value": value, "writer": w["id"]},
            )
        clusters.setdefault(value, []).append(op)
    # Zones: f = earliest completion in the cluster, s = latest invocation. The initial value's cluster
    # holds a virtual write that completed before everything (-1).
    forward: list[tuple[float, float, Op, Op]] = []  # (f, s, op finishing at f, op starting at s)
    backward: list[tuple[float, float, Op, Op]] = []  # (s, f, ...)
    for value, w in writes.items():
        reads = clusters.get(value, [])
        if w["outcome"] != "ok" and not reads:
            continue  # a failed write nobody read: it may simply not have happened
        members = [w, *reads]
        f_op = min(members, key=lambda op: _done(op) if op is not w or w["outcome"] == "ok" else NEVER)
        s_op = max(members, key=lambda op: op["invoke"])
        f = _done(f_op) if (f_op is not w or w["outcome"] == "ok") else NEVER
        s: float = s_op["invoke"]
        if f < s:
            forward.append((f, s, f_op, s_op))
        else:
            backward.append((s, f, s_op, f_op))
    initial = frozen(initial)
    initial_reads = clusters.get(initial) if initial not in writes else None
    if initial_reads:
        s_op = max(initial_reads, key=lambda op: op["invoke"])
        forward.append((-1, s_op["invoke"], s_op, s_op))
    forward.sort(key=lambda z: (z[0], z[1]))
    top: tuple[float, float, Op, Op] | None = None
    for zone in forward:
        if top is not None and zone[0] < top[1]:
            return _violation(
                key,
                "register",
                "read-mapping",
                n,
                _zone_ops(top, zone),
                "lin_zones",
                {"ops": tuple(dict.fromkeys(op["id"] for op in _zone_ops(top, zone)))},
            )
        if top is None or zone[1] > top[1]:
            top = zone
    starts = [z[0] for z in forward]
    for zone in backward:
        s, f = zone[0], zone[1]
        j = bisect_left(starts, s) - 1  # the forward zone with the largest start strictly before s
        if j >= 0 and f < forward[j][1]:
            witness = _zone_ops(forward[j], zone)
            return _violation(
                key,
                "register",
                "read-mapping",
                n,
                witness,
                "lin_zones",
                {"ops": tuple(dict.fromkeys(op["id"] for op in witness))},
            )
    return _ok(key, "register", "read-mapping", n)


def _zone_ops(a: tuple[float, float, Op, Op], b: tuple[float, float, Op, Op]) -> list[Op]:
    return [a[2], a[3], b[2], b[3]]


# ------------------------------------------------------------------------------------------- counting
def counting(key: str, data: str, ops: Sequence[Op], initial: int, n: int) -> KeyResult | None:
    """Bounds for a stock (decrements by orders) or a counter (increments): a violation, "ok" when the
    bounds are enough to prove it, or None (search needed)."""
    sign = -1 if data == "stock" else 1
    update_f = "order" if data == "stock" else "incr"
    amount: Literal["qty", "value"] = "qty" if data == "stock" else "value"
    acked: list[Op] = []  # surely took effect, inside their interval
    maybe: list[Op] = []  # took effect or not (failed, not refused)
    reads: list[Op] = []
    refusals: list[Op] = []
    for op in ops:
        f = op["f"]
        if f == update_f:
            if op["outcome"] == "ok":
                acked.append(op)
            elif _is_refusal(op):
                refusals.append(op)
            else:
                maybe.append(op)
        elif f == "read" and op["outcome"] == "ok":
            reads.append(op)
    if any(op[amount] < 0 for op in acked + maybe):
        return None  # the bounds below assume the updates all go one way
    if data == "stock":
        acked_by_complete = sorted(acked, key=lambda op: (_done(op), op["id"]))
        total = 0
        for i, op in enumerate(acked_by_complete):
            total += op["qty"]
            if total > initial:
                witness = acked_by_complete[: i + 1]
                return _violation(
                    key,
                    data,
                    "counting",
                    n,
                    witness[::-1],
                    "lin_oversold",
                    {"ops": tuple(o["id"] for o in witness), "total": total, "initial": initial},
                )
    done = sorted(acked, key=lambda op: _done(op))
    done_at = [_done(op) for op in done]
    done_sum = [0]
    for op in done:
        done_sum.append(done_sum[-1] + op[amount])
    started = sorted(acked + maybe, key=lambda op: op["invoke"])
    started_at = [op["invoke"] for op in started]
    started_sum = [0]
    for op in started:
        started_sum.append(started_sum[-1] + op[amount])
    for r in reads:
        surely = done_sum[bisect_left(done_at, r["invoke"])]  # completed strictly before it began
        k = bisect_left(started_at, _done(r) + 1)  # invoked no later than it ended
        possibly = started_sum[k]
        if data == "stock":
            high, low = initial - surely, initial - possibly
        else:
            low, high = initial + surely, initial + possibly
        value = r["value"]
        if value > high or value < low:
            before = done[: bisect_left(done_at, r["invoke"])]
            if data == "stock":
                template = "lin_read_high" if value > high else "lin_read_low"
            else:
                template = "lin_read_low_counter" if value < low else "lin_read_high_counter"
            bound = high if value > high else low
            uses_before = (data == "stock") == (value > high)
            witness = [r, *before[-9:]] if uses_before else [r]
            return _violation(
                key,
                data,
                "counting",
                n,
                witness,
                template,
                {"value": value, "bound": bound, "ops": tuple(o["id"] for o in before[-9:])},
            )
    for o in refusals:
        k = bisect_left(started_at, _done(o) + 1)
        least = initial + sign * started_sum[k]
        if least >= o["qty"]:
            return _violation(key, data, "counting", n, [o], "lin_refused", {"bound": least})
    if not reads and not refusals:
        return _ok(key, data, "counting", n)
    return None


# ------------------------------------------------------------------------------------- unit schedule
def unit_schedule(data: str, ops: Sequence[Op], initial: int) -> bool:
    """Try to *build* a linearization of a stock or counter whose updates all move it by the same amount
    (unit orders, unit increments), then verify it; True when one was found (so the key is linearizable).
    False says nothing: the caller searches.

    With equal steps, the k-th update takes the value to initial +- k*step, so every read and refusal
    says how many updates must precede it. The k-th update's instant D_k must then fall after every
    read that saw fewer than k updates began and before every read (or refusal) that needs k or more
    ended. Updates are placed one by one as early as possible, each time the released update with the
    earliest deadline (an acknowledged one's completion); an unacknowledged one (it may not have
    happened) only when an acknowledged one cannot serve. Every operation then gets an instant inside its
    interval, and the sequence is replayed against the specification."""
    stock = data == "stock"
    update_f = "order" if stock else "incr"
    amount: Literal["qty", "value"] = "qty" if stock else "value"
    updates = [op for op in ops if op["f"] == update_f and not _is_refusal(op)]
    if not updates:
        return False
    step = updates[0][amount]
    if step <= 0 or any(op[amount] != step for op in updates):
        return False
    sign = -1 if stock else 1
    needs: list[tuple[Op, int, bool]] = []  # (op, updates that must precede it, exactly that many?)
    for op in ops:
        if op["f"] == "read" and op["outcome"] == "ok":
            delta = (op["value"] - initial) * sign
            if delta < 0 or delta % step:
                return False
            needs.append((op, delta // step, True))
        elif _is_refusal(op):
            # Refused: fewer than qty left, so at least this many updates before it.
            at_least = max(0, (initial - op["qty"]) // step + 1)
            needs.append((op, at_least, False))
    required = sorted((op for op in updates if op["outcome"] == "ok"), key=lambda op: op["invoke"])
    optional = sorted((op for op in updates if op["outcome"] != "ok"), key=lambda op: op["invoke"])
    top = max([n for _, n, _ in needs] + [len(required)])
    if top > len(required) + len(optional):
        return False
    # lo[k]: D_k comes after the invocation of every read needing fewer than k updates;
    # hi[k]: D_k comes before the completion of everything needing k or more.
    lo = [-1] * (top + 2)
    hi = [NEVER] * (top + 2)
    for op, n, exact in needs:
        if exact and n + 1 <= top:
            lo[n + 1] = max(lo[n + 1], op["invoke"])
        k = min(n, top)
        hi[k] = min(hi[k], _done(op))
    for k in range(1, top + 1):
        lo[k] = max(lo[k], lo[k - 1])
    for k in range(top - 1, 0, -1):
        hi[k] = min(hi[k], hi[k + 1])
    heap: list[tuple[float, int, Op]] = []  # released acknowledged updates by deadline
    ri = oi = 0
    t = -1
    points: list[tuple[int, float, Op]] = []
    k = 0
    while k < top:
        k += 1
        t = max(t, lo[k])
        while ri < len(required) and required[ri]["invoke"] <= t:
            heapq.heappush(heap, (_done(required[ri]), required[ri]["id"], required[ri]))
            ri += 1
        if not heap and ri < len(required) and required[ri]["invoke"] <= hi[k]:
            t = required[ri]["invoke"]
            while ri < len(required) and required[ri]["invoke"] <= t:
                heapq.heappush(heap, (_done(required[ri]), required[ri]["id"], required[ri]))
                ri += 1
        if heap:
            deadline, _, chosen = heapq.heappop(heap)
            if t > deadline:
                return False
        else:
            if oi >= len(optional) or optional[oi]["invoke"] > hi[k]:
                return False
            chosen = optional[oi]
            oi += 1
            t = max(t, chosen["invoke"])
        if t > hi[k]:
            return False
        points.append((t, k - 0.5, chosen))
    if heap or ri < len(required):
        return False  # acknowledged updates left over: more than the reads allow
    for op, n, _ in needs:
        at = max(op["invoke"], points[n - 1][0] if n else -1)
        if at > _done(op):
            return False
        points.append((at, n, op))
    points.sort(key=lambda p: (p[0], p[1]))
    state = initial
    for _, _, op in points:  # replay: the certificate must satisfy the specification on its own
        f = op["f"]
        if f == "read":
            if op["value"] != state:
                return False
        elif _is_refusal(op):
            if state >= op["qty"]:
                return False
        elif stock:
            if state < op["qty"]:
                return False
            state -= op["qty"]
        else:
            state += op["value"]
    return True


# ------------------------------------------------------------------------------------------ append order
def append_order(key: str, ops: Sequence[Op], initial: Any, n: int) -> KeyResult | None:
    """Exact check for a list register changed only by appends of unique elements (and read whole);
    None when it is not one (the caller searches).

    Every read is then a prefix of one sequence of elements, so the order of the appends is known: the
    longest read's elements in its order, then the acknowledged appends no read saw (in any order: none
    was observed). The k-th append's instant must come after every read that saw fewer than k elements
    began, and before every read that saw k or more ended; placing each as early as possible (after the
    previous one, and inside its own interval) finds an order whenever one exists. O(n log n)."""
    if isinstance(initial, str) or initial not in (None, []):
        return None
    appends: dict[Any, Op] = {}
    reads: list[tuple[Op, tuple[Any, ...]]] = []
    for op in ops:
        f = op["f"]
        if f == "append":
            if op["value"] in appends:
                return None
            appends[op["value"]] = op
        elif f == "read":
            if op["outcome"] == "ok":
                value = op["value"]
                if value is not None and not isinstance(value, list):
                    return None  # a string (or number) read of a list register: the search says why
                reads.append((op, tuple(value or ())))
        else:
            return None
    longest: tuple[Any, ...] = max((v for _, v in reads), key=len, default=())
    if len(set(longest)) != len(longest):
        return None
    for r, value in reads:
        if longest[: len(value)] != value:
            return None  # reads that disagree on the order (or on an element): let the search decide
        unknown = [e for e in value if e not in appends]
        if unknown:
            return _violation(
                key, "register", "append-order", n, [r], "lin_unknown_value", {"value": unknown[0]}
            )
    seen = set(longest)
    order = [appends[e] for e in longest]
    order += sorted(
        (op for e, op in appends.items() if e not in seen and op["outcome"] == "ok"),
        key=_done,
    )
    # lo[k]: the k-th append (1-based) comes after every read that saw fewer than k elements began;
    # hi[k]: before every read that saw k or more ended.
    m = len(order)
    lo = [-1] * (m + 2)
    hi: list[float] = [NEVER] * (m + 2)
    for r, value in reads:
        k = len(value)
        lo[k + 1] = max(lo[k + 1], r["invoke"])
        hi[k] = min(hi[k], _done(r))
    for k in range(1, m + 1):
        lo[k] = max(lo[k], lo[k - 1])
    for k in range(m - 1, 0, -1):
        hi[k] = min(hi[k], hi[k + 1])
    t: float = -1
    for k, op in enumerate(order, start=1):
        t = max(t, lo[k], op["invoke"])
        end = _done(op) if op["outcome"] == "ok" else NEVER
        if t > end or t > hi[k]:
            return None  # no order of these appends fits: the search finds and names the witness
    return _ok(key, "register", "append-order", n)


def pieces_as_lists(ops: Sequence[Op]) -> list[Op] | None:
    """A string register changed only by appends of distinct pieces none of which is a prefix of
    another (Porcupine's "x 0 1 y"), starting empty, as the list register it is: each read split back
    into its pieces, which is unambiguous for such pieces. None when it is not one, or a read is not a
    sequence of the pieces (the search then says why)."""
    pieces = [op["value"] for op in ops if op["f"] == "append"]
    if not pieces or any(not isinstance(p, str) or not p for p in pieces) or len(set(pieces)) != len(pieces):
        return None
    ordered = sorted(pieces)
    if any(b.startswith(a) for a, b in itertools.pairwise(ordered)):
        return None  # a prefix sorts right before what it prefixes (or before a string that shares it)
    known = set(pieces)
    lengths = sorted({len(p) for p in pieces})
    out: list[Op] = []
    for op in ops:
        if op["f"] == "read" and op["outcome"] == "ok":
            text = op["value"]
            if not isinstance(text, str):
                return None
            split: list[str] = []
            i = 0
            while i < len(text):
                piece = next((text[i : i + n] for n in lengths if text[i : i + n] in known), None)
                if piece is None:
                    return None
                split.append(piece)
                i += len(piece)
            out.append({**op, "value": split})
        else:
            out.append(op)
    return out


def _empty_as_null(ops: list[Op]) -> list[Op]:
    """A list register's reads with null read as the empty list (as Jepsen reads a key never appended)."""
    return [{**op, "value": []} if op["f"] == "read" and op.get("value", 0) is None else op for op in ops]


def _register_method(ops: Sequence[Op]) -> str:
    """ "read-mapping" for a register of writes, "append-order" for one of appends, else "search"."""
    fs = {op["f"] for op in ops}
    if fs <= {"read", "write"}:
        return "read-mapping"
    if fs <= {"read", "append"}:
        return "append-order"
    return "search"


# ----------------------------------------------------------------------------------------------- per key
def check_key(key: str, data: str, ops: Sequence[Op], initial: Any, budget: int | None = None) -> KeyResult:
    """The verdict for one key's operations (`data`: "stock", "counter" or "register"). `budget`:
    search states before "unknown" (default: `budget_for` the key's size)."""
    ops = sorted(ops, key=lambda op: (op["invoke"], op["id"]))  # the file's order must not matter
    n = len(ops)
    if budget is None:
        budget = budget_for(n)
    result: KeyResult | None = None
    resets = data == "counter" and any(op["f"] == "set" for op in ops)
    if data == "register":
        method = _register_method(ops)
        if method == "read-mapping":
            result = read_mapping(key, ops, initial, n)
        elif method == "append-order":
            if initial == "":
                as_lists = pieces_as_lists(ops)
                if as_lists is not None:
                    result = append_order(key, as_lists, None, n)
                    if result is not None and result.verdict.verdict != "ok":
                        result = None  # name the violation in the string's own terms: search
            else:
                result = append_order(key, ops, initial, n)
    elif not resets:  # the counting bounds and the schedule assume a counter only moves one way
        result = counting(key, data, ops, initial if initial is not None else 0, n)
    if result is not None:
        return result
    start = frozen(initial) if initial is not None or data == "register" else 0
    if data == "register" and not isinstance(initial, str) and any(op["f"] == "append" for op in ops):
        ops, start = _empty_as_null(ops), frozen(initial or [])
    if data != "register" and not resets and unit_schedule(data, ops, start):
        return _ok(key, data, "schedule", n)
    verdict, states, witness = search(ops, data, start, budget)
    if verdict == "ok":
        return _ok(key, data, "search", n, states)
    if verdict == "unknown":
        return KeyResult(KeyVerdict(key, data, "unknown", "search", n, states), None)
    return _violation(
        key,
        data,
        "search",
        n,
        list(witness),
        "lin_search",
        {"ops": tuple(op["id"] for op in witness[1:])},
        states,
    )
