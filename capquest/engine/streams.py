"""Seeded random streams: one `random.Random` per purpose, derived from the run seed by name.

A stream per purpose (arrivals, op choice, service times...) keeps a change in one part of the model from
shifting every other draw, and sha256 makes the derivation stable across machines and Python versions
(unlike `hash()`, which PYTHONHASHSEED salts)."""

from __future__ import annotations

import hashlib
import random


def stream(seed: int, name: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}:{name}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))
