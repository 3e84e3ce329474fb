"""The lab: a level's night on a real PostgreSQL, beside the engine's prediction.

    from capquest.lab import run_lab
    result = run_lab(level, "replica-check")   # starts, plays, checks, stops
    result.real.oversold_units, result.engine.oversold_units, result.lessons

Floor 2: it uses the play path (the engine's prediction), the checker and the history format; nothing
below imports it. psycopg (the `capquest[lab]` extra) is imported only when a run starts.

- `plan`: the level's schedule for a seed, time-compressed, each op's policy from the card;
- `postgres`: a throwaway primary + streaming replicas in a temporary folder (always removed);
- `clients`: concurrent psycopg clients playing the plan, recording the history;
- `compare`: the same figures from both histories, and one line per lesson.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from capquest.checker import Report, check
from capquest.history import History
from capquest.lab.compare import Figures, Lesson, engine_figures, history_figures, lessons
from capquest.lab.plan import LabUnsupported, Plan, lab_cards, make_plan
from capquest.lab.postgres import Cluster, ClusterError, LabUnavailable, find_bindir
from capquest.packs.model import LevelFile

__all__ = [
    "ClusterError",
    "LabResult",
    "LabUnavailable",
    "LabUnsupported",
    "check_ready",
    "lab_cards",
    "make_plan",
    "result_json",
    "run_lab",
]


@dataclass(frozen=True)
class LabResult:
    plan: Plan
    postgres_version: str
    history: History  # what the clients saw on the real servers
    report: Report  # the checker's findings on that history
    engine_history: History
    engine: Figures
    real: Figures
    lessons: tuple[Lesson, ...]


def check_ready() -> None:
    """LabUnavailable (one line: what to install) when psycopg or PostgreSQL's programs are missing."""
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError:
        from capquest.i18n import t

        raise LabUnavailable(t("lab.no_psycopg")) from None
    find_bindir()


def kinds_in_play(level: LevelFile) -> tuple[str, ...]:
    """The anomalies a level's workload can show: the lessons it is about."""
    mix = level.scenario.workload.mix
    replicas = bool(level.scenario.topology.replicas)
    kinds = []
    if mix.order > 0:
        kinds.append("oversold_units")
    if replicas and (mix.stock_read or mix.profile_read or mix.counter_read or mix.order):
        kinds.append("stale_reads")
    if replicas and mix.profile_read > 0 and mix.profile_write > 0:
        kinds.append("ryw_violations")
    if len(level.scenario.topology.replicas) > 1 and (mix.counter_read or mix.profile_read):
        kinds.append("monotonic_violations")
    return tuple(kinds)


def run_lab(
    level: LevelFile,
    card_id: str,
    *,
    seed: int | None = None,
    seconds: float | None = None,
    apply_delay_ms: float | None = None,
    pg_user: str | None = None,
    on_step: Callable[[str], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
    cluster: Cluster | None = None,
) -> LabResult:
    """Play `card_id` of `level` on a real PostgreSQL and compare with the engine for the same seed.

    Starts its own cluster (and always stops and removes it) unless one is given (tests reuse one)."""
    from capquest.lab.clients import play
    from capquest.lab.postgres import server_version
    from capquest.play import run

    plan = make_plan(level, card_id, seed=seed, seconds=seconds, apply_delay_ms=apply_delay_ms)
    check_ready()
    prediction = run(level, card_id, seed=plan.seed)
    if cluster is not None:
        history = play(cluster, plan, progress=progress, cancel=cancel)
        version = server_version(cluster.bindir)
    else:
        with Cluster(
            replicas=len(plan.replica_names), apply_delay_ms=0.0, pg_user=pg_user, on_step=on_step
        ) as own:
            if on_step is not None:
                on_step("play")
            history = play(own, plan, progress=progress, cancel=cancel)
            version = server_version(own.bindir)
    report = check(history, linearizability=False)
    engine_history = prediction.outcome.history
    engine = engine_figures(
        engine_history, check(engine_history, linearizability=False), prediction.outcome.metrics
    )
    real = history_figures(history, report)
    return LabResult(
        plan=plan,
        postgres_version=version,
        history=history,
        report=report,
        engine_history=engine_history,
        engine=engine,
        real=real,
        lessons=tuple(lessons(engine, real, kinds_in_play(level))),
    )


def result_json(result: LabResult, lang: str | None = None) -> dict[str, Any]:
    """The documented JSON of `capquest lab --json`."""
    plan = result.plan
    return {
        "level": plan.level,
        "card": plan.card,
        "seed": plan.seed,
        "lab": {
            "postgres": result.postgres_version,
            "nodes": list(result.history["nodes"]),
            "ops": len(plan.ops),
            "seconds": round(plan.seconds, 3),
            "ops_per_s": round(plan.rate, 1),
            "level_seconds": plan.level_seconds,
            "compression": round(plan.compression, 3),
            "apply_delay_ms": [round(d, 1) for d in plan.apply_delay_ms],
            "timeout_ms": round(plan.timeout_ms, 1),
        },
        "engine": result.engine.to_json(),
        "postgres": result.real.to_json(),
        "lessons": [lesson.to_json(plan.card, lang) for lesson in result.lessons],
    }
