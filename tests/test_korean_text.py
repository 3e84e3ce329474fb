"""The Korean a player reads, checked where a rule can be stated (issue 13 §5.7): every Korean string of the
UI catalogues and of the built-in level packs (briefings, cards, hints, tutorial steps, quizzes, glossary).

- No particle written for one ending right after a {placeholder}: '{n}이' is wrong when n ends in a vowel,
  '{path}을' when it ends in one. A sentence is rephrased ('{node} 노드는', "'{got}': 정수가 아닙니다") or,
  as a last resort, uses a form that reads right either way ('이(가)', '(으)로').
- One Korean word per concept, the seed's and the glossary's (복제본, 프라이머리, 타임아웃, ...).
- No English word left untranslated in the prose the player reads (code, key names and config values
  excepted, listed below)."""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "capquest" / "i18n" / "catalog"
LEVELS = ROOT / "levels"


def _korean_in(node: object, where: str) -> list[tuple[str, str]]:
    """Every {"en": ..., "ko": ...} text under a parsed TOML document, as (location, Korean)."""
    if isinstance(node, dict):
        if isinstance(node.get("ko"), str):
            return [(where, node["ko"])]
        return [found for key, value in node.items() for found in _korean_in(value, f"{where}.{key}")]
    if isinstance(node, list):
        return [found for i, value in enumerate(node) for found in _korean_in(value, f"{where}[{i}]")]
    return []


def _load(path: Path, prefix: str) -> list[tuple[str, str]]:
    return _korean_in(tomllib.loads(path.read_text(encoding="utf-8")), prefix)


CATALOGUE_TEXTS = [found for path in sorted(CATALOG.glob("*.toml")) for found in _load(path, path.stem)]
LEVEL_TEXTS = [
    found
    for path in sorted(LEVELS.glob("*/*.toml"))
    for found in _load(path, f"{path.parent.name}/{path.stem}")
]
# The screens of the game itself (the CLI's and the pack tools' messages name files, options and fields).
PLAYER_AREAS = ("play.", "shell.", "tutorial.", "why.", "sandbox.")
PLAYER_TEXTS = [(where, ko) for where, ko in CATALOGUE_TEXTS if where.startswith(PLAYER_AREAS)] + LEVEL_TEXTS
ALL_TEXTS = CATALOGUE_TEXTS + LEVEL_TEXTS

# A placeholder ({n}, {a:b}, {x!r}), maybe closed by a quote, then a particle whose form depends on whether
# the value ends in a consonant: 이/가, 을/를, 은/는, 과/와, (으)로, 였/이었, (이)라고. The copula
# (입니다, 이다, 이며, 이고, 이어야, 이었, 이라는) reads right after either ending and is allowed.
BARE_PARTICLE = re.compile(
    r"\{[^{}]*\}['\"’”]?"
    r"(?:이(?![(다며고었라어])|가(?!지)|을(?!\()|를|은(?!\()|는|과(?!\()|와|으로|로|였|라고|라는|랑|이랑)"
)


def _placeholders_removed(text: str) -> str:
    return "".join(
        literal + " "
        for literal, _, _, _ in string.Formatter().parse(text.replace("{{", "(").replace("}}", ")"))
    )


def test_the_texts_are_found() -> None:
    assert len(CATALOGUE_TEXTS) > 1000 and len(LEVEL_TEXTS) > 500


@pytest.mark.parametrize(("where", "ko"), ALL_TEXTS, ids=[where for where, _ in ALL_TEXTS])
def test_no_particle_written_for_one_ending_after_a_placeholder(where: str, ko: str) -> None:
    found = [ko[max(0, m.start() - 10) : m.end() + 5] for m in BARE_PARTICLE.finditer(ko)]
    assert not found, f"{where}: particle after a placeholder in {found}"


# The word the game uses, and the variants it replaced (the seed's chapter and the glossary decide).
ONE_WORD_PER_CONCEPT = {
    "복제본": ("레플리카",),
    "네트워크 분할": ("파티션", "분단"),
    "타임아웃": ("시간 초과",),
    "리전": ("지역",),
    "하이브리드": ("혼합",),
    "차트": ("그래프",),
    "트레이드오프": ("절충",),
    "자기 쓰기 읽기": ("자신이 쓴 것 읽기", "내 쓰기 읽기"),
    "재생": ("리플레이",),
    "연결 풀": ("커넥션 풀",),
    "프라이머리": ("주 서버",),
    "방향키": ("화살표",),
    "지연": ("지연 시간",),  # p99 지연, as on the results
}


@pytest.mark.parametrize(("where", "ko"), ALL_TEXTS, ids=[where for where, _ in ALL_TEXTS])
def test_one_korean_word_per_concept(where: str, ko: str) -> None:
    for word, variants in ONE_WORD_PER_CONCEPT.items():
        for variant in variants:
            assert variant not in ko, f"{where}: {variant!r} where the game says {word!r}: {ko!r}"


# Lower-case Latin words that rightly stay in Korean prose: code, commands, config values, keys, units.
CODE_AND_KEYS = {
    # keys the player presses
    "ctrl",
    "esc",
    "tab",
    "space",
    "enter",
    # units
    "ms",
    # code quoted in the story (the seed's Python, Redis commands, SQL values, MongoDB/Cassandra settings)
    "self",
    "master",
    "get",
    "if",
    "decr",
    "redis",
    "stock",
    "qty",
    "local",
    "majority",
    "linearizable",
    "quorum",
    "readConcern",
    "writeConcern",
    "true",
    "false",
    "none",
    "etcd",
    "pg_stat_activity",
    "pg_last_xact_replay_timestamp",
    # terms glossed in parentheses beside their Korean word
    "reads",
    "staleness",
    "bounded",
    "sloppy",
    "hinted",
    "handoff",
    # the 'vs' of the seed's '1 vs 2 RCU', quoted
    "vs",
    # the game's commands and pack fields, written as typed
    "capquest",
    "pack",
    "validate",
    "sandbox",
    "simulate",
    "card",
    "level",
    "toml",
    "id",
    "hybrid",
    "concepts",
    "concept",
    "action",
    "await",
    "highlight",
    "target",
    "text",
    "correct",
    "assign_class",
    "data_class",
    "install",
    "list",
    # example names typed into the sandbox's fields
    "seoul",
    "busan",
    "replica",
}


@pytest.mark.parametrize(("where", "ko"), PLAYER_TEXTS, ids=[where for where, _ in PLAYER_TEXTS])
def test_no_english_word_left_in_korean_prose(where: str, ko: str) -> None:
    plain = re.sub(r"`[^`]*`", " ", _placeholders_removed(ko))
    words = re.findall(r"[A-Za-z][A-Za-z_-]*", plain)
    # Names, acronyms and glossed terms are capitalised (PostgreSQL, CAP, p99's unit aside); a lower-case
    # word of two letters or more is English prose unless it is code or a key.
    parts = [part for w in words if w[0].islower() for part in w.split("-")]  # Read-your-writes: a gloss
    left = [w for w in parts if len(w) > 1 and w not in CODE_AND_KEYS]
    assert not left, f"{where}: English {left} in {ko!r}"
