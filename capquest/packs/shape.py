"""How deep a TOML text nests, measured before it is parsed.

`tomllib` (and everything after it: pydantic, the line finder) recurses once per level of nesting, so
`x = [[[...]]]` 600 deep, or a dotted key `a.a.a...` of 500 parts in a 1 KB line, ends in a RecursionError;
20,000 parts keep validation busy for minutes. One linear pass over the text, skipping strings and
comments, finds the deepest nesting of arrays and inline tables and the longest dotted key (table headers
included), so a hostile file is refused on the line that goes too deep, before any parser sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_NESTING = 32  # arrays and inline tables inside each other (an honest level uses 3)
MAX_KEY_PARTS = 16  # parts of one dotted key or table header (an honest level uses 4)

# The characters that change what the scanner is looking at; everything else is skipped in one jump.
_SIGNIFICANT = re.compile(r"[\"'#\[\]{}=,.\n]")
_BASIC_END = re.compile(r'(?:[^"\\\n]|\\.)*"')
_LITERAL_END = re.compile(r"[^'\n]*'")


@dataclass(frozen=True)
class TooDeep:
    what: str  # "nesting" or "key_parts"
    line: int
    limit: int


def _multiline_end(text: str, start: int, quote: str) -> int:
    """Index just past the closing triple quote of a multi-line string opened before `start`, or -1."""
    at = start
    while True:
        end = text.find(quote * 3, at)
        if end < 0:
            return -1
        if quote == '"':
            back = end
            while back > start and text[back - 1] == "\\":
                back -= 1
            if (end - back) % 2:  # an escaped quote: not the end
                at = end + 1
                continue
        end += 3
        for _ in range(2):  # up to two quotes of the content may sit just before the closing three
            if end < len(text) and text[end] == quote:
                end += 1
        return end


def too_deep(text: str) -> TooDeep | None:
    """The first place `text` nests deeper than MAX_NESTING or has a key of more than MAX_KEY_PARTS parts
    (None when it has neither, or when a string is left open: the parser then reports the syntax)."""
    stack: list[str] = []  # open "[" (arrays) and "{" (inline tables) of values
    in_key = True  # reading a key (start of a line, or after "{" or "," in an inline table)
    in_header = False
    parts = 1
    line = 1
    pos = 0
    while True:
        found = _SIGNIFICANT.search(text, pos)
        if found is None:
            return None
        i = found.start()
        c = text[i]
        pos = i + 1
        if c == "\n":
            line += 1
            if not stack:
                in_key, in_header, parts = True, False, 1
        elif c == "#":
            end = text.find("\n", i)
            if end < 0:
                return None
            pos = end
        elif c in "\"'":
            if text.startswith(c * 3, i):
                end = _multiline_end(text, i + 3, c)
                if end < 0:
                    return None
                line += text.count("\n", i, end)
                pos = end
            else:
                match = (_BASIC_END if c == '"' else _LITERAL_END).match(text, i + 1)
                if match is None:
                    return None
                pos = match.end()
        elif in_key:
            if c == ".":
                parts += 1
                if parts > MAX_KEY_PARTS:
                    return TooDeep("key_parts", line, MAX_KEY_PARTS)
            elif c == "=":
                in_key, parts = False, 1
            elif c == "[" and not stack:
                in_header = True
            elif c == "]" and in_header:
                in_header = False
            elif c == "}" and stack:  # an empty inline table: {}
                stack.pop()
                in_key = False
        elif c in "[{":
            stack.append(c)
            if len(stack) > MAX_NESTING:
                return TooDeep("nesting", line, MAX_NESTING)
            if c == "{":
                in_key, parts = True, 1
        elif c in "]}":
            if stack:
                stack.pop()
        elif c == "," and stack and stack[-1] == "{":
            in_key, parts = True, 1
