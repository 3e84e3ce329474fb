"""What a learner reads in the built-in quizzes and course can be trusted: the right answer is not given
away by its length, and CAP's words are stated before they are used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from capquest.packs import load_pack
from capquest.packs.model import LevelFile, Text, TutorialStep

REPO = Path(__file__).resolve().parents[2]
PACKS = [REPO / "levels" / name for name in ("campaign", "tutorial", "example")]
PACKS.append(REPO / "capquest" / "packs" / "template")


def _questions() -> list[tuple[str, TutorialStep]]:
    return [
        (f"{level.id}[{i}]", step)
        for pack in PACKS
        for level in load_pack(pack).levels
        for i, step in enumerate(level.tutorial)
        if step.kind == "question"
    ]


def test_there_are_questions_to_balance() -> None:
    assert len(_questions()) >= 12


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_right_answer_is_not_the_longest_option_most_of_the_time(lang: str) -> None:
    """Every question tried had its right answer as the longest, most specific option."""
    giveaways = []
    for where, step in _questions():
        widths = [cell_len(choice.text.get(lang)) for choice in step.choices]
        longest = max(widths)
        if widths.count(longest) == 1 and step.choices[widths.index(longest)].correct:
            giveaways.append(where)
    assert len(giveaways) * 3 <= len(_questions()), giveaways


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_no_option_is_more_than_half_again_as_long_as_its_questions_shortest(lang: str) -> None:
    too_long = []
    for where, step in _questions():
        widths = [cell_len(choice.text.get(lang)) for choice in step.choices]
        if max(widths) > 1.5 * min(widths):
            too_long.append((where, widths))
    assert too_long == []


# ------------------------------------------------------------------------------- CAP before it is used
CAP_WORDS = {"en": re.compile(r"\bCAP\b|availab", re.IGNORECASE), "ko": re.compile(r"CAP|가용")}


def _step_texts(step: TutorialStep) -> list[Text]:
    texts = [step.text] if step.text else []
    texts += list(step.hints)
    for choice in step.choices:
        texts += [choice.text, choice.explanation]
    return texts


def _course_in_order(level: LevelFile) -> list[tuple[str, list[Text], bool]]:
    """(where, texts, whether the step states CAP's three terms) in the order a learner reads them."""
    out: list[tuple[str, list[Text], bool]] = [
        (f"{level.id} title and briefing", [level.title, level.briefing], False)
    ]
    for i, step in enumerate(level.tutorial):
        en = step.text.en or "" if step.text else ""
        states = all(word in en for word in ("consistency", "availability", "partition tolerance"))
        out.append((f"{level.id}[{i}]", _step_texts(step), states))
    out.append((f"{level.id} debrief and cards", [level.debrief, *(c.title for c in level.cards)], False))
    return out


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_course_states_caps_terms_before_it_uses_them(lang: str) -> None:
    """The tutorial called an overloaded node a loss of "Availability" before CAP was stated."""
    order = [
        item for level in load_pack(REPO / "levels" / "tutorial").levels for item in _course_in_order(level)
    ]
    stated = next(i for i, (_, _, states) in enumerate(order) if states)
    early = [
        where
        for where, texts, _ in order[:stated]
        if any(CAP_WORDS[lang].search(text.get(lang)) for text in texts)
    ]
    assert early == []
    definition = next(texts for _, texts, states in order if states)[0].get(lang)
    assert ("과부하" in definition) if lang == "ko" else ("overloaded" in definition)
