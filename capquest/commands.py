"""The headless sub-commands `levels` and `simulate`: exactly what the TUI shows, as JSON or a table.

Never imports Textual. Their JSON is a public contract (README, "Headless commands")."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from capquest.cli import UsageError
from capquest.i18n import language, t


def _pack(args: argparse.Namespace):  # -> capquest.packs.Pack
    from capquest.packs import PackError, builtin_pack, load_pack
    from capquest.packs.installed import locate_pack

    path = getattr(args, "pack", None)
    try:
        # --pack takes a folder, or the id of a pack installed with `capquest pack install`.
        return load_pack(locate_pack(path)) if path else builtin_pack()
    except LookupError as exc:
        raise UsageError(str(exc)) from None
    except PackError as exc:
        raise UsageError(
            t(
                "cli.invalid_pack",
                where=path or t("cli.builtin_campaign"),
                count=len(exc.problems),
                first=exc.problems[0] if exc.problems else "?",
                path=path or "levels/campaign",
            )
        ) from None


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


def levels(args: argparse.Namespace) -> int:
    pack = _pack(args)
    lang = language()
    data = levels_json(pack, lang)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=pack.manifest.title.get(lang))
    for column in ("id", "chapter", "title", "cards"):
        table.add_column(t(f"cli.col_{column}"))
    for row in data:
        cards = ", ".join(f"{c['id']} ({c['class']})" for c in row["cards"])
        # Text(...) so a pack's text is shown literally, never parsed as rich markup.
        table.add_row(Text(row["id"]), Text(row["chapter"]), Text(row["title"]), Text(cards))
    Console().print(table)
    return 0


def _parse_assign(items: list[str]) -> dict[str, str]:
    assign: dict[str, str] = {}
    for item in items:
        data_class, sep, card = item.partition("=")
        if not sep or not data_class or not card:
            raise UsageError(t("cli.bad_assign", item=item))
        assign[data_class.strip()] = card.strip()
    return assign


def simulate(args: argparse.Namespace) -> int:
    from capquest.play import StrategyError, result_json, run

    pack = _pack(args)
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
        result = run(level, args.card, seed=args.seed, assign=assign or None)
    except StrategyError as exc:
        raise UsageError(str(exc)) from None
    data = result_json(result)
    if args.history:
        try:
            Path(args.history).write_text(
                json.dumps(result.outcome.history, ensure_ascii=False), encoding="utf-8"
            )
        except OSError as exc:
            raise UsageError(t("cli.cannot_write", path=args.history, reason=exc.strerror)) from None
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
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
        ("m_requests", f"{m['requests']:,}"),
        ("m_orders", f"{m['orders_accepted']:,}"),
        ("m_oversold", f"{m['oversold_units']:,}"),
        ("m_compensated", f"{m['compensated_orders']:,}"),
        ("m_stale", f"{m['stale_reads']:,}"),
        ("m_ryw", f"{m['ryw_violations']:,}"),
        ("m_monotonic", f"{m['monotonic_violations']:,}"),
        ("m_errors", f"{m['error_rate'] * 100:.1f} %"),
        ("m_latency", f"{lat['p50']:.0f} / {lat['p95']:.0f} / {lat['p99']:.0f} ms"),
        ("m_cost", f"{m['cost_units']:,.1f}"),
    ]
    for key, value in rows:
        table.add_row(t(f"cli.{key}"), value)
    for axis, penalty in data["score_breakdown"].items():
        table.add_row(t("cli.m_penalty", axis=t(f"cli.axis_{axis}")), f"-{penalty:,.1f}")
    verdict = t("cli.passed") if data["passed"] else t("cli.not_passed")
    stars = t("cli.stars_of", stars=data["stars"])
    table.add_row(t("cli.m_score"), Text(f"{data['score']:,.1f}  {stars}  {verdict}"))
    console = Console(file=sys.stdout)
    console.print(table)
    console.print(Text(f"digest {data['digest']}", style="dim"))
