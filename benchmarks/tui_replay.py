"""Press Run -> first replay frame on screen, on the built-in campaign (budget: 200 ms median).

For each level it opens the level screen headless (Textual's test driver, 80x24), presses `r` and times
until the replay screen's first frame has been painted (the refresh after it mounted). It also times the
run alone (engine + check + score, the same call in this process), so the screen's own share shows.
Prints one line per level and the medians; absolute times are noisy on a shared machine.

    python benchmarks/tui_replay.py [--repeat 5] [LEVEL_ID ...]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from textual.app import App

from capquest.packs import builtin_pack
from capquest.play import run
from capquest.tui.screens import replay as replay_module
from capquest.tui.screens.level import LevelScreen
from capquest.tui.session import PlaySession


class Host(App):
    def __init__(self, session: PlaySession) -> None:
        super().__init__()
        self.session = session

    def on_mount(self) -> None:
        self.push_screen(LevelScreen(self.session))


async def run_to_first_frame(level, repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (this process, all threads) seconds from pressing Run to the first frame painted."""
    painted: list[tuple[float, float]] = []
    done = asyncio.Event()  # waited on, not polled: polling would add its own CPU to the figure
    original_mount = replay_module.ReplayScreen.on_mount

    def first_frame() -> None:
        painted.append((time.perf_counter(), time.process_time()))
        done.set()

    def on_mount(self) -> None:
        original_mount(self)
        self.call_after_refresh(first_frame)

    replay_module.ReplayScreen.on_mount = on_mount  # type: ignore[method-assign]
    try:
        app = Host(PlaySession(level, reduced_motion=True))
        times, cpu = [], []
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            for _ in range(repeat):
                painted.clear()
                done.clear()
                start, start_cpu = time.perf_counter(), time.process_time()
                await pilot.press("r")
                await done.wait()
                times.append(painted[0][0] - start)
                cpu.append(painted[0][1] - start_cpu)
                await pilot.press("enter")  # to the results
                await pilot.pause()
                await pilot.press("escape")  # back to the level
                await pilot.pause()
        return times, cpu
    finally:
        replay_module.ReplayScreen.on_mount = original_mount  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("levels", nargs="*")
    args = parser.parse_args()
    pack = builtin_pack()
    levels = [pack.level(i) for i in args.levels] if args.levels else list(pack.levels)
    rows = []
    for level in levels:
        runs, run_cpu = [], []
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            run(level, level.cards[0].id)
            runs.append(time.perf_counter() - start)
            run_cpu.append(time.process_time() - start_cpu)
        frames, frame_cpu = asyncio.run(run_to_first_frame(level, args.repeat))
        row = [statistics.median(x) * 1000 for x in (frames, runs, frame_cpu, run_cpu)]
        rows.append(row)
        _print(level.id, row)
    _print("median", [statistics.median(col) for col in zip(*rows, strict=True)])
    print("budget: run->first frame <= 200 ms median (wall); CPU shows the share under a loaded machine")


def _print(name: str, row: list[float]) -> None:
    f, r, fc, rc = row
    print(
        f"{name:20s} run->first frame {f:7.1f} ms (cpu {fc:6.1f})   run alone {r:7.1f} ms (cpu {rc:6.1f})"
        f"   screen share cpu {fc - rc:6.1f} ms"
    )


if __name__ == "__main__":
    main()
