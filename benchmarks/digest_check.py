"""Engine results, one line per (level, card) of the campaign, the example pack and the tutorial: level,
card, history digest, metrics JSON, trace hash.

Run before and after an engine change and `diff` the two outputs: an optimisation must not move a byte.

    python benchmarks/digest_check.py > /tmp/before.txt
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from capquest.packs import builtin_pack, load_pack  # noqa: E402
from capquest.play import run  # noqa: E402
from capquest.tutorial.course import load_course  # noqa: E402


def main() -> None:
    packs = [builtin_pack(), load_pack(ROOT / "levels" / "example"), load_course()]
    for pack in packs:
        for level in pack.levels:
            for card in level.cards:
                outcome = run(level, card.id).outcome
                metrics = json.dumps(dataclasses.asdict(outcome.metrics), sort_keys=True)
                trace = hashlib.sha256(repr(outcome.trace).encode()).hexdigest()[:16]
                print(f"{level.id} {card.id} {outcome.digest} {metrics} {trace}", flush=True)


if __name__ == "__main__":
    main()
