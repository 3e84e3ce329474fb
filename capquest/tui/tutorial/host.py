"""What the game's app needs to host the tutorial: `TutorialKeys` (mixed into the App) and `TUTORIAL_BINDINGS`.

Light on purpose (no screens, no pydantic at import): the game's app imports it at start-up. Textual
calls a message's handlers on every class of the app's MRO, so the app's own handlers still run; the
app passes the play screens' messages to the running flow (`CapQuestApp._tutorial_act`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

if TYPE_CHECKING:
    from capquest.tui.tutorial.flow import TutorialFlow

# The course's keys, bound with priority by the host app (`BINDINGS = [*TUTORIAL_BINDINGS, ...]`) so they
# work whatever has the focus. `check_action` below lets a key through to the screen whenever the course
# has no use for it: Enter and the digits only while the narrator is talking or asking, never during the
# replay or while the player is doing what a step asks. Brackets: no play screen uses them.
# Descriptions are catalogue keys: the host localises them with its other bindings.
TUTORIAL_STEP_BINDINGS = [
    Binding(
        "enter", "tutorial_next", "shell.bind.tutorial_next", id="tutorial-next", show=False, priority=True
    ),
    *(
        Binding(
            str(n),
            f"tutorial_answer({n})",
            "shell.bind.tutorial_answer",
            id=f"tutorial-answer-{n}",
            show=False,
            priority=True,
        )
        for n in range(1, 7)
    ),
]
TUTORIAL_BINDINGS = [
    Binding(
        "left_square_bracket",
        "tutorial_back",
        "shell.bind.tutorial_back",
        id="tutorial-back",
        show=False,
        priority=True,
    ),
    Binding(
        "right_square_bracket",
        "tutorial_skip",
        "shell.bind.tutorial_skip",
        id="tutorial-skip",
        show=False,
        priority=True,
    ),
    *TUTORIAL_STEP_BINDINGS,
]
_TUTORIAL_ACTIONS = ("tutorial_back", "tutorial_skip", "tutorial_next", "tutorial_answer")


class TutorialKeys:
    """Mix into the App that hosts the tutorial: the actions of `TUTORIAL_BINDINGS`, and the
    `check_action` that lets a key through to the screen when the course has no use for it."""

    tutorial_flow: TutorialFlow | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _TUTORIAL_ACTIONS:
            flow = self.tutorial_flow
            return flow is not None and flow.active and flow.accepts(action, parameters)
        return super().check_action(action, parameters)  # type: ignore[misc]

    def action_tutorial_next(self) -> None:
        if self.tutorial_flow is not None:
            self.tutorial_flow.next()

    def action_tutorial_answer(self, number: int) -> None:
        if self.tutorial_flow is not None:
            self.tutorial_flow.answer(number - 1)

    def action_tutorial_back(self) -> None:
        if self.tutorial_flow is not None and self.tutorial_flow.active:
            self.tutorial_flow.back()

    def action_tutorial_skip(self) -> None:
        if self.tutorial_flow is not None and self.tutorial_flow.active:
            self.tutorial_flow.skip()
