"""The campaign's files, parsed and validated against the pack format (shared by the campaign tests and
the balance table). Until the pack loader lands this reads the TOML itself; unknown keys are errors."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import TypeAdapter

from capquest.packs.model import ConceptsFile, LevelFile, Manifest

CAMPAIGN = Path(__file__).resolve().parents[2] / "levels" / "campaign"

_LEVEL = TypeAdapter(LevelFile)


def _toml(path: Path) -> dict:
    with path.open("rb") as f:
        return tomllib.load(f)


def manifest() -> Manifest:
    return Manifest.model_validate(_toml(CAMPAIGN / "pack.toml"))


def concepts() -> ConceptsFile:
    return ConceptsFile.model_validate(_toml(CAMPAIGN / "concepts.toml"))


def level(level_id: str) -> LevelFile:
    return _LEVEL.validate_python(_toml(CAMPAIGN / f"{level_id}.toml"))


def levels() -> list[LevelFile]:
    """Every level of the campaign, in unlock order."""
    return [level(level_id) for level_id in manifest().levels]
