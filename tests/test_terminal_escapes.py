"""Issue 11: text capquest did not write reaches the terminal as text, never as a command.

An ESC sequence in a pack title retitled the terminal and painted it red from `levels`, `simulate` and the
game; `report` printed a student's file name raw. Packs holding control characters are now refused at
validation (tests/packs/broken/control-characters); everything else printed from outside is escaped."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from capquest.cli import main
from capquest.errors import PackError
from capquest.packs import load_pack
from capquest.untrusted import control_character, json_text, printable

BROKEN = Path(__file__).parent / "packs" / "broken" / "control-characters"
FIXTURE = Path(__file__).parent / "packs" / "fixtures" / "only-en"
ESC = "\x1b]0;PWNED\x07"


def test_printable_writes_controls_out_and_keeps_lines_when_asked() -> None:
    assert printable(f"a{ESC}b") == "a\\x1b]0;PWNED\\x07b"
    assert printable("\u009b31m\x7f") == "\\x9b31m\\x7f"
    assert printable("line\nnext\ttab", keep_lines=True) == "line\nnext\ttab"
    assert printable("line\nnext") == "line\\nnext"
    assert printable("한국어 text") == "한국어 text"
    assert control_character("ok\n\t") is None and control_character("x\x1b") == "\x1b"
    assert json_text({"k": "\u009b\x1b"}, indent=None) == '{"k": "\\u009b\\u001b"}'


def test_a_pack_with_escape_codes_never_loads(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(PackError):
        load_pack(BROKEN)  # what the game and every command load a pack with
    for args in (
        ["levels", "--pack", str(BROKEN)],
        ["simulate", "one", "--card", "primary", "--pack", str(BROKEN)],
    ):
        assert main(args) == 2
        out, err = capsys.readouterr()
        assert "\x1b" not in out + err and "\x07" not in out + err


def test_a_usage_error_quoting_a_path_is_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["levels", "--pack", f"/nowhere/{ESC}"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b]0;PWNED\\x07" in err


def test_pack_list_escapes_a_folder_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CAPQUEST_HOME", str(tmp_path))
    shutil.copytree(FIXTURE, tmp_path / "packs" / f"x{ESC}")
    assert main(["pack", "list"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
