"""Issue 11: `capquest check` on hostile files: one line and exit 2, never a traceback or a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from capquest.cli import main

HISTORIES = Path(__file__).parent / "histories"


def test_an_integer_of_4400_digits_is_one_line_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    """Python refuses to convert an int of more than 4,300 digits (ValueError, not a JSON error)."""
    assert main(["check", str(HISTORIES / "hostile-4400-digit-int.json")]) == 2
    err = capsys.readouterr().err
    assert "more than 4,300 digits" in err and len(err.strip().splitlines()) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_pipe_or_a_device_is_refused_unread(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)  # reading it waited forever for a writer
    for path in (str(pipe), *(["/dev/zero"] if os.path.exists("/dev/zero") else [])):
        assert main(["check", path]) == 2
        assert "not a regular file" in capsys.readouterr().err


def test_a_file_over_the_cap_is_refused_before_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from capquest.history import MAX_FILE_BYTES as MAX_HISTORY_BYTES

    sparse = tmp_path / "huge.json"
    with open(sparse, "wb") as out:
        out.truncate(MAX_HISTORY_BYTES + 1)
    assert main(["check", str(sparse)]) == 2
    assert "a history may be at most" in capsys.readouterr().err


def test_a_file_name_is_printed_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = tmp_path / "\x1b]0;PWNED\x07.json"
    name.write_text("{not json")
    assert main(["check", str(name)]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b]0;PWNED\\x07.json" in err
