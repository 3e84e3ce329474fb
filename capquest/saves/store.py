"""The progress store: the one object the game uses to read and save progress.

    store = ProgressStore()                 # CAPQUEST_HOME, else the per-user data folder
    report = store.load()                   # report.progress, report.notices (tell the player each one)
    store.record_run("campaign", "flash-sale", card="cp-lock", assign={}, seed=1, score=812.5, stars=2,
                     passed=True, digest="...")
    store.set_setting("language", "ko")
    store.take_notices()                    # anything that happened while saving (damaged file, disk full)

Every change is saved at once. Saving never loses another copy's progress: under an advisory lock on
`progress.lock`, it re-reads the file on disk, applies this copy's changes *as operations* (one more attempt,
a run that may beat the best score, a setting) and writes the result. Replaying operations rather than
merging whole states is what keeps attempts from being counted twice.

A write goes to a temporary file in the same folder (flush + fsync), the current file becomes
`progress.msgpack.bak`, and `os.replace` puts the new one in place, so a crash leaves either the old or the
new file, never half of one. A file that fails to read is renamed aside (`progress.corrupt-<n>.msgpack`,
never overwritten or deleted); the backup is tried next; the player is told which happened.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from capquest.engine.version import ENGINE_VERSION
from capquest.errors import SaveFormatError
from capquest.saves import paths
from capquest.saves.envelope import (
    FORMAT_VERSION,
    decode,
    describe_validation_error,
    encode,
    read_save_bytes,
)
from capquest.saves.model import (
    IDENT_PATTERN,
    MAX_CONCEPTS,
    MAX_LEVELS,
    MAX_PACKS,
    BestRun,
    LevelProgress,
    PackProgress,
    Progress,
    Settings,
    TutorialPosition,
)
from capquest.untrusted import printable

NoticeKind = Literal["damaged", "restored", "upgraded", "save_failed", "read_failed", "limit"]
Recovery = Literal["backup", "fresh", "memory", ""]


@dataclass(frozen=True)
class Notice:
    """Something the player must be told about their progress file.

    kind "damaged": `path` failed to read (`reason`, `detail`), it was kept as `kept_as` (or, `not_moved`,
    left where it was: a read-only folder), and progress was recovered from `recovered` ("backup": the
    .bak; "fresh": nothing usable, a fresh start; "memory": the game's current progress was saved in its
    place). "restored": `path` was missing and its backup `kept_as` was restored. "upgraded": an older format was upgraded, the old
    file kept as `kept_as`. "save_failed" / "read_failed": the disk refused (`detail`); nothing was lost
    yet, the next change tries again."""

    kind: NoticeKind
    path: Path
    kept_as: Path | None = None
    reason: str = ""  # a SaveFormatError reason ("bad_checksum", "newer_version"...) for "damaged"
    detail: str = ""  # technical, in English: for the curious and for bug reports
    recovered: Recovery = ""
    backup_kept_as: Path | None = None  # the .bak, if it was damaged too
    not_moved: bool = False  # "damaged": the folder refused to set the file aside; it is where it was
    what: str = ""  # "limit": packs, levels or concepts
    limit: int = 0

    def message(self, lang: str | None = None) -> str:
        """The sentence to show the player, in the current (or given) language (escaped: it names paths)."""
        return printable(self._message(lang))

    def _message(self, lang: str | None) -> str:
        from capquest.i18n import t

        kept = str(self.kept_as) if self.kept_as else ""
        if self.kind == "damaged":
            reason = t(f"saves.reason_{self.reason}", lang)
            key = f"saves.damaged_{self.recovered}" + ("_not_moved" if self.not_moved else "")
            text = t(key, lang, path=str(self.path), kept_as=kept, reason=reason)
            if self.backup_kept_as:
                text += " " + t("saves.backup_damaged_too", lang, kept_as=str(self.backup_kept_as))
            return text
        if self.kind == "limit":
            return t(f"saves.limit_{self.what}", lang, path=str(self.path), limit=self.limit)
        return t(f"saves.{self.kind}", lang, path=str(self.path), kept_as=kept, detail=self.detail)


@dataclass(frozen=True)
class LoadReport:
    progress: Progress
    notices: tuple[Notice, ...] = ()


@dataclass(frozen=True)
class RunRecorded:
    level: LevelProgress  # the level's progress after the save
    new_best: bool  # the run beat the best score this copy knew of (or was the first)


# ------------------------------------------------------------------------------------------ operations
# A change is kept as an operation until it is saved, then replayed on whatever is on disk at that moment.


class LimitReached(ValueError):
    """A change that would take the progress file past one of its limits (`capquest.saves.model`): it
    is refused, so the store never writes a file it would then refuse to read."""

    def __init__(self, what: Literal["packs", "levels", "concepts"], limit: int) -> None:
        super().__init__(f"a progress file keeps at most {limit} {what}")
        self.what = what
        self.limit = limit


def _room_for_pack(progress: Progress, pack_id: str) -> None:
    if pack_id not in progress.packs and len(progress.packs) >= MAX_PACKS:
        raise LimitReached("packs", MAX_PACKS)


def _room_for_level(progress: Progress, pack_id: str, level_id: str) -> None:
    _room_for_pack(progress, pack_id)
    pack = progress.packs.get(pack_id)
    if pack is None:
        return
    if (level_id not in pack.levels and len(pack.levels) >= MAX_LEVELS) or (
        level_id not in pack.unlocked and len(pack.unlocked) >= MAX_LEVELS
    ):
        raise LimitReached("levels", MAX_LEVELS)


@dataclass(frozen=True)
class _RecordRun:
    pack_id: str
    level_id: str
    run: BestRun
    stars: int
    passed: bool

    def apply(self, progress: Progress) -> None:
        _room_for_level(progress, self.pack_id, self.level_id)  # before anything changes
        pack = progress.packs.setdefault(self.pack_id, PackProgress())
        level = pack.levels.setdefault(self.level_id, LevelProgress())
        level.attempts += 1
        level.stars = max(level.stars, self.stars)
        level.passed = level.passed or self.passed
        if level.best_score is None or self.run.score > level.best_score:
            level.best_score = self.run.score
            level.best_run = self.run
        if self.level_id not in pack.unlocked:  # a level played is a level unlocked
            pack.unlocked.append(self.level_id)


@dataclass(frozen=True)
class _Unlock:
    pack_id: str
    level_id: str

    def apply(self, progress: Progress) -> None:
        _room_for_level(progress, self.pack_id, self.level_id)
        pack = progress.packs.setdefault(self.pack_id, PackProgress())
        if self.level_id not in pack.unlocked:
            pack.unlocked.append(self.level_id)


@dataclass(frozen=True)
class _SetSetting:
    key: str
    value: Any

    def apply(self, progress: Progress) -> None:
        setattr(progress.settings, self.key, self.value)


@dataclass(frozen=True)
class _SetTutorial:
    position: TutorialPosition | None

    def apply(self, progress: Progress) -> None:
        progress.tutorial = self.position


@dataclass(frozen=True)
class _SeeConcept:
    concept_id: str

    def apply(self, progress: Progress) -> None:
        if self.concept_id not in progress.concepts_seen:
            if len(progress.concepts_seen) >= MAX_CONCEPTS:
                raise LimitReached("concepts", MAX_CONCEPTS)
            progress.concepts_seen.append(self.concept_id)


_Op = _RecordRun | _Unlock | _SetSetting | _SetTutorial | _SeeConcept


# ------------------------------------------------------------------------------------------ file helpers


LOCK_WAIT_S = 10.0  # another copy holds the lock for the milliseconds of one save; past this, it is stuck


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[bool]:
    """An exclusive lock on `path` for the block (filelock: flock on POSIX, msvcrt on Windows); yields
    whether it is held. If another copy holds it past LOCK_WAIT_S, or the folder or filesystem cannot lock
    (read-only, no lock support), the block runs unlocked rather than freeze the game: the write is still
    atomic, and one copy at a time still works."""
    from filelock import FileLock, Timeout

    lock = FileLock(path, timeout=LOCK_WAIT_S)
    try:
        lock.acquire()
        held = True
    except (Timeout, OSError, NotImplementedError):
        held = False
    try:
        yield held
    finally:
        if held:
            lock.release()


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open a directory, and does not need to.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _unique_temp(folder: Path, stem: str) -> Path:
    return folder / f".{stem}-{os.getpid()}-{uuid.uuid4().hex[:12]}.tmp"


def _keep_as_backup(path: Path, backup: Path) -> None:
    """Make `backup` a copy of `path` without a moment where `path` is missing."""
    temp = _unique_temp(path.parent, "backup")
    try:
        os.link(path, temp)
    except OSError:  # no hard links here (some filesystems): copy instead
        shutil.copyfile(path, temp)
    try:
        os.replace(temp, backup)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def write_atomic(path: Path, data: bytes, *, backup: Path | None = None) -> None:
    """Write `data` to `path` so that a crash leaves the old or the new file, whole. With `backup`, the
    file being replaced is kept there."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if backup is not None and path.exists():
            _keep_as_backup(path, backup)
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _fsync_dir(folder)


def move_aside(path: Path, pattern: str, **fields: object) -> Path:
    """Rename `path` to the first free `pattern` name in its folder; never overwrites a file."""
    while True:
        target = paths.numbered(path.parent, pattern, **fields)
        try:
            os.link(path, target)  # fails if `target` appeared meanwhile, unlike a rename
        except FileExistsError:
            continue
        except OSError:
            if target.exists():
                continue
            os.rename(path, target)
            return target
        os.unlink(path)
        return target


def _try_move_aside(path: Path) -> Path | None:
    """`move_aside` to the corrupt-file pattern, or None when the folder refuses (read-only)."""
    try:
        return move_aside(path, paths.CORRUPT_PATTERN)
    except OSError:
        return None


def copy_aside(path: Path, pattern: str, **fields: object) -> Path:
    """Copy `path` to the first free `pattern` name in its folder; never overwrites a file."""
    while True:
        target = paths.numbered(path.parent, pattern, **fields)
        try:
            with open(path, "rb") as src, open(target, "xb") as dst:
                shutil.copyfileobj(src, dst)
                dst.flush()
                os.fsync(dst.fileno())
            return target
        except FileExistsError:
            continue


def read_progress(path: Path) -> tuple[Progress, int]:
    """The progress in `path` and the format version it was written in. Raises FileNotFoundError,
    OSError, or SaveFormatError (bad magic, checksum, truncation, types, newer version...)."""
    return progress_from_bytes(read_save_bytes(path))


def progress_from_bytes(data: bytes) -> tuple[Progress, int]:
    """The progress in `data` and its format version; SaveFormatError for anything else."""
    decoded = decode(data, "progress")
    try:
        return Progress.model_validate(decoded.payload), decoded.format
    except ValidationError as exc:
        raise SaveFormatError("bad_content", describe_validation_error(exc)) from None


def encode_progress(progress: Progress) -> bytes:
    return encode("progress", progress.model_dump(mode="python"))


# ------------------------------------------------------------------------------------------ the store


@dataclass
class _State:
    base: Progress = field(default_factory=Progress)  # as last read from or written to disk
    pending: list[_Op] = field(default_factory=list)  # changes not yet on disk
    view: Progress = field(default_factory=Progress)  # base + pending: what the player sees


class ProgressStore:
    """The player's progress and settings, saved at once on every change (see the module docstring)."""

    def __init__(self, home: Path | None = None) -> None:
        self.home = Path(home) if home is not None else paths.data_dir()
        self.path = self.home / paths.PROGRESS
        self.backup_path = self.home / paths.BACKUP
        self._lock_path = self.home / paths.LOCK
        self._state = _State()
        self._notices: list[Notice] = []
        self._loaded = False
        self._mutex = threading.RLock()  # the file lock is per process; this one is for worker threads

    # ---------------------------------------------------------------------------------------- reading
    def load(self) -> LoadReport:
        """Read the progress file, recovering from a damaged one (set aside, then the backup, then a fresh
        start). The notices say what happened; show each to the player."""
        with self._mutex:
            notices: list[Notice] = []
            try:
                self.home.mkdir(parents=True, exist_ok=True)
                with _file_lock(self._lock_path) as locked:
                    if locked:  # no other copy is writing now, so a temporary file is a crash's leftover
                        self._remove_leftovers()
                    progress = self._load_locked(notices)
            except OSError as exc:
                notices.append(Notice("read_failed", self.path, detail=str(exc)))
                progress = Progress()
            pending = self._state.pending  # changes a failed save still owes survive a reload
            view = progress.model_copy(deep=True)
            for op in pending:
                op.apply(view)
            self._state = _State(base=progress, pending=pending, view=view)
            self._loaded = True
            return LoadReport(progress=view.model_copy(deep=True), notices=tuple(notices))

    def _remove_leftovers(self) -> None:
        for pattern in (f".{paths.PROGRESS}-*.tmp", ".backup-*.tmp"):
            for leftover in self.home.glob(pattern):
                with contextlib.suppress(OSError):
                    leftover.unlink()

    def _load_locked(self, notices: list[Notice]) -> Progress:
        try:
            progress, version = read_progress(self.path)
        except FileNotFoundError:
            return self._restore_missing(notices)
        except SaveFormatError as exc:
            return self._recover_damaged(exc, notices)
        if version < FORMAT_VERSION:
            kept = copy_aside(self.path, paths.OLD_FORMAT_PATTERN, version=version)
            with contextlib.suppress(OSError):  # the old file still loads (and upgrades) next time
                write_atomic(self.path, encode_progress(progress), backup=self.backup_path)
            notices.append(
                Notice("upgraded", self.path, kept, detail=f"format {version} -> {FORMAT_VERSION}")
            )
        return progress

    def _restore_missing(self, notices: list[Notice]) -> Progress:
        """No progress file. With a good backup beside it, this is what a crash leaves between setting a
        damaged file aside and restoring the backup (or a file deleted by hand): restore the backup, and
        say so. Starting fresh instead would overwrite that backup two saves later."""
        try:
            progress, _ = read_progress(self.backup_path)
        except FileNotFoundError:
            return Progress()
        except SaveFormatError as exc:  # no file and a damaged backup: set the backup aside, start fresh
            kept = _try_move_aside(self.backup_path)
            notices.append(
                Notice(
                    "damaged", self.backup_path, kept, exc.reason, exc.detail, "fresh", not_moved=kept is None
                )
            )
            return Progress()
        except OSError:
            return Progress()
        notices.append(Notice("restored", self.path, self.backup_path))
        with contextlib.suppress(OSError):  # a read-only folder: the backup's progress is still shown
            write_atomic(self.path, encode_progress(progress))
        return progress

    def _recover_damaged(self, exc: SaveFormatError, notices: list[Notice]) -> Progress:
        """A progress file that fails to read: set it aside (when the folder lets us), then the backup,
        then a fresh start. A read-only folder still shows the backup's progress."""
        kept = _try_move_aside(self.path)
        recovered: Recovery = "fresh"
        backup_kept: Path | None = None
        progress = Progress()
        try:
            progress, _ = read_progress(self.backup_path)
            recovered = "backup"
        except SaveFormatError:
            backup_kept = _try_move_aside(self.backup_path)
        except OSError:  # no backup, or one the disk refuses: a fresh start
            pass
        notices.append(
            Notice(
                "damaged",
                self.path,
                kept,
                exc.reason,
                exc.detail,
                recovered,
                backup_kept,
                not_moved=kept is None,
            )
        )
        if recovered == "backup" and kept is not None:
            with contextlib.suppress(OSError):  # if the disk refuses, the next save writes it
                write_atomic(self.path, encode_progress(progress))
        return progress

    def _ensure_loaded(self) -> None:
        if not self._loaded:
            self._notices.extend(self.load().notices)

    @property
    def progress(self) -> Progress:
        """A copy of the current progress (changing it changes nothing: use the methods)."""
        with self._mutex:
            self._ensure_loaded()
            return self._state.view.model_copy(deep=True)

    @property
    def settings(self) -> Settings:
        return self.progress.settings

    def level(self, pack_id: str, level_id: str) -> LevelProgress:
        """A level's progress (all zero for a level never played)."""
        pack = self.progress.packs.get(pack_id)
        return pack.levels.get(level_id, LevelProgress()) if pack else LevelProgress()

    def is_unlocked(self, pack_id: str, level_id: str) -> bool:
        pack = self.progress.packs.get(pack_id)
        return bool(pack and level_id in pack.unlocked)

    def take_notices(self) -> list[Notice]:
        """Notices from saves since the last call (a damaged file met while saving, a full disk...)."""
        with self._mutex:
            taken, self._notices = self._notices, []
            return taken

    # ---------------------------------------------------------------------------------------- changes
    def record_run(
        self,
        pack_id: str,
        level_id: str,
        card: str | None,
        assign: Mapping[str, str] | None,
        seed: int,
        score: float,
        stars: int,
        passed: bool,
        digest: str,
        engine: int | None = None,
    ) -> RunRecorded:
        """Count an attempt; keep the run if it beats the best score; raise stars and passed; save.

        `card`, `assign` and `seed` must be what was passed to `capquest.play.run` (not `RunResult.card`,
        which says "custom" for an assignment; the seed may be `RunResult.seed`), and `digest` is
        `RunResult.outcome.digest`: `capquest report` re-simulates the best run from them. `engine` is the
        engine version that made the run (default: this one's)."""
        if engine is None:
            engine = ENGINE_VERSION
        run = BestRun(
            card=card, assign=dict(assign or {}), seed=seed, score=float(score), digest=digest, engine=engine
        )
        LevelProgress(stars=stars, passed=passed)  # validates them before anything is changed
        self._check_ids(pack_id, level_id)
        with self._mutex:
            before = self.level(pack_id, level_id)
            kept = self._change(_RecordRun(pack_id, level_id, run, stars, passed))
            new_best = kept and (before.best_score is None or run.score > before.best_score)
            return RunRecorded(level=self.level(pack_id, level_id), new_best=new_best)

    def unlock(self, pack_id: str, level_id: str) -> None:
        self._check_ids(pack_id, level_id)
        self._change(_Unlock(pack_id, level_id))

    def set_setting(self, key: str, value: Any) -> None:
        """Change one setting (a field of `Settings`); raises ValueError for an unknown key or bad value."""
        if key not in Settings.model_fields:
            raise ValueError(f"unknown setting {key!r}; settings are: {', '.join(Settings.model_fields)}")
        checked = Settings.model_validate({**Settings().model_dump(), key: value})
        self._change(_SetSetting(key, getattr(checked, key)))

    def set_tutorial_position(self, pack_id: str, level_id: str, step: int) -> None:
        self._change(_SetTutorial(TutorialPosition(pack_id=pack_id, level_id=level_id, step=step)))

    def clear_tutorial_position(self) -> None:
        self._change(_SetTutorial(None))

    def mark_concept_seen(self, concept_id: str) -> None:
        self._check_ids(concept_id)
        if concept_id not in self.progress.concepts_seen:
            self._change(_SeeConcept(concept_id))

    def reset(self) -> Path | None:
        """Start progress over (settings are kept). The old file is kept as `progress.reset-<n>.msgpack`,
        whose path is returned (None when there was no file yet)."""
        with self._mutex:
            self._ensure_loaded()
            settings_ops = [op for op in self._state.pending if isinstance(op, _SetSetting)]
            kept: Path | None = None
            self.home.mkdir(parents=True, exist_ok=True)
            with _file_lock(self._lock_path):
                settings = self._state.view.settings
                if self.path.exists():
                    with contextlib.suppress(SaveFormatError, OSError):
                        settings = read_progress(self.path)[0].settings  # another copy may have changed them
                    kept = move_aside(self.path, paths.RESET_PATTERN)
                fresh = Progress(settings=settings.model_copy(deep=True))
                for op in settings_ops:
                    op.apply(fresh)
                write_atomic(self.path, encode_progress(fresh))
            self._state = _State(base=fresh, pending=[], view=fresh.model_copy(deep=True))
            return kept

    # ---------------------------------------------------------------------------------------- saving
    @staticmethod
    def _check_ids(*ids: str) -> None:
        for ident in ids:
            if not isinstance(ident, str) or not re.fullmatch(IDENT_PATTERN, ident):
                raise ValueError(f"{ident!r} is not an id (lower-case letters, digits and '-', at most 48)")

    def _change(self, op: _Op) -> bool:
        """Apply and save `op`; False (with a "limit" notice) when it would pass a limit of the file."""
        with self._mutex:
            self._ensure_loaded()
            try:
                op.apply(self._state.view)  # refuses before changing anything when past a limit
            except LimitReached as exc:
                self._notices.append(Notice("limit", self.path, what=exc.what, limit=exc.limit))
                return False
            self._state.pending.append(op)
            self._save()
            return True

    def _save(self) -> None:
        state = self._state
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            with _file_lock(self._lock_path):
                merged = self._read_for_merge()
                for op in state.pending:
                    try:
                        op.apply(merged)
                    except LimitReached as exc:  # another copy filled the file meanwhile
                        self._notices.append(Notice("limit", self.path, what=exc.what, limit=exc.limit))
                write_atomic(self.path, encode_progress(merged), backup=self.backup_path)
        except OSError as exc:
            # Keep the changes pending: the game goes on, and the next change tries again.
            self._notices.append(Notice("save_failed", self.path, detail=str(exc)))
            return
        self._state = _State(base=merged, pending=[], view=merged.model_copy(deep=True))

    def _read_for_merge(self) -> Progress:
        """What is on disk now (another copy may have saved since); a damaged file is set aside and this
        copy's own last known progress is used instead."""
        try:
            return read_progress(self.path)[0]
        except FileNotFoundError:  # deleted while the game runs: what this copy knows is still progress
            return self._state.base.model_copy(deep=True)
        except SaveFormatError as exc:
            kept = move_aside(self.path, paths.CORRUPT_PATTERN)
            self._notices.append(Notice("damaged", self.path, kept, exc.reason, exc.detail, "memory"))
            return self._state.base.model_copy(deep=True)


class MemoryStore(ProgressStore):
    """The store's own rules (the same changes, checks, merge and reset) on progress kept in memory:
    nothing is read or written. For a game whose save folder cannot be opened (it plays on and says so),
    and for a game started without a save (tests build theirs on this)."""

    def __init__(self, progress: Progress | None = None, notices: tuple[Notice, ...] = ()) -> None:
        super().__init__(home=Path(os.devnull))  # never used: this store reads and writes no file
        start = progress.model_copy(deep=True) if progress is not None else Progress()
        self._state = _State(base=start, pending=[], view=start.model_copy(deep=True))
        self._start_notices = notices
        self._loaded = True

    def load(self) -> LoadReport:
        with self._mutex:
            return LoadReport(progress=self._state.view.model_copy(deep=True), notices=self._start_notices)

    def reset(self) -> Path | None:
        """Start over, keeping the settings (no file to keep aside: returns None)."""
        with self._mutex:
            fresh = Progress(settings=self._state.view.settings.model_copy(deep=True))
            self._state = _State(base=fresh, pending=[], view=fresh.model_copy(deep=True))
            return None

    def _save(self) -> None:
        merged = self._state.base.model_copy(deep=True)
        for op in self._state.pending:
            op.apply(merged)
        self._state = _State(base=merged, pending=[], view=merged.model_copy(deep=True))
