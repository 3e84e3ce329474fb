"""Helpers for the tutorial tests: a fake clock, a fake position store, and run results made by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

from capquest.engine.outcome import Latency, Metrics, Outcome
from capquest.scoring import Score
from capquest.tutorial.controller import CoursePosition
from capquest.tutorial.course import Course, load_course


@dataclass
class FakeClock:
    now: float = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class FakeStore:
    """Stands in for `capquest.saves.ProgressStore` (same method names and arguments)."""

    saved: CoursePosition | None = None
    writes: list[CoursePosition] = field(default_factory=list)
    concepts: list[str] = field(default_factory=list)

    def set_tutorial_position(self, pack_id: str, level_id: str, step: int) -> None:
        self.saved = CoursePosition(pack_id, level_id, step)
        self.writes.append(self.saved)

    def mark_concept_seen(self, concept_id: str) -> None:
        self.concepts.append(concept_id)

    @property
    def progress(self) -> SimpleNamespace:  # as ProgressStore.progress.tutorial
        return SimpleNamespace(tutorial=self.saved)


@dataclass(frozen=True)
class FakeRun:
    """Duck-types `capquest.play.RunResult` (the engine is not needed to test the course logic)."""

    level: str
    card: str
    seed: int
    outcome: Outcome
    score: Score


def fake_run(
    level: str,
    card: str,
    *,
    oversold: int = 0,
    error_rate: float = 0.0,
    p99: float = 50.0,
    stale: int = 0,
    ryw: int = 0,
    monotonic: int = 0,
    compensated: int = 0,
) -> FakeRun:
    metrics = Metrics(
        requests=1000,
        orders_accepted=100,
        oversold_units=oversold,
        compensated_orders=compensated,
        stale_reads=stale,
        ryw_violations=ryw,
        monotonic_violations=monotonic,
        error_rate=error_rate,
        latency_ms=Latency(p50=p99 / 4, p95=p99 / 2, p99=p99, mean=p99 / 3),
        cost_units=10.0,
        simulated_ops=1000,
    )
    outcome = Outcome(metrics=metrics, history={}, trace=(), digest="0" * 64)  # type: ignore[arg-type]
    return FakeRun(level, card, 1, outcome, Score(score=800.0, breakdown={}, stars=2, passed=True))


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course()
