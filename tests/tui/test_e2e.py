"""The real `capquest` command in a pseudo-terminal: it paints the title, and each quit key leaves the
terminal as it found it (alternate screen left, cursor shown, mouse reporting off), exit code 0."""

from __future__ import annotations

import pexpect
import pytest

QUIT_KEYS = {"ctrl+q": "\x11", "ctrl+c": "\x03", "q": "q"}


@pytest.mark.parametrize(("key", "lang"), [("ctrl+q", "en"), ("ctrl+c", "ko"), ("q", "en")])
def test_capquest_starts_and_quits_cleanly(spawn_capquest, key: str, lang: str) -> None:
    child = spawn_capquest("--lang", lang)
    child.expect("New game" if lang == "en" else "새 게임")
    child.expect("Quit" if lang == "en" else "종료")
    child.send(QUIT_KEYS[key])
    child.expect(pexpect.EOF)
    child.close()
    tail = child.before or ""
    assert child.exitstatus == 0, tail[-500:]
    assert "\x1b[?1049l" in tail  # left the alternate screen
    assert "\x1b[?25h" in tail  # cursor shown again
    assert "\x1b[?1000l" in tail  # mouse reporting off
    assert "Traceback" not in tail


def test_play_level_one_in_a_real_terminal_and_the_stars_are_saved(spawn_capquest, tmp_path) -> None:
    """A person's first minute: New game, open level 1, run the first card, see the results, quit; the
    progress file then holds the run."""
    child = spawn_capquest("--lang", "en", size=(30, 100))
    child.expect("New game")
    child.send("1")  # New game -> the campaign map
    child.expect("ordinary night")
    child.send("\r")  # open the first level
    child.expect("Your hand")
    child.send("r")  # run the card under the cursor (reduced motion: the replay shows its last frame)
    child.expect("Results", timeout=60)
    child.send("\r")  # replay over: on to the results
    child.expect("Score", timeout=30)
    child.send("\x11")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, (child.before or "")[-500:]

    from capquest.saves import ProgressStore

    store = ProgressStore(tmp_path / "home")
    store.load()
    played = store.level("campaign", "ordinary-night")
    assert played.attempts == 1
    assert played.best_run is not None and played.best_run.card == "one-postgres"
