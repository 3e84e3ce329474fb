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
    child.send("w")  # the Why? view's title holds the level's and the card's
    child.expect("Why", timeout=30)
    # quit at once, while the Why? view may still be mounting: the narrated level's course must not
    # mount its panel on a screen the app is already taking down (it crashed with MountError)
    child.send("\x11")
    child.expect(pexpect.EOF)
    child.close()
    tail = child.before or ""
    assert child.exitstatus == 0, tail[-800:]
    assert "MarkupError" not in tail and "Traceback" not in tail


async def test_markup_in_a_pack_is_literal_in_compare_glossary_and_help(
    tmp_path, build_app, memory_store
) -> None:
    """The screens a pexpect walk cannot reach reliably (a modal closed with Escape races the next key),
    played in-process: a run of the hostile pack's second level, then Compare, the glossary and help."""
    from capquest.packs import load_pack
    from capquest.tui.screens.compare import CompareScreen
    from capquest.tui.screens.glossary import GlossaryScreen
    from capquest.tui.screens.help import HelpScreen
    from capquest.tui.screens.replay import ReplayScreen
    from capquest.tui.screens.results import ResultsScreen

    pack = load_pack(hostile_pack(tmp_path))
    first, second = pack.levels[0].id, pack.levels[1].id
    store = memory_store(
        {first: {"best_score": 900.0, "stars": 3, "attempts": 1, "passed": True}}, pack_id=pack.id
    )
    app = build_app(pack=pack, store=store)

    async def until(pilot, screen_type) -> None:
        for _ in range(250):
            if isinstance(app.screen, screen_type):
                await pilot.pause()
                return
            await pilot.pause(0.02)
        raise AssertionError(f"{screen_type.__name__} never showed; on {app.screen!r}")

    def shows_markup_literally() -> bool:
        return "link=http://x]y[/link]" in app.export_screenshot()

    async with app.run_test(size=(120, 40)) as pilot:
        app.open_level(second)
        await pilot.pause()
        await pilot.press("1", "r")
        await until(pilot, ReplayScreen)
        await pilot.press("enter")
        await until(pilot, ResultsScreen)
        await pilot.press("c")
        await until(pilot, CompareScreen)
        assert shows_markup_literally()
        await pilot.press("escape")
        await until(pilot, ResultsScreen)
        app.action_glossary()
        await until(pilot, GlossaryScreen)
        assert shows_markup_literally()
        await pilot.press("escape")
        await until(pilot, ResultsScreen)
        app.action_help()
        await until(pilot, HelpScreen)
        assert shows_markup_literally()
