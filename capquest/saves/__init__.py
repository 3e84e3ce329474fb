"""Saved progress: the msgpack save format, the progress store the game uses, and class exports.

The game needs only `ProgressStore` (see `capquest.saves.store` for the whole story):

    store = ProgressStore()          # CAPQUEST_HOME, else the per-user data folder
    report = store.load()            # LoadReport: .progress, .notices (show each: notice.message())
    store.record_run(pack_id, level_id, card, assign, seed, score, stars, passed, digest)
    store.unlock(pack_id, level_id); store.set_setting("language", "ko"); store.settings
    store.set_tutorial_position(pack_id, level_id, step); store.mark_concept_seen(concept_id)
    store.reset()                    # keeps the old file as progress.reset-<n>.msgpack
    store.take_notices()             # after a change: a damaged file met while saving, a full disk

File names and the format are documented in `saves/README.md` at the top of the repository.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from capquest.saves.model import (
        BestRun,
        LevelProgress,
        PackProgress,
        Progress,
        Settings,
        TutorialPosition,
    )
    from capquest.saves.store import LoadReport, MemoryStore, Notice, ProgressStore, RunRecorded

_HOME = {
    "BestRun": "model", "LevelProgress": "model", "PackProgress": "model", "Progress": "model",
    "Settings": "model", "TutorialPosition": "model",
    "LoadReport": "store", "MemoryStore": "store", "Notice": "store", "ProgressStore": "store",
    "RunRecorded": "store",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    # Imported on first use, so `capquest.saves.peek` (read by the light headless CLI) needs no pydantic.
    if name in _HOME:
        import importlib

        return getattr(importlib.import_module(f"capquest.saves.{_HOME[name]}"), name)
    raise AttributeError(f"module 'capquest.saves' has no attribute {name!r}")


__all__ = [
    "BestRun",
    "LevelProgress",
    "LoadReport",
    "MemoryStore",
    "Notice",
    "PackProgress",
    "Progress",
    "ProgressStore",
    "RunRecorded",
    "Settings",
    "TutorialPosition",
]
