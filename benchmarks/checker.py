"""Checker throughput: operations per second of the linear checks (oversell, stale reads, session
guarantees, lost updates) and of the per-key linearizability check, on generated histories of ~100k
operations (a correct store, and one reading a lagging replica) and, when the engine is there, on real
engine histories of the built-in levels.

Absolute times are noisy on a shared machine: each figure is the median of several runs, printed with
its ratio to the reference order loop (../shared/bench/reference.py) measured in the same run.
Budget (issue 7): linear checks >= 500,000 ops/s.

    .venv/bin/python benchmarks/checker.py [--ops 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from capquest.checker.reference_store import reference_history
from capquest.checker.report import check
from capquest.checker.sweeps import check_linear
from capquest.history import History

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
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
        anomalies = check_linear(history)
        seconds = median_seconds(lambda h=history: check_linear(h), args.runs)
        verdict = "OK" if n / seconds >= BUDGET_OPS_PER_S else "below budget"
        report_line(f"linear checks, {name}", n, seconds, ref, f"{len(anomalies)} anomalies; {verdict}")
        report = check(history)
        seconds_all = median_seconds(lambda h=history: check(h), max(1, args.runs // 2))
        methods = sorted({f"{k.method}:{k.verdict}" for k in report.keys})
        report_line(f"linear + linearizability, {name}", n, seconds_all, ref, ", ".join(methods))
    for name, history in engine_histories():
        n = len(history["ops"])
        if not n:
            continue
        seconds = median_seconds(lambda h=history: check_linear(h), args.runs)
        report_line(f"linear, engine {name}", n, seconds, ref)
        seconds_all = median_seconds(lambda h=history: check(h), 1)
        report_line(f"all, engine {name}", n, seconds_all, ref)


if __name__ == "__main__":
    main()
