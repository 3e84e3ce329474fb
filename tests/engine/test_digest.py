"""The digest's canonical JSON is byte for byte what json.dumps(sort_keys, compact, ensure_ascii=False)
writes, whatever a history holds: the fast encoder must never change a digest."""

from __future__ import annotations

import hashlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from capquest.engine import simulate
from capquest.engine.outcome import OPS_PER_CHUNK, canonical_json, history_digest

from . import scenes


def _slow(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def test_engine_histories_encode_as_json_dumps_does():
    for scenario, strategy in [
        (scenes.partition_scene(duration_s=2), scenes.REPLICA_READS),
        (scenes.quorum_scene(duration_s=1), scenes.quorum_strategy("ONE", "ONE")),
        (scenes.flash_sale(hot_stock=40, duration_s=1), scenes.AP_CACHE_QUEUE),
    ]:
        history = simulate(scenario, strategy, 1).history
        assert canonical_json(history) == _slow(history)


values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(values)
def test_any_json_value_encodes_as_json_dumps_does(value):
    assert canonical_json(value) == _slow(value)


def test_the_digest_hashes_the_canonical_json_chunk_by_chunk():
    """The digest is fed a chunk of ops at a time: the same sha256 as the whole text at once."""
    outcome = simulate(scenes.replica_oversell(rps=4000, duration_s=2), scenes.REPLICA_READS, 1)
    history = outcome.history
    assert len(history["ops"]) > 2 * OPS_PER_CHUNK + 1
    whole = hashlib.sha256(_slow(history)).hexdigest()
    assert outcome.digest == whole
    assert history_digest(history) == whole
    small = dict(history, ops=history["ops"][:3], note="ünïcode")
    assert history_digest(small) == hashlib.sha256(_slow(small)).hexdigest()


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(), values, max_size=5), st.lists(values, max_size=3 * OPS_PER_CHUNK // 1000))
def test_any_history_shaped_value_digests_as_its_canonical_json(top, ops):
    value = dict(top, ops=ops * 1000)  # long enough to be chunked when it has items
    assert history_digest(value) == hashlib.sha256(_slow(value)).hexdigest()
