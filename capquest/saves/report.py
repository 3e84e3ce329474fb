"""A class report: read the students' export files and re-simulate each claimed best run.

Runs are deterministic (level + card + assignment + seed -> the same digest on any machine), so a best
run whose score or digest does not come out again was not played as claimed. Files that cannot be read
are listed with the reason, never raised. Headless: no rich, no Textual here (the command prints).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from capquest.errors import SaveFormatError
from capquest.saves import paths
from capquest.saves.classroom import (
    is_served_progress,
    is_student_folder,
    read_served_progress,
    served_progress_files,
)
from capquest.saves.export import read_export
from capquest.saves.model import BestRun, Export

CheckStatus = Literal["reproduced", "mismatch", "unverified", "no_run"]
SCORE_TOLERANCE = 0.005  # scores are rounded to 2 decimals


@dataclass(frozen=True)
class Replayed:
    """What re-simulating a run gave."""

    score: float
    digest: str
    stars: int


class CannotReplay(Exception):
    """The run cannot be checked here (its pack is not installed, the engine refused...): not a verdict."""


class NotReproducible(Exception):
    """The claimed run cannot have happened (its card is not in the level...)."""


# (pack id, level id, best run) -> what the run really gives; raises CannotReplay / NotReproducible.
Replay = Callable[[str, str, BestRun], Replayed]


@dataclass(frozen=True)
class Problem:
    """One reason a claim does not hold (or cannot be checked): an i18n key under `saves.` and its values."""

    key: str
    values: tuple[tuple[str, object], ...] = ()

    def message(self, lang: str | None = None) -> str:
        from capquest.i18n import t

        return t(f"saves.{self.key}", lang, **dict(self.values))


@dataclass(frozen=True)
class RunCheck:
    status: CheckStatus
    problems: tuple[Problem, ...] = ()
    reproduced: Replayed | None = None

    def detail(self, lang: str | None = None) -> str:
        return "; ".join(problem.message(lang) for problem in self.problems)


@dataclass(frozen=True)
class Row:
    student: str
    file: Path
    pack_id: str
    level_id: str
    stars: int
    attempts: int
    best_score: float | None
    passed: bool
    best_run: BestRun | None
    check: RunCheck


@dataclass(frozen=True)
class BrokenFile:
    path: Path
    reason: str  # a SaveFormatError reason, or "io" / "missing"
    detail: str


@dataclass
class ClassReport:
    rows: list[Row] = field(default_factory=list)
    broken: list[BrokenFile] = field(default_factory=list)
    files_read: list[Path] = field(default_factory=list)
    students: dict[str, list[Path]] = field(default_factory=dict)  # name -> the files they handed in

    @property
    def flagged(self) -> list[Row]:
        return [row for row in self.rows if row.check.status == "mismatch"]

    @property
    def ok(self) -> bool:
        return not self.flagged and not self.broken


def collect_files(items: Iterable[Path]) -> list[Path]:
    """The files named, and in each folder named, its export files (`*.capquest`, `*.msgpack`) and, in a
    class folder `capquest serve` keeps, each student's progress file (read as their export)."""
    found: list[Path] = []
    for item in items:
        if item.is_dir():
            found.extend(served_progress_files(item))
            if is_student_folder(item):
                continue  # the rest is that student's store: backups, files set aside
            found.extend(
                sorted(
                    p
                    for p in item.iterdir()
                    if p.is_file()
                    and p.suffix in (paths.EXPORT_SUFFIX, ".msgpack")
                    and not p.name.startswith(".")
                )
            )
        else:
            found.append(item)  # a missing file is reported per file, with the others still read
    return list(dict.fromkeys(found))


def check_run(
    pack_id: str, level_id: str, claimed_stars: int, run: BestRun | None, replay: Replay
) -> RunCheck:
    if run is None:
        if claimed_stars > 0:
            return RunCheck("mismatch", (Problem("check_stars_no_run", (("stars", claimed_stars),)),))
        return RunCheck("no_run")
    try:
        got = replay(pack_id, level_id, run)
    except NotReproducible as exc:
        return RunCheck("mismatch", (Problem("check_raw", (("text", str(exc)),)),))
    except CannotReplay as exc:
        return RunCheck("unverified", (Problem("check_raw", (("text", str(exc)),)),))
    problems = []
    if abs(got.score - run.score) > SCORE_TOLERANCE:
        problems.append(Problem("check_score", (("claimed", f"{run.score:g}"), ("got", f"{got.score:g}"))))
    if got.digest != run.digest:
        problems.append(Problem("check_digest", (("claimed", run.digest[:12]), ("got", got.digest[:12]))))
    if claimed_stars > got.stars:
        problems.append(Problem("check_stars", (("claimed", claimed_stars), ("got", got.stars))))
    return RunCheck("mismatch" if problems else "reproduced", tuple(problems), got)


def _memoized(replay: Replay) -> Replay:
    """The same run (pack, level, card, assignment, seed) is simulated once; its verdict, or the reason
    it could not be checked, is reused."""
    done: dict[tuple, Replayed | Exception] = {}

    def cached(pack_id: str, level_id: str, run: BestRun) -> Replayed:
        key = (pack_id, level_id, run.card, tuple(sorted(run.assign.items())), run.seed)
        if key not in done:
            try:
                done[key] = replay(pack_id, level_id, run)
            except (CannotReplay, NotReproducible) as exc:
                done[key] = exc
        got = done[key]
        if isinstance(got, Exception):
            raise got
        return got

    return cached


def _versions_differ(check: RunCheck, theirs: str | None, ours: str | None) -> RunCheck:
    """A run that does not reproduce on another version of its pack accuses no one: the pack changed."""
    if check.status != "mismatch" or theirs is None or ours is None or theirs == ours:
        return check
    version = Problem("check_version", (("theirs", theirs), ("ours", ours)))
    return RunCheck("unverified", (version, *check.problems), check.reproduced)


def build_report(
    files: Sequence[Path],
    replay: Replay,
    level_order: Callable[[str], Sequence[str]] | None = None,
    pack_version: Callable[[str], str | None] | None = None,
) -> ClassReport:
    """Read every file (a broken one is listed in `broken`), check every best run, sort the rows by
    student, then pack, then the pack's level order (when `level_order` knows it). With `pack_version`
    (the version of a pack here), a run that fails on a different version of its pack is "unverified"."""
    report = ClassReport()
    exports: list[tuple[Path, Export]] = []
    for path in files:
        try:
            exports.append(
                (path, read_served_progress(path) if is_served_progress(path) else read_export(path))
            )
        except FileNotFoundError:
            report.broken.append(BrokenFile(path, "missing", "no such file"))
        except SaveFormatError as exc:
            report.broken.append(BrokenFile(path, exc.reason, exc.detail))
        except OSError as exc:
            report.broken.append(BrokenFile(path, "io", exc.strerror or str(exc)))
        else:
            report.files_read.append(path)
    replay = _memoized(replay)  # a class often holds the same best run many times
    for path, export in exports:
        report.students.setdefault(export.student, []).append(path)
        for pack_id, levels in export.packs.items():
            for level_id, level in levels.items():
                run = level.best_run
                check = check_run(pack_id, level_id, level.stars, run, replay)
                if pack_version is not None:
                    check = _versions_differ(check, export.pack_versions.get(pack_id), pack_version(pack_id))
                report.rows.append(
                    Row(
                        export.student,
                        path,
                        pack_id,
                        level_id,
                        level.stars,
                        level.attempts,
                        level.best_score,
                        level.passed,
                        run,
                        check,
                    )
                )

    def order(row: Row) -> tuple:
        known = list(level_order(row.pack_id)) if level_order else []
        index = known.index(row.level_id) if row.level_id in known else len(known)
        return (row.student.casefold(), row.student, str(row.file), row.pack_id, index, row.level_id)

    report.rows.sort(key=order)
    return report


# ------------------------------------------------------------------------------------------ the real replay


def _given(pack: Any) -> Callable[[], Any]:
    """A pack source for one already loaded."""
    return lambda: pack


class PackReplay:
    """Re-simulates runs with `capquest.play.run` on the packs found here: the built-in campaign and the
    installed packs (`capquest.packs.installed_packs()`), by pack id, each loaded once when first needed."""

    def __init__(self, extra_packs: Sequence[Any] = ()) -> None:
        self._extra = list(extra_packs)
        self._sources: dict[str, Callable[[], Any]] | None = None
        self._loaded: dict[str, Any] = {}
        self._problems: dict[str, str] = {}

    def _find(self, pack_id: str) -> Any:
        if self._sources is None:
            self._sources = {}
            for pack in self._extra:
                self._sources.setdefault(pack.manifest.id, _given(pack))
            try:
                import capquest.packs as packs_module

                builtin = packs_module.builtin_pack()
                self._sources.setdefault(builtin.manifest.id, lambda: builtin)
                for installed in packs_module.installed_folders():
                    self._sources.setdefault(installed.id, installed.load)
            except Exception as exc:  # a broken install must not stop the report
                self._problems[""] = f"the level packs could not be loaded ({exc})"
        if pack_id not in self._loaded:
            source = self._sources.get(pack_id)
            try:
                self._loaded[pack_id] = source() if source else None
            except Exception as exc:  # an installed pack damaged since: say so, check the others
                self._loaded[pack_id] = None
                self._problems[pack_id] = f"pack {pack_id!r} could not be loaded ({exc})"
        return self._loaded[pack_id]

    def version(self, pack_id: str) -> str | None:
        pack = self._find(pack_id)
        return pack.manifest.version if pack else None

    def level_order(self, pack_id: str) -> Sequence[str]:
        pack = self._find(pack_id)
        return [level.id for level in pack.levels] if pack else []

    def __call__(self, pack_id: str, level_id: str, run: BestRun) -> Replayed:
        pack = self._find(pack_id)
        if pack is None:
            problem = self._problems.get(pack_id) or self._problems.get("")
            raise CannotReplay(
                problem
                or f"pack {pack_id!r} is not installed here: install it (capquest pack install FOLDER) "
                "or name its folder (capquest report --pack FOLDER ...)"
            )
        level = next((lv for lv in pack.levels if lv.id == level_id), None)
        if level is None:
            raise CannotReplay(
                f"pack {pack_id!r} has no level {level_id!r} here (another version of the pack?)"
            )
        try:
            from capquest import play
        except Exception as exc:  # a broken install: nothing can be checked, the report still prints
            raise CannotReplay(f"the simulator could not be loaded ({exc})") from None
        try:
            result = play.run(level, run.card, seed=run.seed, assign=run.assign or None)
        except play.StrategyError as exc:
            raise NotReproducible(str(exc)) from None
        except Exception as exc:  # the engine failing is this machine's problem, not the student's claim
            raise CannotReplay(f"the simulation failed ({type(exc).__name__}: {exc})") from None
        return Replayed(score=result.score.score, digest=result.outcome.digest, stars=result.score.stars)
