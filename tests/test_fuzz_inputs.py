"""Fuzzing every kind of file capquest reads from someone else: a pack, a save, an export, a history.

Each test mutates a valid built-in file (hypothesis: bytes flipped, cut short, hostile values put in
place of real ones -- control characters, inf and nan, 5,000-digit numbers, 600-deep nesting, 500-part
keys, wrong types) and runs the headless command that reads it. What must hold, whatever the file:
a clean answer or one clean line of error (exit 2), or the file set aside -- never a traceback, never a
hang (2 s per example), and no control character other than newline and tab in what is printed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgpack
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capquest.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_PACK = ROOT / "levels" / "example"
GOLDEN_PROGRESS = ROOT / "saves" / "progress-v1.msgpack"
GOLDEN_EXPORT = ROOT / "saves" / "export-v1.capquest"
HISTORY = ROOT / "tests" / "checker" / "histories" / "seed_replica_oversell.json"

FUZZ = settings(
    max_examples=200,
    deadline=2000,  # ms: a hang is a failure
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=False,
)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# ------------------------------------------------------------------------------------------ shared parts
@contextlib.contextmanager
def captured() -> Iterator[tuple[io.StringIO, io.StringIO]]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        yield out, err


def run_clean(args: list[str]) -> tuple[int, str, str]:
    """Run a command in-process: any exception escaping it is a traceback the user would see."""
    with captured() as (out, err):
        code = main(args)
    stdout, stderr = out.getvalue(), err.getvalue()
    for text in (stdout, stderr):
        found = CONTROL.search(text)
        assert found is None, f"control character {found.group()!r} printed: {text[:300]!r}"
    assert "Traceback" not in stdout + stderr
    if code == 2:
        assert len(stderr.strip().splitlines()) == 1, stderr
    return code, stdout, stderr


# Values a hostile file puts where a real one was.
HOSTILE_TEXT = [
    "\x1b]0;PWNED\x07",
    "\x1b[2J\x1b[41m",
    "\u009b31m",
    "\x00",
    "\x7f",
    "\r",
    '=HYPERLINK("x")',
    "[/]",
    "[bold red]x",
    "x" * 5000,
    "",
    "\u2028",
]
HOSTILE_NUMBERS: list[Any] = [0, -1, 2**63, -(2**70), 1e308, -1e308, 5e-324, float("inf"), float("nan")]


def hostile_value() -> st.SearchStrategy[Any]:
    deep: Any = []
    for _ in range(120):
        deep = [deep]
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.sampled_from(HOSTILE_NUMBERS),
        st.sampled_from([True, None, [], {}, deep, {"x": "\x1b"}, ["\x1b"] * 3, list(range(700))]),
        st.text(max_size=30),
        st.integers(),
    )


def byte_mutation(data: bytes) -> st.SearchStrategy[bytes]:
    """A file damaged as bytes: flipped, cut short, something inserted or repeated."""
    n = len(data)
    flip = st.tuples(st.integers(0, n - 1), st.integers(1, 255)).map(
        lambda p: data[: p[0]] + bytes([data[p[0]] ^ p[1]]) + data[p[0] + 1 :]
    )
    cut = st.integers(0, n - 1).map(lambda i: data[:i])
    insert = st.tuples(
        st.integers(0, n), st.sampled_from([b"\x1b[2J", b"\x00", b"\xff\xfe", b"\x9b", b"[[[[", b"\n" * 3])
    ).map(lambda p: data[: p[0]] + p[1] + data[p[0] :])
    repeat = st.tuples(st.integers(0, n - 1), st.integers(1, 64)).map(
        lambda p: data[: p[0] + p[1]] + data[p[0] :]
    )
    return st.one_of(flip, cut, insert, repeat)


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in nested maps and lists where a value sits (the containers included)."""
    found = [at] if at else []
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*at, key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found.extend(_paths(item, (*at, i)))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replace(copy[path[0]], path[1:], new)
    return copy


def value_mutation(data: Any) -> st.SearchStrategy[Any]:
    """The same structure with one to three values replaced by hostile ones (keys too, sometimes)."""
    paths = _paths(data)

    def one(current: Any) -> st.SearchStrategy[Any]:
        return st.tuples(st.sampled_from(paths), hostile_value()).map(lambda p: _replace(current, *p))

    def rename(current: Any) -> st.SearchStrategy[Any]:
        maps = [p for p in paths if isinstance(_at(current, p[:-1]), dict)]

        def renamed(choice: tuple[tuple[Any, ...], str]) -> Any:
            path, key = choice
            parent = _at(current, path[:-1])
            new_parent = {(key if k == path[-1] else k): v for k, v in parent.items()}
            return _replace(current, path[:-1], new_parent)

        return st.tuples(st.sampled_from(maps), st.sampled_from([*HOSTILE_TEXT[:4], "x" * 100])).map(renamed)

    step = st.one_of(one(data), rename(data))
    return st.lists(step, min_size=1, max_size=1).map(lambda changed: changed[0])


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


# ------------------------------------------------------------------------------------------------ packs
PACK_FILES = sorted(p.name for p in EXAMPLE_PACK.glob("*.toml"))
TOML_VALUES = [
    '"\\u001b]0;PWNED\\u0007"', '"\\u009b31m"', '"\\u0000"', "inf", "nan", "-inf", "1e308", "-1", "true",
    '"5"', "9" * 5000, "[" * 600 + "]" * 600, "[" * 40 + "]" * 40, '{ en = "\\u001b[2J" }', "[]", '""',
    '"' + "x" * 5000 + '"', "{ }", "1979-05-27T07:32:00Z",
]  # fmt: skip
TOML_LINES = [
    "a" + ".a" * 499 + " = 1",
    "a" + ".a" * 20 + " = 1",
    "[" + ".".join(["t"] * 30) + "]",
    'title = { en = "\\u001b]0;x\\u0007" }',
    "x = " + "{ a = " * 40 + "1" + " }" * 40,
    "[scenario.workload]\nduration_s = true",
    '[[cards]]\nid = "\\u001b"',
]  # fmt: skip


def toml_mutation(text: str) -> st.SearchStrategy[str]:
    lines = text.splitlines()
    assignments = [i for i, line in enumerate(lines) if "=" in line and not line.lstrip().startswith("#")]

    def replace_value(choice: tuple[int, str]) -> str:
        i, value = choice
        key = lines[i].split("=", 1)[0]
        return "\n".join([*lines[:i], f"{key}= {value}", *lines[i + 1 :]]) + "\n"

    def insert_line(choice: tuple[int, str]) -> str:
        i, line = choice
        return "\n".join([*lines[:i], line, *lines[i:]]) + "\n"

    return st.one_of(
        st.tuples(st.sampled_from(assignments), st.sampled_from(TOML_VALUES)).map(replace_value),
        st.tuples(st.integers(0, len(lines)), st.sampled_from(TOML_LINES)).map(insert_line),
        byte_mutation(text.encode()).map(lambda b: b.decode("utf-8", "surrogateescape")),
    )


@pytest.fixture(scope="module")
def pack_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz") / "example"
    shutil.copytree(EXAMPLE_PACK, folder)
    return folder


@st.composite
def damaged_pack_file(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(PACK_FILES))
    text = (EXAMPLE_PACK / name).read_text(encoding="utf-8")
    mutated = draw(toml_mutation(text))
    return name, mutated.encode("utf-8", "surrogateescape")


def _texts(value: Any) -> Iterator[str]:
    """Every string a loaded pack holds (what the game may show)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _texts(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _texts(v)


@pytest.mark.fuzz
@FUZZ
@given(damaged=damaged_pack_file())
def test_fuzz_pack(pack_copy: Path, damaged: tuple[str, bytes]) -> None:
    from capquest.packs import check_pack

    name, data = damaged
    target = pack_copy / name
    try:
        target.write_bytes(data)
        report = check_pack(pack_copy)
        if report.pack is None:
            # --no-design: the design checks simulate every card (their own tests); this is about reading
            code, _, _ = run_clean(["pack", "validate", "--no-design", str(pack_copy)])
            assert code == 1
        else:  # accepted: the game would show its texts
            shown = report.pack.manifest.model_dump(), *(lv.model_dump() for lv in report.pack.levels)
            for text in _texts(list(shown)):
                assert CONTROL.search(text.replace("\n", "").replace("\t", "")) is None, text
            code, _, _ = run_clean(["levels", "--pack", str(pack_copy)])
            assert code == 0
    finally:
        shutil.copyfile(EXAMPLE_PACK / name, target)


# ------------------------------------------------------------------------------------------------ saves
def _envelope_payload(path: Path) -> tuple[str, Any]:
    envelope = msgpack.unpackb(path.read_bytes())
    return envelope["kind"], msgpack.unpackb(envelope["payload"], strict_map_key=False)


def save_mutation(path: Path) -> st.SearchStrategy[bytes]:
    """A damaged file (bytes), or a well-formed envelope whose content a student edited (values)."""
    from capquest.saves.envelope import encode

    kind, payload = _envelope_payload(path)

    def reencoded(changed: Any) -> bytes:
        try:
            return encode(kind, changed) if isinstance(changed, dict) else msgpack.packb(changed)
        except (ValueError, OverflowError, TypeError):  # not packable (2**70): write it unchecked
            return msgpack.packb({"magic": "CAPQUEST", "payload": repr(changed)})

    return st.one_of(byte_mutation(path.read_bytes()), value_mutation(payload).map(reencoded))


@pytest.mark.fuzz
@FUZZ
@given(data=save_mutation(GOLDEN_PROGRESS))
def test_fuzz_save(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    from capquest.saves.store import ProgressStore

    monkeypatch.setattr(os, "fsync", lambda fd: None)  # durability is not what is fuzzed here

    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        (home / "progress.msgpack").write_bytes(data)
        monkeypatch.setenv("CAPQUEST_HOME", str(home))
        loaded = ProgressStore(home).load()
        for notice in loaded.notices:
            assert notice.kind in ("damaged", "upgraded")
            if notice.kind == "damaged":
                assert notice.kept_as is not None and notice.kept_as.read_bytes() == data  # set aside whole
            for lang in ("en", "ko"):
                assert CONTROL.search(notice.message(lang)) is None
        type(loaded.progress).model_validate(loaded.progress.model_dump())  # what the game holds is valid
        code, _, _ = run_clean(["export", "--name", "Fuzz", "--out", str(home / "out.capquest")])
        assert code in (0, 1)


# ----------------------------------------------------------------------------------------------- exports
class _Replay:
    """A cheap deterministic stand-in for the engine: the fuzz is about reading and printing."""

    def __init__(self, extra_packs: object = ()) -> None:
        pass

    def version(self, pack_id: str) -> str | None:
        return "1.0.0" if pack_id == "campaign" else None

    def level_order(self, pack_id: str) -> list[str]:
        return ["flash-sale", "partition", "hybrid-shop"]

    def __call__(self, pack_id: str, level_id: str, run: Any) -> Any:
        from capquest.classreport import CannotReplay, Problem, Replayed

        if pack_id != "campaign":
            raise CannotReplay(Problem("cannot_no_pack", (("pack", pack_id),)))
        return Replayed(score=812.5, digest="a" * 64, stars=2, passed=True)


@pytest.mark.fuzz
@FUZZ
@given(data=save_mutation(GOLDEN_EXPORT))
def test_fuzz_export(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    import capquest.classreport

    monkeypatch.setattr(capquest.classreport, "PackReplay", _Replay)
    with tempfile.TemporaryDirectory() as folder:
        handed_in = Path(folder) / "student.capquest"
        handed_in.write_bytes(data)
        code, _, _ = run_clean(["report", str(handed_in), "--csv", str(Path(folder) / "class.csv")])
        assert code in (0, 1)
        assert handed_in.read_bytes() == data  # a report never changes what it reads


# --------------------------------------------------------------------------------------------- histories
def history_mutation() -> st.SearchStrategy[bytes]:
    raw = HISTORY.read_bytes()
    data = json.loads(raw)

    def dumped(changed: Any) -> bytes:
        try:
            return json.dumps(changed).encode()
        except (ValueError, RecursionError):
            return raw

    text_edits = [
        b'{"format": "capquest-history", "n": ' + b"9" * 5000 + b"}",
        b"[" * 100_000,
        b'{"format": "capquest-history", "version": 1e999}',
    ]
    return st.one_of(
        byte_mutation(raw),
        value_mutation(data).map(dumped),
        st.sampled_from(text_edits),
    )


@pytest.mark.fuzz
@FUZZ
@given(data=history_mutation(), as_json=st.booleans())
def test_fuzz_history(data: bytes, as_json: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.json"
        path.write_bytes(data)
        code, out, _ = run_clean(["check", str(path), *(["--json"] if as_json else [])])
        assert code in (0, 1, 2)
        if as_json and code in (0, 1):
            json.loads(out)  # --json is JSON, NaN never in it


def test_the_unmutated_files_pass(pack_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The fuzz starts from files that are valid: a failure is the mutation's doing."""
    assert run_clean(["pack", "validate", "--no-design", str(pack_copy)])[0] == 0
    assert run_clean(["check", str(HISTORY)])[0] in (0, 1)
    import capquest.classreport

    monkeypatch.setattr(capquest.classreport, "PackReplay", _Replay)
    assert run_clean(["report", str(GOLDEN_EXPORT)])[0] in (0, 1)
    monkeypatch.setenv("CAPQUEST_HOME", str(tmp_path))
    shutil.copyfile(GOLDEN_PROGRESS, tmp_path / "progress.msgpack")
    assert run_clean(["export", "--name", "x", "--out", str(tmp_path / "x.capquest")])[0] == 0
