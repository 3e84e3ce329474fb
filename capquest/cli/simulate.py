"""`capquest simulate LEVEL --card CARD [--assign CLASS=CARD ...] [--seed N] [--json] [--history FILE]`.

Runs one level with one strategy through the play path and prints exactly what the game's results show.
Headless: never imports Textual. Its JSON is a public contract (README, "Headless commands")."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from capquest.cli.pack_option import add_pack_option, pack_from
from capquest.cli.parser import Subcommands, add_command
from capquest.errors import StrategyError, UsageError
from capquest.i18n import language, t
from capquest.scoring import score_text
from capquest.units import amount_text, count_text, ms_text, rate_text
from capquest.untrusted import json_text


def register(sub: Subcommands) -> None:
    parser = add_command(sub, "simulate", "cli.help_simulate")
    parser.add_argument("level", metavar="LEVEL_ID", help=t("cli.help_level_id"))
    parser.add_argument("--card", metavar="CARD_ID", help=t("cli.help_card"))
    parser.add_argument(
        "--assign", metavar="CLASS=CARD", action="append", default=[], help=t("cli.help_assign")
    )
    add_seed_option(parser)
    add_pack_option(parser)
    parser.add_argument("--json", action="store_true", help=t("cli.help_json"))
    parser.add_argument("--history", metavar="FILE", help=t("cli.help_history"))
    parser.set_defaults(run=run)


def add_seed_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=None, help=t("cli.help_seed"))


def _parse_assign(items: list[str]) -> dict[str, str]:
    assign: dict[str, str] = {}
    for item in items:
        data_class, sep, card = item.partition("=")
        if not sep or not data_class or not card:
            raise UsageError(t("cli.bad_assign", item=item))
        assign[data_class.strip()] = card.strip()
    return assign


def run(args: argparse.Namespace) -> int:
    from capquest.play import result_json
    from capquest.play import run as play

    pack = pack_from(args)
    ids = [level.id for level in pack.levels]
    if args.level not in ids:
        raise UsageError(t("cli.unknown_level", level=args.level, known=", ".join(ids)))
    level = pack.levels[ids.index(args.level)]
    assign = _parse_assign(args.assign)
    if not args.card and not assign:
        cards = ", ".join(c.id for c in level.cards)
        raise UsageError(t("cli.needs_card", level=level.id, cards=cards))
    if args.seed is not None and not 0 <= args.seed < 2**32:
        raise UsageError(t("cli.bad_seed", max=2**32 - 1, seed=args.seed))
    try:
        result = play(level, args.card, seed=args.seed, assign=assign or None)
    except StrategyError as exc:
        raise UsageError(str(exc)) from None
    data = result_json(result)
    if args.history:
        try:
            Path(args.history).write_text(json_text(result.outcome.history, indent=None), encoding="utf-8")
        except OSError as exc:
            raise UsageError(t("cli.cannot_write", path=args.history, reason=exc.strerror)) from None
    if args.json:
        print(json_text(data))
        return 0
    _print_result(data, level, language())
    return 0


def _print_result(data: dict[str, Any], level: Any, lang: str) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    m = data["metrics"]
    lat = m["latency_ms"]
    title = f"{level.title.get(lang)}: {data['card']} ({t('cli.seed')} {data['seed']})"
    table = Table(title=Text(title))
    table.add_column(t("cli.m_metric"))
    table.add_column(t("cli.m_value"), justify="right")
    rows = [
        # written as the results screen writes them (capquest.units): one figure, one way
        ("m_requests", count_text(m["requests"])),
        ("m_orders", count_text(m["orders_accepted"])),
        ("m_oversold", count_text(m["oversold_units"])),
        ("m_compensated", count_text(m["compensated_orders"])),
        ("m_stale", count_text(m["stale_reads"])),
        ("m_ryw", count_text(m["ryw_violations"])),
        ("m_monotonic", count_text(m["monotonic_violations"])),
        ("m_errors", rate_text(m["error_rate"])),
        ("m_latency", " / ".join(ms_text(lat[p]) for p in ("p50", "p95", "p99"))),
        ("m_cost", amount_text(m["cost_units"])),
    ]
    for key, value in rows:
        table.add_row(t(f"cli.{key}"), value)
    for axis, penalty in data["score_breakdown"].items():
        table.add_row(t("cli.m_penalty", axis=t(f"cli.axis_{axis}")), f"-{penalty:,.1f}")
    verdict = t("cli.passed") if data["passed"] else t("cli.not_passed")
    stars = t("cli.stars_of", stars=data["stars"])
    table.add_row(t("cli.m_score"), Text(f"{score_text(data['score'])}  {stars}  {verdict}"))
    console = Console(file=sys.stdout)
    console.print(table)
    console.print(Text(f"digest {data['digest']}", style="dim"))
