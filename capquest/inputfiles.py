"""Reading a file someone else wrote (a pack, a save, an export, a history): looked at before it is read.

A FIFO or a device (`/dev/zero`) handed in place of a file would block or never end, and a sparse 30 GB
file would be read whole before any size check. So: `stat` first, refuse anything that is not a regular
file or is over the cap, open without blocking, check the opened file again (it may have been swapped
since the `stat`), and read at most the cap.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Literal

Refusal = Literal["not_a_file", "too_big"]


class InputFileRefused(OSError):
    """The file was not read: `refusal` says why ("not_a_file", "too_big"); `size` is its size in bytes
    (for "too_big") and `limit` the cap. An OSError, so code that reports unreadable files reports it."""

    def __init__(self, path: Path, refusal: Refusal, limit: int, size: int = 0) -> None:
        if refusal == "too_big":
            detail = f"the file is {size:,} bytes, over the limit of {limit:,}"
        else:
            detail = "not a regular file (a folder, a device or a pipe)"
        super().__init__(detail)
        self.strerror = detail
        self.filename = str(path)
        self.refusal: Refusal = refusal
        self.size = size
        self.limit = limit


def _check(path: Path, st: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise InputFileRefused(path, "not_a_file", limit)
    if st.st_size > limit:
        raise InputFileRefused(path, "too_big", limit, st.st_size)


def read_input(path: Path, limit: int) -> bytes:
    """The bytes of `path`, a regular file of at most `limit` bytes. Raises FileNotFoundError (no file),
    InputFileRefused (not a regular file, over the cap), or another OSError; never blocks on a pipe."""
    path = Path(path)
    _check(path, os.stat(path), limit)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        _check(path, os.fstat(fd), limit)  # the file opened is the file looked at
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:  # grew while being read
        raise InputFileRefused(path, "too_big", limit, len(data))
    return data
