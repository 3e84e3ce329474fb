"""The play path, shared by the TUI and the CLI: level + strategy + seed -> result.

Neither view repeats this: load a level (capquest.packs), build the card's strategy, simulate (engine),
score (scoring). The CLI's JSON (`result_json`) is the contract tests and instructors rely on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from capquest.engine import simulate
from capquest.engine.model import DATA_CLASSES, ClassPolicy, Strategy
from capquest.engine.outcome import Outcome
from capquest.engine.results import simulated_one_by_one
from capquest.engine.version import ENGINE_VERSION
from capquest.errors import StrategyError
from capquest.i18n import t
from capquest.packs.model import Card, LevelFile
from capquest.scoring import Score, score


def _card(level: LevelFile, card_id: str) -> Card:
    for card in level.cards:
        if card.id == card_id:
            return card
    known = ", ".join(c.id for c in level.cards)
    raise StrategyError(t("cli.unknown_card", level=level.id, card=card_id, known=known))


def _plain_strategy(card: Card) -> Strategy:
    per_class = tuple(ClassPolicy(dc, card.classes[dc]) for dc in DATA_CLASSES if dc in card.classes)
    return Strategy(default=card.policy, per_class=per_class)


def strategy_for(level: LevelFile, card_id: str | None, assign: Mapping[str, str] | None = None) -> Strategy:
    """The strategy a card (or a per-data-class assignment of cards) stands for.

    A hybrid card's `assign` is applied first, then the explicit `assign` overrides it; a data class left
    unassigned uses the card's own policy (or, with no card, the first card's)."""
    base = _card(level, card_id) if card_id else level.cards[0]
    mapping: dict[str, str] = dict(base.assign)
    for data_class, assigned in (assign or {}).items():
        if data_class not in DATA_CLASSES:
            raise StrategyError(
                t("cli.unknown_data_class", data_class=data_class, known=", ".join(DATA_CLASSES))
            )
        mapping[data_class] = assigned
    strategy = _plain_strategy(base)
    if not mapping:
        return strategy
    per_class = []
    for dc in DATA_CLASSES:  # fixed order: the strategy must not depend on how the mapping was built
        if dc in mapping:
            source = _card(level, mapping[dc])
            if source.assign:
                raise StrategyError(t("cli.hybrid_in_hybrid", card=source.id))
            per_class.append(ClassPolicy(dc, _plain_strategy(source).policy_for(dc)))
        else:
            per_class.append(ClassPolicy(dc, strategy.policy_for(dc)))
    return Strategy(default=strategy.default, per_class=tuple(per_class))


@dataclass(frozen=True)
class RunResult:
    level: str
    card: str  # "custom" when the strategy came from an explicit assignment
    seed: int
    outcome: Outcome
    score: Score
    assign: Mapping[str, str] = field(default_factory=dict)  # the explicit per-data-class assignment, if any


def run(
    level: LevelFile,
    card_id: str | None,
    *,
    seed: int | None = None,
    assign: Mapping[str, str] | None = None,
) -> RunResult:
    strategy = strategy_for(level, card_id, assign)
    used_seed = level.seed if seed is None else seed
    outcome = simulate(level.scenario, strategy, used_seed)
    card_name = "custom" if assign else (card_id or level.cards[0].id)
    return RunResult(
        level=level.id,
        card=card_name,
        seed=used_seed,
        outcome=outcome,
        score=score(outcome.metrics, level.scoring),
        assign=dict(assign or {}),
    )


def result_json(result: RunResult) -> dict:
    """The documented JSON of `capquest simulate --json`."""
    metrics = asdict(result.outcome.metrics)
    return {
        "level": result.level,
        "card": result.card,
        "seed": result.seed,
        "metrics": metrics,
        "score": result.score.score,
        "score_breakdown": result.score.breakdown,
        "stars": result.score.stars,
        "passed": result.score.passed,
        "digest": result.outcome.digest,
        "engine_version": ENGINE_VERSION,
        "simulated_one_by_one": simulated_one_by_one(result.outcome.history),
    }
