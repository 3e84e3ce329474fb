"""The campaign map: chapters and their levels in unlock order, with locks, stars and best scores, and
the highlighted level's briefing beside the list. Enter (or the level's number) opens the level."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import set_cell_size
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from capquest.i18n import t
from capquest.scoring import score_text
from capquest.tui.progress import LevelSlot
from capquest.tui.screens.base import CapQuestScreen
from capquest.tui.shell import OpenLevel, OpenProgress
from capquest.tui.widgets.stars import stars_text


def level_row(slot: LevelSlot, lang: str, *, ascii_only: bool, colour: str) -> Table:
    """One entry of the map: number, stars (or "locked"), best score, title. The fixed columns come
    first and are padded by terminal cells (a Hangul syllable is two), so Korean rows line up with
    English ones; the title comes last and wraps at its words under itself when the list is narrow
    (it was cut mid-word with an ellipsis: "2 AM: twenty times the tra…")."""
    row = Text(no_wrap=True)
    row.append(f"{slot.index:>2} ", style="bold")
    if slot.unlocked:
        row.append_text(stars_text(slot.record.stars, ascii_only=ascii_only, colour=colour))
        row.append(" ")
    else:
        row.append(set_cell_size(t("shell.map.locked_short"), 4), style="dim italic")
    best = slot.record.best_score
    row.append(f"{score_text(best):>5}  " if slot.unlocked and best is not None else " " * 7)
    title = Text(slot.level.title.get(lang), style="" if slot.unlocked else "dim")
    grid = Table.grid()
    grid.add_column(width=row.cell_len, no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    grid.add_row(row, title)
    return grid


class CampaignMapScreen(CapQuestScreen):
    CSS_PATH = "campaign_map.tcss"
    HELP_KEY = "shell.help.map"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.back", "shell.bind.back", id="map-back"),
        Binding("enter", "play", "shell.bind.play", id="map-play"),
        Binding("p", "progress", "shell.bind.progress", id="map-progress"),
        *(
            Binding(str(n), f"jump({n})", "shell.bind.jump", id=f"map-jump-{n}", show=False)
            for n in range(1, 10)
        ),
    ]

    def __init__(self, focus_level: str | None = None) -> None:
        super().__init__()
        self.focus_level = focus_level

    def compose(self) -> ComposeResult:
        yield Static("", id="map-header", markup=False)
        with Horizontal(id="map-body"):
            yield OptionList(id="levels")
            with VerticalScroll(id="detail") as detail:
                detail.can_focus = False
                yield Static("", id="detail-text", markup=False)
        yield Footer()

    def action_progress(self) -> None:
        self.post_message(OpenProgress())

    def on_mount(self) -> None:
        self.state_changed()
        self.query_one("#levels", OptionList).focus()

    async def retranslate(self) -> None:
        levels = self.query_one("#levels", OptionList)
        if levels.highlighted is not None:
            self.focus_level = levels.get_option_at_index(levels.highlighted).id
        await super().retranslate()
        self.on_mount()

    def _slots(self) -> list[LevelSlot]:
        state = self.shell.campaign()
        return list(state.slots) if state else []

    def state_changed(self) -> None:
        if not self.is_mounted:
            return
        app = self.shell
        lang = app.language
        header = self.query_one("#map-header", Static)
        levels = self.query_one("#levels", OptionList)
        state = app.campaign()
        if state is None:
            header.update(
                t("shell.pack_failed", reason=app.pack_error) if app.pack_error else t("shell.pack_loading")
            )
            levels.clear_options()
            return
        pack_title = app.pack.manifest.title.get(lang)
        total = 3 * len(state.slots)
        header.update(t("shell.map.header", pack=pack_title, stars=state.total_stars, total=total))
        colour = app.theme_variables.get("warning", "yellow")
        keep = self.focus_level
        if levels.highlighted is not None and keep is None:
            keep = levels.get_option_at_index(levels.highlighted).id
        options: list[Option] = []
        for group in state.chapters:
            name = (
                group.chapter.title.get(lang) if group.chapter is not None else t("shell.map.other_chapter")
            )
            options.append(Option(Text(name, style="bold underline"), disabled=True))
            for slot in group.slots:
                options.append(
                    Option(level_row(slot, lang, ascii_only=app.ascii_borders, colour=colour), id=slot.id)
                )
        levels.set_options(options)
        target = keep or (state.next_level().id if state.next_level() else None)
        self.focus_level = None
        if target is not None:
            try:
                levels.highlighted = levels.get_option_index(target)
            except Exception:
                levels.highlighted = 1
        self._show_detail()

    def on_screen_resume(self) -> None:
        self.focus_level = self.shell.last_level  # back from a level: stay on the one just played
        self.state_changed()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(OpenLevel(event.option.id))

    def _highlighted_slot(self) -> LevelSlot | None:
        levels = self.query_one("#levels", OptionList)
        if levels.highlighted is None:
            return None
        level_id = levels.get_option_at_index(levels.highlighted).id
        return next((s for s in self._slots() if s.id == level_id), None)

    def _show_detail(self) -> None:
        slot = self._highlighted_slot()
        detail = self.query_one("#detail-text", Static)
        if slot is None:
            detail.update("")
            return
        detail.update(self.detail_text(slot))
        self.query_one("#detail", VerticalScroll).scroll_home(animate=False)

    def detail_text(self, slot: LevelSlot) -> Text:
        lang = self.shell.language
        level = slot.level
        text = Text()
        text.append(f"{slot.index}. {level.title.get(lang)}\n", style="bold")
        record = slot.record
        if not slot.unlocked:
            text.append(t("shell.map.locked_hint") + "\n\n", style="italic")
        else:
            colour = self.shell.theme_variables.get("warning", "yellow")
            text.append_text(stars_text(record.stars, ascii_only=self.shell.ascii_borders, colour=colour))
            if record.best_score is None:  # never "최고 -점": a missing score is said in words
                line = t("shell.map.record_none", attempts=record.attempts)
            else:
                line = t("shell.map.record", best=score_text(record.best_score), attempts=record.attempts)
            text.append("   " + line + "\n\n")
        text.append(level.shown_briefing(lang) + "\n")
        concepts = self._concept_terms(level)
        if concepts:
            text.append("\n" + t("shell.map.concepts") + " ", style="bold")
            text.append(", ".join(concepts))
        return text

    def _concept_terms(self, level: Any) -> list[str]:
        pack = self.shell.pack
        by_id = {c.id: c for c in pack.concepts} if pack is not None else {}
        return [by_id[c].term.get(self.shell.language) if c in by_id else c for c in level.concepts]

    def action_play(self) -> None:
        slot = self._highlighted_slot()
        if slot is not None:
            self.post_message(OpenLevel(slot.id))

    def action_jump(self, number: int) -> None:
        slots = self._slots()
        if number <= len(slots):
            levels = self.query_one("#levels", OptionList)
            levels.highlighted = levels.get_option_index(slots[number - 1].id)
            self.post_message(OpenLevel(slots[number - 1].id))

    def help_concepts(self) -> list[Any]:
        slot = self._highlighted_slot() if self.is_mounted else None
        pack = self.shell.pack
        if slot is None or pack is None:
            return []
        return [c for c in pack.concepts if c.id in slot.level.concepts]
