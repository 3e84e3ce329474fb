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

if TYPE_CHECKING:
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
    "student", "file", "pack", "level", "stars", "attempts", "best_score", "passed",
    "card", "assign", "seed", "check", "detail",
)  # fmt: skip


def _csv_rows(report) -> list[dict[str, object]]:  # report: ClassReport
    rows: list[dict[str, object]] = []
    for row in report.rows:
        run = row.best_run
        rows.append({
            "student": row.student, "file": str(row.file), "pack": row.pack_id, "level": row.level_id,
            "stars": row.stars, "attempts": row.attempts,
            "best_score": "" if row.best_score is None else row.best_score,
            "passed": "yes" if row.passed else "no",
            "card": (run.card or "") if run else "",
            "assign": ";".join(f"{k}={v}" for k, v in sorted(run.assign.items())) if run else "",
            "seed": run.seed if run else "", "check": row.check.status, "detail": row.check.detail("en"),
        })  # fmt: skip
    for broken in report.broken:
        rows.append(
            {"file": str(broken.path), "check": "unreadable", "detail": f"{broken.reason}: {broken.detail}"}
        )
    return rows


def write_csv(report, path: Path) -> None:  # report: ClassReport
    # utf-8-sig: spreadsheet programs then read Korean names correctly.
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(_csv_rows(report))


def _print(report) -> None:  # report: ClassReport
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    yes, no = t("saves.report_yes"), t("saves.report_no")
    check_style = {"reproduced": "green", "mismatch": "bold red", "unverified": "yellow", "no_run": "dim"}
    check_text = {
        "reproduced": t("saves.report_verified"), "mismatch": t("saves.report_mismatch"),
        "unverified": t("saves.report_unverified"), "no_run": t("saves.report_no_run"),
    }  # fmt: skip
    several = {name for name, files in report.students.items() if len(files) > 1}

    def who(row) -> Text:  # Text(...): names and ids are shown literally, never as markup
        return Text(f"{row.student} ({row.file.name})" if row.student in several else row.student)

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
            ids = (Text(row.pack_id), Text(row.level_id)) if several_packs else (Text(row.level_id),)
            table.add_row(
                who(row), *ids, str(row.stars), str(row.attempts),
                "" if row.best_score is None else f"{row.best_score:g}", yes if row.passed else no,
                Text(t(f"saves.report_short_{row.check.status}"), style=check_style[row.check.status]),
            )  # fmt: skip
        console.print(table)

        summary = Table(title=t("saves.report_students_title"))
        for key in ("student", "levels_passed", "stars", "attempts", "flags"):
            summary.add_column(t(f"saves.report_{key}"), justify="left" if key == "student" else "right")
        for name in sorted(report.students, key=lambda n: (n.casefold(), n)):
            for file in report.students[name]:
                mine = [r for r in report.rows if r.student == name and r.file == file]
                flags = sum(1 for r in mine if r.check.status == "mismatch")
                summary.add_row(
                    Text(f"{name} ({file.name})" if name in several else name),
                    str(sum(1 for r in mine if r.passed)), str(sum(r.stars for r in mine)),
                    str(sum(r.attempts for r in mine)), Text(str(flags), style="bold red" if flags else ""),
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
                Text(f"{check_text[row.check.status]}: {line}", style=check_style[row.check.status]),
                soft_wrap=True,
            )
    for name in sorted(several):
        files = ", ".join(str(f) for f in report.students[name])
        console.print(
            Text(t("saves.report_duplicate_student", student=name, files=files), style="yellow"),
            soft_wrap=True,
        )
    for broken in report.broken:
        reason = t(f"saves.report_reason_{broken.reason}")
        if reason.startswith("saves."):  # no sentence for this reason: the technical detail says it
            reason = broken.detail
        # soft_wrap: one line per file, so a path can be copied whole
        console.print(
            Text(t("saves.report_broken_file", path=str(broken.path), detail=reason), style="bold red"),
            soft_wrap=True,
        )
    console.print(
        Text(t("saves.report_summary", students=len(report.students), files=len(report.files_read),
               broken=len(report.broken), flagged=len(report.flagged))),
        soft_wrap=True,
    )  # fmt: skip


def _packs_to_replay(args: argparse.Namespace) -> list[Pack]:
    """The packs named with `--pack` (before or after `report`): a folder, or an installed pack's id.
    One that does not load is a usage error: the teacher named it to have its runs checked."""
    named = [*([args.pack] if getattr(args, "pack", None) else []), *getattr(args, "report_packs", [])]
    return [open_pack(value) for value in named]


def run(args: argparse.Namespace) -> int:
    from capquest.classreport import PackReplay, build_report
    from capquest.saves.export import collect_files

    files = collect_files(Path(item) for item in args.files)
    if not files:
        raise UsageError(t("saves.report_no_files", paths=", ".join(args.files)))
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
