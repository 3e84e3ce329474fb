"""Help for whatever screen is under it: what the screen is for, every key binding it answers to (read
from the screen itself, so it is never out of date), and the concept of the level on screen."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static

from capquest.i18n import t
from capquest.tui.screens.base import CapQuestModal, CapQuestScreen


class HelpScreen(CapQuestModal):
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "shell.bind.close", id="help-close"),
        Binding("f1", "close", "shell.bind.close", id="help-close-f1", show=False),
        Binding("question_mark", "close", "shell.bind.close", id="help-close-question", show=False),
    ]

    def __init__(self, for_screen: Screen) -> None:
        super().__init__()
        self.for_screen = for_screen

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-panel") as panel:
            panel.border_title = t("shell.help.heading")
            about = self.for_screen.help_text() if isinstance(self.for_screen, CapQuestScreen) else ""
            if about:
                # Screens may write their help in Markdown (the play screens do); plain text reads the same.
                yield Markdown(about, id="help-about")
            yield Static(self.body(), id="help-body")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-panel").focus()

    def key_rows(self) -> list[tuple[str, str]]:
        """(keys, what they do) for every described binding of the screen below, app-wide ones too."""
        rows: dict[str, list[str]] = {}
        for active in self.for_screen.active_bindings.values():
            binding: Binding = active.binding
            # Only the game's own bindings (they all carry an id): the widgets' built-in ones (scrolling an
            # option list...) are generic and not translated.
            if not binding.description or binding.id is None:
                continue
            flow = self.shell.tutorial_flow
            if binding.action.startswith("tutorial_") and not (flow is not None and flow.active):
                continue  # the course's keys, only while it runs
            display = self.shell.get_key_display(binding)
            keys = rows.setdefault(binding.description, [])
            if display not in keys:
                keys.append(display)
        return [(_join_keys(keys), description) for description, keys in rows.items()]

    def body(self) -> Text:
        text = Text()
        text.append(t("shell.help.keys") + "\n", style="bold")
        rows = self.key_rows()
        width = max((cell_len(keys) for keys, _ in rows), default=0)
        for keys, description in rows:
            text.append("  " + keys + " " * (width - cell_len(keys)) + "  ", style="bold")
            text.append(description + "\n")
        concepts: list[Any] = self.shell.concepts_on_screen(self.for_screen)
        if concepts:
            lang = self.shell.language
            text.append("\n" + t("shell.help.concepts") + "\n", style="bold")
            for concept in concepts:
                other = "ko" if lang == "en" else "en"
                text.append(f"  {concept.term.get(lang)}", style="bold")
                alt = concept.term.get(other)
                if alt and alt != concept.term.get(lang):
                    text.append(f" ({alt})")
                text.append("\n  " + concept.body.get(lang) + "\n")
        text.append("\n" + t("shell.help.everywhere"), style="italic")
        return text

    async def retranslate(self) -> None:
        await super().retranslate()
        self.on_mount()

    def action_close(self) -> None:
        self.dismiss(None)


def _join_keys(keys: list[str]) -> str:
    """ "1 / 2 / ... / 9" reads better as "1-9"."""
    if len(keys) > 2 and all(k.isdigit() for k in keys):
        return f"{keys[0]}-{keys[-1]}"
    return " / ".join(keys)
