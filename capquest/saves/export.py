"""The file a student hands in (`capquest export`): their name and, per pack and level, stars, attempts,
best score, passed, and the best run (card, assignment, seed, score, digest) so a teacher can re-simulate it.

Same envelope as the progress file, with kind "export"."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from pydantic import ValidationError

from capquest import __version__
from capquest.errors import SaveFormatError
from capquest.saves import paths
from capquest.saves.envelope import decode, describe_validation_error, encode, read_save_bytes
from capquest.saves.model import Export, ExportedLevel, Progress
from capquest.saves.store import write_atomic


def build_export(progress: Progress, student: str, pack_versions: Mapping[str, str] | None = None) -> Export:
    """Every level played, per pack. Raises ValueError for a bad name."""
    packs: dict[str, dict[str, ExportedLevel]] = {}
    for pack_id, pack in progress.packs.items():
        levels = {
            level_id: ExportedLevel(
                stars=level.stars,
                attempts=level.attempts,
                best_score=level.best_score,
                passed=level.passed,
                best_run=level.best_run,
            )
            for level_id, level in pack.levels.items()
            if level.attempts or level.best_run
        }
        if levels:
            packs[pack_id] = levels
    versions = {pack_id: v for pack_id, v in (pack_versions or {}).items() if pack_id in packs}
    return Export(student=student.strip(), app_version=__version__, packs=packs, pack_versions=versions)


def encode_export(export: Export) -> bytes:
    return encode("export", export.model_dump(mode="python"))


def read_export(path: Path) -> Export:
    """Raises OSError or SaveFormatError (with reason and detail) for a file that is not a good export."""
    decoded = decode(read_save_bytes(path), "export")
    try:
        return Export.model_validate(decoded.payload)
    except ValidationError as exc:
        raise SaveFormatError("bad_content", describe_validation_error(exc)) from None


def write_export(export: Export, path: Path) -> None:
    write_atomic(path, encode_export(export))


def default_export_path(student: str, folder: Path | None = None) -> Path:
    """`<folder>/<name>.capquest` (folder: `<data folder>/exports`), numbered (`<name>-2.capquest`...) if
    taken: an earlier export is never overwritten."""
    if folder is None:
        folder = paths.data_dir() / paths.EXPORTS
    stem = re.sub(r"[^\w-]+", "-", student.strip()).strip("-")[:60] or "student"
    candidate = folder / f"{stem}{paths.EXPORT_SUFFIX}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{n}{paths.EXPORT_SUFFIX}"
        n += 1
    return candidate
