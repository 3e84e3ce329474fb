"""The lab's table writes its figures as the results screen does (`capquest.units`): it once wrote
"27.9 %" and "8000.0 ms" where every other screen says "27.9%" and "8.0 s"."""

from __future__ import annotations

from rich.console import Console

from capquest.lab.view import result_renderables
from capquest.units import count_text, ms_text, rate_text


def figures(**overrides: float) -> dict[str, float]:
    base = {
        "ops": 12345,
        "orders_accepted": 1200,
        "oversold_units": 3,
        "stale_reads": 40,
        "ryw_violations": 0,
        "monotonic_violations": 0,
        "error_rate": 0.279,
        "p50_ms": 2.8,
        "p99_ms": 8000.0,
    }
    return {**base, **overrides}


def test_the_lab_table_writes_each_figure_as_the_results_do() -> None:
    data = {
        "card": "replica-check",
        "seed": 1,
        "engine": figures(),
        "postgres": figures(error_rate=0.0125, p99_ms=340.0),
        "lab": {
            "postgres": "15",
            "apply_delay_ms": [3000.0],
            "ops": 12345,
            "seconds": 4.2,
            "ops_per_s": 2939.3,
            "level_seconds": 15,
            "compression": 3.6,
            "nodes": ["primary", "replica-1"],
        },
        "lessons": [],
    }
    console = Console(width=120, record=True, color_system=None)
    for part in result_renderables(data, "Five to six", "en"):
        console.print(part)
    text = console.export_text()
    for shown in (rate_text(0.279), rate_text(0.0125), ms_text(8000.0), ms_text(340.0), ms_text(2.8)):
        assert shown in text
    assert count_text(12345) in text
    assert "27.9 %" not in text and "8,000.0 ms" not in text
