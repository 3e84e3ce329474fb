"""Snapshots of the play screens in English and Korean at 80x24 and 120x36, inside the real shell app
(the shared builder), against the fake runner and a clock that never moves (so a replay shows exactly
the frame it was scrubbed to)."""

from __future__ import annotations

import pytest
from play_fakes import fake_run

from capquest.tui.screens.compare import CompareScreen
from capquest.tui.screens.replay import ReplayScreen
from capquest.tui.screens.results import ResultsScreen

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
LANGS = ("en", "ko")
TRIED = ("replica-read", "for-update", "conditional")  # the results chart has three cards revealed


def _replay(session):
    result = fake_run(session.level, "replica-read")
    return ReplayScreen(session, result, results_screen=lambda: ResultsScreen(session, result))


def _results(session):
    return ResultsScreen(session, session.runs[-1])


def _compare(session):
    return CompareScreen(session, session.runs[0])


async def _scrub_to_first_oversell(pilot):
    replay = pilot.app.screen
    frame = next(i for i, f in enumerate(replay.frames) if any(e.startswith("oversell:") for e in f.events))
    await pilot.press(*["right"] * frame)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_level(snap_compare, shell_app, lang, size):
    app, run_before = shell_app(lang=lang)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_replay_at_the_first_oversell(snap_compare, shell_app, lang, size):
    app, run_before = shell_app(_replay, lang=lang, then=_scrub_to_first_oversell)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_results_with_three_cards_tried(snap_compare, shell_app, lang, size):
    app, run_before = shell_app(_results, lang=lang, tried=TRIED)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_compare_two_cards(snap_compare, shell_app, lang, size):
    app, run_before = shell_app(_compare, lang=lang, tried=("replica-read", "conditional"))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


def test_hybrid_level_ascii_korean(snap_compare, shell_app):
    app, run_before = shell_app(lang="ko", hybrid=True, ascii_borders=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_results_ascii(snap_compare, shell_app):
    app, run_before = shell_app(_results, tried=TRIED, ascii_borders=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
