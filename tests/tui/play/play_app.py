"""A minimal host app for the play screens in tests (the shell's shared builder replaces it once the
`tui` branch has one). It records the messages the screens post up."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.message import Message

from capquest import i18n
from capquest.tui.screens.level import LevelScreen
from capquest.tui.session import PlaySession


class PlayTestApp(App):
    def __init__(self, session: PlaySession, *, lang: str = "en", start: Any = None) -> None:
        super().__init__()
        self.session = session
        self.lang = lang
        self.start = start  # a screen factory (session -> Screen); default the level screen
        self.posted: list[Message] = []

    def on_mount(self) -> None:
        i18n.set_language(self.lang)
        screen = self.start(self.session) if self.start else LevelScreen(self.session)
        self.push_screen(screen)

    def _record(self, message: Message) -> None:
        self.posted.append(message)

    # every message the play screens post up
    on_level_screen_run_started = _record
    on_level_screen_run_finished = _record
    on_level_screen_card_chosen = _record
    on_level_screen_class_assigned = _record
    on_results_screen_why_requested = _record
    on_results_screen_chart_opened = _record
    on_results_screen_next_level_requested = _record
