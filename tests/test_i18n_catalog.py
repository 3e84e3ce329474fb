"""The UI string catalogues: every string in English and Korean, the same placeholders in both, and no
East-Asian-ambiguous glyph in Korean (CJK terminals draw those double-wide and misalign the layout)."""

from __future__ import annotations

import string
import tomllib
import unicodedata
from pathlib import Path

import pytest

CATALOG = Path(__file__).resolve().parents[1] / "capquest" / "i18n" / "catalog"
ENTRIES = [
    (f"{path.stem}.{key}", texts)
    for path in sorted(CATALOG.glob("*.toml"))
    for key, texts in tomllib.loads(path.read_text(encoding="utf-8")).items()
]


# Korean strings that are rightly not Hangul, and why.
SAME_IN_KOREAN = {
    "cli.col_id": "a column of identifiers, written ID in Korean too",
    "common.app_name": "the game's name",
    "packs.col_p99": "a unit, not a word",
    "sandbox.ms": "a unit, written ms as on the results and the replay",
    "play.key_compare_side": "the footer names the two sides A/B, so it fits 80 columns",
    "shell.lang.en": "a language is named in its own language in the switcher",
    "why.position_kind": "'{n} of {total}' is written '{n} / {total}'",
}


def _fields(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def _letters(text: str) -> str:
    """The text less its {placeholders}, key names and symbols: what a translator has to translate."""
    plain = "".join(literal for literal, _, _, _ in string.Formatter().parse(text))
    return "".join(ch for ch in plain if ch.isalpha())


def test_the_catalogue_is_not_empty() -> None:
    assert len(ENTRIES) > 100


@pytest.mark.parametrize(("key", "texts"), ENTRIES, ids=[key for key, _ in ENTRIES])
def test_every_string_has_both_languages_with_the_same_placeholders(key: str, texts: dict[str, str]) -> None:
    assert set(texts) == {"en", "ko"}, f"{key}: languages {sorted(texts)}"
    assert _fields(texts["en"]) == _fields(texts["ko"]), key


@pytest.mark.parametrize(("key", "texts"), ENTRIES, ids=[key for key, _ in ENTRIES])
def test_korean_is_a_translation_without_ambiguous_glyphs(key: str, texts: dict[str, str]) -> None:
    en, ko = texts["en"], texts["ko"]
    latin_words = _letters(en)
    if (
        latin_words and not latin_words.isupper() and key not in SAME_IN_KOREAN
    ):  # "CP", "AP", "PACELC" stay as they are
        assert any("\uac00" <= ch <= "\ud7a3" for ch in ko), f"{key}: no Hangul in {ko!r}"
    ambiguous = sorted({ch for ch in ko if unicodedata.east_asian_width(ch) == "A"})
    assert not ambiguous, f"{key}: ambiguous-width {ambiguous} in {ko!r}"
