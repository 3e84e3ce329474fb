"""The progress summary: per chapter, the levels passed, the stars won and the glossary cards met (out of
those its levels unlock), outside the tutorial. Opens from the campaign map (`p`); the shell computes the
figures (`capquest.tui.progress.chapter_progress`), the same ones the map and the glossary show."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Static

from capquest.i18n import t
from capquest.tui.progress import ChapterProgress, GlossaryEntry, concepts_met
from capquest.tui.screens.base import CapQuestModal


class ProgressScreen(CapQuestModal):
    CSS_PATH = "progress_summary.tcss"
    HELP_KEY = "shell.help.progress"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "shell.bind.close", id="progress-close"),
        Binding("p", "close", "shell.bind.close", id="progress-close-p", show=False),
        # A modal screen hides the app's bindings: help is declared again on each one.
        Binding("f1,question_mark", "app.help", "shell.bind.help", id="progress-help", key_display="F1"),
    ]

    def __init__(self, chapters: list[ChapterProgress], entries: list[GlossaryEntry]) -> None:
        super().__init__()
        self.chapters = chapters
        self.entries = entries  # every card of the pack: the total counts as the glossary's heading does

    def compose(self) -> ComposeResult:
        with Vertical(id="progress-panel") as panel:
            panel.border_title = t("shell.progress.heading")
            with VerticalScroll(id="progress-scroll"):
                yield Static(self.summary(), id="progress-text")
        yield Footer()

    def summary(self) -> Text:
        lang = self.shell.language
        out = Text()
        if not self.chapters:
            out.append(t("shell.progress.empty"))
            return out
        # The whole campaign first, then each chapter: the same figures, summed.
        total = t(
            "shell.progress.total",
            passed=sum(c.passed for c in self.chapters),
            total=sum(c.levels for c in self.chapters),
            stars=sum(c.stars for c in self.chapters),
            max_stars=sum(c.max_stars for c in self.chapters),
            met=concepts_met(self.entries),
            cards=len(self.entries),
        )
        out.append(total, style="bold")
        for chapter in self.chapters:
            out.append("\n\n")
            if chapter.chapter is not None:
                title = chapter.chapter.title.get(lang)
            else:
                title = t("shell.map.other_chapter")
            out.append(title, style="bold")
            out.append("\n" + t("shell.progress.levels", passed=chapter.passed, total=chapter.levels))
            out.append("\n" + t("shell.progress.stars", stars=chapter.stars, total=chapter.max_stars))
            out.append(
                "\n" + t("shell.progress.cards", met=chapter.concepts_met, total=len(chapter.concepts))
            )
            for entry in chapter.concepts:
                term = entry.concept.term.get(lang)
                out.append("\n  ")
                if entry.met:
                    out.append(term)
                else:
                    out.append(t("shell.progress.card_locked", term=term), style="dim")
        return out

    def action_close(self) -> None:
        self.dismiss(None)
