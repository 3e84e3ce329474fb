"""The anomaly timeline of the "Why?" view: the checker's own lanes (`capquest.checker.timeline`: faults,
one lane per node, one per client session, operations as bars from invoke to completion, anomalies in red,
the one being explained brighter) for a time window, with a lane of replication lag under each replica
(from the run's trace) and the faults of the window spelled out. It fits its width; a click on a lane
posts the time under the mouse, so the screen can jump to the nearest anomaly.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any

from rich.cells import set_cell_size
from rich.console import Group
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from capquest.checker import Anomaly, format_time
from capquest.checker.timeline import LABEL_WIDTH, axis_text, build_lanes, lane_text
from capquest.history import History
from capquest.i18n import t
from capquest.tui.widgets.glyphs import Glyphs

LAG_STYLE = "magenta"
MIN_CELLS = 20


def lag_series(trace: Sequence[Any], nodes: Sequence[str]) -> dict[str, tuple[list[int], list[float]]]:
    """Per node with a replication lag in the trace ("<node>.lag_ms"): frame times (us) and lags (ms)."""
    series: dict[str, tuple[list[int], list[float]]] = {}
    for node in nodes:
        key = f"{node}.lag_ms"
        times: list[int] = []
        lags: list[float] = []
        for frame in trace:
            value = frame.values.get(key)
            if value is not None:
                times.append(frame.t_us)
                lags.append(float(value))
        if times:
            series[node] = (times, lags)
    return series


def lag_at(series: tuple[list[int], list[float]], t_us: int) -> float:
    """The lag (ms) a trace frame shows at `t_us`: the last frame at or before it (the first before any)."""
    times, lags = series
    i = bisect_right(times, t_us) - 1
    return lags[max(i, 0)]


def format_lag(ms: float, lang: str | None = None) -> str:
    """A lag for people: "340 ms" under a second, "3.21s" above, "80 µs" under a millisecond (a lag that
    is there must not read "0 ms")."""
    if 0 < ms < 1:
        return t("why.lag_us", lang, us=max(1, round(ms * 1000)))
    if ms < 1000:
        return t("why.lag_ms", lang, ms=round(ms))
    return t("why.lag_value", lang, s=ms / 1000)


def history_nodes(history: History) -> list[str]:
    """The nodes in lane order, as the checker's timeline orders them."""
    return list(dict.fromkeys([*history["nodes"], *(op["node"] for op in history["ops"] if op["node"])]))


class AnomalyTimeline(Widget):
    """Set `show(...)` to draw a window; `cells` is the width of the bars in terminal cells."""

    DEFAULT_CSS = "AnomalyTimeline { height: auto; }"

    class TimeClicked(Message):
        def __init__(self, t_us: int) -> None:
            super().__init__()
            self.t_us = t_us

    def __init__(self, *, glyphs: Glyphs, id: str | None = None) -> None:
        super().__init__(id=id)
        self.glyphs = glyphs
        self.history: History | None = None
        self.anomalies: Sequence[Anomaly] = ()
        self.focus_anomaly: Anomaly | None = None
        self.window: tuple[int, int] = (0, 1)
        self.sessions: list[int] = []
        self.lags: dict[str, tuple[list[int], list[float]]] = {}
        self.peak_lag = 0.0
        self._lane_nodes: list[str] = []
        self._op_invokes: list[int] = []
        self._op_longest = 0
        self._drawn: tuple[tuple[Any, ...], list[Text]] | None = None

    def show(
        self,
        history: History,
        anomalies: Sequence[Anomaly],
        *,
        window: tuple[int, int],
        sessions: list[int],
        focus: Anomaly | None,
        lags: dict[str, tuple[list[int], list[float]]],
    ) -> None:
        if history is not self.history:
            self._lane_nodes = history_nodes(history)
            ops = history["ops"]  # sorted by invocation (the format says so)
            self._op_invokes = [op["invoke"] for op in ops]
            self._op_longest = max(((op["complete"] or op["invoke"]) - op["invoke"] for op in ops), default=0)
        self.history, self.anomalies, self.focus_anomaly = history, anomalies, focus
        self.window, self.sessions, self.lags = window, sessions, lags
        self.peak_lag = max((max(v) for _, v in lags.values()), default=0.0)
        self.refresh(layout=True)

    @property
    def cells(self) -> int:
        return max(MIN_CELLS, self.size.width - LABEL_WIDTH - 1)

    def _lag_line(self, node: str, width: int) -> Text:
        series = self.lags[node]
        start, end = self.window
        levels = self.glyphs.spark
        text = Text(set_cell_size(t("why.lag_lane", None, node=node), LABEL_WIDTH), style="dim")
        text.append(" ")
        bar = []
        for c in range(width):
            t0 = start + (end - start) * c // width
            t1 = start + (end - start) * (c + 1) // width
            times, lags = series
            lo = max(bisect_right(times, t0) - 1, 0)
            value = max(lags[lo : max(bisect_right(times, t1), lo + 1)])
            level = 0 if self.peak_lag <= 0 else round(value / self.peak_lag * (len(levels) - 1))
            bar.append(" " if value <= 0 else levels[level])
        text.append("".join(bar), style=LAG_STYLE)
        return text

    def _fault_lines(self) -> list[Text]:
        assert self.history is not None
        start, end = self.window
        lines = []
        for fault in self.history["faults"]:
            if fault["end"] < start or fault["start"] > end:
                continue
            kind = fault["kind"]
            values = {
                "mark": {"partition": "P", "crash": "X", "lag_spike": "L"}.get(kind, "F"),
                "start": format_time(fault["start"]),
                "end": format_time(fault["end"]),
                "node": fault["node"] or t("why.fault_everywhere"),
                "kind": kind,
                "groups": " | ".join("[" + ", ".join(g) + "]" for g in fault["groups"]),
            }
            key = f"why.fault_{kind}" if kind in ("partition", "crash", "lag_spike") else "why.fault_other"
            lines.append(Text(t(key, None, **values), style="on grey30"))
        return lines or [Text(t("why.no_faults"), style="dim")]

    def _window_history(self) -> History:
        """The history cut to the operations that can reach the window: drawing a close-up then costs
        what the window holds, not what the whole run holds."""
        assert self.history is not None
        start, end = self.window
        lo = bisect_left(self._op_invokes, start - self._op_longest)
        hi = bisect_right(self._op_invokes, end)
        return {**self.history, "nodes": self._lane_nodes, "ops": self.history["ops"][lo:hi]}  # type: ignore[typeddict-item]

    def render(self) -> Group:
        if self.history is None:
            return Group(Text(""))
        key = (
            self.window,
            self.cells,
            id(self.focus_anomaly),
            tuple(self.sessions),
            id(self.anomalies),
            t("why.legend"),
        )
        if self._drawn is None or self._drawn[0] != key:
            self._drawn = (key, self._lines())
        return Group(*self._drawn[1])

    def _lines(self) -> list[Text]:
        assert self.history is not None
        width = self.cells
        start, end = self.window
        _, _, lanes = build_lanes(
            self._window_history(),
            self.anomalies,
            start=start,
            end=end,
            width=width,
            sessions=self.sessions,
            focus=self.focus_anomaly,
        )
        nodes = self._lane_nodes
        lines: list[Text] = [axis_text(start, end, width)]
        for i, lane in enumerate(lanes):
            lines.append(lane_text(lane))
            node = nodes[i - 1] if 1 <= i <= len(nodes) else None
            if node is not None and node in self.lags:
                lines.append(self._lag_line(node, width))
        for line in lines:  # lanes are exactly as wide as the widget: never wrap them
            line.no_wrap, line.overflow = True, "crop"
        lines.extend(self._fault_lines())
        if self.lags:
            lines.append(
                Text(t("why.lag_scale", None, peak=format_lag(self.peak_lag)), style=f"dim {LAG_STYLE}")
            )
        lines.append(Text(t("why.legend"), style="dim"))
        return lines

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or self.history is None:
            return
        column = offset.x - LABEL_WIDTH - 1
        if 0 <= column < self.cells:
            start, end = self.window
            self.post_message(self.TimeClicked(start + (end - start) * column // self.cells))
