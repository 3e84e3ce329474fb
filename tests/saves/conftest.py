from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh CAPQUEST_HOME: nothing the tests write lands in the real data folder."""
    folder = tmp_path / "home"
    monkeypatch.setenv("CAPQUEST_HOME", str(folder))
    return folder
