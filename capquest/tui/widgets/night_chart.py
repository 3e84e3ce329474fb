"""The sandbox night on screen: a timeline with each fault drawn where it happens and the moment shown,
then one sparkline per figure (oversold, stale reads, errors, p50, p99, replica lag) up to that moment."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from capquest.engine.model import Fault
from capquest.i18n import t
from capquest.sandbox.night import Night
from capquest.sandbox.schedule import Action
from capquest.sandbox.series import SERIES
from capquest.tui.widgets.glyphs import Glyphs, pad

LABEL = 12  # cells for a row's label
VALUE = 11  # cells for the figure at the moment shown
FAULT_MARK = {"partition": "P", "crash": "X", "lag_spike": "L"}


def _figure(name: str, value: float) -> str:
    if name in ("p50", "p99", "lag"):
        return t("sandbox.ms", value=f"{value:,.0f}")
    return f"{value:,.0f}"


class NightChart(Static):
    can_focus = True  # the night's keys (arrows, fault keys) act while the chart has the focus

    def __init__(self, glyphs: Glyphs, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.glyphs = glyphs
        self.night: Night | None = None
        self.actions: tuple[Action, ...] = ()
        self.faults: tuple[Fault, ...] = ()
        self.cursor_ms = 0

    def show(
        self,
        night: Night | None,
        actions: tuple[Action, ...],
        cursor_ms: int,
        faults: tuple[Fault, ...] | None = None,
    ) -> None:
        """Draw `night` up to `cursor_ms`. `faults`: the schedule as it is now, drawn at once, before the
        re-simulated night arrives (default: the night's own)."""
        self.night, self.actions, self.cursor_ms = night, actions, cursor_ms
        self.faults = faults if faults is not None else (night.level.scenario.faults if night else ())
        self.update(self.picture(self._width()), layout=False)  # a fixed size: no relayout

    def on_resize(self) -> None:
        self.update(self.picture(self._width()), layout=False)  # a fixed size: no relayout

    def _width(self) -> int:
        return max(20, self.content_size.width or 78)

    def column_ms(self, x: int) -> int | None:
        """The moment under column `x` of the chart (for a click on the timeline), or None."""
        width = max(1, self._width() - LABEL - VALUE)
        if self.night is None or not LABEL <= x < LABEL + width:
            return None
        return int((x - LABEL + 0.5) * self.night.duration_us / 1000 / width)

    def picture(self, total: int) -> Text:
        out = Text(no_wrap=True, overflow="crop")
        g = self.glyphs
        if self.night is None:
            out.append(t("sandbox.night_not_started"))
            return out
        width = max(4, total - LABEL - VALUE)
        duration_ms = self.night.duration_us // 1000
        at = min(width - 1, self.cursor_ms * width // max(1, duration_ms))
        # the timeline: every fault of the level (its own and the player's) where it is in force
        marks = [g.h] * width
        for fault in self.faults:
            a = int(fault.at_s * 1000 * width // duration_ms)
            b = max(a + 1, int(fault.until_s * 1000 * width // duration_ms))
            for x in range(a, min(b, width)):
                marks[x] = FAULT_MARK[fault.kind]
        for action in self.actions:
            if action.kind == "surge":
                marks[min(width - 1, action.at_ms * width // duration_ms)] = "^"
        out.append(pad(t("sandbox.series_time"), LABEL))
        for x, mark in enumerate(marks):
            style = (
                "reverse"
                if x == at
                else ("bold red" if mark in "PXL" else ("bold yellow" if mark == "^" else "dim"))
            )
            out.append(mark, style=style)
        moment = t("sandbox.seconds", value=f"{self.cursor_ms / 1000:.1f}")
        out.append(" " * max(1, VALUE - cell_len(moment)) + moment)
        series = self.night.series
        buckets = len(series.ends_us)
        now_us = self.cursor_ms * 1000
        totals = series.until(now_us)
        last = series.done_by(now_us) - 1
        for name in SERIES:
            values = series.values(name)
            top = max(values) if values else 0
            out.append("\n")
            out.append(pad(t(f"sandbox.series_{name}"), LABEL))
            for x in range(width):
                k = min(buckets - 1, x * buckets // width)
                if k > last:
                    out.append(" ")
                    continue
                level = (
                    0 if not top else min(len(g.spark) - 1, int(values[k] / top * (len(g.spark) - 1) + 0.5))
                )
                hot = values[k] > 0 and name in ("oversold", "stale", "errors")
                out.append(
                    g.spark[level] if values[k] or not hot else g.spark[0], style="bold red" if hot else ""
                )
            figure = _figure(name, totals[name])
            out.append(" " * max(1, VALUE - cell_len(figure)) + figure)
        return out
