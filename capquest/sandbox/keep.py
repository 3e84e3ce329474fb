""" "Save as level": the sandbox's night as an ordinary level file in a pack folder.

The file holds the built scenario with the player's faults at their times (and surges in the rate
profile), the cards tried (hand-set knobs and per-class assignments as cards of their own), a briefing
stub in both languages, and star thresholds from the best run's score. A new folder becomes a pack (a
manifest is written); an existing pack's manifest gets the level (and the sandbox chapter) added. Files
are replaced atomically. This is the only thing the sandbox writes.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import TypeAdapter

from capquest.engine.model import Fault, Scenario
from capquest.i18n import t
from capquest.packs.loader import MANIFEST, PackReport, check_pack
from capquest.packs.model import Card, Hybrid, LevelFile, Scoring, Text
from capquest.sandbox.night import Sandbox

CHAPTER = "sandbox"
MAX_CARDS = 8  # the pack format's limit
_IDENT = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")


class KeepError(ValueError):
    """The level cannot be saved there (a message for the player, from the sandbox catalogue)."""


@dataclass(frozen=True)
class Kept:
    path: Path  # the level file written
    level: LevelFile
    report: PackReport  # `capquest pack validate` of the folder after writing


def _text(key: str, **values: object) -> Text:
    return Text(en=t(f"sandbox.{key}", "en", **values), ko=t(f"sandbox.{key}", "ko", **values))


def _kept_cards(sandbox: Sandbox) -> tuple[Card, ...]:
    """The cards tried (and the chosen one), plus any card a kept hybrid names, in the sandbox's order;
    past the format's limit, the most recently tried win."""
    wanted: list[str] = []
    for ident in [*(tried.card for tried in reversed(sandbox.tried)), sandbox.chosen.id]:
        if ident not in wanted:
            wanted.append(ident)
    by_id = {c.id: c for c in sandbox.cards}
    keep: list[str] = []
    for ident in wanted:
        card = by_id.get(ident)
        if card is None:
            continue
        needs = [ident, *(c for c in card.assign.values() if c not in keep)]
        if len(set(keep) | set(needs)) <= MAX_CARDS:
            keep += [c for c in needs if c not in keep]
    return tuple(c for c in sandbox.cards if c.id in keep)


def _class_by_run(sandbox: Sandbox, card: Card) -> str:
    """The class a card made in the sandbox earns on the saved night, by what its run does (the promise
    `capquest pack validate` holds a class to): never oversold and never an anomalous read is `cp`;
    anything else is `ap` (its reads or orders chose availability; if it also refused during a
    partition, `pack validate` warns about it: worth the author's look, as for a hand-written card)."""
    outcome = sandbox.run(card.id).result.outcome
    m = outcome.metrics
    if m.oversold_units == 0 and m.stale_reads + m.ryw_violations + m.monotonic_violations == 0:
        return "cp"
    return "ap"


def _hybrid(start: LevelFile, cards: tuple[Card, ...]) -> Hybrid | None:
    ids = {c.id for c in cards}
    if start.hybrid and all(c in ids for c in start.hybrid.cards):
        return start.hybrid
    mixes = [c for c in cards if c.assign]
    if not mixes:
        return None
    classes = tuple(dict.fromkeys(dc for c in mixes for dc in c.assign))
    named = tuple(dict.fromkeys(target for c in mixes for target in c.assign.values()))
    return Hybrid(classes=classes, cards=named)


def star_thresholds(best: float, budget: float) -> tuple[float, float, float]:
    """Three stars at the best run's score (never above the budget), two and par a tenth of the budget
    apart below it."""
    step = max(1.0, round(budget / 10))
    three = float(math.floor(min(best, budget)))
    return (three - 2 * step, three - step, three)


def _fault_line(fault: Fault) -> str:
    where = " | ".join(", ".join(g) for g in fault.groups) if fault.kind == "partition" else fault.node
    return f"{fault.kind} {fault.at_s:g}-{fault.until_s:g} s: {where}"


def level_of(sandbox: Sandbox, level_id: str, title: str = "") -> LevelFile:
    """The level the sandbox keeps, before writing: validated by the pack format's model."""
    if not _IDENT.match(level_id):
        raise KeepError(t("sandbox.keep_bad_id", got=level_id))
    night = sandbox.level(level_id)
    made = {c.id for c in sandbox.made if not c.assign}
    cards = tuple(
        c.model_copy(update={"class_": _class_by_run(sandbox, c)}) if c.id in made else c
        for c in _kept_cards(sandbox)
    )
    scores = [tried.score for tried in sandbox.tried] or [sandbox.run().score.score]
    scoring = sandbox.start.scoring
    stars = star_thresholds(max(scores), scoring.budget)
    faults = "; ".join(_fault_line(f) for f in night.scenario.faults) or "-"
    w = night.scenario.workload
    system = ", ".join(night.scenario.topology.regions)
    name = title.strip() or sandbox.start.title.get("en")
    data = {
        "id": level_id,
        "chapter": CHAPTER,
        "title": Text(en=name, ko=title.strip() or sandbox.start.title.get("ko")),
        "briefing": _text(
            "keep_briefing",
            origin=sandbox.origin or sandbox.start.id,
            regions=system,
            rate=", ".join(f"{p.at_s:g}s {p.rps:g}/s" for p in w.rate),
            faults=faults,
        ),
        "debrief": _text("keep_debrief"),
        "seed": night.seed if sandbox.seed is None else sandbox.seed,
        "scenario": night.scenario,
        "cards": cards,
        "hybrid": _hybrid(sandbox.start, cards),
        "scoring": Scoring.model_validate({**scoring.model_dump(), "stars": stars}),
    }
    return LevelFile.model_validate(data)


def level_toml(level: LevelFile) -> dict[str, Any]:
    """The level as the TOML tables a pack file holds (defaults left out, so the file reads like a
    hand-written one)."""
    data = level.model_dump(mode="json", by_alias=True, exclude_defaults=True, exclude_none=True)
    scenario = TypeAdapter(Scenario).dump_python(level.scenario, mode="json", exclude_defaults=True)
    data["scenario"] = scenario
    data.setdefault("seed", level.seed)
    if "scoring" not in data:
        data["scoring"] = level.scoring.model_dump(mode="json")
    return data


def _write(path: Path, text: str) -> None:
    """Write beside the target, flush to disk, then replace: a crash leaves the old file or the new."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _manifest(folder: Path, level_id: str) -> dict[str, Any]:
    path = folder / MANIFEST
    chapter = {"id": CHAPTER, "title": _text("keep_chapter").model_dump(exclude_none=True)}
    if not path.exists():
        ident = re.sub(r"[^a-z0-9-]+", "-", folder.name.lower()).strip("-")[:48] or "sandbox-pack"
        return {
            "id": ident if _IDENT.match(ident) else "sandbox-pack",
            "title": _text("keep_pack_title").model_dump(exclude_none=True),
            "author": "capquest sandbox",
            "version": "1.0",
            "languages": ["en", "ko"],
            "chapters": [chapter],
            "levels": [level_id],
        }
    try:
        manifest = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise KeepError(t("sandbox.keep_bad_manifest", path=str(path), reason=str(error))) from None
    chapters = manifest.setdefault("chapters", [])
    if not any(isinstance(c, dict) and c.get("id") == CHAPTER for c in chapters):
        chapters.append(chapter)
    levels = manifest.setdefault("levels", [])
    if level_id not in levels:
        levels.append(level_id)
    return manifest


def keep(
    sandbox: Sandbox, folder: str | Path, level_id: str, *, title: str = "", overwrite: bool = False
) -> Kept:
    """Write the sandbox's night as `<folder>/<level_id>.toml` and add it to the pack's manifest (a new
    pack when the folder has none). `KeepError` when the level exists and `overwrite` is false, or the
    folder cannot be written."""
    level = level_of(sandbox, level_id, title)
    folder = Path(folder)
    target = folder / f"{level_id}.toml"
    if target.exists() and not overwrite:
        raise KeepError(t("sandbox.keep_exists", path=str(target)))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        manifest = _manifest(folder, level_id)
        body = tomli_w.dumps(level_toml(level), multiline_strings=True)
        _write(target, t("sandbox.keep_header", "en") + "\n" + body)
        _write(folder / MANIFEST, tomli_w.dumps(manifest, multiline_strings=True))
    except OSError as error:
        raise KeepError(
            t("sandbox.keep_unwritable", path=str(folder), reason=error.strerror or str(error))
        ) from None
    return Kept(path=target, level=level, report=check_pack(folder))
