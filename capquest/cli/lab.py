"""`capquest lab LEVEL --card CARD [--seed N] [--json] [--pg-user U]` and `capquest lab --list`.

Exit codes: 0 the lab ran (whatever it found), 1 the lab could not run here (PostgreSQL or psycopg
missing, a server that would not start: one line saying why), 2 a usage error, 130 Ctrl-C. The servers
are stopped and the temporary folder removed on every one of these. Headless: never imports Textual.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from capquest.cli.pack_option import add_pack_option, pack_from
from capquest.cli.parser import Subcommands, add_command
from capquest.cli.simulate import add_seed_option
from capquest.errors import UsageError
from capquest.i18n import language, t

MAX_LAG_MS = 60_000


def register(sub: Subcommands) -> None:
    parser = add_command(sub, "lab", "lab.help_lab")
    parser.add_argument("level", metavar="LEVEL_ID", nargs="?", help=t("cli.help_level_id"))
    parser.add_argument("--card", metavar="CARD_ID", help=t("cli.help_card"))
    add_seed_option(parser)
    parser.add_argument("--list", action="store_true", help=t("lab.help_list"))
    parser.add_argument("--pg-user", metavar="USER", help=t("lab.help_pg_user"))
    parser.add_argument("--seconds", type=float, default=None, help=t("lab.help_seconds"))
    parser.add_argument("--lag-ms", type=float, default=None, help=t("lab.help_lag"))
    parser.add_argument("--history", metavar="FILE", help=t("lab.help_history"))
    add_pack_option(parser)
    parser.add_argument("--json", action="store_true", help=t("cli.help_json"))
    parser.set_defaults(run=run)


def _usage(message: str) -> Exception:
    return UsageError(message)


def run(args: argparse.Namespace) -> int:
    from capquest.lab.plan import MAX_SECONDS, lab_cards

    pack = pack_from(args)
    lang = language()
    if args.list:
        return _print_list(pack, lang, args.json)
    if not args.level:
        raise _usage(t("lab.needs_level"))
    ids = [level.id for level in pack.levels]
    if args.level not in ids:
        raise _usage(t("cli.unknown_level", level=args.level, known=", ".join(ids)))
    level = pack.levels[ids.index(args.level)]
    if not args.card:
        raise _usage(t("lab.needs_card", level=level.id, cards=", ".join(lab_cards(level)) or "-"))
    if args.card not in [c.id for c in level.cards]:
        known = ", ".join(c.id for c in level.cards)
        raise _usage(t("cli.unknown_card", level=level.id, card=args.card, known=known))
    if args.seed is not None and not 0 <= args.seed < 2**32:
        raise _usage(t("cli.bad_seed", max=2**32 - 1, seed=args.seed))
    if args.seconds is not None and not 1 <= args.seconds <= MAX_SECONDS:
        raise _usage(t("lab.bad_seconds", max=int(MAX_SECONDS), seconds=args.seconds))
    if args.lag_ms is not None and not 0 <= args.lag_ms <= MAX_LAG_MS:
        raise _usage(t("lab.bad_lag", lag=args.lag_ms))
    return _run(args, level, lang)


def _run(args: argparse.Namespace, level: Any, lang: str) -> int:
    from capquest.lab import (
        ClusterError,
        LabUnavailable,
        LabUnsupported,
        check_ready,
        make_plan,
        result_json,
        run_lab,
    )
    from capquest.lab.clients import LabTimeout
    from capquest.lab.postgres import find_bindir, server_version

    try:
        plan = make_plan(level, args.card, seed=args.seed, seconds=args.seconds, apply_delay_ms=args.lag_ms)
        check_ready()
    except LabUnsupported as exc:
        raise _usage(str(exc)) from None
    except LabUnavailable as exc:
        print(f"capquest: {exc}", file=sys.stderr)
        return 1
    version = server_version(find_bindir())

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def on_step(step: str) -> None:
        if step == "initdb":
            say(t("lab.step_initdb", version=version))
        elif step.startswith("replica-"):
            say(t("lab.step_replica", name=step))
        elif step == "play":
            say(
                t(
                    "lab.step_play",
                    ops=f"{len(plan.ops):,}",
                    seconds=f"{plan.seconds:.1f}",
                    rate=f"{plan.rate:,.0f}",
                    level_s=f"{level.scenario.workload.duration_s:g}",
                    k=f"{plan.compression:.1f}",
                )
            )

    try:
        result = run_lab(
            level,
            args.card,
            seed=args.seed,
            seconds=args.seconds,
            apply_delay_ms=args.lag_ms,
            pg_user=args.pg_user,
            on_step=on_step,
        )
    except KeyboardInterrupt:
        say(t("lab.interrupted"))
        return 130
    except LabUnavailable as exc:
        print(f"capquest: {exc}", file=sys.stderr)
        return 1
    except (ClusterError, LabTimeout, OSError) as exc:
        print(f"capquest: {t('lab.failed', reason=exc)}", file=sys.stderr)
        return 1
    say(t("lab.cleaned"))
    if args.history:
        from pathlib import Path

        try:
            Path(args.history).write_text(json.dumps(result.history, ensure_ascii=False), encoding="utf-8")
        except OSError as exc:
            raise _usage(t("cli.cannot_write", path=args.history, reason=exc.strerror)) from None
    data = result_json(result, lang)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_result(data, level, lang)
        if args.history:
            print(t("lab.history_written", path=args.history))
    return 0


def _print_list(pack: Any, lang: str, as_json: bool) -> int:
    from capquest.lab.plan import lab_cards

    rows = [(level, lab_cards(level)) for level in pack.levels]
    rows = [(level, cards) for level, cards in rows if cards]
    if as_json:
        data = [{"id": level.id, "title": level.title.get(lang), "cards": cards} for level, cards in rows]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    if not rows:
        console.print(Text(t("lab.list_none")))
        return 0
    table = Table(title=t("lab.list_title"))
    table.add_column(t("cli.col_id"))
    table.add_column(t("cli.col_title"))
    table.add_column(t("lab.col_cards"))
    for level, cards in rows:
        table.add_row(Text(level.id), Text(level.title.get(lang)), Text(", ".join(cards)))
    console.print(table)
    return 0


def _print_result(data: dict[str, Any], level: Any, lang: str) -> None:
    from rich.console import Console

    from capquest.lab.view import result_renderables

    console = Console(file=sys.stdout, highlight=False)
    for renderable in result_renderables(data, level.title.get(lang), lang):
        console.print(renderable)
