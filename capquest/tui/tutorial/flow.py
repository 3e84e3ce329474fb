"""Drives the play screens through the course: opens each step's level, docks the narrator's panel on
every play screen, highlights the step's widget, and turns what the player does into `PlayerAction`s.

The play screens post messages up to the app (`LevelScreen.CardChosen`, `ResultsScreen.ChartOpened`...);
the game's app passes them to the running flow as `PlayerAction`s.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget

from capquest.i18n import t
from capquest.tui.screens.level import LevelScreen
from capquest.tui.screens.replay import ReplayScreen
from capquest.tui.screens.results import ResultsScreen
from capquest.tui.session import PlaySession, Runner, play_runner
from capquest.tui.tutorial.panel import NarrationPanel, highlight, install_highlight_css
from capquest.tui.widgets.card_hand import CardHand
from capquest.tutorial.controller import (
    HINT_DELAY_S,
    PlayerAction,
    PositionStore,
    SavedPosition,
    TutorialController,
)
from capquest.tutorial.course import Course

POLL_S = 1.0  # how often the delay-based hint is checked
LEVEL_TARGETS = ("briefing", "hand", "assign", "run")  # the widgets of the level screen


class TutorialFlow:
    def __init__(
        self,
        app: App,
        course: Course,
        *,
        lang: str,
        runner: Runner = play_runner,
        store: PositionStore | None = None,
        saved: SavedPosition | None = None,
        clock: Callable[[], float] = time.monotonic,
        replay_clock: Callable[[], float] = time.monotonic,
        hint_delay_s: float = HINT_DELAY_S,
        ascii_borders: bool = False,
        reduced_motion: bool | None = None,
        on_exit: Callable[[], None] | None = None,
    ) -> None:
        self.app = app
        self.course = course
        self.concepts = course.concepts
        self.controller = TutorialController(
            course.levels,
            pack_id=course.manifest.id,
            lang=lang,
            clock=clock,
            hint_delay_s=hint_delay_s,
            store=store,
        )
        self._disarmed_at: int | None = None  # the step whose hand was last disarmed
        self.resumed = self.controller.resume(saved)
        self.keeps_place = store is not None  # a pack's narrated level keeps no course position
        self.runner = runner
        self.replay_clock = replay_clock
        self.ascii_borders = ascii_borders
        self.reduced_motion = reduced_motion
        self.on_exit = on_exit
        self.session: PlaySession | None = None
        self.active = False
        self._base_depth = 0
        self._timer: Timer | None = None
        self._navigating = False  # True while the flow itself pushes or pops screens
        # shown in the panel until the player moves on (a toast would cover the panel's corner)
        self.greeting = t("tutorial.resumed", lang) if self.resumed else ""

    # ------------------------------------------------------------------------------------- start/stop
    def start(self) -> None:
        if not self.app.screen.is_running:  # the screen we start on is still mounting: start after it
            self.app.call_after_refresh(self.start)
            return
        self.active = True
        install_highlight_css(self.app)
        self._base_depth = len(self.app.screen_stack)
        # Subscribe through the screen we started on, not the app: a signal keeps one callback per node,
        # and the host app may have its own.
        self.app.screen_change_signal.subscribe(self.app.screen, self._screen_changed)
        self._timer = self.app.set_interval(POLL_S, self.poll)
        if self.controller.finished:
            self._show_recap()
            return
        self._open_level()
        if self.resumed:
            self._restore_runs()

    def _restore_runs(self, *, missing_only: bool = False) -> None:
        """Runs made before the player left are not saved: make the ones the course asked for again (the
        engine is deterministic, so their figures are the player's), for the narration and the recap.
        With `missing_only`, only the runs of steps the player skipped (`]`), so the narration that
        quotes them shows figures, not dashes."""
        past = self.controller.past_runs()
        if missing_only:
            past = [
                run
                for run in past
                if ("custom" if run.card is None else run.card)
                not in self.controller.narrated_runs(run.level.id)
            ]
        if not past:
            return

        def work() -> None:
            for run in past:
                try:
                    result = self.runner(run.level, run.card, None, run.assign)
                except Exception:  # a run that fails now shows "-", as if skipped
                    continue
                self.app.call_from_thread(self._restored, result, missing_only)

        self.app.run_worker(work, thread=True, group="tutorial-restore", exit_on_error=False)

    def _restored(self, result: Any, skipped: bool = False) -> None:
        if self.active:
            if skipped:
                self.controller.fill_skipped_run(result)
            else:
                self.controller.restore_run(result)
            self.refresh()

    def quit(self) -> None:
        """Leave the course (its position is already saved) and return to where it was started."""
        self.active = False
        if self._timer is not None:
            self._timer.stop()
        self._pop_to_base()
        if self.on_exit is not None:
            self.on_exit()

    def restart(self) -> None:
        self.controller.restart()
        self.session = None
        self._open_level()

    # ---------------------------------------------------------------------------------------- screens
    def _pop_to_base(self) -> None:
        self._navigating = True
        try:
            while len(self.app.screen_stack) > max(self._base_depth, 1):
                self.app.pop_screen()
        finally:
            self._navigating = False

    def _open_level(self) -> None:
        view = self.controller.current
        if view is None:
            return
        if self.session is not None and self.session.level.id == view.level.id:
            return
        self.session = PlaySession(
            view.level,
            runner=self.runner,
            clock=self.replay_clock,
            ascii_borders=self.ascii_borders,
            reduced_motion=self.reduced_motion,
        )
        self._pop_to_base()
        self._navigating = True
        try:
            self.app.push_screen(LevelScreen(self.session))
        finally:
            self._navigating = False

    def _show_recap(self) -> None:
        from capquest.tui.tutorial.recap import RecapScreen

        self._pop_to_base()
        self.session = None
        self._navigating = True
        try:
            self.app.push_screen(RecapScreen(self))
        finally:
            self._navigating = False

    def _screen_changed(self, screen: Screen) -> None:
        if not self.active or self._navigating:
            return
        if len(self.app.screen_stack) <= self._base_depth:
            self.quit()  # the player backed out of the level screen (Esc): leave, position kept
            return
        if type(screen).__name__ == "GlossaryScreen":  # the shell's glossary (its button runs an action)
            self.act(PlayerAction("open_glossary"))
        self.app.call_after_refresh(self.refresh)

    def _play_screen(self) -> Screen | None:
        screen = self.app.screen
        if isinstance(screen, LevelScreen | ReplayScreen | ResultsScreen):
            return screen
        # the checker's "why" view, opened by the host app from the results (named, not imported: an
        # app without it still runs the course)
        return screen if type(screen).__name__ == "WhyScreen" else None

    def panel(self) -> NarrationPanel | None:
        screen = self._play_screen()
        if screen is None:
            return None
        found = screen.query(NarrationPanel)
        if found:
            return found.first()
        if not screen.is_attached:
            # a screen already leaving (the app quitting while it still mounts): nothing to narrate on
            return None
        panel = NarrationPanel(self, ascii_borders=self.ascii_borders)
        screen.mount(panel)
        self.app.call_after_refresh(self.refresh)  # draw it once its children exist
        return None

    def refresh(self) -> None:
        """Redraw the panel and the highlight on the current screen for the current step."""
        if not self.active or self.controller.current is None:
            return
        screen = self._play_screen()
        panel = self.panel()
        if screen is None or panel is None:
            return
        panel.show()
        if isinstance(screen, ResultsScreen):
            self.app.call_after_refresh(self._fit_chart, screen)  # once the panel has its height
        step = self.controller.current.step
        target: Widget | None = highlight(screen, step.target)
        if isinstance(screen, ReplayScreen):
            return  # the replay's own keys (Enter: results) stay with the replay
        if step.kind == "await" and not self.controller.satisfied and target is not None:
            # put the player where the step wants them to act
            wanted = target if target.focusable else next((w for w in target.query("*") if w.focusable), None)
            # only on a change: every focus change makes the footer rebuild its keys
            if wanted is not None and self.app.focused is not wanted:
                wanted.focus()
            number = self.controller.current.number
            if isinstance(wanted, CardHand) and step.action in ("choose_card", "run") and step.card:
                if self._disarmed_at != number:
                    # the Enter that moved the narration on must not also choose the card under the
                    # cursor (it chose the wrong one): the hand shows its cursor on the next key
                    self._disarmed_at = number
                    wanted.disarm()

    def _fit_chart(self, screen: ResultsScreen) -> None:
        """The narrator's panel takes rows from the results: shrink the chart's plot so that its points
        (which the questions talk about) stay in view rather than scrolled out under the panel."""
        from capquest.tui.widgets.tradeoff_chart import TradeoffChart

        if not screen.is_attached:
            return
        for chart in screen.query(TradeoffChart):
            box = chart.parent
            room = box.content_size.height if isinstance(box, Widget) else 0
            over = chart.outer_size.height - room
            if room <= 0 or over <= 0:
                continue
            fitted = max(3, chart.plot_height - over)
            if fitted != chart.plot_height:
                chart.plot_height = fitted
                chart.refresh(layout=True)
                self.app.call_after_refresh(self._fit_chart, screen)  # check again once laid out

    def accepts(self, action: str, parameters: tuple[object, ...] = ()) -> bool:
        """Whether the course takes this key now (else it goes to the screen as usual)."""
        view = self.controller.current
        screen = self._play_screen()
        if view is None or screen is None:
            return False
        if action in ("tutorial_back", "tutorial_skip"):
            return True
        if isinstance(screen, ReplayScreen):
            return False  # Enter and digits belong to the replay
        if action == "tutorial_next":
            return self.controller.satisfied
        if action == "tutorial_answer":
            number = parameters[0] if parameters else 0
            return (
                view.step.kind == "question"
                and not self.controller.satisfied
                and isinstance(number, int)
                and 1 <= number <= len(view.step.choices)
            )
        return False

    def on_replay(self) -> bool:
        return isinstance(self.app.screen, ReplayScreen)

    def keys_line(self) -> str:
        c, lang = self.controller, self.controller.lang
        view = c.current
        if view is None:
            return ""
        if isinstance(self.app.screen, ReplayScreen):
            return t("tutorial.keys_replay", lang)
        if view.step.kind == "question" and not c.satisfied:
            return t("tutorial.keys_question", lang, n=len(view.step.choices))
        if view.step.kind == "await" and not c.satisfied:
            return t("tutorial.keys_await", lang)
        return t("tutorial.keys_next" if self.keeps_place else "tutorial.keys_next_unsaved", lang)

    # ---------------------------------------------------------------------------------------- moving
    def _moved(self) -> None:
        self.greeting = ""
        if self.controller.finished:
            self._show_recap()
            return
        self._open_level()
        if self._already_done():
            return
        self.refresh()

    def _already_done(self) -> bool:
        """The step asks to open what the player has open already (they looked ahead): count it."""
        view = self.controller.current
        if view is None or view.step.kind != "await" or self.controller.satisfied:
            return False
        screen = self.app.screen
        open_now = (view.step.action == "open_why" and type(screen).__name__ == "WhyScreen") or (
            view.step.action == "open_chart"
            and isinstance(screen, ResultsScreen)
            and bool(screen.query("#side.-wide"))
        )
        if open_now:
            self.act(PlayerAction(view.step.action or ""))
        return open_now

    def next(self) -> None:
        if self.controller.advance():
            self._back_to_level_screen()
            self._moved()

    def _back_to_level_screen(self) -> None:
        """The step points at the cards or the Run button while the player is on the results (or the
        "why" view over them): take them back to the level screen, as a guide would."""
        view = self.controller.current
        if view is None or view.step.target not in LEVEL_TARGETS or view.step.kind != "await":
            return
        stack = self.app.screen_stack
        if isinstance(self.app.screen, LevelScreen) or not any(isinstance(s, LevelScreen) for s in stack):
            return
        if view.level.id != (self.session.level.id if self.session else None):
            return  # another level: _open_level replaces the screens anyway
        self._navigating = True
        try:
            while not isinstance(self.app.screen, LevelScreen | ReplayScreen):
                self.app.pop_screen()
        finally:
            self._navigating = False

    def back(self) -> None:
        if self.controller.back():
            self._moved()

    def skip(self) -> None:
        self.controller.skip()
        self._moved()
        self._restore_runs(missing_only=True)  # a skipped run step still feeds the figures quoted later

    def answer(self, index: int) -> None:
        view = self.controller.current
        if view is None or view.step.kind != "question" or index >= len(view.step.choices):
            return
        self.controller.answer(index)
        self.refresh()

    def poll(self) -> None:
        if self.active and self.controller.poll() is not None:
            self.refresh()

    # ------------------------------------------------------------------------------ what the player did
    def act(self, action: PlayerAction) -> None:
        if not self.active:
            return
        verdict = self.controller.act(action)
        if verdict.matched:
            self.controller.advance()  # done: on to the next step at once
            self._moved()
        elif verdict.relevant:
            self.refresh()

    def run_finished(self, result: Any) -> None:
        if not self.active:
            return
        self.controller.record_run(result)
        self.act(PlayerAction("run", card=result.card))
