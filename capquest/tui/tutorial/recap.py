"""The last screen of the course: each lesson, with the numbers the player's own runs produced."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from capquest.i18n import t
from capquest.tui.screens.base import CapQuestScreen
from capquest.tutorial.figures import MISSING
from capquest.tutorial.recap import RECAP_FIGURES, recap

if TYPE_CHECKING:
    from capquest.tui.tutorial.flow import TutorialFlow


def recap_text(flow: TutorialFlow) -> Text:
    lang = flow.controller.lang
    out = Text()
    for i, entry in enumerate(recap(flow.controller)):
        if i:
            out.append("\n\n")
        out.append(entry.title, style="bold")
        out.append("\n" + entry.lesson)
        if not entry.runs:
            out.append("\n  " + t("tutorial.recap_not_run", lang), style="dim")
        for run in entry.runs:
            shown = [
                f"{t('tutorial.f_' + name, lang)} {run.figures[name]}"
                for name in RECAP_FIGURES
                if run.figures[name] not in ("0", MISSING) or name in ("error_rate", "p99_ms")
            ]
            out.append("\n- ")
            out.append(run.card_title + ": ", style="bold cyan")
            out.append(", ".join(shown))
    return out


class RecapScreen(CapQuestScreen):
    DEFAULT_CSS = """
    RecapScreen #recap-title { height: 1; padding: 0 1; background: $primary-background; text-style: bold; }
    RecapScreen #recap-body { padding: 1 2; }
    RecapScreen #recap-keys { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar = [
        Binding("enter,escape", "done", "tutorial.bind_done", id="recap-done", show=False),
        Binding("r", "again", "tutorial.bind_again", id="recap-again", show=False),
    ]

    def __init__(self, flow: TutorialFlow) -> None:
        super().__init__(id="recap")
        self.flow = flow

    def compose(self) -> ComposeResult:
        lang = self.flow.controller.lang
        yield Static(t("tutorial.recap_title", lang), id="recap-title")
        with VerticalScroll(id="recap-body"):
            yield Static(recap_text(self.flow), id="recap-text")
        yield Static(t("tutorial.recap_keys", lang), id="recap-keys")
        yield Footer()

    def action_done(self) -> None:
        self.flow.quit()

    def action_again(self) -> None:
        self.flow.restart()
