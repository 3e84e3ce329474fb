"""Read one saved setting without the store: no pydantic, no lock, nothing renamed or written.

For the language order of precedence (`--lang`, CAPQUEST_LANG, the saved setting, the locale) in places
that must stay light and must not touch the progress file, such as the headless CLI."""

from __future__ import annotations

from pathlib import Path

from capquest.errors import SaveFormatError
from capquest.saves import paths
from capquest.saves.envelope import decode, read_save_bytes


def saved_language(home: Path | None = None) -> str | None:
    """The language saved in Settings ("en" / "ko"), or None (not set, no file, any problem at all)."""
    folder = home if home is not None else paths.data_dir()
    try:
        payload = decode(read_save_bytes(folder / paths.PROGRESS), "progress").payload
    except (OSError, SaveFormatError):
        return None
    settings = payload.get("settings")
    language = settings.get("language") if isinstance(settings, dict) else None
    return language if language in ("en", "ko") else None
