"""What the game shell needs from a level pack and a progress store, and the campaign state derived
from them — headless (no Textual), so it is tested on its own and imported before the first paint.

`capquest.packs` and `capquest.saves` provide the real objects; the shell only relies on the small
protocols below, so tests (and the other screens) can hand the app an in-memory pack and store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, runtime_checkable

SETTINGS_DEFAULTS: dict[str, Any] = {
    "language": None,  # None: resolved from --lang / CAPQUEST_LANG / locale
    "theme": "capquest",
    "ascii_borders": False,
    "reduced_motion": False,
    "replay_speed": 1.0,
}
REPLAY_SPEEDS = (0.5, 1.0, 2.0, 4.0)


class Pack(Protocol):
    """A loaded level pack (`capquest.packs.Pack`)."""

    manifest: Any  # capquest.packs.model.Manifest
    levels: Sequence[Any]  # LevelFile, in unlock order
    concepts: Sequence[Any]  # capquest.packs.model.Concept

    def level(self, level_id: str) -> Any: ...


@dataclass(frozen=True)
class LevelRecord:
    """A player's record on one level, as the shell reads it."""

    best_score: float | None = None
    stars: int = 0
    attempts: int = 0
    passed: bool = False


@runtime_checkable
class ProgressStore(Protocol):
    """The save file (`capquest.saves.ProgressStore`): what the shell calls."""

    def load(self) -> Any: ...  # a report: `.progress` and `.notices`

    def record_run(
        self, level_id: str, *, score: float, stars: int, passed: bool, card: str, seed: int
    ) -> Any: ...

    def set_setting(self, key: str, value: Any) -> Any: ...

    def reset(self) -> Any: ...


def level_records(progress: Any) -> dict[str, LevelRecord]:
    """Per-level records from whatever progress object the store returned (mapping or attributes),
    read defensively: a field the store does not have counts as "not yet"."""
    if progress is None:
        return {}
    levels = progress.get("levels", {}) if isinstance(progress, Mapping) else getattr(progress, "levels", {})
    records: dict[str, LevelRecord] = {}
    for level_id, raw in dict(levels or {}).items():

        def pick(name: str, default: Any, raw: Any = raw) -> Any:
            if isinstance(raw, Mapping):
                return raw.get(name, default)
            return getattr(raw, name, default)

        best = pick("best_score", None)
        stars = int(pick("stars", 0) or 0)
        records[str(level_id)] = LevelRecord(
            best_score=None if best is None else float(best),
            stars=max(0, min(3, stars)),
            attempts=int(pick("attempts", 0) or 0),
            passed=bool(pick("passed", stars >= 1)),
        )
    return records


def settings_of(progress: Any) -> dict[str, Any]:
    """Settings with defaults filled in."""
    raw: Any = {}
    if isinstance(progress, Mapping):
        raw = progress.get("settings", {})
    elif progress is not None:
        raw = getattr(progress, "settings", {})
    merged = dict(SETTINGS_DEFAULTS)
    merged.update({k: v for k, v in dict(raw or {}).items() if k in SETTINGS_DEFAULTS})
    return merged


# ------------------------------------------------------------------------------------- campaign state
@dataclass(frozen=True)
class LevelSlot:
    """One level on the campaign map."""

    index: int  # 1-based position in unlock order
    level: Any  # LevelFile
    record: LevelRecord
    unlocked: bool

    @property
    def id(self) -> str:
        return self.level.id


@dataclass(frozen=True)
class ChapterSlots:
    chapter: Any  # capquest.packs.model.Chapter (or None for levels naming an unknown chapter)
    slots: tuple[LevelSlot, ...]


@dataclass(frozen=True)
class Campaign:
    chapters: tuple[ChapterSlots, ...]
    slots: tuple[LevelSlot, ...]  # every level, in unlock order

    @property
    def total_stars(self) -> int:
        return sum(s.record.stars for s in self.slots)

    @property
    def started(self) -> bool:
        return any(s.record.attempts or s.record.passed for s in self.slots)

    def next_level(self) -> LevelSlot | None:
        """Where "Continue" goes: the first unlocked level not yet passed, else the last one."""
        for slot in self.slots:
            if slot.unlocked and not slot.record.passed:
                return slot
        return self.slots[-1] if self.slots else None


def campaign(pack: Pack, records: Mapping[str, LevelRecord]) -> Campaign:
    """Locks follow unlock order: the first level is open, and each next one opens when the one before
    it has been passed (a passed level stays open even if an earlier record went missing)."""
    slots: list[LevelSlot] = []
    previous_passed = True
    for index, level in enumerate(pack.levels, start=1):
        record = records.get(level.id, LevelRecord())
        unlocked = previous_passed or record.passed
        slots.append(LevelSlot(index=index, level=level, record=record, unlocked=unlocked))
        previous_passed = record.passed
    chapters: list[ChapterSlots] = []
    known = {c.id for c in pack.manifest.chapters}
    for chapter in pack.manifest.chapters:
        members = tuple(s for s in slots if s.level.chapter == chapter.id)
        if members:
            chapters.append(ChapterSlots(chapter, members))
    orphans = tuple(s for s in slots if s.level.chapter not in known)
    if orphans:
        chapters.append(ChapterSlots(None, orphans))
    return Campaign(chapters=tuple(chapters), slots=tuple(slots))


def seen_concepts(pack: Pack, records: Mapping[str, LevelRecord], extra: Sequence[str] = ()) -> list[Any]:
    """Glossary cards met so far: those of levels the player has tried, plus `extra` ids (revealed by a
    tutorial step or the level on screen), in the pack's order."""
    ids: set[str] = set(extra)
    for level in pack.levels:
        record = records.get(level.id)
        if record is not None and (record.attempts or record.passed):
            ids.update(level.concepts)
    return [c for c in pack.concepts if c.id in ids]


# ------------------------------------------------------------------------------- in-memory store
@dataclass
class LoadReport:
    progress: dict[str, Any]
    notices: list[str] = field(default_factory=list)


@dataclass
class MemoryProgressStore:
    """A progress store that keeps everything in memory: the fallback when no save file can be used,
    and the fake the tests hand the app. `backups` keeps what `reset` replaced, as the real store keeps a
    backup file."""

    levels: dict[str, LevelRecord] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    backups: list[dict[str, Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)

    def _progress(self) -> dict[str, Any]:
        return {"levels": dict(self.levels), "settings": dict(self.settings)}

    def load(self) -> LoadReport:
        return LoadReport(progress=self._progress(), notices=list(self.notices))

    def record_run(
        self, level_id: str, *, score: float, stars: int, passed: bool, card: str, seed: int
    ) -> dict:
        self.runs.append(
            {"level": level_id, "score": score, "stars": stars, "passed": passed, "card": card, "seed": seed}
        )
        old = self.levels.get(level_id, LevelRecord())
        best = score if old.best_score is None else max(old.best_score, score)
        self.levels[level_id] = replace(
            old,
            best_score=best,
            stars=max(old.stars, stars),
            attempts=old.attempts + 1,
            passed=old.passed or passed,
        )
        return self._progress()

    def set_setting(self, key: str, value: Any) -> dict:
        self.settings[key] = value
        return self._progress()

    def reset(self) -> dict:
        self.backups.append(self._progress())
        self.levels.clear()
        return self._progress()
