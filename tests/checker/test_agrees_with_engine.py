"""The checker agrees with the engine's own counters on every card of every built-in level: both count by
the definitions in capquest.history, independently (the checker imports nothing from the engine), so a
disagreement is a bug in one of them. Runs are shared with the campaign tests (one run per card per
process)."""

from __future__ import annotations

import pytest
from campaign.balance_table import card_result

from capquest.checker import check
from capquest.history import validate_history
from capquest.packs import builtin_pack

CARDS = [(level.id, card.id) for level in builtin_pack().levels for card in level.cards]
SCALE = {level.id: level.scenario.workload.scale for level in builtin_pack().levels}


@pytest.mark.parametrize(("level_id", "card_id"), CARDS)
def test_checker_counts_what_the_engine_counts(level_id: str, card_id: str) -> None:
    outcome = card_result(level_id, card_id).outcome
    history = validate_history(outcome.history)  # the engine writes the documented format
    counters = check(history, linearizability=False).counters()
    scale = SCALE[level_id]  # the engine reports real-world figures; units of stock are never scaled
    m = outcome.metrics
    assert counters["oversold_units"] == m.oversold_units
    assert counters["stale_reads"] * scale == m.stale_reads
    assert counters["ryw_violations"] * scale == m.ryw_violations
    assert counters["monotonic_violations"] * scale == m.monotonic_violations


def test_the_campaign_has_cards_to_compare() -> None:
    assert len(CARDS) >= 20
