"""The campaign, loaded by the real pack loader held to the built-in standard (every text in both
languages, unknown keys are errors), shared by the campaign tests and the balance table."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from capquest.packs import load_pack
from capquest.packs.loader import Pack, PackReport, check_pack
from capquest.packs.model import ConceptsFile, LevelFile, Manifest

CAMPAIGN = Path(__file__).resolve().parents[2] / "levels" / "campaign"


def report() -> PackReport:
    """Every problem the loader finds in the campaign (warnings included), without raising."""
    return check_pack(CAMPAIGN, builtin=True)


@cache
def pack() -> Pack:
    return load_pack(CAMPAIGN, builtin=True)


def manifest() -> Manifest:
    return pack().manifest


def concepts() -> ConceptsFile:
    return ConceptsFile(concepts=pack().concepts)


def level(level_id: str) -> LevelFile:
    return pack().level(level_id)


def levels() -> list[LevelFile]:
    """Every level of the campaign, in unlock order."""
    return list(pack().levels)
