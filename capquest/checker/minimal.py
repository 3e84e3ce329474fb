"""The smallest story of a non-linearizable key: a subset of its operations that is still not
linearizable, and from which removing any one operation makes it linearizable (1-minimal), found by
shrinking -- what Jepsen's and Porcupine's users ask for -- and told in words: which operations, in
what real-time order, and why no order of them works.

Shrinking is delta debugging over the key's operations: remove halves, quarters, ... while the rest
stays a violation, then single operations until none can go. Each step asks `check_key` (the polynomial
checks decide most subsets at once).

A removed update is not simply gone: while shrinking, it stays as an operation that *may or may not*
have happened (at any time after its invocation). Dropping it outright would invent violations the
history does not have -- without its write, a read of "b" would be "a value nobody wrote". So a subset
is kept only when it is a violation whatever the operations left out did, and its story holds in the
whole history. (The subset is then a violation on its own too: leaving the maybe-operations out only
removes ways to order it.) "Removing any one makes it linearizable" is meant in the same sense.

A subset the search cannot decide within its budget counts as "not shown to be a violation", so the
result is always a proven violation; `proven_minimal` is False when the work limit ran out or a removal
was undecided."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from capquest.history import Op

# What shrinking one key may spend before settling for a smaller, maybe not minimal, subset: operations
# handed to check_key, and search states. Counts, not a clock: the same history gives the same answer.
MAX_WORK = 300_000
MAX_STATES = 60_000
STEP_BUDGET = 5_000  # search states per shrinking step: an undecided step keeps the operation
MAX_ORDERS = 5_040  # orders (7!) the explanation walks through; past it, it says how many there are


@dataclass(frozen=True)
class Shrunk:
    ops: tuple[Op, ...]  # by (invoke, id)
    proven_minimal: bool


def shrink(
    key: str, data: str, ops: Sequence[Op], initial: Any, start: Sequence[Op] = (), budget: int | None = None
) -> Shrunk:
    """A 1-minimal non-linearizable subset of `ops` (which must be a violation). `start`: a smaller
    violating subset to begin from, when the check that found the violation named one."""
    from capquest.checker.linearizability import check_key

    work = 0
    undecided = False
    step_budget = min(budget or STEP_BUDGET, STEP_BUDGET, MAX_STATES)
    everything = {op["id"]: op for op in ops}
    maybe = {i: _as_maybe(op) for i, op in everything.items() if _is_update(op)}

    def violates(subset: list[Op]) -> bool:
        nonlocal work, undecided
        kept = {op["id"] for op in subset}
        # A left-out update invoked after every kept operation finished can be placed after them all:
        # it changes nothing, so it is not handed to the check.
        last = max((op["complete"] for op in subset if op["complete"] is not None), default=-1)
        candidate = subset + [m for i, m in maybe.items() if i not in kept and m["invoke"] <= last]
        work += len(candidate)
        found = check_key(key, data, candidate, initial, step_budget).verdict
        work += found.states * 4  # a search state costs a few operations' worth
        undecided |= found.verdict == "unknown"
        return found.verdict == "violation"

    current = sorted(ops, key=lambda op: (op["invoke"], op["id"]))
    if start:
        begin = sorted({op["id"]: op for op in start}.values(), key=lambda op: (op["invoke"], op["id"]))
        if len(begin) < len(current) and violates(begin):
            current = begin
    chunk = len(current) // 2
    while chunk > 1 and work < MAX_WORK:
        i = 0
        while i < len(current) and work < MAX_WORK:
            candidate = current[:i] + current[i + chunk :]
            if candidate and violates(candidate):
                current = candidate
            else:
                i += chunk
        chunk //= 2
    undecided = False  # only the final pass decides minimality
    changed = True
    while changed and work < MAX_WORK:
        changed = False
        for i in range(len(current)):
            if work >= MAX_WORK:
                break
            candidate = current[:i] + current[i + 1 :]
            if candidate and violates(candidate):
                current, changed = candidate, True
                break
    proven = not changed and not undecided and work < MAX_WORK
    return Shrunk(tuple(current), proven)


def _is_update(op: Op) -> bool:
    """An operation that may change the value (refusals and "mismatch" cas only observe it)."""
    f = op["f"]
    if f in ("read", "cancel"):
        return False
    return op["outcome"] == "ok" or op["error"] not in ("out_of_stock", "mismatch")


def _as_maybe(op: Op) -> Op:
    return {**op, "outcome": "fail", "error": "timeout", "complete": None}


# ------------------------------------------------------------------------------------------ in words
def describe_op(op: Op, lang: str | None = None) -> str:
    """ "#3 read → 5", "#4 cas 1 → 4 (failed: the value was not 1)" ..."""
    from capquest.i18n import t

    f = op["f"]
    ok = op["outcome"] == "ok"
    values: dict[str, Any] = {"op": op["id"], "session": op["session"]}
    if f == "read":
        name = "op_read"
        values["value"] = _shown(op.get("value"))
    elif f == "order":
        name = "op_order" if ok or op["error"] != "out_of_stock" else "op_refused"
        values["qty"] = op["qty"]
    elif f == "cas":
        name = "op_cas_failed" if not ok and op["error"] == "mismatch" else "op_cas"
        values.update(expected=_shown(op["expected"]), value=_shown(op["value"]))
    elif f == "cancel":
        name = "op_cancel"
        values["order"] = op["order"]
    else:
        name = f"op_{f}"
        values["value"] = _shown(op["value"])
    text = t(f"checker.{name}", lang, **values)
    if (
        not ok
        and not (f == "cas" and op["error"] == "mismatch")
        and not (f == "order" and op["error"] == "out_of_stock")
    ):
        text += t("checker.op_maybe", lang)
    span = t(
        "checker.op_span",
        lang,
        invoke=op["invoke"],
        complete=op["complete"] if op["complete"] is not None else "…",
    )
    return f"{text}  {span}"


def _shown(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _maybe(op: Op) -> bool:
    return op["outcome"] == "fail" and op["error"] not in ("mismatch", "out_of_stock") and op["f"] != "read"


def _end(op: Op) -> float:
    return math.inf if _maybe(op) or op["complete"] is None else op["complete"]


def real_time_order(ops: Sequence[Op], lang: str | None = None) -> list[str]:
    """What real time says about `ops`: "#1 finished before #3 began" for each pair it orders (the
    direct ones only), or that they all overlap."""
    from capquest.i18n import t

    before = {(a["id"], b["id"]) for a in ops for b in ops if _end(a) < b["invoke"]}
    direct = [
        (a, b)
        for (a, b) in sorted(before)
        if not any((a, c) in before and (c, b) in before for c in (op["id"] for op in ops))
    ]
    if not direct:
        return [t("checker.rt_all_overlap", lang)]
    return [t("checker.rt_before", lang, a=a, b=b) for a, b in direct]


def why_no_order(ops: Sequence[Op], data: str, initial: Any, lang: str | None = None) -> list[str]:
    """Why no order works: every order of the operations that respects real time (with or without each
    operation that may not have happened), and where each one breaks -- the first three shown. `ops`
    may include left-out updates as maybe-operations (`_as_maybe`)."""
    from capquest.checker.linearizability import _entry, _spec_step, frozen
    from capquest.i18n import t

    observed = [op for op in ops if _entry(op, data) is not None]
    required = [op for op in observed if not _maybe(op)]
    optional = [op for op in observed if _maybe(op)]
    start = frozen(initial) if initial is not None or data == "register" else 0
    if data == "register" and not isinstance(initial, str) and any(op["f"] == "append" for op in ops):
        start = frozen(initial or [])
    total = 0
    failures: dict[tuple[int, ...], str] = {}
    for r in range(len(optional) + 1):
        for chosen in itertools.combinations(optional, r):
            group = required + list(chosen)
            for order in itertools.permutations(group):
                if any(_end(b) < a["invoke"] for i, a in enumerate(order) for b in order[i + 1 :]):
                    continue
                total += 1
                if total > MAX_ORDERS:
                    return [t("checker.why_too_many", lang, limit=MAX_ORDERS)]
                state = start
                for n, op in enumerate(order):
                    fine, after = _spec_step(_entry(op, data), state)  # type: ignore[arg-type]  # observed: has an entry
                    if not fine:
                        key = tuple(o["id"] for o in order[: n + 1])
                        if key not in failures:
                            failures[key] = _failure(op, state, lang)
                        break
                    state = after
                else:
                    return []  # it is linearizable after all (never for a shrunk subset)
    lines = [t("checker.why_every_order", lang, orders=total)]
    # The orders that get furthest say the most: show three of those, one per operation that breaks.
    shown: dict[int, tuple[tuple[int, ...], str]] = {}
    for prefix, reason in sorted(failures.items(), key=lambda item: (-len(item[0]), item[0])):
        if prefix[-1] not in shown and len(shown) < 3:
            shown[prefix[-1]] = (prefix, reason)
    for prefix, reason in shown.values():
        walk = t("checker.why_order_sep", lang).join(map(str, prefix))
        lines.append(t("checker.why_breaks", lang, order=walk, reason=reason))
    return lines


def _failure(op: Op, state: Any, lang: str | None) -> str:
    from capquest.i18n import t

    shown = _shown(list(state) if isinstance(state, tuple) else state)
    f = op["f"]
    if f == "read":
        return t("checker.fails_read", lang, op=op["id"], value=_shown(op["value"]), state=shown)
    if f == "cas":
        if op["outcome"] == "fail" and op["error"] == "mismatch":
            return t("checker.fails_cas_mismatch", lang, op=op["id"], expected=_shown(op["expected"]))
        return t("checker.fails_cas", lang, op=op["id"], expected=_shown(op["expected"]), state=shown)
    if f == "order":
        if op["outcome"] == "fail":
            return t("checker.fails_refused", lang, op=op["id"], qty=op["qty"], state=shown)
        return t("checker.fails_order", lang, op=op["id"], qty=op["qty"], state=shown)
    return t("checker.fails_other", lang, op=op["id"], state=shown)


MAX_LEFT_OUT = 4  # left-out updates the explanation walks through as maybe-operations


def explain_minimal(
    ops: Sequence[Op], data: str, initial: Any, lang: str | None = None, left_out: Sequence[Op] = ()
) -> list[str]:
    """The lines that tell a shrunk subset's story: the operations, real time, and why no order works.
    `left_out`: the key's other updates; when there are few, the orders walked through let each of them
    happen or not (as shrinking did), so the story stays true of the whole history -- a cas "saw null"
    only if the write of its expected value may not have happened."""
    from capquest.i18n import t

    ops = sorted(ops, key=lambda op: (op["invoke"], op["id"]))
    lines = [t("checker.minimal_title", lang, count=len(ops), initial=_shown(initial))]
    lines += ["  " + describe_op(op, lang) for op in ops]
    context = [_as_maybe(op) for op in left_out if _is_update(op)]
    walked = list(ops)
    if context and len(context) <= MAX_LEFT_OUT:
        lines.append(t("checker.left_out", lang, ops=", #".join(str(op["id"]) for op in context)))
        walked += context
    lines.append(t("checker.rt_title", lang))
    lines += ["  " + line for line in real_time_order(ops, lang)]
    lines += why_no_order(walked, data, initial, lang)
    return lines


def story_lines(history: Any, anomaly: Any, lang: str | None = None) -> list[str]:
    """`explain_minimal` for a "not_linearizable" anomaly of `history` (its ops are the shrunk subset)."""
    from capquest.history import key_kinds

    ids = set(anomaly.ops)
    key = anomaly.key
    mine = [op for op in history["ops"] if op["key"] == key]
    ops = [op for op in mine if op["id"] in ids]
    if not ops:
        return []
    data = key_kinds(history).get(key, "register")
    others = [op for op in mine if op["id"] not in ids]
    return explain_minimal(ops, data, history["initial"].get(key), lang, others)


def shrink_violation(
    key: str, data: str, ops: Sequence[Op], initial: Any, found: Any, budget: int | None = None
) -> Any:
    """`found` (a violating KeyResult of `ops`) told on a 1-minimal subset: its anomaly names the subset's
    operations, explained by the check that decides the subset (or as "no order fits" when that is the
    search), and its verdict's witness is the subset."""
    from dataclasses import replace

    from capquest.checker.linearizability import KeyResult, check_key

    by_id = {op["id"]: op for op in ops}
    start = [by_id[i] for i in found.verdict.witness if i in by_id]
    shrunk = shrink(key, data, ops, initial, start, budget)
    ids = tuple(op["id"] for op in shrunk.ops)
    # Explained with the left-out updates as maybe-operations, as the subset was found: alone, a read
    # whose write was left out would be "a value nobody wrote".
    kept = set(ids)
    context = [_as_maybe(op) for op in ops if op["id"] not in kept and _is_update(op)]
    small = check_key(key, data, [*shrunk.ops, *context], initial, STEP_BUDGET)
    anomaly = small.anomaly if small.anomaly is not None else found.anomaly
    if anomaly.template == "lin_search":
        anomaly.template, anomaly.facts = "lin_minimal", {"ops": ids}
    anomaly.ops = ids
    anomaly.start = min(op["invoke"] for op in shrunk.ops)
    anomaly.end = max(op["complete"] if op["complete"] is not None else op["invoke"] for op in shrunk.ops)
    verdict = replace(found.verdict, witness=ids, minimal=shrunk.proven_minimal)
    return KeyResult(verdict, anomaly)
