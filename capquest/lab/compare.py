"""The real outcome beside the engine's prediction: the same figures from both, and one line per lesson.

Both columns count the same schedule of operations (the level's, for one seed), unscaled: anomaly counts
come from the same checker run on each history (the engine's and the clients'), so they follow one
definition. The engine column's error rate and latency are the engine's metrics (what `capquest simulate`
shows, in the level's time); the PostgreSQL column's come from the clients' history (real milliseconds,
on a schedule played `compression` times faster).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from capquest.checker import Report
from capquest.history import History

LESSON_KINDS = ("oversold_units", "stale_reads", "ryw_violations", "monotonic_violations")


@dataclass(frozen=True)
class Figures:
    ops: int
    orders_accepted: int
    oversold_units: int
    stale_reads: int
    ryw_violations: int
    monotonic_violations: int
    error_rate: float  # 0-1: failed operations other than a correct "out of stock"
    p50_ms: float
    p99_ms: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, round(q * len(sorted_values) + 0.5) - 1))  # nearest rank
    return sorted_values[rank]


def history_figures(history: History, report: Report) -> Figures:
    """The clients' figures: anomalies from the checker's report, errors and latency from the ops."""
    ops = history["ops"]
    counters = report.counters()
    failed = sum(1 for op in ops if op["outcome"] == "fail" and op["error"] != "out_of_stock")
    latencies = sorted((op["complete"] - op["invoke"]) / 1000 for op in ops if op["complete"] is not None)
    return Figures(
        ops=len(ops),
        orders_accepted=sum(1 for op in ops if op["f"] == "order" and op["outcome"] == "ok"),
        oversold_units=counters["oversold_units"],
        stale_reads=counters["stale_reads"],
        ryw_violations=counters["ryw_violations"],
        monotonic_violations=counters["monotonic_violations"],
        error_rate=failed / len(ops) if ops else 0.0,
        p50_ms=round(_percentile(latencies, 0.50), 3),
        p99_ms=round(_percentile(latencies, 0.99), 3),
    )


def engine_figures(history: History, report: Report, metrics: Any) -> Figures:
    """The engine's figures for the same schedule: anomaly counts from the checker on its history (the
    raw, unscaled counts), error rate and latency from its metrics (scale-free)."""
    counters = report.counters()
    return Figures(
        ops=len(history["ops"]),
        orders_accepted=sum(1 for op in history["ops"] if op["f"] == "order" and op["outcome"] == "ok"),
        oversold_units=counters["oversold_units"],
        stale_reads=counters["stale_reads"],
        ryw_violations=counters["ryw_violations"],
        monotonic_violations=counters["monotonic_violations"],
        error_rate=metrics.error_rate,
        p50_ms=metrics.latency_ms.p50,
        p99_ms=metrics.latency_ms.p99,
    )


@dataclass(frozen=True)
class Lesson:
    kind: str  # one of LESSON_KINDS
    engine: int
    real: int
    verdict: str  # "too" (both showed it), "none" (neither), "missed" (only the engine), "surprise"

    def text(self, card: str, lang: str | None = None) -> str:
        from capquest.i18n import t

        what = t(f"lab.what_{self.kind}", lang)
        template = f"lab.lesson_oversold_{self.verdict}" if self.kind == "oversold_units" else None
        return t(
            template or f"lab.lesson_{self.verdict}",
            lang,
            card=card,
            what=what,
            engine=self.engine,
            real=self.real,
        )

    def to_json(self, card: str, lang: str | None = None) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "engine": self.engine,
            "postgres": self.real,
            "verdict": self.verdict,
            "text": self.text(card, lang),
        }


def lessons(engine: Figures, real: Figures, kinds_in_play: tuple[str, ...]) -> list[Lesson]:
    """One lesson per anomaly the level is about (`kinds_in_play`) or that either side showed."""
    out = []
    for kind in LESSON_KINDS:
        e, r = getattr(engine, kind), getattr(real, kind)
        if kind not in kinds_in_play and not e and not r:
            continue
        verdict = "too" if e and r else "none" if not e and not r else "missed" if e else "surprise"
        out.append(Lesson(kind, e, r, verdict))
    return out
