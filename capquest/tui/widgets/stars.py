"""Star ratings as rich text: ★/☆, or ASCII (`*`/`-`) for terminals that draw ★ two cells wide."""

from __future__ import annotations

from rich.text import Text


def stars_text(stars: int, *, ascii_only: bool = False, colour: str = "yellow", out_of: int = 3) -> Text:
    full, empty = ("*", "-") if ascii_only else ("★", "☆")
    stars = max(0, min(out_of, stars))
    text = Text()
    text.append(full * stars, style=f"bold {colour}")
    text.append(empty * (out_of - stars), style="dim")
    return text
