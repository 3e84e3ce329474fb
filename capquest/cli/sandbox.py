"""`capquest sandbox [--pack P] [--level L]`: the game opened in the sandbox, blank or with a level's
scenario pre-filled. The pack and level are checked before Textual is imported, so a wrong name is one
clear line (exit 2), not a screen."""

from __future__ import annotations

import argparse

from capquest.cli.pack_option import add_pack_option
from capquest.cli.parser import Subcommands, add_command
from capquest.i18n import t


def register(sub: Subcommands) -> None:
    parser = add_command(sub, "sandbox", "cli.help_sandbox")
    add_pack_option(parser)
    parser.add_argument("--level", metavar="LEVEL", default=None, help=t("cli.help_sandbox_level"))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from capquest.cli.pack_option import open_pack
    from capquest.errors import UsageError
    from capquest.packs import builtin_pack

    pack = open_pack(args.pack) if getattr(args, "pack", None) else None
    level = None
    if args.level:
        try:
            level = (pack or builtin_pack()).level(args.level)
        except LookupError as exc:
            raise UsageError(str(exc)) from None
    from capquest.tui.launch import run_sandbox

    return run_sandbox(args, level, str(pack.path) if pack is not None and not pack.builtin else None)
