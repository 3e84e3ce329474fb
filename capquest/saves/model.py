"""What a save file holds: the progress payload (and the class export), as pydantic models.

Validation is strict (msgpack gives native types, so nothing needs coercing): a file whose fields have the
wrong types is damaged, not silently "fixed". Limits keep a hostile export file from asking for much
memory. A field added later must have a default, so files written before it still load.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Ids as the pack format spells them (capquest.packs.model.Ident); the pattern also keeps a hostile export
# from smuggling terminal escape codes into the teacher's report.
IDENT_PATTERN = r"^[a-z0-9][a-z0-9-]{0,47}$"
Ident = Annotated[str, Field(pattern=IDENT_PATTERN)]
Name = Annotated[str, Field(min_length=1, max_length=100)]
Score = Annotated[float, Field(allow_inf_nan=False)]
Digest = Annotated[str, Field(pattern=r"^[!-~]{0,128}$")]  # printable ASCII: a sha256 in hex


# Limits of a progress file; the store refuses a change past one (and says so) rather than write a file it
# would then refuse to read.
MAX_PACKS = 100  # packs with progress
MAX_LEVELS = 500  # levels with progress, and levels unlocked, per pack
MAX_CONCEPTS = 1000  # glossary cards seen
MAX_ASSIGN = 10  # data classes assigned in one run


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", validate_assignment=True)


class BestRun(_Model):
    """The run behind a level's best score: enough to re-simulate it (runs are deterministic)."""

    card: Ident | None  # None: an explicit assignment with no card
    assign: Annotated[
        dict[Ident, Ident], Field(max_length=MAX_ASSIGN)
    ] = {}  # data class -> card id (hybrids)
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)]
    score: Score
    digest: Digest
    # The engine version (capquest.engine.version) that made the run; None in files written before it
    # was recorded. `capquest report` re-simulates on its own engine: a run that does not reproduce there
    # but was made on another version is "unverified", not forged.
    engine: Annotated[int, Field(ge=0, le=1_000_000)] | None = None


class LevelProgress(_Model):
    stars: Annotated[int, Field(ge=0, le=3)] = 0
    best_score: Score | None = None
    attempts: Annotated[int, Field(ge=0)] = 0
    passed: bool = False
    best_run: BestRun | None = None


class PackProgress(_Model):
    levels: Annotated[dict[Ident, LevelProgress], Field(max_length=MAX_LEVELS)] = {}
    unlocked: Annotated[list[Ident], Field(max_length=MAX_LEVELS)] = []  # level ids, in the order unlocked


class Settings(_Model):
    """The player's settings. A new one needs a default (old files lack it) and no format bump."""

    language: Literal["en", "ko"] | None = None  # None: follow CAPQUEST_LANG / the system locale
    theme: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,59}$")] = "default"
    ascii_borders: bool = False  # for CJK terminals that draw box characters double-wide
    reduced_motion: bool = False
    replay_speed: Annotated[float, Field(gt=0, le=16)] = 1.0
    sound: bool = False

    @field_validator("replay_speed", mode="before")
    @classmethod
    def _finite(cls, value: object) -> object:
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value


class TutorialPosition(_Model):
    pack_id: Ident
    level_id: Ident
    step: Annotated[int, Field(ge=0)] = 0


class Progress(_Model):
    """The payload of `progress.msgpack` (format version 1)."""

    packs: Annotated[dict[Ident, PackProgress], Field(max_length=MAX_PACKS)] = {}
    settings: Settings = Settings()
    tutorial: TutorialPosition | None = None
    concepts_seen: Annotated[
        list[Ident], Field(max_length=MAX_CONCEPTS)
    ] = []  # glossary card ids, in order met


class ExportedLevel(_Model):
    stars: Annotated[int, Field(ge=0, le=3)]
    attempts: Annotated[int, Field(ge=0)]
    best_score: Score | None
    passed: bool
    best_run: BestRun | None


class Export(_Model):
    """The payload of a `capquest export` file: what a student hands in."""

    student: Name
    app_version: Annotated[str, Field(max_length=40)]
    packs: Annotated[
        dict[Ident, Annotated[dict[Ident, ExportedLevel], Field(max_length=MAX_LEVELS)]],
        Field(max_length=MAX_PACKS),
    ]
    # The version of each pack on the student's machine, when known: a run replayed on another version
    # of its pack may differ without anyone cheating.
    pack_versions: Annotated[
        dict[Ident, Annotated[str, Field(pattern=r"^\d+\.\d+(\.\d+)?$")]], Field(max_length=MAX_PACKS)
    ] = {}

    @field_validator("student")
    @classmethod
    def _printable(cls, value: str) -> str:
        if not value.strip() or not value.isprintable():
            raise ValueError("must be a printable name")
        return value
