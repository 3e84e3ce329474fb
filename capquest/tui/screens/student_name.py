"""The first screen of a served classroom session (`capquest serve`): the student types their name.

The app's `sign_in` does the checking (capquest.saves.classroom: made safe for a folder name, empty,
reserved and live names refused); this screen only shows its verdict, in the student's language, and
keeps the typed text so a refused name can be corrected rather than retyped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Center, Vertical
from textual.widgets import Footer, Input, Static

from capquest.i18n import t
from capquest.tui.screens.base import CapQuestScreen

if TYPE_CHECKING:
    from capquest.tui.app import CapQuestApp

TYPED_MAX = 60  # characters typed; the folder name keeps at most capquest.saves.classroom.NAME_MAX


class StudentNameScreen(CapQuestScreen):
    CSS_PATH = "student_name.tcss"
    BINDINGS: ClassVar[list[BindingType]] = []

    app: CapQuestApp  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._typed = ""
        self._refusal = ""

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="name-dialog") as dialog:
            dialog.border_title = t("serve.name_title")
            yield Static(t("serve.name_prompt"), id="name-prompt", markup=False)
            yield Input(
                self._typed, placeholder=t("serve.name_placeholder"), max_length=TYPED_MAX, id="name-input"
            )
            yield Static(self._refusal, id="name-refused", markup=False)
            yield Static(t("serve.name_hint"), id="name-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name-refused", Static).display = bool(self._refusal)
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._typed = event.value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        refusal = self.app.sign_in_student(event.value)
        if refusal:
            self._refusal = refusal
            message = self.query_one("#name-refused", Static)
            message.update(refusal)
            message.display = True
            self.query_one(Input).focus()

    async def retranslate(self) -> None:
        await super().retranslate()
        self.on_mount()

    def help_text(self) -> str:
        return t("serve.help")
