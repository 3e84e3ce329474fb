"""Every shell screen, in English and Korean, at 80x24 and 120x36 — on fakes (pack, store, clock), with
animations off, so the pictures only change when the screens do."""

from __future__ import annotations

import pytest

LANGS = ("en", "ko")
SIZES = {"small": (80, 24), "large": (120, 36)}


async def _settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _at_title(pilot) -> None:
    await _settle(pilot)


async def _at_map(pilot) -> None:
    await _settle(pilot)
    await pilot.press("2")  # Continue: the map, on the next level to play
    await _settle(pilot)


async def _at_settings(pilot) -> None:
    await _settle(pilot)
    await pilot.press("5")
    await _settle(pilot)


async def _at_help(pilot) -> None:
    await _at_map(pilot)
    await pilot.press("f1")
    await _settle(pilot)


async def _at_glossary(pilot) -> None:
    await _at_map(pilot)
    await pilot.press("g")
    await _settle(pilot)


async def _at_progress(pilot) -> None:
    await _at_map(pilot)
    await pilot.press("p")
    await _settle(pilot)


async def _at_confirm(pilot) -> None:
    await _at_settings(pilot)
    await pilot.press("end", "enter")  # the last row: reset progress
    await _settle(pilot)


async def _at_packs(pilot) -> None:
    await _settle(pilot)
    await pilot.press("4")  # Level packs: the campaign (no pack installed in this test's data folder)
    await _settle(pilot)


SCREENS = {
    "title": _at_title,
    "campaign_map": _at_map,
    "settings": _at_settings,
    "help": _at_help,
    "glossary": _at_glossary,
    "progress": _at_progress,
    "confirm": _at_confirm,
    "packs": _at_packs,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(snap_compare, build_app, passed_two, screen: str, lang: str, size: str) -> None:
    app = build_app(lang=lang, records=passed_two)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=SCREENS[screen])


def test_title_tells_of_a_damaged_save(snap_compare, build_app) -> None:
    notice = "progress.cqsave -> progress.cqsave.corrupt-1 (checksum mismatch)"
    app = build_app(lang="ko", notices=[notice])
    assert snap_compare(app, terminal_size=SIZES["small"], run_before=_at_title)


def test_ascii_borders_high_contrast(snap_compare, build_app, passed_two) -> None:
    app = build_app(
        lang="ko", records=passed_two, settings={"ascii_borders": True, "theme": "capquest-high-contrast"}
    )
    assert snap_compare(app, terminal_size=SIZES["small"], run_before=_at_map)
