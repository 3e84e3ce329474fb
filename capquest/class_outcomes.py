"""What each data class did in one run: for a hybrid assignment, which class oversold, which waited or
failed, which read stale. Real-world figures (the level's scale applied to requests and reads; units of
stock never scaled), counted from the run's history by the same checker the Why? view uses, so the
classes add up to the run's totals."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from capquest.checker import check
from capquest.engine.model import DATA_CLASSES

if TYPE_CHECKING:
    from capquest.packs.model import LevelFile
    from capquest.play import RunResult

# A history key's kind of data -> the data class that serves a plain read or write of it.
_KEY_CLASS = {"stock": "inventory", "catalog": "catalog", "profile": "profile", "views": "analytics"}


def data_class_of(op: dict) -> str:
    """The data class an operation of the history belongs to (an order is always `orders`)."""
    if op["f"] == "order":
        return "orders"
    return _KEY_CLASS.get(op["key"].split("/", 1)[0], "catalog")


@dataclass(frozen=True)
class ClassOutcome:
    data_class: str
    card: str  # the card whose policy served it
    requests: int
    failed: int
    p99_ms: float
    oversold_units: int
    stale_reads: int
    session_violations: int  # read-your-writes + monotonic-read

    @property
    def failed_rate(self) -> float:
        return self.failed / self.requests if self.requests else 0.0


def _p99(latencies_us: list[int]) -> float:
    if not latencies_us:
        return 0.0
    ordered = sorted(latencies_us)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)] / 1000.0


def class_outcomes(level: LevelFile, result: RunResult) -> list[ClassOutcome]:
    """One line per data class that had traffic, in the fixed order of DATA_CLASSES."""
    base = next((c for c in level.cards if c.id == result.card), level.cards[0])
    served_by = {dc: result.assign.get(dc) or base.assign.get(dc) or base.id for dc in DATA_CLASSES}
    history = result.outcome.history
    scale = level.scenario.workload.scale
    ops = [op for op in history["ops"] if op["f"] != "cancel"]
    of = {op["id"]: data_class_of(op) for op in ops}
    requests = dict.fromkeys(DATA_CLASSES, 0)
    failed = dict.fromkeys(DATA_CLASSES, 0)
    latencies: dict[str, list[int]] = {dc: [] for dc in DATA_CLASSES}
    for op in ops:
        dc = of[op["id"]]
        requests[dc] += 1
        failed[dc] += op["outcome"] == "fail" and op["error"] != "out_of_stock"  # a refused sale is an answer
        if op["complete"] is not None:
            latencies[dc].append(op["complete"] - op["invoke"])
    oversold = dict.fromkeys(DATA_CLASSES, 0)
    stale = dict.fromkeys(DATA_CLASSES, 0)
    session = dict.fromkeys(DATA_CLASSES, 0)
    for anomaly in check(history, linearizability=False).anomalies:
        dc = of.get(anomaly.ops[0]) if anomaly.ops else None
        if anomaly.kind == "oversold":
            oversold["orders"] += anomaly.units
        elif dc is None:
            continue
        elif anomaly.kind == "stale_read":
            stale[dc] += 1
        elif anomaly.kind in ("read_your_writes", "monotonic_read"):
            session[dc] += 1
    return [
        ClassOutcome(
            data_class=dc,
            card=served_by[dc],
            requests=requests[dc] * scale,
            failed=failed[dc] * scale,
            p99_ms=_p99(latencies[dc]),
            oversold_units=oversold[dc],
            stale_reads=stale[dc] * scale,
            session_violations=session[dc] * scale,
        )
        for dc in DATA_CLASSES
        if requests[dc]
    ]
