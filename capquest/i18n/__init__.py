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


# ------------------------------------------------------------------------------------------ UI strings
# Strings live in TOML catalogues beside this file, one per area of the app (catalog/<area>.toml), each
# key a table with `en` and `ko`: areas are owned by different screens and grow independently.
_catalog: dict[str, dict[str, str]] | None = None


def _load_catalog() -> dict[str, dict[str, str]]:
    global _catalog
    if _catalog is None:
        import tomllib
        from importlib.resources import files

        merged: dict[str, dict[str, str]] = {}
        folder = files(__package__).joinpath("catalog")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".toml"):
                area = entry.name.removesuffix(".toml")
                for key, texts in tomllib.loads(entry.read_text(encoding="utf-8")).items():
                    merged[f"{area}.{key}"] = texts
        _catalog = merged
    return _catalog


def t(key: str, lang: str | None = None, /, **values: object) -> str:
    """The UI string `key` ("area.name") in the current (or given) language, formatted with `values`.

    A missing Korean string falls back to English; a missing key shows the key itself, so a gap is
    visible rather than a crash."""
    texts = _load_catalog().get(key)
    if texts is None:
        return key
    text = texts.get(lang or language()) or texts.get("en") or key
    return text.format(**values) if values else text


def catalog_area(area: str) -> dict[str, dict[str, str]]:
    """Every entry of one catalogue (`catalog/<area>.toml`): key -> {"en": ..., "ko": ...}."""
    prefix = f"{area}."
    return {
        key.removeprefix(prefix): texts for key, texts in _load_catalog().items() if key.startswith(prefix)
    }
