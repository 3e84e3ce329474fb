"""The words of pack validation and of the `pack` commands: `capquest/i18n/catalog/packs.toml`, English
and Korean, like every other catalogue. Reasons follow `capquest.i18n.language()`; field paths and values
are quoted as written in the file.
"""

from __future__ import annotations

from capquest.i18n import t


def say(key: str, **values: object) -> str:
    """The message `key` of the packs catalogue in the current language, with `values` filled in."""
    return t(f"packs.{key}").format(**values)
