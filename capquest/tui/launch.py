"""Entry points `capquest play` and `capquest tutorial` call (capquest/cli/play.py, tutorial.py): start the game.

Textual is imported only inside these functions, so importing this module costs nothing.
"""

from __future__ import annotations

import argparse
from typing import Any


def _store() -> Any:
    """The save file (CAPQUEST_HOME, else the per-user data folder)."""
    from capquest.saves import ProgressStore

    return ProgressStore()


def _pack_loader(args: argparse.Namespace) -> Any:
    path = getattr(args, "pack", None)
    if not path:
        return None  # the app loads the built-in campaign in a worker

    def load() -> Any:
        from capquest.packs import load_pack
        from capquest.packs.installed import locate_pack

        try:  # a folder, or the id of a pack installed with `capquest pack install`
            where = locate_pack(path)
        except LookupError:
            where = path  # load_pack then says what is missing there, in the app's own words
        return load_pack(where)

    return load


def _run(args: argparse.Namespace, start: str, sandbox: Any = None) -> int:
    from capquest.i18n import language
    from capquest.tui.app import CapQuestApp

    app = CapQuestApp(
        # The store and the pack are opened in a worker once the title is painted (both import pydantic).
        pack=_pack_loader(args),
        store=_store,
        # cli.main resolved it (--lang, CAPQUEST_LANG, the saved setting, the locale): the first frame
        # is painted in the right language even though the save file is opened later.
        language=language(),
        start=start,
    )  # type: ignore[arg-type]
    app.sandbox_start = sandbox
    result = app.run()
    return int(result or 0) if app.return_code in (None, 0) else int(app.return_code or 1)


def run_game(args: argparse.Namespace) -> int:
    """`capquest` / `capquest play`: the title screen."""
    return _run(args, "title")


def run_tutorial(args: argparse.Namespace) -> int:
    """`capquest tutorial`: the game opened straight into the guided course (leaving it lands on the
    title screen)."""
    return _run(args, "tutorial")


def run_sandbox(args: argparse.Namespace, level: Any = None, pack_folder: str | None = None) -> int:
    """`capquest sandbox`: the game opened in the sandbox (blank, or `level`'s scenario pre-filled);
    leaving it lands on the title screen. `pack_folder`: where "save as level" proposes to write."""
    return _run(args, "sandbox", (level, pack_folder))
