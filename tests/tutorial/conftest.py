"""Helpers for the tutorial tests: a fake clock, a fake position store, and run results made by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from capquest.engine.outcome import Latency, Metrics, Outcome
from capquest.play import RunResult
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
) -> RunResult:
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
    return RunResult(level, card, 1, outcome, Score(score=800.0, breakdown={}, stars=2, passed=True))


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course()


def game_on_the_course(
    *, lang: str = "en", runner: Any = None, position: CoursePosition | None = None, clock: Any = None
) -> tuple[Any, Any]:
    """The real game app opened on the course, as `capquest tutorial` does, with the real store's rules
    in memory (reduced motion on, the course's position given or none): (app, store)."""
    from fakes import MemoryProgressStore

    from capquest.packs import builtin_pack
    from capquest.saves.model import Progress, Settings, TutorialPosition
    from capquest.tui.app import CapQuestApp

    saved = None
    if position is not None:
        saved = TutorialPosition(pack_id=position.pack_id, level_id=position.level_id, step=position.step)
    store = MemoryProgressStore(initial=Progress(tutorial=saved, settings=Settings(reduced_motion=True)))
    app = CapQuestApp(
        pack=builtin_pack(),
        store=store,
        language=lang,
        start="tutorial",
        runner=runner,
        clock=clock if clock is not None else FakeClock(),
    )
    return app, store
