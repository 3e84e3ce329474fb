"""One formatter per unit: a duration reads the same on the results screen and in the tutorial's words."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from capquest.units import ms_text


@pytest.mark.parametrize(
    ("ms", "shown"),
    [(0.42, "0.4 ms"), (5.5, "5.5 ms"), (36.4, "36 ms"), (2400.0, "2.4 s"), (12345.0, "12.3 s")],
)
def test_milliseconds_are_written_one_way(ms: float, shown: str) -> None:
    assert ms_text(ms) == shown


def test_the_narration_and_the_metric_table_write_5_5_ms_alike() -> None:
    from capquest.tui.widgets.metric_table import ROWS
    from capquest.tutorial.figures import FIGURES

    latency = SimpleNamespace(p50=5.5, p99=5.5, mean=5.5)
    run = SimpleNamespace(outcome=SimpleNamespace(metrics=SimpleNamespace(latency_ms=latency)))
    table = {row.key: row.show(row.value(run)) for row in ROWS if row.key in ("p50", "p99")}
    assert FIGURES["p99_ms"](run) == FIGURES["p50_ms"](run) == table["p99"] == table["p50"] == "5.5 ms"
