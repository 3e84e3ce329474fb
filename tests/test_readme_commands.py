"""The README's `capquest simulate ... --assign` commands run as written: each data class takes its own
`--assign` (the README once wrote `--assign CLASS=CARD ...`, which reads as space-separated pairs)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from capquest.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"
# The README's placeholders, filled with a real level, hybrid card and assignment of the campaign.
PLACEHOLDERS = {"LEVEL": "hybrid-finale", "HYBRID": "seed-hybrid", "CLASS=CARD": "orders=primary-atomic"}


def _assign_commands() -> list[str]:
    spans = re.findall(r"`(capquest simulate [^`]*)`", README.read_text(encoding="utf-8"))
    return [span for span in spans if "--assign" in span]


def _as_typed(command: str) -> list[str]:
    """The words a reader types: an optional repeated group `[--assign CLASS=CARD]...` written once."""
    command = re.sub(r"\[([^\]]*)\]\.\.\.", r"\1", command)
    return [PLACEHOLDERS.get(word, word) for word in shlex.split(command)][1:]


def test_the_readme_shows_assign_commands() -> None:
    assert len(_assign_commands()) >= 2  # the pattern and a worked example


@pytest.mark.parametrize("command", _assign_commands())
def test_every_assign_in_the_readme_runs_as_written(command: str, capsys: pytest.CaptureFixture) -> None:
    words = _as_typed(command)
    for i, word in enumerate(words):
        if "=" in word:
            assert words[i - 1] == "--assign", f"{word!r} needs its own --assign in: {command}"
    assert main([*words, "--json"]) == 0, capsys.readouterr().err
    result = json.loads(capsys.readouterr().out)
    assert result["card"] == "custom"
