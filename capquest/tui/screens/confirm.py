"""A yes/no question over the current screen. Dismisses with True only on an explicit yes; "no" has
the focus, so a stray Enter never destroys anything."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Static

from capquest.i18n import t
from capquest.tui.screens.base import CapQuestModal


class ConfirmScreen(CapQuestModal):
    CSS_PATH = "confirm.tcss"
    HELP_KEY = "shell.help.confirm"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "shell.bind.yes", id="confirm-yes"),
        Binding("n", "answer(False)", "shell.bind.no", id="confirm-no"),
        Binding("escape", "answer(False)", "shell.bind.cancel", id="confirm-cancel"),
        Binding("left", "app.focus_previous", show=False, id="confirm-left"),
        Binding("right", "app.focus_next", show=False, id="confirm-right"),
        Binding("f1,question_mark", "app.help", "shell.bind.help", id="confirm-help", key_display="F1"),
    ]

    def __init__(self, question: str, *, yes: str | None = None, no: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(self.question, id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(self.yes_label or t("shell.yes"), id="yes", variant="error", compact=True)
                yield Button(self.no_label or t("shell.no"), id="no", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
