"""`capquest` entry point: one module per sub-command, each registering its own sub-parser.

A command module (`capquest/cli/<name>.py`) has `register(sub)`, which adds its parser and sets
`run=<its handler>` as a default, and `run(args) -> int`. Its module level imports only argparse, the
catalogue and this package, so building the parser stays cheap; `run` imports what it needs. Without a
sub-command the game starts (Textual, imported only then). The headless commands (`levels`, `simulate`,
`check`, `pack ...`, `report`, `export`) never import Textual; a test checks `sys.modules` in a subprocess.

Every message follows `--lang`, argparse's own included (`capquest.cli.parser`). Exit codes: 0 the command
did its job, 1 the command's answer is "no" (invalid pack, anomalies found), 2 a usage error (unknown level,
card or option) — always one clear line, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from capquest import __version__
from capquest.cli.pack_option import add_pack_option
from capquest.cli.parser import CommandParser, add_lang, lang_in, speak
from capquest.errors import CapquestError, UsageError
from capquest.untrusted import printable

# The sub-commands, in the order `--help` lists them; each is capquest/cli/<name>.py.
COMMANDS = (
    "play",
    "tutorial",
    "sandbox",
    "levels",
    "simulate",
    "check",
    "lab",
    "pack",
    "export",
    "report",
    "serve",
)


def build_parser() -> argparse.ArgumentParser:
    from capquest.i18n import t

    parser = CommandParser(prog="capquest", description=t("cli.help_description"))
    parser.add_argument("--version", action="version", version=f"capquest {__version__}")
    add_lang(parser, top=True)
    add_pack_option(parser, top=True)
    sub = parser.add_subparsers(dest="command", parser_class=CommandParser)
    for name in COMMANDS:
        importlib.import_module(f"capquest.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from capquest.i18n import set_language

    args_in = list(sys.argv[1:] if argv is None else argv)
    try:
        from capquest.saves.peek import saved_language

        # The saved setting sits between CAPQUEST_LANG and the locale (architecture: "Language"); the
        # language is chosen before parsing so that argparse's own errors and --help speak it too.
        speak(set_language(lang_in(args_in), saved_language()))
        args = build_parser().parse_args(args_in)
        if args.command is None:
            from capquest.cli.play import run as play

            args.run = play
        code = int(args.run(args) or 0)
        sys.stdout.flush()  # inside the try: a closed pipe surfaces here, not at interpreter exit
        return code
    except UsageError as exc:  # printable: a message may quote a path or a value from a file
        print(printable(f"capquest: {exc}", keep_lines=True), file=sys.stderr)
        return 2
    except CapquestError as exc:  # bad input a command did not word itself: still one line
        print(printable(f"capquest: {exc}".splitlines()[0]), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `capquest levels --json | head`: the reader left; stop quietly, as Unix tools do.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    finally:
        speak("en")  # argparse's own gettext back, for a program (or test) that calls main() in-process


if __name__ == "__main__":
    sys.exit(main())
