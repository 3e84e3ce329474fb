"""TUI figures, measured the way a player meets them: the real `capquest` in a pseudo-terminal.

1. Cold start: launch `capquest` -> the title screen's menu painted (budget 0.8 s).
2. Press Run -> the first replay frame painted (budget 200 ms), on the built-in campaign's level 1;
   the first press also pays for importing the engine, so it is reported apart from the median.

Usage: python benchmarks/tui.py [--runs N]. Prints one line per figure and ends with
`cold_start_s=<median> run_to_replay_s=<median>`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect


def _spawn(home: str) -> pexpect.spawn:
    script = Path(sys.executable).with_name("capquest")
    command, args = (str(script), []) if script.exists() else (sys.executable, ["-m", "capquest"])
    env = {**os.environ, "CAPQUEST_HOME": home, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
    env.pop("CAPQUEST_LANG", None)
    return pexpect.spawn(
        command, [*args, "--lang", "en"], env=env, dimensions=(30, 100), encoding="utf-8", timeout=60
    )


def _quit(child: pexpect.spawn) -> None:
    child.send("\x11")
    child.expect(pexpect.EOF)
    child.close()


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc (Linux); NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def cold_start(runs: int) -> tuple[list[float], list[float]]:
    """Wall time to the painted menu and the CPU time the process used by then: on a busy shared
    machine the wall time mostly measures the other processes; the CPU time does not."""
    times, cpu = [], []
    with tempfile.TemporaryDirectory() as home:
        for _ in range(runs):
            started = time.perf_counter()
            child = _spawn(home)
            child.expect("Settings")  # the last menu entry but one: the menu is painted
            times.append(time.perf_counter() - started)
            cpu.append(_cpu_seconds(child.pid))
            _quit(child)
    return times, cpu


def run_to_replay(runs: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as home:
        child = _spawn(home)
        child.expect("New game")
        child.send("1")  # new game -> the campaign map (the pack loads in the background)
        child.expect("stars")
        child.send("\r")  # level 1
        child.expect(r"Run \(r\)")
        time.sleep(0.5)
        for _ in range(runs):
            started = time.perf_counter()
            child.send("r")
            child.expect("Replay: ")
            times.append(time.perf_counter() - started)
            time.sleep(0.3)
            child.send("\r")  # skip to the results
            child.expect("Score")
            time.sleep(0.3)
            child.send("\x1b")  # back to the level
            child.expect(r"Run \(r\)")
            time.sleep(0.5)
        _quit(child)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    starts, cpu = cold_start(args.runs)
    print(
        f"cold start to first paint: median {statistics.median(starts):.3f} s "
        f"(runs: {', '.join(f'{s:.3f}' for s in starts)}; budget 0.8 s); "
        f"CPU used by then: median {statistics.median(cpu):.3f} s; load average {os.getloadavg()[0]:.1f}"
    )
    replays = run_to_replay(args.runs + 1)
    first, rest = replays[0], replays[1:]
    print(
        f"press Run to first replay frame: median {statistics.median(rest) * 1000:.0f} ms "
        f"(first press, importing the engine: {first * 1000:.0f} ms; budget 200 ms)"
    )
    print(f"cold_start_s={statistics.median(starts):.3f} run_to_replay_s={statistics.median(rest):.3f}")


if __name__ == "__main__":
    main()
