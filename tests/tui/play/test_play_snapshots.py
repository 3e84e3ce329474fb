"""Snapshots of the play screens in English and Korean at 80x24 and 120x36, against the fake runner and
a clock that never moves (so a replay shows exactly the frame it was scrubbed to)."""

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
    return ReplayScreen(session, fake_run(session.level, "replica-read"))


def _results(session):
    return ResultsScreen(session, session.runs[-1])


def _compare(session):
    return CompareScreen(session, session.runs[0])


async def _scrub_to_first_oversell(pilot):
    replay = pilot.app.screen
    frame = next(i for i, f in enumerate(replay.frames) if any(e.startswith("oversell:") for e in f.events))
    await pilot.press(*["right"] * frame)


async def _settle(pilot):
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_level(snap_compare, make_app, lang, size):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZES[size], run_before=_settle)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_replay_at_the_first_oversell(snap_compare, make_app, lang, size):
    app = make_app(lang=lang, start=_replay)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=_scrub_to_first_oversell)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_results_with_three_cards_tried(snap_compare, make_app, lang, size):
    app = make_app(lang=lang, tried=TRIED, start=_results)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=_settle)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_compare_two_cards(snap_compare, make_app, lang, size):
    app = make_app(lang=lang, tried=("replica-read", "conditional"), start=_compare)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=_settle)


def test_hybrid_level_ascii_korean(snap_compare, make_app):
    app = make_app(lang="ko", hybrid=True, ascii_borders=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settle)


def test_results_ascii(snap_compare, make_app):
    app = make_app(tried=TRIED, start=_results, ascii_borders=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settle)
