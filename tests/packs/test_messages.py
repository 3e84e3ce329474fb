"""The pack tools' own words: both languages, the same blanks, nothing that misaligns a Korean terminal."""

from __future__ import annotations

import re
import string
import unicodedata

import pytest

from capquest.packs.messages import MESSAGES

HANGUL = re.compile(r"[\uac00-\ud7a3]")
SAME_IN_BOTH = {"col_p99"}  # a unit, not a word


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_english_and_korean_with_the_same_blanks(key):
    en, ko = MESSAGES[key]
    assert en.strip() and ko.strip()
    assert _fields(en) == _fields(ko)
    if key not in SAME_IN_BOTH:
        assert HANGUL.search(ko), "the Korean text holds no Hangul"
        assert ko != en


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_korean_messages_hold_no_ambiguous_width_glyphs(key):
    ko = MESSAGES[key][1]
    wide_or_narrow = [ch for ch in ko if unicodedata.east_asian_width(ch) == "A"]
    assert wide_or_narrow == [], wide_or_narrow
