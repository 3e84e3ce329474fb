"""The per-key linearizability check against a brute-force checker, on small histories of every kind
(register, cas register, list and string appends -- distinct pieces too --, counter with set, stock).

Histories are made from a linearizable run (every operation takes effect at one instant, then its
interval is widened at random so operations overlap), then most are perturbed (a read sees
another value, an operation moves in time). The brute force tries every subset of the operations that
may not have happened and every order of the rest that respects real time."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from capquest.checker import check
from capquest.history import validate_history

KINDS = ("register", "cas", "list", "string", "pieces", "counter", "stock")
INITIAL = {"register": None, "cas": 0, "list": None, "string": "", "pieces": "", "counter": 0, "stock": 3}
DATA = {
    "register": "register",
    "cas": "register",
    "list": "register",
    "string": "register",
    "pieces": "register",
}


# ------------------------------------------------------------------------------------------- the spec
def step(state: Any, op: dict[str, Any]) -> tuple[bool, Any]:
    """(allowed, next state) of one operation, from the format's docs, written independently."""
    f = op["f"]
    failed = op["outcome"] == "fail"
    if f == "read":
        value = op["value"]
        if isinstance(state, list) or (state is None and isinstance(value, list)):
            return (state or []) == (value or []), state
        return state == value, state
    if f in ("write", "set"):
        return True, op["value"]
    if f == "incr":
        return True, state + op["value"]
    if f == "append":
        if isinstance(state, str):
            return True, state + op["value"]
        return True, [*(state or []), op["value"]]
    if f == "cas":
        if failed and op["error"] == "mismatch":
            return state != op["expected"], state
        return state == op["expected"], op["value"] if state == op["expected"] else state
    if f == "order":
        if failed and op["error"] == "out_of_stock":
            return state < op["qty"], state
        return state >= op["qty"], state - op["qty"]
    raise AssertionError(f)


def maybe(op: dict[str, Any]) -> bool:
    """May or may not have taken effect."""
    return op["outcome"] == "fail" and op["error"] not in ("mismatch", "out_of_stock") and op["f"] != "read"


def brute_force(ops: list[dict[str, Any]], initial: Any) -> bool:
    ops = [o for o in ops if not (o["f"] == "read" and o["outcome"] == "fail")]
    required = [o for o in ops if not maybe(o)]
    optional = [o for o in ops if maybe(o)]

    def end(o: dict[str, Any]) -> float:
        return math.inf if maybe(o) else o["complete"]

    for r in range(len(optional) + 1):
        for chosen in itertools.combinations(optional, r):
            group = required + list(chosen)
            for order in itertools.permutations(group):
                if any(end(b) < a["invoke"] for i, a in enumerate(order) for b in order[i + 1 :]):
                    continue  # b finished before a began, yet comes after it
                state, fine = initial, True
                for o in order:
                    fine, state = step(state, o)
                    if not fine:
                        break
                if fine:
                    return True
    return False


# ------------------------------------------------------------------------------------------ histories
def history(rng: random.Random) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(kind, history, the key's initial value): a linearizable run, perturbed half of the time."""
    kind = rng.choice(KINDS)
    initial = INITIAL[kind]
    n = rng.randint(2, 6)
    state: Any = initial
    ops: list[dict[str, Any]] = []
    point = 0
    for i in range(n):
        point += rng.randint(1, 10)
        op: dict[str, Any] = {"id": i, "session": i, "key": "k", "node": "n", "outcome": "ok", "error": ""}
        op["invoke"] = point - rng.randint(0, 8)
        op["complete"] = point + rng.randint(0, 8)
        if op["invoke"] < 0:
            op["invoke"] = 0
        f = rng.choice(
            {
                "register": ("write", "read"),
                "cas": ("write", "cas", "cas", "read"),
                "list": ("append", "append", "read"),
                "string": ("append", "append", "read"),
                "pieces": ("append", "append", "read"),  # distinct pieces: split back into a list
                "counter": ("incr", "set", "read"),
                "stock": ("order", "order", "read"),
            }[kind]
        )
        op["f"] = f
        if f == "write":
            op["value"] = rng.randint(0, 2)
        elif f == "set":
            op["value"] = rng.randint(0, 3)
        elif f == "incr":
            op["value"] = rng.randint(1, 2)
        elif f == "append":
            op["value"] = {"string": rng.choice("ab"), "pieces": f"<{i}>"}.get(kind, rng.randint(0, 3))
        elif f == "cas":
            op["expected"], op["value"] = rng.randint(0, 2), rng.randint(0, 2)
        elif f == "order":
            op["qty"] = rng.randint(1, 2)
        takes_effect = True
        if f != "read" and rng.random() < 0.2:  # a timeout: it may or may not have happened
            op["outcome"], op["error"] = "fail", "timeout"
            if rng.random() < 0.5:
                op["complete"] = None
            takes_effect = rng.random() < 0.5
        if f == "read":
            op["value"] = list(state) if isinstance(state, list) else state
            ops.append(op)
            continue
        allowed, after = step(state, {**op, "outcome": "ok", "error": ""})
        if f == "cas" and not allowed and op["outcome"] == "ok":
            op["outcome"], op["error"] = "fail", "mismatch"
        elif f == "order" and not allowed and op["outcome"] == "ok":
            op["outcome"], op["error"] = "fail", "out_of_stock"
        elif takes_effect and allowed:
            state = after
        ops.append(op)
    if rng.random() < 0.8:
        perturb(rng, kind, ops)
    return kind, ops, initial


def perturb(rng: random.Random, kind: str, ops: list[dict[str, Any]]) -> None:
    op = rng.choice(ops)
    reads = [o for o in ops if o["f"] == "read"]
    if reads and rng.random() < 0.8:
        r = rng.choice(reads)
        if kind == "list":
            r["value"] = (
                [*(r["value"] or []), rng.randint(0, 3)] if rng.random() < 0.5 else (r["value"] or [])[::-1]
            )
        elif kind == "string":
            r["value"] = (r["value"] or "") + rng.choice("ab")
        elif kind == "pieces":
            pieces = [o["value"] for o in ops if o["f"] == "append"] or ["<9>"]
            cut = r["value"][: len(r["value"]) // 2]
            r["value"] = r["value"] + rng.choice(pieces) if rng.random() < 0.7 else cut
        else:
            r["value"] = (r["value"] or 0) + rng.choice((-1, 1))
            if kind == "stock":
                r["value"] = max(0, r["value"])
    else:
        shift = rng.choice((-1, 1)) * rng.randint(20, 60)
        shift = max(shift, -op["invoke"])
        op["invoke"] += shift
        if op["complete"] is not None:
            op["complete"] += shift


def as_file(kind: str, ops: list[dict[str, Any]], initial: Any) -> dict[str, Any]:
    return {
        "format": "capquest-history",
        "version": 2,
        "time_unit": "us",
        "initial": {"k": initial},
        "kinds": {"k": DATA.get(kind, kind)},
        "nodes": ["n"],
        "faults": [],
        "ops": ops,
    }


def verdicts(seed: int) -> tuple[bool, str]:
    kind, ops, initial = history(random.Random(seed))
    report = check(validate_history(as_file(kind, ops, initial)))
    (key,) = report.keys
    return brute_force(ops, initial), key.verdict


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.integers(0, 2**32))
def test_the_checker_agrees_with_brute_force(seed):
    expected, got = verdicts(seed)
    assert got == ("ok" if expected else "violation"), seed


def test_both_verdicts_occur_in_at_least_30_percent_of_examples():
    # The generator the property test draws from, over 300 seeds: it must test both answers, and
    # every kind must produce both.
    tally: Counter[tuple[str, bool]] = Counter()
    for seed in range(300):
        kind, ops, initial = history(random.Random(seed))
        tally[kind, brute_force(ops, initial)] += 1
    linearizable = sum(n for (_, ok), n in tally.items() if ok)
    assert 0.3 <= linearizable / 300 <= 0.7, tally
    for kind in KINDS:
        assert tally[kind, True] and tally[kind, False], (kind, tally)
