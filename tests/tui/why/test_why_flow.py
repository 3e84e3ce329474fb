"""Pilot tests of the Why? view on the real replica level: open it from the results screen, step through
the anomalies, read the explanations, zoom and scroll in time, and the empty state of a CP card. The
expected anomalies come from running the checker on the same history here, never from hard-coded ids."""

from __future__ import annotations

import unicodedata
from functools import cache
from types import SimpleNamespace

from histories import five_to_six
from why_app import CONSISTENT, OVERSELLS, WhyTestApp, checked, run_card

from capquest import i18n
from capquest.checker import check
from capquest.checker.timeline import history_span
from capquest.engine.outcome import TraceFrame
from capquest.i18n import t
from capquest.tui.screens.why import SEARCH_BUDGET, WhyScreen
from capquest.tui.widgets.anomaly_timeline import AnomalyTimeline, format_lag, lag_at, lag_series


@cache
def _report(card: str):
    return check(run_card(card).outcome.history, budget=SEARCH_BUDGET)


def _text(screen: WhyScreen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def test_why_opens_from_results_on_the_first_oversell():
    result = run_card(OVERSELLS)
    report = _report(OVERSELLS)
    oversells = report.by_kind("oversold")
    assert oversells, "the replica card must oversell: that is the level's lesson"
    app = WhyTestApp(result)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("w")
        await checked(pilot)
        screen = app.screen
        assert isinstance(screen, WhyScreen)
        first = oversells[0]
        assert screen.current == first  # the lesson's anomaly first, not the first stale read in time
        explanation = _text(screen, "#why-explanation")
        assert first.explain("en") in " ".join(explanation.split("\n")) or all(
            f"#{op}" in explanation for op in first.ops
        )
        for op in first.ops:
            assert f"#{op}" in explanation
        details = _text(screen, "#why-details")
        for op in first.ops:  # every operation involved, with what it saw
            assert f"#{op} " in details
        order = next(op for op in result.outcome.history["ops"] if op["id"] == first.ops[0])
        assert f"({t('why.op_order').split('(')[1].split('{')[0]}{order['seen']})" in details
        total = first.facts["total"]  # the sale that went past the stock: the seed's sixth of five
        assert t("why.sale_count", "en", total=total, initial=first.facts["initial"]) in details
        assert total > first.facts["initial"]
        summary = _text(screen, "#why-summary")
        # real-world figures, as on the results screen: each simulated request stands for `scale`
        metrics, scale = result.outcome.metrics, screen.scale
        assert scale > 1 and f"{metrics.stale_reads:,}" in summary
        assert f"{report.counts['stale_read']:,}\n" not in summary  # not the sample's own count
        assert t("why.sample", "en", scale=f"{scale:,}") in " ".join(summary.split("\n"))
        for kind, count in report.counts.items():
            if count:
                assert t(f"checker.kind_{kind}") in summary


async def test_n_and_p_step_through_anomalies_and_k_filters_by_kind():
    report = _report(OVERSELLS)
    app = WhyTestApp(run_card(OVERSELLS), start="why")
    async with app.run_test(size=(100, 30)) as pilot:
        await checked(pilot)
        screen = app.screen
        start = report.anomalies.index(screen.current)
        await pilot.press("n")
        assert screen.current == report.anomalies[start + 1]
        assert f"#{report.anomalies[start + 1].ops[0]}" in _text(screen, "#why-explanation")
        await pilot.press("p", "p")
        assert screen.current == report.anomalies[start - 1]
        await pilot.press("k")  # the first kind present: oversold units only
        oversells = report.by_kind("oversold")
        assert screen.current == oversells[0]
        await pilot.press("n")
        assert screen.current == oversells[1 % len(oversells)]
        for _ in oversells:
            await pilot.press("n")
        assert screen.current == oversells[1 % len(oversells)]  # stepping wraps around the kind
        assert "reverse" in str(screen.query_one("#why-summary").render().spans)  # the kind shown stands out
        await pilot.press("k")
        assert screen.current.kind == "stale_read"


async def test_mouse_picks_an_anomaly_from_the_list_and_the_buttons_step():
    result = five_to_six()  # hand-made and small: the mouse is the point here, not the engine
    report = check(result.outcome.history)
    app = WhyTestApp(result, start="why")
    async with app.run_test(size=(120, 36)) as pilot:
        await checked(pilot)
        screen = app.screen
        start = report.anomalies.index(screen.current)
        await pilot.click("#next")
        await pilot.pause()
        assert screen.current == report.anomalies[start + 1]
        await pilot.click("#prev")
        await pilot.pause()
        assert screen.current == report.anomalies[start]
        listing = screen.query_one("#why-list")
        option = listing.get_option_at_index(0)
        listing.highlighted = 0
        listing.action_select()
        await pilot.pause()
        assert screen.current == report.anomalies[int(option.id[1:])]


async def test_zoom_and_scroll_in_time_around_the_anomaly():
    result = five_to_six()
    app = WhyTestApp(result, start="why")
    async with app.run_test(size=(100, 30)) as pilot:
        await checked(pilot)
        screen = app.screen
        a = screen.current
        start, end = screen.window
        assert start <= a.start and a.end <= end  # the window holds every operation involved
        await pilot.press("plus")
        z0, z1 = screen.window
        assert z1 - z0 == (end - start) // 2 or abs((z1 - z0) - (end - start) / 2) <= 1
        assert z0 <= a.time <= z1  # zooming keeps the anomaly in sight
        await pilot.press("left")
        earlier = screen.window
        assert earlier[0] < z0 and earlier[1] - earlier[0] == z1 - z0  # scrolls, same zoom
        await pilot.press("right", "right")
        later = screen.window
        assert (
            later[0] > earlier[0] and later[1] <= history_span(result.outcome.history)[1]
        )  # never past the run
        await pilot.press("r")
        assert screen.window == history_span(result.outcome.history)
        assert t("why.zoom_whole") in _text(screen, "#why-explanation")
        await pilot.press("minus")  # never wider than the run
        assert screen.window == history_span(result.outcome.history)
        await pilot.press("0")
        assert screen.window == (start, end)


async def test_cp_card_shows_the_empty_state():
    report = _report(CONSISTENT)
    assert not report.anomalies
    app = WhyTestApp(run_card(CONSISTENT))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        await checked(pilot)
        screen = app.screen
        assert isinstance(screen, WhyScreen) and screen.current is None
        assert t("why.empty_title") in _text(screen, "#why-summary")
        assert screen.zoom == "whole"
        assert screen.query_one("#next").disabled and not screen.query_one("#whole").disabled
        assert not screen.query_one("#why-list").display
        await pilot.press("n", "p", "k")  # nothing to step through: nothing breaks
        assert screen.current is None
        await pilot.press("escape")
        assert not isinstance(app.screen, WhyScreen)


async def test_language_switch_keeps_the_anomaly_and_explains_it_in_korean():
    app = WhyTestApp(run_card(OVERSELLS), start="why")
    async with app.run_test(size=(100, 30)) as pilot:
        await checked(pilot)
        screen = app.screen
        await pilot.press("n", "plus")
        current, window = screen.current, screen.window
        i18n.set_language("ko")
        await screen.retranslate()
        await pilot.pause()
        assert screen.current == current and screen.window == window
        explanation = _text(screen, "#why-explanation")
        assert current.title("ko") in explanation
        for op in current.ops:
            assert f"#{op}" in explanation
        steps = [
            b.binding.description for b in screen.active_bindings.values() if b.binding.action == "step(1)"
        ]
        assert steps == [t("why.key_next", "ko")]


def test_korean_strings_have_no_ambiguous_width_glyphs():
    import tomllib
    from importlib.resources import files

    catalog = tomllib.loads(files("capquest.i18n").joinpath("catalog/why.toml").read_text("utf-8"))
    for key, texts in catalog.items():
        assert texts.get("en") and texts.get("ko"), key
        ambiguous = [ch for ch in texts["ko"] if unicodedata.east_asian_width(ch) == "A"]
        assert not ambiguous, (key, ambiguous)


def _history_with_faults():
    """A hand-made history: a partition, a write, then a read on the far side that missed it."""
    op = {"session": 1, "outcome": "ok", "error": ""}
    return {
        "format": "capquest-history",
        "version": 1,
        "time_unit": "us",
        "initial": {"profile/1": "v0"},
        "nodes": ["seoul", "busan"],
        "faults": [
            {
                "kind": "partition",
                "start": 100_000,
                "end": 600_000,
                "groups": [["seoul"], ["busan"]],
                "node": "",
            }
        ],
        "ops": [
            {
                **op,
                "id": 1,
                "f": "write",
                "key": "profile/1",
                "invoke": 150_000,
                "complete": 160_000,
                "node": "seoul",
                "value": "v1",
            },
            {
                **op,
                "id": 2,
                "session": 2,
                "f": "read",
                "key": "profile/1",
                "invoke": 300_000,
                "complete": 310_000,
                "node": "busan",
                "value": "v0",
            },
        ],
    }


async def test_faults_and_lag_are_drawn_beside_the_anomaly():
    history = _history_with_faults()
    trace = tuple(
        TraceFrame(t_us=t, values={"busan.lag_ms": float(t // 1000)}) for t in range(0, 700_001, 100_000)
    )
    result = SimpleNamespace(
        level="hand-made", card="ap", seed=7, outcome=SimpleNamespace(history=history, trace=trace)
    )
    app = WhyTestApp(result, start="why")
    async with app.run_test(size=(100, 30)) as pilot:
        await checked(pilot)
        screen = app.screen
        assert screen.current.kind == "stale_read" and screen.current.ops[0] == 2
        timeline = screen.query_one(AnomalyTimeline)
        rendered = "\n".join(line.plain for line in timeline.render().renderables)
        assert "[seoul] | [busan]" in rendered  # the partition, spelled out
        assert "P" * 5 in rendered  # and shaded on the fault lane
        assert t("why.lag_lane", "en", node="busan").strip() in rendered
        # the lag of the node that answered, for this read: read at 0.300s, the write it missed
        # committed at 0.160s (not the trace's sampled 300 ms)
        lag = t("why.lag_read", "en", node="busan", lag=format_lag(140.0, "en"))
        assert lag in _text(screen, "#why-details")


def test_lag_series_reads_the_trace():
    frames = [TraceFrame(t_us=0, values={"r.lag_ms": 5.0}), TraceFrame(t_us=100, values={"r.lag_ms": 9.0})]
    series = lag_series(frames, ["primary", "r"])
    assert list(series) == ["r"]
    assert (
        lag_at(series["r"], 50) == 5.0 and lag_at(series["r"], 100) == 9.0 and lag_at(series["r"], -1) == 5.0
    )


async def test_a_click_on_the_timeline_explains_the_nearest_anomaly():
    from capquest.checker.timeline import LABEL_WIDTH

    result = five_to_six()
    report = check(result.outcome.history)
    app = WhyTestApp(result, start="why")
    async with app.run_test(size=(120, 36)) as pilot:
        await checked(pilot)
        screen = app.screen
        await pilot.press("r")  # the whole run: a column per slice of time
        timeline = screen.query_one(AnomalyTimeline)
        start, end = screen.window
        target = report.anomalies[0]  # the first anomaly in time: near the left edge
        column = (target.time - start) * timeline.cells // (end - start)
        await pilot.click(AnomalyTimeline, offset=(LABEL_WIDTH + 1 + column, 2))
        await pilot.pause()
        assert screen.current == target


async def test_a_history_the_checker_cannot_read_is_told_not_crashed():
    result = SimpleNamespace(
        level="broken",
        card="ap",
        seed=1,
        outcome=SimpleNamespace(history={"format": "capquest-history", "ops": "?"}, trace=()),
    )
    app = WhyTestApp(result, start="why")
    async with app.run_test(size=(80, 24)) as pilot:
        await checked(pilot)
        screen = app.screen
        assert isinstance(screen, WhyScreen) and screen.current is None
        assert t("why.check_failed", "en", reason="").split(":")[0] in _text(screen, "#why-summary")
        await pilot.press("n", "r", "plus")  # nothing to show: the keys do nothing, and nothing breaks
        assert isinstance(app.screen, WhyScreen)
