"""A class folder, as `capquest serve` keeps it: one sub-folder per student, named after them.

    <class-dir>/<name>/progress.msgpack     the student's progress: the same store as a local player's
    <class-dir>/<name>/progress.msgpack.bak (and the store's other files, see `capquest.saves.paths`)
    <class-dir>/<name>/session.lock         held (an OS file lock) while the student's session runs

A student is known by the name typed on the first screen; the name is not a password (anyone who types
it continues that student's progress). It is made safe for a file name here, so nothing typed in a
browser can name another path on the server. The lock is the OS's: it is released when the session's
process ends, however it ends, so a crashed session never keeps a name taken.

`capquest report CLASS-DIR` reads each student's progress as that student's export
(`served_progress_files`, `read_served_progress`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from capquest.errors import StudentNameError
from capquest.saves import paths

if TYPE_CHECKING:
    from capquest.saves.model import Export

SESSION_LOCK = "session.lock"
NAME_MAX = 40  # characters of a student's folder name
# Names Windows refuses as file names, whatever the extension ("." and ".." lose their dots anyway).
_DEVICE_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def student_folder_name(typed: str) -> str:
    """The folder name for a typed name: letters (any script, with their marks), digits, '-', '_' and '.' kept, spaces
    become '-', anything else dropped, no leading dot or dash, at most NAME_MAX characters.
    Raises StudentNameError("empty") when nothing is left, ("reserved") for a name the file system reserves."""
    text = unicodedata.normalize("NFC", typed or "")
    text = re.sub(r"\s+", "-", text.strip())
    # Marks too (category M): many scripts write a syllable as a letter plus a combining vowel sign.
    kept = "".join(ch for ch in text if ch.isalnum() or ch in "-_." or unicodedata.category(ch)[0] == "M")
    kept = re.sub(r"-{2,}", "-", kept).lstrip(".-")[:NAME_MAX].rstrip(".-")  # Windows drops a trailing dot
    if not any(ch.isalnum() for ch in kept):  # a name needs a letter or digit ("-", "_", a lone mark: no)
        raise StudentNameError("empty", typed)
    stem = kept.split(".", 1)[0].casefold()
    if stem in _DEVICE_NAMES:
        raise StudentNameError("reserved", kept)
    return kept


@dataclass
class StudentSession:
    """A signed-in student: their name, their progress folder, and the lock that marks the name live."""

    name: str
    home: Path
    _lock: Any = field(default=None, repr=False)  # a held filelock.FileLock

    @property
    def active(self) -> bool:
        return self._lock is not None

    def close(self) -> None:
        """Free the name (the process ending frees it too)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None


class ClassFolder:
    """The students of one served class, each in their own folder under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def folder_for(self, name: str) -> Path:
        """Where `name` (already a folder name) keeps progress: an existing folder that differs only by
        case is the same student (Kim and kim), so a file system that ignores case agrees with one that
        does not."""
        wanted = name.casefold()
        try:
            for entry in sorted(self.root.iterdir()):
                if entry.is_dir() and entry.name.casefold() == wanted:
                    return entry
        except OSError:
            pass
        return self.root / name

    def sign_in(self, typed: str) -> StudentSession:
        """The typed name's session, its folder created and its lock taken. Raises StudentNameError: "empty",
        "reserved", "in_use" (a live session has it), "unavailable" (the folder cannot be written)."""
        from filelock import FileLock, Timeout

        name = student_folder_name(typed)
        home = self.folder_for(name)
        try:
            home.mkdir(parents=True, exist_ok=True)
            if home.resolve().parent != self.root.resolve():  # a link planted in the class folder
                raise StudentNameError("reserved", name)
            lock = FileLock(home / SESSION_LOCK)
            lock.acquire(timeout=0)  # flock on POSIX, msvcrt on Windows: the OS frees it with the process
        except StudentNameError:
            raise
        except Timeout:
            raise StudentNameError("in_use", home.name) from None
        except (OSError, NotImplementedError):
            raise StudentNameError("unavailable", name) from None
        return StudentSession(home.name, home, lock)

    def students(self) -> list[Path]:
        """Each student's progress file, by folder name (folders without one are not students yet)."""
        return served_progress_files(self.root)


def is_student_folder(folder: Path) -> bool:
    """A folder `capquest serve` made for a student (it signed in there, so it has a session lock)."""
    return (folder / SESSION_LOCK).is_file()


def served_progress_files(folder: Path) -> list[Path]:
    """`<folder>/<name>/progress.msgpack` for each student of a served class folder, sorted by name; or
    `<folder>/progress.msgpack` when `folder` is one student's own folder."""
    if is_student_folder(folder):
        return [folder / paths.PROGRESS] if (folder / paths.PROGRESS).is_file() else []
    try:
        entries = sorted(folder.iterdir(), key=lambda p: (p.name.casefold(), p.name))
    except OSError:
        return []
    return [
        entry / paths.PROGRESS
        for entry in entries
        if is_student_folder(entry) and (entry / paths.PROGRESS).is_file()
    ]


def is_served_progress(path: Path) -> bool:
    """A student's progress file in a class folder (read as that student's export by the report); a
    progress file handed in among exports is not one (the report says it is the wrong kind of file)."""
    return path.name == paths.PROGRESS and is_student_folder(path.parent)


def read_served_progress(path: Path) -> Export:
    """A student's progress file read as the export they would hand in, named after their folder.
    Raises OSError, or SaveFormatError for a damaged file (the report lists it, as a broken export)."""
    from capquest.saves.export import build_export
    from capquest.saves.store import read_progress

    progress, _ = read_progress(path)
    return build_export(progress, path.parent.name)


def class_students(folder: Path) -> Iterator[tuple[Path, Export]]:
    """Each student of a served class folder as (progress file, export); a damaged file raises when
    reached (SaveFormatError or OSError), so a caller that lists broken files reads them one by one."""
    for path in served_progress_files(folder):
        yield path, read_served_progress(path)


def collect_files(items: Iterable[Path]) -> list[Path]:
    """The report's input, found in one place: the files named, and in each folder named, its export files
    (`*.capquest`, `*.msgpack`, not hidden ones, sorted by name) and, in a class folder `capquest serve`
    keeps, each student's progress file (read as their export). Without repeats. Only names are listed
    here: each file is looked at (regular file, size) when it is read, and a missing one is reported with
    the others still read."""
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
                    if p.suffix in (paths.EXPORT_SUFFIX, ".msgpack") and not p.name.startswith(".")
                )
            )
        else:
            found.append(item)
    return list(dict.fromkeys(found))
