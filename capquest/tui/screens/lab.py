"""The lab from a level's results: the same level, card and seed on a real PostgreSQL (capquest.lab),
with progress, Cancel, the engine's prediction beside the real figures, and the Why? view over the
clients' real history.

The run is a thread worker: servers start, the clients play, the checker reads their history. Cancel (or
leaving the screen) sets an event the clients check between operations; the servers are then stopped
and the temporary folder removed as on any other exit.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, ProgressBar, Static
from textual.worker import Worker, WorkerState

from capquest.i18n import language, t
from capquest.tui.screens.base import CapQuestScreen
from capquest.tui.session import PlaySession

PROGRESS_EVERY_S = 0.1  # the clients answer thousands of operations a second; the bar needs ten updates


def lab_offered(level: Any, card_id: str) -> bool:
    """Whether the results of this card offer the lab: a level and card the lab can play. Whether this
    machine has PostgreSQL is the lab screen's to say (one line naming what to install), so the results
    screen looks the same everywhere."""
    from capquest.lab.plan import card_reason

    if card_id == "custom":
        return False
    try:
        return card_reason(level, card_id) is None
    except Exception:  # a card the level does not have: no lab
        return False


@dataclass(frozen=True)
class _RealOutcome:
    history: Any
    trace: tuple = ()  # a real run has no simulated trace: the Why? view draws no lag curve


@dataclass(frozen=True)
class RealRun:
    """A lab run shaped like the play path's result, for the Why? view: the real history."""

    level: str
    card: str
    seed: int
    outcome: _RealOutcome = field(default_factory=lambda: _RealOutcome({}))


class LabScreen(CapQuestScreen):
    CSS_PATH = "lab.tcss"
    HELP_KEY = "lab.help_screen"
    session: PlaySession

    BINDINGS: ClassVar = [
        Binding("c", "cancel", "lab.key_cancel", id="lab.cancel"),
        Binding("w", "why", "lab.key_why", id="lab.why"),
        Binding("escape", "close", "lab.key_close", id="lab.close"),
    ]

    def __init__(self, session: PlaySession, result: Any, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self.session = session
        self.result = result
        self.cancel = threading.Event()
        self.lab_result: Any = None
        self._last_progress = 0.0
        self._finished = False
        self._error: BaseException | None = None
        self._last_step = ""
        self._progress_of: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        level = self.session.level
        title = t(
            "lab.running_title",
            level=level.title.get(language()),
            card=self.session.card_title(self.result.card),
        )
        yield Static(Text(title), id="lab-title")
        with VerticalScroll(id="lab-body"):
            yield Static(Text(t("lab.step_starting")), id="lab-status")
            yield ProgressBar(id="lab-progress", show_eta=False)
            yield Static(id="lab-result")
        with Horizontal(id="lab-actions"):
            yield Button(t("lab.cancel"), id="cancel", variant="error", compact=True)
            yield Button(t("lab.why_real"), id="why", variant="warning", compact=True, disabled=True)
            yield Button(t("lab.close"), id="close", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self._paint()
        self._run()

    def on_unmount(self) -> None:
        self.cancel.set()  # leaving mid-run: the worker stops the servers on its way out

    async def retranslate(self) -> None:
        await super().retranslate()
        self._paint()

    # ------------------------------------------------------------------------------------- painting
    def _status_text(self) -> str:
        """What is happening, from the state alone, so a language switch can say it again."""
        if self._finished:
            if self.lab_result is not None:
                return t("lab.cleaned")
            return self._failure(self._error)
        if self.cancel.is_set():
            return t("lab.cancelling")
        step = self._last_step
        if step.startswith("replica-"):
            return t("lab.step_replica", name=step)
        if step == "play":
            plan = self.plan
            return t(
                "lab.step_play",
                ops=f"{len(plan.ops):,}",
                seconds=f"{plan.seconds:.1f}",
                rate=f"{plan.rate:,.0f}",
                level_s=f"{plan.level_seconds:g}",
                k=f"{plan.compression:.1f}",
            )
        return t("lab.step_starting")

    def _paint(self) -> None:
        self.query_one("#lab-body").border_title = t("lab.col_real")
        self.query_one("#lab-status", Static).update(Text(self._status_text()))
        bar = self.query_one(ProgressBar)
        bar.display = not self._finished
        if self._progress_of is not None:
            bar.update(total=self._progress_of[1], progress=self._progress_of[0])
        self.query_one("#cancel", Button).display = not self._finished
        why = self.query_one("#why", Button)
        why.disabled = self.lab_result is None
        if self.lab_result is not None:
            from capquest.lab import result_json
            from capquest.lab.view import result_renderables

            lang = language()
            data = result_json(self.lab_result, lang)
            parts = result_renderables(data, self.session.level.title.get(lang), lang)
            self.query_one("#lab-result", Static).update(Group(*parts))

    # ------------------------------------------------------------------------------------- the run
    def _step(self, step: str) -> None:
        self._last_step = step
        if step == "play":
            self._progress_of = (0, len(self.plan.ops))
        self._paint()

    def _progress(self, done: int, total: int) -> None:
        self._progress_of = (done, total)
        self.query_one(ProgressBar).update(total=total, progress=done)

    @work(thread=True, exclusive=True, group="lab", exit_on_error=False)
    def _run(self) -> Any:
        from capquest.lab import make_plan, run_lab

        self.plan = make_plan(self.session.level, self.result.card, seed=self.result.seed)

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if done == total or now - self._last_progress >= PROGRESS_EVERY_S:
                self._last_progress = now
                self.app.call_from_thread(self._progress, done, total)

        return run_lab(
            self.session.level,
            self.result.card,
            seed=self.result.seed,
            on_step=lambda step: self.app.call_from_thread(self._step, step),
            progress=progress,
            cancel=self.cancel,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "lab" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self._finished = True
        if event.state == WorkerState.SUCCESS:
            self.lab_result = event.worker.result
        else:
            self._error = event.worker.error
        self.refresh_bindings()
        self._paint()
        self.query_one("#why" if self.lab_result is not None else "#close", Button).focus()

    @staticmethod
    def _failure(error: BaseException | None) -> str:
        from capquest.errors import CapquestError
        from capquest.lab import LabUnavailable
        from capquest.lab.clients import LabCancelled

        if isinstance(error, LabCancelled):
            return t("lab.cancelled")
        if isinstance(error, LabUnavailable | CapquestError):
            return str(error)
        return t("lab.failed", reason=error)

    # ------------------------------------------------------------------------------------- actions
    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {"cancel": self.action_cancel, "why": self.action_why, "close": self.action_close}[
            event.button.id or "close"
        ]()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        running = self.lab_result is None and not self._finished
        if action == "cancel":
            return running or None
        if action == "why":
            return self.lab_result is not None or None
        return True

    def action_cancel(self) -> None:
        if not self.cancel.is_set() and not self._finished:
            self.cancel.set()
            self._paint()

    def action_why(self) -> None:
        if self.lab_result is None:
            return
        from capquest.tui.screens.why import WhyScreen

        real = RealRun(
            level=self.result.level,
            card=self.result.card,
            seed=self.result.seed,
            outcome=_RealOutcome(self.lab_result.history),
        )
        self.app.push_screen(WhyScreen(real, session=self.session))

    def action_close(self) -> None:
        self.cancel.set()
        self.dismiss()
