"""The game's name drawn large in block letters, with an ASCII fallback.

The full block (U+2588) has East-Asian "ambiguous" width: a CJK terminal may draw it two cells wide, so
with the ASCII-borders setting the letters are drawn with `#` instead.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static

# A 5-row block font for the letters of the name (Q keeps its tail on a sixth row).
_FONT: dict[str, tuple[str, ...]] = {
    "C": (" ████", "██   ", "██   ", "██   ", " ████", ""),
    "A": (" ███ ", "██ ██", "█████", "██ ██", "██ ██", ""),
    "P": ("████ ", "██ ██", "████ ", "██   ", "██   ", ""),
    "Q": (" ███  ", "██ ██ ", "██ ██ ", "██ ██ ", " ████ ", "    ██"),
    "U": ("██ ██", "██ ██", "██ ██", "██ ██", " ███ ", ""),
    "E": ("█████", "██   ", "████ ", "██   ", "█████", ""),
    "S": (" ████", "██   ", " ███ ", "   ██", "████ ", ""),
    "T": ("██████", "  ██  ", "  ██  ", "  ██  ", "  ██  ", ""),
}


def draw(word: str, *, ascii_only: bool = False) -> str:
    """`word` in block letters: six lines, letters one space apart, every line the same width."""
    glyphs = [_FONT[ch] for ch in word.upper()]
    widths = [max(cell_len(row) for row in glyph) for glyph in glyphs]
    lines = []
    for row in range(6):
        parts = [
            glyph[row] + " " * (width - cell_len(glyph[row]))
            for glyph, width in zip(glyphs, widths, strict=True)
        ]
        lines.append(" ".join(parts))
    text = "\n".join(lines)
    return text.replace("█", "#") if ascii_only else text


class Banner(Horizontal):
    """ "CAP" in the primary colour and "QUEST" in the accent colour, side by side."""

    DEFAULT_CSS = """
    Banner { height: auto; width: auto; }
    Banner > Static { width: auto; height: auto; text-style: bold; }
    Banner > #banner-cap { color: $primary; margin-right: 1; }
    Banner > #banner-quest { color: $accent; }
    """

    ascii_only: reactive[bool] = reactive(False)

    def __init__(self, *, ascii_only: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(Banner.ascii_only, ascii_only)

    def compose(self) -> ComposeResult:
        yield Static(draw("CAP", ascii_only=self.ascii_only), id="banner-cap", markup=False)
        yield Static(draw("QUEST", ascii_only=self.ascii_only), id="banner-quest", markup=False)

    def watch_ascii_only(self, value: bool) -> None:
        if self.is_mounted:
            self.query_one("#banner-cap", Static).update(draw("CAP", ascii_only=value))
            self.query_one("#banner-quest", Static).update(draw("QUEST", ascii_only=value))
