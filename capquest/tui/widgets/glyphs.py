"""The characters the play widgets draw with, and how they format figures.

Nearly every pretty glyph (box drawing, stars, arrows, blocks, bullets) is East-Asian *ambiguous*
width: a CJK terminal may draw it two cells wide and break every alignment. So there are two sets,
chosen by the one ASCII-borders setting that also draws the frames: `FANCY` by default, in English and
Korean alike (the frames around them are box drawing too), and `PLAIN` (ASCII only) when the player turns
ASCII borders on for such a terminal. Widths are always measured with `rich.cells.cell_len`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len


@dataclass(frozen=True)
class Glyphs:
    h: str  # horizontal line
    v: str  # vertical line
    tl: str
    tr: str
    bl: str
    br: str
    star_on: str
    star_off: str
    dot: str  # a packet of traffic on a link
    cut: str  # a partitioned link
    bar: str  # a full block of a bar
    bar_empty: str
    spark: str  # sparkline levels, low to high
    point: str  # the player's point on the chart
    frontier: str
    arrow: str
    play: str
    pause: str
    better: str


FANCY = Glyphs(
    h="─",
    v="│",
    tl="╭",
    tr="╮",
    bl="╰",
    br="╯",
    star_on="★",
    star_off="☆",
    dot="•",
    cut="╳",
    bar="█",
    bar_empty="░",
    spark="▁▂▃▄▅▆▇█",
    point="◆",
    frontier="·",
    arrow="→",
    play="▶",
    pause="||",
    better="◀",
)
PLAIN = Glyphs(
    h="-",
    v="|",
    tl="+",
    tr="+",
    bl="+",
    br="+",
    star_on="*",
    star_off="-",
    dot="o",
    cut="X",
    bar="#",
    bar_empty=".",
    spark="_.-=+*#@",
    point="@",
    frontier=".",
    arrow="->",
    play=">",
    pause="||",
    better="<",
)


def glyphs_for(lang: str, ascii_borders: bool) -> Glyphs:
    """The glyph set: the player's ASCII-borders setting decides, whatever the language (Korean used to
    switch to ASCII stars and bars while Settings said ASCII borders were off)."""
    return PLAIN if ascii_borders else FANCY


def pad(text: str, width: int) -> str:
    """`text` padded with spaces to `width` terminal cells (cut with '~' if it is wider)."""
    if cell_len(text) > width:
        out = ""
        for ch in text:
            if cell_len(out + ch) > width - 1:
                break
            out += ch
        text = out + "~"
    return text + " " * (width - cell_len(text))


def stars(n: int, g: Glyphs, total: int = 3) -> str:
    return g.star_on * n + g.star_off * (total - n)
