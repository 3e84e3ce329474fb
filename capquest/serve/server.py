"""`ClassroomServer`: textual-serve's server, extended for a class.

textual-serve serves a Textual app to browsers: a page, a websocket per browser, and behind each
websocket one process of the app speaking its web driver's protocol on stdin/stdout. What a class needs
beyond it, done here:

- the page's websocket address: textual-serve writes `ws://HOST:PORT/ws`, which is wrong when the server
  listens on 0.0.0.0 or sits behind another address. The page here takes `--public-url` when given, else
  the address the browser itself used to reach the page;
- a session cap (`--max-sessions`) with a "class is full" page (and, for a tab that raced for the last
  place, a message where the game would be);
- one fixed command per session, with no shell in between, in its own process group; Ctrl-C (SIGINT) or
  SIGTERM asks every game to quit, then terminates, then kills what is left, so no process survives;
- capquest's own page and static files, served by this server alone: textual-serve's page loads its font
  from a font CDN, and a classroom may have no internet. A Content-Security-Policy holds the page to it.

Nothing a browser sends reaches a path on the server: the command is built here from the teacher's
options, the student's name is made safe in the child (capquest.saves.classroom), and the static routes
serve two fixed folders.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import os
import re
import signal
import socket
import sys
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager
from textual_serve.server import Server

from capquest.i18n import t

HERE = Path(str(files("capquest.serve")))
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
FULL_CLOSE_CODE = 4503  # the websocket's close code for "the class is full": the page shows its message
QUIT_WAIT_S = 3.0  # a game asked to quit gets this long before it is terminated, then as long again
SPARE_SIZE = (80, 24)  # a spare game's terminal until a browser takes it
HOLD_MAX = 256 * 1024  # bytes a spare game's screen may hold before a browser takes it


def _textual_serve_static() -> Path:
    """textual-serve's own static folder: its terminal script, stylesheet and Roboto Mono font files."""
    import textual_serve

    return Path(textual_serve.__file__).parent / "static"


def is_loopback(host: str) -> bool:
    """True for an address only this computer can reach."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ClassSession(AppService):
    """One student's game: textual-serve's app service, started without a shell in its own process group
    (so a Ctrl-C in the teacher's terminal reaches the server, which closes each game in order), and
    stopped for sure: asked to quit, then terminated, then killed.

    A session can be started before any browser asks for it (the server keeps one spare, so a student
    does not wait for Python and Textual to start): until `attach`, what the game draws is held (its
    start-up codes matter: mouse reporting, the alternate screen), and `attach` sends it on, then sizes
    the game to the browser's terminal, which repaints it whole."""

    def __init__(self, argv: Sequence[str], *, download_manager: DownloadManager) -> None:
        super().__init__(
            " ".join(argv),
            write_bytes=self._hold,
            write_str=self._ignore,
            close=self._ignore_close,
            download_manager=download_manager,
        )
        self.argv = list(argv)
        self.size: tuple[int, int] = (0, 0)
        self._held = bytearray()
        self._attaching = False

    async def _hold(self, data: bytes) -> None:
        # The first frames carry the terminal modes; later idle frames (a blinking cursor) are repainted
        # by the resize on attach, so a long-idle spare holds no more than this.
        if self._attaching or len(self._held) < HOLD_MAX:
            self._held.extend(data)

    async def _ignore(self, data: str) -> None:
        pass

    async def _ignore_close(self) -> None:
        pass

    async def start(self, width: int, height: int) -> None:
        self.size = (width, height)
        await super().start(width, height)

    async def run(self) -> None:
        await super().run()
        # The game ended (quit, or crashed): close the tab's connection, so the page says so and offers
        # to play again, rather than showing a screen that no longer answers.
        with contextlib.suppress(Exception):
            await self.remote_close()

    async def attach(self, websocket: web.WebSocketResponse, width: int, height: int) -> None:
        """Hand the game to a browser: what it drew so far, then its size (a repaint)."""
        self._attaching = True
        while self._held:
            chunk = bytes(self._held)
            self._held.clear()
            await websocket.send_bytes(chunk)
        # No await between the last check and these: nothing drawn meanwhile can be lost or reordered.
        self.remote_write_bytes = websocket.send_bytes
        self.remote_write_str = websocket.send_str
        self.remote_close = websocket.close
        self._attaching = False
        if not self.alive:
            # The game ended while it was being handed over: its end went to the spare's no-op close, so
            # close the tab here (a second close is harmless) rather than leave it on a silent screen.
            with contextlib.suppress(Exception):
                await websocket.close()
            return
        if (width, height) == self.size:  # Textual repaints on a change of size only
            await self.set_terminal_size(width, height + 1)
        await self.set_terminal_size(width, height)
        self.size = (width, height)

    @property
    def alive(self) -> bool:
        return (
            self._process is not None
            and self._process.returncode is None
            and self._task is not None
            and not self._task.done()
        )

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        environment = self._build_environment(width=width, height=height)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
            start_new_session=os.name == "posix",
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def stop(self) -> None:
        process, task = self._process, self._task
        self._task = None
        if task is not None:
            with contextlib.suppress(Exception):
                await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
            with contextlib.suppress(Exception):
                await self.send_meta({"type": "quit"})
        if process is not None:
            for how in (None, signal.SIGTERM, signal.SIGKILL):
                if how is not None:
                    _signal_group(process.pid, how)
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(process.wait(), QUIT_WAIT_S)
                    break
        if task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(task, QUIT_WAIT_S)  # its output read to the end


def _signal_group(pid: int, how: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
        if os.name == "posix":
            os.killpg(pid, how)  # the game and anything it started
        else:
            os.kill(pid, how)


class ClassroomServer(Server):
    """Serves capquest's game to browsers, one process per connection (see the module docstring).

    `command` is the argv of one student's game; it is the same for every student. From textual-serve's
    `Server` it keeps the download route (a file the game hands the browser) and the app protocol; the
    page, the websocket handler and the serving loop are this class's own."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        public_url: str | None = None,
        max_sessions: int | None = None,
        language: str = "en",
        class_dir: Path | None = None,
        out: Any = None,
    ) -> None:
        super().__init__(
            " ".join(command),
            host=host,
            port=port,
            title="capquest",
            public_url=public_url,
            statics_path=STATIC,
            templates_path=TEMPLATES,
        )
        self.argv = list(command)
        self.given_public_url = public_url.rstrip("/") if public_url else None
        self.max_sessions = max_sessions
        self.language = language
        self.class_dir = class_dir
        self.out = out if out is not None else sys.stdout
        self.sessions: set[ClassSession] = set()
        self._spare: ClassSession | None = None
        self._spare_task: asyncio.Future[None] | None = None
        self._stopping = False
        self.url = ""  # what students open, known once listening
        self._stop = asyncio.Event()
        self._templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
        )

    # ------------------------------------------------------------------------------------ the web app
    def make_app(self) -> web.Application:
        app = web.Application()
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", STATIC, name="static"),
                web.static("/textual", _textual_serve_static(), name="textual"),
            ]
        )
        return app

    @property
    def full(self) -> bool:
        return self.max_sessions is not None and len(self.sessions) >= self.max_sessions

    def _websocket_url(self) -> str:
        """The websocket address from `--public-url`; empty when the page should use its own address."""
        if not self.given_public_url:
            return ""
        scheme, _, rest = self.given_public_url.partition("://")
        return f"{'wss' if scheme == 'https' else 'ws'}://{rest}/ws"

    def _page(self, template: str, request: web.Request, status: int = 200, **context: Any) -> web.Response:
        websocket_url = self._websocket_url()
        # The page may talk to this server only; the websocket's origin is spelled out for browsers
        # whose 'self' does not cover ws: yet (the Host header only if it is a plain host[:port]).
        host = (
            request.host
            if re.fullmatch(r"[A-Za-z0-9.\-]+(:\d+)?|\[[0-9A-Fa-f:.]+\](:\d+)?", request.host)
            else ""
        )
        ws_origin = (
            websocket_url.rsplit("/", 1)[0]
            if websocket_url
            else (f"ws://{host} wss://{host}" if host else "")
        )
        policy = "; ".join(
            (
                "default-src 'self'",
                "script-src 'self'",  # no inline script: the page's own is /static/classroom.js
                "style-src 'self' 'unsafe-inline'",  # the terminal sets its own styles
                "img-src 'self' data:",
                "font-src 'self'",
                f"connect-src 'self' {ws_origin}".rstrip(),
                "base-uri 'none'",
                "form-action 'none'",
                "frame-ancestors 'none'",
            )
        )
        lang = self.language
        text = self._templates.get_template(template).render(
            lang=lang,
            websocket_url=websocket_url,
            full_close_code=FULL_CLOSE_CODE,
            font_size=16,
            t=lambda key, **values: t(f"serve.{key}", lang, **values),
            **context,
        )
        response = web.Response(text=text, content_type="text/html", status=status)
        response.headers["Content-Security-Policy"] = policy
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    async def handle_index(self, request: web.Request) -> web.Response:
        if self.full:
            return self._page("full.html", request, status=503, max=self.max_sessions)
        return self._page("index.html", request, max=self.max_sessions or 0)

    def _same_origin(self, request: web.Request) -> bool:
        """A websocket opened by this server's own page: browsers let any site's page open a websocket to
        any address (a student's other tab could start games and type names), but they always say which
        page asked, in the Origin header."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True  # not a browser: it could send any Origin anyway
        allowed = {request.host}
        if self.given_public_url:
            allowed.add(urlsplit(self.given_public_url).netloc)
        return urlsplit(origin).netloc in allowed

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        if not self._same_origin(request):
            return web.Response(status=403, text="this game is served to its own page only")
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        if self.full:  # the last place went between this tab's page and its connection
            message = f"{t('serve.page_full_title', self.language)}\r\n\r\n"
            message += t("serve.page_full", self.language, max=self.max_sessions)
            await websocket.send_bytes(message.encode("utf-8"))
            await websocket.close(code=FULL_CLOSE_CODE, message=b"the class is full")
            return websocket
        width = _int(request.query.get("width"), 80)
        height = _int(request.query.get("height"), 24)
        session, starting = self._spare, self._spare_task
        self._spare = self._spare_task = None
        if session is None:
            session = ClassSession(self.argv, download_manager=self.download_manager)
        self.sessions.add(session)
        try:
            if starting is not None:
                with contextlib.suppress(Exception):
                    await starting
            else:
                await session.start(*SPARE_SIZE)
            if not session.alive:  # a spare that died while it waited: start another
                await session.stop()
                self.sessions.discard(session)
                session = ClassSession(self.argv, download_manager=self.download_manager)
                self.sessions.add(session)
                await session.start(*SPARE_SIZE)
            self._keep_spare()
            await session.attach(websocket, width, height)
            await self._relay(websocket, session)
        except asyncio.CancelledError:
            pass
        finally:
            await session.stop()
            self.sessions.discard(session)
            self._keep_spare()
            with contextlib.suppress(Exception):
                await websocket.close()
        return websocket

    # A game started before it is asked for: a student meets the name screen at once instead of waiting
    # for Python and Textual to start. One spare at a time, none when the class is full.
    def _keep_spare(self) -> None:
        if self._spare is None and not self._stopping and not self.full:
            spare = self._spare = ClassSession(self.argv, download_manager=self.download_manager)
            self._spare_task = asyncio.ensure_future(spare.start(*SPARE_SIZE))

    async def _relay(self, websocket: web.WebSocketResponse, session: ClassSession) -> None:
        """The browser's keys, size and focus to the game (textual-serve's protocol); a malformed message
        is ignored, never a crash of the session."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
                kind = envelope[0]
                if kind == "stdin":
                    await session.send_bytes(str(envelope[1]).encode("utf-8"))
                elif kind == "resize":
                    size = envelope[1]
                    await session.set_terminal_size(_int(size["width"], 80), _int(size["height"], 24))
                elif kind == "ping":
                    await websocket.send_json(["pong", str(envelope[1])])
                elif kind == "blur":
                    await session.blur()
                elif kind == "focus":
                    await session.focus()
            except (ValueError, TypeError, KeyError, IndexError):
                continue

    # ------------------------------------------------------------------------------------ running
    def request_exit(self) -> None:
        self._stop.set()

    async def stop_sessions(self) -> None:
        """Close every game (each asked to quit, then terminated, then killed), the spare too."""
        self._stopping = True
        if self._spare_task is not None:
            with contextlib.suppress(Exception):
                await self._spare_task
        spare, self._spare = self._spare, None
        if spare is not None:
            await spare.stop()
        sessions = list(self.sessions)
        if sessions:
            print(t("serve.stopping", self.language, count=len(sessions)), file=self.out, flush=True)
        await asyncio.gather(*(session.stop() for session in sessions), return_exceptions=True)

    def announce(self) -> None:
        lang = self.language
        print(t("serve.started", lang, url=self.url), file=self.out, flush=True)
        if self.class_dir is not None:
            print(t("serve.class_dir", lang, path=str(self.class_dir)), file=self.out, flush=True)
        if self.max_sessions is not None:
            print(t("serve.max_sessions", lang, max=self.max_sessions), file=self.out, flush=True)
        if not is_loopback(self.host):
            print(t("serve.open_warning", lang, host=self.host), file=sys.stderr, flush=True)
        print(t("serve.stop_hint", lang), file=self.out, flush=True)

    async def run(self) -> None:
        """Listen until `request_exit` (SIGINT or SIGTERM), then close every game and the server."""
        loop = asyncio.get_running_loop()
        for how in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(how, self.request_exit)
        runner = web.AppRunner(self.make_app(), handle_signals=False, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port)
            await site.start()
            sockets = getattr(site._server, "sockets", None) or ()  # the port chosen when asked for 0
            port = sockets[0].getsockname()[1] if sockets else self.port
            self.url = self.given_public_url or _local_url(self.host, port)
            self.public_url = self.url.rstrip("/")
            self.announce()
            self._keep_spare()
            await self._stop.wait()
        finally:
            await self.stop_sessions()
            await runner.cleanup()

    def serve(self, debug: bool = False) -> None:
        """Run until Ctrl-C; every game process is gone when this returns."""
        try:
            asyncio.run(self.run())
        finally:
            for session in list(self.sessions):  # a last resort, if the loop died under them
                if session.pid is not None:
                    _signal_group(session.pid, signal.SIGKILL)


def _local_url(host: str, port: int) -> str:
    if host in ("0.0.0.0", "::", ""):
        host = socket.gethostname()  # the students' machines know this computer by a name or address
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def _int(value: object, default: int) -> int:
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default
    return number if 1 <= number <= 1000 else default
