"""The built-in course: the `levels/tutorial` pack (inside the wheel: `capquest/_levels/tutorial`)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from capquest.packs.model import Concept, ConceptsFile, LevelFile, Manifest


@dataclass(frozen=True)
class Course:
    manifest: Manifest
    levels: tuple[LevelFile, ...]
    concepts: dict[str, Concept]


def course_dir() -> Path:
    package = Path(__file__).resolve().parents[1]
    installed = package / "_levels" / "tutorial"
    return installed if installed.is_dir() else package.parent / "levels" / "tutorial"


def load_course(folder: Path | None = None) -> Course:
    """Read a tutorial pack folder (default: the built-in course).

    Errors are the pack loader's business (`capquest pack validate` reports them with file and field);
    this reads a pack the test suite has already validated, and raises on anything wrong."""
    folder = folder or course_dir()
    manifest = Manifest.model_validate(tomllib.loads((folder / "pack.toml").read_text(encoding="utf-8")))
    levels = tuple(
        LevelFile.model_validate(tomllib.loads((folder / f"{lid}.toml").read_text(encoding="utf-8")))
        for lid in manifest.levels
    )
    concepts_file = folder / "concepts.toml"
    concepts: dict[str, Concept] = {}
    if concepts_file.is_file():
        parsed = ConceptsFile.model_validate(tomllib.loads(concepts_file.read_text(encoding="utf-8")))
        concepts = {c.id: c for c in parsed.concepts}
    return Course(manifest, levels, concepts)
