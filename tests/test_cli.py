"""The headless CLI contract: JSON shape, exit codes, --lang placement, no Textual, determinism."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from capquest.cli import main


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "capquest", *args], capture_output=True, text=True, env=full_env, timeout=120
    )


@pytest.fixture(scope="module")
def campaign() -> list[dict]:
    out = run_cli("levels", "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_levels_json_shape(campaign: list[dict]) -> None:
    assert campaign, "the campaign has levels"
    ids = [level["id"] for level in campaign]
    assert len(ids) == len(set(ids)), "level ids are unique"
    for level in campaign:
        assert set(level) >= {"id", "title", "chapter", "cards"}
        assert level["cards"]
        for card in level["cards"]:
            assert set(card) == {"id", "title", "class"}
            assert card["class"] in {"cp", "ap", "hybrid"}


def test_lang_before_and_after_subcommand(campaign: list[dict]) -> None:
    before = run_cli("--lang", "ko", "levels", "--json")
    after = run_cli("levels", "--lang", "ko", "--json")
    assert before.returncode == after.returncode == 0
    assert before.stdout == after.stdout
    titles = [level["title"] for level in json.loads(before.stdout)]
    assert all(any("\uac00" <= ch <= "\ud7a3" for ch in title) for title in titles), titles
    assert titles != [level["title"] for level in campaign]


def test_lang_env_and_precedence(campaign: list[dict]) -> None:
    env_ko = run_cli("levels", "--json", env={"CAPQUEST_LANG": "ko"})
    flag_wins = run_cli("--lang", "en", "levels", "--json", env={"CAPQUEST_LANG": "ko"})
    assert json.loads(flag_wins.stdout) == campaign
    assert json.loads(env_ko.stdout) != campaign


def test_simulate_json_contract(campaign: list[dict]) -> None:
    level = campaign[0]
    card = level["cards"][0]["id"]
    out = run_cli("simulate", level["id"], "--card", card, "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) >= {
        "level",
        "card",
        "seed",
        "metrics",
        "score",
        "score_breakdown",
        "stars",
        "passed",
        "digest",
    }
    assert (data["level"], data["card"], data["seed"]) == (level["id"], card, 1)
    m = data["metrics"]
    for key in (
        "requests",
        "orders_accepted",
        "oversold_units",
        "compensated_orders",
        "stale_reads",
        "ryw_violations",
        "monotonic_violations",
        "error_rate",
        "latency_ms",
        "cost_units",
        "simulated_ops",
    ):
        assert key in m
    assert 0.0 <= m["error_rate"] <= 1.0
    assert set(m["latency_ms"]) >= {"p50", "p95", "p99"}
    assert m["latency_ms"]["p50"] <= m["latency_ms"]["p95"] <= m["latency_ms"]["p99"]
    assert set(data["score_breakdown"]) == {"oversell", "latency", "errors", "cost"}
    assert 0 <= data["stars"] <= 3
    assert len(data["digest"]) == 64


def test_same_run_same_bytes_across_hash_seeds(campaign: list[dict]) -> None:
    level = campaign[1] if len(campaign) > 1 else campaign[0]
    card = level["cards"][0]["id"]
    args = ("simulate", level["id"], "--card", card, "--json", "--seed", "7")
    a = run_cli(*args, env={"PYTHONHASHSEED": "1"})
    b = run_cli(*args, env={"PYTHONHASHSEED": "4242"})
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout
    c = run_cli("simulate", level["id"], "--card", card, "--json", "--seed", "8")
    assert json.loads(c.stdout)["digest"] != json.loads(a.stdout)["digest"]


def test_history_file_matches_digest(campaign: list[dict], tmp_path) -> None:
    from capquest.engine.outcome import history_digest

    level = campaign[0]
    card = level["cards"][0]["id"]
    target = tmp_path / "h.json"
    out = run_cli("simulate", level["id"], "--card", card, "--json", "--history", str(target))
    assert out.returncode == 0, out.stderr
    history = json.loads(target.read_text(encoding="utf-8"))
    assert history["format"] == "capquest-history"
    assert history_digest(history) == json.loads(out.stdout)["digest"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("simulate", "no-such-level", "--card", "x"), "no-such-level"),
        (("simulate", "{level}", "--card", "no-such-card"), "no-such-card"),
        (("simulate", "{level}"), "--card"),
        (("simulate", "{level}", "--assign", "nonsense"), "CLASS=CARD"),
        (("simulate", "{level}", "--card", "{card}", "--seed", "-3"), "--seed"),
        (("levels", "--frobnicate"), "--frobnicate"),
        (("--lang", "fr", "levels"), "fr"),
        (("pack",), "validate"),
    ],
)
def test_usage_errors_are_one_line_exit_2(campaign: list[dict], args: tuple[str, ...], needle: str) -> None:
    level = campaign[0]
    filled = [a.format(level=level["id"], card=level["cards"][0]["id"]) for a in args]
    out = run_cli(*filled)
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    assert needle in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("simulate", "{level}", "--card", "no-such-card"),
        ("simulate", "{level}", "--card", "{card}", "--assign", "no-such-class={card}"),
        ("simulate", "no-such-level", "--card", "x"),
    ],
)
def test_usage_errors_follow_the_language(campaign: list[dict], args: tuple[str, ...]) -> None:
    level = campaign[0]
    filled = [a.format(level=level["id"], card=level["cards"][0]["id"]) for a in args]
    english = run_cli(*filled, "--lang", "en").stderr
    korean = run_cli(*filled, "--lang", "ko").stderr
    assert english.isascii()
    assert any("\uac00" <= ch <= "\ud7a3" for ch in korean), korean


def test_unknown_level_names_what_exists(campaign: list[dict]) -> None:
    out = run_cli("simulate", "nope", "--card", "x")
    assert campaign[0]["id"] in out.stderr


def test_headless_commands_never_import_textual(campaign: list[dict], tmp_path) -> None:
    level = campaign[0]
    code = (
        "import sys, contextlib, io\n"
        "from capquest.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['levels', '--json']) == 0\n"
        f"    assert main(['simulate', {level['id']!r}, '--card', {level['cards'][0]['id']!r}, '--json']) == 0\n"
        "    assert main(['simulate', 'nope', '--card', 'x']) == 2\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'textual')\n"
        "assert not loaded, loaded\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("ok")


def test_engine_never_imports_textual_or_rich() -> None:
    code = (
        "import sys, capquest.engine, capquest.engine.model, capquest.play\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "assert not bad, bad\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


def test_readable_table_output(campaign: list[dict], capsys: pytest.CaptureFixture[str]) -> None:
    level = campaign[0]
    assert main(["simulate", level["id"], "--card", level["cards"][0]["id"]]) == 0
    text = capsys.readouterr().out
    assert "oversold units" in text and "digest" in text


# ------------------------------------------------------------------ the cli package and argparse's words
@pytest.mark.parametrize(
    ("args", "korean"),
    [
        (("--lang", "ko", "simulate"), "다음 인자가 필요합니다"),  # argparse: required arguments
        (("--lang", "ko", "levels", "--bogus"), "알 수 없는 인자"),  # argparse: unrecognized arguments
        (
            ("--lang=ko", "check", "x.json", "--svg"),
            "값이 하나 필요합니다",
        ),  # argparse: expected one argument
        (("--lang", "ko", "pack", "schema", "--which", "nope"), "잘못된 선택"),  # argparse: invalid choice
        (("--lang", "ko", "pack"), "하위 명령이 필요합니다"),
    ],
)
def test_argparse_errors_are_reissued_in_the_players_language(args: tuple[str, ...], korean: str) -> None:
    out = run_cli(*args)
    assert out.returncode == 2, out.stderr
    assert korean in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_help_is_translated(capsys: pytest.CaptureFixture[str]) -> None:
    for argv, needles in (
        (["--lang", "ko", "--help"], ("사용법:", "옵션", "안내 튜토리얼을 시작합니다")),
        (["simulate", "--lang", "ko", "--help"], ("사용법:", "종류마다 --assign을 따로 씁니다")),
        (["--lang", "en", "--help"], ("usage:", "start the guided tutorial")),
    ):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 0
        text = capsys.readouterr().out
        for needle in needles:
            assert needle in text, (argv, needle)


def test_every_command_module_registers_itself_and_building_the_parser_stays_cheap() -> None:
    # Each sub-command is capquest/cli/<name>.py with register() and run(); building the parser (done on
    # every start, the game's included) imports no pydantic, engine, checker or Textual.
    code = (
        "import sys, capquest.cli as cli\n"
        "parser = cli.build_parser()\n"
        "choices = next(a for a in parser._actions if a.dest == 'command').choices\n"
        "assert tuple(choices) == cli.COMMANDS, choices\n"
        "for name in cli.COMMANDS:\n"
        "    module = sys.modules[f'capquest.cli.{name}']\n"
        "    assert callable(module.register) and callable(module.run), name\n"
        "heavy = sorted(m for m in sys.modules if m.startswith(('pydantic', 'capquest.engine', 'capquest.checker', 'textual', 'capquest.packs')))\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
