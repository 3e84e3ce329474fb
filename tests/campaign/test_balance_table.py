"""The committed balance table (`levels/README.md`) is the one the current levels and engine produce."""

from __future__ import annotations

import pytest

try:  # until the engine is merged into this branch (remove once it is)
    import capquest.engine as _engine

    _engine.simulate  # noqa: B018
except (ImportError, AttributeError):
    pytest.skip("the engine is not on this branch yet", allow_module_level=True)

from .balance_table import README, render


def test_committed_balance_table_is_up_to_date() -> None:
    assert README.exists(), "run: python -m tests.campaign.balance_table"
    assert README.read_text(encoding="utf-8") == render(), (
        "levels/README.md is out of date; run: python -m tests.campaign.balance_table"
    )
