""" "Save as level": where (a pack folder, new or existing), under which level id and title. Shows what
was written, whether `capquest pack validate` accepts the pack, and the digest `capquest simulate`
reproduces. The only thing the sandbox writes."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Footer, Input, Static

from capquest.i18n import t
from capquest.sandbox import Sandbox
from capquest.sandbox.keep import KeepError, Kept, keep
from capquest.tui.screens.base import CapQuestModal


class SaveLevelScreen(CapQuestModal):
    CSS_PATH = "sandbox_save.tcss"
    HELP_KEY = "sandbox.help_save"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_screen", "sandbox.bind_close", id="save.close"),
        Binding("f1", "app.help", "shell.bind.help", id="save.help", key_display="F1"),
    ]

    def __init__(self, sandbox: Sandbox, *, folder: str) -> None:
        super().__init__()
        self.sandbox = sandbox
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(id="save-dialog"):
            yield Static(t("sandbox.save_title"), id="save-title", markup=False)
            for name, value in (("folder", self.folder), ("level", "my-night"), ("title_field", "")):
                with Horizontal(classes="save-row"):
                    yield Static(t(f"sandbox.save_{name}"), classes="save-label", markup=False)
                    yield Input(value, id=f"save-{name}", compact=True)
            yield Checkbox(t("sandbox.save_overwrite"), False, id="save-overwrite", compact=True)
            yield Button(t("sandbox.save_button"), id="save-go", variant="primary", compact=True)
            yield Static("", id="save-result", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#save-level", Input).focus()

    def action_dismiss_screen(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._save()

    def _save(self) -> None:
        self.query_one("#save-result", Static).update(t("sandbox.saving"))
        self._write(
            self.query_one("#save-folder", Input).value.strip(),
            self.query_one("#save-level", Input).value.strip(),
            self.query_one("#save-title_field", Input).value,
            self.query_one("#save-overwrite", Checkbox).value,
        )

    @work(thread=True, exclusive=True, group="sandbox-save")
    def _write(self, folder: str, level_id: str, title: str, overwrite: bool) -> None:
        try:
            kept = keep(self.sandbox, folder or ".", level_id, title=title, overwrite=overwrite)
        except KeepError as error:
            self.app.call_from_thread(self._show, str(error))
            return
        self.app.call_from_thread(self._show, self._report(kept))

    def _report(self, kept: Kept) -> str:
        night = self.sandbox.run()
        lines = [t("sandbox.saved", path=str(kept.path))]
        if kept.report.ok:
            lines.append(t("sandbox.saved_valid"))
        for problem in kept.report.problems:
            lines.append(str(problem))
        lines.append(
            t(
                "sandbox.saved_reproduce",
                level=kept.level.id,
                card=self.sandbox.chosen.id,
                folder=str(kept.path.parent),
                digest=night.digest[:16],
            )
        )
        return "\n".join(lines)

    def _show(self, text: str) -> None:
        self.query_one("#save-result", Static).update(text)
