"""Two runs side by side, metric by metric, with which is better on each: two cards, or one card at two
seeds (is that result luck or design?). Either side can be moved through the runs of this visit, or
replaced by a fresh run of its card at another seed."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from capquest.i18n import t
from capquest.tui.screens.base import CapQuestScreen
from capquest.tui.session import PlaySession
from capquest.tui.widgets.metric_table import MetricTable


class CompareScreen(CapQuestScreen):
    CSS_PATH = "compare.tcss"
    HELP_KEY = "play.help_compare"
    session: PlaySession

    BINDINGS: ClassVar = [
        Binding("tab,x", "switch_side", "play.key_compare_side", id="compare.side"),
        # priority: the scrolling body would otherwise claim left/right (and hide them from the footer)
        Binding("left", "cycle(-1)", "play.key_compare_prev", id="compare.prev", priority=True),
        Binding("right", "cycle(1)", "play.key_compare_next", id="compare.next", priority=True),
        Binding("s", "reseed", "play.key_compare_seed", id="compare.seed"),
        Binding("escape", "back", "play.key_compare_back", id="compare.back"),
    ]

    def __init__(self, session: PlaySession, result: Any, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self.session = session
        self.sides: list[Any] = [result, self._other(result)]
        self.active = 1  # the side the arrows move
        self.running = False

    def _other(self, result: Any) -> Any:
        """The best run of another card, else another run of this one, else the same run (until reseeded)."""
        others = [r for r in self.session.runs if r.card != result.card]
        if others:
            return max(others, key=lambda r: r.score.score)
        same = [r for r in self.session.runs if r is not result]
        return same[-1] if same else result

    def compose(self) -> ComposeResult:
        yield Static(t("play.compare_title"), id="compare-title")
        with VerticalScroll(id="compare-body"):
            yield Static(id="compare-sides")
            yield MetricTable(glyphs=self.session.glyphs, id="compare-table")
            yield Static(id="compare-note")
        yield Footer()

    async def retranslate(self) -> None:
        await super().retranslate()
        self.on_mount()

    def on_mount(self) -> None:
        self.set_class(bool(self.session.ascii_borders), "-ascii")
        self._paint()
        if self.sides[0] is self.sides[1]:
            self.action_reseed()  # nothing else to compare with yet: the same card at another seed

    def label(self, side: int) -> str:
        r = self.sides[side]
        return t("play.compare_side", side="AB"[side], card=self.session.card_title(r.card), seed=r.seed)

    def _paint(self) -> None:
        a, b = self.sides
        sides = Text()
        for i in (0, 1):
            if i:
                sides.append("\n")
            marker = "> " if i == self.active else "  "
            sides.append(marker + self.label(i), style="bold reverse" if i == self.active else "bold")
        self.query_one("#compare-sides", Static).update(sides)
        self.query_one(MetricTable).show_compare(a, b, f"A ({a.seed})", f"B ({b.seed})")
        if a.card == b.card and a.seed == b.seed:
            note = t("play.compare_same_run")
        elif a.card == b.card:
            note = t("play.compare_seeds_note")
        else:
            note = t("play.compare_cards_note")
        self.query_one("#compare-note", Static).update(note)

    def action_switch_side(self) -> None:
        self.active = 1 - self.active
        self._paint()

    def action_cycle(self, step: int) -> None:
        runs = self.session.runs
        if not runs:
            return
        current = self.sides[self.active]
        index = next((i for i, r in enumerate(runs) if r is current), 0)
        self.sides[self.active] = runs[(index + step) % len(runs)]
        self._paint()

    def action_reseed(self) -> None:
        if self.running:
            return
        current = self.sides[self.active]
        used = [r.seed for r in self.session.runs if r.card == current.card]
        seed = max([*used, current.seed]) + 1
        self.running = True
        self.query_one(MetricTable).loading = True
        card_id = None if current.card == "custom" else current.card
        assign = self.session.custom_assign if current.card == "custom" else None
        self._reseed_worker(card_id, seed, assign)

    @work(thread=True, exclusive=True, group="reseed", exit_on_error=False)
    def _reseed_worker(self, card_id: str | None, seed: int, assign: dict[str, str] | None) -> Any:
        return self.session.runner(self.session.level, card_id, seed, assign)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "reseed" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self.running = False
        self.query_one(MetricTable).loading = False
        if event.state == WorkerState.ERROR:
            self.notify(
                t("play.level_run_failed", reason=str(event.worker.error)), severity="error", markup=False
            )
            return
        self.session.runs.append(event.worker.result)
        self.sides[self.active] = event.worker.result
        self._paint()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.dismiss()
