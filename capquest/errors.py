"""The one error hierarchy: every error capquest raises for something a person typed or a file they gave.

Each is a `CapquestError`; the CLI prints any of them as one line (never a traceback) and the game shows it
in words. Problems in files carry where they are — (file, field, line, reason) — so a teacher can fix them.

    CapquestError
    ├── UsageError          a mistake in a command line (exit code 2)
    ├── PackError           a level pack that cannot be played: `.problems`, each with file, field, line
    ├── UnknownLevelError   a level id a pack does not have
    ├── StrategyError       a card or data-class assignment the level does not offer
    ├── HistoryError        a file that is not a valid operation history: `.details`, `.message(lang)`
    ├── SaveFormatError     a file that is not a valid save or export: `.reason`, `.detail`
    └── StudentNameError    a name typed on a served classroom's first screen: `.reason`, `.name`

Floor 1: imports nothing of capquest but the catalogue (lazily), so every layer may raise and catch these.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from capquest.history import HistoryProblem
    from capquest.packs.problems import Problem


class CapquestError(Exception):
    """Bad input from a person or a file: shown as one line, never as a traceback."""


class UsageError(CapquestError):
    """A mistake in what the user typed on the command line: printed as one line, exit code 2."""


class PackError(CapquestError):
    """A pack that cannot be played: `problems` lists every problem found (errors first)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = sorted(problems, key=lambda p: p.severity != "error")
        errors = [p for p in self.problems if p.severity == "error"]
        shown = "\n".join(str(p) for p in errors[:20])
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(f"{len(errors)} problem(s) in the pack:\n{shown}{more}")


class UnknownLevelError(CapquestError, LookupError):
    """A level id the pack does not have; the message names the pack's levels and the nearest one."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class StrategyError(CapquestError, ValueError):
    """A card or assignment that does not exist in the level (a usage error for the CLI)."""


class HistoryError(CapquestError, ValueError):
    """A file that is not a valid history. `details` lists the first problems; `problems` is the same
    in English ("path: reason"), and `message(lang)` is the one line the CLI prints."""

    def __init__(self, problems: list[HistoryProblem], more: int = 0) -> None:
        self.details = problems
        self.problems = [p.text("en") for p in problems]
        self.more = more
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        from capquest.i18n import t

        text = self.details[0].text(lang) if self.details else t("history.not_valid", lang)
        extra = len(self.details) - 1 + self.more
        if extra == 1:
            text += t("history.and_one_more", lang)
        elif extra:
            text += t("history.and_more", lang, count=extra)
        return text


SaveReason = Literal[
    "unreadable",
    "bad_magic",
    "bad_checksum",
    "newer_version",
    "older_version",
    "wrong_kind",
    "bad_content",
    "too_big",  # over the size cap: refused before a byte is read
    "not_a_file",  # a folder, a device or a pipe
]


class SaveFormatError(CapquestError, ValueError):
    """A file that is not a valid save: `reason` says why (a key for the player's message), `detail` how."""

    def __init__(self, reason: SaveReason, detail: str) -> None:
        super().__init__(detail)
        self.reason: SaveReason = reason
        self.detail = detail


NameReason = Literal["empty", "reserved", "in_use", "unavailable"]


class StudentNameError(CapquestError, ValueError):
    """A student's name `capquest serve` cannot use: `reason` picks the message (`serve.name_<reason>`),
    `name` is the name as made safe for a folder (or as typed, when nothing of it was left)."""

    def __init__(self, reason: NameReason, name: str = "") -> None:
        super().__init__(f"{reason}: {name!r}")
        self.reason: NameReason = reason
        self.name = name
