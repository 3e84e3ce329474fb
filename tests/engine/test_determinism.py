"""Same level + strategy + seed => the same history, in any process; a card is only its policies."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from capquest.engine import simulate
from capquest.engine.model import Policy
from capquest.packs.model import LevelFile
from capquest.play import strategy_for

from . import scenes

HERE = Path(__file__).parent
SCRIPT = """
import sys
sys.path.insert(0, {here!r})
import scenes
from capquest.engine import simulate
for name, scenario, strategy in [
    ("partition", scenes.partition_scene(), scenes.REPLICA_READS),
    ("quorum", scenes.quorum_scene(lagging_ms=300), scenes.quorum_strategy("ONE", "QUORUM")),
    ("ap", scenes.flash_sale(hot_stock=40, duration_s=2), scenes.AP_CACHE_QUEUE),
]:
    print(name, simulate(scenario, strategy, {seed}).digest)
"""


def _digests(hash_seed: str, seed: int) -> str:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(here=str(HERE), seed=seed)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def test_same_digest_in_two_processes_with_different_hash_seeds():
    first = _digests("0", 7)
    second = _digests("4242", 7)
    assert first == second
    assert len(first.splitlines()) == 3


def test_another_seed_changes_the_digest():
    scenario = scenes.partition_scene()
    a = simulate(scenario, scenes.REPLICA_READS, 1).digest
    b = simulate(scenario, scenes.REPLICA_READS, 2).digest
    assert a != b


def _level(card_id: str, card_class: str) -> LevelFile:
    text = {"en": "x", "ko": "x"}
    card = {
        "id": card_id,
        "title": text,
        "pitch": text,
        "explanation": text,
        "class": card_class,
        "policy": Policy(read_from="replica", ryw_window_ms=500),
        "classes": {"orders": Policy(stock_check="for_update")},
    }
    other = dict(card, id="other", policy=Policy(), classes={})
    return LevelFile.model_validate(
        {
            "id": "renaming",
            "chapter": "tests",
            "title": text,
            "briefing": text,
            "debrief": text,
            "scenario": scenes.partition_scene(duration_s=3),
            "cards": [other, card],
        }
    )


def test_renaming_a_card_and_its_class_leaves_the_digest_unchanged():
    a = _level("careful-replicas", "cp")
    b = _level("zzz-renamed", "ap")
    digest_a = simulate(a.scenario, strategy_for(a, "careful-replicas"), 5).digest
    digest_b = simulate(b.scenario, strategy_for(b, "zzz-renamed"), 5).digest
    assert digest_a == digest_b
    # and the policies do matter: the level's other card gives another history
    assert simulate(a.scenario, strategy_for(a, "other"), 5).digest != digest_a


def test_the_engine_imports_neither_textual_nor_rich():
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(HERE)!r})\n"
        "import scenes\n"
        "from capquest.engine import simulate\n"
        "simulate(scenes.partition_scene(duration_s=1), scenes.REPLICA_READS, 1)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
