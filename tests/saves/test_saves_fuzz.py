"""Any damage to a save file is caught as a SaveFormatError (the store then sets it aside): never another
exception, never a silently different progress."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from capquest.errors import SaveFormatError
from capquest.saves.model import BestRun, LevelProgress, PackProgress, Progress, Settings
from capquest.saves.store import encode_progress, progress_from_bytes

PROGRESS = Progress(
    packs={
        "campaign": PackProgress(
            levels={
                "flash-sale": LevelProgress(
                    stars=2, best_score=812.5, attempts=3, passed=True,
                    best_run=BestRun(card="cp-lock", assign={"orders": "cp-lock"}, seed=1, score=812.5, digest="a" * 64),
                )
            },
            unlocked=["flash-sale"],
        )
    },
    settings=Settings(language="ko"),
    concepts_seen=["cap"],
)  # fmt: skip
GOOD = encode_progress(PROGRESS)


def test_the_good_file_reads_back() -> None:
    assert progress_from_bytes(GOOD) == (PROGRESS, 1)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(GOOD) - 1), st.integers(1, 255))
def test_a_changed_byte_is_caught(position: int, xor: int) -> None:
    damaged = bytearray(GOOD)
    damaged[position] ^= xor
    try:
        progress, _ = progress_from_bytes(bytes(damaged))
    except SaveFormatError:
        return
    # A few header bytes can change harmlessly (the app version text); the progress itself cannot.
    assert progress == PROGRESS


@settings(max_examples=100, deadline=None)
@given(st.integers(0, len(GOOD) - 1))
def test_a_cut_short_file_is_caught(length: int) -> None:
    try:
        progress_from_bytes(GOOD[:length])
    except SaveFormatError:
        return
    raise AssertionError(f"a file cut to {length} of {len(GOOD)} bytes was accepted")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_are_caught(data: bytes) -> None:
    try:
        progress_from_bytes(data)
    except SaveFormatError:
        return
    raise AssertionError("random bytes were accepted as a save")
