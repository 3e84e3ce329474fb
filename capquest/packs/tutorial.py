"""Checks on a level's tutorial steps that the schema alone cannot make: what each kind of step needs,
and that the cards, data classes, widgets, concepts and figures it names exist.

Part of loading a pack (floor 1, beside the other checks): `capquest pack validate` calls
`tutorial_problems` for every level, so a broken step is reported with its file and field before anyone
plays it. The course that plays the steps is `capquest.tutorial` (floor 2). A path is a pydantic-style `loc` tuple (`("tutorial", 3, "card")`)
so the pack validator can find its line; `format_loc` writes it as people read it (`tutorial[3].card`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from capquest.i18n import t
from capquest.packs.model import LevelFile, Text, TutorialStep

Loc = tuple[str | int, ...]

# The player's figures a tutorial text may name, as `{oversold_units}` (their latest run in this level) or
# `{card-id:oversold_units}` (their latest run of that card); `capquest.tutorial.figures` formats each.
FIGURES = (
    "requests",
    "orders_accepted",
    "oversold_units",
    "compensated_orders",
    "stale_reads",
    "ryw_violations",
    "monotonic_violations",
    "timeouts",
    "error_rate",
    "p50_ms",
    "p99_ms",
    "mean_ms",
    "cost_units",
    "score",
    "stars",
)

# `{name}` or `{card-id:name}`; the same identifier rules as the pack format's ids.
PLACEHOLDER = re.compile(r"\{(?:([a-z0-9][a-z0-9-]{0,47}):)?([a-z0-9_]{1,40})\}")


def placeholders(text: str) -> list[tuple[str | None, str]]:
    """The (card, figure) pairs a text names, for validation."""
    return [(m.group(1), m.group(2)) for m in PLACEHOLDER.finditer(text)]


# Widget ids of the play screens a step may point at (the TUI's contract with the step format).
TARGETS = ("briefing", "hand", "assign", "run", "results", "chart", "why", "glossary")

# The optional fields each kind of step may use; anything else set on it is a mistake of the author.
_ALLOWED: dict[str, frozenset[str]] = {
    "narrate": frozenset({"text"}),
    "highlight": frozenset({"text", "target"}),
    "await": frozenset({"text", "target", "action", "card", "data_class", "hints"}),
    "question": frozenset({"text", "target", "choices", "hints"}),
    "concept": frozenset({"text", "concept"}),
}
_OPTIONAL = ("text", "target", "action", "card", "data_class", "hints", "choices", "concept")


def format_loc(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _texts(step: TutorialStep) -> list[tuple[Loc, Text]]:
    found: list[tuple[Loc, Text]] = []
    if step.text is not None:
        found.append((("text",), step.text))
    found += [(("hints", i), h) for i, h in enumerate(step.hints)]
    for i, choice in enumerate(step.choices):
        found += [(("choices", i, "text"), choice.text), (("choices", i, "explanation"), choice.explanation)]
    return found


def step_problems(
    level: LevelFile, index: int, step: TutorialStep, concept_ids: Collection[str] | None = None
) -> list[tuple[Loc, str]]:
    base: Loc = ("tutorial", index)
    problems: list[tuple[Loc, str]] = []

    def problem(where: Loc, key: str, /, **values: object) -> None:
        problems.append(((*base, *where), t(f"tutorial.v_{key}", **values)))

    for name in _OPTIONAL:
        value = getattr(step, name)
        if value not in (None, ()) and name not in _ALLOWED[step.kind]:
            problem((name,), "unused", field=name, kind=step.kind)

    cards = [c.id for c in level.cards]
    if step.kind in ("narrate", "highlight", "question") and step.text is None:
        problem(("text",), "needs_text", kind=step.kind)
    if step.kind == "highlight" and step.target is None:
        problem(("target",), "needs_target")
    if step.target is not None and step.target not in TARGETS:
        problem(("target",), "unknown_target", target=step.target, known=", ".join(TARGETS))
    if step.kind == "await":
        if step.action is None:
            problem(("action",), "needs_action")
        if step.card is not None and step.card not in cards:
            problem(("card",), "unknown_card", card=step.card, known=", ".join(cards))
        if step.card is not None and step.action not in ("choose_card", "run", "assign_class"):
            problem(("card",), "card_with_action", action=step.action)
        if step.action == "assign_class":
            if step.data_class is None:
                problem(("data_class",), "needs_class")
            elif level.hybrid is None or step.data_class not in level.hybrid.classes:
                problem(("data_class",), "class_not_offered", data_class=step.data_class)
            if step.card is not None and level.hybrid is not None and step.card not in level.hybrid.cards:
                problem(("card",), "card_not_assignable", card=step.card)
        elif step.data_class is not None:
            problem(("data_class",), "class_without_assign")
    if step.kind == "question":
        if len(step.choices) < 2:
            problem(("choices",), "few_choices")
        elif not any(c.correct for c in step.choices):
            problem(("choices",), "no_correct")
    if step.kind == "concept":
        if step.concept is None:
            problem(("concept",), "needs_concept")
        elif concept_ids is not None and step.concept not in concept_ids:
            problem(("concept",), "unknown_concept", concept=step.concept)
    for field, text in _texts(step):
        for lang in ("en", "ko"):
            raw = getattr(text, lang)
            for card, figure in placeholders(raw or ""):
                if figure not in FIGURES:
                    problem((*field, lang), "unknown_figure", figure=figure, known=", ".join(FIGURES))
                if card is not None and card not in cards:
                    problem((*field, lang), "unknown_card", card=card, known=", ".join(cards))
    return problems


def tutorial_problems(level: LevelFile, concept_ids: Collection[str] | None = None) -> list[tuple[Loc, str]]:
    """Every problem of `level`'s tutorial steps, as (field path, reason) pairs; [] when all is well.

    `concept_ids`: the glossary cards the pack defines (None: do not check concept ids)."""
    problems: list[tuple[Loc, str]] = []
    for index, step in enumerate(level.tutorial):
        problems += step_problems(level, index, step, concept_ids)
    return problems
