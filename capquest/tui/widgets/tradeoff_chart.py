"""Overselling against latency: every card tried so far as a point (oversold units up, p99 latency
across), the player's latest choice highlighted, the Pareto frontier drawn through the cards nothing
beats on both axes. Cards not tried yet are listed as "?" — the chart fills in as the player explores."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from capquest.i18n import t
from capquest.scoring import pareto_frontier
from capquest.tui.widgets.glyphs import FANCY, Glyphs, pad
from capquest.units import ms_text

_CLASS_COLOUR = {"cp": "dodger_blue1", "ap": "dark_orange", "hybrid": "medium_purple1"}


@dataclass(frozen=True)
class ChartPoint:
    label: str  # one character drawn on the chart: the card's number key
    title: str
    card_class: str
    p99_ms: float | None  # None: not tried yet
    oversold: int | None
    current: bool = False


def _free_cell(taken: set[tuple[int, int]], r: int, c: int, width: int) -> int:
    """`c`, or the nearest column of row `r` no point holds yet (right first); `c` when the row is full."""
    for step in range(width):
        for candidate in (c + step, c - step):
            if 0 <= candidate < width and (r, candidate) not in taken:
                return candidate
    return c


def wrap_words(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` terminal cells, broken between words; a single word wider than
    `width` is the one thing split (a name is never cut off with an ellipsis)."""
    width = max(width, 1)
    lines: list[str] = []
    line = ""
    for word in text.split():
        while cell_len(word) > width:  # only a word longer than the whole line is broken
            if line:
                lines.append(line)
                line = ""
            head = ""
            for ch in word:
                if cell_len(head + ch) > width:
                    break
                head += ch
            lines.append(head)
            word = word[len(head) :]
        if not word:
            continue
        candidate = f"{line} {word}" if line else word
        if cell_len(candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


class TradeoffChart(Widget, can_focus=True):
    DEFAULT_CSS = """
    TradeoffChart { height: auto; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    TradeoffChart:focus { background-tint: $foreground 4%; }
    """

    def __init__(
        self,
        points: Sequence[ChartPoint] = (),
        *,
        glyphs: Glyphs = FANCY,
        plot_height: int = 8,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.points = tuple(points)
        self.glyphs = glyphs
        self.plot_height = plot_height

    def set_points(self, points: Sequence[ChartPoint]) -> None:
        self.points = tuple(points)
        self.refresh(layout=True)

    def frontier(self) -> list[ChartPoint]:
        tried = [p for p in self.points if p.p99_ms is not None and p.oversold is not None]
        idx = pareto_frontier([(p.p99_ms, float(p.oversold)) for p in tried])  # type: ignore[misc]
        return [tried[i] for i in idx]

    def render(self) -> Text:
        g = self.glyphs
        tried = [p for p in self.points if p.p99_ms is not None and p.oversold is not None]
        width = max(self.content_size.width or 60, 24)
        y_label_w = 4
        plot_w = width - y_label_w - 1
        plot_h = self.plot_height
        out = Text()
        out.append(t("play.chart_y_axis"), style="bold")
        out.append("\n")

        xs = [p.p99_ms for p in tried] or [1.0]
        lo, hi = max(min(xs), 0.1), max(max(xs), 1.0)
        log = hi / lo >= 20
        if log:
            lo, hi = lo / 1.5, hi * 1.5
        else:
            lo, hi = 0.0, hi * 1.15
        y_max = max([p.oversold for p in tried] + [1])  # type: ignore[list-item]

        def col(x: float) -> int:
            if log:
                frac = (math.log10(max(x, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
            else:
                frac = (x - lo) / (hi - lo)
            return min(plot_w - 1, max(0, round(frac * (plot_w - 1))))

        def row(y: float) -> int:  # 0 is the top row
            return min(plot_h - 1, max(0, round((1 - y / y_max) * (plot_h - 1))))

        grid: list[list[tuple[str, Style | None]]] = [[(" ", None)] * plot_w for _ in range(plot_h)]
        front = sorted(self.frontier(), key=lambda p: p.p99_ms or 0.0)
        dim_green = Style(color="green", dim=True)
        for a, b in itertools.pairwise(front):
            r1, c1, r2, c2 = (
                row(a.oversold or 0),
                col(a.p99_ms or 0),
                row(b.oversold or 0),
                col(b.p99_ms or 0),
            )
            for c in range(c1, c2 + 1):
                grid[r1][c] = (g.frontier, dim_green)
            for r in range(min(r1, r2), max(r1, r2) + 1):
                grid[r][c2] = (g.frontier, dim_green)
        on_front = {id(p) for p in front}
        taken: set[tuple[int, int]] = set()
        # The current run keeps its true place; a point landing on a cell already holding another is
        # drawn in the nearest free cell of its row, so cards that overlap (ties) stay told apart.
        for p in sorted(tried, key=lambda p: not p.current):
            style = Style(
                color=_CLASS_COLOUR.get(p.card_class, "white"),
                bold=True,
                reverse=p.current,
                underline=id(p) in on_front,
            )
            r, c = row(p.oversold or 0), col(p.p99_ms or 0)
            c = _free_cell(taken, r, c, plot_w)
            taken.add((r, c))
            grid[r][c] = (p.label, style)

        for r in range(plot_h):
            label = str(y_max) if r == 0 else ("0" if r == plot_h - 1 else "")
            out.append(label.rjust(y_label_w - 1) + " " + g.v, style="dim")
            for ch, style in grid[r]:
                out.append(ch, style=style or "")
            out.append("\n")
        out.append(" " * (y_label_w - 1) + " " + g.bl + g.h * plot_w + "\n", style="dim")
        left, right = ms_text(lo if log else 0.0), ms_text(hi)
        axis = t("play.chart_x_axis_log" if log else "play.chart_x_axis")
        gap = plot_w - cell_len(left) - cell_len(right) - cell_len(axis)
        margin = " " * (y_label_w + 1)
        if gap >= 2:
            out.append(
                margin + left + pad("", gap // 2) + axis + pad("", gap - gap // 2) + right,
                style="dim",
            )
        else:  # too narrow for one line: the ends, then the caption wrapped at its words below them
            out.append(
                margin + left + pad("", max(plot_w - cell_len(left) - cell_len(right), 1)) + right,
                style="dim",
            )
            for line in wrap_words(axis, plot_w):
                out.append("\n" + margin + line, style="dim")
        front_labels = ", ".join(p.label for p in front)
        if front_labels:
            for line in wrap_words(f"{t('play.chart_frontier')}: {front_labels}", width):
                out.append("\n")
                out.append(line, style="green")
        out.append("\n")
        out.append_text(self.legend(width))
        out.no_wrap = True
        out.overflow = "ellipsis"
        return out

    def legend(self, width: int) -> Text:
        """One entry per card: its key, its name wrapped at words within `width` cells, then its figures
        on the name's last line when they fit there, else on a line of their own."""
        out = Text()
        indent = 4  # " 1 " and a space
        for p in self.points:
            out.append("\n")
            colour = _CLASS_COLOUR.get(p.card_class, "white")
            out.append(f" {p.label} ", style=Style(color=colour, bold=True, reverse=p.current))
            out.append(" ")
            tried = p.p99_ms is not None and p.oversold is not None
            name = p.title if tried else f"? {p.title}"
            name_style = ("bold" if p.current else "") if tried else "dim"
            lines = wrap_words(name, width - indent)
            for i, line in enumerate(lines):
                if i:
                    out.append("\n" + " " * indent)
                out.append(line, style=name_style)
            if not tried:
                continue
            figures = f"{ms_text(p.p99_ms)}, {t('play.chart_oversold_n', n=p.oversold)}"  # type: ignore[arg-type]
            if cell_len(lines[-1]) + 2 + cell_len(figures) <= width - indent:
                out.append("  " + figures, style="dim")
            else:
                out.append("\n" + " " * indent + figures, style="dim")
        out.no_wrap = True
        out.overflow = "ellipsis"
        return out
