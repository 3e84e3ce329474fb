"""Each level's penalty prices are defined once (its [scoring] table) and, where they differ from the
defaults, the briefing says why, in both languages; the results screen and help show the same prices."""

from __future__ import annotations

from pathlib import Path

import pytest

from capquest.i18n import set_language
from capquest.packs import load_pack
from capquest.packs.model import LevelFile, Scoring
from capquest.scoring import price_text

LEVELS = Path(__file__).resolve().parents[2] / "levels"
BUILT_IN = [
    level for pack in ("campaign", "tutorial") for level in load_pack(LEVELS / pack, builtin=True).levels
]
DEFAULT = Scoring().prices()


def _priced_differently(level: LevelFile) -> bool:
    return level.scoring.prices() != DEFAULT


def test_some_levels_price_differently() -> None:
    assert sum(_priced_differently(level) for level in BUILT_IN) >= 10


@pytest.mark.parametrize("level", [lv for lv in BUILT_IN if _priced_differently(lv)], ids=lambda lv: lv.id)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_level_priced_differently_says_why_in_its_briefing(level: LevelFile, lang: str) -> None:
    why = level.scoring.why
    assert why is not None and why.en and why.ko, f"{level.id}: [scoring] why = {{ en, ko }} missing"
    reason = why.get(lang)
    assert level.shown_briefing(lang).endswith("\n\n" + reason)
    # the sentence names at least one of the prices that differ, as the results screen shows it
    changed = [name for name, price in level.scoring.prices().items() if price != DEFAULT[name]]
    assert any(f"{level.scoring.prices()[name]:g}" in reason for name in changed), reason


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_prices_shown_are_the_levels_own(lang: str) -> None:
    set_language(lang)
    try:
        five = next(level for level in BUILT_IN if level.id == "five-to-six")
        shown = price_text(five.scoring)
        assert "200" in shown and "15" in shown and five.scoring.why.get(lang) in shown
        calm = next(level for level in BUILT_IN if level.id == "ordinary-night")
        assert calm.scoring.why is None and "10" in price_text(calm.scoring)
    finally:
        set_language("en")
