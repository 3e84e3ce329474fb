"""Every class of problem, proven by a deliberately broken pack under tests/packs/broken/.

Each folder holds one kind of mistake and `expected.txt`: the exact messages (file, line, field path,
reason) validation must give, all of them and nothing else.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from capquest.cli import main
from capquest.errors import PackError
from capquest.i18n import set_language
from capquest.packs import check_pack, load_pack

BROKEN = Path(__file__).parent / "broken"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())


def test_there_is_a_broken_pack_for_every_class_of_problem():
    assert set(CASES) >= {
        "toml-syntax", "encoding", "no-manifest", "unknown-field", "out-of-range", "wrong-types",
        "missing-fields", "manifest-files", "references", "cards", "scoring", "topology", "tutorial",
        "languages", "limits", "control-characters", "deep-nesting", "dotted-key", "unrunnable-values",
        "reserved-id", "link-outside", "many-levels", "long-number",
    }  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_broken_pack_reports_exactly_the_expected_problems(case, monkeypatch):
    monkeypatch.chdir(BROKEN)
    report = check_pack(case)
    expected = (BROKEN / case / "expected.txt").read_text(encoding="utf-8").strip().splitlines()
    assert [str(p) for p in report.problems] == expected


@pytest.mark.parametrize("case", CASES)
def test_broken_pack_is_refused_with_every_error_in_the_exception(case):
    with pytest.raises(PackError) as caught:
        load_pack(BROKEN / case)
    errors = [p for p in caught.value.problems if p.severity == "error"]
    assert errors
    assert all(p.file and p.reason for p in errors)


def test_languages_case_has_an_error_and_warnings():
    report = check_pack(BROKEN / "languages")
    assert {p.severity for p in report.problems} == {"error", "warning"}
    assert report.pack is None


@pytest.mark.parametrize("case", CASES)
def test_validate_command_lists_every_problem_and_exits_1_without_a_traceback(case, capsys, monkeypatch):
    monkeypatch.chdir(BROKEN)
    assert main(["pack", "validate", case]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    for line in (BROKEN / case / "expected.txt").read_text(encoding="utf-8").strip().splitlines():
        assert line in out
    assert "the pack is invalid" in out.splitlines()[-1]


def test_problems_carry_a_line_wherever_the_key_is_written():
    report = check_pack(BROKEN / "topology")
    assert all(p.line is not None for p in report.problems)


def test_reasons_follow_the_language_and_field_paths_stay_as_written(monkeypatch):
    monkeypatch.chdir(BROKEN)
    set_language("ko")
    report = check_pack("unknown-field")
    texts = [str(p) for p in report.problems]
    assert any("scoring.oversel_cost" in t and "oversell_cost" in t for t in texts)
    assert all(re.search(r"[\uac00-\ud7a3]", t) for t in texts), texts


def test_korean_framing_line(monkeypatch, capsys):
    monkeypatch.chdir(BROKEN)
    assert main(["--lang", "ko", "pack", "validate", "scoring"]) == 1
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert "올바르지 않은 팩" in last and "오류 2개" in last


# ------------------------------------------------------------------ limits that need files too big to commit
def _copy_pack(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True)
    for f in src.iterdir():
        if f.suffix == ".toml":
            (dst / f.name).write_bytes(f.read_bytes())
    return dst


FIXTURE = Path(__file__).parent / "fixtures" / "only-en"


def test_a_file_over_the_size_limit_is_not_even_parsed(tmp_path):
    pack = _copy_pack(FIXTURE, tmp_path / "big")
    with (pack / "one.toml").open("a", encoding="utf-8") as f:
        f.write("# padding\n" * 30_000)  # ~300 KB
    report = check_pack(pack)
    [problem] = report.problems
    assert problem.file.endswith("one.toml")
    assert "the limit is 256 KB per file" in problem.reason


def test_a_text_over_the_length_limit(tmp_path):
    pack = _copy_pack(FIXTURE, tmp_path / "long")
    level = (pack / "one.toml").read_text(encoding="utf-8")
    (pack / "one.toml").write_text(level.replace("A quiet day.", "x" * 5000), encoding="utf-8")
    [problem] = check_pack(pack).problems
    assert (problem.field, problem.line) == ("briefing.en", 4)
    assert problem.reason == "too long: 5000 characters, the limit is 4000"


def test_too_many_levels(tmp_path):
    pack = _copy_pack(FIXTURE, tmp_path / "many")
    manifest = (pack / "pack.toml").read_text(encoding="utf-8")
    ids = ", ".join(f'"l{i}"' for i in range(61))
    (pack / "pack.toml").write_text(
        manifest.replace('levels = ["one"]', f"levels = [{ids}]"), encoding="utf-8"
    )
    problems = check_pack(pack).problems
    assert any(p.field == "levels" and p.reason == "at most 60 item(s) allowed, got 61" for p in problems)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_level_file_that_is_not_a_regular_file_is_never_read(tmp_path):
    pack = _copy_pack(FIXTURE, tmp_path / "dev")
    (pack / "one.toml").unlink()
    (pack / "one.toml").symlink_to("/dev/zero")
    [problem] = check_pack(pack).problems
    assert problem.reason.startswith("a link to a file outside the pack")
    if hasattr(os, "mkfifo"):  # a pipe inside the pack: reading it waited forever for a writer
        (pack / "one.toml").unlink()
        os.mkfifo(pack / "one.toml")
        [problem] = check_pack(pack).problems
        assert problem.reason.startswith("not a regular file")


def test_a_manifest_that_fails_still_lets_the_levels_be_checked(tmp_path):
    pack = _copy_pack(FIXTURE, tmp_path / "both")
    (pack / "pack.toml").write_text(
        (pack / "pack.toml").read_text(encoding="utf-8").replace('version = "0.1"', 'version = "one"'),
        encoding="utf-8",
    )
    level = (pack / "one.toml").read_text(encoding="utf-8")
    (pack / "one.toml").write_text(level.replace("[scoring]", "[scoring]\nbudget = -1"), encoding="utf-8")
    fields = {(Path(p.file).name, p.field) for p in check_pack(pack).problems}
    assert fields == {("pack.toml", "version"), ("one.toml", "scoring.budget")}


def test_names_from_a_hostile_pack_reach_the_terminal_as_text(tmp_path, capsys):
    pack = _copy_pack(FIXTURE, tmp_path / "escape")
    level = (pack / "one.toml").read_text(encoding="utf-8")
    hostile = level.replace(
        "[[cards]]", '[scenario.topology]\nprimary_region = "\\u001b[2J\\u0007"\n\n[[cards]]'
    )
    (pack / "one.toml").write_text(hostile, encoding="utf-8")
    assert main(["pack", "validate", str(pack)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "unknown region '\\x1b[2J\\x07'" in out


def test_a_utf8_byte_order_mark_is_not_a_mistake(tmp_path):
    # Windows Notepad may save UTF-8 with an invisible byte-order mark: the author cannot see it, so it
    # must not turn into "TOML syntax error at line 1, column 1".
    pack = _copy_pack(FIXTURE, tmp_path / "bom")
    for name in ("pack.toml", "one.toml"):
        path = pack / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    level = (pack / "one.toml").read_text(encoding="utf-8-sig")
    (pack / "one.toml").write_bytes(
        b"\xef\xbb\xbf" + level.replace("[scoring]", "[scoring]\nbudget = -1").encode()
    )
    [problem] = check_pack(pack).problems
    # the line counts from the file's first visible line, as the editor shows it
    assert (problem.field, problem.line) == ("scoring.budget", level.splitlines().index("[scoring]") + 2)
    (pack / "one.toml").write_bytes(b"\xef\xbb\xbf" + level.encode())
    assert check_pack(pack).problems == []


@pytest.mark.parametrize(
    "stars, field, reason",
    [
        ("[600, 900, 1200]", "scoring.stars[2]", "three stars 1200 is above the budget 1000: no run can earn three stars"),
        ("[600, 1100, 1200]", "scoring.stars[1]", "two stars 1100 is above the budget 1000: no run can earn two or three stars"),
    ],
)  # fmt: skip
def test_stars_above_the_budget_are_a_warning(tmp_path, stars, field, reason):
    pack = _copy_pack(FIXTURE, tmp_path / "stars")
    level = (pack / "one.toml").read_text(encoding="utf-8")
    assert "budget" not in level  # the default budget, 1000
    (pack / "one.toml").write_text(
        level.replace("stars = [100, 200, 300]", f"stars = {stars}"), encoding="utf-8"
    )
    report = check_pack(pack)
    [problem] = report.problems
    assert (problem.severity, problem.field, problem.reason) == ("warning", field, reason)
    assert report.pack is not None  # the level can still be passed


def test_markup_in_a_pack_title_is_shown_literally(capsys):
    """Issue 11: `levels --pack` crashed with MarkupError on a pack title holding `[/]`."""
    assert main(["levels", "--pack", str(Path(__file__).parent / "fixtures" / "markup-title")]) == 0
    assert "[bold red]Markup[/] [/] in a pack title" in capsys.readouterr().out


def test_a_deep_or_long_keyed_file_is_refused_fast_in_every_command(tmp_path, capsys):
    """Issue 11: 600-deep arrays or a 500-part dotted key were a RecursionError traceback in validate,
    levels, simulate and solve; 20,000 parts kept validate busy past a minute."""
    pack = _copy_pack(FIXTURE, tmp_path / "deep")
    level = (pack / "one.toml").read_text(encoding="utf-8")
    (pack / "one.toml").write_text("a" + ".a" * 20_000 + " = 1\n" + level, encoding="utf-8")
    for args in (
        ["pack", "validate", str(pack)],
        ["levels", "--pack", str(pack)],
        ["simulate", "one", "--card", "primary", "--pack", str(pack)],
        ["pack", "solve", str(pack)],
    ):
        assert main(args) in (1, 2)
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err and "RecursionError" not in out + err
        assert "more than 16 parts" in out + err
