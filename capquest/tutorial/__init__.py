"""The guided course, headless: a state machine over the tutorial steps of a level pack.

No Textual here: `capquest.tui.tutorial` draws it, tests drive it directly. See `controller.py` for the
course logic and `recap.py` for the end-of-course summary built from the player's own runs; the checks
`capquest pack validate` runs on tutorial steps are part of loading a pack (`capquest.packs.tutorial`).
"""

from capquest.tutorial.controller import (
    ActionVerdict,
    AnswerVerdict,
    CoursePosition,
    PastRun,
    PlayerAction,
    PositionStore,
    SavedPosition,
    StepView,
    TutorialController,
)

__all__ = [
    "ActionVerdict",
    "AnswerVerdict",
    "CoursePosition",
    "PastRun",
    "PlayerAction",
    "PositionStore",
    "SavedPosition",
    "StepView",
    "TutorialController",
]
