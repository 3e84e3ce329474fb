"""The classroom server without a browser: its page asks nothing of another host, the websocket address,
the class-full page, no file outside its two static folders, the teacher's options checked, and a game
that will not quit is killed, with anything it started."""

from __future__ import annotations

import asyncio
import io
import re
import socket
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp import WSMsgType
from aiohttp.test_utils import TestClient, TestServer

from capquest.cli import main
from capquest.serve import server as server_module
from capquest.serve.server import FULL_CLOSE_CODE, ClassroomServer, ClassSession, is_loopback

# A stand-in for a game: speaks the start of textual-serve's protocol, then reads its input forever.
FAKE_GAME = [sys.executable, "-c", "import sys; print('__GANGLION__', flush=True); sys.stdin.buffer.read()"]


def _with_client(server: ClassroomServer, body: Any) -> Any:
    async def go() -> Any:
        client = TestClient(TestServer(server.make_app()))
        await client.start_server()
        try:
            return await body(client)
        finally:
            await server.stop_sessions()
            await client.close()

    return asyncio.run(go())


def test_the_page_loads_everything_from_the_server_and_says_so_in_its_policy() -> None:
    server = ClassroomServer(FAKE_GAME)

    async def body(client: TestClient) -> tuple[int, str, str, list[int]]:
        page = await client.get("/")
        html = await page.text()
        links = re.findall(r'(?:src|href)="([^"]*)"', html)
        statuses = [(await client.get(link)).status for link in links if link.startswith("/")]
        css = await (await client.get("/static/classroom.css")).text()
        statuses += [(await client.get(u)).status for u in re.findall(r'url\("([^"]+)"\)', css)]
        return page.status, html, page.headers["Content-Security-Policy"], statuses

    status, html, policy, statuses = _with_client(server, body)
    assert status == 200
    links = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert links and all(link.startswith("/") or link.startswith("data:") for link in links), links
    assert set(statuses) == {200}  # the script, stylesheets and both font files
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy
    assert 'data-websocket-url=""' in html  # the page uses the address it was opened at


def test_no_template_or_static_file_names_another_host() -> None:
    folder = Path(server_module.__file__).parent
    for path in [*folder.glob("templates/*"), *folder.glob("static/*")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), path


def test_public_url_sets_the_websocket_address() -> None:
    server = ClassroomServer(FAKE_GAME, public_url="https://class.example.org/")

    async def body(client: TestClient) -> tuple[str, str]:
        page = await client.get("/")
        return await page.text(), page.headers["Content-Security-Policy"]

    html, policy = _with_client(server, body)
    assert 'data-websocket-url="wss://class.example.org/ws"' in html
    assert "wss://class.example.org" in policy


@pytest.mark.parametrize(
    "path", ["/static/", "/static/../server.py", "/static/%2e%2e/server.py", "/textual/"]
)
def test_nothing_outside_the_static_folders_is_served(path: str) -> None:
    server = ClassroomServer(FAKE_GAME)

    async def body(client: TestClient) -> tuple[int, str]:
        response = await client.get(path)
        return response.status, await response.text()

    status, text = _with_client(server, body)
    assert status in (403, 404), (status, text[:200])
    assert "import" not in text


def test_a_full_class_gets_its_page_and_a_racing_tab_its_message() -> None:
    server = ClassroomServer(FAKE_GAME, max_sessions=1, language="en")

    async def body(client: TestClient) -> tuple[int, str, int | None, str, int, str]:
        first = await client.ws_connect("/ws?width=80&height=24")
        for _ in range(100):  # the game is attached to the first tab
            if server.sessions and next(iter(server.sessions)).alive:
                break
            await asyncio.sleep(0.05)
        page = await client.get("/")
        html = await page.text()
        second = await client.ws_connect("/ws")
        drawn = await second.receive()
        closed = await second.receive()
        await first.send_str("not json")  # a malformed message is ignored, the session goes on
        await first.send_str('["ping", "1"]')
        pong = await first.receive()
        await first.close()
        return page.status, html, second.close_code, drawn.data.decode(), closed.type, pong.data

    status, html, code, drawn, closed, pong = _with_client(server, body)
    assert status == 503 and "The class is full" in html and "All 1 places" in html
    assert "The class is full" in drawn
    assert closed in (WSMsgType.CLOSE, WSMsgType.CLOSED) and code == FULL_CLOSE_CODE
    assert pong == '["pong", "1"]'


def test_a_game_that_ignores_quit_and_sigterm_is_killed_with_what_it_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(server_module, "QUIT_WAIT_S", 0.3)
    stubborn = (
        "import signal, subprocess, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print('__GANGLION__', child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )

    async def go() -> tuple[int | None, int]:
        session = ClassSession([sys.executable, "-c", stubborn], download_manager=None)  # type: ignore[arg-type]
        await session.start(80, 24)
        await asyncio.sleep(0.5)
        pid = session.pid
        assert pid is not None
        children = Path(f"/proc/{pid}/task/{pid}/children")
        grandchild = int(children.read_text().split()[0]) if children.exists() else -1
        await session.stop()
        return session._process.returncode if session._process else None, grandchild

    started = time.monotonic()
    code, grandchild = asyncio.run(go())
    assert code is not None and code < 0  # killed by a signal
    assert time.monotonic() - started < 5
    if grandchild > 0:
        time.sleep(0.2)
        stat = Path(f"/proc/{grandchild}/stat")
        assert not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"


def test_loopback_is_the_default_and_another_address_is_warned_about(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")
    out = io.StringIO()
    server = ClassroomServer(FAKE_GAME, host="0.0.0.0", language="en", out=out)
    server.url = "http://classroom:8000/"
    server.announce()
    assert "students open http://classroom:8000/" in out.getvalue()
    assert "anyone who can reach that address can play" in capsys.readouterr().err
    ClassroomServer(FAKE_GAME, language="en", out=io.StringIO()).announce()
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--public-url", "class.example.org"], "--public-url must start with http"),
        (["--max-sessions", "0"], "--max-sessions must be at least 1"),
        (["--pack", "/no/such/pack"], "no pack folder"),
    ],
)
def test_the_teachers_mistakes_are_one_line(
    argv: list[str], needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--lang", "en", "serve", "--class-dir", str(tmp_path), *argv]) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1


def test_a_port_in_use_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["--lang", "en", "serve", "--port", str(port), "--class-dir", str(tmp_path)])
    assert code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_a_game_that_ends_closes_its_tab() -> None:
    # A game that crashes right after starting: the tab's websocket is closed (the page then offers to
    # play again) instead of showing a screen that no longer answers.
    server = ClassroomServer(
        [sys.executable, "-c", "print('__GANGLION__', flush=True); raise SystemExit(3)"], language="en"
    )

    async def body(client: TestClient) -> Any:
        tab = await client.ws_connect("/ws?width=80&height=24")
        message = await asyncio.wait_for(tab.receive(), 10)
        while message.type == WSMsgType.BINARY:
            message = await asyncio.wait_for(tab.receive(), 10)
        return message.type

    assert _with_client(server, body) in (WSMsgType.CLOSE, WSMsgType.CLOSED)


def test_each_game_is_the_teachers_command_and_opens_the_served_pack(tmp_path: Path) -> None:
    from capquest.cli.serve import session_command
    from capquest.packs import builtin_pack
    from capquest.serve.session import pack_loader

    folder = builtin_pack().path
    command = session_command(tmp_path / "class", folder, "ko")
    assert command[:3] == [sys.executable, "-m", "capquest.serve.session"]
    assert command[3:] == ["--class-dir", str(tmp_path / "class"), "--pack", str(folder), "--lang", "ko"]
    loader = pack_loader(command[6])
    assert loader is not None and loader().manifest.id == builtin_pack().manifest.id
    assert pack_loader(None) is None  # no --pack: the built-in campaign


def test_another_sites_page_cannot_open_a_game() -> None:
    server = ClassroomServer(FAKE_GAME, public_url="https://class.example.org")

    async def body(client: TestClient) -> tuple[int, int, int]:
        refused = await client.get("/ws", headers={"Origin": "http://evil.example", "Upgrade": "websocket"})
        own = await client.ws_connect("/ws", headers={"Origin": f"http://{client.host}:{client.port}"})
        public = await client.ws_connect("/ws", headers={"Origin": "https://class.example.org"})
        codes = (refused.status, own.closed, public.closed)
        await own.close()
        await public.close()
        return codes  # type: ignore[return-value]

    status, own_closed, public_closed = _with_client(server, body)
    assert status == 403 and not own_closed and not public_closed
