"""`--pack PATH`: the one way every command turns what the user typed into a loaded pack.

A folder, or the id of a pack installed with `capquest pack install`; no `--pack` means the built-in
campaign. A pack that is missing or invalid is a usage error naming the first problem and the command that
lists them all.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from capquest.errors import PackError, UsageError
from capquest.i18n import t

if TYPE_CHECKING:
    from capquest.packs import Pack


def add_pack_option(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    # Accepted before and after the sub-command; the sub-command's copy must not reset the top one.
    parser.add_argument(
        "--pack", metavar="PATH", default=None if top else argparse.SUPPRESS, help=t("cli.help_pack")
    )


def open_pack(value: str) -> Pack:
    """The pack `value` names (a folder or an installed id), loaded and valid, or a `UsageError`."""
    from capquest.packs import load_pack
    from capquest.packs.installed import locate_pack

    try:
        return load_pack(locate_pack(value))
    except LookupError as exc:
        raise UsageError(str(exc)) from None
    except PackError as exc:
        raise UsageError(
            t(
                "cli.invalid_pack",
                where=value,
                count=len(exc.problems),
                first=exc.problems[0] if exc.problems else "?",
                path=value,
            )
        ) from None


def pack_from(args: argparse.Namespace) -> Pack:
    """The pack of `--pack`, or the built-in campaign."""
    value = getattr(args, "pack", None)
    if value:
        return open_pack(value)
    from capquest.packs import builtin_pack

    try:
        return builtin_pack()
    except PackError as exc:  # a damaged installation: still one line, never a traceback
        raise UsageError(
            t(
                "cli.invalid_pack",
                where=t("cli.builtin_campaign"),
                count=len(exc.problems),
                first=exc.problems[0] if exc.problems else "?",
                path="levels/campaign",
            )
        ) from None
