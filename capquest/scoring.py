"""Turns metrics into a score, stars and a Pareto frontier.

Score = budget − (oversell + latency + errors + cost penalties); higher is better. *Par* is the score
that passes the level (one star); two and three stars sit above it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for annotations: the CLI's parser formats scores without loading the engine
    from capquest.engine.outcome import Metrics
    from capquest.packs.model import Scoring

AXES = ("oversell", "latency", "errors", "cost")
# in a breakdown only when the level weighs anomalous reads (`stale_cost` or `session_cost`)
ANOMALY_AXIS = "anomalies"


@dataclass(frozen=True)
class Score:
    score: float
    breakdown: dict[str, float]  # the penalty of each axis, in AXES order
    stars: int
    passed: bool


def score(metrics: Metrics, scoring: Scoring) -> Score:
    breakdown = {
        "oversell": round(metrics.oversold_units * scoring.oversell_cost, 2),
        "latency": round(metrics.latency_ms.p99 / 100.0 * scoring.latency_cost, 2),
        "errors": round(metrics.error_rate * 100.0 * scoring.error_cost, 2),
        "cost": round(metrics.cost_units * scoring.cost_cost, 2),
    }
    if scoring.stale_cost > 0 or scoring.session_cost > 0:  # only levels that weigh anomalous reads
        session = metrics.ryw_violations + metrics.monotonic_violations
        penalty = metrics.stale_reads * scoring.stale_cost + session * scoring.session_cost
        breakdown[ANOMALY_AXIS] = round(penalty, 2)
    total = round(scoring.budget - sum(breakdown.values()), 2)
    stars = sum(1 for threshold in scoring.stars if total >= threshold)
    return Score(score=total, breakdown=breakdown, stars=stars, passed=stars >= 1)


def _price(value: float) -> str:
    return f"{value:g}"


def price_text(scoring: Scoring) -> str:
    """The level's penalty prices in one sentence, then its reason for them when it gives one: what the
    results screen and help show, from the level's one [scoring] table."""
    from capquest.i18n import language, t

    parts = [
        t("play.price_oversell", n=_price(scoring.oversell_cost)),
        t("play.price_latency", n=_price(scoring.latency_cost)),
        t("play.price_errors", n=_price(scoring.error_cost)),
        t("play.price_cost", n=_price(scoring.cost_cost)),
    ]
    if scoring.stale_cost > 0:
        parts.append(t("play.price_stale", n=_price(scoring.stale_cost)))
    if scoring.session_cost > 0:
        parts.append(t("play.price_session", n=_price(scoring.session_cost)))
    text = t("play.prices", list=", ".join(parts))
    if scoring.why:
        text += " " + scoring.why.get(language())
    return text


def shown_score(value: float) -> int:
    """A score as every screen, table and narration shows it: a whole number, rounded down, so a shown
    score reaches a (whole-number) par or star threshold exactly when the score itself does."""
    return math.floor(value + 1e-9)  # 1e-9: a float that is a whole number up to noise stays that number


def score_text(value: float) -> str:
    return str(shown_score(value))


def pareto_frontier(points: Sequence[tuple[float, float]]) -> list[int]:
    """Indices of the points no other point beats on both axes (both to be minimised), by x then y.
    Points tied on both axes are all on it: a card that equals a frontier card is as good."""
    order = sorted(range(len(points)), key=lambda i: (points[i][0], points[i][1], i))
    frontier: list[int] = []
    best_y = float("inf")
    for i in order:
        if points[i][1] < best_y or (frontier and tuple(points[i]) == tuple(points[frontier[-1]])):
            frontier.append(i)
            best_y = points[i][1]
    return frontier
