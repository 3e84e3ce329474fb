"""A short message over the current screen, closed with Enter or Escape."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Footer, Static

from capquest.i18n import t
from capquest.tui.screens.base import CapQuestModal


class MessageScreen(CapQuestModal):
    CSS_PATH = "message.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "shell.bind.close", id="message-close")
    ]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(id="message-dialog") as dialog:
            dialog.border_title = self.title_text
            with VerticalScroll(id="message-scroll"):
                yield Static(self.body, id="message-body", markup=False)
            yield Button(t("shell.ok"), id="message-ok", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#message-ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
