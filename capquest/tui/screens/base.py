"""The one base of every capquest screen, shell and play alike.

What the app may count on from any screen it hosts: its bindings' descriptions follow the language
(`capquest.tui.bindings`), `retranslate` re-renders it after a live language switch, `state_changed`
after the pack loaded or the progress changed, `help_text`/`help_concepts` feed the help screen, and
`session` is the play session a play screen shows (None on the shell's screens). The app calls these
(attributes and calls down); a screen asks the app for anything through messages (`capquest.tui.shell`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.screen import ModalScreen, Screen

from capquest.i18n import t
from capquest.tui.bindings import localize_bindings

if TYPE_CHECKING:
    from capquest.tui.session import PlaySession
    from capquest.tui.shell import Shell


class LocalizedHelp:
    """`Screen.HELP` read from the catalogue (the class's `HELP_KEY`) at access time, so it follows a live
    language switch (Textual's help panel reads `Screen.HELP`; the help screen reads `help_text`)."""

    def __get__(self, obj: object, owner: type | None = None) -> str | None:
        key = getattr(owner if owner is not None else type(obj), "HELP_KEY", "")
        return t(key) if key else None


class CapQuestScreen(Screen):
    HELP_KEY: ClassVar[str] = ""  # catalogue key of a few lines about this screen, for the help screen
    HELP: ClassVar[str | None] = LocalizedHelp()  # type: ignore[assignment]  # a descriptor, read as str
    session: PlaySession | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        localize_bindings(self)

    @property
    def shell(self) -> Shell:
        """The game shell's state, read-only (the app hosting this screen)."""
        return cast("Shell", self.app)

    async def retranslate(self) -> None:
        """Called by the app after the language changed. The default rebuilds the screen's widgets;
        screens with state worth keeping override it."""
        localize_bindings(self)
        await self.recompose()

    def state_changed(self) -> None:
        """Called by the app when the pack finished loading or the progress changed."""

    def help_text(self) -> str:
        """A few lines about this screen for the help screen."""
        return t(self.HELP_KEY) if self.HELP_KEY else ""

    def help_concepts(self) -> list[Any]:
        """Glossary concepts (capquest.packs.model.Concept) the help screen explains for this screen."""
        return []


class CapQuestModal(CapQuestScreen, ModalScreen):
    """A dialog over the screen below (dimming it); otherwise a `CapQuestScreen`."""
