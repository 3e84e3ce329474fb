"""One frame of a finished run's replay: the clock, the traffic, the topology with lag and cut links,
the stock counters falling, oversells flashing, and the latest events.

The view only draws the frame it is given (`show_frame`); the replay screen owns time (speed, pause,
scrub). Trace keys it understands (the engine's, see `capquest.engine.results`; others are ignored):
"rps" and "errors" (failed requests per second), "p99_ms", "primary.pool_busy", "<node>.lag_ms",
"stock/<n>", "cache.stock/<n>", "worker.queue"; events "partition:start|end", "crash:<node>:start|end",
"lag_spike:<node>:start|end", "oversell:<key>", anything else shown as written."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from capquest.engine.model import Scenario
from capquest.engine.outcome import TraceFrame
from capquest.i18n import t
from capquest.tui.widgets.glyphs import FANCY, Glyphs, pad
from capquest.tui.widgets.topology import TopologyDiagram, cut_links
from capquest.units import count_text, ms_text, rate_text

_STOCK_KEY = re.compile(r"^stock/(\d+)$")
MAX_STOCK_ROWS = 3
MAX_EVENT_ROWS = 6


def stock_keys(frames: Sequence[TraceFrame]) -> list[str]:
    keys = {k for f in frames[:1] for k in f.values if _STOCK_KEY.match(k)}
    return sorted(keys, key=lambda k: int(_STOCK_KEY.match(k).group(1)))[:MAX_STOCK_ROWS]  # type: ignore[union-attr]


def event_text(event: str) -> str:
    kind, _, arg = event.partition(":")
    node, _, phase = arg.rpartition(":")
    if kind == "partition":
        return t("play.event_partition_" + ("start" if arg == "start" else "end"))
    if kind == "oversell":
        return t("play.event_oversell", key=arg)
    if kind in ("crash", "lag_spike") and phase in ("start", "end"):
        return t(f"play.event_{kind}_{phase}", node=node)
    return event


class ReplayView(Vertical):
    SCOPED_CSS = False  # the ASCII-borders rules match an ancestor (the app or screen) with "-ascii"
    DEFAULT_CSS = """
    ReplayView { height: auto; }
    ReplayView > Static { height: auto; text-wrap: nowrap; text-overflow: ellipsis; }
    ReplayView #replay-stock { border: round $panel-lighten-2; padding: 0 1; }
    ReplayView #replay-stock.-flash { border: heavy $error; background: $error 20%; }
    .-ascii ReplayView #replay-stock { border: ascii $panel-lighten-2; }
    .-ascii ReplayView #replay-stock.-flash { border: ascii $error; }
    ReplayView #replay-events { color: $text-muted; border: round $panel-lighten-2; padding: 0 1; }
    .-ascii ReplayView #replay-events { border: ascii $panel-lighten-2; }
    """

    def __init__(
        self,
        scenario: Scenario,
        frames: Sequence[TraceFrame],
        *,
        glyphs: Glyphs = FANCY,
        ascii_borders: bool = False,
        oversold: tuple[list[int], list[int]] | None = None,
        id: str | None = None,
    ) -> None:
        """`oversold`: the run's `capquest.engine.anomalies.oversold_curve`, to show the results' count
        of oversold units as it grows (the counters can stay above zero when updates are lost, and only
        a few of them are drawn)."""
        super().__init__(id=id)
        self.scenario = scenario
        self.frames = tuple(frames)
        self.oversold = oversold or ([], [])
        self.glyphs = glyphs
        self.keys = stock_keys(self.frames)
        w = scenario.workload
        initial = {
            k: float(w.hot_item_stock if k == "stock/0" and w.hot_item_stock is not None else w.stock)
            for k in self.keys
        }
        self.full_stock = {
            k: max(initial[k], *(f.values.get(k, 0.0) for f in self.frames), 1.0) for k in self.keys
        }
        self.duration_us = max(
            int(scenario.workload.duration_s * 1_000_000), self.frames[-1].t_us if self.frames else 1
        )
        self.set_class(ascii_borders, "-ascii")
        self.index = 0
        self._drawn: dict[str, object] | None = None  # show_frame's arguments, to redraw on a resize
        self.show_queue = any(f.values.get("worker.queue", 0.0) > 0 for f in self.frames)

    def compose(self) -> ComposeResult:
        yield Static(id="replay-clock")
        yield Static(id="replay-traffic")
        yield TopologyDiagram(self.scenario.topology, glyphs=self.glyphs, id="replay-topology")
        yield Static(id="replay-stock")
        yield Static(id="replay-events")

    def on_mount(self) -> None:
        self.query_one("#replay-stock", Static).border_title = t("play.replay_stock")
        self.query_one("#replay-events", Static).border_title = t("play.replay_events")

    def on_resize(self) -> None:
        # Bars are as wide as the widget: a frame drawn before the first layout (the only one, under
        # reduced motion) or before the terminal was resized is drawn again at the real width.
        if self._drawn is not None:
            self.show_frame(**self._drawn)  # type: ignore[arg-type]

    def _active(self, t_us: int) -> tuple[list[tuple[tuple[str, ...], ...]], set[str]]:
        partitions, crashed = [], set()
        for f in self.scenario.faults:
            if f.at_s * 1_000_000 <= t_us < f.until_s * 1_000_000:
                if f.kind == "partition":
                    partitions.append(f.groups)
                elif f.kind == "crash":
                    crashed.add(f.node)
        return partitions, crashed

    def oversold_at(self, index: int) -> int:
        """Units sold beyond the stock by frame `index`'s moment; at the last frame, the run's total (the
        results' oversold count, orders answered after the last sample included)."""
        times, totals = self.oversold
        if not totals:
            return 0
        if index >= len(self.frames) - 1:
            return totals[-1]
        done = bisect_right(times, self.frames[index].t_us)
        return totals[done - 1] if done else 0

    def show_frame(self, index: int, *, phase: int, speed: float, paused: bool, flash: bool) -> None:
        """Draw frame `index`; `phase` moves the packets (0 under reduced motion), `flash` highlights an
        oversell that happened since the previous frame drawn."""
        if not self.frames:
            return
        self._drawn = {"index": index, "phase": phase, "speed": speed, "paused": paused, "flash": flash}
        self.index = index = max(0, min(index, len(self.frames) - 1))
        frame = self.frames[index]
        g = self.glyphs
        width = max(self.size.width - 2, 30)

        # clock and progress
        clock = Text()
        clock.append(f"{g.pause if paused else g.play} ", style="bold")
        clock.append(f"{frame.t_us / 1e6:5.2f} s / {self.duration_us / 1e6:.1f} s  ", style="bold")
        clock.append(f"{speed:g}x  ", style="cyan")
        bar_w = max(width - clock.cell_len - 2, 8)
        done = round(bar_w * frame.t_us / self.duration_us)
        clock.append(g.bar * done, style="cyan")
        clock.append(g.bar_empty * (bar_w - done), style="dim")
        self.query_one("#replay-clock", Static).update(clock)

        # traffic: the arrival rate now, its history so far as a sparkline, packets moving to the primary
        rps = [f.values.get("rps", 0.0) for f in self.frames[: index + 1]]
        peak = max(f.values.get("rps", 0.0) for f in self.frames) or 1.0
        traffic = Text()
        # one label column for both rows, as wide as the longer label needs (Korean's "프라이머리" is 10 cells)
        label_w = max(8, *(cell_len(t(k)) + 1 for k in ("play.replay_traffic", "play.replay_pool")))
        traffic.append(pad(t("play.replay_traffic"), label_w), style="bold")
        traffic.append(f"{rps[-1]:>8,.0f} {t('play.replay_rps')}  ")
        spark_w = max(min(width - traffic.cell_len - 12, 40), 5)
        levels = g.spark
        for value in rps[-spark_w:]:
            traffic.append(levels[min(len(levels) - 1, int(value / peak * (len(levels) - 1)))], style="green")
        errors = frame.values.get("errors")
        if errors is not None:
            rate = min(1.0, errors / rps[-1]) if rps[-1] else 0.0
            traffic.append(
                f"  {t('play.replay_errors')} {rate_text(rate)}", style="bold red" if rate else "dim"
            )
        if self.show_queue:
            traffic.append(
                f"  {t('play.replay_queue')} {frame.values.get('worker.queue', 0.0):,.0f}", style="yellow"
            )
        p99 = frame.values.get("p99_ms")
        if p99 is not None:
            traffic.append(f"  p99 {ms_text(p99)}", style="dim")
        busy = frame.values.get("primary.pool_busy")
        if busy is not None:  # the seed's 995/1000 connections: the primary's pool filling up
            pool = self.scenario.topology.primary.pool
            traffic.append("\n")
            traffic.append(pad(t("play.replay_pool"), label_w), style="bold")
            gauge_w = max(min(width - 50, 30), 8)
            filled = min(gauge_w, round(gauge_w * busy / pool))
            hot = busy >= 0.9 * pool
            traffic.append(g.bar * filled, style="red" if hot else "yellow")
            traffic.append(g.bar_empty * (gauge_w - filled), style="dim")
            traffic.append(f" {busy:,.0f}/{pool:,}", style="bold red" if hot else "")
            waiting = frame.values.get("primary.pool_waiting", 0.0)
            locks = frame.values.get("lock_waiters", 0.0)
            if waiting:
                traffic.append(f"  {t('play.replay_waiting', n=f'{waiting:,.0f}')}", style="red")
            if locks:
                traffic.append(f"  {t('play.replay_locks', n=f'{locks:,.0f}')}", style="yellow")
        self.query_one("#replay-traffic", Static).update(traffic)

        partitions, crashed = self._active(frame.t_us)
        topo = self.scenario.topology
        self.query_one(TopologyDiagram).show_state(
            frame.values, cut=cut_links(topo, partitions), crashed=crashed, phase=phase
        )

        # stock counters
        stock = Text()
        for i, key in enumerate(self.keys):
            value = frame.values.get(key, 0.0)
            full = self.full_stock[key]
            bar_w = max(min(width - 40, 30), 6)
            filled = round(bar_w * max(value, 0.0) / full)
            if i:
                stock.append("\n")
            stock.append(pad(key, 9), style="bold")
            stock.append(g.bar * filled, style="green" if value > 0 else "red")
            stock.append(g.bar_empty * (bar_w - filled), style="dim")
            stock.append(f" {value:>5.0f}", style="bold red" if value < 0 else "bold")
            cached = frame.values.get(f"cache.{key}")
            if cached is not None:
                stock.append(f"  {t('play.replay_cache')} {cached:.0f}", style="cyan")
            if value < 0:
                # what the counter reads now, not the run's oversell (the line below): lost updates
                # sell beyond the stock without moving a counter, so the two differ
                stock.append(f"  {t('play.replay_counter_below_zero', n=int(-value))}", style="bold red")
        if not self.keys:
            stock.append(t("play.replay_no_stock"), style="dim")
        if sold_beyond := self.oversold_at(index):
            stock.append("\n" + t("play.replay_oversold_total", n=count_text(sold_beyond)), style="bold red")
            # the total counts every item; the trace draws only the first few (MAX_STOCK_ROWS)
            below_zero = sum(
                int(-frame.values.get(k, 0.0)) for k in self.keys if frame.values.get(k, 0.0) < 0
            )
            if sold_beyond > below_zero:  # the counters show less than the total: say why, once
                undrawn = self.scenario.workload.items - len(self.keys)
                why = (
                    t("play.replay_undrawn_items", n=undrawn)
                    if undrawn > 0
                    else t("play.replay_oversold_hidden")
                )
                stock.append("\n" + why, style="red")
        panel = self.query_one("#replay-stock", Static)
        panel.update(stock)
        panel.set_class(flash, "-flash")

        # the latest events, newest last
        seen: list[str] = []
        for f in self.frames[: index + 1]:
            for event in f.events:
                seen.append(f"{f.t_us / 1e6:5.2f} s  {event_text(event)}")
        quiet = t("play.replay_no_events_end" if index == len(self.frames) - 1 else "play.replay_no_events")
        log = Text("\n".join(seen[-MAX_EVENT_ROWS:]) or quiet)
        self.query_one("#replay-events", Static).update(log)
