"""The level screen: the scenario card (briefing, topology diagram, traffic and faults to come) and the
hand of strategy cards; for hybrid levels, a card per data class. `r` runs the chosen strategy in a
worker thread, then the replay plays it.

Screens take attributes down (a `PlaySession`) and post messages up; the app records progress from
`LevelScreen.RunFinished`; the glossary button runs the app's `glossary` action.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Footer, Static
from textual.worker import Worker, WorkerState

from capquest.i18n import language, t
from capquest.packs.model import LevelFile
from capquest.scoring import price_text
from capquest.tui.bindings import localize_bindings
from capquest.tui.screens.base import CapQuestScreen
from capquest.tui.session import PlaySession, Runner, play_runner
from capquest.tui.widgets.card_hand import CardHand
from capquest.tui.widgets.class_assignment import ClassAssignment
from capquest.tui.widgets.glyphs import Glyphs
from capquest.tui.widgets.topology import TopologyDiagram, fault_lines
from capquest.units import amount_text


def hand_title(cards: int) -> str:
    """The hand's heading: its number keys, said right for a hand of one ("1-1" read as a typo)."""
    return t("play.hand_title_one") if cards == 1 else t("play.hand_title", n=cards)


class LevelScreen(CapQuestScreen):
    CSS_PATH = "level.tcss"
    HELP_KEY = "play.help_level"
    session: PlaySession

    BINDINGS: ClassVar = [
        Binding("r", "run", "play.key_level_run", id="level.run"),
        Binding("escape", "back", "play.key_level_back", id="level.back"),
        *(
            Binding(str(n), f"pick({n})", "play.key_level_pick", show=False, id=f"level.pick{n}")
            for n in range(1, 9)
        ),
    ]

    class RunStarted(Message):
        def __init__(self, card_id: str | None, assign: Mapping[str, str] | None) -> None:
            super().__init__()
            self.card_id = card_id
            self.assign = assign

    class RunFinished(Message):
        """A run finished (before its replay): the app records progress from `result`."""

        def __init__(self, result: Any) -> None:
            super().__init__()
            self.result = result

    class CardChosen(Message):
        def __init__(self, card_id: str) -> None:
            super().__init__()
            self.card_id = card_id

    class ClassAssigned(Message):
        def __init__(self, data_class: str, card_id: str) -> None:
            super().__init__()
            self.data_class = data_class
            self.card_id = card_id

    def __init__(
        self,
        level: LevelFile | PlaySession,
        pack: object = None,
        *,
        runner: Runner | None = None,
        clock: Callable[[], float] | None = None,
        ascii_borders: bool | None = None,
        reduced_motion: bool | None = None,
        name: str | None = None,
    ) -> None:
        """`level` (with the `pack` it came from, unused for now) or a whole `PlaySession`. Settings left
        None follow the app (`ascii_borders`, `replay_speed`, reduced motion) when the screen mounts."""
        super().__init__(name=name)
        if isinstance(level, PlaySession):
            self.session = level
        else:
            self.session = PlaySession(
                level,
                runner=runner or play_runner,
                clock=clock or time.monotonic,
                ascii_borders=ascii_borders,
                reduced_motion=reduced_motion,
            )
        self.pack = pack
        self.chosen: str | None = None  # card id; None with `custom` set for a hybrid mix
        self.custom: dict[str, str] | None = None
        self.running = False
        self._loading_timer: Timer | None = None

    # ------------------------------------------------------------------------------------- compose
    def compose(self) -> ComposeResult:
        s = self.session
        s.adopt_app_settings(self.app)
        level, lang, g = s.level, language(), s.glyphs
        yield Static(level.title.get(lang), id="level-title", markup=False)  # pack text: literal
        with Horizontal(id="level-body"):
            with VerticalScroll(id="scenario"):
                yield Static(level.shown_briefing(lang), id="briefing", markup=False)
                yield Static(t("play.level_system"), classes="section")
                yield TopologyDiagram(level.scenario.topology, glyphs=g, id="topology")
                yield Static(t("play.level_coming"), classes="section")
                yield Static(self._traffic_text(g), id="traffic")
            with Vertical(id="play"):
                yield Static(hand_title(len(level.cards)), id="hand-title")
                yield CardHand(
                    level.cards,
                    glyphs=g,
                    ascii_borders=bool(s.ascii_borders),
                    best=s.best_by_card(),
                    id="hand",
                    compact=level.hybrid is not None or len(level.cards) > 4,
                )
                if level.hybrid is not None:
                    allowed = [c for c in level.cards if c.id in level.hybrid.cards]
                    yield ClassAssignment(
                        level.hybrid.classes,
                        allowed,
                        ascii_borders=bool(s.ascii_borders),
                        initial=self._hybrid_default(),
                        id="assign",
                    )
                with Horizontal(id="actions"):
                    yield Button(t("play.level_run_button"), id="run", variant="success", compact=True)
                    yield Button(t("play.level_glossary_button"), id="glossary", compact=True)
                yield Static("", id="choice")
        yield Footer()

    def _hybrid_default(self) -> dict[str, str]:
        first_hybrid = next((c for c in self.session.level.cards if c.assign), None)
        return dict(first_hybrid.assign) if first_hybrid else {}

    def _traffic_text(self, g: Glyphs) -> str:
        w = self.session.level.scenario.workload
        profile = f" {g.arrow} ".join(amount_text(p.rps) for p in w.rate)
        lines = [t("play.level_traffic", profile=profile, duration=f"{w.duration_s:g}")]
        if w.hot_item_stock is not None:
            lines.append(t("play.level_hot_stock", n=w.hot_item_stock))
        faults = fault_lines(self.session.level.scenario.faults)
        lines.extend(faults or [t("play.fault_none")])
        return "\n".join(lines)

    def on_mount(self) -> None:
        self._after_compose()
        self.call_after_refresh(self._warm_up)

    def _warm_up(self) -> None:
        """Import the replay and results screens while the player reads, not after Run."""
        from capquest.tui.screens.replay import ReplayScreen  # noqa: F401
        from capquest.tui.screens.results import ResultsScreen  # noqa: F401

    def _after_compose(self) -> None:
        for node in self.query("CardHand, ClassAssignment"):
            localize_bindings(node)
        self.set_class(bool(self.session.ascii_borders), "-ascii")
        self.query_one("#scenario").border_title = t("play.level_scenario")
        self.query_one("#play").border_title = t("play.level_hand")
        self.query_one("#hand").focus()
        self._show_choice()

    def help_text(self) -> str:
        return super().help_text() + "\n\n" + price_text(self.session.level.scoring)

    async def retranslate(self) -> None:
        """The language changed: rebuild the texts, keeping the choice."""
        localize_bindings(self)
        chosen, custom = self.chosen, self.custom
        await self.recompose()
        self._after_compose()
        if chosen is not None:
            self.query_one(CardHand).choose(chosen)
        elif custom is not None:
            panel = self.query_one(ClassAssignment)
            panel.set_assignment(custom)
            panel.mark_edited()
            self.custom = custom
            self._show_choice()

    def on_screen_resume(self) -> None:
        hand = self.query_one(CardHand)
        for card_id, best in self.session.best_by_card().items():
            if card_id in {c.id for c in self.session.level.cards}:
                hand.set_best(card_id, best)

    # ------------------------------------------------------------------------------------- choosing
    def _show_choice(self) -> None:
        if self.custom is not None:
            text = t("play.level_chosen_custom")
        elif self.chosen is not None:
            text = t("play.level_chosen", card=self.session.card_title(self.chosen))
        else:
            text = t("play.level_choose_prompt")
        self.query_one("#choice", Static).update(Text(text))  # holds a card title: literal

    def action_pick(self, number: int) -> None:
        cards = self.session.level.cards
        if 1 <= number <= len(cards):
            self.query_one(CardHand).choose(cards[number - 1].id)

    def on_card_hand_chosen(self, event: CardHand.Chosen) -> None:
        event.stop()
        self.chosen, self.custom = event.card_id, None
        card = self.session.card(event.card_id)
        if card is not None and card.assign and self.session.level.hybrid is not None:
            self.query_one(ClassAssignment).set_assignment(card.assign)
        self._show_choice()
        self.post_message(self.CardChosen(event.card_id))

    def on_class_assignment_assigned(self, event: ClassAssignment.Assigned) -> None:
        event.stop()
        self.custom = dict(self.query_one(ClassAssignment).assignment)
        self.query_one(CardHand).choose(None)
        self.chosen = None
        self._show_choice()
        self.post_message(self.ClassAssigned(event.data_class, event.card_id))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "run":
            self.action_run()
        elif event.button.id == "glossary":
            self.action_glossary()

    def action_glossary(self) -> None:
        # The same as pressing the app's glossary key: the shell owns the glossary.
        self.run_worker(self.run_action("app.glossary"), group="glossary")

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.dismiss()

    # ------------------------------------------------------------------------------------- running
    def action_run(self) -> None:
        if self.running:
            return
        self._sync_choice()
        hand = self.query_one(CardHand)
        card_id = self.chosen
        if card_id is None and self.custom is None:
            card_id = hand.cursor_card.id  # Run with nothing chosen plays the card under the cursor
            hand.choose(card_id)
            self.chosen = card_id
        self.running = True
        # The loading indicator only if the run is slow: mounting one costs a frame of its own.
        self._loading_timer = self.set_timer(0.08, self._show_loading)
        self.query_one("#run", Button).disabled = True
        if self.custom is not None:
            self.session.custom_assign = dict(self.custom)
        self.post_message(self.RunStarted(card_id, self.custom))
        self._run_worker(card_id, self.custom)

    def _sync_choice(self) -> None:
        """Read the choice from the widgets: "r" may arrive before their Chosen/Assigned messages do."""
        hand = self.query_one(CardHand)
        panel = next(iter(self.query(ClassAssignment)), None)
        if panel is not None and panel.edited_at > hand.chosen_at:
            self.chosen, self.custom = None, dict(panel.assignment)
        elif hand.chosen_id is not None:
            self.chosen, self.custom = hand.chosen_id, None

    def _show_loading(self) -> None:
        if self.running:
            self.query_one("#run", Button).loading = True

    @work(thread=True, exclusive=True, group="run", exit_on_error=False)
    def _run_worker(self, card_id: str | None, assign: dict[str, str] | None) -> Any:
        return self.session.runner(self.session.level, card_id, None, assign)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "run" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self.running = False
        if self._loading_timer is not None:
            self._loading_timer.stop()
        run_button = self.query_one("#run", Button)
        run_button.loading = False
        run_button.disabled = False
        if event.state == WorkerState.ERROR:
            self.notify(
                t("play.level_run_failed", reason=str(event.worker.error)),
                severity="error",
                timeout=8,
                markup=False,
            )
            return
        result = event.worker.result
        self.session.runs.append(result)
        self.post_message(self.RunFinished(result))
        from capquest.tui.screens.replay import ReplayScreen
        from capquest.tui.screens.results import ResultsScreen

        session = self.session
        self.app.push_screen(
            ReplayScreen(session, result, results_screen=lambda: ResultsScreen(session, result))
        )
