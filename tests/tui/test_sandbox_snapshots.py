"""The sandbox at 80x24 in English and Korean: the night with a partition pressed at 3 s (two regions built
through the form), and the build form with a bad field explained beside it."""

from __future__ import annotations

import pytest

from tests.tui.test_sandbox_screen import (
    build_two_regions,
    choose_card,
    open_sandbox,
    settle,
    type_into,
)

LANGS = ("en", "ko")


async def _night(pilot) -> None:
    await open_sandbox(pilot)
    await build_two_regions(pilot)
    await choose_card(pilot, 1)
    await pilot.press("f7", "r")
    await settle(pilot)
    # `home` stops the wall-clock playback at the first moment whatever it had reached (`space` toggles:
    # at the night's end it would start it again), so the partition lands at 6 steps.
    await pilot.press("home", *["right"] * 6, "p", *["right"] * 8)
    await settle(pilot)


async def _bad_build(pilot) -> None:
    await open_sandbox(pilot)
    await pilot.press("f5")
    await type_into(pilot, "regions", "seoul, busan")
    await type_into(pilot, "links", "seoul-mars=10")
    await pilot.press("enter")
    await settle(pilot)
    pilot.app.screen.set_focus(None)  # no blinking cursor in the picture
    await settle(pilot)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("view", ["night", "bad_build"])
def test_sandbox(snap_compare, build_app, view: str, lang: str) -> None:
    app = build_app(lang=lang)
    run_before = _night if view == "night" else _bad_build
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
