"""The player's own numbers, for narration and the recap.

Tutorial texts may name a figure of the player's latest run in this level as `{oversold_units}`, or of
their latest run of one card as `{card-id:oversold_units}`, so the narrator can say "your run sold 6
units that did not exist" with the number the player really saw. Substitution is literal text
replacement of known names only (never `str.format`): a pack cannot reach attributes or crash the
narration, and a figure not run yet shows as "-".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from capquest.packs.tutorial import FIGURES as FIGURE_NAMES
from capquest.packs.tutorial import PLACEHOLDER
from capquest.units import amount_text, count_text, ms_text, rate_text

if TYPE_CHECKING:  # the play path imports the engine; figures only read a finished result
    from capquest.play import RunResult

MISSING = "-"


def _score(value: float) -> str:
    from capquest.scoring import score_text  # shown as on every other screen (a whole number)

    return score_text(value)


# Counts, rates and durations are written by capquest.units, as the results screen writes them.


_FORMATS: dict[str, Callable[[RunResult], str]] = {
    "requests": lambda r: count_text(r.outcome.metrics.requests),
    "orders_accepted": lambda r: count_text(r.outcome.metrics.orders_accepted),
    "oversold_units": lambda r: count_text(r.outcome.metrics.oversold_units),
    "compensated_orders": lambda r: count_text(r.outcome.metrics.compensated_orders),
    "stale_reads": lambda r: count_text(r.outcome.metrics.stale_reads),
    "ryw_violations": lambda r: count_text(r.outcome.metrics.ryw_violations),
    "monotonic_violations": lambda r: count_text(r.outcome.metrics.monotonic_violations),
    "timeouts": lambda r: count_text(r.outcome.metrics.timeouts),
    "error_rate": lambda r: rate_text(r.outcome.metrics.error_rate),
    "p50_ms": lambda r: ms_text(r.outcome.metrics.latency_ms.p50),
    "p99_ms": lambda r: ms_text(r.outcome.metrics.latency_ms.p99),
    "mean_ms": lambda r: ms_text(r.outcome.metrics.latency_ms.mean),
    "cost_units": lambda r: amount_text(r.outcome.metrics.cost_units),
    "score": lambda r: _score(r.score.score),
    "stars": lambda r: str(r.score.stars),
}
# The names a pack may use are the pack format's (`capquest.packs.tutorial.FIGURES`): each has a format.
FIGURES: dict[str, Callable[[RunResult], str]] = {name: _FORMATS[name] for name in FIGURE_NAMES}


def figures(result: RunResult) -> dict[str, str]:
    """Every known figure of one run, formatted for display."""
    return {name: show(result) for name, show in FIGURES.items()}


def fill(text: str, last: RunResult | None, by_card: Mapping[str, RunResult]) -> str:
    """`text` with its known placeholders replaced by the player's figures; anything else is kept."""

    def replace(match: re.Match[str]) -> str:
        card, name = match.group(1), match.group(2)
        if name not in FIGURES:
            return match.group(0)
        result = by_card.get(card) if card else last
        return FIGURES[name](result) if result is not None else MISSING

    return PLACEHOLDER.sub(replace, text)
