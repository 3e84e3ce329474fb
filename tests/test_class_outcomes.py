"""A custom hybrid's results say what each assignment did, per data class, with figures that add up to
the run's totals (the explanation once said only "each data class was served by the card you assigned")."""

from __future__ import annotations

from pathlib import Path

import pytest

from capquest.class_outcomes import class_outcomes
from capquest.engine.model import DATA_CLASSES
from capquest.i18n import set_language, t
from capquest.packs import load_pack
from capquest.play import run

LEVELS = Path(__file__).resolve().parent.parent / "levels"
FINALE = load_pack(LEVELS / "campaign").level("hybrid-finale")
ASSIGNMENTS = [
    {dc: "all-ap" for dc in DATA_CLASSES},
    {"orders": "primary-atomic", "catalog": "cache-reads", "profile": "replica-ryw"},
    {"orders": "all-ap", "inventory": "all-ap", "catalog": "all-cp", "analytics": "cache-reads"},
]


@pytest.mark.parametrize("assign", ASSIGNMENTS, ids=lambda a: " ".join(f"{k}={v}" for k, v in a.items()))
def test_the_classes_add_up_to_the_runs_totals(assign: dict[str, str]) -> None:
    result = run(FINALE, None, assign=assign)
    m = result.outcome.metrics
    lines = class_outcomes(FINALE, result)
    assert sum(c.requests for c in lines) == m.requests
    assert sum(c.oversold_units for c in lines) == m.oversold_units
    assert sum(c.stale_reads for c in lines) == m.stale_reads
    assert sum(c.session_violations for c in lines) == m.ryw_violations + m.monotonic_violations
    assert sum(c.failed for c in lines) == round(m.error_rate * m.requests)
    for line in lines:  # each class names the card whose policy served it
        assert line.card == assign.get(line.data_class, FINALE.cards[0].id)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_custom_explanation_says_which_class_oversold_and_which_waited(lang: str) -> None:
    from capquest.tui.screens.results import custom_explanation

    set_language(lang)
    try:
        result = run(FINALE, None, assign={dc: "all-ap" for dc in DATA_CLASSES} | {"catalog": "all-cp"})
        text = custom_explanation(FINALE, result)
        by_class = {c.data_class: c for c in class_outcomes(FINALE, result)}
        lines = text.splitlines()[1:]
        assert len(lines) == len(by_class)
        titles = {card.id: card.title.get(lang) for card in FINALE.cards}
        for line, outcome in zip(lines, by_class.values(), strict=True):
            assert t(f"play.dc_{outcome.data_class}") in line and titles[outcome.card] in line
        orders = next(line for line in lines if t("play.dc_orders") in line)
        assert t("play.class_oversold", n=f"{by_class['orders'].oversold_units:,}") in orders
        assert by_class["orders"].oversold_units > 0
        slowest = max(by_class.values(), key=lambda c: c.p99_ms)
        assert slowest.data_class == "catalog"  # the one class left on the primary waited
    finally:
        set_language("en")
