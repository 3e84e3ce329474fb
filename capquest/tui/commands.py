"""The command palette's commands: open any unlocked level, the glossary, the progress summary, settings,
help, and switch the language or theme. Titles follow the current language."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from capquest.i18n import LANGS, t
from capquest.tui.shell import ChangeSetting, OpenCampaign, OpenLevel, OpenProgress, OpenSettings, Shell


class CapQuestCommands(Provider):
    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app, shell = self.app, cast(Shell, self.app)
        lang = shell.language
        commands: list[tuple[str, str, Callable[[], object]]] = [
            (t("shell.cmd.map"), t("shell.cmd.map_help"), lambda: app.post_message(OpenCampaign())),
            (t("shell.cmd.glossary"), t("shell.cmd.glossary_help"), partial(app.run_action, "glossary")),
            (t("shell.cmd.progress"), t("shell.cmd.progress_help"), lambda: app.post_message(OpenProgress())),
            (t("shell.cmd.settings"), t("shell.cmd.settings_help"), lambda: app.post_message(OpenSettings())),
            (t("shell.cmd.help"), t("shell.cmd.help_help"), partial(app.run_action, "help")),
        ]
        for other in LANGS:
            if other != lang:
                commands.append(
                    (
                        t("shell.cmd.language", language=t(f"shell.lang.{other}")),
                        t("shell.cmd.language_help"),
                        partial(app.post_message, ChangeSetting("language", other)),
                    )
                )
        state = shell.campaign()
        if state is not None:
            for slot in state.slots:
                if slot.unlocked:
                    commands.append(
                        (
                            t("shell.cmd.level", number=slot.index, title=slot.level.title.get(lang)),
                            t("shell.cmd.level_help"),
                            partial(app.post_message, OpenLevel(slot.id)),
                        )
                    )
        return commands

    async def discover(self) -> Hits:
        for title, help_, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_)
