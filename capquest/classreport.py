"""A class report: every figure it shows comes from re-simulating the students' claimed best runs.

Runs are deterministic (level + card + assignment + seed -> the same digest on any machine), so the report
does not believe an export: it re-simulates each best run on the play path and shows the score, stars and
"passed" the run really gives. A claim that differs is flagged; a run that cannot be re-simulated here
(unknown pack, level or card, a simulation that fails) counts for nothing and is listed with its reason; a
run that does not reproduce but was made on another engine or pack version is "made on version X,
unverified" -- not called forged, but its figures stay out of the verified totals, because the version
is itself the student's claim.

Floor 2: it calls `capquest.play`. Reading the files (`capquest.saves.export`) stays on floor 1.
Headless: no rich, no Textual here (the command prints).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from capquest.engine.version import ENGINE_VERSION
from capquest.errors import SaveFormatError
from capquest.saves.classroom import is_served_progress, read_served_progress
from capquest.saves.export import read_export
from capquest.saves.model import BestRun, Export, ExportedLevel

# reproduced: re-simulated, every claim holds; mismatch: re-simulated, a claim does not hold (flagged);
# unverified: made on another version, or cannot be re-simulated here; no_run: nothing claimed to check.
CheckStatus = Literal["reproduced", "mismatch", "unverified", "no_run"]
SCORE_TOLERANCE = 0.005  # scores are rounded to 2 decimals


@dataclass(frozen=True)
class Replayed:
    """What re-simulating a run gave."""

    score: float
    digest: str
    stars: int
    passed: bool


@dataclass(frozen=True)
class Problem:
    """One reason a claim does not hold (or cannot be checked): an i18n key under `saves.` and its values."""

    key: str
    values: tuple[tuple[str, object], ...] = ()

    def message(self, lang: str | None = None) -> str:
        from capquest.i18n import t

        return t(f"saves.{self.key}", lang, **dict(self.values))


class CannotReplay(Exception):
    """The run cannot be re-simulated here (its pack or level is not here, the engine failed): it counts
    for nothing, and `problem` says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message("en"))
        self.problem = problem


class NotReproducible(Exception):
    """The claimed run cannot have happened here (its card is not in the level...)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message("en"))
        self.problem = problem


# (pack id, level id, best run) -> what the run really gives; raises CannotReplay / NotReproducible.
Replay = Callable[[str, str, BestRun], Replayed]


@dataclass(frozen=True)
class RunCheck:
    status: CheckStatus
    problems: tuple[Problem, ...] = ()
    reproduced: Replayed | None = None  # what the re-simulation gave, when it ran

    def detail(self, lang: str | None = None) -> str:
        return "; ".join(problem.message(lang) for problem in self.problems)


@dataclass(frozen=True)
class Row:
    """One student's level. `claimed` is what the file says; `stars`, `best_score` and `passed` are what
    the report shows: the re-simulation's figures when it ran, else the claim (then never verified)."""

    student: str
    file: Path
    pack_id: str
    level_id: str
    claimed: ExportedLevel
    check: RunCheck

    @property
    def best_run(self) -> BestRun | None:
        return self.claimed.best_run

    @property
    def attempts(self) -> int:  # cannot be re-simulated: always the student's claim, and shown as one
        return self.claimed.attempts

    @property
    def verified(self) -> bool:
        """Its figures count in the verified totals: the run reproduced and every claim holds."""
        return self.check.status == "reproduced"

    @property
    def stars(self) -> int:
        got = self.check.reproduced
        return got.stars if got else (0 if self.check.status == "no_run" else self.claimed.stars)

    @property
    def best_score(self) -> float | None:
        got = self.check.reproduced
        return got.score if got else (None if self.check.status == "no_run" else self.claimed.best_score)

    @property
    def passed(self) -> bool:
        got = self.check.reproduced
        return got.passed if got else (False if self.check.status == "no_run" else self.claimed.passed)


@dataclass(frozen=True)
class BrokenFile:
    path: Path
    reason: str  # a SaveFormatError reason, or "io" / "missing"
    detail: str


@dataclass(frozen=True)
class StudentTotals:
    """Per handed-in file: only verified rows count; `unverified` and `flagged` say how many did not."""

    levels_passed: int
    stars: int
    attempts: int  # claimed
    flagged: int
    unverified: int


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
    def unverified(self) -> list[Row]:
        return [row for row in self.rows if row.check.status == "unverified"]

    @property
    def ok(self) -> bool:
        return not self.flagged and not self.broken

    def totals(self, student: str, file: Path) -> StudentTotals:
        mine = [r for r in self.rows if r.student == student and r.file == file]
        verified = [r for r in mine if r.verified]
        return StudentTotals(
            levels_passed=sum(1 for r in verified if r.passed),
            stars=sum(r.stars for r in verified),
            attempts=sum(r.attempts for r in mine),
            flagged=sum(1 for r in mine if r.check.status == "mismatch"),
            unverified=sum(1 for r in mine if r.check.status == "unverified"),
        )


def _score(value: float) -> str:
    return f"{value:g}"


def _figures(level: ExportedLevel, got: Replayed) -> tuple[list[Problem], list[Problem], list[Problem]]:
    """What the file claims that the re-simulated run does not give, in three kinds: the run itself
    (score, digest), what a level's pack decides (stars, passed), and the file contradicting itself (a
    best score that is not its best run's: the store keeps them equal, so no honest file has one)."""
    run = level.best_run
    assert run is not None
    the_run: list[Problem] = []
    if abs(got.score - run.score) > SCORE_TOLERANCE:
        the_run.append(Problem("check_score", (("claimed", _score(run.score)), ("got", _score(got.score)))))
    if got.digest != run.digest:
        the_run.append(Problem("check_digest", (("claimed", run.digest[:12]), ("got", got.digest[:12]))))
    by_pack: list[Problem] = []
    if level.stars != got.stars:
        by_pack.append(Problem("check_stars", (("claimed", level.stars), ("got", got.stars))))
    if level.passed != got.passed:
        by_pack.append(Problem("check_passed" if level.passed else "check_not_passed"))
    itself: list[Problem] = []
    if level.best_score is None or abs(level.best_score - run.score) > SCORE_TOLERANCE:
        claimed = "-" if level.best_score is None else _score(level.best_score)
        itself.append(Problem("check_best_score", (("claimed", claimed), ("got", _score(got.score)))))
    return the_run, by_pack, itself


def _other_engine(run: BestRun) -> Problem | None:
    if run.engine == ENGINE_VERSION:
        return None
    made = "?" if run.engine is None else str(run.engine)
    return Problem("check_other_engine", (("theirs", made), ("ours", ENGINE_VERSION)))


def _other_pack(theirs: str | None, ours: str | None) -> Problem | None:
    if theirs is not None and ours is not None and theirs != ours:
        return Problem("check_version", (("theirs", theirs), ("ours", ours)))
    return None


def check_level(
    pack_id: str,
    level_id: str,
    level: ExportedLevel,
    replay: Replay,
    pack_version_theirs: str | None = None,
    pack_version_ours: str | None = None,
) -> RunCheck:
    """Re-simulate the level's best run and hold every claimed figure against it.

    A run that reproduces here is verified whatever version it claims to be made on. One that does not
    (or whose stars differ) is "unverified" when it claims another engine version (another pack version
    for stars and passed: the thresholds may have moved), else "mismatch". A file contradicting itself
    is always a mismatch."""
    run = level.best_run
    if run is None:
        problems = []
        if level.stars > 0:
            problems.append(Problem("check_stars_no_run", (("stars", level.stars),)))
        if level.passed:
            problems.append(Problem("check_passed_no_run"))
        if level.best_score is not None:
            problems.append(Problem("check_score_no_run", (("claimed", _score(level.best_score)),)))
        return RunCheck("mismatch", tuple(problems)) if problems else RunCheck("no_run")
    try:
        got = replay(pack_id, level_id, run)
    except NotReproducible as exc:
        return RunCheck("mismatch", (exc.problem,))
    except CannotReplay as exc:
        return RunCheck("unverified", (exc.problem,))
    the_run, by_pack, itself = _figures(level, got)
    claims = (*the_run, *by_pack, *itself)
    if not claims:
        return RunCheck("reproduced", (), got)
    if itself:
        return RunCheck("mismatch", claims, got)
    pack = _other_pack(pack_version_theirs, pack_version_ours)
    elsewhere = (_other_engine(run) or pack) if the_run else pack
    if elsewhere is not None:
        # Another engine or pack version may give another run: not called forged, not counted either.
        return RunCheck("unverified", (elsewhere, *claims), got)
    return RunCheck("mismatch", claims, got)


def _memoized(replay: Replay) -> Replay:
    """The same run (pack, level, card, assignment, seed) is simulated once; its verdict, or the reason
    it could not be checked, is reused."""
    done: dict[tuple[Any, ...], Replayed | Exception] = {}

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


def build_report(
    files: Sequence[Path],
    replay: Replay,
    level_order: Callable[[str], Sequence[str]] | None = None,
    pack_version: Callable[[str], str | None] | None = None,
) -> ClassReport:
    """Read every file (a broken one is listed in `broken`), check every level, sort the rows by student,
    then pack, then the pack's level order (when `level_order` knows it). `pack_version` is the version
    of a pack here: a run that does not reproduce on another version of its pack is "unverified"."""
    report = ClassReport()
    exports: list[tuple[Path, Export]] = []
    for path in files:
        try:
            served = is_served_progress(path)  # a class folder of `capquest serve`: progress as export
            exports.append((path, read_served_progress(path) if served else read_export(path)))
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
            theirs = export.pack_versions.get(pack_id)
            ours = pack_version(pack_id) if pack_version is not None else None
            for level_id, level in levels.items():
                check = check_level(pack_id, level_id, level, replay, theirs, ours)
                report.rows.append(Row(export.student, path, pack_id, level_id, level, check))

    def order(row: Row) -> tuple[Any, ...]:
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
        self._problems: dict[str, Problem] = {}

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
                self._problems[""] = Problem("cannot_packs", (("detail", str(exc)),))
        if pack_id not in self._loaded:
            source = self._sources.get(pack_id)
            try:
                self._loaded[pack_id] = source() if source else None
            except Exception:  # an installed pack damaged since: say so, check the others
                self._loaded[pack_id] = None
                self._problems[pack_id] = Problem("cannot_pack_damaged", (("pack", pack_id),))
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
            raise CannotReplay(problem or Problem("cannot_no_pack", (("pack", pack_id),)))
        level = next((lv for lv in pack.levels if lv.id == level_id), None)
        if level is None:
            raise CannotReplay(Problem("cannot_no_level", (("pack", pack_id), ("level", level_id))))
        try:
            from capquest import play
        except Exception as exc:  # a broken install: nothing can be checked, the report still prints
            raise CannotReplay(Problem("cannot_simulate", (("detail", str(exc)),))) from None
        try:
            result = play.run(level, run.card, seed=run.seed, assign=run.assign or None)
        except play.StrategyError as exc:
            raise NotReproducible(Problem("check_raw", (("text", str(exc)),))) from None
        except Exception as exc:  # the engine failing is this machine's problem, not the student's claim
            detail = f"{type(exc).__name__}: {exc}"
            raise CannotReplay(Problem("cannot_simulate", (("detail", detail),))) from None
        return Replayed(
            score=result.score.score,
            digest=result.outcome.digest,
            stars=result.score.stars,
            passed=result.score.passed,
        )
