"""Text the program did not write (a pack, a save, an export, a history, a file name): shown, never obeyed.

A C0 or C1 control character (ESC, CSI, BEL...) reaching a terminal is a command to it: it can retitle the
window, repaint the screen or hide what follows. `printable` writes each one out as its Python escape
(`\\x1b`), so the reader sees that it is there and the terminal obeys nothing.
"""

from __future__ import annotations

import re

# C0 (U+0000-U+001F), DEL, C1 (U+0080-U+009F), and the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str, *, keep_lines: bool = False) -> str:
    """`text` with every control character written out (`\\x1b`); newline and tab are kept when
    `keep_lines` (for texts shown as paragraphs)."""
    pattern = _CONTROL_BUT_LINES if keep_lines else _CONTROL
    if pattern.search(text) is None:
        return text
    return pattern.sub(lambda m: ascii(m.group())[1:-1], text)


def control_character(text: str) -> str | None:
    """The first control character in `text` other than newline and tab (what a pack may not hold)."""
    found = _CONTROL_BUT_LINES.search(text)
    return found.group() if found else None


_JSON_RAW_CONTROL = re.compile("[\x7f-\x9f\u2028\u2029]")  # json.dumps escapes C0 itself


def json_text(data: object, *, indent: int | None = 2) -> str:
    """`data` as JSON for a terminal or a file: UTF-8 text kept readable (Korean as is), no NaN or
    infinity (not JSON), and every control character written as a `\\u` escape (json.dumps leaves DEL
    and C1 characters raw when it keeps non-ASCII text)."""
    import json

    text = json.dumps(data, ensure_ascii=False, allow_nan=False, indent=indent)
    return _JSON_RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
