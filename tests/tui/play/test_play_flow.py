"""Playing a level with the keyboard only, and the behaviours each play screen promises."""

from __future__ import annotations

import pytest
from play_fakes import fake_level, fake_run

from capquest.tui.screens.compare import CompareScreen
from capquest.tui.screens.level import LevelScreen
from capquest.tui.screens.replay import ReplayScreen
from capquest.tui.screens.results import ResultsScreen
from capquest.tui.widgets.card_hand import CardHand
from capquest.tui.widgets.metric_table import MetricTable
from capquest.tui.widgets.strategy_card import StrategyCard


async def _wait_for(pilot, screen_type, tries: int = 50):
    for _ in range(tries):
        if isinstance(pilot.app.screen, screen_type):
            await pilot.pause()
            return pilot.app.screen
        await pilot.pause(0.02)
    raise AssertionError(f"{screen_type.__name__} never showed; on {pilot.app.screen!r}")


async def test_a_level_end_to_end_with_keys_only(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")  # the second card: lock the row
        await pilot.press("r")
        replay = await _wait_for(pilot, ReplayScreen)
        assert replay.result.card == "for-update"
        finished = [m for m in app.posted if isinstance(m, LevelScreen.RunFinished)]
        assert [m.result.card for m in finished] == ["for-update"]

        await pilot.press("enter")  # skip the replay
        results = await _wait_for(pilot, ResultsScreen)
        assert results.result is replay.result
        await pilot.press("c")
        compare = await _wait_for(pilot, CompareScreen)
        for _ in range(20):  # only one card tried: the other side is the same card at another seed
            if not compare.running:
                break
            await pilot.pause(0.02)
        a, b = compare.sides
        assert (a.card, b.card) == ("for-update", "for-update") and b.seed == a.seed + 1

        await pilot.press("escape", "escape")  # compare -> results -> level
        level = await _wait_for(pilot, LevelScreen)
        card = level.query_one("#card-for-update", StrategyCard)
        assert card.best is not None and card.best[0] == max(
            r.score.score for r in app.session.runs if r.card == "for-update"
        )

        await pilot.press("3", "r")  # a number key chooses; run again with another card
        replay = await _wait_for(pilot, ReplayScreen)
        assert replay.result.card == "cache-queue"


async def test_run_with_nothing_chosen_plays_the_card_under_the_cursor(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "down", "r")
        replay = await _wait_for(pilot, ReplayScreen)
        assert replay.result.card == "cache-queue"


async def test_clicking_a_card_chooses_it(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.click("#card-conditional")
        await pilot.pause()
        assert app.screen.chosen == "conditional"
        assert [m.card_id for m in app.posted if isinstance(m, LevelScreen.CardChosen)] == ["conditional"]


async def test_hybrid_level_runs_the_assigned_mix(make_app):
    calls = []

    def recording_runner(level, card_id, seed, assign):
        calls.append((card_id, seed, dict(assign or {})))
        return fake_run(level, card_id, seed, assign)

    app = make_app(hybrid=True, runner=recording_runner)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("tab")  # from the hand to the card-per-data-class panel
        assert app.screen.focused.id == "assign"
        await pilot.press("down", "right")  # inventory: the next card after the hybrid's default
        await pilot.press("r")
        replay = await _wait_for(pilot, ReplayScreen)
        assert replay.result.card == "custom"
        _card_id, seed, assign = calls[-1]
        assert seed is None and assign["inventory"] == "cache-queue"
        assert assign["orders"] == "for-update"  # untouched rows keep what was shown (the hybrid card's)
        assigned = [m for m in app.posted if isinstance(m, LevelScreen.ClassAssigned)]
        assert [(m.data_class, m.card_id) for m in assigned] == [("inventory", "cache-queue")]


async def test_choosing_a_hybrid_card_fills_the_assignment(make_app):
    app = make_app(hybrid=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4")  # "split by data"
        panel = app.screen.query_one("#assign")
        assert panel.assignment == {
            "orders": "for-update",
            "inventory": "for-update",
            "catalog": "cache-queue",
        }


async def test_a_failing_run_is_reported_and_the_level_stays(make_app):
    def broken_runner(level, card_id, seed, assign):
        raise ValueError("engine exploded")

    app = make_app(runner=broken_runner)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "r")
        for _ in range(20):
            await pilot.pause(0.02)
            if not app.screen.running:
                break
        assert isinstance(app.screen, LevelScreen) and not app.screen.running
        assert any("engine exploded" in n.message for n in app._notifications)
        assert not [m for m in app.posted if isinstance(m, LevelScreen.RunFinished)]


def _replay_start(session):
    result = fake_run(session.level, "replica-read")
    return ReplayScreen(session, result, results_screen=lambda: ResultsScreen(session, result))


async def test_replay_time_follows_the_clock_speed_pause_and_scrub(make_app):
    app = make_app(start=_replay_start)
    async with app.run_test(size=(80, 24)) as pilot:
        replay = app.screen
        clock = app.session.clock
        assert replay.shown == 0
        clock.advance(1.5)
        await pilot.pause(0.15)  # a few ticks
        at_1x = int(1.5 * replay.frames_per_s)
        assert replay.shown == at_1x
        await pilot.press("2")
        clock.advance(0.5)
        await pilot.pause(0.15)
        assert replay.shown == int(1.5 * replay.frames_per_s + 0.5 * 2 * replay.frames_per_s)
        await pilot.press("space")
        paused_at = replay.shown
        clock.advance(2.0)
        await pilot.pause(0.15)
        assert replay.shown == paused_at
        await pilot.press("left", "left")
        assert replay.shown == paused_at - 2
        await pilot.press("enter")
        await _wait_for(pilot, ResultsScreen)


async def test_replay_flashes_an_oversell_when_it_happens(make_app):
    app = make_app(start=_replay_start)
    async with app.run_test(size=(80, 24)) as pilot:
        replay = app.screen
        frames = replay.frames
        first = next(i for i, f in enumerate(frames) if any(e.startswith("oversell:") for e in f.events))
        await pilot.press(*["right"] * (first - 1))
        stock = replay.query_one("#replay-stock")
        assert not stock.has_class("-flash")
        await pilot.press("right")
        assert replay.shown == first and stock.has_class("-flash")
        await pilot.press("right")
        assert not stock.has_class("-flash") or any(
            e.startswith("oversell:") for e in frames[first + 1].events
        )


@pytest.mark.parametrize("how", ["setting", "env"])
async def test_reduced_motion_shows_the_final_frame_at_once(make_app, monkeypatch, how):
    if how == "env":
        monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    app = make_app(start=_replay_start, reduced_motion=True if how == "setting" else None)
    async with app.run_test(size=(80, 24)) as pilot:
        replay = app.screen
        await pilot.pause()
        assert replay.reduced and replay.finished and replay._timer is None


async def test_results_post_why_chart_and_next_only_when_passed(make_app):
    def start(session):
        return ResultsScreen(session, session.runs[-1])

    app = make_app(tried=("replica-read",), start=start)  # replica-read oversells: not passed
    async with app.run_test(size=(80, 24)) as pilot:
        results = app.screen
        assert not results.result.score.passed
        await pilot.press("w", "t", "n")  # the app opens the Why view; this host only records
        kinds = [type(m).__name__ for m in app.posted]
        assert kinds == ["WhyRequested", "ChartOpened"]
        assert app.posted[0].result is results.result
        assert results.focused.id == "chart"

    app = make_app(tried=("conditional",), start=start)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        nxt = [m for m in app.posted if isinstance(m, ResultsScreen.NextLevelRequested)]
        assert [m.level_id for m in nxt] == ["black-friday"]


async def test_compare_two_cards_marks_the_better_side(make_app):
    def start(session):
        return CompareScreen(session, session.runs[0])

    app = make_app(tried=("replica-read", "conditional"), start=start)
    async with app.run_test(size=(100, 30)) as pilot:
        compare = app.screen
        assert [r.card for r in compare.sides] == ["replica-read", "conditional"]
        table = compare.query_one(MetricTable)
        assert table is not None
        await pilot.press("left")  # move side B to another run of this visit
        assert compare.sides[1].card == "replica-read"


async def test_the_hand_keeps_focus_and_moves_with_arrows(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        hand = app.screen.query_one(CardHand)
        assert app.screen.focused is hand
        await pilot.press("up")  # wraps around to the last card
        assert hand.cursor_card.id == fake_level().cards[-1].id


async def test_a_live_language_switch_keeps_the_choice(make_app):
    from capquest import i18n

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        level = app.screen
        i18n.set_language("ko")
        await level.retranslate()
        await pilot.pause()
        assert str(level.query_one("#level-title").render()) == fake_level().title.ko
        assert level.chosen == "for-update"
        assert level.query_one("#card-for-update", StrategyCard).chosen
        run_binding = next(b for b in level._bindings.key_to_bindings["r"])
        assert run_binding.description == "실행"


async def test_a_slow_run_shows_a_loading_indicator_that_goes_away(make_app):
    import threading

    released = threading.Event()

    def slow_runner(level, card_id, seed, assign):
        # the run lasts until the test has seen the indicator: no race with a loaded machine's clock
        released.wait(timeout=30)
        return fake_run(level, card_id, seed, assign)

    app = make_app(runner=slow_runner)
    async with app.run_test(size=(80, 24)) as pilot:
        level = app.screen
        await pilot.press("1", "r")
        button = level.query_one("#run")
        for _ in range(100):  # the indicator comes after a short delay, only for a slow run
            if button.loading:
                break
            await pilot.pause(0.02)
        assert button.loading
        released.set()
        await _wait_for(pilot, ReplayScreen)
        await pilot.press("enter")
        await _wait_for(pilot, ResultsScreen)
        await pilot.press("escape")
        await _wait_for(pilot, LevelScreen)
        button = level.query_one("#run")
        assert not button.loading and not button.disabled


async def test_run_pressed_before_the_choice_message_arrives_runs_what_was_chosen(make_app):
    """A fast typist's "3r" (or "←r" on the assignment panel): Run must play what the keys chose, even
    when the widget's message about it is still on its way up."""
    app = make_app(hybrid=True)
    async with app.run_test(size=(100, 30)) as pilot:

        async def run_now_and_come_back(level) -> tuple[str, LevelScreen]:
            """Run at once (no pause for the messages), then back from the results to the level."""
            level.action_run()
            replay = await _wait_for(pilot, ReplayScreen)
            await pilot.press("enter")
            await _wait_for(pilot, ResultsScreen)
            await pilot.press("escape")
            return replay.result.card, await _wait_for(pilot, LevelScreen)

        level = app.screen
        level.action_pick(3)  # no pause: the hand's Chosen message is not handled yet
        card, level = await run_now_and_come_back(level)
        assert card == "cache-queue"

        panel = level.query_one("#assign")
        panel.action_row(1)
        panel.action_cycle(1)  # an edit of the mix, its Assigned message not handled yet
        card, level = await run_now_and_come_back(level)
        assert card == "custom"

        level.action_pick(4)  # back to a whole card after the custom mix, again without a pause
        card, level = await run_now_and_come_back(level)
        assert card == "split"


async def test_a_live_language_switch_keeps_a_custom_mix(make_app):
    from capquest import i18n

    calls = []

    def recording_runner(level, card_id, seed, assign):
        calls.append((card_id, dict(assign or {})))
        return fake_run(level, card_id, seed, assign)

    app = make_app(hybrid=True, runner=recording_runner)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("tab", "down", "right")
        level = app.screen
        mix = dict(level.custom)
        i18n.set_language("ko")
        await level.retranslate()
        await pilot.pause()
        await pilot.press("r")
        replay = await _wait_for(pilot, ReplayScreen)
        assert replay.result.card == "custom" and calls[-1] == (None, mix)


async def test_ascii_borders_switched_in_settings_redraw_the_open_play_screens(shell_app):
    """Settings over a level and its results: the diagrams, bars and stars they drew with box-drawing
    glyphs follow the switch at once, and the replay keeps its place."""
    from capquest.tui.widgets.glyphs import FANCY, PLAIN
    from capquest.tui.widgets.topology import TopologyDiagram

    app, run_before = shell_app(tried=("replica-read",))
    async with app.run_test(size=(100, 30)) as pilot:
        await run_before(pilot)
        level = app.screen
        assert level.query_one(TopologyDiagram).glyphs is FANCY
        run = level.session.runs[-1]
        replay = ReplayScreen(level.session, run, results_screen=lambda: ResultsScreen(level.session, run))
        await app.push_screen(replay)
        await pilot.press("right", "right", "right")
        app.set_setting("ascii_borders", True)
        await pilot.pause()
        assert level.query_one(TopologyDiagram).glyphs is PLAIN
        assert replay.query_one(TopologyDiagram).glyphs is PLAIN
        assert replay.shown == 3 and replay.paused
        app.set_setting("ascii_borders", False)
        await pilot.pause()
        assert level.query_one(TopologyDiagram).glyphs is FANCY


async def test_reduced_motion_draws_its_one_frame_at_the_screens_full_width(make_app):
    app = make_app(start=_replay_start, reduced_motion=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        clock = str(app.screen.query_one("#replay-clock").render())
        assert len(clock.rstrip()) > 80, clock  # the progress bar fills the line, not a stub of 8 cells


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
async def test_opening_the_chart_keeps_the_metric_names_whole(make_app, size):
    """At 100x30, `t` shrank the results panel to about 23 columns and metric names wrapped a letter or
    two per line (tutorial step 6 makes every player do this)."""

    def start(session):
        return ResultsScreen(session, session.runs[-1])

    app = make_app(tried=("replica-read",), start=start)
    async with app.run_test(size=size) as pilot:
        await pilot.press("t")
        await pilot.pause()
        panel = app.screen.query_one("#results")
        assert panel.size.width >= 38, panel.size
        table = app.screen.query_one(MetricTable)
        assert table.size.width >= 36, table.size


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_every_results_button_label_is_whole_at_80x24(make_app, lang):
    """Issue 13: at 80x24 the English "Replay (a)" ran off the screen's edge. Each button shows its whole
    label inside its row and the screen, with the chart open too; narrower still, the row stacks."""
    from rich.cells import cell_len
    from textual.widgets import Button

    def start(session):
        return ResultsScreen(session, session.runs[-1])

    for size, keys in (((80, 24), ()), ((80, 24), ("t",)), ((64, 24), ())):
        app = make_app(lang=lang, tried=("replica-read", "for-update", "conditional"), start=start)
        async with app.run_test(size=size) as pilot:
            await pilot.press(*keys)
            await pilot.pause()
            buttons = list(app.screen.query(Button))
            assert {b.id for b in buttons} >= {"compare", "why", "replay"}
            for button in buttons:
                box, row = button.region, button.parent.content_region
                label = str(button.label)
                assert box.width >= cell_len(label) + 2, (size, keys, label, box)  # label and padding
                assert row.contains_region(box), (size, keys, label, box, row)
                assert box.right <= size[0] and box.bottom <= size[1], (size, keys, label, box)


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_the_replays_counter_and_total_say_which_is_which(make_app, lang):
    """Issue 13: "OVERSOLD by 1" beside a counter and "so far: 4 units" under it read as a contradiction.
    The counter's note says what the counter reads now; the total says it counts every item so far."""
    for size in ((100, 30), (80, 24)):
        await _check_replay_stock_words(make_app, lang, size)


async def _check_replay_stock_words(make_app, lang, size):
    from rich.cells import cell_len
    from textual.widgets import Static

    from capquest.i18n import t
    from capquest.tui.widgets.replay_view import ReplayView

    app = make_app(lang=lang, start=_replay_start)
    async with app.run_test(size=size) as pilot:
        replay = app.screen
        await pilot.press("space", *["right"] * (len(replay.frames) - 1))  # paused, on the last frame
        view, frame = replay.query_one(ReplayView), replay.frames[replay.shown]
        below = {k: -frame.values[k] for k in view.keys if frame.values.get(k, 0.0) < 0}
        total = view.oversold_at(replay.shown)
        assert below and total  # the fake run ends with a counter below zero and units oversold
        panel = replay.query_one("#replay-stock", Static)
        text = str(panel.render())
        for line in text.splitlines():  # nothing cut: every line fits the panel's width and height
            assert cell_len(line) <= panel.content_region.width, (size, line)
        assert len(text.splitlines()) <= panel.content_region.height, (size, text)
        for n in below.values():
            assert t("play.replay_counter_below_zero", lang, n=int(n)) in text, text
        assert t("play.replay_oversold_total", lang, n=f"{total:,}") in text, text
        counter_word, all_word = {"en": ("this counter", "All items"), "ko": ("이 카운터", "모든 품목")}[lang]
        assert counter_word in t("play.replay_counter_below_zero", lang, n=1)
        assert all_word in t("play.replay_oversold_total", lang, n=1)
        assert "OVERSOLD" not in text  # one word, "oversold", for one figure: the run's total
        # why the counters drawn show less than the total: items not drawn, else lost updates
        # (the fake level has 20 items, 2 drawn: the claim "a lost update..." alone would be false)
        undrawn = view.scenario.workload.items - len(view.keys)
        assert total > sum(below.values()) and undrawn > 0
        assert t("play.replay_undrawn_items", lang, n=undrawn) in text, text
        assert t("play.replay_oversold_hidden", lang) not in text, text


async def test_the_replay_blames_lost_updates_only_when_every_item_is_drawn():
    """With every item drawn, the counters showing less than the total can only be lost updates."""
    import dataclasses

    from play_app import PlayTestApp
    from play_fakes import FakeClock
    from textual.widgets import Static

    from capquest.i18n import t
    from capquest.tui.session import PlaySession

    level = fake_level()
    workload = dataclasses.replace(level.scenario.workload, items=2)  # the two counters the fake draws
    scenario = dataclasses.replace(level.scenario, workload=workload)
    level = level.model_copy(update={"scenario": scenario})
    app = PlayTestApp(PlaySession(level, runner=fake_run, clock=FakeClock()), start=_replay_start)
    async with app.run_test(size=(80, 24)) as pilot:
        replay = app.screen
        await pilot.press("space", *["right"] * (len(replay.frames) - 1))
        text = str(replay.query_one("#replay-stock", Static).render())
        assert t("play.replay_oversold_hidden", "en") in text, text
        assert "not drawn" not in text
