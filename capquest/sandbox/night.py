"""A sandbox night: its state (`Sandbox`) and one run of it (`Night`).

The state is data and nothing else: the level it started from (its scenario replaced by what the player
built), the actions on the night, the card chosen, the cards the sandbox made (knobs set by hand, a
per-class assignment) and the seed. `Sandbox.level()` is the level the night *is*; every run goes through
the play path on it, the same call `capquest simulate` makes on the saved file, so the digests agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from capquest.engine.model import DATA_CLASSES, Policy, Scenario
from capquest.i18n import t
from capquest.packs.model import Card, LevelFile, Text
from capquest.play import RunResult, run
from capquest.sandbox.schedule import Action, ActionProblem, apply_actions, check_action
from capquest.sandbox.series import Series, series_of
from capquest.scoring import Score


def _text(key: str, **values: object) -> Text:
    """A level text in both languages, from the sandbox catalogue."""
    return Text(en=t(f"sandbox.{key}", "en", **values), ko=t(f"sandbox.{key}", "ko", **values))


def card_class(policy: Policy) -> str:
    """The class a hand-set policy earns. `cp` is a promise (never oversells, never reads stale, refuses
    during a partition), so only a policy that plainly keeps it gets it; anything else is `ap`."""
    on_primary = policy.read_from == "primary" and policy.write_to == "primary"
    serialised = policy.stock_check in ("for_update", "conditional_update")
    return "cp" if on_primary and serialised and policy.on_partition == "refuse" else "ap"


def _blank_cards() -> tuple[Card, ...]:
    consistent = Policy(read_from="primary", write_to="primary", stock_check="conditional_update")
    available = Policy(
        read_from="replica", write_to="primary", stock_check="conditional_update", on_partition="serve_local"
    )
    return (
        Card.model_validate(
            {
                "id": "consistent",
                "class": "cp",
                "title": _text("card_cp_title"),
                "pitch": _text("card_cp_pitch"),
                "explanation": _text("card_cp_explanation"),
                "policy": consistent,
            }
        ),
        Card.model_validate(
            {
                "id": "available",
                "class": "ap",
                "title": _text("card_ap_title"),
                "pitch": _text("card_ap_pitch"),
                "explanation": _text("card_ap_explanation"),
                "policy": available,
            }
        ),
    )


BLANK_ID = "sandbox-night"


def blank_level() -> LevelFile:
    """Where a blank sandbox starts: one region, one primary, a steady 1,000 requests/s for 10 s, and two
    cards (consistency first, availability first) to try on whatever the player builds."""
    from capquest.engine.model import OpMix, Workload

    scenario = Scenario(
        workload=Workload(
            duration_s=10.0,
            scale=4,
            mix=OpMix(order=1.0, stock_read=2.0, catalog_read=3.0, profile_write=0.5, profile_read=1.0),
            items=20,
            popularity_skew=1.2,
            stock=200,
            hot_item_stock=30,
            sessions=200,
        )
    )
    return LevelFile(
        id=BLANK_ID,
        chapter="sandbox",
        title=_text("blank_title"),
        briefing=_text("blank_briefing"),
        debrief=_text("blank_debrief"),
        scenario=scenario,
        cards=_blank_cards(),
    )


@dataclass(frozen=True)
class Tried:
    """A run the player watched: which card, its score and digest (for star thresholds and the list of
    cards a saved level keeps)."""

    card: str
    score: float
    digest: str


@dataclass(frozen=True)
class Night:
    """One run of the sandbox: the play path's result and the figures over time."""

    level: LevelFile
    result: RunResult
    series: Series

    @property
    def digest(self) -> str:
        return self.result.outcome.digest

    @property
    def score(self) -> Score:
        return self.result.score

    @property
    def duration_us(self) -> int:
        return round(self.level.scenario.workload.duration_s * 1_000_000)


@dataclass(frozen=True)
class Sandbox:
    start: LevelFile  # the level the player started from (blank or a pack's), scenario as built
    actions: tuple[Action, ...] = ()
    card: str = ""  # the chosen card; "" = the level's first
    made: tuple[Card, ...] = ()  # cards made in the sandbox (hand-set knobs, per-class assignments)
    tried: tuple[Tried, ...] = ()
    seed: int | None = None  # None: the level's seed
    origin: str = ""  # "pack/level" it started from, for the briefing stub
    _runs: dict = field(default_factory=dict, compare=False, repr=False)  # (level, card, seed) -> Night

    # ------------------------------------------------------------------------------------ the system
    @classmethod
    def from_level(cls, level: LevelFile, origin: str = "") -> Sandbox:
        """Start from a pack's level: its scenario pre-filled, its cards offered, its seed. Its tutorial
        steps stay behind (they talk about a screen the sandbox is not)."""
        return cls(start=level.model_copy(update={"tutorial": ()}), origin=origin)

    @property
    def scenario(self) -> Scenario:
        return self.start.scenario

    def rebuilt(self, scenario: Scenario) -> Sandbox:
        """The same night on a rebuilt system; actions that no longer make sense on it are dropped."""
        kept: tuple[Action, ...] = ()
        for action in self.actions:
            if check_action(scenario, kept, action) is None:
                kept = (*kept, action)
        return replace(
            self, start=self.start.model_copy(update={"scenario": scenario}), actions=kept, _runs={}
        )

    # ---------------------------------------------------------------------------------- the strategy
    @property
    def cards(self) -> tuple[Card, ...]:
        return (*self.start.cards, *self.made)

    @property
    def chosen(self) -> Card:
        for card in self.cards:
            if card.id == self.card:
                return card
        return self.cards[0]

    def choose(self, card_id: str) -> Sandbox:
        if card_id not in {c.id for c in self.cards}:
            raise KeyError(card_id)
        return replace(self, card=card_id)

    def _fresh_id(self, stem: str) -> str:
        taken = {c.id for c in self.cards}
        n = 1
        while f"{stem}-{n}" in taken:
            n += 1
        return f"{stem}-{n}"

    def choose_knobs(self, policy: Policy) -> Sandbox:
        """Hand-set knobs become a card (one per distinct policy)."""
        for card in self.made:
            if not card.assign and not card.classes and card.policy == policy:
                return replace(self, card=card.id)
        ident = self._fresh_id("knobs")
        number = ident.rsplit("-", 1)[1]
        card = Card.model_validate(
            {
                "id": ident,
                "class": card_class(policy),
                "title": _text("knobs_title", n=number),
                "pitch": _text(
                    "knobs_pitch",
                    read=policy.read_from,
                    write=policy.write_to,
                    stock=policy.stock_check,
                    partition=policy.on_partition,
                ),
                "explanation": _text("knobs_explanation"),
                "policy": policy,
            }
        )
        return replace(self, made=(*self.made, card), card=ident)

    def choose_assignment(self, assign: Mapping[str, str]) -> Sandbox:
        """A card per data class becomes a hybrid card naming those cards (one per distinct mapping)."""
        plain = {c.id for c in self.cards if not c.assign}
        mapping = {dc: assign[dc] for dc in DATA_CLASSES if dc in assign}
        for dc, card_id in mapping.items():
            if card_id not in plain:
                raise KeyError(f"{dc}={card_id}")
        for card in self.made:
            if card.assign == mapping:
                return replace(self, card=card.id)
        ident = self._fresh_id("mix")
        summary = ", ".join(f"{dc}={cid}" for dc, cid in mapping.items())
        card = Card.model_validate(
            {
                "id": ident,
                "class": "hybrid",
                "title": _text("mix_title", n=ident.rsplit("-", 1)[1]),
                "pitch": _text("mix_pitch", assign=summary),
                "explanation": _text("mix_explanation"),
                "policy": self.chosen.policy if not self.chosen.assign else self.start.cards[0].policy,
                "assign": mapping,
            }
        )
        return replace(self, made=(*self.made, card), card=ident)

    # ----------------------------------------------------------------------------------- the night
    def check(self, action: Action) -> ActionProblem | None:
        return check_action(self.scenario, self.actions, action)

    def act(self, action: Action) -> Sandbox:
        """The night with one more action; `ValueError` carrying the `ActionProblem` when it cannot be."""
        problem = self.check(action)
        if problem is not None:
            raise ValueError(problem)
        return replace(self, actions=(*self.actions, action))

    def undo(self) -> Sandbox:
        """The night without the last action taken (nothing to undo: unchanged)."""
        return replace(self, actions=self.actions[:-1])

    def level(self, level_id: str | None = None) -> LevelFile:
        """The level this night is: the built scenario with the actions' faults and surges, every card."""
        return self.start.model_copy(
            update={
                "id": level_id or self.start.id,
                "scenario": apply_actions(self.scenario, self.actions),
                "cards": self.cards,
            }
        )

    def run(self, card_id: str | None = None) -> Night:
        """Simulate the night from the start with the chosen card (or `card_id`). Runs are remembered by
        what makes them, so stepping back to an earlier schedule costs nothing."""
        level = self.level()
        card = card_id or self.chosen.id
        seed = level.seed if self.seed is None else self.seed
        key = (level.scenario, card, seed, tuple(c.id for c in self.cards))
        night = self._runs.get(key)
        if night is None:
            result = run(level, card, seed=seed)
            night = Night(
                level=level, result=result, series=series_of(result.outcome, level.scenario.workload.scale)
            )
            if len(self._runs) > 32:
                self._runs.clear()
            self._runs[key] = night
        return night

    def remember(self, night: Night) -> Sandbox:
        """Keep a watched run among the cards tried (the saved level's cards and star thresholds)."""
        entry = Tried(card=night.result.card, score=night.score.score, digest=night.digest)
        if entry in self.tried:
            return self
        return replace(self, tried=(*self.tried, entry))
