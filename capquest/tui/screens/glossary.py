"""The glossary: the concept cards met so far, the English and Korean terms side by side, and a short
explanation in the current language. Opens from anywhere (the `g` key, F2, or the command palette)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from capquest.i18n import t
from capquest.tui.screens.base import CapQuestModal


class GlossaryScreen(CapQuestModal):
    CSS_PATH = "glossary.tcss"
    HELP_KEY = "shell.help.glossary"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "shell.bind.close", id="glossary-close"),
        Binding("g", "close", "shell.bind.close", id="glossary-close-g", show=False),
        # A modal screen hides the app's bindings: help is declared again on each one.
        Binding("f1,question_mark", "app.help", "shell.bind.help", id="glossary-help", key_display="F1"),
    ]

    def __init__(self, concepts: list[Any]) -> None:
        super().__init__()
        self.concepts = concepts

    def compose(self) -> ComposeResult:
        with Vertical(id="glossary-panel") as panel:
            panel.border_title = t("shell.glossary.heading", count=len(self.concepts))
            if not self.concepts:
                yield Static(t("shell.glossary.empty"), id="glossary-empty", markup=False)
            else:
                with Horizontal(id="glossary-body"):
                    yield OptionList(*(Option(self._term_row(c), id=c.id) for c in self.concepts), id="terms")
                    with VerticalScroll(id="card"):
                        yield Static("", id="card-text")
        yield Footer()

    def _term_row(self, concept: Any) -> Text:
        # English over Korean, whatever the language of the game (the card beside puts them on one line).
        text = Text(concept.term.get("en"), style="bold")
        if concept.term.ko and concept.term.ko != concept.term.en:
            text.append("\n" + concept.term.ko)
        return text

    def on_mount(self) -> None:
        if self.concepts:
            terms = self.query_one("#terms", OptionList)
            terms.highlighted = 0
            terms.focus()
            self._show(0)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(event.option_index)

    def _show(self, index: int) -> None:
        concept = self.concepts[index]
        lang = self.shell.language
        text = Text()
        text.append(concept.term.get("en"), style="bold")
        if concept.term.ko:
            text.append("  /  ")
            text.append(concept.term.ko, style="bold")
        text.append("\n\n" + concept.body.get(lang) + "\n")
        if concept.source:
            text.append("\n" + t("shell.glossary.source", source=concept.source), style="italic dim")
        self.query_one("#card-text", Static).update(text)

    async def retranslate(self) -> None:
        await super().retranslate()
        self.on_mount()

    def action_close(self) -> None:
        self.dismiss(None)
