"""One student's game, as `capquest serve` starts it for each browser connection:

    python -m capquest.serve.session --class-dir DIR [--pack FOLDER] [--lang en|ko]

The real game app, every screen and the tutorial included, whose first screen asks the student's name;
their progress is then the ordinary progress store in `DIR/<name>/` (capquest.saves.classroom). The
server builds this command from the teacher's options: nothing in it comes from a browser.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


def class_sign_in(class_dir: Path) -> Callable[[str], tuple[str, Callable[[], Any]]]:
    """The app's `sign_in` for a class folder: a typed name -> (the name as kept, the function that opens
    that student's progress store); raises StudentNameError for a name that cannot be used."""
    from capquest.saves.classroom import ClassFolder

    room = ClassFolder(class_dir)
    held: list[Any] = []  # the signed-in session: its lock lives as long as this process

    def sign_in(typed: str) -> tuple[str, Callable[[], Any]]:
        student = room.sign_in(typed)  # StudentNameError (with its reason) for the screen to show
        held.append(student)

        def open_store() -> Any:
            from capquest.saves.store import ProgressStore

            return ProgressStore(student.home)

        return student.name, open_store

    return sign_in


def pack_loader(folder: str | None) -> Callable[[], Any] | None:
    """The app's pack source: a loader of the served pack's folder, or None for the built-in campaign."""
    if not folder:
        return None  # the built-in campaign

    def load() -> Any:
        from capquest.packs import load_pack

        return load_pack(Path(folder))

    return load


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="capquest-serve-session")
    parser.add_argument("--class-dir", required=True)
    parser.add_argument("--pack", default=None)
    parser.add_argument("--lang", choices=["en", "ko"], default=None)
    args = parser.parse_args(argv)

    from capquest.tui.app import CapQuestApp

    app = CapQuestApp(
        pack=pack_loader(args.pack),
        language=args.lang,  # None: the student's saved setting, then CAPQUEST_LANG or the locale
        sign_in=class_sign_in(Path(args.class_dir)),
    )  # type: ignore[arg-type]
    app.run()
    return int(app.return_code or 0)


if __name__ == "__main__":
    sys.exit(main())
