"""The recap at the end of the course: each lesson with the player's own numbers from their runs."""

from __future__ import annotations

from dataclasses import dataclass

from capquest.i18n import t
from capquest.tutorial.controller import TutorialController
from capquest.tutorial.figures import figures

# The figures a recap line shows, in this order: the ones the course's lessons turn on.
RECAP_FIGURES = (
    "oversold_units",
    "compensated_orders",
    "stale_reads",
    "ryw_violations",
    "monotonic_violations",
    "error_rate",
    "p99_ms",
)


@dataclass(frozen=True)
class RecapRun:
    card_id: str
    card_title: str
    figures: dict[str, str]  # RECAP_FIGURES, formatted


@dataclass(frozen=True)
class RecapEntry:
    level_id: str
    title: str
    lesson: str  # the level's debrief: what it teaches
    runs: tuple[RecapRun, ...]  # empty if the player skipped this level's runs


def recap(controller: TutorialController) -> list[RecapEntry]:
    lang = controller.lang
    entries = []
    for level in controller.levels:
        titles = {c.id: c.title.get(lang) for c in level.cards} | {
            "custom": t("tutorial.recap_your_mix", lang)
        }
        order = {c.id: i for i, c in enumerate(level.cards)}
        played = controller.runs(level.id)
        runs = tuple(
            RecapRun(card, titles.get(card, card), {k: figures(r)[k] for k in RECAP_FIGURES})
            for card, r in sorted(played.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
        )
        entries.append(RecapEntry(level.id, level.title.get(lang), level.debrief.get(lang), runs))
    return entries
