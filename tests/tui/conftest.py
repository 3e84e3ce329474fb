"""The snapshot/Pilot app builder for every TUI test (the shell's here, the play screens' in play/).

The `build_app` fixture returns `make_app`, which builds a `CapQuestApp` wired to fakes, so every frame is deterministic: an in-memory
pack (`fake_pack` fixture, built from the real pydantic pack models), an in-memory progress store
(`memory_store` fixture, a `MemoryProgressStore` from tests/fakes.py: the real store's rules in memory), a frozen clock, a fixed language, animations off. Use it directly with
`snap_compare(build_app(lang="ko"), terminal_size=(80, 24), run_before=...)` or `app.run_test()`.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fakes import MemoryProgressStore

from capquest.packs.model import Concept, LevelFile, Manifest
from capquest.tui.progress import LevelRecord

SIZES = {"small": (80, 24), "large": (120, 36)}
PACK_ID = "test-campaign"
FROZEN_TIME = 1_764_000_000.0  # 2025-11-24, a few days before Black Friday


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: float = FROZEN_TIME) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class FakePack:
    """An in-memory level pack with the API of `capquest.packs.Pack`."""

    manifest: Manifest
    levels: tuple[LevelFile, ...]
    concepts: tuple[Concept, ...] = ()
    path: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def level(self, level_id: str) -> LevelFile:
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(level_id)


def _text(en: str, ko: str) -> dict[str, str]:
    return {"en": en, "ko": ko}


def _card(card_id: str, cls: str, en: str, ko: str) -> dict[str, Any]:
    return {
        "id": card_id,
        "class": cls,
        "title": _text(en, ko),
        "pitch": _text(f"{en}: the pitch.", f"{ko}: 한 줄 소개."),
        "explanation": _text(f"Why {en} did that.", f"{ko}이(가) 그렇게 된 이유."),
    }


LEVELS = (
    ("black-friday", "night", "Black Friday, 3 a.m.", "블랙 프라이데이 새벽 3시", ("cap",)),
    ("the-replica", "night", "The read replica", "읽기 복제본", ("linearizability",)),
    ("five-in-stock", "night", "Five in stock, six sold", "재고 5개, 판매 6개", ("isolation",)),
    (
        "read-your-writes",
        "morning",
        "Where did my address go?",
        "내 주소는 어디로 갔나",
        ("read-your-writes",),
    ),
    ("the-partition", "morning", "The cable under the sea", "바다 밑 케이블", ("pacelc",)),
)
CONCEPTS = (
    (
        "cap",
        "CAP theorem",
        "CAP 정리",
        "During a network partition a replicated system chooses: answer (availability) or stay linearizable (consistency).",
        "네트워크 분할 중에 복제 시스템은 응답(가용성)과 선형성(일관성) 중 하나를 고릅니다.",
    ),
    (
        "linearizability",
        "Linearizability",
        "선형성",
        "Every operation appears to happen at one instant between its start and its end.",
        "모든 연산이 시작과 끝 사이의 한 순간에 일어난 것처럼 보입니다.",
    ),
    (
        "isolation",
        "Isolation is not consistency",
        "격리는 일관성이 아니다",
        "Fresh reads alone do not stop two buyers taking the last unit.",
        "최신 값을 읽는 것만으로는 두 구매자가 마지막 재고를 함께 가져가는 것을 막지 못합니다.",
    ),
    (
        "read-your-writes",
        "Read-your-writes",
        "자기 쓰기 읽기",
        "A session always sees its own writes.",
        "세션은 언제나 자기가 쓴 값을 봅니다.",
    ),
    (
        "pacelc",
        "PACELC",
        "PACELC",
        "If Partition: Availability or Consistency; Else: Latency or Consistency.",
        "분할 시에는 가용성 또는 일관성, 평상시에는 지연 시간 또는 일관성.",
    ),
)


def make_fake_pack(levels: int = len(LEVELS)) -> FakePack:
    """A small two-chapter campaign in English and Korean, valid by the real pack models."""
    manifest = Manifest.model_validate(
        {
            "id": PACK_ID,
            "title": _text("Black Friday", "블랙 프라이데이"),
            "author": "capquest tests",
            "version": "1.0",
            "languages": ["en", "ko"],
            "chapters": [
                {"id": "night", "title": _text("Chapter 1: The night", "1장: 그날 밤")},
                {"id": "morning", "title": _text("Chapter 2: The morning after", "2장: 다음 날 아침")},
            ],
            "levels": [lv[0] for lv in LEVELS[:levels]],
        }
    )
    files = tuple(
        LevelFile.model_validate(
            {
                "id": level_id,
                "chapter": chapter,
                "title": _text(en, ko),
                "briefing": _text(
                    f"{en}. Traffic is twenty times the usual and the pager will not stop.",
                    f"{ko}. 트래픽은 평소의 20배이고 호출기는 멈추지 않습니다.",
                ),
                "debrief": _text("What happened.", "무슨 일이 있었나."),
                "concepts": list(concepts),
                # Small, so a real run through the engine takes milliseconds in a test.
                "scenario": {"workload": {"duration_s": 1.0, "rate": [{"at_s": 0.0, "rps": 300.0}]}},
                "cards": [
                    _card("primary-only", "cp", "Everything on the primary", "모두 주 서버로"),
                    _card("cache-and-queue", "ap", "Cache and queue", "캐시와 큐"),
                ],
            }
        )
        for level_id, chapter, en, ko, concepts in LEVELS[:levels]
    )
    concepts = tuple(
        Concept.model_validate({"id": cid, "term": _text(en, ko), "body": _text(body_en, body_ko)})
        for cid, en, ko, body_en, body_ko in CONCEPTS
    )
    return FakePack(manifest=manifest, levels=files, concepts=concepts)


def make_memory_store(
    records: Mapping[str, LevelRecord | Mapping[str, Any]] | None = None,
    settings: Mapping[str, Any] | None = None,
    notices: Iterable[Any] = (),
    *,
    pack_id: str = PACK_ID,
    concepts_seen: Iterable[str] = (),
) -> MemoryProgressStore:
    """An in-memory store holding `records` (level id -> LevelRecord or its fields) for `pack_id`."""
    from capquest.saves.model import LevelProgress, PackProgress, Progress, Settings

    levels = {}
    for level_id, record in (records or {}).items():
        fields = record.__dict__ if isinstance(record, LevelRecord) else dict(record)
        levels[level_id] = LevelProgress(**fields)
    progress = Progress(
        packs={pack_id: PackProgress(levels=levels, unlocked=list(levels))} if levels else {},
        settings=Settings(**dict(settings or {})),
        concepts_seen=list(concepts_seen),
    )
    return MemoryProgressStore(initial=progress, notices=list(notices))


PASSED_TWO = {
    "black-friday": LevelRecord(best_score=912.0, stars=3, attempts=2, passed=True),
    "the-replica": LevelRecord(best_score=640.0, stars=1, attempts=4, passed=True),
}


def make_app(
    *,
    lang: str = "en",
    pack: Any = "fake",
    store: MemoryProgressStore | None = None,
    records: Mapping[str, Any] | None = None,
    settings: Mapping[str, Any] | None = None,
    notices: Iterable[str] = (),
    clock: FakeClock | None = None,
    start: str = "title",
):
    """A `CapQuestApp` on fakes. `pack="fake"` is `fake_pack()`; pass a pack object, a loader function
    or None (the built-in campaign, loaded in a worker). Either `store` or `records`/`settings`/`notices`
    to build an in-memory one."""
    from capquest.tui.app import CapQuestApp

    if store is None:
        store = make_memory_store(records, settings, notices)
    app = CapQuestApp(
        pack=make_fake_pack() if pack == "fake" else pack,
        store=store,
        clock=clock or FakeClock(),
        language=lang,
        start=start,  # type: ignore[arg-type]
    )
    app.animation_level = "none"
    return app


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests (Pilot tests) in a fresh event loop, without an asyncio plugin."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
        return True
    return None


# Fixtures, so test modules never import this file (a second conftest.py, e.g. in play/, would shadow it).
@pytest.fixture
def build_app():
    """`build_app(lang=..., records=..., settings=..., notices=..., pack=..., store=..., clock=...)`."""
    return make_app


@pytest.fixture
def fake_pack():
    """`fake_pack(levels=5)`: the in-memory test campaign."""
    return make_fake_pack


@pytest.fixture
def memory_store():
    """`memory_store(records, settings, notices)`: an in-memory progress store."""
    return make_memory_store


@pytest.fixture
def passed_two() -> dict[str, LevelRecord]:
    """Progress with the first two levels passed (3 and 1 stars)."""
    return dict(PASSED_TWO)


@pytest.fixture(autouse=True)
def _tui_env(tmp_path, monkeypatch):
    # Nothing a TUI test does may touch the real data folder; animations off for stable frames.
    monkeypatch.setenv("CAPQUEST_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.delenv("CAPQUEST_LANG", raising=False)


@pytest.fixture
def spawn_capquest(tmp_path: Path):
    """`spawn_capquest(*args, size=(rows, cols))`: the real `capquest` command in a pseudo-terminal
    (pexpect, utf-8), its data under a temporary CAPQUEST_HOME; the built-in campaign."""
    import pexpect

    script = Path(sys.executable).with_name("capquest")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "capquest"]
    children: list[pexpect.spawn] = []

    def spawn(*args: str, size: tuple[int, int] = (24, 80)) -> pexpect.spawn:
        env = {
            **os.environ,
            "CAPQUEST_HOME": str(tmp_path / "home"),
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "TEXTUAL_ANIMATIONS": "none",
        }
        env.pop("CAPQUEST_LANG", None)
        child = pexpect.spawn(
            command[0], [*command[1:], *args], env=env, dimensions=size, encoding="utf-8", timeout=30
        )
        children.append(child)
        return child

    yield spawn
    for child in children:
        if child.isalive():
            child.terminate(force=True)
