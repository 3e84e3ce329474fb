"""Settings: language, theme, ASCII borders, reduced motion, replay speed, and reset of progress.

Each row shows its value; Enter, Space or → moves to the next value, ← to the previous one, and the
change applies at once (the language switches the whole app live, footer included) and is saved.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import set_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from capquest.i18n import LANGS, t
from capquest.tui.progress import REPLAY_SPEEDS
from capquest.tui.screens.base import CapQuestScreen
from capquest.tui.shell import ChangeSetting, ResetProgress
from capquest.tui.theme import THEME_NAMES

ROWS = ("language", "theme", "ascii_borders", "reduced_motion", "replay_speed", "reset")
LABEL_CELLS = 22


class SettingsScreen(CapQuestScreen):
    CSS_PATH = "settings.tcss"
    HELP_KEY = "shell.help.settings"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.back", "shell.bind.back", id="settings-back"),
        # priority: the option list would otherwise take left/right for horizontal scrolling
        Binding("right", "cycle(1)", "shell.bind.change", id="settings-next", priority=True),
        Binding("left", "cycle(-1)", "shell.bind.change_back", id="settings-previous", priority=True),
        Binding("space", "cycle(1)", "shell.bind.change", id="settings-space", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Static(t("shell.settings.title"), id="settings-title", markup=False)
        yield OptionList(*self._options(), id="settings")
        yield Static("", id="settings-about", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#settings", OptionList).focus()
        self._describe()

    async def retranslate(self) -> None:
        highlighted = self.query_one("#settings", OptionList).highlighted
        await super().retranslate()
        self.query_one("#settings", OptionList).highlighted = highlighted
        self.on_mount()

    # ---------------------------------------------------------------------------------- values
    def value_text(self, row: str) -> str:
        shell = self.shell
        if row == "language":
            return t(f"shell.lang.{shell.language}")
        if row == "theme":
            return t(f"shell.theme.{shell.theme}") if shell.theme in THEME_NAMES else shell.theme
        if row in ("ascii_borders", "reduced_motion"):
            on = shell.reduced_motion if row == "reduced_motion" else bool(shell.settings[row])
            return t("shell.on") if on else t("shell.off")
        if row == "replay_speed":
            return f"{shell.replay_speed:g}x"
        return ""

    def _row(self, row: str) -> Text:
        text = Text(set_cell_size(t(f"shell.settings.{row}"), LABEL_CELLS))
        value = self.value_text(row)
        if value:
            text.append(f"< {value} >", style="bold")
        return text

    def _options(self) -> list[Option]:
        return [Option(self._row(row), id=row) for row in ROWS]

    def _refresh_rows(self) -> None:
        settings = self.query_one("#settings", OptionList)
        for row in ROWS:
            settings.replace_option_prompt(row, self._row(row))
        self._describe()

    def _describe(self) -> None:
        settings = self.query_one("#settings", OptionList)
        row = ROWS[settings.highlighted or 0]
        about = t(f"shell.settings.{row}_about")
        if (
            row == "reduced_motion"
            and self.shell.reduced_motion
            and not self.shell.settings["reduced_motion"]
        ):
            about += "\n" + t("shell.settings.reduced_motion_env")
        self.query_one("#settings-about", Static).update(about)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._describe()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_cycle(1)

    # ---------------------------------------------------------------------------------- changes
    def action_cycle(self, step: int) -> None:
        settings = self.query_one("#settings", OptionList)
        row = ROWS[settings.highlighted or 0]
        shell = self.shell
        if row == "reset":
            self._confirm_reset()
            return
        # The shell applies the change, saves it and calls `state_changed`, which redraws the rows (a
        # language change re-renders the whole screen).
        if row == "language":
            self.post_message(ChangeSetting("language", _next(LANGS, shell.language, step)))
        elif row == "theme":
            self.post_message(ChangeSetting("theme", _next(THEME_NAMES, shell.theme, step)))
        elif row in ("ascii_borders", "reduced_motion"):
            self.post_message(ChangeSetting(row, not bool(shell.settings[row])))
        elif row == "replay_speed":
            self.post_message(ChangeSetting("replay_speed", _next(REPLAY_SPEEDS, shell.replay_speed, step)))

    def state_changed(self) -> None:
        if self.is_mounted:
            self._refresh_rows()

    def _confirm_reset(self) -> None:
        from capquest.tui.screens.confirm import ConfirmScreen

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.post_message(ResetProgress())

        self.app.push_screen(
            ConfirmScreen(t("shell.confirm_reset"), yes=t("shell.confirm_reset_yes")), answered
        )


def _next(values: tuple[Any, ...], current: Any, step: int) -> Any:
    index = values.index(current) if current in values else -step
    return values[(index + step) % len(values)]
