"""Sandbox benchmark: from a fault key press to the fault's effect on screen (budget: 100 ms median at
the campaign's scales).

For each campaign level (its scenario pre-filled, its first card), presses `p` (a partition of every
region but the primary's; a crash of the primary on one-region levels) in the sandbox screen at 3 s and
measures the wall time until the fault is drawn on the timeline (at once, from the schedule) and until
the night chart shows its effect: the key press, the worker's re-simulation from the start (engine +
series), and the repaint. Also the re-simulation alone, without the screen. Prints per level and the median; absolute times are noisy on shared machines.

    python benchmarks/sandbox.py [--levels N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from capquest.packs.loader import builtin_pack  # noqa: E402
from capquest.sandbox import Action, Sandbox  # noqa: E402

FRAME_S = 1 / 60  # Textual repaints changed widgets at most 60 times a second


def _fault(sandbox: Sandbox) -> Action:
    topology = sandbox.scenario.topology
    at = min(3000, int(sandbox.scenario.workload.duration_s * 500))
    others = tuple(r for r in topology.regions if r != topology.primary_region)
    if others:
        return Action("partition", at, regions=others)
    return Action("crash", at, node="primary")


async def _press_to_screen(level) -> tuple[float, float]:
    """(key press -> the fault drawn on the timeline, key press -> the re-simulated night on screen)."""
    from capquest.tui.app import CapQuestApp
    from capquest.tui.screens.sandbox import SandboxScreen
    from capquest.tui.widgets.night_chart import NightChart

    app = CapQuestApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.open_sandbox(level)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SandboxScreen)
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("space", "home")
        fault = _fault(screen.sandbox)
        screen.cursor_ms = fault.at_ms
        chart = screen.query_one("#chart", NightChart)
        before, drawn = screen.night, len(chart.faults)
        # What the `p` key runs (the binding's action); Pilot's own waits for idle are not the app's time.
        start = time.perf_counter()
        if fault.kind == "partition":
            screen.action_fault("partition")
        else:  # one region: crash the primary (its key needs the node chosen in a select)
            screen.sandbox = screen.sandbox.act(fault)
            screen._resimulate()
        assert len(chart.faults) > drawn
        await asyncio.sleep(FRAME_S)  # the compositor paints the changed chart within a frame
        shown = time.perf_counter() - start
        while screen.night is before or screen.busy:
            await asyncio.sleep(0.001)
        await asyncio.sleep(FRAME_S)
        return shown, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", type=int, default=0, help="only the first N campaign levels")
    args = parser.parse_args()
    levels = builtin_pack().levels
    if args.levels:
        levels = levels[: args.levels]
    drawn_ms, screen_ms, model_ms = [], [], []
    for level in levels:
        sandbox = Sandbox.from_level(level)
        sandbox.run()  # warm
        times = []
        for _ in range(3):
            fresh = Sandbox.from_level(level).act(_fault(sandbox))  # no remembered runs
            t0 = time.perf_counter()
            fresh.run()
            times.append(time.perf_counter() - t0)
        model = statistics.median(times) * 1000
        drawn, effect = (x * 1000 for x in asyncio.run(_press_to_screen(level)))
        drawn_ms.append(drawn)
        screen_ms.append(effect)
        model_ms.append(model)
        print(
            f"{level.id:20s} re-simulate {model:6.1f} ms   press -> fault drawn {drawn:6.1f} ms"
            f"   press -> its effect on screen {effect:6.1f} ms"
        )
    print(f"median re-simulate {statistics.median(model_ms):.1f} ms (budget for the whole press: 100 ms)")
    print(f"median key press -> fault drawn on the timeline {statistics.median(drawn_ms):.1f} ms")
    print(
        f"median key press -> the fault's effect on screen {statistics.median(screen_ms):.1f} ms (budget 100 ms)"
    )


if __name__ == "__main__":
    main()
