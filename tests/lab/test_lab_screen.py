"""The game's way into the lab: a lab level's results offer it, the lab screen shows progress, the
result beside the prediction, Cancel, and the Why? view over the real history. The lab itself is faked
here (its real runs are in test_lab_postgres.py); the screen is what is tested."""

from __future__ import annotations

import asyncio
import copy
import io
import threading
from typing import Any

import pytest
from textual.app import App

import capquest.lab as lab
from capquest import i18n
from capquest.checker import check
from capquest.lab.clients import LabCancelled
from capquest.lab.compare import engine_figures, history_figures, lessons
from capquest.play import run
from capquest.tui.session import PlaySession


class Host(App):
    def __init__(self, make_screen: Any) -> None:
        super().__init__()
        self.make_screen = make_screen

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())


def _fake_lab_result(level: Any, card: str) -> lab.LabResult:
    """The engine's own run dressed as a real one: its nodes renamed to real-looking ports."""
    prediction = run(level, card)
    real = copy.deepcopy(prediction.outcome.history)
    ports = {"primary": "primary:5500", "replica-1": "replica-1:5501", "replica-2": "replica-2:5502"}
    real["nodes"] = [ports[n] for n in real["nodes"]]
    for op in real["ops"]:
        op["node"] = ports.get(op["node"], op["node"])
    report = check(real, linearizability=False)
    engine = engine_figures(prediction.outcome.history, report, prediction.outcome.metrics)
    figures = history_figures(real, report)
    return lab.LabResult(
        plan=lab.make_plan(level, card, seconds=3),
        postgres_version="15.0",
        history=real,
        report=report,
        engine_history=prediction.outcome.history,
        engine=engine,
        real=figures,
        lessons=tuple(lessons(engine, figures, ("oversold_units",))),
    )


@pytest.fixture(autouse=True)
def _english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def _results_app(level: Any, card: str) -> tuple[Host, Any]:
    from capquest.tui.screens.results import ResultsScreen

    session = PlaySession(level)
    result = run(level, card)
    session.runs.append(result)
    return Host(lambda: ResultsScreen(session, result)), result


def _text(app: Host, selector: str) -> str:
    from rich.console import Console

    console = Console(width=100, record=True, file=io.StringIO())
    console.print(app.screen.query_one(selector).content)
    return console.export_text()


def test_a_lab_levels_results_offer_the_lab_and_show_the_real_outcome(levels, monkeypatch) -> None:
    level = levels["five-to-six"]
    calls: list[dict] = []

    def fake_run_lab(level_, card, **kwargs):
        calls.append({"card": card, **kwargs})
        kwargs["on_step"]("play")
        kwargs["progress"](10, 10)
        return _fake_lab_result(level_, card)

    monkeypatch.setattr(lab, "run_lab", fake_run_lab)
    app, result = _results_app(level, "replica-check")

    async def scenario() -> None:
        async with app.run_test(size=(100, 40)) as pilot:
            assert app.screen.query("#lab"), "the results of a lab level offer the lab"
            await pilot.press("l")
            await pilot.pause()
            assert type(app.screen).__name__ == "LabScreen"
            await app.workers.wait_for_complete()
            await pilot.pause()
            shown = _text(app, "#lab-result")
            assert "PostgreSQL (real)" in shown and "engine (prediction)" in shown
            assert "oversold on PostgreSQL too" in shown
            assert calls[0]["card"] == "replica-check" and calls[0]["seed"] == result.seed
            i18n.set_language("ko")  # a live language switch says the same result again, in Korean
            await app.screen.retranslate()
            await pilot.pause()
            assert "PostgreSQL(실제)" in _text(app, "#lab-result")
            assert "임시 폴더" in _text(app, "#lab-status")
            i18n.set_language("en")
            await pilot.press("w")
            await pilot.pause()
            assert type(app.screen).__name__ == "WhyScreen"
            assert app.screen.history["nodes"][0] == "primary:5500", "Why? reads the real history"

    asyncio.run(scenario())


def test_cancel_stops_the_run_and_says_so(levels, monkeypatch) -> None:
    level = levels["five-to-six"]
    started = threading.Event()

    def waiting_run_lab(level_, card, **kwargs):
        started.set()
        cancel = kwargs["cancel"]
        while not cancel.wait(0.01):
            pass
        raise LabCancelled()

    monkeypatch.setattr(lab, "run_lab", waiting_run_lab)
    app, _ = _results_app(level, "replica-check")

    async def scenario() -> None:
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.press("l")
            await pilot.pause()
            assert started.wait(5)
            await pilot.press("c")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "cancelled" in _text(app, "#lab-status")
            assert app.screen.query_one("#why").disabled

    asyncio.run(scenario())


def test_levels_the_lab_cannot_play_do_not_offer_it(levels) -> None:
    app, _ = _results_app(levels["cassandra-quorum"], "one-one")

    async def scenario() -> None:
        async with app.run_test(size=(100, 40)) as pilot:
            assert not app.screen.query("#lab")
            await pilot.press("l")
            await pilot.pause()
            assert type(app.screen).__name__ == "ResultsScreen"

    asyncio.run(scenario())
