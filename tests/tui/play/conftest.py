"""Fixtures for the play screens' tests: the fake level and runner, a fake clock, a small host app that
records the messages the screens post up (Pilot tests), and the real shell from the shared builder in
tests/tui/conftest.py with a play screen pushed over it (snapshots). Async tests run through the shared
conftest's hook."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from play_app import PlayTestApp
from play_fakes import FakeClock, fake_level, fake_run

from capquest import i18n
from capquest.tui.screens.level import LevelScreen
from capquest.tui.session import PlaySession


@pytest.fixture(autouse=True)
def _english_after(monkeypatch):
    monkeypatch.delenv("TEXTUAL_ANIMATIONS", raising=False)
    yield
    i18n.set_language("en")


@pytest.fixture
def make_app() -> Callable[..., PlayTestApp]:
    def build(
        *,
        lang: str = "en",
        hybrid: bool = False,
        ascii_borders: bool = False,
        reduced_motion: bool | None = False,
        tried: tuple[str, ...] = (),
        start=None,
        runner=fake_run,
    ) -> PlayTestApp:
        i18n.set_language(lang)  # screens are built before the app mounts: compose in the right language
        level = fake_level(hybrid=hybrid)
        session = PlaySession(
            level,
            runner=runner,
            clock=FakeClock(),
            ascii_borders=ascii_borders,
            reduced_motion=reduced_motion,
        )
        for card_id in tried:  # runs already played this visit (the chart reveals them)
            session.runs.append(fake_run(level, card_id))
        return PlayTestApp(session, lang=lang, start=start)

    return build


@pytest.fixture
def shell_app(build_app) -> Callable[..., object]:
    """The real shell (`CapQuestApp` from the shared builder) with a play screen pushed over its title:
    `shell_app(screen_factory, lang=, hybrid=, ascii_borders=, tried=)` -> (app, run_before)."""

    def build(
        start=None,
        *,
        lang: str = "en",
        hybrid: bool = False,
        ascii_borders: bool = False,
        tried: tuple[str, ...] = (),
        then=None,
    ):
        settings = {"ascii_borders": True} if ascii_borders else None
        app = build_app(lang=lang, settings=settings)  # sets the language before the session is built
        level = fake_level(hybrid=hybrid)
        session = PlaySession(level, runner=fake_run, clock=FakeClock(), reduced_motion=False)
        for card_id in tried:
            session.runs.append(fake_run(level, card_id))
        screen = start(session) if start else LevelScreen(session)

        async def run_before(pilot):
            # as the level screen does on the way to any play screen: the session takes the app's
            # settings (ASCII borders decide the glyphs of the results, the chart and the replay)
            session.adopt_app_settings(pilot.app)
            await pilot.app.push_screen(screen)
            await pilot.pause()
            if then is not None:
                await then(pilot)
                await pilot.pause()

        return app, run_before

    return build
