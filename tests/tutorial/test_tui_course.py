"""The whole course in the terminal, played with the keyboard as a newcomer would, in both languages:
every step followed, a wrong action answered by a hint, a wrong answer by its explanation.

The play screens' fake engine stands in for the simulator (deterministic, fast); the course logic and
the screens are the real ones."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from capquest.i18n import t
from capquest.tui.app import CapQuestApp
from capquest.tui.screens.level import LevelScreen
from capquest.tui.screens.replay import ReplayScreen
from capquest.tui.screens.results import ResultsScreen
from capquest.tui.tutorial.recap import RecapScreen
from capquest.tui.widgets.card_hand import CardHand
from capquest.tui.widgets.class_assignment import ClassAssignment
from capquest.tui.widgets.strategy_card import StrategyCard
from capquest.tutorial.controller import HINT_DELAY_S, CoursePosition

from .conftest import FakeClock, game_on_the_course

sys.path.insert(0, str(Path(__file__).parents[1] / "tui" / "play"))
from play_fakes import fake_run


def panel_text(app: CapQuestApp) -> str:
    panel = app.screen.query_one("#tutorial-panel")
    return "\n".join(str(s.render()) for s in panel.query("Static"))


async def settle(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot: Pilot, condition: Callable[[], bool]) -> None:
    """Let the app work until `condition` holds (the flow redraws after the screen it waits for)."""
    for _ in range(500):  # up to ~10 s: a loaded 2-core CI machine is slow, never wrong
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the app never got there")


def panel_ready(app: CapQuestApp) -> bool:
    panel = app.screen.query("#tutorial-panel")
    return bool(panel) and bool(panel.first().children)


async def press(pilot: Pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        if key == "r":
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def to_level_screen(pilot: Pilot) -> None:
    while not isinstance(pilot.app.screen, LevelScreen):
        await press(pilot, "enter" if isinstance(pilot.app.screen, ReplayScreen) else "escape")


async def to_results(pilot: Pilot) -> None:
    while isinstance(pilot.app.screen, ReplayScreen):
        await press(pilot, "enter")
    assert isinstance(pilot.app.screen, ResultsScreen)


async def follow(pilot: Pilot, app: Any) -> dict[str, str]:
    """Do what each step asks until the recap; returns what the wrong action and answer showed."""
    c = app.tutorial_flow.controller
    seen: dict[str, str] = {}
    while not c.finished:
        view = c.current
        step, level = view.step, view.level
        cards = [card.id for card in level.cards]
        if isinstance(app.screen, ReplayScreen):
            if "replay" not in seen and step.target == "results":
                await until(pilot, lambda: panel_ready(app))
                seen["replay"] = panel_text(app)  # the narrator lets the replay tell it first
            await press(pilot, "enter")  # the replay's own key: on to the results
            continue
        if step.kind == "await" and step.action in ("choose_card", "run"):
            await to_level_screen(pilot)
            if "hint" not in seen and step.card and len(cards) > 1:
                wrong = next(i for i, card in enumerate(cards) if card != step.card)
                await press(pilot, str(wrong + 1))  # a newcomer picks the wrong card first
                seen["hint"] = panel_text(app)
                seen["expected_hint"] = t("tutorial.hint", c.lang, text=c.hints()[0])
            if step.card:
                await press(pilot, str(cards.index(step.card) + 1))
            if step.action == "run":
                await press(pilot, "r")
        elif step.kind == "await" and step.action in ("open_chart", "open_why"):
            await to_results(pilot)
            await press(pilot, "t" if step.action == "open_chart" else "w")
        elif step.kind == "await" and step.action == "assign_class":
            await to_level_screen(pilot)
            table = app.screen.query_one(ClassAssignment)
            assert app.focused is table  # the step put the player on the highlighted table
            row = table.data_classes.index(step.data_class)
            await press(pilot, *["down"] * ((row - table.row) % len(table.data_classes)))
            while table.assignment[step.data_class] != step.card:
                await press(pilot, "right")
        elif step.kind == "question":
            await until(pilot, lambda: app.tutorial_flow.accepts("tutorial_answer", (1,)))
            wrong = next(i for i, ch in enumerate(step.choices) if not ch.correct)
            await press(pilot, str(wrong + 1))
            if "explanation" not in seen:
                seen["explanation"] = panel_text(app)
                seen["expected_explanation"] = step.choices[wrong].explanation.get(c.lang)
            right = next(i for i, ch in enumerate(step.choices) if ch.correct)
            await press(pilot, str(right + 1), "enter")
        else:
            await until(pilot, lambda: app.tutorial_flow.accepts("tutorial_next"))
            await press(pilot, "enter")
        await until(pilot, lambda v=view: c.current is None or c.current.number > v.number)
    return seen


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_newcomer_completes_the_course_by_following_the_steps(lang: str) -> None:
    asyncio.run(_complete_the_course(lang))


async def _complete_the_course(lang: str) -> None:
    # the real product: the game's app opened on the course, as `capquest tutorial` does
    from fakes import MemoryProgressStore

    from capquest.packs import builtin_pack
    from capquest.tui.app import CapQuestApp

    store = MemoryProgressStore()
    app = CapQuestApp(
        pack=builtin_pack(), store=store, language=lang, start="tutorial", runner=fake_run, clock=FakeClock()
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.tutorial_flow is not None and panel_ready(app))
        course = app.tutorial_flow.course
        seen = await follow(pilot, app)
        # the wrong card got the first, gentle hint; the wrong answer its own explanation
        assert seen["expected_hint"] in seen["hint"]
        assert seen["expected_explanation"] in seen["explanation"]
        assert t("tutorial.wrong", lang, text="").strip() in seen["explanation"]
        assert t("tutorial.watch_replay", lang) in seen["replay"]
        assert isinstance(app.screen, RecapScreen)
        recap = str(app.screen.query_one("#recap-text").render())
        assert "2.4 s" in recap or "2.2 s" in recap or "2.6 s" in recap  # the player's own p99 figures
        assert t("tutorial.recap_not_run", lang) not in recap  # every level was run
        saved = store.progress.tutorial
        assert saved is not None and saved.step == len(course.levels[-1].tutorial)
        assert set(store.progress.concepts_seen) >= {c for c in course.concepts}  # every card revealed
        assert store.runs == []  # the course leaves the campaign's progress alone
        await press(pilot, "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "TitleScreen")  # back to the title
        assert app.tutorial_flow is None


def test_a_delay_brings_a_hint_and_back_skip_and_resume_work() -> None:
    asyncio.run(_delay_back_skip_resume())


async def _delay_back_skip_resume() -> None:
    clock = FakeClock()
    app, store = game_on_the_course(runner=fake_run, clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.tutorial_flow is not None and panel_ready(app))
        c = app.tutorial_flow.controller
        await press(pilot, "enter", "enter")  # to the first await step: choose the card
        assert c.current.step.kind == "await" and "Hint" not in panel_text(app)
        clock.now += HINT_DELAY_S + 5
        app.tutorial_flow.poll()  # what the app's interval timer does every second
        await settle(pilot)
        assert "Hint: The cards are in the highlighted hand." in panel_text(app)
        await press(pilot, "right_square_bracket")  # skip, while the hand has the focus
        assert c.current.number == 4
        await press(pilot, "left_square_bracket")
        assert c.current.number == 3
        await press(pilot, "q")
    saved = store.progress.tutorial
    assert saved is not None and saved.step == 2
    again = CapQuestApp(pack=app.pack, store=store, language="en", start="tutorial", runner=fake_run)
    async with again.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: again.tutorial_flow is not None)
        await settle(pilot)
        assert again.tutorial_flow.resumed
        assert again.tutorial_flow.controller.position == CoursePosition(
            saved.pack_id, saved.level_id, saved.step
        )
        assert again.tutorial_flow.controller.current.number == 3
        # The panel's children exist before their text is drawn: wait for the words themselves.
        await until(pilot, lambda: panel_ready(again) and "Welcome back" in panel_text(again))


def test_a_resumed_course_quotes_the_runs_made_before_and_leads_back_to_the_cards() -> None:
    asyncio.run(_resume_with_runs())


async def _resume_with_runs() -> None:
    # left in the sessions level after its first run, about to try the second card
    app, _ = game_on_the_course(runner=fake_run, position=CoursePosition("tutorial", "t5-sessions", 3))
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.tutorial_flow is not None and panel_ready(app))
        c = app.tutorial_flow.controller
        assert c.current.level.id == "t5-sessions" and c.current.step_index == 3
        await settle(pilot)  # the runs the earlier steps asked for are made again, in a worker
        assert set(c.runs("t5-sessions")) == {"plain-replicas"}
        assert set(c.runs("t1-twenty-times")) == {"one-postgres"}
        await press(pilot, "2", "r")
        await to_results(pilot)
        await until(pilot, lambda: c.current.step.kind == "question" and panel_ready(app))
        # the question quotes the run made before the player left, not "-"
        before = c.runs("t5-sessions")["plain-replicas"].outcome.metrics.ryw_violations
        assert f"violations: {before:,} before" in panel_text(app)
        right = next(i for i, ch in enumerate(c.current.step.choices) if ch.correct)
        await press(pilot, str(right + 1), "enter", "enter")  # answered; the concept card; on
        assert c.current.step.kind == "await" and c.current.step.target == "hand"
        assert isinstance(app.screen, LevelScreen)  # taken back to the cards, not left on the results
        for _ in range(c.total):
            if c.finished:
                break
            await press(pilot, "right_square_bracket")
        await until(pilot, lambda: isinstance(app.screen, RecapScreen))
        recap = str(app.screen.query_one("#recap-text").render())
        # levels played before the player left are in the recap with their figures
        assert "One PostgreSQL:" in recap and "Read replica:" in recap and "Any replica:" in recap
        assert recap.count(t("tutorial.recap_not_run", "en")) == 3  # only the levels skipped after it


def test_a_step_asking_to_open_what_is_open_already_counts_it() -> None:
    asyncio.run(_looked_ahead())


async def _looked_ahead() -> None:
    from fakes import MemoryProgressStore

    from capquest.packs import builtin_pack
    from capquest.saves.model import Progress, TutorialPosition
    from capquest.tui.app import CapQuestApp

    # resumed on the replica level's results step: back to choosing the card and running it (in the
    # game's app, which opens the "why" view)
    saved = TutorialPosition(pack_id="tutorial", level_id="t2-replica", step=3)
    store = MemoryProgressStore(initial=Progress(tutorial=saved))
    app = CapQuestApp(
        pack=builtin_pack(), store=store, language="en", start="tutorial", runner=fake_run, clock=FakeClock()
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.tutorial_flow is not None and panel_ready(app))
        c = app.tutorial_flow.controller
        assert c.current.step.action == "choose_card"
        await press(pilot, "1", "r")
        await to_results(pilot)
        await until(pilot, lambda: c.current.step.kind == "highlight")
        await press(pilot, "w")  # the player opens the "why" view before the course asks
        await until(pilot, lambda: type(app.screen).__name__ == "WhyScreen")
        await press(pilot, "enter")  # next: "Open the 'why' view", and it is open
        await until(pilot, lambda: c.current.step.kind == "question")
        assert c.current.step.target == "why" and type(app.screen).__name__ == "WhyScreen"


def test_the_recap_keys_are_described_in_the_players_language() -> None:
    from types import SimpleNamespace

    from capquest import i18n
    from capquest.tui.tutorial.recap import RecapScreen

    try:
        i18n.set_language("ko")
        screen = RecapScreen(SimpleNamespace())  # type: ignore[arg-type]
        described = {b.action: b.description for bs in screen._bindings.key_to_bindings.values() for b in bs}
        assert described["done"] == i18n.t("tutorial.bind_done", "ko")
        assert described["again"] == i18n.t("tutorial.bind_again", "ko")
    finally:
        i18n.set_language("en")


def test_skipping_a_run_step_leaves_no_dashes_where_the_narration_quotes_it() -> None:
    asyncio.run(_skip_the_run())


async def _skip_the_run() -> None:
    """Skipping with `]` left "p99 -, - failed" and "Errors: -. Stale reads: -." in the narration."""
    app, _ = game_on_the_course(runner=fake_run)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.tutorial_flow is not None and panel_ready(app))
        c = app.tutorial_flow.controller
        for _ in range(c.total):  # skip every step up to the first that quotes a run's figures
            raw = c.current.step.text.get("en") if c.current.step.text else ""
            if "{p99_ms}" in raw or "{error_rate}" in raw:
                break
            await press(pilot, "right_square_bracket")
        await settle(pilot)
        level = c.current.level.id
        await until(pilot, lambda: bool(c.narrated_runs(level)))
        narration = c.narration()
        assert "took -," not in narration and "and - of" not in narration, narration
        assert c.runs(level) == {}  # the player ran nothing: the recap will still say "not run"
        quoted = next(iter(c.narrated_runs(level).values()))
        assert f"{quoted.outcome.metrics.error_rate * 100:.1f}%" in narration, narration
        await until(pilot, lambda: "took -," not in panel_text(app))


def test_the_enter_that_ends_the_narration_does_not_also_choose_a_card() -> None:
    asyncio.run(_enter_twice_at_the_choice())


async def _enter_twice_at_the_choice() -> None:
    """Step 17, "Choose the card that sends everything to the primary": Enter chose the focused card,
    the wrong one."""
    app, _ = game_on_the_course(runner=fake_run)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.tutorial_flow is not None and panel_ready(app))
        c = app.tutorial_flow.controller
        for _ in range(c.total):
            raw = c.current.step.text.get("en") if c.current.step.text else ""
            if raw.startswith("Choose the card that sends everything"):
                break
            await press(pilot, "right_square_bracket")
        await press(pilot, "left_square_bracket")  # the narration before it
        await settle(pilot)
        await press(pilot, "enter", "enter")  # next, and the same habit once more
        await settle(pilot)
        assert c.current.step.action == "choose_card" and app.screen.chosen is None
        hand = app.screen.query_one(CardHand)
        # the second Enter only showed the cursor: now the player sees which card an Enter would take
        assert hand.armed and any(card.cursor for card in hand.query(StrategyCard))
