"""`capquest pack validate|new|schema|solve|install|list|remove`: the instructors' tools.

This module only builds the parser and dispatches; the tools themselves are `capquest.cli.pack_tools`,
imported when a pack command runs, so that building the parser for another command stays cheap.
"""

from __future__ import annotations

import argparse
import os
import sys

from capquest.cli.parser import Subcommands, add_command
from capquest.errors import UsageError
from capquest.i18n import t

COMMANDS = ("validate", "new", "schema", "solve", "install", "list", "remove")
HANDLERS = {
    "validate": "validate",
    "new": "new",
    "schema": "print_schema",
    "solve": "solve",
    "install": "install",
    "list": "list_packs",
    "remove": "remove",
}


def register(sub: Subcommands) -> None:
    from capquest.cli.parser import CommandParser
    from capquest.cli.simulate import add_seed_option

    parser = add_command(sub, "pack", "cli.help_pack_command")
    parser.set_defaults(run=run)
    psub = parser.add_subparsers(
        dest="pack_command", parser_class=CommandParser, title=t("cli.help_pack_command")
    )
    for name in COMMANDS:
        pp = add_command(psub, name, f"cli.help_pack_{name}")
        if name in ("validate", "solve", "install"):
            pp.add_argument("path", metavar="PATH", help=t("cli.help_pack_path"))
        if name == "new":
            pp.add_argument("path", metavar="DIR", help=t("cli.help_pack_new_dir"))
        if name == "solve":
            pp.add_argument("level", metavar="LEVEL", nargs="?", help=t("cli.help_pack_level"))
            add_seed_option(pp)
        if name == "remove":
            pp.add_argument("pack_id", metavar="PACK_ID", help=t("cli.help_pack_id"))
        if name == "validate":
            pp.add_argument("--no-design", action="store_true", help=t("cli.help_no_design"))
        if name == "schema":
            pp.add_argument(
                "--which", choices=["level", "manifest", "concepts"], default=None, help=t("cli.help_which")
            )
        if name in ("validate", "solve", "list"):
            pp.add_argument("--json", action="store_true", help=t("cli.help_json"))


def run(args: argparse.Namespace) -> int:
    command = getattr(args, "pack_command", None)
    if not command:
        raise UsageError(t("cli.pack_needs_command", commands=", ".join(COMMANDS)))
    from capquest.cli import pack_tools

    try:
        return int(getattr(pack_tools, HANDLERS[command])(args))
    except BrokenPipeError:  # `capquest pack schema | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
