"""Checker throughput: operations per second of the sweeps (oversell, stale reads, session guarantees,
lost updates) and of the per-key linearizability check, on generated histories of ~100k operations (a
correct store, and one reading a lagging replica); then, for the operations real stores have, how the
time grows with length (1k, 10k, 100k operations): a register of unique writes (read-mapping), list
appends of unique elements (append-order), string appends as Porcupine's kv logs have them and
compare-and-set as Jepsen's etcd tests have it (both searched: states per key reported); and, when the
engine is there, real engine histories of the built-in levels.

Absolute times are noisy on a shared machine: each figure is the median of several runs, printed with
its ratio to the reference order loop (../shared/bench/reference.py) measured in the same run.
Budget (issue 7): the sweeps >= 500,000 ops/s.

    .venv/bin/python benchmarks/checker.py [--ops 100000] [--runs 5] [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from capquest.checker.reference_store import reference_history
from capquest.checker.report import check
from capquest.checker.sweeps import check_sweeps
from capquest.history import FORMAT, History, validate_history

BUDGET_OPS_PER_S = 500_000


def reference_rate() -> float | None:
    """Orders/s of the shared reference loop, or None when it is not beside the repository."""
    for folder in (Path(__file__).resolve().parents[2] / "shared" / "bench", Path("/work/shared/bench")):
        if (folder / "reference.py").exists():
            sys.path.insert(0, str(folder))
            import reference  # type: ignore[import-not-found]

            n = 200_000
            best = 0.0
            for _ in range(3):  # the reference's own rate(), on CPU time like the figures it is held against
                start = time.process_time()
                reference.orders(n)
                best = max(best, n / (time.process_time() - start))
            return best
    return None


def median_seconds(run: Callable[[], Any], runs: int) -> float:
    """Median CPU time of `runs` calls (process time: less disturbed by other processes than wall time)."""
    times = []
    for _ in range(runs):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return statistics.median(times)


def report_line(name: str, ops: int, seconds: float, ref: float | None, note: str = "") -> None:
    rate = ops / seconds
    ratio = f"  {rate / ref:5.2f}x reference" if ref else ""
    print(f"{name:<44} {ops:>8} ops  {seconds * 1000:8.1f} ms  {rate:>11,.0f} ops/s{ratio}  {note}")


def engine_histories() -> list[tuple[str, History]]:
    """(level/card, history) of every built-in level's every card, when the engine and packs exist."""
    try:
        from capquest import packs, play
    except ImportError:
        return []
    load = getattr(packs, "builtin_pack", None)
    if load is None:
        return []
    out = []
    pack = load()
    for level in getattr(pack, "levels", []):
        for card in level.cards:
            result = play.run(level, card.id)
            out.append((f"{level.id}/{card.id}", result.outcome.history))
    return out


def store_history(kind: str, ops: int, seed: int = 1) -> History:
    """A linearizable history of `ops` operations by 50 processes: every operation takes effect at one
    instant inside its interval (random latencies, so operations overlap). `kind`:
    - "register": one key, writes of unique values and reads (read-mapping decides it);
    - "append": list keys of about 60 operations each, appends of unique elements and whole-list reads
      (append-order decides it; one key of 100k would make every read a 50k-element list);
    - "string": Porcupine's kv shape, string appends and gets, about 60 operations per key (searched);
    - "cas": Jepsen's etcd shape, read / write / cas of small integers, about 60 per key (searched)."""
    rng = random.Random(seed)
    keys = 1 if kind == "register" else max(1, ops // 60)
    planned = []
    free = [0] * 50
    for i in range(ops):
        p = rng.randrange(50)
        invoke = free[p] + rng.randrange(200)
        point = invoke + 1 + rng.randrange(300)
        complete = point + 1 + rng.randrange(300)
        free[p] = complete
        planned.append((point, invoke, complete, p, i))
    planned.sort()
    initial = {f"k{j}": ("" if kind == "string" else None) for j in range(keys)}
    state = dict(initial)
    out = []
    for _point, invoke, complete, p, i in planned:
        key = f"k{rng.randrange(keys)}"
        op: dict[str, Any] = {"id": i, "session": p, "key": key, "invoke": invoke, "complete": complete}
        op.update(node="n1", outcome="ok", error="")
        roll = rng.random()
        if roll < 0.5:
            op["f"], op["value"] = "read", state[key]
        elif kind == "register":
            op["f"], op["value"] = "write", f"v{i}"
            state[key] = op["value"]
        elif kind == "append":
            op["f"], op["value"] = "append", i
            state[key] = [*(state[key] or []), i]
        elif kind == "string":
            op["f"], op["value"] = "append", f"x{i}y"
            state[key] += op["value"]
        elif roll < 0.7:
            op["f"], op["value"] = "write", rng.randrange(5)
            state[key] = op["value"]
        else:
            op["f"], op["expected"], op["value"] = "cas", rng.randrange(5), rng.randrange(5)
            if state[key] == op["expected"]:
                state[key] = op["value"]
            else:
                op["outcome"], op["error"] = "fail", "mismatch"
        if op["f"] == "read" and isinstance(op["value"], list):
            op["value"] = list(op["value"])
        out.append(op)
    out.sort(key=lambda o: (o["invoke"], o["id"]))
    history = {"format": FORMAT, "version": 2, "time_unit": "us", "initial": initial}
    history.update(kinds=dict.fromkeys(initial, "register"), nodes=["n1"], faults=[], ops=out)
    return validate_history(history)


def growth(sizes: list[int], runs: int, ref: float | None) -> None:
    """Each kind at each size: ops/s, the time ratio to the previous size, and (searched kinds) the
    states per key. n log n from 1k to 10k is 13.3x; linear is 10x."""
    print("\nnew operations, time against length (sweeps + linearizability, check())")
    for kind in ("register", "append", "string", "cas"):
        previous: tuple[int, float] | None = None
        for n in sizes:
            history = store_history(kind, n)
            report = check(history)
            seconds = median_seconds(lambda h=history: check(h), runs if n < 100_000 else 1)
            methods = sorted({k.method for k in report.keys})
            verdicts = sorted({k.verdict for k in report.keys})
            note = f"{'/'.join(methods)} {'/'.join(verdicts)}"
            searched = [k.states for k in report.keys if k.method == "search"]
            if searched:
                note += f"; states per key: mean {statistics.mean(searched):,.0f}, max {max(searched):,}"
            if previous:
                note += f"; x{seconds / previous[1]:.1f} time for x{n / previous[0]:.0f} ops"
            report_line(f"{kind}, {len(report.keys)} key(s)", len(history["ops"]), seconds, ref, note)
            previous = (n, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1000,10000,100000", help="lengths for the growth table")
    args = parser.parse_args()

    ref = reference_rate()
    if ref:
        print(f"reference order loop: {ref:,.0f} orders/s (same run)")
    cases = [
        ("correct store", reference_history(5, ops=args.ops, sessions=200, items=20)),
        ("lagging replica (3 ms)", reference_history(5, ops=args.ops, sessions=200, items=20, lag_us=3_000)),
    ]
    for name, history in cases:
        n = len(history["ops"])
        anomalies = check_sweeps(history)
        seconds = median_seconds(lambda h=history: check_sweeps(h), args.runs)
        verdict = "OK" if n / seconds >= BUDGET_OPS_PER_S else "below budget"
        report_line(f"sweeps, {name}", n, seconds, ref, f"{len(anomalies)} anomalies; {verdict}")
        report = check(history)
        seconds_all = median_seconds(lambda h=history: check(h), max(1, args.runs // 2))
        methods = sorted({f"{k.method}:{k.verdict}" for k in report.keys})
        report_line(f"sweeps + linearizability, {name}", n, seconds_all, ref, ", ".join(methods))
    growth([int(x) for x in args.sizes.split(",")], args.runs, ref)
    for name, history in engine_histories():
        n = len(history["ops"])
        if not n:
            continue
        seconds = median_seconds(lambda h=history: check_sweeps(h), args.runs)
        report_line(f"sweeps, engine {name}", n, seconds, ref)
        seconds_all = median_seconds(lambda h=history: check(h), 1)
        report_line(f"all, engine {name}", n, seconds_all, ref)


if __name__ == "__main__":
    main()
