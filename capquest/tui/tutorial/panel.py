"""The narrator's panel, docked under whatever play screen is showing, and the highlight that dims
everything on the screen but the widget a step points at.

The panel is a view of a `TutorialFlow`: it draws the flow's controller and forwards keys to the flow.
Text is shown literally (rich `Text`, never markup), since it comes from pack files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from capquest.i18n import t
from capquest.tutorial.controller import RUN_TARGETS

if TYPE_CHECKING:
    from capquest.tui.tutorial.flow import TutorialFlow

DIM = "-tutorial-on"  # on the screen: dim all but the target
TARGET = "-tutorial-target"


# User-level CSS, added to the app's stylesheet when the tutorial starts: a widget's DEFAULT_CSS always
# loses to the play screens' own CSS, and the target's border must win over their `#id { border: ... }`.
HIGHLIGHT_CSS = """
Screen.-tutorial-on * { tint: $background 60%; text-opacity: 60%; }
Screen.-tutorial-on .-tutorial-target, Screen.-tutorial-on .-tutorial-target *,
Screen.-tutorial-on NarrationPanel, Screen.-tutorial-on NarrationPanel *,
Screen.-tutorial-on Footer, Screen.-tutorial-on Footer * { tint: transparent; text-opacity: 100%; }
.-tutorial-target { border: round $warning !important; border-title-color: $warning; }
.-ascii .-tutorial-target { border: ascii $warning !important; }
"""


def install_highlight_css(app: App) -> None:
    app.stylesheet.add_source(HIGHLIGHT_CSS, read_from=(__file__, "HIGHLIGHT_CSS"), is_default_css=False)
    app.stylesheet.reparse()


def highlight(screen: Screen, target_id: str | None) -> Widget | None:
    """Dim everything on `screen` but the widget with id `target_id` (and the narration panel and the
    footer's keys); returns the target, or None if this screen has none. One class on the screen and
    one on the target: restyling the screen once is far cheaper than a class on every widget."""
    target: Widget | None = None
    if target_id:
        try:
            target = screen.query_one(f"#{target_id}")
        except NoMatches:
            target = None
    for old in screen.query(f".{TARGET}"):
        if old is not target:
            old.remove_class(TARGET)
    if target is not None:
        target.add_class(TARGET)
    screen.set_class(target is not None, DIM)
    return target


class NarrationPanel(Vertical):
    """The CTO's voice: the step's text, the question's choices, the latest hint or explanation.

    It never takes the focus: the course's keys are the host app's (`capquest.tui.tutorial.host`), so the
    play screen keeps its own focus and keys."""

    DEFAULT_CSS = """
    NarrationPanel {
        dock: bottom;
        height: auto;
        max-height: 60%;
        margin: 0 0 1 0;
        padding: 0 1;
        border: round $warning;
        border-title-color: $warning;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        background: $boost;
    }
    NarrationPanel.-ascii { border: ascii $warning; }
    NarrationPanel > Static { height: auto; }
    NarrationPanel #tutorial-choices { margin: 1 0 0 0; }
    NarrationPanel #tutorial-feedback { margin: 1 0 0 0; }
    NarrationPanel #tutorial-keys { color: $text-muted; margin: 1 0 0 0; }
    NarrationPanel.-compact #tutorial-choices, NarrationPanel.-compact #tutorial-feedback,
    NarrationPanel.-compact #tutorial-keys { margin: 0; }
    """
    COMPACT_BELOW = 30  # terminal rows: below this, no blank lines between the panel's parts

    def __init__(self, flow: TutorialFlow, *, ascii_borders: bool = False) -> None:
        super().__init__(id="tutorial-panel")
        self.flow = flow
        self.set_class(ascii_borders, "-ascii")

    def compose(self) -> ComposeResult:
        yield Static("", id="tutorial-text")
        yield Static("", id="tutorial-choices")
        yield Static("", id="tutorial-feedback")
        yield Static("", id="tutorial-keys")

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        """Redraw from the flow's controller."""
        c = self.flow.controller
        view = c.current
        if view is None or not self.children:  # not composed yet: on_mount draws it
            return
        lang, step = c.lang, view.step
        # a question with its explanation and a hint must fit, keys line included, in 80x24
        self.set_class(self.app.size.height < self.COMPACT_BELOW, "-compact")
        self.border_title = Content(view.level.title.get(lang))  # pack text: literal, not markup
        self.border_subtitle = t("tutorial.step_of", lang, n=view.number, total=view.total)
        body = Text(c.narration())
        if self.flow.on_replay() and step.target in RUN_TARGETS:
            # the step talks about the results: let the replay tell the story first, figures after
            body = Text(t("tutorial.watch_replay", lang))
        if step.kind == "concept" and step.concept:
            concept = self.flow.concepts.get(step.concept)
            if concept is not None:
                if body:
                    body.append("\n\n")
                term = concept.term.get(lang)
                other = concept.term.get("en" if lang == "ko" else "ko")
                body.append(t("tutorial.concept_unlocked", lang, term=term), style="bold")
                if other and other != term:
                    body.append(f" ({other})", style="bold")
                body.append("\n" + concept.body.get(lang))
        self.query_one("#tutorial-text", Static).update(body)

        choices = Text()
        for i, choice in enumerate(step.choices if step.kind == "question" else ()):
            if i:
                choices.append("\n")
            style = ""
            if c.chosen == i:
                style = "bold green" if choice.correct else "bold red"
            choices.append(f"{i + 1}. ", style="bold")
            choices.append(c.text(choice.text.get(lang)), style=style)
        chosen_widget = self.query_one("#tutorial-choices", Static)
        chosen_widget.update(choices)
        chosen_widget.display = bool(choices)

        feedback = Text(self.flow.greeting, style="cyan")
        if step.kind == "question" and c.chosen is not None:
            if feedback:
                feedback.append("\n")
            picked = step.choices[c.chosen]
            key = "tutorial.right" if picked.correct else "tutorial.wrong"
            feedback.append(
                t(key, lang, text=c.text(picked.explanation.get(lang))),
                style="green" if picked.correct else "red",
            )
        if c.hint and not c.satisfied:
            if feedback:
                feedback.append("\n")
            feedback.append(t("tutorial.hint", lang, text=c.hint), style="yellow")
        if step.kind == "await" and c.satisfied:
            if feedback:
                feedback.append("\n")
            feedback.append(t("tutorial.done", lang), style="green")
        fb = self.query_one("#tutorial-feedback", Static)
        fb.update(feedback)
        fb.display = bool(feedback)

        self.query_one("#tutorial-keys", Static).update(Text(self.flow.keys_line()))
