"""The results chart draws each card tried by units oversold against p99 latency; what happens over a run's
time (busy connections, a replica's lag, requests per second, a node going down) is drawn by the replay.
The campaign's hints and its first tutorial once sent the player to the chart for busy connections and
lag, which it never shows."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

LEVELS = Path(__file__).resolve().parents[2] / "levels"
OVER_TIME = ("busy connection", "lag", "requests per second", "goes down", "link goes down", "over time")


def english_texts(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("en"), str):
            yield node["en"]
        for value in node.values():
            yield from english_texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from english_texts(value)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.:?!])\s+", text) if s]


FILES = sorted(LEVELS.glob("*/*.toml"))


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_no_text_sends_the_player_to_the_chart_for_what_only_the_replay_draws(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for text in english_texts(data):
        for sentence in sentences(text):
            lower = sentence.lower()
            if "chart" in lower and "replay" not in lower:
                wrong = [w for w in OVER_TIME if w in lower]
                assert not wrong, f"{path.name}: {sentence!r} sends the player to the chart for {wrong}"


def test_the_tutorial_step_on_the_chart_says_what_it_draws() -> None:
    data = tomllib.loads((LEVELS / "campaign" / "ordinary-night.toml").read_text(encoding="utf-8"))
    step = next(s for s in data["tutorial"] if s.get("target") == "chart")
    first = sentences(step["text"]["en"])[0].lower()
    assert "oversold" in first and "p99" in first
    assert "차트" in step["text"]["ko"] and "초과 판매" in step["text"]["ko"]
