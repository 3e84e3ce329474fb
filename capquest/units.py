"""How a figure is written for people, one formatter per unit, so a figure reads the same on every screen,
in the CLI and in the tutorial's narration (English and Korean write numbers alike)."""

from __future__ import annotations


def ms_text(ms: float) -> str:
    """A duration given in milliseconds: "0.4 ms", "5.5 ms", "340 ms", "2.4 s"."""
    if ms >= 1000:
        return f"{ms / 1000:.1f} s"
    if ms >= 10:
        return f"{ms:.0f} ms"
    return f"{ms:.1f} ms"


def count_text(n: float) -> str:
    """A count of things (units, reads, orders): a whole number with thousands separators, "59,100"."""
    return f"{n:,.0f}"


def rate_text(fraction: float) -> str:
    """A share given as 0-1, as a percentage with one decimal: "0.0%", "2.4%", "30.0%"."""
    return f"{fraction * 100:.1f}%"


def amount_text(x: float) -> str:
    """An amount that is not a count of things (cost units, requests per second, a par): whole from 100
    up, one decimal below ("122", "12.5", "20,000")."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}"
