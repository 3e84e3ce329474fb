"""`capquest` entry point.

Without a sub-command it starts the game (Textual, imported only then). The headless sub-commands
(`levels`, `simulate`, `check`, `pack ...`, `report`, `export`) never import Textual, so they start fast
and run anywhere; a test checks `sys.modules` in a subprocess.

Exit codes: 0 the command did its job, 1 the command's answer is "no" (invalid pack, anomalies found),
2 a usage error (unknown level, card or option) — always one clear line, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from capquest import __version__


class UsageError(Exception):
    """A mistake in what the user typed: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse prints usage + message and exits 2; we want the same code with one clear line.
        raise UsageError(message)


def _add_lang(p: argparse.ArgumentParser, *, top: bool) -> None:
    # --lang is accepted before and after the sub-command; the sub-command's copy must not reset the
    # top-level one, hence SUPPRESS as its default.
    p.add_argument(
        "--lang",
        choices=["en", "ko"],
        default=None if top else argparse.SUPPRESS,
        help="language of the game and of messages (en, ko)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="capquest", description="Feel the CAP theorem: a terminal game.")
    parser.add_argument("--version", action="version", version=f"capquest {__version__}")
    _add_lang(parser, top=True)
    parser.add_argument("--pack", metavar="PATH", help="play this level pack instead of the campaign")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    def command(name: str, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        _add_lang(p, top=False)
        return p

    p = command("play", "start the game (the default)")
    p.add_argument("--pack", metavar="PATH", default=argparse.SUPPRESS)

    p = command("tutorial", "start the guided tutorial")

    p = command("levels", "list levels and their cards")
    p.add_argument("--pack", metavar="PATH", default=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("simulate", "run one level with one strategy card, headless")
    p.add_argument("level", metavar="LEVEL_ID")
    p.add_argument("--card", metavar="CARD_ID", help="the strategy card to play")
    p.add_argument(
        "--assign",
        metavar="CLASS=CARD",
        action="append",
        default=[],
        help="for a hybrid: the card for one data class (repeat for each class)",
    )
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the level's, 1)")
    p.add_argument("--pack", metavar="PATH", default=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--history", metavar="FILE", help="also write the operation history as JSON")

    p = command("check", "find consistency anomalies in an operation history file")
    p.add_argument("history", metavar="HISTORY.json")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--svg", metavar="OUT.svg", help="write the anomaly timeline as an SVG picture")

    pack = command("pack", "instructor tools for level packs")
    psub = pack.add_subparsers(dest="pack_command", parser_class=_Parser)
    for name, help_ in (
        ("validate", "check a pack and list every problem"),
        ("new", "create a commented example pack"),
        ("schema", "print the JSON Schema of the pack format"),
        ("solve", "run every card of a pack's levels and show the outcomes"),
        ("install", "install a pack into your data folder"),
        ("list", "list installed packs"),
        ("remove", "remove an installed pack"),
    ):
        pp = psub.add_parser(name, help=help_, description=help_)
        _add_lang(pp, top=False)
        if name in ("validate", "new", "solve", "install"):
            pp.add_argument("path", metavar="PATH" if name != "new" else "DIR")
        if name == "solve":
            pp.add_argument("level", metavar="LEVEL", nargs="?")
            pp.add_argument("--seed", type=int, default=None)
        if name == "remove":
            pp.add_argument("pack_id", metavar="PACK_ID")
        if name == "validate":
            pp.add_argument(
                "--no-design", action="store_true", help="skip the design checks (they simulate every card)"
            )
        if name == "schema":
            pp.add_argument(
                "--which",
                choices=["level", "manifest", "concepts"],
                default=None,
                help="one kind of file only (default: one document for all three)",
            )
        if name in ("validate", "solve", "list"):
            pp.add_argument("--json", action="store_true", help="print JSON")

    p = command("export", "export your progress to a file you can hand in")
    p.add_argument("--name", help="your name, as your teacher knows you")
    p.add_argument("--out", metavar="FILE", help="where to write (default: in your data folder)")

    p = command("report", "summarise exported progress files of a class")
    p.add_argument("files", metavar="SAVEFILE", nargs="+", help="exported files, or a folder of them")
    p.add_argument("--csv", metavar="FILE", help="also write the table as CSV")
    p.add_argument(
        "--pack",
        metavar="PATH",
        action="append",
        dest="report_packs",
        default=[],
        help="re-simulate runs of this pack folder (repeat for several); installed packs are found anyway",
    )
    return parser


# Sub-command name -> "module:function". Imported only when used, so a headless command never pays for
# (or imports) the TUI.
HANDLERS: dict[str, str] = {
    "play": "capquest.tui.launch:run_game",
    "tutorial": "capquest.tui.launch:run_tutorial",
    "levels": "capquest.commands:levels",
    "simulate": "capquest.commands:simulate",
    "check": "capquest.checker.command:check",
    "pack": "capquest.packs.command:pack",
    "export": "capquest.saves.command:export",
    "report": "capquest.saves.command:report",
}


def _handler(name: str) -> Callable[[argparse.Namespace], int]:
    import importlib

    module, _, func = HANDLERS[name].partition(":")
    return getattr(importlib.import_module(module), func)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        from capquest.i18n import set_language
        from capquest.saves.peek import saved_language

        # The saved setting sits between CAPQUEST_LANG and the locale (architecture: "Language").
        set_language(args.lang, saved_language())
        command = args.command or "play"
        if command == "pack" and not getattr(args, "pack_command", None):
            raise UsageError("pack needs a sub-command: validate, new, schema, solve, install, list, remove")
        code = int(_handler(command)(args) or 0)
        sys.stdout.flush()  # inside the try: a closed pipe surfaces here, not at interpreter exit
        return code
    except UsageError as exc:
        print(f"capquest: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `capquest levels --json | head`: the reader left; stop quietly, as Unix tools do.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
