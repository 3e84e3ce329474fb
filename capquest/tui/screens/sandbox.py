"""The sandbox: build a system, play its night, break it live, keep it as a level.

Three tabs: Build (the system and its traffic, each bad field explained beside it), Strategy (a card, the
policy knobs set by hand, or a card per data class) and Night (the timeline and sparklines). The state is
a `capquest.sandbox.Sandbox` (floor 2): every change re-simulates the night from the start in a worker
thread, so the screen stays responsive and a key press shows its effect as soon as the run is done.
The moment shown moves while the night plays; a fault key acts at that moment. Nothing is saved except by
"save as level".
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, HorizontalScroll, Vertical
from textual.events import Click
from textual.widgets import Button, Checkbox, Footer, Input, Select, Static, TabbedContent, TabPane

from capquest.engine.model import Scenario
from capquest.i18n import language, t
from capquest.packs.model import Concept, LevelFile, Text
from capquest.sandbox import Action, Sandbox
from capquest.sandbox.knobs import knobs_of, policy_of
from capquest.sandbox.night import Night
from capquest.sandbox.schedule import ActionProblem, crashable_nodes, lagging_nodes
from capquest.tui.screens.base import CapQuestScreen
from capquest.tui.widgets.glyphs import glyphs_for
from capquest.tui.widgets.night_chart import NightChart
from capquest.tui.widgets.sandbox_build import BuildForm
from capquest.tui.widgets.sandbox_strategy import StrategyPanel

BLANK = "-"  # the start-from choice that means a blank sandbox (not a level id: ids start with [a-z0-9])
TICK_S = 0.1  # the night's clock ticks ten times a second of wall time
STEP_MS = 500  # left / right move the moment shown by half a simulated second
FAULT_BUTTONS = ("partition", "crash", "lag_spike", "surge", "heal", "undo")
FAULT_CONCEPTS = ("partition", "crash", "lag_spike", "surge", "heal")
CAMPAIGN_CONCEPTS = ("cap", "pacelc", "partition", "replication-lag", "quorum", "queueing")


class CutOffRow(HorizontalScroll, can_focus=False):
    """The partition's checkboxes in one line: more regions and nodes than fit scroll as focus moves."""


class SandboxScreen(CapQuestScreen):
    CSS_PATH = "sandbox.tcss"
    HELP_KEY = "sandbox.help"

    BINDINGS: ClassVar = [
        Binding("f5", "tab('build')", "sandbox.bind_build", id="sandbox.build", show=False, key_display="F5"),
        Binding(
            "f6",
            "tab('strategy')",
            "sandbox.bind_strategy",
            id="sandbox.strategy",
            show=False,
            key_display="F6",
        ),
        Binding("f7", "tab('night')", "sandbox.bind_night", id="sandbox.night", show=False, key_display="F7"),
        Binding("r", "start", "sandbox.bind_start", id="sandbox.start", show=False),
        Binding("space", "pause", "sandbox.bind_pause", id="sandbox.pause"),
        Binding("left", "step(-1)", "sandbox.bind_back", id="sandbox.step_back", show=False),
        Binding("right", "step(1)", "sandbox.bind_forward", id="sandbox.step_forward", show=False),
        Binding("home", "moment(0)", "sandbox.bind_first", id="sandbox.first", show=False),
        Binding("end", "moment(-1)", "sandbox.bind_last", id="sandbox.last", show=False),
        Binding("p", "fault('partition')", "sandbox.bind_partition", id="sandbox.partition"),
        Binding("c", "fault('crash')", "sandbox.bind_crash", id="sandbox.crash", show=False),
        Binding("l", "fault('lag_spike')", "sandbox.bind_lag", id="sandbox.lag", show=False),
        Binding("s", "fault('surge')", "sandbox.bind_surge", id="sandbox.surge", show=False),
        Binding("h", "fault('heal')", "sandbox.bind_heal", id="sandbox.heal"),
        Binding("u", "undo", "sandbox.bind_undo", id="sandbox.undo", show=False),
        Binding("v", "compare", "sandbox.bind_compare", id="sandbox.compare", show=False),
        Binding("w", "why", "sandbox.bind_why", id="sandbox.why", show=False),
        Binding("ctrl+s", "save", "sandbox.bind_save", id="sandbox.save", key_display="^s"),
        Binding("escape", "back", "sandbox.bind_leave", id="sandbox.leave", show=False),
    ]

    def __init__(
        self,
        sandbox: Sandbox,
        *,
        pack_folder: str | None = None,
        from_level: bool = False,
        can_save: bool = True,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        self.can_save = can_save  # False in a served classroom session: no files written on the server
        self.sandbox = sandbox
        self.origin_level = from_level  # started from a level of the pack (not blank)
        self.pack_folder = pack_folder  # where "save as level" proposes to write
        self.night: Night | None = None
        self.cursor_ms = 0
        self.playing = False
        self.started = False
        self.busy = False
        self.message = ""

    # ------------------------------------------------------------------------------------- compose
    def compose(self) -> ComposeResult:
        sandbox = self.sandbox
        yield Static("", id="sandbox-head", markup=False)
        with TabbedContent(id="sandbox-tabs", initial="night"):
            with TabPane(t("sandbox.tab_build"), id="build"):
                with Horizontal(id="start-row"):
                    yield Static(t("sandbox.start_from"), classes="build-label", markup=False)
                    yield Select(
                        self._starts(),
                        value=self.sandbox.start.id if self.origin_level else BLANK,
                        allow_blank=False,
                        id="start-from",
                        compact=True,
                    )
                yield BuildForm(_form(sandbox), id="build-form")
            with TabPane(t("sandbox.tab_strategy"), id="strategy"):
                yield StrategyPanel(
                    sandbox.cards,
                    sandbox.chosen.id,
                    knobs_of(sandbox.chosen.policy, sandbox.scenario),
                    id="strategy-panel",
                )
            with TabPane(t("sandbox.tab_night"), id="night"):
                with Vertical(id="night-body"):
                    yield NightChart(glyphs_for(language(), bool(self.shell.ascii_borders)), id="chart")
                    with CutOffRow(id="night-controls"):
                        yield Static(t("sandbox.cut_off"), classes="control-label", markup=False)
                        yield from _cut_boxes(sandbox.scenario)
                    with Horizontal(id="night-controls-2"):
                        yield Select(
                            [(n, n) for n in crashable_nodes(sandbox.scenario)],
                            prompt=t("sandbox.node"),
                            id="fault-node",
                            compact=True,
                        )
                        yield Input(placeholder=t("sandbox.lag_ms"), id="fault-lag", compact=True)
                        yield Input(placeholder=t("sandbox.surge_rps"), id="fault-surge", compact=True)
                    with Horizontal(id="night-buttons"):  # the same actions as the keys, for the mouse
                        for kind in FAULT_BUTTONS:
                            yield Button(t(f"sandbox.button_{kind}"), id=f"do-{kind}", compact=True)
                    yield Static("", id="night-message", markup=False)
                    yield Static("", id="night-figures", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._tick = self.set_interval(TICK_S, self._advance, pause=True)
        self.call_after_refresh(self._paint)  # once mounted: the head and the chart's first words
        self.query_one("#chart", NightChart).focus()

    async def retranslate(self) -> None:
        await super().retranslate()
        self._paint()

    def _starts(self) -> list[tuple[str, str]]:
        """Blank, or any level of the pack being played (the title's Level packs switches packs)."""
        lang = language()
        pack = self.shell.pack
        levels = list(pack.levels) if pack is not None else []
        if self.origin_level and all(lv.id != self.sandbox.start.id for lv in levels):
            levels.insert(0, self.sandbox.start)  # a level from a pack opened with --pack
        return [(t("sandbox.start_blank"), BLANK)] + [(lv.title.get(lang), lv.id) for lv in levels]

    async def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "start-from" or event.value is Select.NULL:
            return
        event.stop()
        chosen = str(event.value)
        current = self.sandbox.start.id if self.origin_level else BLANK
        if chosen == current:
            return
        pack = self.shell.pack
        level = next((lv for lv in (pack.levels if pack else ()) if lv.id == chosen), None)
        self.sandbox = sandbox_for(level, f"{self.shell.pack_id}/{chosen}" if level else "")
        self.origin_level = level is not None
        self.night, self.started, self.playing, self.cursor_ms, self.message = None, False, False, 0, ""
        self._tick.pause()
        await self.recompose()
        self.query_one("#sandbox-tabs", TabbedContent).active = "build"
        self._paint()

    # -------------------------------------------------------------------------------------- painting
    def _paint(self) -> None:
        if not self.is_mounted:
            return
        s = self.sandbox
        lang = language()
        state = (
            t("sandbox.simulating")
            if self.busy
            else t("sandbox.playing" if self.playing else "sandbox.paused")
        )
        # Every line here has a fixed size (sandbox.tcss): repainting them needs no relayout of the screen.
        self.query_one("#sandbox-head", Static).update(
            t(
                "sandbox.head",
                level=s.start.title.get(lang),
                card=s.chosen.title.get(lang),
                state=state if self.started else t("sandbox.not_started"),
            ),
            layout=False,
        )
        chart = self.query_one("#chart", NightChart)
        # The schedule as it is now: a fault shows on the timeline at once, its effect when the run is done.
        chart.show(self.night if self.started else None, s.actions, self.cursor_ms, s.level().scenario.faults)
        message = self.query_one("#night-message", Static)
        message.update(self.message, layout=False)
        message.set_class(bool(self.message), "-problem")
        figures = ""
        if self.night is not None and self.started:
            score = self.night.score
            figures = t(
                "sandbox.figures",
                score=f"{score.score:,.0f}",
                stars=score.stars,
                digest=self.night.digest[:16],
                faults=len(s.actions),
            )
        self.query_one("#night-figures", Static).update(figures, layout=False)

    # ---------------------------------------------------------------------------------------- running
    def _resimulate(self) -> None:
        self.busy = True
        self._paint()
        # The fault is drawn first; the run (CPU-bound, sharing the interpreter) starts after that frame.
        self.call_after_refresh(self._simulate, self.sandbox)

    @work(thread=True, exclusive=True, group="sandbox-run")
    def _simulate(self, sandbox: Sandbox) -> None:
        try:
            night = sandbox.run()
        except Exception as exc:  # a run that fails is told, never a crash of the screen
            self.app.call_from_thread(self._failed, sandbox, str(exc))
            return
        self.app.call_from_thread(self._ran, sandbox, night)

    def _ran(self, sandbox: Sandbox, night: Night) -> None:
        if sandbox is not self.sandbox:
            return  # a later change is being simulated: its run will show
        self.busy = False
        self.night = night
        self.sandbox = sandbox.remember(night)
        self._paint()

    def _failed(self, sandbox: Sandbox, reason: str) -> None:
        if sandbox is self.sandbox:
            self.busy = False
            self.message = t("sandbox.run_failed", reason=reason)
            self._paint()

    def _advance(self) -> None:
        if not self.playing or self.night is None:
            return
        end = self.night.duration_us // 1000
        self.cursor_ms = min(end, self.cursor_ms + int(TICK_S * 1000))
        if self.cursor_ms >= end:
            self.playing = False
            self._tick.pause()
        self._paint()

    # ---------------------------------------------------------------------------------------- actions
    def action_tab(self, tab: str) -> None:
        self.query_one("#sandbox-tabs", TabbedContent).active = tab
        if tab == "night":
            self.query_one("#chart", NightChart).focus()

    def action_start(self) -> None:
        """Start the night from its beginning (after building), playing."""
        if not self._take_build():
            return
        self.started = True
        self.cursor_ms = 0
        self.playing = True
        self.message = ""
        self._tick.resume()
        self.action_tab("night")
        self._resimulate()

    def action_pause(self) -> None:
        if not self.started:
            self.action_start()
            return
        self.playing = not self.playing
        if self.playing:
            if self.night is not None and self.cursor_ms >= self.night.duration_us // 1000:
                self.cursor_ms = 0
            self._tick.resume()
        else:
            self._tick.pause()
        self._paint()

    def action_step(self, direction: int) -> None:
        if self.night is None:
            return
        self.playing = False
        self._tick.pause()
        end = self.night.duration_us // 1000
        self.cursor_ms = max(0, min(end - 1, self.cursor_ms + direction * STEP_MS))
        self._paint()

    def action_moment(self, where: int) -> None:
        """Go to the night's first moment (0) or its last (-1), paused."""
        if self.night is None:
            return
        self.playing = False
        self._tick.pause()
        self.cursor_ms = 0 if where == 0 else self.night.duration_us // 1000 - 1
        self._paint()

    def on_click(self, event: Click) -> None:
        chart = self.query_one("#chart", NightChart)
        if event.widget is chart:
            at = chart.column_ms(event.x)
            if at is not None:
                self.playing = False
                self._tick.pause()
                self.cursor_ms = at
                self._paint()

    def _fault(self, kind: str) -> Action | ActionProblem:
        at = self.cursor_ms
        if kind == "partition":
            regions = tuple(str(box.name) for box in self.query(".cut-side").results(Checkbox) if box.value)
            return Action("partition", at, regions=regions)
        if kind in ("crash", "lag_spike"):
            node = self.query_one("#fault-node", Select).value
            node_name = "" if node is Select.NULL else str(node)
            if kind == "lag_spike" and not node_name:
                lagging = lagging_nodes(self.sandbox.scenario)
                node_name = lagging[0] if lagging else ""
            if kind == "crash":
                return Action("crash", at, node=node_name or "primary")
            text = self.query_one("#fault-lag", Input).value.strip() or "2000"
            try:
                return Action("lag_spike", at, node=node_name, extra_lag_ms=float(text))
            except ValueError:
                return ActionProblem("bad_lag", (("got", text),))
        if kind == "surge":
            text = self.query_one("#fault-surge", Input).value.strip()
            if not text:
                rate = self.sandbox.level().scenario.workload.rate
                return Action("surge", at, rps=2 * max(p.rps for p in rate))
            try:
                return Action("surge", at, rps=float(text))
            except ValueError:
                return ActionProblem("bad_rate", (("got", text),))
        return Action("heal", at)

    def action_fault(self, kind: str) -> None:
        """Break the night at the moment shown (or heal it), then re-simulate."""
        if not self.started:
            self.message = t("sandbox.start_first")
            self._paint()
            return
        action = self._fault(kind)
        problem = action if isinstance(action, ActionProblem) else self.sandbox.check(action)
        if problem is not None:
            self.message = problem.text()
            self._paint()
            return
        assert isinstance(action, Action)
        self.sandbox = self.sandbox.act(action)
        self.message = t(f"sandbox.did_{kind}", at=f"{action.at_ms / 1000:.1f}")
        self._resimulate()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        kind = (event.button.id or "").removeprefix("do-")
        if kind in FAULT_BUTTONS:
            event.stop()
            if kind == "undo":
                self.action_undo()
            else:
                self.action_fault(kind)

    def action_undo(self) -> None:
        if not self.sandbox.actions:
            self.message = t("sandbox.nothing_to_undo")
            self._paint()
            return
        self.sandbox = self.sandbox.undo()
        self.message = t("sandbox.undone")
        if self.started:
            self._resimulate()
        else:
            self._paint()

    # ------------------------------------------------------------------------------- build & strategy
    def _take_build(self) -> bool:
        form = self.query_one("#build-form", BuildForm)
        scenario = form.read(self.sandbox.scenario)
        if scenario is None:
            self.message = t("sandbox.build_problems")
            self.action_tab("build")
            self._paint()
            return False
        if scenario != self.sandbox.scenario:
            self.sandbox = self.sandbox.rebuilt(scenario)
            self._refresh_controls()
        return True

    def _refresh_controls(self) -> None:
        """The night's controls follow the system: a checkbox per region and node, the nodes a fault can hit."""
        row = self.query_one("#night-controls", CutOffRow)
        for box in list(self.query(".cut-side").results(Checkbox)):
            box.remove()
        row.mount_all(_cut_boxes(self.sandbox.scenario))
        self.query_one("#fault-node", Select).set_options(
            [(n, n) for n in crashable_nodes(self.sandbox.scenario)]
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id and event.input.id.startswith("build-"):
            event.stop()
            if self._take_build():
                self.message = ""
                if self.started:
                    self._resimulate()
                else:
                    self._paint()

    async def on_strategy_panel_chosen(self, event: StrategyPanel.Chosen) -> None:
        panel = self.query_one("#strategy-panel", StrategyPanel)
        if not self._take_build():
            return
        if event.kind == "card":
            self.sandbox = self.sandbox.choose(str(event.value))
        elif event.kind == "knobs":
            policy, problems = policy_of(event.value, self.sandbox.scenario, self.sandbox.chosen.policy)  # type: ignore[arg-type]
            panel.show(problems)
            if policy is None:
                return
            self.sandbox = self.sandbox.choose_knobs(policy)
        else:
            if not event.value:
                return
            self.sandbox = self.sandbox.choose_assignment(event.value)  # type: ignore[arg-type]
        self.message = t("sandbox.chosen", card=self.sandbox.chosen.title.get(language()))
        await self._replace_strategy_panel()
        if self.started:
            self._resimulate()
        else:
            self._paint()

    async def _replace_strategy_panel(self) -> None:
        old = self.query_one("#strategy-panel", StrategyPanel)
        pane = self.query_one("#strategy", TabPane)
        await old.remove()
        s = self.sandbox
        await pane.mount(
            StrategyPanel(s.cards, s.chosen.id, knobs_of(s.chosen.policy, s.scenario), id="strategy-panel")
        )

    # ------------------------------------------------------------------------------ other screens
    def _session(self, runs: list[Any]) -> Any:
        from capquest.tui.session import PlaySession

        session = PlaySession(level=self.night.level if self.night else self.sandbox.level(), runs=runs)
        session.adopt_app_settings(self.app)
        return session

    def action_why(self) -> None:
        if self.night is None:
            self.message = t("sandbox.start_first")
            self._paint()
            return
        from capquest.tui.screens.why import WhyScreen

        self.app.push_screen(WhyScreen(self.night.result, session=self._session([self.night.result])))

    def action_compare(self) -> None:
        """The same schedule with every other card of the night, side by side (the compare view)."""
        if self.night is None:
            self.message = t("sandbox.start_first")
            self._paint()
            return
        self.message = t("sandbox.comparing")
        self._paint()
        self._compare(self.sandbox, self.night)

    @work(thread=True, exclusive=True, group="sandbox-compare")
    def _compare(self, sandbox: Sandbox, night: Night) -> None:
        runs = [sandbox.run(card.id).result for card in sandbox.cards if card.id != night.result.card]
        self.app.call_from_thread(self._open_compare, [*runs, night.result], night)

    def _open_compare(self, runs: list[Any], night: Night) -> None:
        from capquest.tui.screens.compare import CompareScreen

        self.message = ""
        self._paint()
        self.app.push_screen(CompareScreen(self._session(runs), night.result))

    def action_save(self) -> None:
        from capquest.tui.screens.sandbox_save import SaveLevelScreen

        if not self.can_save:
            self.message = t("sandbox.save_off_served")
            self._paint()
            return
        if not self._take_build():
            return
        self.app.push_screen(SaveLevelScreen(self.sandbox, folder=self.pack_folder or "my-sandbox-pack"))

    def action_back(self) -> None:
        self.playing = False
        self.dismiss()

    # ------------------------------------------------------------------------------------------ help
    def help_concepts(self) -> list[Any]:
        own = [
            Concept(
                id=f"sandbox-{kind.replace('_', '-')}",
                term=Text(
                    en=t(f"sandbox.concept_{kind}_term", "en"), ko=t(f"sandbox.concept_{kind}_term", "ko")
                ),
                body=Text(
                    en=t(f"sandbox.concept_{kind}_body", "en"), ko=t(f"sandbox.concept_{kind}_body", "ko")
                ),
            )
            for kind in FAULT_CONCEPTS
        ]
        pack = self.shell.pack
        campaign = [c for c in pack.concepts if c.id in CAMPAIGN_CONCEPTS] if pack is not None else []
        return [*own, *campaign]


def _cut_boxes(scenario: Scenario) -> list[Checkbox]:
    """What a partition can cut off: every region (those without the primary checked) and every node of
    the built system (unchecked; a checked node is cut from everything left unchecked)."""
    topology = scenario.topology
    regions = [
        Checkbox(r, r != topology.primary_region, compact=True, classes="cut-side cut-region", name=r)
        for r in topology.regions
    ]
    nodes = [
        Checkbox(n, False, compact=True, classes="cut-side cut-node", name=n)
        for n in crashable_nodes(scenario)
    ]
    return regions + nodes


def _form(sandbox: Sandbox) -> dict[str, str]:
    from capquest.sandbox import form_of

    return form_of(sandbox.scenario)


def sandbox_for(level: LevelFile | None, origin: str = "") -> Sandbox:
    """A sandbox started from `level` (its scenario pre-filled), or blank."""
    from capquest.sandbox import blank_level

    return (
        Sandbox.from_level(level, origin=origin) if level is not None else Sandbox.from_level(blank_level())
    )
