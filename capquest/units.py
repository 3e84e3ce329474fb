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
