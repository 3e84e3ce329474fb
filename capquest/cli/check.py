"""`capquest check FILE [--from json|edn|jepsen-log] [--to json] [--budget N] [--json] [--svg OUT.svg]`.

`--from edn` reads a Jepsen-style EDN history (or Porcupine's kv logs), `--from jepsen-log` the text lines
older Jepsen tests print (capquest.checker.importers); `--to json` prints the converted history instead
of checking it. Exit codes: 0 linearizable and no anomaly, 1 anomalies found, 2 a file that cannot be
read or is not what `--from` says (one line with the reason and, for EDN and logs, the line and column;
never a traceback), 3 no anomaly but a key the search could not decide within its budget (the budget
used is printed; `--budget` raises it). Headless: imports rich for the text and the picture, never
Textual.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from capquest.cli.parser import Subcommands, add_command
from capquest.errors import HistoryError
from capquest.i18n import t
from capquest.untrusted import json_text, printable

if TYPE_CHECKING:
    from capquest.checker.report import Report

SHOWN = 50  # anomalies listed in the text output; --json lists all
SEARCH_BUDGET: int | None = None  # search states per key before "unknown"; None: grows with the key
SOURCES = ("json", "edn", "jepsen-log")
STORIES = 3  # non-linearizable keys whose smallest story the text output tells


def register(sub: Subcommands) -> None:
    parser = add_command(sub, "check", "cli.help_check")
    parser.add_argument("history", metavar="FILE", help=t("cli.help_history_file"))
    parser.add_argument("--json", action="store_true", help=t("cli.help_json"))
    parser.add_argument("--svg", metavar="OUT.svg", help=t("cli.help_svg"))
    parser.add_argument("--from", dest="source", choices=SOURCES, default="json", help=t("cli.help_from"))
    parser.add_argument("--to", dest="target", choices=["json"], default=None, help=t("cli.help_to"))
    parser.add_argument("--budget", type=_budget, default=None, metavar="STATES", help=t("cli.help_budget"))
    parser.set_defaults(run=run)


def _budget(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 10**9:
        raise argparse.ArgumentTypeError(t("cli.bad_budget", value=text))
    return value


def run(args: argparse.Namespace) -> int:
    from capquest.checker.report import check as check_history
    from capquest.history import load_history
    from capquest.i18n import language, t

    lang = language()
    path = args.history
    source = getattr(args, "source", "json")
    try:
        if source == "json":
            history = load_history(path)
        else:
            from capquest.checker.importers import import_file

            history = import_file(path, source).history
    except HistoryError as exc:
        line = t("checker.invalid", lang, path=path, reason=exc.message(lang))
        print(printable(f"capquest: {line}"), file=sys.stderr)  # the path and the reason quote the file
        return 2
    if getattr(args, "target", None) == "json":
        try:
            print(json_text(history, indent=1))
            sys.stdout.flush()
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    budget = getattr(args, "budget", None) or SEARCH_BUDGET
    report = check_history(history, budget=budget)
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
            data = report.to_json(lang)
            data["linearizability"]["budget"] = budget
            data["linearizability"]["stories"] = {
                a.key: story_lines(history, a, lang) for a in report.by_kind("not_linearizable")
            }
            print(json_text(data))
        else:
            _print_report(report, lang, len({op["key"] for op in history["ops"]}))
            _print_stories(report, history, lang)
            _print_budget(report, budget, lang)
            if args.svg:
                print(t("checker.svg_written", lang, path=args.svg))
        sys.stdout.flush()
    except BrokenPipeError:  # `capquest check ... | head`: the reader left; that is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if report.anomalies:
        return 1
    return 3 if any(k.verdict == "unknown" for k in report.keys) else 0


def story_lines(history: object, anomaly: object, lang: str) -> list[str]:
    from capquest.checker.minimal import story_lines as lines

    return lines(history, anomaly, lang)


def _print_stories(report: Report, history: object, lang: str) -> None:
    """The smallest non-linearizable story of the first few keys that have one, in words."""
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    stories = report.by_kind("not_linearizable")
    for a in stories[:STORIES]:
        lines = story_lines(history, a, lang)
        if not lines:
            continue
        console.print(Text(""))
        console.print(Text(f"{a.key}: {lines[0]}", style="bold"))
        for line in lines[1:]:
            console.print(Text(line))
        verdict = next((k for k in report.keys if k.key == a.key), None)
        if verdict is not None and not verdict.minimal:
            console.print(Text(t("checker.minimal_not_proven", lang), style="dim"))
    if len(stories) > STORIES:
        console.print(Text(t("checker.stories_more", lang, shown=STORIES, total=len(stories)), style="dim"))


def _print_budget(report: Report, budget: int | None, lang: str) -> None:
    """When a key stayed undecided: the budget it was given, and how to give more."""
    from rich.console import Console
    from rich.text import Text

    unknown = [k for k in report.keys if k.verdict == "unknown"]
    if not unknown:
        return
    used = max(k.states for k in unknown)
    text = (
        t("checker.budget_fixed", lang, budget=used)
        if budget
        else t("checker.budget_auto", lang, budget=used)
    )
    Console(highlight=False).print(Text(text, style="yellow"))


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
                Text(format_time(a.time, lang)),
                Text(a.title(lang)),
                Text(printable(a.key)),
                Text(printable(a.explain(lang), keep_lines=True)),
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
                line = Text(f"  {printable(k.key)}: ", style="bold")
                line.append(
                    printable(k.describe(lang)), style="red" if k.verdict == "violation" else "yellow"
                )
                line.append(f" ({k.method})", style="dim")
                if k.witness:
                    line.append(" #" + ", #".join(str(i) for i in k.witness[:10]))
                console.print(line)
