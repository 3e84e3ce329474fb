"""The title screen: the name drawn large and the main menu. It also tells the player when their save
was damaged and set aside, and when the levels could not be loaded."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from capquest.i18n import t
from capquest.tui.screens.base import CapQuestScreen
from capquest.tui.shell import (
    OpenCampaign,
    OpenProgress,
    OpenSandbox,
    OpenSettings,
    OpenTutorial,
    ResetProgress,
    SwitchPack,
)
from capquest.tui.widgets.banner import Banner

MENU = ("new", "continue", "tutorial", "packs", "settings", "sandbox", "progress", "quit")


class TitleScreen(CapQuestScreen):
    CSS_PATH = "title.tcss"
    HELP_KEY = "shell.help.title"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(n), f"choose('{item}')", f"shell.menu.{item}", id=f"menu-{item}", show=False)
            for n, item in enumerate(MENU, start=1)
        ),
        # The same key as on the map, so the summary is one key away wherever the player stands.
        Binding("p", "choose('progress')", "shell.bind.progress", id="title-progress"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="title-body"):
            with Center():
                yield Banner(ascii_only=self.shell.ascii_borders, id="banner")
            yield Static(t("shell.tagline"), id="tagline", markup=False)
            with Center():
                yield OptionList(*self._options(), id="menu")
            yield Static("", id="title-notice", classes="notice", markup=False)
        yield Footer()

    def _options(self) -> list[Option]:
        started = self._started()
        options = []
        for n, item in enumerate(MENU, start=1):
            options.append(
                Option(f"{n}  {t(f'shell.menu.{item}')}", id=item, disabled=self._disabled(item, started))
            )
        return options

    def _disabled(self, item: str, started: bool) -> bool:
        if item == "continue":
            return not started
        if item == "progress":  # the summary needs the levels (still loading, or failed to load)
            return self.shell.campaign() is None
        return False

    def _started(self) -> bool:
        state = self.shell.campaign()
        if state is not None:
            return state.started
        # The levels are still loading: any progress saved counts, so Continue works at once.
        packs = getattr(self.shell.progress, "packs", None) or {}
        return any(getattr(p, "levels", None) for p in packs.values())

    def on_mount(self) -> None:
        self._show_notices()
        menu = self.query_one("#menu", OptionList)
        menu.highlighted = 1 if self._started() else 0
        menu.focus()

    def _show_notices(self) -> None:
        lines = [self.shell.notice_text(n) for n in self.shell.notices]
        if self.shell.pack_error:
            lines.append(t("shell.pack_failed", reason=self.shell.pack_error))
        notice = self.query_one("#title-notice", Static)
        notice.update("\n".join(lines))
        notice.display = bool(lines)

    def state_changed(self) -> None:
        if not self.is_mounted:
            return
        menu = self.query_one("#menu", OptionList)
        highlighted = menu.highlighted
        menu.set_options(self._options())
        menu.highlighted = highlighted if highlighted is not None else (1 if self._started() else 0)
        if highlighted == 0 and self._started():
            menu.highlighted = 1  # progress just loaded: Continue is the likely choice
        self.query_one("#banner", Banner).ascii_only = self.shell.ascii_borders
        self._show_notices()

    async def retranslate(self) -> None:
        await super().retranslate()
        self.on_mount()

    def on_screen_resume(self) -> None:
        banner = self.query_one("#banner", Banner)
        banner.ascii_only = self.shell.ascii_borders
        self.state_changed()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.action_choose(event.option.id)

    def action_choose(self, item: str) -> None:
        menu = self.query_one("#menu", OptionList)
        index = MENU.index(item)
        if menu.get_option_at_index(index).disabled:
            return
        menu.highlighted = index
        if item == "new":
            if self._started():
                from capquest.tui.screens.confirm import ConfirmScreen

                def start_over(confirmed: bool | None) -> None:
                    if confirmed:
                        self.post_message(ResetProgress())
                        self.post_message(OpenCampaign())

                self.app.push_screen(
                    ConfirmScreen(t("shell.confirm_new_game"), yes=t("shell.confirm_new_game_yes")),
                    start_over,
                )
            else:
                self.post_message(OpenCampaign())
        elif item == "continue":
            state = self.shell.campaign()
            target = state.next_level() if state else None
            self.post_message(OpenCampaign(focus_level=target.id if target else None))
        elif item == "tutorial":
            self.post_message(OpenTutorial())
        elif item == "sandbox":
            self.post_message(OpenSandbox())
        elif item == "progress":
            self.post_message(OpenProgress())
        elif item == "packs":
            from capquest.tui.screens.pack_picker import PackPickerScreen, available_packs

            def chosen(pack: Any) -> None:
                if pack is not None:
                    self.post_message(SwitchPack(pack))

            self.app.push_screen(
                PackPickerScreen(available_packs(), self.shell.pack_id, self.shell.language), chosen
            )
        elif item == "settings":
            self.post_message(OpenSettings())
        elif item == "quit":
            self.app.exit(0)
