"""Fakes shared by the tests, built on the product's own rules so they cannot drift from it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from capquest.saves.model import Progress
from capquest.saves.store import MemoryStore, RunRecorded


class MemoryProgressStore(MemoryStore):
    """The real store's changes on progress kept in memory (`capquest.saves.MemoryStore`), plus what tests
    read back: every run recorded (`runs`, as passed) and what each `reset` replaced (`backups`, as the real
    store keeps a file)."""

    def __init__(self, initial: Progress | None = None, notices: Iterable[Any] = ()) -> None:
        super().__init__(initial, tuple(notices))
        self.runs: list[dict[str, Any]] = []
        self.backups: list[Progress] = []

    def record_run(
        self,
        pack_id: str,
        level_id: str,
        card: str | None,
        assign: Mapping[str, str] | None,
        seed: int,
        score: float,
        stars: int,
        passed: bool,
        digest: str,
    ) -> RunRecorded:
        recorded = super().record_run(pack_id, level_id, card, assign, seed, score, stars, passed, digest)
        self.runs.append(
            {
                "pack": pack_id,
                "level": level_id,
                "card": card,
                "assign": dict(assign or {}),
                "seed": seed,
                "score": score,
                "stars": stars,
                "passed": passed,
                "digest": digest,
            }
        )
        return recorded

    def reset(self) -> Path | None:
        self.backups.append(self.progress)
        return super().reset()
