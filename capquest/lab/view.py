"""The lab's result as rich renderables: the engine's prediction beside PostgreSQL's figures, how the
night was played, and one line per lesson. One rendering for `capquest lab` and the game's lab screen,
so both show the same figures the same way. Reads the documented JSON (`capquest.lab.result_json`)."""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from capquest.i18n import t
from capquest.units import count_text, ms_text, rate_text


def played_line(lab: dict[str, Any], lang: str | None = None) -> str:
    """How the night was played: operations, seconds, rate, compression, lag, servers."""
    delays = lab["apply_delay_ms"]
    lag = ", ".join(ms_text(d) for d in delays) if delays else t("lab.no_lag", lang)
    return t(
        "lab.played",
        lang,
        ops=f"{lab['ops']:,}",
        seconds=f"{lab['seconds']:.1f}",
        rate=f"{lab['ops_per_s']:,.0f}",
        level_s=f"{lab['level_seconds']:g}",
        k=f"{lab['compression']:.1f}",
        lag=lag,
        nodes=", ".join(lab["nodes"]),
    )


def result_renderables(
    data: dict[str, Any], level_title: str, lang: str | None = None
) -> list[RenderableType]:
    engine, real, lab = data["engine"], data["postgres"], data["lab"]
    title = t(
        "lab.title", lang, level=level_title, card=data["card"], seed=data["seed"], version=lab["postgres"]
    )
    table = Table(title=Text(title))
    table.add_column(t("lab.col_metric", lang))
    table.add_column(t("lab.col_engine", lang), justify="right")
    table.add_column(t("lab.col_real", lang), justify="right")

    def count(name: str) -> tuple[str, str]:
        return count_text(engine[name]), count_text(real[name])

    rows = [
        ("m_ops", count("ops")),
        ("m_orders", count("orders_accepted")),
        ("m_oversold", count("oversold_units")),
        ("m_stale", count("stale_reads")),
        ("m_ryw", count("ryw_violations")),
        ("m_monotonic", count("monotonic_violations")),
        # written as the results screen writes them (capquest.units): one figure, one form
        ("m_errors", (rate_text(engine["error_rate"]), rate_text(real["error_rate"]))),
        ("m_p50", (ms_text(engine["p50_ms"]), ms_text(real["p50_ms"]))),
        ("m_p99", (ms_text(engine["p99_ms"]), ms_text(real["p99_ms"]))),
    ]
    for key, (e, r) in rows:
        table.add_row(t(f"lab.{key}", lang), e, r)
    out: list[RenderableType] = [
        table,
        Text(played_line(lab, lang)),
        Text(t("lab.counts_note", lang), style="dim"),
        Text(t("lab.lessons_title", lang), style="bold"),
    ]
    for lesson in data["lessons"]:
        shown = lesson["verdict"] in ("too", "surprise") and lesson["postgres"]
        out.append(Text(f"  - {lesson['text']}", style="red" if shown else "green"))
    return out
