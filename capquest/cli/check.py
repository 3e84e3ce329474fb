"""`capquest check HISTORY.json [--json] [--svg OUT.svg]`.

Exit codes: 0 no anomaly, 1 anomalies found, 2 a file that is not valid JSON or not a valid history (one
line with the reason, never a traceback). A key whose linearizability search gave up is reported as
unknown, not as an anomaly. Headless: imports rich for the text and the picture, never Textual.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING

from capquest.cli.parser import Subcommands, add_command
from capquest.errors import HistoryError
from capquest.i18n import t

if TYPE_CHECKING:
    from capquest.checker.report import Report

SHOWN = 50  # anomalies listed in the text output; --json lists all
SEARCH_BUDGET: int | None = None  # linearizability search states per key before "unknown"; None: the default


def register(sub: Subcommands) -> None:
    parser = add_command(sub, "check", "cli.help_check")
    parser.add_argument("history", metavar="HISTORY.json", help=t("cli.help_history_file"))
    parser.add_argument("--json", action="store_true", help=t("cli.help_json"))
    parser.add_argument("--svg", metavar="OUT.svg", help=t("cli.help_svg"))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from capquest.checker.linearizability import DEFAULT_BUDGET
    from capquest.checker.report import check as check_history
    from capquest.history import load_history
    from capquest.i18n import language, t

    lang = language()
    path = args.history
    try:
        history = load_history(path)
    except HistoryError as exc:
        print(f"capquest: {t('checker.invalid', lang, path=path, reason=exc.message(lang))}", file=sys.stderr)
        return 2
    report = check_history(history, budget=SEARCH_BUDGET or DEFAULT_BUDGET)
    if args.svg:
        from capquest.checker.timeline import save_timeline_svg

        try:
            save_timeline_svg(history, report.anomalies, args.svg, lang=lang)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            print(f"capquest: {t('checker.svg_failed', lang, path=args.svg, reason=reason)}", file=sys.stderr)
            return 2
    try:
        if args.json:
            print(json.dumps(report.to_json(lang), ensure_ascii=False, indent=2))
        else:
            _print_report(report, lang, len({op["key"] for op in history["ops"]}))
            if args.svg:
                print(t("checker.svg_written", lang, path=args.svg))
        sys.stdout.flush()
    except BrokenPipeError:  # `capquest check ... | head`: the reader left; that is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1 if report.anomalies else 0


def _print_report(report: Report, lang: str, keys: int) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from capquest.checker.anomaly import ANOMALY_KINDS, format_time
    from capquest.i18n import t

    console = Console(highlight=False)
    total = len(report.anomalies)
    if not total:
        console.print(Text(t("checker.none_found", lang, ops=report.ops, keys=keys), style="bold green"))
    else:
        console.print(
            Text(t("checker.found", lang, count=total, ops=report.ops, keys=keys), style="bold red")
        )
        counts = Table(title=t("checker.counts_title", lang), title_justify="left")
        counts.add_column(t("checker.col_kind", lang))
        counts.add_column(t("checker.col_count", lang), justify="right")
        for kind in ANOMALY_KINDS:
            if report.counts.get(kind):
                counts.add_row(Text(t(f"checker.kind_{kind}", lang)), Text(str(report.counts[kind])))
        console.print(counts)
        listing = Table(title=t("checker.list_title", lang), title_justify="left", show_lines=False)
        listing.add_column(t("checker.col_time", lang), no_wrap=True, justify="right")
        listing.add_column(t("checker.col_kind", lang))
        listing.add_column(t("checker.col_key", lang), no_wrap=True)
        listing.add_column(t("checker.col_explanation", lang), ratio=1)
        for a in report.anomalies[:SHOWN]:
            # Text objects, never markup: keys and values come from the file.
            listing.add_row(
                Text(format_time(a.time, lang)), Text(a.title(lang)), Text(a.key), Text(a.explain(lang))
            )
        console.print(listing)
        if total > SHOWN:
            console.print(Text(t("checker.shown_first", lang, shown=SHOWN, total=total), style="dim"))
    if report.keys:
        verdicts = {"ok": 0, "violation": 0, "unknown": 0}
        for k in report.keys:
            verdicts[k.verdict] += 1
        summary = t("checker.keys_summary", lang, total=len(report.keys), **verdicts)
        console.print(Text(f"{t('checker.keys_title', lang)}: {summary}", style="bold"))
        for k in report.keys:
            if k.verdict != "ok":
                line = Text(f"  {k.key}: ", style="bold")
                line.append(k.describe(lang), style="red" if k.verdict == "violation" else "yellow")
                line.append(f" ({k.method})", style="dim")
                if k.witness:
                    line.append(" #" + ", #".join(str(i) for i in k.witness[:10]))
                console.print(line)
