"""The command-line parser, in the player's language.

argparse writes its own words ("usage:", "the following arguments are required: %s") through gettext; we
hand it the `argparse` catalogue instead, so its errors and `--help` follow `--lang` like everything else.
Its errors are raised as `UsageError` (one line, exit 2) instead of printing usage and exiting.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any, Protocol

from capquest.errors import UsageError
from capquest.i18n import LANGS, catalog_area, t

_ARGPARSE_GETTEXT = argparse._  # type: ignore[attr-defined]  # kept to restore argparse's own words
_ARGPARSE_NGETTEXT = argparse.ngettext  # type: ignore[attr-defined]  # likewise


class CommandParser(argparse.ArgumentParser):
    """argparse, with its errors raised as `UsageError` rather than printed with the usage."""

    def error(self, message: str) -> None:  # type: ignore[override]  # argparse's is NoReturn; ours raises
        raise UsageError(message)


class Subcommands(Protocol):
    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser: ...


def add_lang(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """--lang is accepted before and after the sub-command; the sub-command's copy must not reset the
    top-level one, hence SUPPRESS as its default."""
    parser.add_argument(
        "--lang",
        choices=list(LANGS),
        default=None if top else argparse.SUPPRESS,
        help=t("cli.help_lang"),
    )


def add_command(sub: Subcommands, name: str, help_key: str) -> argparse.ArgumentParser:
    """A sub-command's parser with its translated help and its own --lang."""
    text = t(help_key)
    parser = sub.add_parser(name, help=text, description=text)
    add_lang(parser)
    return parser


def lang_in(argv: Sequence[str]) -> str | None:
    """The --lang the command line asks for, read before parsing so the parser speaks it."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1] if argv[i + 1] in LANGS else None
        if arg.startswith("--lang="):
            value = arg.partition("=")[2]
            return value if value in LANGS else None
    return None


def speak(lang: str) -> None:
    """Make argparse's own messages speak `lang` (argparse looks `_` and `ngettext` up at call time).
    English restores argparse's own gettext, so a program that embeds `main()` gets argparse back as it was."""
    if lang == "en":
        argparse._ = _ARGPARSE_GETTEXT  # type: ignore[attr-defined]  # argparse's module-level gettext alias
        argparse.ngettext = _ARGPARSE_NGETTEXT  # type: ignore[attr-defined]  # likewise for plurals
        return
    words = {texts["en"]: texts.get(lang) or texts["en"] for texts in catalog_area("argparse").values()}

    def gettext(message: str) -> str:
        return words.get(message, message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return gettext(singular if n == 1 else plural)

    argparse._ = gettext  # type: ignore[attr-defined]  # argparse's module-level gettext alias
    argparse.ngettext = ngettext  # type: ignore[attr-defined]  # likewise for plurals
