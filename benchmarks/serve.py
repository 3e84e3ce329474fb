"""`capquest serve` figures, measured the way a student meets them: a real server on loopback and
headless Chromium (Debian's `chromium`, through Playwright).

Session start -> first screen painted: from opening the page to the game's first screen (the name
screen) drawn in the browser's terminal, which includes starting that student's game process. Budget
2 s. The server's CPU is not counted; the machine's load average is printed beside the figure.

Usage: python benchmarks/serve.py [--runs N]. Ends with `serve_session_start_s=<median>`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if chromium is None:
        print("serve benchmark skipped: needs Debian's chromium and the playwright package")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "CAPQUEST_HOME": tmp}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "capquest",
                "serve",
                "--port",
                "0",
                "--lang",
                "en",
                "--class-dir",
                f"{tmp}/c",
            ],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        lines: list[str] = []
        threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True).start()  # type: ignore[arg-type]
        while not any("http://" in line for line in lines):
            time.sleep(0.05)
        url = re.search(r"http://\S+", lines[0]).group(0)  # type: ignore[union-attr]
        times = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium, args=["--no-sandbox"] if os.geteuid() == 0 else []
                )
                page = browser.new_page()
                page.goto(url)  # warm: the browser's own first start
                page.wait_for_selector("body.-first-byte", timeout=30000)
                page.close()
                for _ in range(args.runs):
                    page = browser.new_page()
                    drawn = threading.Event()

                    def watch(websocket, drawn=drawn) -> None:
                        def frame(payload) -> None:
                            if isinstance(payload, bytes) and b"Type your name" in payload:
                                drawn.set()

                        websocket.on("framereceived", frame)

                    page.on("websocket", watch)
                    started = time.perf_counter()
                    page.goto(url)
                    while not drawn.is_set():
                        page.wait_for_timeout(5)
                    times.append(time.perf_counter() - started)
                    page.close()
                    time.sleep(2.0)  # the closed tab's game goes, a new spare starts
                browser.close()
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(30)
    median = statistics.median(times)
    runs = ", ".join(f"{t:.2f}" for t in times)
    print(
        f"session start to first screen painted: median {median:.2f} s (runs: {runs}; budget 2 s); "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"serve_session_start_s={median:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
