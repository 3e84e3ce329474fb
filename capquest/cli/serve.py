"""`capquest serve [--pack P] [--host H] [--port N] [--public-url URL] [--class-dir DIR] [--max-sessions N]`:
check the teacher's options, then run the classroom server (capquest.serve) until Ctrl-C.

Importing this module is light; textual-serve (aiohttp) is imported only when the server starts, and
Textual never in this process: each student's game is a process of its own (capquest.serve.session).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from capquest.cli.pack_option import add_pack_option, open_pack
from capquest.cli.parser import Subcommands, add_command
from capquest.errors import UsageError
from capquest.i18n import language, t

CLASS_FOLDER = "classroom"  # under the data folder, when --class-dir is not given


def register(sub: Subcommands) -> None:
    parser = add_command(sub, "serve", "serve.help_command")
    add_pack_option(parser)
    parser.add_argument("--host", default="127.0.0.1", help=t("serve.help_host"))
    parser.add_argument("--port", type=int, default=8000, help=t("serve.help_port"))
    parser.add_argument("--public-url", metavar="URL", help=t("serve.help_public_url"))
    parser.add_argument("--class-dir", metavar="DIR", help=t("serve.help_class_dir"))
    parser.add_argument("--max-sessions", type=int, metavar="N", help=t("serve.help_max_sessions"))
    parser.set_defaults(run=run)


def _class_dir(value: str | None) -> Path:
    if value:
        folder = Path(value).expanduser()
    else:
        from capquest.saves.paths import data_dir

        folder = data_dir() / CLASS_FOLDER
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".capquest-write-check"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise UsageError(
            t("serve.class_dir_unwritable", path=str(folder), detail=exc.strerror or exc)
        ) from None
    return folder.resolve()


def session_command(class_dir: Path, pack: Path | None, lang: str | None) -> list[str]:
    """The argv of one student's game: the same for every student, from the teacher's options only."""
    command = [sys.executable, "-m", "capquest.serve.session", "--class-dir", str(class_dir)]
    if pack is not None:
        command += ["--pack", str(pack)]
    if lang:
        command += ["--lang", lang]
    return command


def run(args: argparse.Namespace) -> int:
    public_url = args.public_url
    if public_url and not public_url.startswith(("http://", "https://")):
        raise UsageError(t("serve.bad_public_url", url=public_url))
    if args.max_sessions is not None and args.max_sessions < 1:
        raise UsageError(t("serve.bad_max_sessions", value=args.max_sessions))
    try:
        from capquest.serve.server import ClassroomServer
    except ImportError:
        raise UsageError(t("serve.missing_dependency")) from None
    # Checked now: a broken pack is the teacher's to fix before class, not each student's title screen.
    pack = open_pack(args.pack).path if getattr(args, "pack", None) else None
    class_dir = _class_dir(args.class_dir)
    server = ClassroomServer(
        session_command(class_dir, pack, args.lang),
        host=args.host,
        port=args.port,
        public_url=public_url,
        max_sessions=args.max_sessions,
        language=language(),
        class_dir=class_dir,
    )
    try:
        server.serve()
    except OSError as exc:  # the port is taken, or the address is not this machine's
        raise UsageError(
            t("serve.port_taken", host=args.host, port=args.port, detail=exc.strerror or exc)
        ) from None
    return 0
