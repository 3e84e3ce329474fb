"""A pack made with `capquest pack new` plays unchanged in the game, and its tutorial level is played
narrated (its `[[tutorial]]` steps), with the run counted as the pack's progress."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fakes import MemoryProgressStore

from capquest.cli import main
from capquest.i18n import t
from capquest.packs import load_pack
from capquest.tui.app import CapQuestApp


async def until(pilot, condition) -> None:
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the app never got there")


def panel_ready(app) -> bool:
    panel = app.screen.query("#tutorial-panel")
    return bool(panel) and bool(panel.first().children)


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        if key == "r":
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


@pytest.mark.slow
def test_a_new_pack_plays_its_tutorial_level_narrated_and_keeps_the_run(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("CAPQUEST_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    assert main(["pack", "new", str(tmp_path / "course")]) == 0
    pack = load_pack(tmp_path / "course")
    first = pack.levels[0]
    assert first.tutorial and first.id == "welcome"  # the scaffold opens with its tutorial level
    asyncio.run(_play(pack))


async def _play(pack) -> None:
    store = MemoryProgressStore()
    app = CapQuestApp(pack=pack, store=store, language="en", start="campaign")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CampaignMapScreen")
        app.open_level("welcome")
        await until(pilot, lambda: app.tutorial_flow is not None and panel_ready(app))
        flow = app.tutorial_flow
        assert flow.course.levels[0].id == "welcome"
        # its narration promises no kept place: the save keeps only the built-in course's
        assert flow.keys_line() == t("tutorial.keys_next_unsaved", "en")
        await press(pilot, "enter", "enter")  # narrate, highlight
        await press(pilot, "1")  # await choose_card: the only card
        await press(pilot, "r")  # await run (the real engine)
        await until(pilot, lambda: flow.controller.current.step.kind == "question")
        # Unlike the built-in course, an instructor's tutorial level counts: the run is the pack's.
        assert [(r["pack"], r["level"]) for r in store.runs] == [(pack.id, "welcome")]
        assert store.runs[0]["passed"]
        while type(app.screen).__name__ != "CampaignMapScreen":
            await press(pilot, "escape")  # out of the level: back on the pack's map
        assert app.tutorial_flow is None
        slots = {slot.id: slot for slot in app.campaign().slots}
        assert slots["rush-hour"].unlocked
        # The pack's plain level is not narrated.
        app.open_level("rush-hour")
        await pilot.pause()
        assert app.tutorial_flow is None and type(app.screen).__name__ == "LevelScreen"


@pytest.mark.slow
def test_the_narration_ends_when_the_player_goes_to_another_level(tmp_path: Path, monkeypatch) -> None:
    """Issue 13 §5.4: from the narrated level, the map (palette) and another level: that level plays
    plain, no panel asking for a card it does not have."""
    monkeypatch.setenv("CAPQUEST_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    assert main(["pack", "new", str(tmp_path / "course")]) == 0
    asyncio.run(_leave_for_another_level(load_pack(tmp_path / "course")))


async def _leave_for_another_level(pack) -> None:
    from capquest.tui.shell import OpenCampaign

    store = MemoryProgressStore()
    store.unlock(pack.id, "rush-hour")  # passed before: the map offers the next level
    app = CapQuestApp(pack=pack, store=store, language="en", start="campaign")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CampaignMapScreen")
        app.open_level("welcome")
        await until(pilot, lambda: app.tutorial_flow is not None and panel_ready(app))
        app.post_message(OpenCampaign())  # the palette's "map", over the narrated level
        await until(pilot, lambda: type(app.screen).__name__ == "CampaignMapScreen")
        app.open_level("rush-hour")
        await until(pilot, lambda: type(app.screen).__name__ == "LevelScreen")
        await pilot.pause()
        assert app.tutorial_flow is None
        assert not app.screen.query("#tutorial-panel")
        assert app.screen.session.level.id == "rush-hour"
