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
