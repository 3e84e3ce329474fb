"""Fixtures of the Why? view's tests (the async-test runner and the data-folder guard come from
tests/tui/conftest.py)."""

from __future__ import annotations

import pytest

from capquest import i18n


@pytest.fixture(autouse=True)
def _english_after():
    yield
    i18n.set_language("en")
