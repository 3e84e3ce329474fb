"""The night's figures over time, one value per replay frame, for the sandbox's sparklines.

Counts come from the same places as the run's metrics, so the sparklines add up to what the results
show: anomalies from the checker over the run's history (which agrees with the engine's counts, a test
holds it), errors and latencies from the history, replica lag from the engine's trace. Counts of
requests are real-world (times the level's scale); oversold units are never scaled.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from math import ceil

from capquest.checker import check
from capquest.engine.outcome import Outcome

SERIES = ("oversold", "stale", "errors", "p50", "p99", "lag")


@dataclass(frozen=True)
class Series:
    """`ends_us[k]` closes bucket k. Per bucket: `oversold` units sold past stock (running total), `stale`
    reads, `errors` (failed requests, not "out of stock"), `p50`/`p99` latency in ms of the requests that
    started in the bucket, `lag` the largest replica lag in ms at the bucket's end."""

    ends_us: tuple[int, ...]
    oversold: tuple[int, ...]
    stale: tuple[int, ...]
    errors: tuple[int, ...]
    p50: tuple[float, ...]
    p99: tuple[float, ...]
    lag: tuple[float, ...]

    def values(self, name: str) -> tuple[float, ...]:
        return getattr(self, name)

    def done_by(self, t_us: int) -> int:
        """How many buckets have ended by moment `t_us` (what the screen can show at that moment)."""
        return bisect_right(self.ends_us, t_us)

    def until(self, t_us: int) -> dict[str, float]:
        """Totals of the buckets ended by `t_us`: oversold units, stale reads, errors; the latest
        p50/p99 and lag."""
        k = self.done_by(t_us) - 1
        if k < 0:
            return dict.fromkeys(SERIES, 0.0)
        return {
            "oversold": float(self.oversold[k]),
            "stale": float(sum(self.stale[: k + 1])),
            "errors": float(sum(self.errors[: k + 1])),
            "p50": self.p50[k],
            "p99": self.p99[k],
            "lag": self.lag[k],
        }


def _percentile(values: list[int], q: float) -> float:
    if not values:
        return 0.0
    values.sort()
    k = min(len(values) - 1, max(0, ceil(q * len(values)) - 1))
    return values[k] / 1000.0


def series_of(outcome: Outcome, scale: int) -> Series:
    ends = [frame.t_us for frame in outcome.trace]
    if not ends:
        return Series((), (), (), (), (), (), ())
    n = len(ends)
    history = outcome.history
    oversold = [0] * n
    stale = [0] * n
    errors = [0] * n
    latencies: list[list[int]] = [[] for _ in range(n)]

    def bucket(t: int) -> int:
        return min(n - 1, bisect_left(ends, t + 1))

    for anomaly in check(history, linearizability=False).anomalies:
        if anomaly.kind == "oversold":
            oversold[bucket(anomaly.time)] += anomaly.units
        elif anomaly.kind == "stale_read":
            stale[bucket(anomaly.time)] += scale
    for op in history["ops"]:
        if op["f"] == "cancel":
            continue
        # every op of an engine run has its completion (a timeout completes at its deadline)
        done = op["complete"] if op["complete"] is not None else op["invoke"]
        latencies[bucket(op["invoke"])].append(done - op["invoke"])
        if op["outcome"] == "fail" and op["error"] != "out_of_stock":
            errors[bucket(done)] += scale
    running = 0
    for k in range(n):
        running += oversold[k]
        oversold[k] = running
    lag = [
        max((v for name, v in frame.values.items() if name.endswith(".lag_ms")), default=0.0)
        for frame in outcome.trace
    ]
    return Series(
        ends_us=tuple(ends),
        oversold=tuple(oversold),
        stale=tuple(stale),
        errors=tuple(errors),
        p50=tuple(_percentile(v, 0.50) for v in latencies),
        p99=tuple(_percentile(v, 0.99) for v in latencies),
        lag=tuple(lag),
    )
