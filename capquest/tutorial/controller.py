"""`TutorialController`: where the player is in the course, and what each step waits for.

The course is the tutorial steps of a pack's levels, in the manifest's order. A step is *satisfied* when
the player may go on: at once for narration, highlights and concept cards; after the awaited action for
an `await` step; after a right answer for a `question`. `advance` moves on only from a satisfied step,
`skip` moves on regardless, `back` returns (steps already satisfied stay satisfied).

Hints escalate, never the answer at once: a wrong action (or a wrong answer), or `hint_delay_s` seconds
stuck on the step measured on the injected clock, shows the next hint. One slip is one hint: running the
card just chosen by mistake (one key, `r`, does both) is the same mistake, not a second one. An `await` step's hints are the
step's own, ending with one that says exactly what to do (built from the awaited action); a question's
hints are only its own (the answer is the player's to find; each choice's explanation says why).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from capquest.i18n import t
from capquest.packs.model import LevelFile, TutorialStep
from capquest.tutorial.figures import fill

if TYPE_CHECKING:
    from capquest.play import RunResult

HINT_DELAY_S = 30.0
RUN_TARGETS = ("results", "chart", "why")  # step targets that exist only once a run has been made


@dataclass(frozen=True)
class PlayerAction:
    """Something the player did on the play screen that a step may be waiting for."""

    action: str  # one of capquest.packs.model.AwaitAction
    card: str | None = None  # the card chosen, run, or assigned
    data_class: str | None = None  # the data class assigned


@dataclass(frozen=True)
class ActionVerdict:
    matched: bool  # the step was waiting for exactly this
    relevant: bool  # the step was waiting for an action at all (else the action is simply ignored)
    hint: str | None = None  # the hint to show now (after a wrong action)


@dataclass(frozen=True)
class AnswerVerdict:
    correct: bool
    explanation: str  # why the chosen answer is right or wrong
    hint: str | None = None  # after a wrong answer: the next hint, if the step has one


@dataclass(frozen=True)
class CoursePosition:
    """Where to resume: the same fields as the save format's `TutorialPosition`."""

    pack_id: str
    level_id: str
    step: int  # index in that level's `tutorial`; len(tutorial) of the last level = finished


class SavedPosition(Protocol):
    """A saved position: `CoursePosition`, or the save format's `TutorialPosition`."""

    pack_id: str
    level_id: str
    step: int


class PositionStore(Protocol):
    """What the course needs from the save store: `capquest.saves.ProgressStore` fits as it is."""

    def set_tutorial_position(self, pack_id: str, level_id: str, step: int) -> None: ...

    def mark_concept_seen(self, concept_id: str) -> None: ...


@dataclass(frozen=True)
class PastRun:
    """A run an earlier step of the course asked for: what `record_run` needs to be given again after a
    resume (the engine is deterministic, so re-running it gives the player's very figures)."""

    level: LevelFile
    card: str | None
    assign: dict[str, str] | None


@dataclass(frozen=True)
class StepView:
    level: LevelFile
    step: TutorialStep
    level_index: int  # among the course's levels (those with steps)
    step_index: int  # in the level's `tutorial`
    number: int  # 1-based, over the whole course
    total: int


def _prepares(step: TutorialStep, action: PlayerAction) -> bool:
    """Whether `action` is a step towards what `step` awaits, or harmless, rather than a mistake:
    choosing the very card a run waits for, building a mix before a run, opening the glossary."""
    if action.action == step.action:
        return False
    if action.action == "open_glossary":
        return True
    if step.action == "run" and action.action == "choose_card":
        return step.card is None or action.card == step.card
    return step.action == "run" and action.action == "assign_class"


class TutorialController:
    def __init__(
        self,
        levels: Sequence[LevelFile],
        *,
        pack_id: str = "tutorial",
        lang: str = "en",
        clock: Callable[[], float] = time.monotonic,
        hint_delay_s: float = HINT_DELAY_S,
        store: PositionStore | None = None,
    ) -> None:
        self.levels = tuple(level for level in levels if level.tutorial)
        if not self.levels:
            raise ValueError("a course needs at least one level with tutorial steps")
        self.pack_id = pack_id
        self.lang = lang
        self._clock = clock
        self._hint_delay_s = hint_delay_s
        self._store = store
        self._steps = [(li, si) for li, level in enumerate(self.levels) for si in range(len(level.tutorial))]
        self._index = 0
        self._satisfied: set[int] = set()
        self._runs: dict[str, dict[str, RunResult]] = {}  # level id -> card -> latest run
        self._last_run: dict[str, RunResult] = {}  # level id -> latest run
        # runs of steps the player skipped, made for the narration only (the recap says "not run")
        self._skipped_runs: dict[str, dict[str, RunResult]] = {}
        self._live: set[str] = set()  # levels the player has run in this visit
        self._enter_step()

    # --------------------------------------------------------------------------------------- where
    @property
    def finished(self) -> bool:
        return self._index >= len(self._steps)

    @property
    def total(self) -> int:
        return len(self._steps)

    @property
    def current(self) -> StepView | None:
        if self.finished:
            return None
        li, si = self._steps[self._index]
        level = self.levels[li]
        return StepView(level, level.tutorial[si], li, si, self._index + 1, len(self._steps))

    @property
    def satisfied(self) -> bool:
        return self.finished or self._index in self._satisfied

    @property
    def position(self) -> CoursePosition:
        if self.finished:
            last = self.levels[-1]
            return CoursePosition(self.pack_id, last.id, len(last.tutorial))
        li, si = self._steps[self._index]
        return CoursePosition(self.pack_id, self.levels[li].id, si)

    def resume(self, position: SavedPosition | None) -> bool:
        """Go to a saved position; False (and stay) if it does not fit this course any more."""
        if position is None or position.pack_id != self.pack_id:
            return False
        for li, level in enumerate(self.levels):
            if level.id == position.level_id and 0 <= position.step < len(level.tutorial):
                step = position.step
                # A resumed level starts on a fresh level screen, without the results of the runs made
                # before: a step that looks at them goes back to the run that makes them...
                if level.tutorial[step].target in RUN_TARGETS:
                    step = next(
                        (
                            i
                            for i in range(step - 1, -1, -1)
                            if level.tutorial[i].kind == "await" and level.tutorial[i].action == "run"
                        ),
                        step,
                    )
                # ...and "Run it." goes back to the step that asks to choose the card (none is chosen).
                here = level.tutorial[step]
                before = level.tutorial[step - 1] if step > 0 else None
                if (
                    here.kind == "await"
                    and here.action == "run"
                    and here.card is not None
                    and before is not None
                    and before.kind == "await"
                    and before.action == "choose_card"
                    and before.card == here.card
                ):
                    step -= 1
                self._go(self._steps.index((li, step)))
                return True
        return False

    def past_runs(self) -> list[PastRun]:
        """The runs the steps before the current one asked for, in course order (for a resume: runs
        made before the player left are not saved, and the narration and recap quote them)."""
        runs: list[PastRun] = []
        end = min(self._index, len(self._steps))
        assigned: dict[str, dict[str, str]] = {}
        for li, si in self._steps[:end]:
            level, step = self.levels[li], self.levels[li].tutorial[si]
            if step.kind != "await":
                continue
            if step.action == "assign_class" and step.data_class and step.card:
                assigned.setdefault(level.id, {})[step.data_class] = step.card
            elif step.action == "run" and step.card is not None:
                runs.append(PastRun(level, step.card, None))
            elif step.action == "run" and level.hybrid is not None and level.hybrid.cards:
                mix = dict.fromkeys(level.hybrid.classes, level.hybrid.cards[0])
                runs.append(PastRun(level, None, mix | assigned.get(level.id, {})))
        return runs

    # ------------------------------------------------------------------------------------- moving
    def advance(self) -> bool:
        """Next step, if this one is satisfied."""
        if self.finished or not self.satisfied:
            return False
        self._go(self._index + 1)
        return True

    def skip(self) -> None:
        """Next step whether or not this one is satisfied."""
        if not self.finished:
            self._go(self._index + 1)

    def back(self) -> bool:
        if self._index == 0:
            return False
        self._go(min(self._index, len(self._steps)) - 1)
        return True

    def restart(self) -> None:
        self._satisfied.clear()
        self._go(0)

    def _go(self, index: int) -> None:
        self._index = max(0, min(index, len(self._steps)))
        self._enter_step()
        if self._store is not None:
            pos = self.position
            self._store.set_tutorial_position(pos.pack_id, pos.level_id, pos.step)
            view = self.current
            if view is not None and view.step.kind == "concept" and view.step.concept:
                self._store.mark_concept_seen(view.step.concept)

    def _enter_step(self) -> None:
        self._hint_level = 0
        self._stuck_since = self._clock()
        self._slip: str | None = None  # the card just chosen by mistake on a run step
        self.chosen: int | None = None  # the question's last chosen answer
        view = self.current
        if view is not None and view.step.kind in ("narrate", "highlight", "concept"):
            self._satisfied.add(self._index)

    # ------------------------------------------------------------------------------------- acting
    def act(self, action: PlayerAction) -> ActionVerdict:
        """The player did something; satisfies an `await` step waiting for exactly that."""
        view = self.current
        if view is None or view.step.kind != "await":
            return ActionVerdict(matched=False, relevant=False)
        if self._index in self._satisfied:
            return ActionVerdict(matched=False, relevant=False)
        step = view.step
        if _prepares(step, action):
            return ActionVerdict(matched=False, relevant=False)
        matched = (
            action.action == step.action
            and (step.card is None or action.card == step.card)
            and (step.data_class is None or action.data_class == step.data_class)
        )
        slip, self._slip = self._slip, None
        if matched:
            self._satisfied.add(self._index)
            return ActionVerdict(matched=True, relevant=True)
        if action.action == "run" and slip is not None and action.card == slip:
            return ActionVerdict(matched=False, relevant=True, hint=self.hint)  # the same slip, carried on
        if step.action == "run" and action.action == "choose_card":
            self._slip = action.card
        return ActionVerdict(matched=False, relevant=True, hint=self._escalate())

    def answer(self, choice: int) -> AnswerVerdict:
        """The player picked answer `choice` of a question step."""
        view = self.current
        if view is None or view.step.kind != "question" or not 0 <= choice < len(view.step.choices):
            raise ValueError(f"no answer {choice} at this step")
        picked = view.step.choices[choice]
        explanation = self.text(picked.explanation.get(self.lang))
        if self.satisfied:  # answered already: explain, but the step stays answered
            return AnswerVerdict(correct=picked.correct, explanation=explanation)
        self.chosen = choice
        if picked.correct:
            self._satisfied.add(self._index)
            return AnswerVerdict(correct=True, explanation=explanation)
        return AnswerVerdict(correct=False, explanation=explanation, hint=self._escalate())

    def poll(self) -> str | None:
        """Call now and then: after `hint_delay_s` stuck on a step, the next hint (else None)."""
        if self.satisfied or self.current is None:
            return None
        if self._clock() - self._stuck_since < self._hint_delay_s:
            return None
        return self._escalate()

    # -------------------------------------------------------------------------------------- hints
    def hints(self) -> list[str]:
        """All hints of the current step, gentlest first (an `await` step ends with the exact action)."""
        view = self.current
        if view is None:
            return []
        own = [self.text(h.get(self.lang)) for h in view.step.hints]
        if view.step.kind == "await":
            own.append(self._exact_hint(view))
        return own

    @property
    def hint(self) -> str | None:
        """The hint shown now (the latest escalation), or None."""
        if self._hint_level == 0:
            return None
        return self.hints()[self._hint_level - 1]

    @property
    def hint_level(self) -> int:
        return self._hint_level

    def _escalate(self) -> str | None:
        self._stuck_since = self._clock()
        available = self.hints()
        if self._hint_level < len(available):
            self._hint_level += 1
        return available[self._hint_level - 1] if self._hint_level else None

    def _exact_hint(self, view: StepView) -> str:
        step = view.step
        card = ""
        if step.card is not None:
            titles = {c.id: c.title.get(self.lang) for c in view.level.cards}
            card = titles.get(step.card, step.card)
        # the row label the play screen's assignment table shows
        data_class = t(f"play.dc_{step.data_class}", self.lang) if step.data_class else ""
        exact_card = step.card is not None and step.action in ("run", "assign_class")
        key = f"tutorial.do_{step.action}" + ("_card" if exact_card else "")
        return t(key, self.lang, card=card, data_class=data_class)

    # --------------------------------------------------------------------------------------- runs
    def record_run(self, result: RunResult) -> None:
        """A run finished on the play screen: its figures feed the narration and the recap."""
        self._runs.setdefault(result.level, {})[result.card] = result
        self._last_run[result.level] = result
        self._live.add(result.level)

    def restore_run(self, result: RunResult) -> None:
        """A run of `past_runs` made again after a resume: it never replaces one the player made since."""
        by_card = self._runs.setdefault(result.level, {})
        if result.card in by_card:
            return
        by_card[result.card] = result
        if result.level not in self._live:
            self._last_run[result.level] = result

    def fill_skipped_run(self, result: RunResult) -> None:
        """The run a skipped step asked for, made so the narration quotes figures, not dashes. It is not
        the player's: `runs` (and so the recap) leaves it out, and a run the player makes wins."""
        self._skipped_runs.setdefault(result.level, {}).setdefault(result.card, result)

    def narrated_runs(self, level_id: str) -> dict[str, RunResult]:
        """The runs the narration may quote: the player's, and those made for skipped steps."""
        return {**self._skipped_runs.get(level_id, {}), **self._runs.get(level_id, {})}

    def runs(self, level_id: str) -> dict[str, RunResult]:
        return dict(self._runs.get(level_id, {}))

    def text(self, raw: str) -> str:
        """A step's text with the player's figures from the current level filled in."""
        view = self.current
        level_id = view.level.id if view is not None else ""
        skipped = self._skipped_runs.get(level_id, {})
        by_card = {**skipped, **self._runs.get(level_id, {})}
        last = self._last_run.get(level_id) or next(reversed(skipped.values()), None)
        return fill(raw, last, by_card)

    def narration(self) -> str:
        view = self.current
        if view is None or view.step.text is None:
            return ""
        return self.text(view.step.text.get(self.lang))
