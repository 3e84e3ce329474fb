"""`capquest` / `capquest play [--pack PATH]`: the game's title screen. Textual is imported only when run."""

from __future__ import annotations

import argparse

from capquest.cli.pack_option import add_pack_option
from capquest.cli.parser import Subcommands, add_command


def register(sub: Subcommands) -> None:
    parser = add_command(sub, "play", "cli.help_play")
    add_pack_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from capquest.tui.launch import run_game

    return run_game(args)
