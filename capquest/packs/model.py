"""The level-pack format: what a pack's TOML files may hold, validated with pydantic v2.

A pack is a folder: `pack.toml` (the manifest), one `<level-id>.toml` per level, listed in the
manifest's `levels` in unlock order, and optionally `concepts.toml` (glossary cards). The engine-facing parts (`scenario`, each card's `policy`) are the
engine's own dataclasses (`capquest.engine.model`), so the format and the engine cannot drift apart.

Player-facing text is a `Text`: a table with `en` and/or `ko` (`title = { en = "...", ko = "..." }`).
Built-in packs carry both; an instructor pack may carry one, and the game falls back to the other.
Text is displayed literally, never as markup.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from capquest.engine.model import DataClass, Policy, Scenario

Lang = Literal["en", "ko"]
Ident = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,47}$")]
CardClass = Literal["cp", "ap", "hybrid"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A player-facing text in English and/or Korean."""

    en: Annotated[str, Field(max_length=4000)] | None = None
    ko: Annotated[str, Field(max_length=4000)] | None = None

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to the other language."""
        if lang == "ko":
            return self.ko if self.ko is not None else (self.en or "")
        return self.en if self.en is not None else (self.ko or "")


class Card(_Strict):
    """A strategy card in the player's hand. Its behaviour is `policy` (all data classes) overridden by
    `classes` (per data class); for a hybrid card, `assign` names another card of the level for each data
    class instead."""

    id: Ident
    title: Text
    pitch: Text  # one line shown on the card
    explanation: Text  # shown after the run: why it did what it did
    class_: CardClass = Field(alias="class")
    policy: Policy = Policy()
    classes: dict[DataClass, Policy] = {}
    assign: dict[DataClass, Ident] = {}


StarThreshold = Annotated[float, Field(ge=-1_000_000_000, le=1_000_000)]
# A penalty weight: bounded, so that weight x count stays finite (a NaN or infinite score cannot be saved).
Cost = Annotated[float, Field(ge=0, le=1_000_000)]
PRICE_FIELDS = ("oversell_cost", "latency_cost", "error_cost", "cost_cost", "stale_cost", "session_cost")


class Scoring(_Strict):
    """Score = budget − penalties; higher is better. Stars: [par, two, three] (par passes the level)."""

    budget: Annotated[float, Field(ge=0, le=1_000_000)] = 1000.0
    oversell_cost: Cost = 10.0  # per oversold unit
    latency_cost: Cost = 10.0  # per 100 ms of p99 latency
    error_cost: Cost = 10.0  # per percentage point of failed requests
    cost_cost: Cost = 1.0  # per unit of infrastructure cost
    # Anomalous reads, for levels about consistency models (both 0 by default: the axis is then left out).
    stale_cost: Cost = 0.0  # per stale read
    session_cost: Cost = 0.0  # per read-your-writes or monotonic-read violation
    stars: tuple[StarThreshold, StarThreshold, StarThreshold] = (500.0, 700.0, 900.0)
    # Why this level prices its penalties as it does (one or two sentences): shown after the briefing and
    # with the prices on the results screen and in help. Built-in levels whose prices differ from the
    # defaults above must say why (a test holds them to it).
    why: Text | None = None

    def prices(self) -> dict[str, float]:
        """Each penalty's price, by the field that sets it."""
        return {name: getattr(self, name) for name in PRICE_FIELDS}


class Hybrid(_Strict):
    """For hybrid levels: the data classes the player assigns, and the cards they may assign."""

    classes: Annotated[tuple[DataClass, ...], Field(min_length=1, max_length=5)]
    cards: Annotated[tuple[Ident, ...], Field(min_length=1, max_length=8)]


class Choice(_Strict):
    text: Text
    correct: bool = False
    explanation: Text  # why this answer is right or wrong


StepKind = Literal["narrate", "highlight", "await", "question", "concept"]
AwaitAction = Literal["choose_card", "run", "open_chart", "assign_class", "open_why", "open_glossary"]


class TutorialStep(_Strict):
    """One guided step. `narrate`: show `text`. `highlight`: point at `target` (a widget id) with `text`.
    `await`: wait for `action` (optionally with `card` / `data_class`), with escalating `hints`.
    `question`: multiple `choices`, one or more correct. `concept`: reveal glossary card `concept`."""

    kind: StepKind
    text: Text | None = None
    target: Annotated[str, Field(max_length=60)] | None = None
    action: AwaitAction | None = None
    card: Ident | None = None
    data_class: DataClass | None = None
    hints: Annotated[tuple[Text, ...], Field(max_length=5)] = ()
    choices: Annotated[tuple[Choice, ...], Field(max_length=6)] = ()
    concept: Ident | None = None


class LevelFile(_Strict):
    """One `<level-id>.toml`."""

    id: Ident
    chapter: Ident
    title: Text
    briefing: Text  # the story, in the seed's voice for the campaign
    debrief: Text  # shown after a run: names the concept, connects it to real systems
    concepts: Annotated[tuple[Ident, ...], Field(max_length=10)] = ()  # glossary cards this level unlocks
    hints: Annotated[tuple[Text, ...], Field(max_length=10)] = ()
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = 1
    scenario: Scenario = Scenario()
    cards: Annotated[tuple[Card, ...], Field(min_length=1, max_length=8)]
    hybrid: Hybrid | None = None
    scoring: Scoring = Scoring()
    tutorial: Annotated[tuple[TutorialStep, ...], Field(max_length=60)] = ()

    def shown_briefing(self, lang: str) -> str:
        """The briefing as the level screen shows it: the story, then why this level's prices are what
        they are (when it says)."""
        story = self.briefing.get(lang)
        why = self.scoring.why.get(lang) if self.scoring.why else ""
        return f"{story}\n\n{why}" if why else story


class Concept(_Strict):
    """A glossary card (`concepts.toml`: `[[concepts]]` tables), unlocked by levels that list its id."""

    id: Ident
    term: Text  # the term itself: shown with the English and Korean side by side
    body: Text  # a short explanation, a few sentences
    source: Annotated[str, Field(max_length=300)] | None = None  # where the definition comes from


class ConceptsFile(_Strict):
    concepts: Annotated[tuple[Concept, ...], Field(max_length=60)] = ()


class Chapter(_Strict):
    id: Ident
    title: Text


class Manifest(_Strict):
    """`pack.toml`."""

    id: Ident
    title: Text
    author: Annotated[str, Field(min_length=1, max_length=200)]
    version: Annotated[str, Field(pattern=r"^\d+\.\d+(\.\d+)?$")]
    languages: Annotated[tuple[Lang, ...], Field(min_length=1, max_length=2)]
    min_capquest: Annotated[str, Field(pattern=r"^\d+\.\d+(\.\d+)?$")] = "0.1"
    description: Text | None = None
    chapters: Annotated[tuple[Chapter, ...], Field(min_length=1, max_length=20)]
    levels: Annotated[
        tuple[Ident, ...], Field(min_length=1, max_length=60)
    ]  # unlock order (loader.MAX_LEVELS)
