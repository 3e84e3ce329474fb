"""Choose which level pack to play: the built-in campaign or a pack installed with
`capquest pack install`. Each pack's progress is kept apart (saved under the pack's id)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from capquest.i18n import t
from capquest.tui.screens.base import CapQuestModal


def available_packs() -> list[tuple[str, Any, str | None]]:
    """(label, pack or None, problem) for the campaign and every installed pack folder; a pack that does
    not load is listed with its first problem, so a broken install is visible rather than missing."""
    from capquest.errors import PackError
    from capquest.packs import builtin_pack, load_pack
    from capquest.packs.installed import installed_folders

    found: list[tuple[str, Any, str | None]] = [("campaign", builtin_pack(), None)]
    for folder in installed_folders():
        try:
            found.append((folder.id, load_pack(folder.path), None))
        except PackError as exc:
            found.append((folder.id, None, str(exc.problems[0]) if exc.problems else "?"))
        except Exception as exc:  # an unreadable folder: say so, never crash the dialog
            found.append((folder.id, None, str(exc)))
    return found


class PackPickerScreen(CapQuestModal):
    """Dismisses with the chosen Pack, or None."""

    CSS_PATH = "pack_picker.tcss"
    HELP_KEY = "shell.packs_choose"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "shell.bind.close", id="packs-close"),
        Binding("f1,question_mark", "app.help", "shell.bind.help", id="packs-help", key_display="F1"),
    ]

    def __init__(self, packs: list[tuple[str, Any, str | None]], current_id: str, lang: str) -> None:
        super().__init__()
        self.packs = packs
        self.current_id = current_id
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical(id="packs-dialog") as dialog:
            dialog.border_title = t("shell.menu.packs")
            yield Static(t("shell.packs_choose"), id="packs-intro")
            options = []
            for index, (pack_id, pack, problem) in enumerate(self.packs):
                label = Text()
                label.append("* " if pack_id == self.current_id else "  ")
                if pack is not None:
                    title = pack.manifest.title.get(self.lang)
                    label.append(title, style="bold")
                    label.append(f"  ({pack_id}, {len(pack.levels)} {t('shell.packs_levels')})", style="dim")
                else:
                    label.append(pack_id, style="bold")
                    label.append(f"  {t('shell.packs_broken', reason=problem or '?')}", style="red")
                options.append(Option(label, id=str(index), disabled=pack is None))
            yield OptionList(*options, id="packs-list")
            yield Static(t("shell.packs_how"), id="packs-how", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.packs[int(event.option.id or 0)][1])

    def action_close(self) -> None:
        self.dismiss(None)
