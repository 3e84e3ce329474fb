"""The built-in course itself: valid, complete in both languages, and every concept is learned by doing."""

from __future__ import annotations

import unicodedata

import pytest

from capquest.packs.model import Text
from capquest.packs.tutorial import format_loc, tutorial_problems
from capquest.tutorial import PlayerAction, TutorialController
from capquest.tutorial.course import Course

from .conftest import fake_run

# What the course must cover (issue 5), as the glossary cards that mark each idea.
SEED_IDEAS = {
    "queueing",  # the single database at 20x
    "replication-lag",  # the replica and the oversell
    "linearizability",  # the CP fix and its cost
    "compensation",  # the AP fix
    "read-your-writes",
    "monotonic-reads",
    "pacelc",  # with the three database styles
    "quorum",
    "partition",
    "cap",
    "hybrid-consistency",
}


def _texts(obj: object) -> list[Text]:
    """Every Text inside a pydantic model, found by walking its fields."""
    found: list[Text] = []
    if isinstance(obj, Text):
        return [obj]
    if isinstance(obj, tuple | list):
        for item in obj:
            found += _texts(item)
    elif hasattr(obj, "__pydantic_fields__"):
        for name in type(obj).__pydantic_fields__:
            found += _texts(getattr(obj, name))
    return found


def test_every_step_passes_validation(course: Course) -> None:
    problems = [
        f"{level.id}: {format_loc(loc)}: {reason}"
        for level in course.levels
        for loc, reason in tutorial_problems(level, set(course.concepts))
    ]
    assert problems == []


def test_every_text_exists_in_both_languages_without_ambiguous_glyphs_in_korean(course: Course) -> None:
    texts = _texts(course.manifest) + [t for lv in course.levels for t in _texts(lv)]
    texts += [t for c in course.concepts.values() for t in _texts(c)]
    assert len(texts) > 200  # the walk really found the texts
    for text in texts:
        assert text.en and text.ko, text
        ambiguous = {ch for ch in text.ko if unicodedata.east_asian_width(ch) == "A"}
        assert not ambiguous, (text.ko, ambiguous)


def test_the_course_covers_the_seed_chapter_and_each_idea_is_acted_and_asked(course: Course) -> None:
    revealed = set()
    for level in course.levels:
        kinds_so_far: list[str] = []
        for step in level.tutorial:
            if step.kind == "concept":
                assert step.concept is not None
                revealed.add(step.concept)
                # learning by doing: before a concept card, the player acted and answered a question
                assert "await" in kinds_so_far and "question" in kinds_so_far, (level.id, step.concept)
                kinds_so_far = []
            else:
                kinds_so_far.append(step.kind)
    assert revealed == SEED_IDEAS
    assert set(course.concepts) == SEED_IDEAS


def test_every_await_step_has_an_authored_hint_before_the_exact_one(course: Course) -> None:
    for level in course.levels:
        for i, step in enumerate(level.tutorial):
            if step.kind in ("await", "question"):
                assert step.hints, f"{level.id} tutorial[{i}]"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_following_every_step_finishes_the_course(course: Course, lang: str) -> None:
    c = TutorialController(course.levels, lang=lang)
    answered = 0
    while not c.finished:
        view = c.current
        assert view is not None
        step = view.step
        if step.kind == "await":
            card = step.card if step.action != "run" or step.card else None
            c.act(PlayerAction(step.action or "", card=card, data_class=step.data_class))
            if step.action == "run":
                c.record_run(fake_run(view.level.id, step.card or "custom"))
        elif step.kind == "question":
            wrong = next(i for i, ch in enumerate(step.choices) if not ch.correct)
            assert not c.answer(wrong).correct
            right = next(i for i, ch in enumerate(step.choices) if ch.correct)
            assert c.answer(right).correct
            answered += 1
        text = c.narration()
        assert "{" not in text, text  # every figure named was filled (or shown as "-")
        assert c.advance(), (view.level.id, view.step_index)
    assert answered >= 11


@pytest.mark.slow
def test_the_hybrid_step_teaches_by_consequence(course: Course) -> None:
    """The last level's guided mix (orders and inventory strict, catalogue and analytics fast) keeps
    every unit and answers fast; everything fast oversells the doorbuster (cache drift), everything
    strict melts the primary. The narration's claims, held against the real engine."""
    from capquest.play import run

    level = next(lv for lv in course.levels if lv.id == "t8-hybrid")
    guided = {"orders": "strict", "inventory": "strict", "catalog": "fast", "analytics": "fast"}
    mix = run(level, "mix", assign=guided)
    fast = run(level, "fast")
    strict = run(level, "strict")
    assert mix.outcome.metrics.oversold_units == 0 and mix.outcome.metrics.error_rate == 0
    assert fast.outcome.metrics.oversold_units > 0
    assert strict.outcome.metrics.error_rate > 0.05
    assert mix.score.score > max(fast.score.score, strict.score.score)
