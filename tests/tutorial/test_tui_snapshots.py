"""Snapshots of the narrator's panel and the highlight on representative steps, in both languages:
the briefing singled out, a question answered wrongly (its explanation), a hint after a wrong card, a
concept card, and the recap with the player's figures. Fake engine, fake clocks: every frame is fixed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from capquest import i18n
from capquest.tui.app import CapQuestApp

from .conftest import game_on_the_course

sys.path.insert(0, str(Path(__file__).parents[1] / "tui" / "play"))
from play_fakes import fake_run

SIZE = (100, 30)


@pytest.fixture(autouse=True)
def _english_after():
    yield
    i18n.set_language("en")


def app(lang: str) -> CapQuestApp:
    i18n.set_language(lang)
    # the game's own app on the course, as `capquest tutorial` opens it (the panel says the place is kept)
    return game_on_the_course(lang=lang, runner=fake_run)[0]


async def _ready(pilot) -> None:
    for _ in range(100):
        if pilot.app.tutorial_flow is None:
            await pilot.pause(0.02)
            continue
        panel = pilot.app.screen.query("#tutorial-panel")
        if panel and panel.first().children:
            break
        await pilot.pause(0.02)
    await pilot.pause()


async def _until(pilot, condition) -> None:
    for _ in range(200):
        if condition():
            break
        await pilot.pause(0.02)
    # then let the layout settle: the panel grows with its feedback and the screen above reflows
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.1)


def _feedback(pilot) -> str:
    return str(pilot.app.screen.query_one("#tutorial-feedback").render())


async def _go_to(pilot, number: int) -> None:
    """Jump to step `number` (1-based) the way a player can: skipping with ']'."""
    await _ready(pilot)
    flow = pilot.app.tutorial_flow
    while flow.controller.current.number < number:
        before = flow.controller.current.number
        await pilot.press("right_square_bracket")
        await _until(pilot, lambda b=before: flow.controller.current.number > b)
    await pilot.app.workers.wait_for_complete()
    await _ready(pilot)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_briefing_is_highlighted_and_the_rest_dimmed(snap_compare, lang: str) -> None:
    async def run_before(pilot) -> None:
        await _go_to(pilot, 2)

    assert snap_compare(app(lang), terminal_size=SIZE, run_before=run_before)


def test_a_wrong_answer_shows_its_explanation_on_the_results(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await _go_to(pilot, 3)
        await pilot.press("r")  # choose and run the one card
        await pilot.app.workers.wait_for_complete()
        await pilot.press("enter")  # replay -> results
        await _until(pilot, lambda: type(pilot.app.screen).__name__ == "ResultsScreen")
        await _go_to(pilot, 7)
        await pilot.press("1")  # the network? no
        await _until(pilot, lambda: "Not quite" in _feedback(pilot))

    assert snap_compare(app("en"), terminal_size=SIZE, run_before=run_before)


def test_a_wrong_card_brings_the_first_hint_in_korean(snap_compare) -> None:
    async def run_before(pilot) -> None:
        level_3 = next(i for i, (li, _) in enumerate(pilot.app.tutorial_flow.controller._steps) if li == 2)
        await _go_to(pilot, level_3 + 2)  # t3's "choose the card that sends everything to the primary"
        await pilot.press("1")  # the replica card: wrong
        await _until(pilot, lambda: "힌트" in _feedback(pilot))

    assert snap_compare(app("ko"), terminal_size=SIZE, run_before=run_before)


def test_a_concept_card_in_korean(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await _go_to(pilot, 8)  # t1's queueing card

    assert snap_compare(app("ko"), terminal_size=SIZE, run_before=run_before)


def test_the_recap_shows_the_players_own_figures(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await _ready(pilot)
        flow = pilot.app.tutorial_flow
        for level in flow.controller.levels[:4]:
            for card in level.cards:
                if not card.assign:
                    flow.controller.record_run(fake_run(level, card.id))
        while flow.controller.current.number < flow.controller.total:
            flow.controller.skip()
        flow.skip()  # past the last step: the recap
        await pilot.pause()

    assert snap_compare(app("en"), terminal_size=SIZE, run_before=run_before)
