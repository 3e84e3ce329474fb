"""The course state machine: moving, awaiting actions, answering, escalating hints, saving position."""

from __future__ import annotations

import tomllib

import pytest

from capquest.packs.model import LevelFile
from capquest.tutorial import CoursePosition, PlayerAction, TutorialController
from capquest.tutorial.recap import recap

from .conftest import FakeClock, FakeStore, fake_run

LEVEL = """
id = "demo"
chapter = "c"
title = { en = "Demo", ko = "데모" }
briefing = { en = "b", ko = "b" }
debrief = { en = "What the demo teaches.", ko = "데모가 가르치는 것." }

[[cards]]
id = "safe"
class = "cp"
title = { en = "Safe", ko = "안전" }
pitch = { en = "p", ko = "p" }
explanation = { en = "e", ko = "e" }

[[cards]]
id = "fast"
class = "ap"
title = { en = "Fast", ko = "빠름" }
pitch = { en = "p", ko = "p" }
explanation = { en = "e", ko = "e" }

[[tutorial]]
kind = "narrate"
text = { en = "Hello.", ko = "안녕하세요." }

[[tutorial]]
kind = "await"
action = "choose_card"
card = "safe"
text = { en = "Choose the safe card.", ko = "안전 카드를 고르세요." }
hints = [{ en = "Look at your hand.", ko = "손패를 보세요." }, { en = "It has the CP badge.", ko = "CP 배지입니다." }]

[[tutorial]]
kind = "question"
text = { en = "You sold {oversold_units} extra; the fast card {fast:p99_ms}. Why?", ko = "왜?" }
hints = [{ en = "Think about the lag.", ko = "지연을 생각해 보세요." }]
[[tutorial.choices]]
text = { en = "Lag", ko = "지연" }
correct = true
explanation = { en = "Yes, the lag.", ko = "맞아요, 지연." }
[[tutorial.choices]]
text = { en = "Luck", ko = "운" }
explanation = { en = "Not luck: it happens every time.", ko = "운이 아니라 매번 일어납니다." }

[[tutorial]]
kind = "concept"
concept = "cap"
"""


@pytest.fixture
def level() -> LevelFile:
    return LevelFile.model_validate(tomllib.loads(LEVEL))


def test_narration_advances_but_an_await_step_waits_for_its_action(level: LevelFile) -> None:
    c = TutorialController([level])
    assert c.current is not None and c.current.step.kind == "narrate"
    assert c.advance()
    assert c.current is not None and c.current.step.kind == "await"
    assert not c.satisfied and not c.advance()  # no action yet: stays
    assert c.current.number == 2
    verdict = c.act(PlayerAction("choose_card", card="safe"))
    assert verdict.matched and verdict.hint is None
    assert c.advance() and c.current.step.kind == "question"


def test_wrong_actions_escalate_hints_one_at_a_time_ending_with_the_exact_action(level: LevelFile) -> None:
    c = TutorialController([level])
    c.advance()
    first = c.act(PlayerAction("choose_card", card="fast"))
    assert not first.matched and first.relevant
    assert first.hint == "Look at your hand."  # the gentlest hint first, not the answer
    assert c.act(PlayerAction("run", card="fast")).hint == "It has the CP badge."
    exact = c.act(PlayerAction("choose_card", card="fast")).hint
    assert exact is not None and "Safe" in exact  # the last hint names the card to choose
    assert c.act(PlayerAction("choose_card", card="fast")).hint == exact  # and stays there
    assert c.hint_level == 3 and not c.satisfied


def test_a_delay_escalates_hints_on_the_injected_clock(level: LevelFile) -> None:
    clock = FakeClock()
    c = TutorialController([level], clock=clock, hint_delay_s=20)
    c.advance()
    clock.now = 19.9
    assert c.poll() is None and c.hint is None
    clock.now = 20.0
    assert c.poll() == "Look at your hand."
    clock.now = 30.0
    assert c.poll() is None  # the delay restarts after each hint
    clock.now = 40.0
    assert c.poll() == "It has the CP badge."
    c.act(PlayerAction("choose_card", card="safe"))
    clock.now = 100.0
    assert c.poll() is None  # a satisfied step needs no hint


def test_a_wrong_answer_explains_itself_and_the_right_one_unlocks_the_step(level: LevelFile) -> None:
    c = TutorialController([level])
    c.skip()
    c.skip()
    wrong = c.answer(1)
    assert not wrong.correct and wrong.explanation == "Not luck: it happens every time."
    assert wrong.hint == "Think about the lag."
    assert not c.satisfied and not c.advance()
    right = c.answer(0)
    assert right.correct and right.explanation == "Yes, the lag." and c.satisfied
    with pytest.raises(ValueError):
        c.answer(7)


def test_question_hints_never_include_a_generated_answer(level: LevelFile) -> None:
    c = TutorialController([level])
    c.skip()
    c.skip()
    for _ in range(4):
        c.answer(1)
    assert c.hints() == ["Think about the lag."]


def test_back_and_skip_move_freely_and_satisfied_steps_stay_satisfied(level: LevelFile) -> None:
    c = TutorialController([level])
    assert not c.back()  # nothing before the first step
    c.advance()
    c.act(PlayerAction("choose_card", card="safe"))
    c.advance()
    assert c.back() and c.current is not None and c.current.step.kind == "await"
    assert c.satisfied  # no need to choose again after going back
    c.skip()
    c.skip()
    c.skip()
    assert c.finished and c.current is None
    assert c.back() and c.current is not None and c.current.step.kind == "concept"


def test_every_move_saves_the_position_and_resume_returns_to_it(level: LevelFile) -> None:
    store = FakeStore()
    c = TutorialController([level], store=store)
    c.advance()
    c.skip()
    assert store.saved == CoursePosition("tutorial", "demo", 2)
    again = TutorialController([level], store=store)
    assert again.resume(store.saved)
    assert again.current is not None and again.current.step.kind == "question"
    assert not again.resume(CoursePosition("tutorial", "demo", 99))  # stale position: start over
    assert not again.resume(CoursePosition("other-pack", "demo", 1))
    assert again.current.step.kind == "question"


def test_finishing_saves_a_position_past_the_last_step(level: LevelFile) -> None:
    store = FakeStore()
    c = TutorialController([level], store=store)
    for _ in range(4):
        c.skip()
    assert c.finished and store.saved == CoursePosition("tutorial", "demo", 4)
    assert store.concepts == ["cap"]  # the concept step marked its glossary card as seen
    assert not TutorialController([level]).resume(store.saved)  # finished: the next visit starts over


def test_texts_show_the_players_own_figures(level: LevelFile) -> None:
    c = TutorialController([level])
    c.skip()
    c.skip()
    assert c.narration() == "You sold - extra; the fast card -. Why?"  # not run yet
    c.record_run(fake_run("demo", "fast", p99=2500.0))
    c.record_run(fake_run("demo", "safe", oversold=6))
    assert c.narration() == "You sold 6 extra; the fast card 2.5 s. Why?"


def test_the_recap_lists_each_lesson_with_the_players_runs(level: LevelFile) -> None:
    c = TutorialController([level], lang="ko")
    c.record_run(fake_run("demo", "fast", oversold=3, error_rate=0.012))
    c.record_run(fake_run("demo", "safe", error_rate=0.3, p99=25000.0))
    (entry,) = recap(c)
    assert entry.title == "데모" and entry.lesson == "데모가 가르치는 것."
    assert [r.card_title for r in entry.runs] == ["안전", "빠름"]  # in the level's card order
    safe, fast = entry.runs
    assert (
        safe.figures["error_rate"] == "30.0%" and safe.figures["p99_ms"] == "25.0 s"
    )  # as the results screen writes it
    assert fast.figures["oversold_units"] == "3" and fast.figures["error_rate"] == "1.2%"


def test_a_course_without_steps_is_refused(level: LevelFile) -> None:
    with pytest.raises(ValueError):
        TutorialController([level.model_copy(update={"tutorial": ()})])


def test_getting_ready_for_a_run_is_not_a_mistake_but_choosing_another_card_is() -> None:
    level = LevelFile.model_validate(
        tomllib.loads(LEVEL.replace('action = "choose_card"\ncard = "safe"', 'action = "run"\ncard = "safe"'))
    )
    c = TutorialController([level])
    c.advance()
    assert not c.act(PlayerAction("choose_card", card="safe")).relevant  # the card the run wants
    assert not c.act(PlayerAction("open_glossary")).relevant  # looking things up is never wrong
    assert c.hint is None
    assert c.act(PlayerAction("choose_card", card="fast")).hint == "Look at your hand."
    # running the card just chosen is the same slip (one key, r, chooses the card under the cursor and
    # runs it): one hint, not two at once
    assert c.act(PlayerAction("run", card="fast")).hint == "Look at your hand."
    assert c.act(PlayerAction("run", card="fast")).hint == "It has the CP badge."  # doing it again is not
    assert c.act(PlayerAction("run", card="safe")).matched


RUN_STEP = """
[[tutorial]]
kind = "await"
action = "run"
card = "safe"
hints = [{ en = "The Run button.", ko = "실행 버튼." }]

[[tutorial]]
kind = "question"
"""
RUN_AFTER_CHOICE = LEVEL.replace('\n[[tutorial]]\nkind = "question"\n', RUN_STEP, 1)


def test_a_resume_at_a_run_goes_back_to_choosing_its_card_and_past_runs_are_listed() -> None:
    level = LevelFile.model_validate(tomllib.loads(RUN_AFTER_CHOICE))
    c = TutorialController([level])
    assert c.past_runs() == []
    # a fresh level screen has no card chosen: "Run it." alone would run whatever is under the cursor
    assert c.resume(CoursePosition("tutorial", "demo", 2))
    assert c.current is not None and c.current.step.action == "choose_card"
    assert c.resume(CoursePosition("tutorial", "demo", 4))  # past the run: the run is listed to redo
    assert [(r.level.id, r.card, r.assign) for r in c.past_runs()] == [("demo", "safe", None)]


def test_a_resume_at_a_step_that_looks_at_the_results_goes_back_to_the_run() -> None:
    level = LevelFile.model_validate(
        tomllib.loads(
            RUN_AFTER_CHOICE.replace('kind = "question"\n', 'kind = "question"\ntarget = "results"\n', 1)
        )
    )
    c = TutorialController([level])
    assert c.resume(CoursePosition("tutorial", "demo", 3))  # the question about the run's results
    assert c.current is not None and c.current.step_index == 1  # choose the card, then run it again
    assert c.past_runs() == []


def test_a_restored_run_never_replaces_one_the_player_made_since(level: LevelFile) -> None:
    c = TutorialController([level])
    c.skip()
    c.skip()
    c.record_run(fake_run("demo", "safe", oversold=6))
    c.restore_run(fake_run("demo", "safe", oversold=1))
    c.restore_run(fake_run("demo", "fast", p99=2500.0))
    assert c.narration() == "You sold 6 extra; the fast card 2.5 s. Why?"
