"""The course in an app of its own, for tests and `tests/tutorial/demo.py`. The product hosts the same
flow in the game's app (`capquest tutorial` and the title's Tutorial entry: `capquest.tui.launch`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding

from capquest.i18n import language, set_language
from capquest.tui.session import Runner, play_runner
from capquest.tui.tutorial.flow import TutorialFlow
from capquest.tui.tutorial.host import TUTORIAL_BINDINGS, TutorialHost
from capquest.tutorial.controller import HINT_DELAY_S, PositionStore
from capquest.tutorial.course import Course, load_course


def saved_position(store: Any) -> Any:
    """The tutorial position kept by a `ProgressStore` (None if it has none)."""
    progress = getattr(store, "progress", None)
    return getattr(progress, "tutorial", None)


class TutorialApp(TutorialHost, App):
    TITLE = "capquest"
    BINDINGS: ClassVar = [*TUTORIAL_BINDINGS, Binding("q,ctrl+q", "leave", "Quit", show=False)]

    def __init__(
        self,
        *,
        lang: str | None = None,
        course: Course | None = None,
        runner: Runner = play_runner,
        store: PositionStore | None = None,
        clock: Callable[[], float] = time.monotonic,
        replay_clock: Callable[[], float] = time.monotonic,
        hint_delay_s: float = HINT_DELAY_S,
        ascii_borders: bool = False,
        reduced_motion: bool | None = None,
    ) -> None:
        super().__init__()
        self.lang = lang or language()
        self.course = course or load_course()
        self.flow_options: dict[str, Any] = dict(
            runner=runner,
            store=store,
            saved=saved_position(store),
            clock=clock,
            replay_clock=replay_clock,
            hint_delay_s=hint_delay_s,
            ascii_borders=ascii_borders,
            reduced_motion=reduced_motion,
        )

    def on_mount(self) -> None:
        set_language(self.lang)
        self.tutorial_flow = TutorialFlow(
            self, self.course, lang=self.lang, on_exit=self.exit, **self.flow_options
        )
        self.call_after_refresh(self.tutorial_flow.start)  # once the default screen is running

    def action_leave(self) -> None:
        if self.tutorial_flow is not None:
            self.tutorial_flow.quit()
        else:
            self.exit()
