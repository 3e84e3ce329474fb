"""Design warnings and the solver (`capquest pack validate`, `capquest pack solve`): they run a pack's
cards through the play path (`capquest.play`), so they sit on floor 2, above it.

Nothing here is needed to load a pack; the engine is imported only when these run. `runner` None means
the play path itself (then the runs may be spread over processes); tests pass their own.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from capquest.packs.loader import Pack
from capquest.packs.messages import say
from capquest.packs.model import LevelFile
from capquest.packs.positions import KeyLines
from capquest.packs.problems import Problem, field_path

MAX_ASSIGNMENTS = 500  # hybrid assignments `solve` runs; more than this and it runs a seeded sample

Runner = Callable[..., Any]  # capquest.play.run's signature: (level, card_id, *, seed=, assign=)


@dataclass(frozen=True)
class Outcome:
    """One run, reduced to what solve and the design checks compare."""

    label: str  # a card id, or "orders=a catalog=b" for an assignment
    card: str | None
    assign: dict[str, str]
    oversold: int
    p99_ms: float
    error_rate: float  # 0-1
    cost: float
    anomalies: int  # stale reads + read-your-writes + monotonic-read violations
    score: float
    stars: int
    passed: bool
    frontier: bool = False
    refused_in_partition: int = 0  # real-world requests invoked during a scheduled partition and refused

    @property
    def axes(self) -> tuple[float, ...]:
        return (self.oversold, self.p99_ms, self.error_rate, self.cost, self.anomalies)

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "card": self.card,
            "assign": self.assign,
            "oversold_units": self.oversold,
            "p99_ms": self.p99_ms,
            "error_rate": self.error_rate,
            "cost_units": self.cost,
            "anomalies": self.anomalies,
            "score": self.score,
            "stars": self.stars,
            "passed": self.passed,
            "frontier": self.frontier,
        }


def refused_in_partition(history: Any) -> int:
    """Simulated operations invoked while a scheduled partition was on that failed as unavailable (a
    refusal, not a timeout): what a card that chose consistency does during a partition."""
    if not history:
        return 0
    windows = [(f["start"], f["end"]) for f in history.get("faults", ()) if f.get("kind") == "partition"]
    if not windows:
        return 0
    return sum(
        1
        for op in history["ops"]
        if op.get("outcome") == "fail"
        and op.get("error") == "unavailable"
        and any(start <= op["invoke"] < end for start, end in windows)
    )


def _outcome(result: Any, label: str, card: str | None, assign: dict[str, str], scale: int = 1) -> Outcome:
    metrics = result.outcome.metrics
    return Outcome(
        label=label,
        card=card,
        assign=assign,
        oversold=metrics.oversold_units,
        p99_ms=metrics.latency_ms.p99,
        error_rate=metrics.error_rate,
        cost=metrics.cost_units,
        anomalies=metrics.stale_reads + metrics.ryw_violations + metrics.monotonic_violations,
        score=result.score.score,
        stars=result.score.stars,
        passed=result.score.passed,
        refused_in_partition=refused_in_partition(getattr(result.outcome, "history", None)) * scale,
    )


@dataclass(frozen=True)
class Task:
    """One run to make: a card, or (card None) an assignment of cards to data classes."""

    level: LevelFile
    card: str | None
    seed: int | None
    assign: dict[str, str]
    label: str


def _run_task(task: Task, runner: Runner | None = None) -> Outcome | str:
    """The task's outcome, or what went wrong (a string: it must cross a process boundary)."""
    if runner is None:  # the play path (also in a worker process)
        from capquest.play import run as runner
    try:
        if task.card is None:
            result = runner(task.level, None, seed=task.seed, assign=task.assign)
        else:
            result = runner(task.level, task.card, seed=task.seed)
    except Exception as exc:  # one bad run must not stop the others
        return f"{type(exc).__name__}: {exc}"
    scale = task.level.scenario.workload.scale
    return _outcome(result, task.label, task.card, dict(task.assign), scale)


def run_tasks(
    tasks: Sequence[Task],
    runner: Runner | None = None,
    *,
    tick: Callable[[], None] | None = None,
    workers: int = 1,
) -> list[Outcome | str]:
    """Every task's outcome, in order. With the play path's runner (None) and `workers` > 1, the runs are
    spread over that many processes (each run is deterministic, so where it runs changes nothing)."""
    if workers > 1 and len(tasks) >= 8 and runner is None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # spawn, not fork: the parent may hold a progress bar's thread and its locks
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            results = []
            for outcome in pool.map(_run_task, tasks, chunksize=1):
                results.append(outcome)
                if tick:
                    tick()
            return results
    results = []
    for task in tasks:
        results.append(_run_task(task, runner))
        if tick:
            tick()
    return results


def dominated_by(outcomes: Sequence[Outcome], rivals: Sequence[Outcome] | None = None) -> dict[str, str]:
    """label -> the label of a rival no worse on every axis and better on at least one (Pareto dominance).
    `rivals` defaults to `outcomes`."""
    out: dict[str, str] = {}
    for a in outcomes:
        for b in outcomes if rivals is None else rivals:
            if a is not b and all(y <= x for x, y in zip(a.axes, b.axes, strict=True)) and b.axes != a.axes:
                out[a.label] = b.label
                break
    return out


def _card_lines(pack: Pack, level: LevelFile) -> tuple[str, KeyLines | None]:
    path = pack.path / f"{level.id}.toml"
    try:
        return str(path), KeyLines(path.read_text(encoding="utf-8-sig"))
    except OSError:
        return str(path), None


def design_warnings(
    pack: Pack,
    runner: Runner | None = None,
    *,
    shown: str | None = None,
    tick: Callable[[], None] | None = None,
    workers: int = 1,
) -> list[Problem]:
    """Warnings about a valid pack's design: a card dominated on every axis by another plain card of its
    level, a par that no card reaches, a card whose class its own run contradicts (see `class_warnings`).
    Runs every card once, with the level's seed."""
    tasks = [
        Task(level, card.id, None, dict(card.assign), card.id)
        for level in pack.levels
        for card in level.cards
    ]
    results = iter(run_tasks(tasks, runner, tick=tick, workers=workers))
    problems: list[Problem] = []
    for level in pack.levels:
        path, lines = _card_lines(pack, level)
        file = f"{shown.rstrip('/')}/{level.id}.toml" if shown else path

        def at(
            loc: tuple[str | int, ...], reason: str, lines: KeyLines | None = lines, file: str = file
        ) -> None:
            problems.append(
                Problem(file, field_path(loc), lines.line_of(loc) if lines else None, reason, "warning")
            )

        outcomes: list[Outcome] = []
        for i, card in enumerate(level.cards):
            result = next(results)
            if isinstance(result, str):  # a design check must never crash validation
                at(("cards", i), say("run_failed", card=card.id, detail=result))
            else:
                outcomes.append(result)
                for reason in class_warnings(card.class_, result):
                    at(("cards", i, "class"), reason)
        index = {card.id: i for i, card in enumerate(level.cards)}
        # A hybrid card is meant to beat the cards it combines: only plain cards count as rivals.
        plain = [o for o in outcomes if not o.assign]
        for card_id, by in dominated_by(outcomes, plain).items():
            at(("cards", index[card_id], "id"), say("dominated", card=card_id, by=by))
        if outcomes:
            best = max(outcomes, key=lambda o: o.score)
            par = level.scoring.stars[0]
            if best.score < par:
                reason = say("par_unreachable", par=_num(par), card=best.label, score=_num(best.score))
                if level.hybrid:
                    reason += say("par_unreachable_hybrid")
                at(("scoring", "stars", 0), reason)
    return problems


def class_warnings(card_class: str, outcome: Outcome) -> list[str]:
    """What a card's run in its own level says against its class. The class is a promise about behaviour
    (../shared/domain.md): a cp card never oversells and never reads stale; an ap card answers during a
    partition. A hybrid mixes both by data class and promises neither as a whole."""
    out = []
    if card_class == "cp" and (outcome.oversold or outcome.anomalies):
        out.append(
            say(
                "cp_not_consistent",
                card=outcome.label,
                oversold=outcome.oversold,
                anomalies=outcome.anomalies,
            )
        )
    if card_class == "ap" and outcome.refused_in_partition:
        out.append(say("ap_refuses", card=outcome.label, refused=outcome.refused_in_partition))
    return out


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


# ------------------------------------------------------------------------------------------------ solve
@dataclass
class Solution:
    level: str
    seed: int
    stars: tuple[float, float, float]
    outcomes: list[Outcome] = field(default_factory=list)
    assignments_total: int = 0
    assignments_run: int = 0
    sampled: bool = False
    failures: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "seed": self.seed,
            "stars": list(self.stars),
            "assignments_total": self.assignments_total,
            "assignments_run": self.assignments_run,
            "sampled": self.sampled,
            "runs": [o.to_json() for o in self.outcomes],
            "frontier": [o.label for o in self.outcomes if o.frontier],
            "failures": self.failures,
        }


def assignments(level: LevelFile, seed: int) -> tuple[int, list[dict[str, str]], bool]:
    """(how many assignments the level's [hybrid] allows, those to run, whether they are a sample)."""
    if level.hybrid is None:
        return 0, [], False
    classes = list(dict.fromkeys(level.hybrid.classes))
    options = list(dict.fromkeys(level.hybrid.cards))
    total = len(options) ** len(classes)
    if total <= MAX_ASSIGNMENTS:
        picks = itertools.product(options, repeat=len(classes))
        return total, [dict(zip(classes, p, strict=True)) for p in picks], False
    chosen = sorted(random.Random(seed).sample(range(total), MAX_ASSIGNMENTS))
    out = []
    for number in chosen:  # the number, written in base len(options), names one card per class
        pick = []
        for _ in classes:
            number, digit = divmod(number, len(options))
            pick.append(options[digit])
        out.append(dict(zip(classes, reversed(pick), strict=True)))
    return total, out, True


def solve_tasks(level: LevelFile, seed: int | None = None) -> tuple[Solution, list[Task]]:
    """The empty solution of a level and the runs that fill it: every card, then every hybrid assignment
    (or a seeded sample of them)."""
    used_seed = level.seed if seed is None else seed
    total, picks, sampled = assignments(level, used_seed)
    solution = Solution(level.id, used_seed, level.scoring.stars, [], total, len(picks), sampled)
    tasks = [Task(level, card.id, used_seed, dict(card.assign), card.id) for card in level.cards]
    for assign in picks:
        label = " ".join(f"{k}={v}" for k, v in assign.items())
        tasks.append(Task(level, None, used_seed, assign, label))
    return solution, tasks


def finish_solution(solution: Solution, tasks: Sequence[Task], results: Sequence[Outcome | str]) -> Solution:
    """Fill a solution with its runs' results and mark the Pareto frontier of oversold units against p99."""
    from capquest.scoring import pareto_frontier

    for task, result in zip(tasks, results, strict=True):
        if isinstance(result, str):
            solution.failures.append(f"{task.label}: {result}")
        else:
            solution.outcomes.append(result)
    front = set(pareto_frontier([(o.oversold, o.p99_ms) for o in solution.outcomes]))
    solution.outcomes = [
        Outcome(**{**o.__dict__, "frontier": i in front}) for i, o in enumerate(solution.outcomes)
    ]
    return solution


def solve_levels(
    levels: Sequence[LevelFile],
    runner: Runner | None = None,
    *,
    seed: int | None = None,
    tick: Callable[[], None] | None = None,
    workers: int = 1,
) -> list[Solution]:
    """`solve_level` for several levels, their runs spread over `workers` processes together."""
    plans = [solve_tasks(level, seed) for level in levels]
    every = [task for _, tasks in plans for task in tasks]
    results = run_tasks(every, runner, tick=tick, workers=workers)
    out, start = [], 0
    for solution, tasks in plans:
        out.append(finish_solution(solution, tasks, results[start : start + len(tasks)]))
        start += len(tasks)
    return out


def solve_level(
    level: LevelFile,
    runner: Runner | None = None,
    *,
    seed: int | None = None,
    tick: Callable[[], None] | None = None,
) -> Solution:
    """Run every card, then every hybrid assignment (or a seeded sample of them), and mark the Pareto
    frontier of oversold units against p99 latency."""
    return solve_levels([level], runner, seed=seed, tick=tick)[0]


def runs_needed(level: LevelFile) -> int:
    """How many runs `solve_level` makes (for a progress bar)."""
    if level.hybrid is None:
        return len(level.cards)
    total = len(set(level.hybrid.cards)) ** len(set(level.hybrid.classes))
    return len(level.cards) + min(total, MAX_ASSIGNMENTS)
