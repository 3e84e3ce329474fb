"""A run's metrics as a table: on the results screen with what each axis cost the score, on the compare
screen two runs side by side with which one is better, metric by metric."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from capquest.i18n import t
from capquest.scoring import score_text
from capquest.tui.widgets.glyphs import FANCY, Glyphs, stars
from capquest.units import amount_text, count_text, ms_text, rate_text


@dataclass(frozen=True)
class MetricRow:
    key: str  # catalogue key play.metric.<key>
    value: Callable[[Any], float]  # of a RunResult
    show: Callable[[float], str]
    lower_is_better: bool = True
    axis: str | None = None  # the score axis this metric's penalty is reported under


ROWS = (
    MetricRow("oversold", lambda r: r.outcome.metrics.oversold_units, count_text, axis="oversell"),
    MetricRow("p50", lambda r: r.outcome.metrics.latency_ms.p50, ms_text),
    MetricRow("p99", lambda r: r.outcome.metrics.latency_ms.p99, ms_text, axis="latency"),
    MetricRow("errors", lambda r: r.outcome.metrics.error_rate, rate_text, axis="errors"),
    MetricRow("cost", lambda r: r.outcome.metrics.cost_units, amount_text, axis="cost"),
    MetricRow("stale", lambda r: r.outcome.metrics.stale_reads, count_text),
    MetricRow(
        "session",
        lambda r: r.outcome.metrics.ryw_violations + r.outcome.metrics.monotonic_violations,
        count_text,
    ),
    MetricRow("compensated", lambda r: r.outcome.metrics.compensated_orders, count_text),
    MetricRow("score", lambda r: r.score.score, score_text, lower_is_better=False),
)


def better_side(row: MetricRow, a: Any, b: Any) -> int:
    """-1 when run a is better on this metric, 1 when b is, 0 when they tie."""
    va, vb = row.value(a), row.value(b)
    if va == vb or row.show(va) == row.show(vb):  # a difference the table cannot show is no win
        return 0
    a_wins = va < vb if row.lower_is_better else va > vb
    return -1 if a_wins else 1


# SIMPLE_HEAD (a rule under the header, nothing else) drawn with an ASCII hyphen.
_PLAIN_HEAD = box.Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)


def _table(box_ascii: bool) -> Table:
    return Table(
        box=_PLAIN_HEAD if box_ascii else box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False
    )


class MetricTable(Static):
    DEFAULT_CSS = """
    MetricTable { height: auto; }
    """

    def __init__(self, *, glyphs: Glyphs = FANCY, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.glyphs = glyphs

    def show_result(self, result: Any) -> None:
        table = _table(self.glyphs is not FANCY)
        # In a narrow panel a long metric name wraps, so the figures and what they cost are never cut.
        table.add_column(t("play.metric_header"), overflow="fold")
        table.add_column(t("play.metric_value"), justify="right", no_wrap=True)
        table.add_column(t("play.metric_penalty"), justify="right", no_wrap=True)
        for row in ROWS:
            if row.key == "score":
                continue
            penalty = result.score.breakdown.get(row.axis) if row.axis else None
            table.add_row(
                t(f"play.metric_{row.key}"),
                row.show(row.value(result)),
                Text(f"-{penalty:,.1f}" if penalty else "0", style="red" if penalty else "dim")
                if penalty is not None
                else "",
            )
        anomalies = result.score.breakdown.get("anomalies")
        if anomalies is not None:  # levels that weigh stale reads and session violations
            table.add_row(
                t("play.metric_anomalies"),
                "",
                Text(f"-{anomalies:,.1f}" if anomalies else "0", style="red" if anomalies else "dim"),
            )
        table.add_section()
        table.add_row(
            Text(t("play.metric_score"), style="bold"),
            Text(score_text(result.score.score), style="bold"),
            stars(result.score.stars, self.glyphs),
        )
        self.update(table)

    def show_compare(self, a: Any, b: Any, a_label: str, b_label: str) -> None:
        g = self.glyphs
        table = _table(g is not FANCY)
        table.add_column(t("play.metric_header"), no_wrap=True)
        table.add_column(a_label, justify="right", no_wrap=True)
        table.add_column(b_label, justify="right", no_wrap=True)
        for row in ROWS:
            side = better_side(row, a, b)
            cells = []
            for this, value in ((-1, row.value(a)), (1, row.value(b))):
                text = Text(row.show(value))
                if side == this:
                    text.stylize("bold green")
                    text = Text(f"{t('play.compare_better')} ", style="green") + text
                cells.append(text)
            table.add_row(t(f"play.metric_{row.key}"), *cells)
        table.add_row(t("play.metric_stars"), stars(a.score.stars, g), stars(b.score.stars, g))
        self.update(table)
