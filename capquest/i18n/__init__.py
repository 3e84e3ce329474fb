"""UI strings in English and Korean, and the choice of language.

Order of precedence: `--lang`, else CAPQUEST_LANG, else the saved setting, else the system locale
(`ko*` -> Korean), else English.
"""

from __future__ import annotations

import locale
import os

LANGS = ("en", "ko")
_current: str | None = None


def detect_language(explicit: str | None = None, saved: str | None = None) -> str:
    """Resolve the language by the documented order of precedence."""
    for candidate in (explicit, os.environ.get("CAPQUEST_LANG"), saved):
        if candidate in LANGS:
            return candidate
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "ko" if loc.lower().startswith("ko") else "en"


def set_language(explicit: str | None, saved: str | None = None) -> str:
    global _current
    _current = detect_language(explicit, saved)
    return _current


def language() -> str:
    return _current or detect_language()
