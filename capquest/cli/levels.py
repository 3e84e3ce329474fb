"""`capquest levels [--pack PATH] [--json]`: the levels and their cards, exactly as the game lists them.

Headless: never imports Textual. Its JSON is a public contract (README, "Headless commands")."""

from __future__ import annotations

import argparse
from typing import Any

from capquest.cli.pack_option import add_pack_option, pack_from
from capquest.cli.parser import Subcommands, add_command
from capquest.i18n import language, t
from capquest.untrusted import json_text


def register(sub: Subcommands) -> None:
    parser = add_command(sub, "levels", "cli.help_levels")
    add_pack_option(parser)
    parser.add_argument("--json", action="store_true", help=t("cli.help_json"))
    parser.set_defaults(run=run)


def levels_json(pack: Any, lang: str) -> list[dict[str, Any]]:
    return [
        {
            "id": level.id,
            "title": level.title.get(lang),
            "chapter": level.chapter,
            "cards": [
                {"id": card.id, "title": card.title.get(lang), "class": card.class_} for card in level.cards
            ],
        }
        for level in pack.levels
    ]


def run(args: argparse.Namespace) -> int:
    pack = pack_from(args)
    lang = language()
    data = levels_json(pack, lang)
    if args.json:
        print(json_text(data))
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(pack.manifest.title.get(lang)))  # literal: never markup
    for column in ("id", "chapter", "title", "cards"):
        table.add_column(t(f"cli.col_{column}"))
    for row in data:
        cards = ", ".join(f"{c['id']} ({c['class']})" for c in row["cards"])
        # Text(...) so a pack's text is shown literally, never parsed as rich markup.
        table.add_row(Text(row["id"]), Text(row["chapter"]), Text(row["title"]), Text(cards))
    Console().print(table)
    return 0
