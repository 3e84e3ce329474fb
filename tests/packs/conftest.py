from __future__ import annotations

from pathlib import Path

import pytest

from capquest.i18n import set_language

HERE = Path(__file__).parent
BROKEN = HERE / "broken"
FIXTURES = HERE / "fixtures"
REPO = HERE.parent.parent
EXAMPLE = REPO / "levels" / "example"
TEMPLATE = REPO / "capquest" / "packs" / "template"


@pytest.fixture(autouse=True)
def _english_and_private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Messages in English unless a test asks otherwise; nothing written outside tmp."""
    monkeypatch.setenv("CAPQUEST_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CAPQUEST_LANG", raising=False)
    set_language("en")
    yield
    set_language("en")
