"""One count per thing, written one way (issue 13 §1): the compare screen, the tutorial's narration and
the course's recap show a run's real-world figures (oversold units, stale reads, failed requests, p99)
exactly as the results screen's rows write them, for the built-in cards. The results once wrote
"27.9%" where the narration said "28%"; the Why? view, the results and the JSON agree already
(tests/campaign/test_one_count.py)."""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import pytest
from play_app import PlayTestApp
from play_fakes import FakeClock
from rich.console import Console

from capquest import i18n
from capquest.packs import load_pack
from capquest.play import run
from capquest.tui.screens.compare import CompareScreen
from capquest.tui.session import PlaySession
from capquest.tui.widgets.metric_table import ROWS, MetricTable
from capquest.tutorial.controller import TutorialController
from capquest.tutorial.figures import fill
from capquest.tutorial.recap import recap

LEVELS = Path(__file__).resolve().parents[3] / "levels"
# the results row of each real-world figure, and the name the narration and the recap give it
FIGURES = {"oversold": "oversold_units", "stale": "stale_reads", "errors": "error_rate", "p99": "p99_ms"}
ROW = {row.key: row for row in ROWS}


@cache
def _pack(name: str):
    return load_pack(LEVELS / name)


@cache
def _run(pack: str, level_id: str, card: str):
    return run(_pack(pack).level(level_id), card)  # each run once for the whole module (about 3 s)


def _results_row(result, key: str) -> str:
    row = ROW[key]
    return row.show(row.value(result))


def _cards(*packs: str) -> list[tuple[str, str, str]]:
    return [(p, level.id, card.id) for p in packs for level in _pack(p).levels for card in level.cards]


def test_the_narration_quotes_every_campaign_card_as_the_results_write_it() -> None:
    text = " | ".join("{" + name + "}" for name in FIGURES.values())
    for pack, level_id, card in _cards("campaign", "example"):
        result = _run(pack, level_id, card)
        want = " | ".join(_results_row(result, key) for key in FIGURES)
        assert fill(text, result, {}) == want, (level_id, card)
        by_card = " | ".join("{" + f"{card}:{name}" + "}" for name in FIGURES.values())
        assert fill(by_card, None, {card: result}) == want, (level_id, card)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_recap_shows_every_tutorial_card_as_the_results_write_it(lang: str) -> None:
    pack = _pack("tutorial")
    controller = TutorialController(pack.levels, lang=lang)
    for _, level_id, card in _cards("tutorial"):
        controller.record_run(_run("tutorial", level_id, card))
    entries = recap(controller)
    assert sum(len(e.runs) for e in entries) == len(_cards("tutorial"))
    for entry in entries:
        for shown in entry.runs:
            result = _run("tutorial", entry.level_id, shown.card_id)
            for key, name in FIGURES.items():
                assert shown.figures[name] == _results_row(result, key), (entry.level_id, shown.card_id, key)


def _table_cells(screen: CompareScreen, label: str) -> list[str]:
    """The compare table's row for `label`: its two figures, the "better" mark taken off."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(screen.query_one(MetricTable).content)
    (line,) = [line.strip() for line in console.export_text().splitlines() if line.strip().startswith(label)]
    cells = re.split(r"\s{2,}", line[len(label) :].strip())
    better = i18n.t("play.compare_better")
    return [cell.removeprefix(better).strip() for cell in cells]


@pytest.mark.parametrize("level_id", ["five-to-six", "two-am", "atomic-decrement"])
async def test_compare_shows_both_runs_as_the_results_write_them(level_id: str) -> None:
    i18n.set_language("en")
    level = _pack("campaign").level(level_id)
    session = PlaySession(level, runner=lambda lv, c, s, a: run(lv, c, seed=s, assign=a), clock=FakeClock())
    session.runs.extend(_run("campaign", level_id, card.id) for card in level.cards)
    app = PlayTestApp(session, start=lambda s: CompareScreen(s, s.runs[0]))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        compare = app.screen
        a, b = compare.sides
        assert a.card != b.card
        for key in FIGURES:
            cells = _table_cells(compare, i18n.t(f"play.metric_{key}"))
            assert cells == [_results_row(a, key), _results_row(b, key)], (level_id, key, cells)


def test_the_cli_table_writes_the_figures_as_the_results_do(capfd) -> None:
    """`capquest simulate` without --json: its table once said "28.0 %" and "8000 ms" where the results
    screen said "27.9%"... and "8.0 s"."""
    from capquest.cli import main

    i18n.set_language("en")
    for level_id, card in (("two-am", "one-postgres"), ("five-to-six", "replica-check")):
        assert main(["simulate", level_id, "--card", card]) == 0
        out = capfd.readouterr().out
        result = _run("campaign", level_id, card)
        for key in FIGURES:
            assert _results_row(result, key) in out, (level_id, key, out)
