"""The "Why?" view: the anomalies the checker finds in a run's history, one at a time, each explained in
words and drawn on the timeline (a lane per node and per client session, faults shaded, the anomaly's
operations highlighted). The checker runs in a worker thread; it reads only the history."""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from capquest.i18n import language, t
from capquest.tui.screens.level import LocalizedHelp, PlaySession
from capquest.tui.widgets.key_labels import localize_bindings


class WhyScreen(Screen):
    CSS_PATH = "why.tcss"
    HELP: ClassVar[str] = LocalizedHelp("play.help_why")  # type: ignore[assignment]

    BINDINGS: ClassVar = [
        Binding("n,right", "step(1)", "play.key_why_next", id="why.next"),
        Binding("p,left", "step(-1)", "play.key_why_prev", id="why.prev"),
        Binding("k,tab", "next_kind", "play.key_why_kind", id="why.kind"),
        Binding("escape", "back", "play.key_why_back", id="why.back"),
    ]

    def __init__(self, session: PlaySession, result: Any, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self.session = session
        self.result = result
        self.report: Any = None
        self._ordered: list[Any] | None = None
        self.index = 0
        localize_bindings(self)

    def help_text(self) -> str:
        return t("play.help_why")

    async def retranslate(self) -> None:
        localize_bindings(self)
        await self.recompose()
        self._paint()

    def compose(self) -> ComposeResult:
        yield Static(t("play.why_title", card=self.session.card_title(self.result.card)), id="why-title")
        with VerticalScroll(id="why-body"):
            yield Static(id="why-summary")
            yield Static(id="why-explain")
            yield Static(id="why-timeline")
            yield LoadingIndicator(id="why-checking")
        yield Footer()

    def on_mount(self) -> None:
        self.set_class(bool(self.session.ascii_borders), "-ascii")
        self.query_one("#why-body").border_title = t("play.why_panel")
        if self.report is None:
            self._check()
        else:
            self._paint()

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def _check(self) -> Any:
        from capquest.checker import check

        return check(self.result.outcome.history)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "check" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        for indicator in self.query(LoadingIndicator):
            indicator.remove()
        if event.state == WorkerState.ERROR:
            self.query_one("#why-summary", Static).update(
                Text(t("play.why_failed", reason=str(event.worker.error)), style="red"))
            return
        self.report = event.worker.result
        self._paint()

    @property
    def anomalies(self) -> list[Any]:
        """In the lesson's order (the checker's ANOMALY_KINDS: oversold first), then by time."""
        if self.report is None:
            return []
        if self._ordered is None:
            from capquest.checker import ANOMALY_KINDS

            rank = {kind: i for i, kind in enumerate(ANOMALY_KINDS)}
            self._ordered = sorted(self.report.anomalies,
                                   key=lambda a: (rank.get(a.kind, len(rank)), a.time, a.ops))
        return self._ordered

    def _paint(self) -> None:
        if self.report is None:
            return
        lang = language()
        anomalies = self.anomalies
        summary = Text()
        if not anomalies:
            summary.append(t("play.why_none"), style="bold green")
        else:
            counts = Counter(a.kind for a in anomalies)  # in the order of `anomalies`: the lesson's
            summary.append(t("play.why_found", n=len(anomalies)), style="bold")
            for kind, n in counts.items():
                summary.append(f"\n  {t(f'checker.kind_{kind}', lang)}: {n}")
        self.query_one("#why-summary", Static).update(summary)

        from capquest.checker.timeline import anomaly_window, timeline_lines

        focus = anomalies[self.index] if anomalies else None
        explain = Text()
        if focus is not None:
            explain.append(t("play.why_position", i=self.index + 1, n=len(anomalies)), style="dim")
            explain.append(f"  {focus.title(lang)}\n", style="bold red")
            explain.append(focus.explain(lang))
        self.query_one("#why-explain", Static).update(explain)
        start, end = anomaly_window(focus) if focus is not None else (None, None)
        from capquest.checker.timeline import LABEL_WIDTH

        # the lanes' labels take LABEL_WIDTH + 1 cells before the bars; the panel's border and padding 4
        width = max(self.size.width - 4 - LABEL_WIDTH - 1 - 3, 30)
        lines = timeline_lines(self.result.outcome.history, anomalies, start=start, end=end, width=width,
                               lang=lang, focus=focus, max_sessions=8)
        self.query_one("#why-timeline", Static).update(Text("\n").join(lines))

    def action_step(self, step: int) -> None:
        if self.anomalies:
            self.index = (self.index + step) % len(self.anomalies)
            self._paint()

    def action_next_kind(self) -> None:
        """Jump to the first anomaly of the next kind (thousands of stale reads hide the one oversell)."""
        anomalies = self.anomalies
        if not anomalies:
            return
        kind = anomalies[self.index].kind
        for step in range(1, len(anomalies) + 1):
            i = (self.index + step) % len(anomalies)
            if anomalies[i].kind != kind:
                self.index = i
                break
        self._paint()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.dismiss()
