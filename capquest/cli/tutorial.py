"""`capquest tutorial`: the game opened straight into the guided course. Textual is imported only when run."""

from __future__ import annotations

import argparse

from capquest.cli.parser import Subcommands, add_command


def register(sub: Subcommands) -> None:
    parser = add_command(sub, "tutorial", "cli.help_tutorial")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from capquest.tui.launch import run_tutorial

    return run_tutorial(args)
