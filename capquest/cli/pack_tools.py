"""What `capquest pack validate|new|schema|solve|install|list|remove` do: the instructors' tools.

Imported by `capquest.cli.pack` only when a pack command runs (it loads pydantic and the engine).

Exit codes (as for every capquest command): 0 done, 1 the answer is "no" (an invalid pack), 2 a usage
error (a missing path, an unknown level). Problems go to stdout (they are the answer); progress bars go to
stderr, and only on a terminal. Never a traceback for bad input.
"""

from __future__ import annotations

import argparse
import difflib
import re
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any

from capquest import design
from capquest.errors import UsageError
from capquest.i18n import language
from capquest.packs import installed
from capquest.packs.loader import MANIFEST, PackReport, check_pack
from capquest.packs.messages import say
from capquest.packs.schema import FILE_NAMES, combined_schema, schema
from capquest.scoring import score_text
from capquest.untrusted import json_text, printable


def _existing(path: str) -> Path:
    found = Path(path)
    if not found.exists():
        raise UsageError(say("no_such_path", path=path))
    return found


def _print_problems(report: PackReport) -> None:
    for problem in report.problems:
        print(problem)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def _workers() -> int:
    """Processes for simulating many runs: the machine's cores, at most 4."""
    import os

    return max(1, min(4, os.cpu_count() or 1))


def _stdout_console() -> Any:
    """A console for tables; when piped, wide enough that ids do not wrap."""
    from rich.console import Console

    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=140)


def _progress(total: int, label: str) -> Any:
    """A rich progress bar on stderr (silent when stderr is not a terminal)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = _stderr_console()
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    task = progress.add_task(label, total=total)
    return progress, lambda: progress.advance(task)


# ------------------------------------------------------------------------------------------------ validate
def _is_campaign(path: Path) -> bool:
    from capquest.packs.loader import _folder, builtin_levels_dir

    return _folder(path).resolve() == (builtin_levels_dir() / "campaign").resolve()


def validate(args: argparse.Namespace) -> int:
    path = _existing(args.path)
    # The built-in campaign is held to its own standard: every text in both languages.
    report = check_pack(path, builtin=_is_campaign(path))
    design_state = "not_run"
    if report.pack is not None and not getattr(args, "no_design", False):
        total = sum(len(level.cards) for level in report.pack.levels)
        progress, tick = _progress(total, say("design_progress"))
        with progress:
            report.problems.extend(
                design.design_warnings(report.pack, shown=str(args.path), tick=tick, workers=_workers())
            )
        design_state = "run"
    errors, warnings = report.errors, report.warnings
    if getattr(args, "json", False):
        print(
            json_text(
                {
                    "path": str(args.path),
                    "valid": report.ok,
                    "pack": report.pack.id if report.pack else None,
                    "levels": len(report.pack.levels) if report.pack else None,
                    "design_checks": design_state,
                    "errors": [p.to_json() for p in errors],
                    "warnings": [p.to_json() for p in warnings],
                }
            )
        )
        return 0 if report.ok else 1
    _print_problems(report)
    if report.pack is None:
        print(say("invalid", path=args.path, errors=len(errors), warnings=len(warnings)))
        return 1
    key = "valid_with_warnings" if warnings else "valid"
    print(say(key, path=args.path, id=report.pack.id, levels=len(report.pack.levels), warnings=len(warnings)))
    return 0


# ------------------------------------------------------------------------------------------------ new
def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")[:48].strip("-")
    return slug or "my-pack"


def new(args: argparse.Namespace) -> int:
    target = Path(args.path)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(say("not_empty", path=args.path))
    pack_id = _slug(target.resolve().name)
    template = files("capquest.packs") / "template"
    try:  # a read-only place, a dangling link, a full disk: one line, never a traceback
        target.mkdir(parents=True, exist_ok=True)
        for entry in sorted(template.iterdir(), key=lambda e: e.name):
            if not entry.name.endswith(".toml"):
                continue
            text = entry.read_text(encoding="utf-8")
            if entry.name == MANIFEST:
                text = re.sub(r'^id = "my-pack"', f'id = "{pack_id}"', text, count=1, flags=re.MULTILINE)
            (target / entry.name).write_text(text, encoding="utf-8")
        write_schemas(target / "schema")
    except OSError as exc:
        detail = exc.strerror or str(exc)
        raise UsageError(say("cannot_create", path=printable(args.path), detail=detail)) from None
    print(say("created", id=pack_id, path=printable(args.path)))
    return 0


def write_schemas(folder: Path) -> None:
    """The three JSON Schemas, as files an editor can point at (the template's `#:schema` lines do)."""
    folder.mkdir(parents=True, exist_ok=True)
    for which, name in FILE_NAMES.items():
        (folder / name).write_text(json_text(schema(which)) + "\n", encoding="utf-8")


# ------------------------------------------------------------------------------------------------ schema
def print_schema(args: argparse.Namespace) -> int:
    which = getattr(args, "which", None)
    if which is None:
        doc = combined_schema()
    elif which in FILE_NAMES:
        doc = schema(which)
    else:
        raise UsageError(say("unknown_schema", name=which))
    print(json_text(doc))
    return 0


# ------------------------------------------------------------------------------------------------ solve
def solve(args: argparse.Namespace) -> int:
    path = _existing(args.path)
    report = check_pack(path)
    if report.pack is None:
        _print_problems(report)
        print(say("invalid", path=args.path, errors=len(report.errors), warnings=len(report.warnings)))
        return 1
    levels = report.pack.levels
    if args.level:
        try:
            levels = (report.pack.level(args.level),)
        except LookupError as exc:
            raise UsageError(str(exc)) from None
    total = sum(design.runs_needed(level) for level in levels)
    progress, tick = _progress(total, say("design_progress"))
    with progress:
        solutions = design.solve_levels(levels, seed=args.seed, tick=tick, workers=_workers())
    if getattr(args, "json", False):
        print(json_text({"pack": report.pack.id, "levels": [s.to_json() for s in solutions]}))
        return 0
    for solution in solutions:
        _print_solution(solution)
    return 0


def _print_solution(solution: design.Solution) -> None:
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    console = _stdout_console()
    if solution.sampled:
        console.print(
            say(
                "solve_sampled",
                level=solution.level,
                total=solution.assignments_total,
                sample=solution.assignments_run,
                seed=solution.seed,
            ),
            markup=False,
        )
    elif solution.assignments_total:
        console.print(say("solve_all", level=solution.level, total=solution.assignments_total), markup=False)
    par, two, three = (design._num(s) for s in solution.stars)
    # Labels come from the pack: rich Text objects, so a "[bold]" in a pack is shown, never obeyed.
    table = Table(
        title=Text(
            f"{solution.level} (seed {solution.seed}): {say('par_line', par=par, two=two, three=three)}"
        )
    )
    # The numbers never wrap or shrink; a long assignment label (five data classes) wraps at its spaces.
    table.add_column(say("col_run"), overflow="fold")
    for key in (
        "col_oversold",
        "col_p99",
        "col_errors",
        "col_cost",
        "col_anomalies",
        "col_score",
        "col_stars",
    ):
        table.add_column(say(key), justify="right", no_wrap=True, min_width=cell_len(say(key)))
    mark = "frontier" if language() == "en" else "프런티어"
    table.add_column("", no_wrap=True, min_width=cell_len(mark))
    for o in sorted(solution.outcomes, key=lambda o: -o.score):
        table.add_row(
            Text(o.label),
            str(o.oversold),
            f"{o.p99_ms:.1f}",
            f"{o.error_rate * 100:.2f}",
            f"{o.cost:.1f}",
            str(o.anomalies),
            score_text(o.score),
            "*" * o.stars if language() == "en" else str(o.stars),
            mark if o.frontier else "",
        )
    console.print(table)
    frontier = ", ".join(o.label for o in solution.outcomes if o.frontier)
    console.print(say("frontier", runs=frontier), markup=False)
    for failure in solution.failures:
        console.print(
            say("run_failed", card=failure.split(":")[0], detail=failure.partition(": ")[2]), markup=False
        )
    console.print()


# ------------------------------------------------------------------------------------------------ install
def _builtin_id() -> str:
    from capquest.packs.loader import builtin_levels_dir

    try:
        with (builtin_levels_dir() / "campaign" / MANIFEST).open("rb") as handle:
            return str(tomllib.load(handle).get("id", "campaign"))
    except (OSError, tomllib.TOMLDecodeError):
        return "campaign"


def install(args: argparse.Namespace) -> int:
    path = _existing(args.path)
    report = check_pack(path)
    if report.pack is None:
        _print_problems(report)
        print(say("install_refused", errors=len(report.errors), path=args.path))
        return 1
    if report.pack.id in {"campaign", _builtin_id()}:
        print(say("reserved_id", id=report.pack.id))
        return 1
    for problem in report.warnings:
        print(problem)
    target, old = installed.install(report.pack)
    version = report.pack.manifest.version
    if old is None:
        print(say("installed", id=report.pack.id, version=version, path=target))
    else:
        print(say("replaced", id=report.pack.id, version=version, path=target, old=old))
    return 0


def list_packs(args: argparse.Namespace) -> int:
    rows = []
    for found in installed.installed_folders():
        report = check_pack(found.path)
        row: dict[str, Any] = {"id": found.id, "path": str(found.path), "valid": report.ok}
        if report.pack is not None:
            manifest = report.pack.manifest
            row.update(
                title=manifest.title.get(language()), version=manifest.version, levels=len(report.pack.levels)
            )
        else:
            row.update(title=None, version=None, levels=None, errors=len(report.errors))
        rows.append(row)
    if getattr(args, "json", False):
        print(json_text({"packs_dir": str(installed.packs_dir()), "packs": rows}))
        return 0
    if not rows:
        print(say("none_installed", path=installed.packs_dir()))
        return 0
    from rich.table import Table
    from rich.text import Text

    table = Table()
    for key in ("col_pack", "col_title", "col_version", "col_levels", "col_path"):
        table.add_column(say(key))
    for row in rows:
        title = row["title"] if row["valid"] else say("broken_installed", errors=row["errors"])
        cells = (row["id"], title, row["version"] or "", str(row["levels"] or ""), row["path"])
        table.add_row(*(Text(printable(str(cell))) for cell in cells))  # folder names are anyone's
    _stdout_console().print(table)
    return 0


def remove(args: argparse.Namespace) -> int:
    if installed.remove(args.pack_id):
        print(say("removed", id=args.pack_id))
        return 0
    known = [p.id for p in installed.installed_folders()]
    close = difflib.get_close_matches(args.pack_id, known, n=1, cutoff=0.6)
    hint = say("did_you_mean", hint=close[0]) if close else ""
    raise UsageError(say("not_installed", id=args.pack_id, hint=hint, known=", ".join(known) or "-"))
