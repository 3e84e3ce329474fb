"""Where a key sits in a TOML file: line numbers for validation messages.

`tomllib` gives values, not positions, so this scans the text once (only text that `tomllib` has already
accepted) and records the line of every key, table header and array element, by the same path pydantic
reports in an error's `loc` (strings for keys, integers for list positions). Best effort: when the exact
path is not in the file (a missing key, a value computed elsewhere) the nearest enclosing key's line is
used, and any surprise in the text just means fewer lines, never an exception.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

Path = tuple[str | int, ...]

_BASIC_STOP = re.compile(r'["\\\n]')
_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.line = 1
        self.lines: dict[Path, int] = {}
        self.table: Path = ()
        self.aot: dict[Path, int] = {}  # array-of-tables path -> number of [[...]] seen so far

    # -- low level
    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def advance(self, n: int = 1) -> None:
        for _ in range(n):
            if self.i < len(self.s) and self.s[self.i] == "\n":
                self.line += 1
            self.i += 1

    def skip_space(self, newlines: bool) -> None:
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in " \t\r" or (newlines and c == "\n"):
                self.advance()
            elif c == "#":
                while self.i < len(self.s) and self.s[self.i] != "\n":
                    self.i += 1
            else:
                return

    def record(self, path: Path) -> None:
        self.lines.setdefault(path, self.line)

    # -- pieces
    def jump(self, to: int) -> None:
        """Move to `to`, counting the newlines passed (strings are skipped whole, not char by char)."""
        self.line += self.s.count("\n", self.i, to)
        self.i = to

    def string(self) -> str:
        s = self.s
        if s.startswith('"""', self.i) or s.startswith("'''", self.i):
            quote = s[self.i : self.i + 3]
            at = self.i + 3
            while True:
                end = s.find(quote, at)
                if end < 0:
                    self.jump(len(s))
                    return ""
                if quote == "'''" or not self._escaped(end):
                    break
                at = end + 1
            end += 3
            while end < len(s) and s[end] == quote[0]:  # up to two quotes may end the content
                end += 1
            self.jump(end)
            return ""
        quote = s[self.i]
        start = self.i
        if quote == "'":
            end = s.find("'", start + 1)
        else:
            end = start + 1
            while True:
                found = _BASIC_STOP.search(s, end)
                if found is None or found.group() != "\\":
                    end = found.start() if found else len(s)
                    break
                end = found.start() + 2  # an escape: skip the escaped character
        if end < 0 or end >= len(s) or s[end] != quote:
            self.jump(start + 1)
            raise ValueError("unterminated string")
        self.jump(end + 1)
        raw = s[start : end + 1]
        if quote == "'":
            return raw[1:-1]
        try:
            return json.loads(raw)
        except ValueError:
            return raw[1:-1]

    def _escaped(self, at: int) -> bool:
        backslashes = 0
        j = at - 1
        while j >= 0 and self.s[j] == "\\":
            backslashes += 1
            j -= 1
        return backslashes % 2 == 1

    def key(self) -> tuple[str, ...]:
        parts: list[str] = []
        while True:
            self.skip_space(newlines=False)
            c = self.peek()
            if c in "\"'":
                parts.append(self.string())
            else:
                start = self.i
                while self.peek() and self.peek() in _BARE:
                    self.advance()
                if self.i == start:
                    raise ValueError("no key")
                parts.append(self.s[start : self.i])
            self.skip_space(newlines=False)
            if self.peek() == ".":
                self.advance()
                continue
            return tuple(parts)

    def value(self, path: Path) -> None:
        self.skip_space(newlines=False)
        c = self.peek()
        if c in "\"'":
            self.string()
        elif c == "[":
            self.advance()
            index = 0
            while True:
                self.skip_space(newlines=True)
                if self.peek() in ("]", ""):
                    self.advance()
                    return
                self.record((*path, index))
                self.value((*path, index))
                self.skip_space(newlines=True)
                if self.peek() == ",":
                    self.advance()
                    index += 1
        elif c == "{":
            self.advance()
            while True:
                self.skip_space(newlines=False)
                if self.peek() in ("}", ""):
                    self.advance()
                    return
                sub = (*path, *self.key())
                self.record(sub)
                if self.peek() == "=":
                    self.advance()
                self.value(sub)
                self.skip_space(newlines=False)
                if self.peek() == ",":
                    self.advance()
        else:
            while self.peek() and self.peek() not in ",]}\n#":
                self.advance()

    def resolve(self, parts: tuple[str, ...], *, last_is_array: bool) -> Path:
        """A header's dotted key as a path: a prefix naming an array of tables means its last element."""
        resolved: Path = ()
        for n, part in enumerate(parts):
            resolved = (*resolved, part)
            is_last = n == len(parts) - 1
            if resolved in self.aot and not (is_last and last_is_array):
                resolved = (*resolved, self.aot[resolved] - 1)
        return resolved

    def statement(self) -> None:
        if self.peek() == "[":
            array = self.peek(1) == "["
            self.advance(2 if array else 1)
            parts = self.key()
            self.advance(2 if array else 1)
            path = self.resolve(parts, last_is_array=array)
            if array:
                self.record(path)
                count = self.aot.get(path, 0)
                self.aot[path] = count + 1
                path = (*path, count)
            self.record(path)
            self.table = path
        else:
            parts = self.key()
            for n in range(1, len(parts) + 1):  # `policy.read_from = ...` also places `policy`
                self.record((*self.table, *parts[:n]))
            path = (*self.table, *parts)
            if self.peek() == "=":
                self.advance()
            self.value(path)
        # whatever is left on the line (a comment) is skipped by the caller

    def run(self) -> None:
        while True:
            self.skip_space(newlines=True)
            if self.i >= len(self.s):
                return
            before = self.i
            self.statement()
            if self.i == before:  # never loop on text we do not understand
                return


class KeyLines:
    """The line of each key of one TOML text; `line_of(loc)` for a pydantic error location. The text is
    scanned on the first question only: a valid file is never scanned."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._found: dict[Path, int] | None = None

    @property
    def _lines(self) -> dict[Path, int]:
        if self._found is None:
            scanner = _Scanner(self._text)
            try:
                scanner.run()
            except (ValueError, IndexError, RecursionError):
                pass  # best effort: keep the lines found so far
            self._found = scanner.lines
        return self._found

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        """The line of `loc`, else of its nearest enclosing key that is written in the file."""
        path = tuple(loc)
        lines = self._lines
        while path:
            if path in lines:
                return lines[path]
            path = path[:-1]
        return None
