"""The "Why?" view of a run: the checker's anomalies on a timeline, one at a time, explained in words.

The checker (`capquest.checker.check`) runs in a worker thread (a run's history holds thousands of
operations); until it answers a loading indicator shows. Then: a summary per anomaly kind, the anomaly
being explained (the first oversell when there is one: the lesson's anomaly), the timeline around it
(nodes, replication lag, client sessions, faults), the operations involved, and the list of all of them.
`n` / `p` step, `k` shows one kind at a time, `+` / `-` / left / right zoom and scroll in time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Button, Footer, OptionList, Static
from textual.worker import Worker, WorkerState

from capquest.checker import ANOMALY_KINDS, Anomaly, Report, format_time
from capquest.checker.timeline import anomaly_window, history_span
from capquest.i18n import language, t
from capquest.tui.screens.base import CapQuestScreen
from capquest.tui.session import PlaySession
from capquest.tui.widgets.anomaly_list import AnomalyList
from capquest.tui.widgets.anomaly_timeline import (
    AnomalyTimeline,
    format_lag,
    history_nodes,
    lag_at,
    lag_series,
)
from capquest.tui.widgets.glyphs import glyphs_for
from capquest.units import count_text

SEARCH_BUDGET = 1_000  # linearizability search states per key: a CP run's keys answer "unknown" quickly
MIN_WINDOW_US = 200  # zooming in stops at 0.2 ms across the whole width


EMPTY_HISTORY: Any = {
    "format": "capquest-history",
    "version": 1,
    "time_unit": "us",
    "initial": {},
    "nodes": [],
    "faults": [],
    "ops": [],
}


# Kinds counted in units of stock or in keys, which a level's scale never multiplies.
UNSCALED_KINDS = ("oversold", "not_linearizable")


def real_world_counts(counts: Mapping[str, int], scale: int) -> dict[str, int]:
    """The checker's counts over the simulated history as the results screen and the JSON give them: each
    simulated request stands for `scale` real ones; units of stock and keys are never scaled."""
    return {kind: n if kind in UNSCALED_KINDS else n * scale for kind, n in counts.items()}


def requests_in(history: Any) -> int:
    """Client requests in a history (a worker's cancellation is not one)."""
    ops = history.get("ops") if isinstance(history, dict) else None
    if not isinstance(ops, list):  # a history the checker cannot read: it says why, the count is 0
        return 0
    return sum(1 for op in ops if isinstance(op, dict) and op.get("f") != "cancel")


class ReadLags:
    """How far behind the node that answered a read was, for that read: the read's time minus the commit
    time of the oldest write to its key that the answer does not reflect (the history alone says this;
    the trace's sampled lag may read 0 ms at that moment). Indexes the history once."""

    def __init__(self, history: Any) -> None:
        self.initial = history.get("initial", {})
        self._writes: dict[str, list[tuple[int, Any, int]]] = {}  # key -> (complete, value or qty, invoke)
        for op in history.get("ops", ()):
            if (
                op.get("outcome") == "ok"
                and op["f"] in ("order", "incr", "write")
                and op["complete"] is not None
            ):
                amount = op.get("qty", 1) if op["f"] == "order" else op.get("value")
                self._writes.setdefault(op["key"], []).append((op["complete"], amount, op["invoke"]))
        self._cum: dict[str, list[int]] = {}
        for key, writes in self._writes.items():
            writes.sort(key=lambda w: w[0])
            if writes and isinstance(writes[0][1], int):
                total, cum = 0, []
                for _, amount, _ in writes:
                    total += amount
                    cum.append(total)
                self._cum[key] = cum

    def lag_us(self, op: dict[str, Any]) -> int | None:
        """The lag behind this read's answer, or None when the answer reflects every committed write."""
        key = op["key"]
        value = op.get("seen") if op["f"] == "order" else op.get("value")
        writes = self._writes.get(key)
        if value is None or not writes:
            return None
        first = self._oldest_unapplied(key, value, writes)
        if first is None or writes[first][0] >= op["invoke"]:
            return None
        return op["invoke"] - writes[first][0]

    def _oldest_unapplied(self, key: str, value: Any, writes: list[tuple[int, Any, int]]) -> int | None:
        initial = self.initial.get(key)
        cum = self._cum.get(key)
        if cum is not None and isinstance(value, int) and isinstance(initial, int):
            if key.startswith("stock/"):  # stock only goes down: the first sale below what was seen
                i = bisect_right(cum, initial - value)
            else:  # a counter only goes up: the first increment past what was seen
                i = bisect_right(cum, value - initial)
            return i if i < len(writes) else None
        # a register: the first write begun after the one whose value was read had completed
        if value == initial:
            return 0
        done = next((complete for complete, written, _ in writes if written == value), None)
        if done is None:
            return None
        return next((i for i, (_, _, invoke) in enumerate(writes) if invoke > done), None)


# What answered a read (`Outcome.read_lag_source`; a replica or cache-aside copy when absent) -> the line
# quoting the engine's lag for (a read, an order's stock check).
ENGINE_LAG_LINES: dict[str, tuple[str, str]] = {
    "replica": ("why.lag_read_engine", "why.lag_check_engine"),
    "quorum": ("why.lag_read_quorum", "why.lag_check_quorum"),
    "counter": ("why.lag_read_counter", "why.lag_check_counter"),
    "partition": ("why.lag_read_partition", "why.lag_check_partition"),
}


def quoted_read_lag(
    op: dict[str, Any], engine_lags: Mapping[int, int], history_lags: Callable[[], ReadLags]
) -> tuple[int, bool] | None:
    """The lag the Why? view quotes for a stale read, and whether the engine recorded it: the engine's
    figure for what answered (a replica, a quorum's replies, a cache counter...) when it has one, else
    the one worked out from the history (a real database's history, a student's file), else None."""
    engine_lag = engine_lags.get(op["id"])
    if engine_lag is not None:
        return engine_lag, True
    lag = history_lags().lag_us(op)
    return (lag, False) if lag is not None else None


class WhyScreen(CapQuestScreen):
    CSS_PATH = "why.tcss"
    HELP_KEY = "why.help"

    BINDINGS: ClassVar = [
        # Kind, zoom and whole run have buttons of their own (with their keys): the footer keeps room for
        # stepping, leaving, and F1 help, even in Korean at 80 columns.
        Binding("n", "step(1)", "why.key_next", id="why.next"),
        Binding("p", "step(-1)", "why.key_prev", id="why.prev"),
        Binding("k", "cycle_kind", "why.key_kind", id="why.kind", show=False),
        Binding(
            "plus,equals_sign", "zoom(0.5)", "why.key_zoom_in", id="why.zoom_in", key_display="+", show=False
        ),
        Binding("minus", "zoom(2)", "why.key_zoom_out", id="why.zoom_out", key_display="-", show=False),
        Binding("left", "pan(-1)", "why.key_left", id="why.left", show=False, priority=True),
        Binding("right", "pan(1)", "why.key_right", id="why.right", show=False, priority=True),
        Binding("r", "whole", "why.key_whole", id="why.whole", show=False),
        Binding("0", "refocus", "why.key_focus", id="why.focus", show=False),
        Binding("escape", "back", "why.key_back", id="why.back"),
    ]

    def __init__(self, result: Any, *, session: PlaySession | None = None, name: str | None = None) -> None:
        """`result`: a `capquest.play.RunResult` (its outcome holds the history and the trace). `session`:
        the play session it came from (for titles and settings), or None to ask the app."""
        super().__init__(name=name)
        self.result = result
        self.session = session
        self.history = result.outcome.history
        self.report: Report | None = None
        self.error: str | None = None
        self.ops: dict[int, Any] = {}
        self.by_op: dict[int, list[int]] = {}  # op id -> indices of the anomalies it is involved in
        self.kind: str | None = None  # the kind shown, None for all
        self.picked: list[int] = []  # indices into report.anomalies of the kind shown
        self.cursor = 0  # position in `visible`
        self.window: tuple[int, int] = (0, 1)
        self.zoom = "anomaly"  # "anomaly", "whole" or "custom"
        self.lags: dict[str, tuple[list[int], list[float]]] = {}
        self._whole: tuple[int, int] | None = None
        self._kind_cache: dict[str | None, tuple[Anomaly, ...]] = {}
        self._read_lags: ReadLags | None = None
        # op id -> lag (µs) the engine recorded for each read that could be stale, and what answered it
        # when not a replica (`Outcome.read_lag_source`); absent on a real run
        self.engine_read_lags: Mapping[int, int] = getattr(result.outcome, "read_lag_us", None) or {}
        self.engine_read_sources: Mapping[int, str] = getattr(result.outcome, "read_lag_source", None) or {}

    # ------------------------------------------------------------------------------------- settings
    @property
    def ascii_borders(self) -> bool:
        if self.session is not None and self.session.ascii_borders is not None:
            return bool(self.session.ascii_borders)
        return bool(getattr(self.app, "ascii_borders", False))

    def _level(self) -> Any:
        if self.session is not None:
            return self.session.level
        pack = getattr(self.app, "pack", None)
        return next((lv for lv in getattr(pack, "levels", ()) if lv.id == self.result.level), None)

    @property
    def scale(self) -> int:
        """How many real requests one simulated request stands for (1 for a history from elsewhere)."""
        level = self._level()
        return level.scenario.workload.scale if level is not None else 1

    def _titles(self) -> tuple[str, str]:
        lang, r = language(), self.result
        if self.session is not None:
            return self.session.level.title.get(lang), self.session.card_title(r.card)
        level = self._level()
        if level is None:
            return r.level, r.card
        card = next((c for c in level.cards if c.id == r.card), None)
        return level.title.get(lang), card.title.get(lang) if card else t("play.custom")

    # ------------------------------------------------------------------------------------- compose
    def compose(self) -> ComposeResult:
        level, card = self._titles()
        yield Static(Text(t("why.title", level=level, card=card, seed=self.result.seed)), id="why-title")
        with VerticalScroll(id="why-body"):
            yield Static(id="why-summary")
            yield Static(id="why-explanation")
            yield AnomalyTimeline(glyphs=glyphs_for(language(), self.ascii_borders), id="why-timeline")
            yield Static(id="why-details")
            title = (
                t("why.list_title_sample", scale=count_text(self.scale))
                if self.scale > 1
                else t("why.list_title")
            )
            yield Static(title, id="why-list-title", classes="section")
            yield AnomalyList(id="why-list")
        with Horizontal(id="why-actions"):
            yield Button(t("why.button_prev"), id="prev", compact=True)
            yield Button(t("why.button_next"), id="next", variant="warning", compact=True)
            yield Button(t("why.button_kind"), id="kind", compact=True)
            yield Button(t("why.button_zoom_in"), id="zoom-in", compact=True)
            yield Button(t("why.button_zoom_out"), id="zoom-out", compact=True)
            yield Button(t("why.button_whole"), id="whole", compact=True)
        yield Footer()

    async def retranslate(self) -> None:
        await super().retranslate()
        self._after_compose()
        self._paint()

    def _after_compose(self) -> None:
        self.set_class(self.ascii_borders, "-ascii")

    def on_mount(self) -> None:
        self._after_compose()
        if self.report is None:
            self.query_one("#why-summary", Static).update(
                Text(t("why.checking", ops=count_text(requests_in(self.history) * self.scale)))
            )
            self.query_one("#why-body").loading = True
            self._check_worker()
        else:
            self._paint()

    # ------------------------------------------------------------------------------------- checking
    @work(thread=True, exclusive=True, group="why-check", exit_on_error=False)
    def _check_worker(self) -> Report:
        from capquest.checker import check
        from capquest.history import validate_history

        return check(validate_history(self.history), budget=SEARCH_BUDGET)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "why-check" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        try:
            self._check_finished(event)
        except NoMatches:  # the player left (or quit) while the check ran: its widgets are gone
            return

    def _check_finished(self, event: Worker.StateChanged) -> None:
        self.query_one("#why-body").loading = False
        if event.state == WorkerState.ERROR:
            self.error = str(event.worker.error)
            self.report = Report(anomalies=())
            self.history = EMPTY_HISTORY  # nothing of an unreadable history is drawn
            self._whole = None
        else:
            self.report = event.worker.result
            self._index()
        self._paint()
        body = self.query_one("#why-body")
        body.focus()
        body.scroll_home(animate=False)

    def _index(self) -> None:
        assert self.report is not None
        self.ops = {op["id"]: op for op in self.history["ops"]}
        for i, a in enumerate(self.report.anomalies):
            for op_id in a.ops:
                self.by_op.setdefault(op_id, []).append(i)
        self.lags = lag_series(self.result.outcome.trace, history_nodes(self.history))
        self._set_kind(None)
        first = next(
            (i for kind in ANOMALY_KINDS for i, a in enumerate(self.report.anomalies) if a.kind == kind), None
        )
        self.cursor = self.picked.index(first) if first is not None else 0
        self._focus_window()

    def _set_kind(self, kind: str | None) -> None:
        assert self.report is not None
        self.kind = kind
        self.picked = [i for i, a in enumerate(self.report.anomalies) if kind is None or a.kind == kind]
        self.cursor = 0

    @property
    def current(self) -> Anomaly | None:
        if self.report is None or not self.picked:
            return None
        return self.report.anomalies[self.picked[self.cursor]]

    # ------------------------------------------------------------------------------------- time window
    def _span(self) -> tuple[int, int]:
        if self._whole is None:
            self._whole = history_span(self.history)
        return self._whole

    def _focus_window(self) -> None:
        a = self.current
        self.zoom = "anomaly" if a is not None else "whole"
        self.window = anomaly_window(a) if a is not None else self._span()

    def _clamp(self, start: int, end: int) -> tuple[int, int]:
        lo, hi = self._span()
        length = min(max(end - start, MIN_WINDOW_US), hi - lo)
        start = min(max(start, lo), hi - length)
        return start, start + length

    # ------------------------------------------------------------------------------------- painting
    def _sessions(self, a: Anomaly | None) -> list[int]:
        """The sessions of the anomaly's operations, then of the other anomalies of its kind in the window,
        then of the other updates of its key in the window (the other buyers of an oversold item)."""
        limit = 6 if self.app.size.height >= 30 else 3
        if a is None or self.report is None:
            return sorted({op["session"] for op in self.history["ops"]})[:limit]
        start, end = self.window
        chosen = [self.ops[i]["session"] for i in a.ops if i in self.ops]
        for x in self._of_kind(a.kind):
            if x.end < start or x.start > end:
                continue
            for op_id in x.ops:  # only operations that show in the window: no empty lanes
                op = self.ops.get(op_id)
                if op is not None and op["invoke"] <= end and (op["complete"] or op["invoke"]) >= start:
                    chosen.append(op["session"])
            if len(set(chosen)) >= limit:
                break
        if len(set(chosen)) < limit:
            chosen += [
                op["session"]
                for op in self.history["ops"]
                if op["key"] == a.key
                and op["f"] != "read"
                and op["invoke"] <= end
                and (op["complete"] or op["invoke"]) >= start
            ]
        return list(dict.fromkeys(chosen))[:limit]

    def _paint(self) -> None:
        if self.report is None:
            return
        self._paint_summary()
        a = self.current
        self.query_one("#why-explanation", Static).update(self._explanation(a))
        self.query_one(AnomalyTimeline).show(
            self.history,
            self._of_kind(a.kind if a is not None else None),
            window=self.window,
            sessions=self._sessions(a),
            focus=a,
            lags=self.lags,
        )
        self.query_one("#why-details", Static).update(self._details(a))
        has_any = bool(self.report.anomalies)
        self.query_one("#why-list-title").display = has_any
        listing = self.query_one(AnomalyList)
        listing.display = has_any
        listing.show(self.report.anomalies, self.picked, self.cursor)
        for button in self.query("#why-actions Button"):
            button.disabled = not has_any and button.id not in ("zoom-in", "zoom-out", "whole")

    def _of_kind(self, kind: str | None) -> tuple[Anomaly, ...]:
        """The anomalies the timeline marks: those of the kind explained (a run's thousands of stale reads
        would otherwise paint every node red around its two oversells)."""
        assert self.report is not None
        if kind not in self._kind_cache:
            self._kind_cache[kind] = tuple(a for a in self.report.anomalies if a.kind == kind)
        return self._kind_cache[kind]

    def _paint_summary(self) -> None:
        assert self.report is not None
        r = self.report
        keys = len({op["key"] for op in self.history["ops"]})
        requests = count_text(requests_in(self.history) * self.scale)
        text = Text()
        if self.error is not None:
            text.append(t("why.check_failed", reason=self.error), style="bold red")
        elif not r.anomalies:
            text.append(t("why.empty_title") + "\n", style="bold green")
            text.append(t("why.empty_body", ops=requests, keys=count_text(keys)))
        else:
            text.append(t("why.summary_head", ops=requests, keys=count_text(keys)), style="bold")
            present = [k for k in ANOMALY_KINDS if r.counts.get(k, 0)]
            real = real_world_counts(r.counts, self.scale)
            cells = max(cell_len(t(f"checker.kind_{k}")) for k in present)
            for kind in present:
                count = real[kind]
                figure = t("why.summary_units", n=f"{count:,}") if kind == "oversold" else f"{count:,}"
                text.append("\n  ")
                style = "bold reverse" if kind == self.kind else "bold red"
                text.append(f" {set_cell_size(t(f'checker.kind_{kind}'), cells)} ", style=style)
                text.append(f" {figure}")
            name = t(f"checker.kind_{self.kind}") if self.kind else t("why.filter_all")
            text.append("\n" + t("why.summary_filter", kind=name), style="dim")
            if self.scale > 1:  # said once: what the operations listed below are
                text.append("\n" + t("why.sample", scale=count_text(self.scale)), style="italic")
        if r.keys:
            verdicts = {"ok": 0, "violation": 0, "unknown": 0}
            for k in r.keys:
                verdicts[k.verdict] += 1
            key = "why.lin_summary" if verdicts["unknown"] else "why.lin_summary_short"
            text.append("\n" + t(key, budget=count_text(SEARCH_BUDGET), **verdicts), style="dim")
        self.query_one("#why-summary", Static).update(text)

    def _window_text(self) -> str:
        start, end = self.window
        lo, hi = self._span()
        if self.zoom == "anomaly":
            zoom = t("why.zoom_anomaly")
        elif self.zoom == "whole":
            zoom = t("why.zoom_whole")
        else:
            zoom = t("why.zoom_custom", factor=f"{(hi - lo) / max(end - start, 1):.0f}")
        return t("why.window", start=format_time(start), end=format_time(end), zoom=zoom)

    def _explanation(self, a: Anomaly | None) -> Text:
        text = Text()
        if a is None:
            text.append(t("why.empty_timeline"), style="bold")
            text.append("  " + self._window_text(), style="dim")
            return text
        assert self.report is not None
        total = len(self.report.anomalies)
        index = self.picked[self.cursor]
        text.append(f" {a.title()} ", style="bold white on dark_red")
        text.append(" " + t("why.position", n=count_text(index + 1), total=count_text(total)), style="bold")
        if self.kind is not None:
            text.append(
                "  ("
                + t(
                    "why.position_kind",
                    kind=a.title(),
                    n=count_text(self.cursor + 1),
                    total=count_text(len(self.picked)),
                )
                + ")",
                style="bold",
            )
        text.append("\n")
        text.append(a.explain())
        text.append("\n" + self._window_text(), style="dim")
        return text

    def _history_read_lags(self) -> ReadLags:
        if self._read_lags is None:  # indexes the whole history: only when a quote needs it
            self._read_lags = ReadLags(self.history)
        return self._read_lags

    def _lag_line(self, a: Anomaly) -> str:
        op = self.ops.get(a.ops[0]) if a.ops else None
        if a.kind == "stale_read" and op is not None:
            quoted = quoted_read_lag(op, self.engine_read_lags, self._history_read_lags)
            if quoted is not None:
                lag, from_engine = quoted
                shown = format_lag(lag / 1000)
                # an order's check: the history does not say which node answered it
                check = op["f"] == "order"
                if from_engine:
                    source = self.engine_read_sources.get(op["id"], "replica")
                    key = ENGINE_LAG_LINES.get(source, ENGINE_LAG_LINES["replica"])[check]
                else:
                    key = "why.lag_check" if check else "why.lag_read"
                return t(key, node=a.node or op["node"], lag=shown)
        if a.node in self.lags:
            return t("why.lag_at", node=a.node, lag=format_lag(lag_at(self.lags[a.node], a.time)))
        if self.lags:
            lags = ", ".join(f"{node} {format_lag(lag_at(s, a.time))}" for node, s in self.lags.items())
            return t("why.lag_all", lags=lags)
        return ""

    def _describe_op(self, op: dict[str, Any]) -> str:
        f = op["f"]
        complete = op["complete"]
        seen = op.get("seen")
        values = {
            "id": op["id"],
            "session": op["session"],
            "key": op["key"],
            "value": op.get("value", "-"),
            "qty": op.get("qty", 1),
            "seen": t("why.op_atomic") if seen is None else seen,
            "order": op.get("order", "-"),
            "node": op["node"] or t("why.op_no_node"),
            "start": format_time(op["invoke"]),
            "end": format_time(complete) if complete is not None else t("why.op_pending"),
        }
        line = t(f"why.op_{f}", **values)
        if op["outcome"] != "ok":
            line += t("why.op_failed", error=op["error"] or "-")
        return line

    def _details(self, a: Anomaly | None) -> Text:
        text = Text()
        if a is None or self.report is None:
            return text
        if a.kind == "oversold" and "total" in a.facts and "initial" in a.facts:
            text.append(
                t("why.sale_count", total=a.facts["total"], initial=a.facts["initial"]) + "\n", style="bold"
            )
        lag = self._lag_line(a)
        if lag:
            text.append(lag + "\n", style="magenta")
        index = self.picked[self.cursor]
        related = dict.fromkeys(
            self.report.anomalies[j].title()
            for op_id in a.ops
            for j in self.by_op.get(op_id, ())
            if j != index
        )
        if related:
            text.append(t("why.related", kinds=", ".join(related)) + "\n")
        text.append(t("why.operations"), style="bold")
        for op_id in a.ops:
            op = self.ops.get(op_id)
            if op is not None:
                text.append("\n  " + self._describe_op(op))
        return text

    # ------------------------------------------------------------------------------------- actions
    def _select(self, cursor: int) -> None:
        if not self.picked:
            return
        self.cursor = cursor % len(self.picked)
        self._focus_window()
        self._paint()

    def action_step(self, step: int) -> None:
        self._select(self.cursor + step)

    def action_cycle_kind(self) -> None:
        if self.report is None or not self.report.anomalies:
            return
        kinds: list[str | None] = [None, *(k for k in ANOMALY_KINDS if self.report.counts.get(k))]
        self._set_kind(kinds[(kinds.index(self.kind) + 1) % len(kinds)])
        self._select(0)

    def action_zoom(self, factor: float) -> None:
        start, end = self.window
        a = self.current
        centre = a.time if a is not None and start <= a.time <= end else (start + end) // 2
        half = int((end - start) * factor / 2)
        self.window = self._clamp(centre - half, centre + half)
        self.zoom = "whole" if self.window == self._span() else "custom"
        self._paint()

    def action_pan(self, direction: int) -> None:
        start, end = self.window
        shift = direction * max((end - start) // 4, 1)
        self.window = self._clamp(start + shift, end + shift)
        self.zoom = "whole" if self.window == self._span() else "custom"
        self._paint()

    def action_whole(self) -> None:
        self.window = self._span()
        self.zoom = "whole"
        self._paint()

    def action_refocus(self) -> None:
        self._focus_window()
        self._paint()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.dismiss()

    # ------------------------------------------------------------------------------------- mouse
    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "prev": lambda: self.action_step(-1),
            "next": lambda: self.action_step(1),
            "kind": self.action_cycle_kind,
            "zoom-in": lambda: self.action_zoom(0.5),
            "zoom-out": lambda: self.action_zoom(2),
            "whole": self.action_whole,
        }
        actions[event.button.id or "next"]()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if option_id.startswith("a") and int(option_id[1:]) in self.picked:
            self._select(self.picked.index(int(option_id[1:])))

    def on_anomaly_timeline_time_clicked(self, event: AnomalyTimeline.TimeClicked) -> None:
        """A click on the timeline explains the anomaly (of the kind shown) nearest that time."""
        event.stop()
        if self.report is None or not self.picked:
            return
        anomalies = self.report.anomalies
        nearest = min(range(len(self.picked)), key=lambda k: abs(anomalies[self.picked[k]].time - event.t_us))
        self.cursor = nearest
        self.zoom = "custom" if self.zoom != "anomaly" else "anomaly"
        if self.zoom == "anomaly":
            self._focus_window()
        self._paint()
