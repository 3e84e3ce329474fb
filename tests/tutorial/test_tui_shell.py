"""The game's own app runs the course: `capquest tutorial` / the title screen's Tutorial entry."""

from __future__ import annotations

import asyncio

from fakes import MemoryProgressStore

from capquest.i18n import t
from capquest.packs import builtin_pack
from capquest.tui.app import CapQuestApp

from .test_tui_course import panel_ready, press, until


def test_the_game_runs_the_course_keeps_campaign_progress_clean_and_esc_leaves() -> None:
    asyncio.run(_course_in_the_game())


async def _course_in_the_game() -> None:
    store = MemoryProgressStore()
    app = CapQuestApp(pack=builtin_pack(), store=store, language="en", start="tutorial")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.tutorial_flow is not None and panel_ready(app))
        flow = app.tutorial_flow
        assert flow.keys_line() == t("tutorial.keys_next", "en")  # "q: quit (your place is kept)"
        await press(pilot, "enter", "enter")  # narration, the briefing highlighted
        await press(pilot, "r")  # Run with the one card: chosen and run (the real engine)
        await until(pilot, lambda: flow.controller.current.number >= 5)
        assert flow.controller.runs("t1-twenty-times")  # the course has the player's figures
        assert store.runs == []  # and the campaign's progress has no tutorial level in it
        while type(app.screen).__name__ != "TitleScreen":
            await press(pilot, "escape")  # replay -> results -> level -> out of the course
        assert app.tutorial_flow is None
