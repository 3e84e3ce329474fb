"""`capquest report FILES-OR-FOLDER... [--csv FILE] [--pack PATH]`: a teacher summarises a class.

Headless: imports rich (for the table) only when printing, never Textual. Exit codes: 0 done, 1 the answer
is "no" (a file unreadable, a run that does not reproduce), 2 a usage error.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import TYPE_CHECKING

from capquest.cli.pack_option import open_pack
from capquest.cli.parser import Subcommands, add_command
from capquest.errors import UsageError
from capquest.i18n import t
from capquest.untrusted import printable

if TYPE_CHECKING:
    from capquest.classreport import ClassReport
    from capquest.packs import Pack


def register(sub: Subcommands) -> None:
    parser = add_command(sub, "report", "cli.help_report")
    parser.add_argument("files", metavar="SAVEFILE", nargs="+", help=t("cli.help_report_files"))
    parser.add_argument("--csv", metavar="FILE", help=t("cli.help_csv"))
    parser.add_argument(
        "--pack",
        metavar="PATH",
        action="append",
        dest="report_packs",
        default=[],
        help=t("cli.help_report_pack"),
    )
    parser.set_defaults(run=run)


CSV_COLUMNS = (
    "student", "file", "pack", "level", "stars", "attempts", "best_score", "passed", "verified",
    "claimed_stars", "claimed_best_score", "claimed_passed", "card", "assign", "seed", "check", "detail",
)  # fmt: skip


def csv_cell(value: object) -> object:
    """A cell a spreadsheet shows as text: a string starting with = + - @ (or a tab or carriage return)
    would be run as a formula (`=HYPERLINK(...)` as a student's name), so it gets a leading apostrophe,
    as spreadsheets expect. Numbers stay numbers."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_rows(report: ClassReport) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for row in report.rows:
        run = row.best_run
        claimed = row.claimed
        rows.append({
            "student": row.student, "file": str(row.file), "pack": row.pack_id, "level": row.level_id,
            "stars": row.stars, "attempts": row.attempts,
            "best_score": "" if row.best_score is None else row.best_score,
            "passed": "yes" if row.passed else "no", "verified": "yes" if row.verified else "no",
            "claimed_stars": claimed.stars,
            "claimed_best_score": "" if claimed.best_score is None else claimed.best_score,
            "claimed_passed": "yes" if claimed.passed else "no",
            "card": (run.card or "") if run else "",
            "assign": ";".join(f"{k}={v}" for k, v in sorted(run.assign.items())) if run else "",
            "seed": run.seed if run else "", "check": row.check.status, "detail": row.check.detail("en"),
        })  # fmt: skip
    for broken in report.broken:
        rows.append(
            {"file": str(broken.path), "check": "unreadable", "detail": f"{broken.reason}: {broken.detail}"}
        )
    return [{key: csv_cell(value) for key, value in row.items()} for row in rows]


def write_csv(report: ClassReport, path: Path) -> None:
    # utf-8-sig: spreadsheet programs then read Korean names correctly.
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(_csv_rows(report))


def _print(report: ClassReport) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    def shown(text: str, style: str = "") -> Text:
        # Text(...): never markup; printable(...): never a terminal escape (names, paths, ids, details)
        return Text(printable(text), style=style)

    console = Console()
    yes, no = t("saves.report_yes"), t("saves.report_no")
    check_style = {"reproduced": "green", "mismatch": "bold red", "unverified": "yellow", "no_run": "dim"}
    check_text = {
        "reproduced": t("saves.report_verified"), "mismatch": t("saves.report_mismatch"),
        "unverified": t("saves.report_unverified"), "no_run": t("saves.report_no_run"),
    }  # fmt: skip
    several = {name for name, files in report.students.items() if len(files) > 1}

    def who(name: str, file: Path) -> Text:
        return shown(f"{name} ({file.name})" if name in several else name)

    if report.rows:
        table = Table(title=t("saves.report_title"))
        several_packs = len({row.pack_id for row in report.rows}) > 1
        columns = ("student", "pack", "level") if several_packs else ("student", "level")
        for key in (*columns, "stars", "attempts", "best_score", "passed", "check"):
            if key in ("student", "pack", "level"):
                # fold, never truncate: a level id cut short is a different level
                table.add_column(t(f"saves.report_{key}"), overflow="fold", ratio=1)
            else:
                numeric = key in ("stars", "attempts", "best_score")
                table.add_column(
                    t(f"saves.report_{key}"), justify="right" if numeric else "left", no_wrap=True
                )
        for row in report.rows:
            ids = (shown(row.pack_id), shown(row.level_id)) if several_packs else (shown(row.level_id),)
            # The figures are the re-simulated ones; a row whose figures are not verified is dimmed
            # and its check column says why.
            style = "" if row.verified or row.check.status == "no_run" else "dim"
            table.add_row(
                who(row.student, row.file), *ids, Text(str(row.stars), style=style), str(row.attempts),
                Text("" if row.best_score is None else f"{row.best_score:g}", style=style),
                Text(yes if row.passed else no, style=style),
                Text(t(f"saves.report_short_{row.check.status}"), style=check_style[row.check.status]),
            )  # fmt: skip
        console.print(table)

        summary = Table(title=t("saves.report_students_title"))
        for key in ("student", "levels_passed", "verified_stars", "attempts", "flags", "unverified_count"):
            summary.add_column(t(f"saves.report_{key}"), justify="left" if key == "student" else "right")
        for name in sorted(report.students, key=lambda n: (n.casefold(), n)):
            for file in report.students[name]:
                totals = report.totals(name, file)
                summary.add_row(
                    who(name, file), str(totals.levels_passed), str(totals.stars), str(totals.attempts),
                    Text(str(totals.flagged), style="bold red" if totals.flagged else ""),
                    Text(str(totals.unverified), style="yellow" if totals.unverified else ""),
                )  # fmt: skip
        console.print(summary)

    for row in report.rows:
        if row.check.status in ("mismatch", "unverified"):
            line = t(
                "saves.report_flag_line",
                student=row.student,
                pack=row.pack_id,
                level=row.level_id,
                detail=row.check.detail(),
            )
            console.print(
                shown(f"{check_text[row.check.status]}: {line}", check_style[row.check.status]),
                soft_wrap=True,
            )
    for name in sorted(several):
        files = ", ".join(str(f) for f in report.students[name])
        console.print(
            shown(t("saves.report_duplicate_student", student=name, files=files), "yellow"),
            soft_wrap=True,
        )
    for broken in report.broken:
        reason = t(f"saves.report_reason_{broken.reason}")
        if reason.startswith("saves."):  # no sentence for this reason: the technical detail says it
            reason = broken.detail
        # soft_wrap: one line per file, so a path can be copied whole
        console.print(
            shown(t("saves.report_broken_file", path=str(broken.path), detail=reason), "bold red"),
            soft_wrap=True,
        )
    console.print(
        Text(t("saves.report_summary", students=len(report.students), files=len(report.files_read),
               broken=len(report.broken), flagged=len(report.flagged))),
        soft_wrap=True,
    )  # fmt: skip
    if report.unverified:
        console.print(
            Text(t("saves.report_unverified_summary", unverified=len(report.unverified)), style="yellow"),
            soft_wrap=True,
        )


def _packs_to_replay(args: argparse.Namespace) -> list[Pack]:
    """The packs named with `--pack` (before or after `report`): a folder, or an installed pack's id.
    One that does not load is a usage error: the teacher named it to have its runs checked."""
    named = [*([args.pack] if getattr(args, "pack", None) else []), *getattr(args, "report_packs", [])]
    return [open_pack(value) for value in named]


def _refuse_overwriting_an_input(out: Path, files: list[Path]) -> None:
    """`--csv` naming one of the files read would overwrite a student's export with the table."""
    for path in files:
        try:
            same = out.exists() and path.exists() and out.samefile(path)
        except OSError:
            same = False
        if same or out.resolve() == path.resolve():
            raise UsageError(t("saves.report_output_is_input", path=printable(str(out))))


def run(args: argparse.Namespace) -> int:
    from capquest.classreport import PackReplay, build_report
    from capquest.saves.classroom import collect_files

    files = collect_files(Path(item) for item in args.files)
    if not files:
        raise UsageError(t("saves.report_no_files", paths=printable(", ".join(args.files))))
    if args.csv:
        _refuse_overwriting_an_input(Path(args.csv), files)
    replay = PackReplay(_packs_to_replay(args))
    class_report = build_report(files, replay, replay.level_order, replay.version)
    _print(class_report)
    if args.csv:
        try:
            write_csv(class_report, Path(args.csv))
        except OSError as exc:
            raise UsageError(t("saves.export_failed", path=args.csv, detail=exc.strerror or exc)) from None
        print(t("saves.report_csv_written", path=args.csv))
    return 0 if class_report.ok else 1
