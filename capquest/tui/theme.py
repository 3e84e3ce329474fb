"""The game's colour themes, including a high-contrast one, and the border style switch.

Every bordered widget of the game writes `border: $border-kind $colour` in its `.tcss`: with the
ASCII-borders setting on, `$border-kind` becomes `ascii`, for CJK terminals that draw the box-drawing
characters (East-Asian "ambiguous" width) two cells wide and so break every frame.
"""

from __future__ import annotations

from textual.theme import Theme

THEMES: tuple[Theme, ...] = (
    Theme(
        name="capquest",
        primary="#F5A524",  # the amber of a status light at 3 a.m. on Black Friday
        secondary="#4EA8DE",
        accent="#E4572E",
        foreground="#E8E6E3",
        background="#14161B",
        surface="#1C1F26",
        panel="#262A33",
        success="#5BC06C",
        warning="#F5A524",
        error="#E4572E",
        dark=True,
    ),
    Theme(
        name="capquest-light",
        primary="#A0530B",
        secondary="#1F5F8B",
        accent="#B3261E",
        foreground="#1E1E1E",
        background="#F7F4EC",
        surface="#EFEADF",
        panel="#E2DCCD",
        success="#2E7D32",
        warning="#A0530B",
        error="#B3261E",
        dark=False,
    ),
    Theme(
        # High contrast: pure black and white with saturated accents, every pair above WCAG AAA 7:1.
        name="capquest-high-contrast",
        primary="#FFFF00",
        secondary="#00FFFF",
        accent="#FF00FF",
        foreground="#FFFFFF",
        background="#000000",
        surface="#000000",
        panel="#000000",
        success="#00FF00",
        warning="#FFFF00",
        error="#FF5555",
        boost="#FFFFFF",
        dark=True,
        variables={"border": "#FFFFFF", "border-blurred": "#FFFFFF", "footer-key-foreground": "#FFFF00"},
    ),
)
THEME_NAMES: tuple[str, ...] = tuple(t.name for t in THEMES)


def border_kind(ascii_borders: bool) -> str:
    return "ascii" if ascii_borders else "round"
