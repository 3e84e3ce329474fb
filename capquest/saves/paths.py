"""Where progress lives: one data folder, fixed file names.

The data folder is `CAPQUEST_HOME` when set (tests and classrooms point it elsewhere), else
`platformdirs.user_data_dir("capquest")`. Inside it:

| name                               | what                                                            |
| ---------------------------------- | --------------------------------------------------------------- |
| `progress.msgpack`                 | the player's progress and settings                              |
| `progress.msgpack.bak`             | the file as it was before the last save                         |
| `progress.lock`                    | advisory lock taken around every read-merge-write (empty)       |
| `progress.corrupt-<n>.msgpack`     | a file that failed to read, set aside (never overwritten)       |
| `progress.reset-<n>.msgpack`       | the progress as it was before a reset from the settings         |
| `progress.format-<v>-<n>.msgpack`  | a file of an older format version, kept as it was before upgrade |
| `exports/`                         | files written by `capquest export` (unless `--out` is given)    |

`<n>` is the smallest number from 1 not yet taken, so set-aside files are never overwritten.
"""

from __future__ import annotations

import os
from pathlib import Path

PROGRESS = "progress.msgpack"
BACKUP = "progress.msgpack.bak"
LOCK = "progress.lock"
EXPORTS = "exports"
CORRUPT_PATTERN = "progress.corrupt-{n}.msgpack"
RESET_PATTERN = "progress.reset-{n}.msgpack"
OLD_FORMAT_PATTERN = "progress.format-{version}-{n}.msgpack"
EXPORT_SUFFIX = ".capquest"


def data_dir() -> Path:
    """The folder everything the game writes lives in (not created here)."""
    home = os.environ.get("CAPQUEST_HOME")
    if home:
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("capquest"))  # the same folder capquest.packs installs into


def numbered(folder: Path, pattern: str, **fields: object) -> Path:
    """The first `pattern` path (with `{n}` = 1, 2, ...) that does not exist yet in `folder`."""
    n = 1
    while True:
        candidate = folder / pattern.format(n=n, **fields)
        if not candidate.exists():
            return candidate
        n += 1
