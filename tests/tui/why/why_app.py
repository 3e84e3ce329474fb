"""The Why? view's test host: the real campaign's replica level run through the real play path (cached per
process: the engine is deterministic), and a small app that opens the results screen and answers its
`WhyRequested` the way the shell does (`WhyScreen(event.result)`), with the pack for titles."""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace
from typing import Any

from textual.app import App

from capquest import i18n
from capquest.packs.model import LevelFile
from capquest.tui.screens.results import ResultsScreen
from capquest.tui.screens.why import WhyScreen
from capquest.tui.session import PlaySession

LEVEL = "five-to-six"
OVERSELLS = "replica-check"  # reads stock on a lagging replica: the seed's 5 in stock, 6 sold
CONSISTENT = "primary-check"  # a CP card: nothing to explain


@cache
def level() -> LevelFile:
    from capquest.packs import builtin_pack

    return next(lv for lv in builtin_pack().levels if lv.id == LEVEL)


@cache
def run_card(card: str) -> Any:
    from capquest.play import run

    return run(level(), card)


class WhyTestApp(App):
    def __init__(
        self, result: Any, *, lang: str = "en", start: str = "results", ascii_borders: bool = False
    ) -> None:
        super().__init__()
        i18n.set_language(lang)  # screens compose in the right language from the start
        self.lang = lang
        self.result = result
        self.start = start
        self.ascii_borders = ascii_borders
        self.pack = SimpleNamespace(levels=(level(),))
        self.session = PlaySession(level(), ascii_borders=ascii_borders, reduced_motion=True, runs=[result])

    def on_mount(self) -> None:
        i18n.set_language(self.lang)
        if self.start == "why":
            self.push_screen(WhyScreen(self.result))
        else:
            self.push_screen(ResultsScreen(self.session, self.result))

    def on_results_screen_why_requested(self, event: ResultsScreen.WhyRequested) -> None:
        self.push_screen(WhyScreen(event.result))


async def checked(pilot: Any) -> None:
    """Wait until the Why? view's checker worker has answered and the screen is painted."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()
