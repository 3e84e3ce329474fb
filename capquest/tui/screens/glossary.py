"""The glossary: every concept card of the pack, the English and Korean terms side by side. A card met
so far shows a short explanation in the current language; a locked one shows its term and the level that
unlocks it, so the glossary can be browsed from the start. Opens from anywhere (`g`, F2, the palette)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from capquest.i18n import t
from capquest.tui.progress import GlossaryEntry, concepts_met
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

    def __init__(self, entries: list[GlossaryEntry]) -> None:
        super().__init__()
        self.entries = entries

    @property
    def concepts(self) -> list[Any]:
        """The cards met so far (the heading counts them)."""
        return [e.concept for e in self.entries if e.met]

    def compose(self) -> ComposeResult:
        with Vertical(id="glossary-panel") as panel:
            panel.border_title = t(
                "shell.glossary.heading_met", met=concepts_met(self.entries), count=len(self.entries)
            )
            if not self.entries:
                yield Static(t("shell.glossary.empty"), id="glossary-empty", markup=False)
            else:
                with Horizontal(id="glossary-body"):
                    yield OptionList(
                        *(Option(self._term_row(e), id=e.concept.id) for e in self.entries), id="terms"
                    )
                    with VerticalScroll(id="card"):
                        yield Static("", id="card-text")
        yield Footer()

    def _term_row(self, entry: GlossaryEntry) -> Text:
        # English over Korean, whatever the language of the game (the card beside puts them on one line).
        concept = entry.concept
        text = Text(concept.term.get("en"), style="bold" if entry.readable else "dim")
        if concept.term.ko and concept.term.ko != concept.term.en:
            text.append("\n" + concept.term.ko, style="" if entry.readable else "dim")
        return text

    def on_mount(self) -> None:
        if self.entries:
            terms = self.query_one("#terms", OptionList)
            terms.highlighted = 0
            terms.focus()
            self._show(0)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(event.option_index)

    def _show(self, index: int) -> None:
        entry = self.entries[index]
        concept = entry.concept
        lang = self.shell.language
        text = Text()
        text.append(concept.term.get("en"), style="bold")
        if concept.term.ko:
            text.append("  /  ")
            text.append(concept.term.ko, style="bold")
        if not entry.readable:  # the term only: the explanation waits for the level that teaches it
            text.append("\n\n")
            slot = entry.unlocked_by
            if slot is None:
                text.append(t("shell.glossary.locked"), style="italic dim")
            else:
                where = t("shell.glossary.locked_by", n=slot.index, title=slot.level.title.get(lang))
                text.append(where, style="italic dim")
            self.query_one("#card-text", Static).update(text)
            return
        text.append("\n\n" + concept.body.get(lang) + "\n")
        if not entry.met:  # readable because the screen below shows it; the heading does not count it yet
            text.append("\n" + t("shell.glossary.on_screen"), style="italic dim")
        if concept.source:
            text.append("\n" + t("shell.glossary.source", source=concept.source), style="italic dim")
        self.query_one("#card-text", Static).update(text)

    async def retranslate(self) -> None:
        await super().retranslate()
        self.on_mount()

    def action_close(self) -> None:
        self.dismiss(None)
