"""Fixtures for the play screens' tests: the fake level and runner, a fake clock, and a small host app
(until the shell's shared builder in tests/tui/conftest.py can host the play screens)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from play_app import PlayTestApp
from play_fakes import FakeClock, fake_level, fake_run

from capquest import i18n
from capquest.tui.screens.level import PlaySession


@pytest.fixture(autouse=True)
def _english_after(monkeypatch):
    monkeypatch.delenv("TEXTUAL_ANIMATIONS", raising=False)
    yield
    i18n.set_language("en")


@pytest.fixture
def make_app() -> Callable[..., PlayTestApp]:
    def build(*, lang: str = "en", hybrid: bool = False, ascii_borders: bool = False,
              reduced_motion: bool | None = False, tried: tuple[str, ...] = (), start=None,
              runner=fake_run) -> PlayTestApp:
        i18n.set_language(lang)  # screens are built before the app mounts: compose in the right language
        level = fake_level(hybrid=hybrid)
        session = PlaySession(level, runner=runner, clock=FakeClock(), ascii_borders=ascii_borders,
                              reduced_motion=reduced_motion)
        for card_id in tried:  # runs already played this visit (the chart reveals them)
            session.runs.append(fake_run(level, card_id))
        return PlayTestApp(session, lang=lang, start=start)

    return build


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` tests in a fresh event loop (no asyncio plugin is a dependency)."""
    import asyncio
    import inspect

    if inspect.iscoroutinefunction(pyfuncitem.obj):
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**args))
        return True
    return None
