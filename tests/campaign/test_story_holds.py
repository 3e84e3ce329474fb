"""The story agrees with itself and with the engine: a level's clock matches its title and its chapter,
the calm night's query times are the ones the run shows, and Korean text names Black Friday in Korean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from capquest.packs import load_pack

from .balance_table import card_result
from .campaign_files import levels, manifest

TUTORIAL = load_pack(Path(__file__).resolve().parents[2] / "levels" / "tutorial", builtin=True)
CLOCK = re.compile(r"^(\d{1,2})(?::(\d\d))? ?(AM|PM)\b")


def _clock(text: str) -> tuple[int, int, str] | None:
    found = CLOCK.match(text)
    return (int(found[1]), int(found[2] or 0), found[3]) if found else None


@pytest.mark.parametrize("lv", [*levels(), *TUTORIAL.levels], ids=lambda lv: lv.id)
def test_a_briefing_opens_at_the_hour_its_title_names(lv) -> None:
    """'3 AM: five in stock, six sold' opened with '2:30 AM.'"""
    title, opening = (
        _clock(lv.title.en or ""),
        _clock((lv.briefing.en or "").split("November 15, 2019, ")[-1]),
    )
    if title and opening:
        assert opening == title, (lv.title.en, lv.briefing.en[:40])


def test_a_chapter_names_no_hour_its_levels_do_not_share() -> None:
    """An '11 PM' level sat in the chapter 'Black Friday, 2 AM'."""
    for chapter in manifest().chapters:
        hour = re.search(r"\d{1,2}(?::\d\d)? ?(?:AM|PM)", chapter.title.en or "")
        if hour:
            for lv in levels():
                if lv.chapter == chapter.id:
                    assert (lv.title.en or "").startswith(hour[0]), (chapter.title.en, lv.title.en)


def test_the_calm_night_tells_the_query_times_its_run_shows() -> None:
    """The story said a query took a tenth of a second where level 1 shows p50 2.8 ms."""
    calm = next(lv for lv in levels() if lv.id == "ordinary-night")
    assert "tenth of a second" not in calm.briefing.en and "0.1초" not in calm.briefing.ko
    assert "a few milliseconds" in calm.briefing.en and "몇 밀리초" in calm.briefing.ko
    for card in calm.cards:
        assert card_result(calm.id, card.id).outcome.metrics.latency_ms.p50 < 10, card.id


def test_korean_text_says_black_friday_in_korean() -> None:
    """'Black Friday가' sat under a '블랙 프라이데이' title."""
    from .test_campaign_files import _texts

    found = [
        path
        for lv in [*levels(), *TUTORIAL.levels]
        for path, text in _texts(lv, lv.id)
        if "Black Friday" in (text.ko or "")
    ]
    assert found == []


def test_a_per_data_class_choice_comes_by_the_second_chapter_and_the_seeds_hybrid_stays_the_finale() -> None:
    """The first hybrid decision came at level 15."""
    chapters = [chapter.id for chapter in manifest().chapters]
    first = next(
        lv for lv in levels() if lv.hybrid is not None or any(c.class_ == "hybrid" for c in lv.cards)
    )
    assert chapters.index(first.chapter) <= 1, first.id
    finale = levels()[-1]
    assert finale.id == "hybrid-finale" and finale.hybrid is not None
    assert any(card.assign for card in finale.cards)  # the seed's whiteboard hybrid, assigned per class
