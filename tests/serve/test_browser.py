"""`capquest serve` in a real browser: headless Chromium (Debian's `chromium`, driven by Playwright's
Python package through its executable path; no browser is downloaded).

One class, three tabs: Alice signs in, starts level 1, plays a card and reaches the results; Bob signs in
beside her with progress of his own; a third tab typing "alice" while Alice plays is refused; a fourth
finds the class full; SIGINT, the tabs still open, leaves no game running. Then the run is in Alice's
folder, `capquest report` on the class folder shows it reproduced, and every request the browser made
went to the server.

What the browser shows is read from the websocket: the game's frames, less their escape codes (the
terminal draws on a canvas, so the page itself holds no text). Skipped when Chromium or Playwright is
missing, unless CAPQUEST_REQUIRE_BROWSER=1 (CI installs Chromium and sets it): then it fails.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from capquest.cli import main

REPO = Path(__file__).resolve().parents[2]
ESCAPE = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


def _browser() -> str:
    """Chromium's path, or skip (fail when the browser test is required) with the reason."""
    required = os.environ.get("CAPQUEST_REQUIRE_BROWSER") == "1"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    reason = ""
    if chromium is None:
        reason = "Chromium is not installed (Debian: apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright package is not installed (pip install -e '.[test]')"
    if reason:
        if required:
            pytest.fail(f"CAPQUEST_REQUIRE_BROWSER=1 but {reason}")
        print(f"browser test skipped: {reason}", file=sys.stderr)
        pytest.skip(reason)
    assert chromium is not None
    return chromium


class Screen:
    """Text a tab's game has drawn: its websocket frames with the escape codes taken out."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.frames = bytearray()
        self.mark = 0
        self.closed_code: int | None = None
        page.on("websocket", self._watch)

    def _watch(self, websocket: Any) -> None:
        def received(payload: Any) -> None:
            if isinstance(payload, bytes | bytearray):
                self.frames.extend(ESCAPE.sub(b"", bytes(payload)))

        websocket.on("framereceived", received)

    def text(self) -> str:
        return self.frames[self.mark :].decode("utf-8", "replace")

    def wait_for(self, needle: str, timeout: float = 15.0) -> None:
        """Wait until `needle` is drawn after the last `wait_for` (the browser's own event loop runs)."""
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} never drawn; last text: {self.text()[-600:]!r}")
            self.page.wait_for_timeout(50)
        self.mark = len(self.frames)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)


@pytest.fixture
def classroom(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """`capquest serve` on a free loopback port (it prints the URL it chose)."""
    class_dir = tmp_path / "class"
    env = {**os.environ, "CAPQUEST_HOME": str(tmp_path / "home"), "TEXTUAL_ANIMATIONS": "none"}
    env.pop("CAPQUEST_LANG", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "capquest", "serve", "--port", "0", "--lang", "en", "--max-sessions", "3",
         "--class-dir", str(class_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )  # fmt: skip
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)  # type: ignore[arg-type]
    reader.start()
    deadline = time.monotonic() + 20
    while not any("http://" in line for line in lines):
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise AssertionError(f"the server did not start: {lines} {server.stderr.read()}")  # type: ignore[union-attr]
        time.sleep(0.05)
    url = re.search(r"http://\S+", next(line for line in lines if "http://" in line)).group(0)  # type: ignore[union-attr]
    try:
        yield {"server": server, "url": url, "class_dir": class_dir, "lines": lines, "tmp": tmp_path}
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def _games(class_dir: Path) -> list[int]:
    """The live game processes serving this class (found by their command line)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"capquest.serve.session" in command and str(class_dir).encode() in command and state != "Z":
            pids.append(int(entry.name))
    return pids


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to find the game processes")
def test_a_class_in_the_browser(classroom: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    chromium = _browser()
    from playwright.sync_api import sync_playwright

    started = time.monotonic()

    def phase(name: str) -> None:  # where the time goes (on stderr: the report's output is read)
        print(f"{time.monotonic() - started:6.2f} s  {name}", file=sys.stderr)

    url, class_dir = classroom["url"], classroom["class_dir"]
    origin = url.rstrip("/")
    requests: list[str] = []
    screenshot = classroom["tmp"] / "served-title.png"
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=args)
        context = browser.new_context(viewport={"width": 1000, "height": 640})
        context.on("request", lambda request: requests.append(request.url))
        context.on("websocket", lambda websocket: requests.append(websocket.url))

        def open_tab() -> Screen:
            page = context.new_page()
            screen = Screen(page)
            page.goto(url)
            screen.wait_for("Type your name")
            page.click("#terminal")  # the terminal takes the keyboard
            return screen

        phase("browser started")
        alice = open_tab()
        alice.page.keyboard.type("Alice")
        alice.keys("Enter")
        alice.wait_for("Hello, Alice")  # the title, greeting the student
        alice.page.wait_for_timeout(300)  # the rest of the frame (footer)
        alice.page.screenshot(path=str(screenshot))
        print(f"screenshot of the served title screen: {screenshot}", file=sys.stderr)
        phase("Alice signed in")
        alice.keys("Enter")  # New game: the campaign map, level 1 highlighted
        alice.wait_for("tries: 0")
        alice.keys("Enter")  # level 1
        alice.wait_for("Run")
        alice.keys("1", "r")  # the first card, run: saved when it finishes, then its replay
        alice.wait_for("Results")
        alice.keys("Enter")  # skip the replay: the results
        alice.wait_for("Next level")

        phase("Alice has her results")
        bob = open_tab()
        bob.page.keyboard.type("Bob")
        bob.keys("Enter")
        bob.wait_for("New game")

        phase("Bob signed in")
        again = open_tab()  # a second tab with a live name
        again.page.keyboard.type(" alice ")
        again.keys("Enter")
        again.wait_for("is playing right now in another window")
        assert len(_games(class_dir)) == 3

        full = context.new_page()  # every place is taken
        response = full.goto(url)
        assert response is not None and response.status == 503
        assert "The class is full" in full.content()

        phase("live name refused, class full")
        # Ctrl-C stops the server and every game with it, the tabs still open.
        server = classroom["server"]
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=15) == 0
        deadline = time.monotonic() + 5
        while _games(class_dir) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _games(class_dir)
        browser.close()

    phase("server and games stopped")
    # The run is recorded in Alice's folder, Bob's progress is his own.
    assert sorted(p.name for p in class_dir.iterdir()) == ["Alice", "Bob"]
    out_csv = classroom["tmp"] / "class.csv"
    capsys.readouterr()
    assert main(["report", str(class_dir), "--csv", str(out_csv), "--lang", "en"]) == 0
    report = capsys.readouterr().out
    with open(out_csv, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [(r["student"], r["level"], r["attempts"], r["check"]) for r in rows] == [
        ("Alice", "ordinary-night", "1", "reproduced")
    ]
    assert "Runs that do not reproduce: 0" in report

    phase("report read")
    # Everything the browser asked for came from the server.
    assert requests
    strangers = [
        r for r in requests if not r.startswith((origin + "/", origin.replace("http", "ws", 1) + "/"))
    ]
    assert not strangers, strangers
