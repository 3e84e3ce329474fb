"""A pack's own words are shown as written, never read as markup: an instructor's "[/]" or "[link=...]"
in a title, briefing, pitch, explanation or debrief neither styles the screen nor crashes the game. The
real `capquest` command in a pseudo-terminal, on a copy of the example pack with markup in every text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pexpect

EXAMPLE = Path(__file__).resolve().parents[2] / "levels" / "example"
HOSTILE = " [/] [link=http://x]y[/link]"


def hostile_pack(tmp_path: Path) -> Path:
    """The example pack with broken markup appended to every English and Korean string."""
    pack = tmp_path / "hostile"
    shutil.copytree(EXAMPLE, pack)
    for file in pack.glob("*.toml"):
        text = file.read_text(encoding="utf-8")
        text = re.sub(r'((?:en|ko) = ")([^"\n]*)"', lambda m: f'{m[1]}{m[2]}{HOSTILE}"', text)
        text = re.sub(r'((?:en|ko) = """)(.*?)"""', lambda m: f'{m[1]}{m[2]}{HOSTILE}"""', text, flags=re.S)
        file.write_text(text, encoding="utf-8")
    return pack


def test_markup_in_a_pack_is_shown_literally_through_a_whole_run(spawn_capquest, tmp_path) -> None:
    pack = hostile_pack(tmp_path)
    child = spawn_capquest("--lang", "en", "--pack", str(pack), size=(40, 120))
    child.expect("New game")
    child.send("1")  # the pack's map: chapter and level titles
    child.expect(re.escape("[link=http://x]"))
    child.send("\r")  # the level (narrated: it has tutorial steps): title, briefing, pitches, the panel
    child.expect("Your hand")
    child.send("1")  # choose a card: its title goes into the "Chosen" line
    child.expect("Chosen")
    child.send("r")
    child.expect("Replay", timeout=60)
    child.send("\r")  # results: the card's explanation and the debrief
    child.expect("Score", timeout=30)
    # Each Escape is followed by the results' footer coming back before the next key: a key sent at
    # once could reach the app glued to the Escape and read as one escape sequence.
    child.send("c")  # compare: the card's title in both columns' headings
    child.expect("Compare two runs", timeout=30)
    child.send("\x1b")
    child.expect("Why\\?", timeout=30)
    child.send("g")  # the glossary: the pack's concept cards
    child.expect("Glossary \\(", timeout=30)
    child.send("\x1b")
    child.expect("Why\\?", timeout=30)
    child.send("?")  # help names the level's concept
    child.expect("The idea behind this level", timeout=30)
    child.send("\x1b")
    child.expect("Why\\?", timeout=30)
    child.send("w")  # the Why? view's title holds the level's and the card's
    child.expect("Why", timeout=30)
    child.send("\x11")
    child.expect(pexpect.EOF)
    child.close()
    tail = child.before or ""
    assert child.exitstatus == 0, tail[-800:]
    assert "MarkupError" not in tail and "Traceback" not in tail
