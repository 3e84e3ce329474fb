"""The save format: one msgpack envelope around a msgpack payload.

    {"magic": "CAPQUEST", "format": <int>, "app": "<capquest version>", "kind": "progress" | "export",
     "checksum": "<sha256 hex of payload>", "payload": <bytes: the packed payload>}

The payload is packed on its own, so the checksum covers exactly the bytes stored. Maps are packed with
sorted keys, so the same progress always gives the same bytes. An older format version is upgraded by
`MIGRATIONS` (one function per step, v -> v+1) before validation; a newer one is refused.
See `saves/README.md` for the history of format versions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import msgpack

from capquest import __version__
from capquest.errors import SaveFormatError, SaveReason
from capquest.inputfiles import InputFileRefused, read_input

MAGIC = "CAPQUEST"
FORMAT_VERSION = 1
_MAGIC_BYTES = msgpack.packb(MAGIC)
MAX_FILE_BYTES = 16 * 1024 * 1024  # far above any real progress; refuses a hostile file early
Kind = Literal["progress", "export"]
Reason = SaveReason

# MIGRATIONS[v] turns a payload of format v into one of format v+1 (plain msgpack data in, out).
# Format 1 is the first released format, so there is no step yet; the first one will be MIGRATIONS[1].
Migration = Callable[[dict[str, Any]], dict[str, Any]]
MIGRATIONS: dict[int, Migration] = {}


def read_save_bytes(path: Path) -> bytes:
    """The bytes of a save or export file, looked at before it is read (`capquest.inputfiles`): a pipe, a
    device or a file over MAX_FILE_BYTES is a SaveFormatError ("not_a_file", "too_big") without a byte
    read. FileNotFoundError and other OSErrors pass through."""
    try:
        return read_input(path, MAX_FILE_BYTES)
    except InputFileRefused as exc:
        raise SaveFormatError(exc.refusal, exc.strerror or str(exc)) from None


@dataclass(frozen=True)
class Decoded:
    kind: Kind
    format: int  # the format version the file was written in (the payload is upgraded to FORMAT_VERSION)
    app: str
    payload: dict[str, Any]


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _canonical(value[k]) for k in sorted(value)}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def encode(
    kind: Kind, payload: dict[str, Any], *, format_version: int = FORMAT_VERSION, app: str = __version__
) -> bytes:
    packed = msgpack.packb(_canonical(payload), use_bin_type=True)
    envelope = {
        "magic": MAGIC,
        "format": format_version,
        "app": app,
        "kind": kind,
        "checksum": hashlib.sha256(packed).hexdigest(),
        "payload": packed,
    }
    return msgpack.packb(envelope, use_bin_type=True)


def _unpack(data: bytes, what: str) -> Any:
    try:
        return msgpack.unpackb(data, raw=False, strict_map_key=True)
    except Exception as exc:  # msgpack raises ValueError, ExtraData, FormatError, StackError...
        raise SaveFormatError("unreadable", f"{what} is not complete msgpack data ({exc})") from None


def decode(data: bytes, expected: Kind) -> Decoded:
    """Check and open an envelope; raise SaveFormatError if anything is off. The payload is upgraded to
    the current format version but not yet validated against the models."""
    if len(data) > MAX_FILE_BYTES:
        raise SaveFormatError("too_big", f"the file is larger than {MAX_FILE_BYTES} bytes")
    # The envelope's first key is "magic", so its value sits in the first bytes: a file without it is not
    # ours at all (rather than a truncated one of ours).
    if _MAGIC_BYTES not in data[:32]:
        raise SaveFormatError("bad_magic", "the file does not start with a capquest envelope")
    envelope = _unpack(data, "the file")
    if not isinstance(envelope, dict) or envelope.get("magic") != MAGIC:
        raise SaveFormatError("bad_magic", "the file does not start with a capquest envelope")
    version = envelope.get("format")
    app = envelope.get("app")
    kind = envelope.get("kind")
    checksum = envelope.get("checksum")
    packed = envelope.get("payload")
    if not (
        isinstance(version, int)
        and isinstance(app, str)
        and isinstance(kind, str)
        and isinstance(checksum, str)
        and isinstance(packed, bytes)
    ):
        raise SaveFormatError("bad_content", "the envelope lacks a field or has one of the wrong type")
    if version > FORMAT_VERSION:
        raise SaveFormatError(
            "newer_version",
            f"format {version} (written by capquest {app}); this capquest reads up to {FORMAT_VERSION}",
        )
    if kind != expected:
        raise SaveFormatError("wrong_kind", f"this is a {kind!r} file, not a {expected!r} file")
    if hashlib.sha256(packed).hexdigest() != checksum:
        raise SaveFormatError("bad_checksum", "the checksum does not match the content")
    payload = _unpack(packed, "the payload")
    if not isinstance(payload, dict):
        raise SaveFormatError("bad_content", "the payload is not a map")
    for step in range(version, FORMAT_VERSION):
        migrate = MIGRATIONS.get(step)
        if migrate is None:
            raise SaveFormatError("older_version", f"format {version} is too old to upgrade")
        try:
            payload = migrate(payload)
        except Exception as exc:  # a migration meets an old file as it is: damaged ones included
            raise SaveFormatError("bad_content", f"upgrading from format {step} failed: {exc}") from None
    return Decoded(kind=kind, format=version, app=app, payload=payload)


def describe_validation_error(exc: Exception) -> str:
    """One line naming the first bad field of a pydantic ValidationError: 'packs.main.levels.l1.stars: ...'."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        # A bad key is part of the location: escape it, it may be anything (an escape code, for one).
        where = (
            ".".join(str(p) if str(p).isprintable() else repr(p) for p in first.get("loc", ())) or "(payload)"
        )
        more = len(errors()) - 1
        return f"{where}: {first.get('msg', 'invalid')}" + (f" (and {more} more)" if more else "")
    return str(exc)
