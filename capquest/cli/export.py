"""`capquest export [--name NAME] [--out FILE]`: a student hands in their progress.

Headless: never imports Textual. Exit codes: 0 done, 1 the file could not be written, 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from capquest.cli.parser import Subcommands, add_command
from capquest.errors import UsageError
from capquest.i18n import t


def register(sub: Subcommands) -> None:
    parser = add_command(sub, "export", "cli.help_export")
    parser.add_argument("--name", help=t("cli.help_name"))
    parser.add_argument("--out", metavar="FILE", help=t("cli.help_out"))
    parser.set_defaults(run=run)


def _ask_name() -> str:
    if not sys.stdin.isatty():
        raise UsageError(t("saves.export_need_name"))
    try:
        return input(t("saves.export_prompt"))
    except EOFError:
        raise UsageError(t("saves.export_need_name")) from None


def run(args: argparse.Namespace) -> int:
    from capquest.packs.installed import local_pack_versions
    from capquest.saves.export import build_export, default_export_path, write_export
    from capquest.saves.store import ProgressStore

    name = args.name if args.name is not None else _ask_name()
    store = ProgressStore()
    loaded = store.load()
    for notice in loaded.notices:
        print(notice.message(), file=sys.stderr)
    try:
        exported = build_export(loaded.progress, name, local_pack_versions(loaded.progress.packs))
    except ValueError:
        raise UsageError(t("saves.export_bad_name")) from None
    out = Path(args.out) if args.out else default_export_path(exported.student, store.home / "exports")
    if out.is_dir():  # --out FOLDER: the usual name, inside it
        out = default_export_path(exported.student, out)
    try:
        write_export(exported, out)
    except OSError as exc:
        print(
            f"capquest: {t('saves.export_failed', path=str(out), detail=exc.strerror or exc)}",
            file=sys.stderr,
        )
        return 1
    levels = sum(len(levels) for levels in exported.packs.values())
    stars = sum(level.stars for levels in exported.packs.values() for level in levels.values())
    print(t("saves.export_written", path=str(out), levels=levels, stars=stars))
    return 0
