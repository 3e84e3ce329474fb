"""The results of a run: the verdict (score, stars, pass/fail), each metric with what it cost the score,
the card's explanation and the level's debrief, and the oversell-vs-latency chart of every card tried
so far. From here: compare two runs, ask "Why?", replay, try it on a real PostgreSQL (a lab level), try
another card, or go on."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Footer, Static

from capquest.class_outcomes import class_outcomes
from capquest.i18n import language, t
from capquest.scoring import price_text, score_text
from capquest.tui.screens.base import CapQuestScreen
from capquest.tui.session import PlaySession
from capquest.tui.widgets.glyphs import stars
from capquest.tui.widgets.metric_table import MetricTable
from capquest.tui.widgets.tradeoff_chart import ChartPoint, TradeoffChart
from capquest.units import amount_text, ms_text, rate_text

CUSTOM_LABEL = "+"  # a hybrid level's custom assignment, on the chart
BUTTON_GAP = 1  # columns between two buttons of a row (results.tcss says the same)


class ActionRow(Horizontal):
    """The results' buttons, side by side while every label fits whole, else one per line (never cut:
    at 80 columns the side panel is narrower than the English labels in a row)."""

    def needed_width(self) -> int:
        buttons = list(self.query(Button))
        # a compact button is its label plus one column each side
        return sum(cell_len(str(b.label)) + 2 for b in buttons) + BUTTON_GAP * max(0, len(buttons) - 1)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(self.needed_width() > event.size.width, "-stacked")


def custom_explanation(level: Any, result: Any) -> str:
    """What each assignment of a custom hybrid did: per data class, its card and what it cost there
    (oversold units, failed requests, p99, anomalous reads), so the player sees which class oversold and
    which waited."""
    lang = language()
    titles = {card.id: card.title.get(lang) for card in level.cards}
    lines = [t("play.results_custom_explanation")]
    for c in class_outcomes(level, result):
        figures = []
        if c.oversold_units:
            figures.append(t("play.class_oversold", n=f"{c.oversold_units:,}"))
        figures.append(t("play.class_failed", pct=rate_text(c.failed_rate)))
        figures.append(t("play.class_p99", ms=ms_text(c.p99_ms)))
        if c.stale_reads:
            figures.append(t("play.class_stale", n=f"{c.stale_reads:,}"))
        if c.session_violations:
            figures.append(t("play.class_session", n=f"{c.session_violations:,}"))
        name = t(f"play.dc_{c.data_class}")
        card = titles.get(c.card, c.card)
        lines.append("- " + t("play.class_line", data_class=name, card=card, figures=", ".join(figures)))
    return "\n".join(lines)


def chart_points(session: PlaySession, current: Any) -> list[ChartPoint]:
    """Every card of the level (its latest run, or "?" if untried), plus a custom hybrid mix if played."""
    lang = language()
    latest = session.latest_by_card(seed=current.seed)
    points = []
    for i, card in enumerate(session.level.cards):
        run = latest.get(card.id)
        points.append(
            ChartPoint(
                label=str(i + 1),
                title=card.title.get(lang),
                card_class=card.class_,
                p99_ms=run.outcome.metrics.latency_ms.p99 if run else None,
                oversold=run.outcome.metrics.oversold_units if run else None,
                current=run is not None and current.card == card.id,
            )
        )
    custom = latest.get("custom")
    if custom is not None:
        points.append(
            ChartPoint(
                label=CUSTOM_LABEL,
                title=t("play.custom"),
                card_class="hybrid",
                p99_ms=custom.outcome.metrics.latency_ms.p99,
                oversold=custom.outcome.metrics.oversold_units,
                current=current.card == "custom",
            )
        )
    return points


class ResultsScreen(CapQuestScreen):
    CSS_PATH = "results.tcss"
    HELP_KEY = "play.help_results"
    session: PlaySession

    # Compare, Why? and Replay are buttons with their keys on them: the footer keeps its room for the
    # rest, so Help still fits at 80 columns (the help screen lists every key).
    BINDINGS: ClassVar = [
        Binding("c", "compare", "play.key_results_compare", show=False, id="results.compare"),
        Binding("w", "why", "play.key_results_why", show=False, id="results.why"),
        Binding("t", "chart", "play.key_results_chart", id="results.chart"),
        Binding("a", "replay", "play.key_results_replay", show=False, id="results.replay"),
        Binding("l", "lab", "lab.key_try", show=False, id="results.lab"),
        Binding("n", "next_level", "play.key_results_next", id="results.next"),
        Binding("escape", "back", "play.key_results_back", id="results.back"),
    ]

    class WhyRequested(Message):
        """The player asked why: the app opens the Why view (`capquest.tui.screens.why`) of `result`, in
        the play `session` it came from."""

        def __init__(self, result: Any, session: PlaySession | None = None) -> None:
            super().__init__()
            self.result = result
            self.session = session

    class ChartOpened(Message):
        pass

    class NextLevelRequested(Message):
        def __init__(self, level_id: str, result: Any) -> None:
            super().__init__()
            self.level_id = level_id
            self.result = result

    def __init__(self, session: PlaySession, result: Any, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self.session = session
        self.result = result

    def compose(self) -> ComposeResult:
        s, r, lang, g = self.session, self.result, language(), self.session.glyphs
        card = s.card(r.card)
        verdict = t("play.results_passed" if r.score.passed else "play.results_failed")
        title = Text(t("play.results_title", card=s.card_title(r.card), seed=r.seed))
        yield Static(title, id="results-title")
        with Horizontal(id="results-body"):
            with VerticalScroll(id="results"):
                head = Text()
                head.append(f" {verdict} ", style="bold reverse " + ("green" if r.score.passed else "red"))
                head.append("  ")
                head.append(stars(r.score.stars, g), style="bold yellow")
                head.append(f"\n{t('play.metric_score')} {score_text(r.score.score)}", style="bold")
                head.append(
                    f"  ({t('play.results_par', par=amount_text(s.level.scoring.stars[0]))})", style="dim"
                )
                yield Static(head, id="verdict")
                if self._lab_offered():
                    yield Button(t("lab.try_button"), id="lab", compact=True)
                yield MetricTable(glyphs=g, id="metrics")
                # what each penalty costs here, and why: the level's one [scoring] table
                yield Static(Text(price_text(s.level.scoring), style="dim"), id="prices")
                yield Static(t("play.results_explanation"), classes="section")
                explanation = card.explanation.get(lang) if card else custom_explanation(s.level, r)
                yield Static(explanation, id="explanation", markup=False)  # pack text: literal
                yield Static(t("play.results_debrief"), classes="section")
                yield Static(s.level.debrief.get(lang), id="debrief", markup=False)
            with Vertical(id="side"):
                with VerticalScroll(id="chart-scroll"):
                    yield TradeoffChart(
                        chart_points(s, r),
                        glyphs=g,
                        id="chart",
                        plot_height=8 if self.app.size.height < 30 else 14,
                    )
                with ActionRow(id="results-actions"):
                    yield Button(t("play.results_compare_button"), id="compare", compact=True)
                    yield Button(t("play.results_why_button"), id="why", variant="warning", compact=True)
                    yield Button(t("play.results_replay_button"), id="replay", compact=True)
        yield Footer()

    def _lab_offered(self) -> bool:
        from capquest.tui.screens.lab import lab_offered

        return lab_offered(self.session.level, self.result.card)

    def help_text(self) -> str:
        return super().help_text() + "\n\n" + price_text(self.session.level.scoring)

    async def retranslate(self) -> None:
        await super().retranslate()
        self.on_mount()

    def on_mount(self) -> None:
        self.set_class(bool(self.session.ascii_borders), "-ascii")
        self.query_one(MetricTable).show_result(self.result)
        self.query_one("#results").border_title = t("play.results_panel")
        self.query_one("#chart-scroll").border_title = t("play.chart_title")
        self.query_one("#results").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_level":
            return self.result.score.passed or None  # shown greyed out until the level is passed
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {
            "compare": self.action_compare,
            "why": self.action_why,
            "replay": self.action_replay,
            "lab": self.action_lab,
        }[event.button.id or "compare"]()

    def action_why(self) -> None:
        self.post_message(self.WhyRequested(self.result, self.session))

    def action_chart(self) -> None:
        chart = self.query_one(TradeoffChart)
        chart.focus()
        self.query_one("#side").toggle_class("-wide")
        self.post_message(self.ChartOpened())

    def action_replay(self) -> None:
        from capquest.tui.screens.replay import ReplayScreen

        session, result = self.session, self.result
        self.app.switch_screen(
            ReplayScreen(session, result, results_screen=lambda: ResultsScreen(session, result))
        )

    def action_lab(self) -> None:
        """The same level, card and seed on a real PostgreSQL (capquest.lab), where the lab can play it."""
        if self._lab_offered():
            from capquest.tui.screens.lab import LabScreen

            self.app.push_screen(LabScreen(self.session, self.result))

    def action_compare(self) -> None:
        from capquest.tui.screens.compare import CompareScreen

        self.app.push_screen(CompareScreen(self.session, self.result))

    def action_next_level(self) -> None:
        if self.result.score.passed:
            self.post_message(self.NextLevelRequested(self.session.level.id, self.result))

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.dismiss()
