"""What an app needs to host the tutorial: `TutorialHost` (mix it into the App) and `TUTORIAL_BINDINGS`.

Light on purpose (no screens, no pydantic at import): the game's app imports it at start-up. Textual
calls a message's handlers on every class of the app's MRO, so the app's own handlers for the same
messages still run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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


class TutorialHost(TutorialKeys):
    """`TutorialKeys`, plus handlers that pass the play screens' messages to the flow (for an app that
    does not route them itself, as `capquest.tui.tutorial.app.TutorialApp`)."""

    def _tutorial_act(self, action: str, card: str | None = None, data_class: str | None = None) -> None:
        if self.tutorial_flow is not None and self.tutorial_flow.active:
            from capquest.tutorial.controller import PlayerAction

            self.tutorial_flow.act(PlayerAction(action, card=card, data_class=data_class))

    def on_level_screen_card_chosen(self, message: Any) -> None:
        self._tutorial_act("choose_card", card=message.card_id)

    def on_level_screen_class_assigned(self, message: Any) -> None:
        self._tutorial_act("assign_class", card=message.card_id, data_class=message.data_class)

    def on_level_screen_run_finished(self, message: Any) -> None:
        if self.tutorial_flow is not None:
            self.tutorial_flow.run_finished(message.result)

    def on_level_screen_glossary_requested(self, message: Any) -> None:
        self._tutorial_act("open_glossary")

    def on_results_screen_chart_opened(self, message: Any) -> None:
        self._tutorial_act("open_chart")

    def on_results_screen_why_requested(self, message: Any) -> None:
        self._tutorial_act("open_why")
