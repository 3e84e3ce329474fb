"""The committed balance table (`levels/README.md`) is the one the current levels and engine produce."""

from __future__ import annotations

from .balance_table import README, render


def test_committed_balance_table_is_up_to_date() -> None:
    assert README.exists(), "run: python -m tests.campaign.balance_table"
    assert README.read_text(encoding="utf-8") == render(), (
        "levels/README.md is out of date; run: python -m tests.campaign.balance_table"
    )
