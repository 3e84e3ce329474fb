"""What a screen may ask of the game shell, and what it may read from it, without importing the app.

Screens post these messages up (Textual bubbles a screen's messages to the app, which handles them in
`CapQuestApp.on_*`); the app hands state down (it calls `CapQuestScreen.state_changed` and `retranslate`,
and screens read the shell's state through the `Shell` protocol below). So `capquest.tui.app` imports the
screens and no screen imports the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from textual.binding import Binding
from textual.message import Message

if TYPE_CHECKING:
    from textual.screen import Screen

    from capquest.tui.progress import Campaign, Pack


class OpenCampaign(Message):
    """Show the campaign map (of the pack being played), on `focus_level` if given."""

    def __init__(self, focus_level: str | None = None) -> None:
        super().__init__()
        self.focus_level = focus_level


class OpenLevel(Message):
    """Open a level's screen (the shell checks it exists and is unlocked)."""

    def __init__(self, level_id: str) -> None:
        super().__init__()
        self.level_id = level_id


class OpenTutorial(Message):
    """Start (or resume) the guided course."""


class OpenSandbox(Message):
    """Open the sandbox: blank, or with `level`'s scenario pre-filled (a `LevelFile`)."""

    def __init__(self, level: Any = None) -> None:
        super().__init__()
        self.level = level


class OpenSettings(Message):
    """Show the settings screen."""


class OpenProgress(Message):
    """Show the progress summary (per chapter: levels passed, stars, concept cards met)."""


class SwitchPack(Message):
    """Play another pack (its own progress), from its campaign map."""

    def __init__(self, pack: Pack) -> None:
        super().__init__()
        self.pack = pack


class ChangeSetting(Message):
    """Change a setting: the shell applies it at once, saves it, and tells the screens (`state_changed`)."""

    def __init__(self, key: str, value: Any) -> None:
        super().__init__()
        self.key = key
        self.value = value


class ResetProgress(Message):
    """Start over (the store keeps the old progress as a backup file)."""


class Shell(Protocol):
    """The shell's state as screens read it (`CapQuestApp` provides it)."""

    language: str
    ascii_borders: bool
    theme: str
    settings: dict[str, Any]
    progress: Any
    notices: list[Any]
    pack: Pack | None
    pack_error: str | None
    last_level: str | None
    tutorial_flow: Any

    @property
    def pack_id(self) -> str: ...

    @property
    def reduced_motion(self) -> bool: ...

    @property
    def replay_speed(self) -> float: ...

    @property
    def theme_variables(self) -> dict[str, str]: ...

    def campaign(self) -> Campaign | None: ...

    def notice_text(self, notice: Any) -> str: ...

    def concepts_on_screen(self, screen: Screen) -> list[Any]: ...

    def get_key_display(self, binding: Binding) -> str: ...
