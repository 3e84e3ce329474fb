"""What the game shell needs from a level pack and a progress store, and the campaign state derived
from them — headless (no Textual, no pydantic at import), so it is tested on its own and imported
before the first paint.

`capquest.packs.Pack` and `capquest.saves.ProgressStore` are the real objects; the shell relies only on
the protocols below, so tests hand the app an in-memory pack and an in-memory store (tests/fakes.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

SETTINGS_DEFAULTS: dict[str, Any] = {
    "language": None,  # None: resolved from --lang / CAPQUEST_LANG / locale
    "theme": "capquest",
    "ascii_borders": False,
    "reduced_motion": False,
    "replay_speed": 1.0,
}
REPLAY_SPEEDS = (1.0, 2.0, 4.0)  # the speeds the replay screen offers


class Pack(Protocol):
    """A loaded level pack (`capquest.packs.Pack`)."""

    manifest: Any  # capquest.packs.model.Manifest
    levels: Sequence[Any]  # LevelFile, in unlock order
    concepts: Sequence[Any]  # capquest.packs.model.Concept

    def level(self, level_id: str) -> Any: ...


@runtime_checkable
class ProgressStore(Protocol):
    """The save file (`capquest.saves.ProgressStore`): what the shell calls."""

    @property
    def progress(self) -> Any: ...  # capquest.saves.Progress

    def load(self) -> Any: ...  # LoadReport: `.progress` and `.notices`

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
    ) -> Any: ...

    def unlock(self, pack_id: str, level_id: str) -> None: ...

    def set_setting(self, key: str, value: Any) -> None: ...

    def mark_concept_seen(self, concept_id: str) -> None: ...

    def reset(self) -> Any: ...

    def take_notices(self) -> list[Any]: ...


@dataclass(frozen=True)
class LevelRecord:
    """A player's record on one level, as the shell reads it."""

    best_score: float | None = None
    stars: int = 0
    attempts: int = 0
    passed: bool = False


def _field(obj: Any, name: str, default: Any) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _pack_progress(progress: Any, pack_id: str) -> Any:
    packs = _field(progress, "packs", None) or {}
    return packs.get(pack_id) if isinstance(packs, Mapping) else None


def level_records(progress: Any, pack_id: str) -> dict[str, LevelRecord]:
    """Per-level records of one pack from the store's progress (`Progress.packs[pack_id].levels`), read
    defensively: a missing field counts as "not yet"."""
    pack = _pack_progress(progress, pack_id)
    levels = _field(pack, "levels", None) or {}
    records: dict[str, LevelRecord] = {}
    for level_id, raw in dict(levels).items():
        best = _field(raw, "best_score", None)
        stars = int(_field(raw, "stars", 0) or 0)
        records[str(level_id)] = LevelRecord(
            best_score=None if best is None else float(best),
            stars=max(0, min(3, stars)),
            attempts=int(_field(raw, "attempts", 0) or 0),
            passed=bool(_field(raw, "passed", stars >= 1)),
        )
    return records


def unlocked_ids(progress: Any, pack_id: str) -> set[str]:
    """Levels the save file says are unlocked (a level played is a level unlocked)."""
    return {str(i) for i in (_field(_pack_progress(progress, pack_id), "unlocked", None) or ())}


def settings_of(progress: Any) -> dict[str, Any]:
    """The settings the shell uses, defaults filled in (the store's theme "default" is ours)."""
    raw = _field(progress, "settings", None) if progress is not None else None
    merged = dict(SETTINGS_DEFAULTS)
    for key in SETTINGS_DEFAULTS:
        value = _field(raw, key, None) if raw is not None else None
        if value is not None:
            merged[key] = value
    if merged["theme"] == "default":
        merged["theme"] = SETTINGS_DEFAULTS["theme"]
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
    chapter: Any  # capquest.packs.model.Chapter (None for levels naming an unknown chapter)
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

    def slot(self, level_id: str) -> LevelSlot | None:
        return next((s for s in self.slots if s.id == level_id), None)

    def next_level(self) -> LevelSlot | None:
        """Where "Continue" goes: the first unlocked level not yet passed, else the last one."""
        for slot in self.slots:
            if slot.unlocked and not slot.record.passed:
                return slot
        return self.slots[-1] if self.slots else None

    def after(self, level_id: str) -> LevelSlot | None:
        """The level that follows `level_id` in unlock order."""
        ids = [s.id for s in self.slots]
        if level_id in ids and ids.index(level_id) + 1 < len(ids):
            return self.slots[ids.index(level_id) + 1]
        return None


def campaign(pack: Pack, records: Mapping[str, LevelRecord], unlocked: Iterable[str] = ()) -> Campaign:
    """Locks follow unlock order: the first level is open, and each next one opens when the one before
    it has been passed. A level the save file lists as unlocked, or has passed, stays open."""
    opened = set(unlocked)
    slots: list[LevelSlot] = []
    previous_passed = True
    for index, level in enumerate(pack.levels, start=1):
        record = records.get(level.id, LevelRecord())
        is_open = previous_passed or record.passed or level.id in opened
        slots.append(LevelSlot(index=index, level=level, record=record, unlocked=is_open))
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


def seen_concepts(pack: Pack, records: Mapping[str, LevelRecord], extra: Iterable[str] = ()) -> list[Any]:
    """Glossary cards met so far, the one definition of "met" every screen counts: those of levels the
    player has tried, plus `extra` ids (cards the save file lists as seen, or revealed this session by a
    tutorial step or a level's briefing), in the pack's order. A card merely on screen is not met."""
    ids: set[str] = set(extra)
    for level in pack.levels:
        record = records.get(level.id)
        if record is not None and (record.attempts or record.passed):
            ids.update(level.concepts)
    return [c for c in pack.concepts if c.id in ids]


# ------------------------------------------------------------------------------------- glossary & summary
@dataclass(frozen=True)
class GlossaryEntry:
    """One glossary card as the glossary lists it: every card from the start, its body once met, or while
    the screen below shows it (readable then, but not counted as met)."""

    concept: Any  # capquest.packs.model.Concept
    met: bool  # as `seen_concepts` says: what every count of cards met counts
    unlocked_by: LevelSlot | None  # the first level that lists the card (None: no level does)
    on_screen: bool = False  # the screen the glossary was opened from shows this card

    @property
    def readable(self) -> bool:
        return self.met or self.on_screen


def glossary_entries(
    pack: Pack,
    records: Mapping[str, LevelRecord],
    extra: Iterable[str] = (),
    on_screen: Iterable[str] = (),
) -> list[GlossaryEntry]:
    """Every card of the pack in the pack's order; `met` as `seen_concepts` says (same `extra`), and
    `on_screen` for the cards of the screen the glossary opens over (readable, not counted)."""
    met = {c.id for c in seen_concepts(pack, records, extra)}
    shown = set(on_screen)
    first: dict[str, LevelSlot] = {}
    for slot in campaign(pack, records).slots:
        for concept_id in slot.level.concepts:
            first.setdefault(concept_id, slot)
    return [GlossaryEntry(c, c.id in met, first.get(c.id), c.id in shown) for c in pack.concepts]


def concepts_met(entries: Iterable[GlossaryEntry]) -> int:
    """How many of `entries` are met: the glossary's heading and the progress summary both count this."""
    return sum(1 for e in entries if e.met)


@dataclass(frozen=True)
class ChapterProgress:
    """One chapter's line of the progress summary."""

    chapter: Any  # capquest.packs.model.Chapter, or None for levels naming an unknown chapter
    levels: int
    passed: int
    stars: int
    max_stars: int
    concepts: tuple[GlossaryEntry, ...]  # the cards its levels unlock (each counted in its first chapter)

    @property
    def concepts_met(self) -> int:
        return concepts_met(self.concepts)


def chapter_progress(campaign_state: Campaign, entries: Sequence[GlossaryEntry]) -> list[ChapterProgress]:
    """Per chapter: levels passed, stars won, and the glossary cards its levels unlock, met or not."""
    out: list[ChapterProgress] = []
    for group in campaign_state.chapters:
        ids = {s.id for s in group.slots}
        out.append(
            ChapterProgress(
                chapter=group.chapter,
                levels=len(group.slots),
                passed=sum(1 for s in group.slots if s.record.passed),
                stars=sum(s.record.stars for s in group.slots),
                max_stars=3 * len(group.slots),
                concepts=tuple(e for e in entries if e.unlocked_by is not None and e.unlocked_by.id in ids),
            )
        )
    return out
