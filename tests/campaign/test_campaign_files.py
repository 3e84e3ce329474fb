"""The campaign loads with the real pack loader (no error, no warning), and the campaign's own standards
hold: every text complete in both languages, Korean that is Korean, no ambiguous-width glyphs, resolvable
references, a tutorial that exercises every kind of step."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from capquest.packs.model import Text

from .campaign_files import concepts, level, levels, manifest, report

HANGUL = range(0xAC00, 0xD7A4)
TUTORIAL_TARGETS = {"briefing", "hand", "run", "results", "chart", "why", "glossary"}


def _texts(node: object, path: str) -> Iterator[tuple[str, Text]]:
    """Every `Text` inside a validated model, with its field path."""
    if isinstance(node, Text):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _texts(getattr(node, name), f"{path}.{name}")
    elif isinstance(node, tuple | list):
        for i, item in enumerate(node):
            yield from _texts(item, f"{path}[{i}]")
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from _texts(item, f"{path}.{key}")


def _all_texts() -> list[tuple[str, Text]]:
    found = list(_texts(manifest(), "pack"))
    found += _texts(concepts(), "concepts")
    for lv in levels():
        found += _texts(lv, lv.id)
    return found


def test_the_loader_finds_no_problem() -> None:
    found = report()
    assert found.ok, [str(p) for p in found.problems]
    assert not found.problems, [str(p) for p in found.problems]


def test_every_level_in_the_manifest_validates_and_chapters_exist() -> None:
    m = manifest()
    chapter_ids = {c.id for c in m.chapters}
    loaded = levels()
    assert [lv.id for lv in loaded] == list(m.levels)
    assert len(loaded) >= 12
    used = {lv.chapter for lv in loaded}
    assert used == chapter_ids, "every chapter has a level and every level a declared chapter"
    assert 5 <= len(chapter_ids) <= 7


def test_level_references_resolve() -> None:
    concept_ids = {c.id for c in concepts().concepts}
    for lv in levels():
        card_ids = {c.id for c in lv.cards}
        assert len(card_ids) == len(lv.cards), f"{lv.id}: duplicate card ids"
        # The 2-5 cards; a hybrid level offers 2-5 building blocks, plus its ready-made hybrid(s).
        blocks = [c for c in lv.cards if c.class_ != "hybrid"]
        assert 2 <= len(blocks) <= 5, lv.id
        assert len(lv.cards) <= 5 or (lv.hybrid is not None and len(lv.cards) - len(blocks) <= 1), lv.id
        assert set(lv.concepts) <= concept_ids, f"{lv.id}: unknown concept"
        assert lv.concepts, f"{lv.id} unlocks no concept"
        assert len(lv.hints) >= 2, f"{lv.id}: hints should escalate"
        par, two, three = lv.scoring.stars
        assert par < two < three <= lv.scoring.budget, f"{lv.id}: stars must ascend"
        for card in lv.cards:
            for target in card.assign.values():
                assert target in card_ids and target != card.id, f"{lv.id}.{card.id}: assign {target}"
        if lv.hybrid is not None:
            assert set(lv.hybrid.cards) <= card_ids
        for i, step in enumerate(lv.tutorial):
            where = f"{lv.id}.tutorial[{i}]"
            if step.kind == "highlight":
                assert step.target in TUTORIAL_TARGETS, where
            if step.kind == "await":
                assert step.action is not None, where
                assert step.card is None or step.card in card_ids, where
            if step.kind == "question":
                assert step.choices and any(c.correct for c in step.choices), where
            if step.kind == "concept":
                assert step.concept in concept_ids and step.concept in lv.concepts, where


def test_every_concept_card_is_unlocked_somewhere() -> None:
    unlocked = {c for lv in levels() for c in lv.concepts}
    assert {c.id for c in concepts().concepts} == unlocked


def test_a_tutorial_exists() -> None:
    steps = [s for lv in levels() for s in lv.tutorial]
    kinds = {s.kind for s in steps}
    assert kinds == {"narrate", "highlight", "await", "question", "concept"}


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_text_exists_in_both_languages(lang: str) -> None:
    missing = [path for path, text in _all_texts() if not getattr(text, lang)]
    assert not missing


def test_korean_is_korean_and_not_a_copy() -> None:
    no_hangul = [path for path, text in _all_texts() if not any(ord(ch) in HANGUL for ch in text.ko or "")]
    copies = [path for path, text in _all_texts() if text.ko == text.en]
    assert not no_hangul, "no Hangul in the Korean text"
    assert not copies, "the Korean text copies the English"


def test_no_east_asian_ambiguous_glyphs() -> None:
    """Box drawing, arrows, stars, dashes, curly quotes... misalign on CJK terminals: keep them out."""
    bad = {
        f"{path}.{lang}": sorted(
            {ch for ch in getattr(text, lang) or "" if unicodedata.east_asian_width(ch) == "A"}
        )
        for path, text in _all_texts()
        for lang in ("en", "ko")
    }
    assert not {path: chars for path, chars in bad.items() if chars}


def test_a_level_file_can_be_loaded_alone() -> None:
    assert level("ordinary-night").id == "ordinary-night"
