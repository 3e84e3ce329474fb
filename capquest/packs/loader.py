"""Loading a pack folder: read every file, validate each, check across them, report every problem at once.

`check_pack` never raises: it returns what it could load and the list of problems. `load_pack` is the
strict form the game uses: a `Pack`, or `PackError` listing every error. Loads are cached in memory by
the folder and the size and modification time of its files, so a second load costs a few `stat` calls.
"""

from __future__ import annotations

import copy
import difflib
import math
import os
import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from capquest.errors import PackError, UnknownLevelError
from capquest.inputfiles import InputFileRefused, read_input
from capquest.packs import checks
from capquest.packs.messages import say
from capquest.packs.model import Chapter, Concept, ConceptsFile, LevelFile, Manifest
from capquest.packs.positions import KeyLines
from capquest.packs.problems import Problem, field_path, real_errors, shown_value, translate, type_at
from capquest.packs.shape import MAX_NESTING, too_deep
from capquest.untrusted import control_character, printable

MANIFEST = "pack.toml"
CONCEPTS = "concepts.toml"
MAX_FILE_BYTES = 256 * 1024  # per TOML file: far above any honest level, far below a memory problem
MAX_LEVELS = 60  # levels per pack (the manifest's `levels`)
RESERVED_IDS = frozenset({"campaign"})  # the built-in campaign's id: progress is kept per pack id


@dataclass(frozen=True)
class Pack:
    """A loaded, valid pack. `levels` are in unlock order (the manifest's `levels`)."""

    path: Path
    manifest: Manifest
    levels: tuple[LevelFile, ...]
    concepts: tuple[Concept, ...]
    chapters: tuple[Chapter, ...]
    warnings: tuple[Problem, ...] = field(default=(), compare=False)
    builtin: bool = False

    @property
    def id(self) -> str:
        return self.manifest.id

    def level(self, level_id: str) -> LevelFile:
        """The level `level_id`; `UnknownLevelError` (a LookupError) says which levels exist."""
        for level in self.levels:
            if level.id == level_id:
                return level
        known = [lv.id for lv in self.levels]
        close = difflib.get_close_matches(level_id, known, n=1, cutoff=0.6)
        hint = say("did_you_mean", hint=close[0]) if close else ""
        raise UnknownLevelError(
            say("unknown_level", pack=self.id, name=level_id, hint=hint, known=", ".join(known))
        )

    def concept(self, concept_id: str) -> Concept:
        for concept in self.concepts:
            if concept.id == concept_id:
                return concept
        raise LookupError(f"pack {self.id!r} has no concept {concept_id!r}")

    def chapter_levels(self, chapter_id: str) -> tuple[LevelFile, ...]:
        """The levels of one chapter, in unlock order."""
        return tuple(level for level in self.levels if level.chapter == chapter_id)


@dataclass
class PackReport:
    """What `check_pack` found: the pack when it has no errors, and every problem."""

    path: Path
    pack: Pack | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


class _Files:
    """Reads the TOML files of one pack, remembering their text for line numbers."""

    def __init__(self, folder: Path, shown: str) -> None:
        self.folder = folder
        self.shown = shown  # the folder as the user named it, for messages
        self.lines: dict[str, KeyLines] = {}
        self.problems: list[Problem] = []
        self.flagged: dict[str, set[str]] = {}  # per file, fields already refused by the checks on values

    def name(self, filename: str) -> str:
        return f"{self.shown.rstrip('/')}/{filename}" if self.shown else filename

    def read(self, filename: str) -> dict[str, Any] | None:
        shown = self.name(filename)
        path = self.folder / filename

        def refuse(reason: str, line: int | None = None) -> None:
            self.problems.append(Problem(shown, "", line, reason))

        try:
            if path.is_symlink():  # a link may lead anywhere; install would copy what it leads to
                if not path.resolve().is_relative_to(self.folder.resolve()):
                    refuse(say("link_outside", target=printable(os.readlink(path))))
                    return None
            # looked at before it is read: a pipe or /dev/zero never ends, a sparse file is huge
            raw = read_input(path, MAX_FILE_BYTES)
        except InputFileRefused as exc:
            if exc.refusal == "too_big":
                refuse(say("too_big", size=-(-exc.size // 1024), limit=MAX_FILE_BYTES // 1024))
            else:
                refuse(say("not_a_file"))
            return None
        except OSError as exc:
            refuse(say("unreadable", detail=exc.strerror or exc))
            return None
        try:
            # utf-8-sig: Windows Notepad may start a UTF-8 file with a byte-order mark; TOML forbids it,
            # but it is invisible in the editor, so it is dropped rather than reported as a syntax error.
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            refuse(say("not_utf8"))
            return None
        deep = too_deep(text)  # before the parser recurses into it
        if deep is not None:
            key = "too_deep" if deep.what == "nesting" else "key_too_long"
            refuse(say(key, limit=deep.limit), deep.line)
            return None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            found = _TOML_POSITION.search(str(exc))
            line = int(found.group(1)) if found else max(1, len(text.splitlines()))  # "at end of document"
            refuse(say("toml_syntax", detail=printable(str(exc))), line)
            return None
        except ValueError:  # an integer of more than 4,300 digits (Python's guard on slow conversions)
            long_number = re.search(rf"\d{{{sys.get_int_max_str_digits() + 1}}}", text)
            at = text.count("\n", 0, long_number.start()) + 1 if long_number else None
            refuse(say("number_too_long", digits=f"{sys.get_int_max_str_digits():,}"), at)
            return None
        except RecursionError:  # not reached within the limits above; a file must never be a traceback
            refuse(say("too_deep", limit=MAX_NESTING))
            return None
        self.lines[shown] = KeyLines(text)
        self._check_values(shown, data)
        return data

    def _check_values(self, shown: str, data: dict[str, Any]) -> None:
        """What no field may hold, whatever its type: a control character (a terminal obeys it) in a
        key or a text, and a number that is not finite (`inf`, `nan`)."""
        lines = self.lines.get(shown)
        for loc, value in _leaves(data, keys=True):
            reason = None
            if isinstance(value, str):
                char = control_character(value)
                if char is not None:
                    reason = say("control_character", char=ascii(char)[1:-1])
            elif isinstance(value, float) and not math.isfinite(value):
                reason = say("not_finite", got=str(value))
            if reason is not None:
                line = lines.line_of(loc) if lines else None
                self.problems.append(Problem(shown, printable(field_path(loc)), line, reason))
                self.flagged.setdefault(shown, set()).add(field_path(loc))

    def validate(self, filename: str, model: type[BaseModel], data: dict[str, Any]) -> Any:
        """The validated model, or None. When the only errors are unknown keys (typos), they are reported
        and the file is validated again without them, so the checks across fields still run on it: the
        pack stays invalid, but the author sees every problem in one pass."""
        shown = self.name(filename)
        for loc, value in _leaves(data):
            # pydantic's lax mode reads true as 1.0 and "5" as 5: in a pack, a number is written as one
            if isinstance(value, bool) or (isinstance(value, str) and _numeric(value)):
                expected = type_at(model, loc)
                if expected not in (int, float):
                    continue
                lines = self.lines.get(shown)
                line = lines.line_of(loc) if lines else None
                reason = say("whole_number" if expected is int else "number", got=shown_value(value))
                self.problems.append(Problem(shown, printable(field_path(loc)), line, reason))
                self.flagged.setdefault(shown, set()).add(field_path(loc))
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            said = self.flagged.get(shown, set())  # inf is also "over the limit": say it once
            translated = translate(exc, model, shown, self.lines.get(shown))
            self.problems.extend(p for p in translated if p.field not in said)
            errors = real_errors(exc)
            if not all(e["type"] in _UNKNOWN_KEY for e in errors):
                return None
            pruned = copy.deepcopy(data)
            for error in errors:
                _delete(pruned, error["loc"])
            try:
                return model.model_validate(pruned)
            except ValidationError:
                return None


_UNKNOWN_KEY = ("extra_forbidden", "unexpected_keyword_argument")


Loc = tuple[str | int, ...]


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _leaves(data: Any, loc: Loc = (), *, keys: bool = False) -> Iterator[tuple[Loc, Any]]:
    """Every value that is not a table or an array, with its location; with `keys`, every key too (at
    its own location). The nesting was bounded before parsing, so the recursion is too."""
    if isinstance(data, dict):
        for key, value in data.items():
            if keys:
                yield (*loc, key), key
            yield from _leaves(value, (*loc, key), keys=keys)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _leaves(value, (*loc, i), keys=keys)
    else:
        yield loc, data


def _delete(data: Any, loc: tuple[str | int, ...]) -> None:
    for part in loc[:-1]:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return
    if isinstance(data, dict):
        data.pop(loc[-1], None)


def _folder(path: Path) -> Path:
    """The pack folder: `path` itself, or the folder of a file in it (pack.toml or one of its levels)."""
    return path.parent if path.is_file() and path.suffix == ".toml" else path


def check_pack(path: str | Path, *, builtin: bool = False) -> PackReport:
    """Load and validate the pack at `path` (its folder, or its pack.toml). Never raises for a bad pack.

    `builtin` holds the pack to the campaign's standard: every text in every declared language."""
    folder = _folder(Path(path))
    shown = str(folder)
    if folder.is_absolute():  # say "levels/campaign/03.toml" rather than the whole absolute path
        try:
            shown = str(folder.relative_to(Path.cwd()))
        except ValueError:
            pass
    files = _Files(folder, shown)
    if not (folder / MANIFEST).is_file():
        return PackReport(folder, None, [Problem(files.name(MANIFEST), "", None, say("no_manifest"))])

    manifest_data = files.read(MANIFEST)
    manifest: Manifest | None = None
    if manifest_data is not None:
        manifest = files.validate(MANIFEST, Manifest, manifest_data)

    concepts = ConceptsFile()
    concepts_ok = True
    if (folder / CONCEPTS).is_file():
        data = files.read(CONCEPTS)
        loaded = files.validate(CONCEPTS, ConceptsFile, data) if data is not None else None
        concepts_ok = loaded is not None
        concepts = loaded or concepts

    # Which level files to read: the manifest's list, else (a broken manifest) what it seems to list,
    # else every .toml in the folder, so one broken file never hides the problems of the others.
    present = sorted(p.name for p in folder.glob("*.toml") if p.name not in (MANIFEST, CONCEPTS))
    listed = (manifest_data or {}).get("levels")
    if manifest is not None:
        listed = list(manifest.levels)
    elif not (isinstance(listed, list) and all(isinstance(x, str) for x in listed)):
        listed = [name.removesuffix(".toml") for name in present]
    wanted = list(dict.fromkeys(listed))
    if len(wanted) > MAX_LEVELS:
        # 10,000 listed: the manifest's own error says how many; reading (and hinting at) every missing
        # file took 20 s, so only the first ones that exist are read.
        wanted = [i for i in wanted[:MAX_LEVELS] if f"{i}.toml" in present]

    report = checks.Reporter(files.lines)
    levels: dict[str, LevelFile] = {}
    all_read = True
    for level_id in wanted:
        filename = f"{level_id}.toml"
        if filename not in present:
            index = listed.index(level_id)
            hint = difflib.get_close_matches(filename, present, n=1, cutoff=0.6)
            reason = say("missing_level_file", id=level_id, file=filename)
            if hint:
                reason += say("did_you_mean", hint=hint[0])
            report.add(files.name(MANIFEST), ("levels", index), reason)
            all_read = False
            continue
        data = files.read(filename)
        level = files.validate(filename, LevelFile, data) if data is not None else None
        if level is None:
            all_read = False
        else:
            levels[level_id] = level
    if manifest is not None:
        for name in present:
            if name.removesuffix(".toml") not in manifest.levels:
                report.add(files.name(name), (), say("unlisted_file", file=name), "warning")

    # Checks across files, on whatever loaded.
    if manifest is not None:
        checks.check_manifest(report, files.name(MANIFEST), manifest)
        if manifest.id in RESERVED_IDS and not _is_builtin_folder(folder):  # it would never install
            report.add(files.name(MANIFEST), ("id",), say("reserved_id", id=manifest.id))
        checks.check_texts(report, files.name(MANIFEST), manifest, manifest.languages, strict=builtin)
    languages = manifest.languages if manifest is not None else ()
    chapter_ids = [c.id for c in manifest.chapters] if manifest is not None else []
    concept_ids = [c.id for c in concepts.concepts] if concepts_ok else []
    if concepts_ok:
        checks.check_concepts(report, files.name(CONCEPTS), concepts)
        if languages:
            checks.check_texts(report, files.name(CONCEPTS), concepts, languages, strict=builtin)
    for level_id, level in levels.items():
        name = files.name(f"{level_id}.toml")
        checks.check_level(
            report, name, level_id, level, chapter_ids, concept_ids if concepts_ok else [*level.concepts]
        )
        if languages:
            checks.check_texts(report, name, level, languages, strict=builtin)

    # Files in reading order (manifest, concepts, levels in unlock order), each top to bottom.
    order = {
        name: rank
        for rank, name in enumerate(
            [files.name(MANIFEST), files.name(CONCEPTS)] + [files.name(f"{i}.toml") for i in wanted]
        )
    }
    problems = sorted(
        files.problems + report.problems, key=lambda p: (order.get(p.file, len(order)), p.line or 0)
    )
    pack = None
    if manifest is not None and concepts_ok and all_read and not any(p.severity == "error" for p in problems):
        pack = Pack(
            path=folder,
            manifest=manifest,
            levels=tuple(levels[i] for i in manifest.levels),
            concepts=concepts.concepts,
            chapters=manifest.chapters,
            warnings=tuple(problems),
            builtin=builtin,
        )
    return PackReport(folder, pack, problems)


_CACHE: dict[tuple[Path, bool], tuple[tuple[Any, ...], Pack]] = {}


def _signature(folder: Path) -> tuple[Any, ...]:
    out = []
    for path in sorted(folder.glob("*.toml")):
        try:
            st = path.stat()
        except OSError:
            continue
        out.append((path.name, st.st_size, st.st_mtime_ns))
    return tuple(out)


def load_pack(path: str | Path, *, builtin: bool = False) -> Pack:
    """The valid pack at `path`, or `PackError` with every problem (`.problems`)."""
    folder = _folder(Path(path)).resolve()
    key = (folder, builtin)
    signature = _signature(folder) if folder.is_dir() else ()
    cached = _CACHE.get(key)
    if cached and cached[0] == signature:
        return cached[1]
    report = check_pack(path, builtin=builtin)
    if report.pack is None:
        raise PackError(report.problems)
    _CACHE[key] = (signature, report.pack)
    return report.pack


def _is_builtin_folder(folder: Path) -> bool:
    try:
        return folder.resolve() == (builtin_levels_dir() / "campaign").resolve()
    except OSError:
        return False


def builtin_levels_dir() -> Path:
    """Where the built-in packs are: `capquest/_levels` inside an installed wheel, else the source
    tree's `levels/` (an editable install or a checkout)."""
    from importlib.resources import files

    shipped = files("capquest") / "_levels"
    if isinstance(shipped, Path) and shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[2] / "levels"


def builtin_pack() -> Pack:
    """The campaign (`levels/campaign`), held to the built-in standard (both languages everywhere)."""
    folder = builtin_levels_dir() / "campaign"
    return load_pack(folder, builtin=True)
