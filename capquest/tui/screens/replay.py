"""The replay of a finished run: its trace plays back at 1x/2x/4x, can be paused, scrubbed frame by
frame, skipped or replayed. Time comes from the session's clock, so a fake clock makes every frame
deterministic; under reduced motion the last frame shows at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from capquest.engine.anomalies import oversold_curve
from capquest.i18n import language, t
from capquest.tui.screens.base import CapQuestScreen
from capquest.tui.session import PlaySession
from capquest.tui.widgets.replay_view import ReplayView

TICK_S = 1 / 20  # a steady 20 frames a second on screen, whatever the trace's frame interval
REPLAY_S_AT_1X = 6.0  # a whole run replays in this long at 1x
SPEEDS = (1, 2, 4)


class ReplayScreen(CapQuestScreen):
    CSS_PATH = "replay.tcss"
    HELP_KEY = "play.help_replay"
    session: PlaySession

    BINDINGS: ClassVar = [
        Binding("space,p", "toggle_pause", "play.key_replay_pause", id="replay.pause"),
        Binding("left", "scrub(-1)", "play.key_replay_back", id="replay.back"),
        Binding("right", "scrub(1)", "play.key_replay_forward", id="replay.forward"),
        Binding("s", "cycle_speed", "play.key_replay_speed", id="replay.speed"),
        Binding("1", "speed(1)", "play.key_replay_speed1", show=False, id="replay.speed1"),
        Binding("2", "speed(2)", "play.key_replay_speed2", show=False, id="replay.speed2"),
        Binding("4", "speed(4)", "play.key_replay_speed4", show=False, id="replay.speed4"),
        Binding("a", "again", "play.key_replay_again", id="replay.again"),
        Binding("enter,escape", "results", "play.key_replay_results", id="replay.results"),
    ]

    def __init__(
        self,
        session: PlaySession,
        result: Any,
        *,
        results_screen: Callable[[], Screen],
        name: str | None = None,
    ) -> None:
        """`results_screen`: the screen the replay gives way to (the run's results), made by whoever
        opened the replay, so this module needs none of the screens after it."""
        super().__init__(name=name)
        self.session = session
        self.result = result
        self.results_screen = results_screen
        self.frames = result.outcome.trace
        self.position = 0.0  # in trace frames, fractional between ticks
        self.speed = session.speed
        self.paused = False
        self.shown = -1
        self._last_clock = 0.0
        self._timer: Timer | None = None
        self.reduced = False

    @property
    def frames_per_s(self) -> float:
        return max(len(self.frames) - 1, 1) / REPLAY_S_AT_1X

    @property
    def last_index(self) -> int:
        return max(len(self.frames) - 1, 0)

    def compose(self) -> ComposeResult:
        s = self.session
        title = s.card_title(self.result.card)
        yield Static(
            t("play.replay_title", level=s.level.title.get(language()), card=title),
            id="replay-title",
            markup=False,
        )
        with VerticalScroll(id="replay-body"):
            yield ReplayView(
                s.level.scenario,
                self.frames,
                glyphs=s.glyphs,
                ascii_borders=bool(s.ascii_borders),
                oversold=self._oversold(),
                id="replay",
            )
        yield Static("", id="replay-hint")
        yield Footer()

    async def retranslate(self) -> None:
        """Redraw in the new language (or borders) where the replay stood, not from the start."""
        await super().retranslate()
        self.set_class(bool(self.session.ascii_borders), "-ascii")
        self.shown = -1
        self._draw()

    def on_mount(self) -> None:
        self.reduced = self.session.motion_reduced(getattr(self.app, "animation_level", None))
        self.set_class(bool(self.session.ascii_borders), "-ascii")
        self.restart()

    # --------------------------------------------------------------------------------------- time
    def restart(self) -> None:
        self.position = float(self.last_index if self.reduced else 0)
        self.shown = -1
        self.paused = False
        self._draw()  # the first frame is on screen before the first tick
        if self._timer is None and not self.reduced:
            self._last_clock = self.session.clock()
            self._timer = self.set_interval(TICK_S, self._tick, name="replay")
        self._last_clock = self.session.clock()

    def _tick(self) -> None:
        now = self.session.clock()
        elapsed, self._last_clock = now - self._last_clock, now
        if self.paused or self.position >= self.last_index:
            return
        self.position = min(float(self.last_index), self.position + elapsed * self.frames_per_s * self.speed)
        if int(self.position) != self.shown:
            self._draw()

    def _draw(self) -> None:
        index = int(self.position)
        previous = self.shown
        lo = previous + 1 if 0 <= previous < index else index
        flash = not self.reduced and any(
            e.startswith("oversell:") for f in self.frames[lo : index + 1] for e in f.events
        )
        phase = 0 if self.reduced else index + 1
        self.query_one(ReplayView).show_frame(
            index, phase=phase, speed=self.speed, paused=self.paused, flash=flash
        )
        self.shown = index
        finished = index >= self.last_index
        hint = t("play.replay_finished_hint") if finished else t("play.replay_hint")
        self.query_one("#replay-hint", Static).update(hint)

    @property
    def finished(self) -> bool:
        return self.shown >= self.last_index

    # --------------------------------------------------------------------------------------- actions
    def action_toggle_pause(self) -> None:
        if self.finished:
            self.action_again()
            return
        self.paused = not self.paused
        self._last_clock = self.session.clock()
        self._draw()

    def action_scrub(self, step: int) -> None:
        self.paused = True
        self.position = float(max(0, min(self.last_index, int(self.position) + step)))
        self._draw()

    def action_speed(self, speed: float) -> None:
        self.speed = speed
        self._draw()

    def action_cycle_speed(self) -> None:
        following = [s for s in SPEEDS if s > self.speed]
        self.action_speed(following[0] if following else SPEEDS[0])

    def action_again(self) -> None:
        if self.reduced:
            self.position = float(self.last_index)
            self._draw()
            return
        self.restart()

    def _oversold(self) -> tuple[list[int], list[int]] | None:
        history = getattr(self.result.outcome, "history", None)  # a run made by a test's fake may have none
        return oversold_curve(history) if history else None

    def action_results(self) -> None:
        self.app.switch_screen(self.results_screen())
