"""Problems found in a pack: file, field path, line and a plain-language reason.

pydantic's errors are translated here: its types (`extra_forbidden`, `greater_than_equal`, ...) become
sentences a teacher understands ("unknown field 'oversel_cost' (did you mean 'oversell_cost'?)"), and its
error locations become the dotted paths of the TOML file (`cards[0].policy.read_from`), with the line
found by `capquest.packs.positions`.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from capquest.packs.messages import say
from capquest.packs.positions import KeyLines
from capquest.untrusted import printable

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pack. `file` is the path as the user named it; `field` the dotted path of
    the key as written in the file ("" for the file as a whole); `line` 1-based, when it could be found."""

    file: str
    field: str
    line: int | None
    reason: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        label = f"{say('label_warning')}: " if self.severity == "warning" else ""
        field = f"{self.field}: " if self.field else ""
        return printable(f"{where}: {label}{field}{self.reason}")

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def field_path(loc: Iterable[str | int]) -> str:
    """("cards", 0, "policy", "read_from") -> "cards[0].policy.read_from"."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """ " (did you mean 'x'?)" for the closest candidate, or ""."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return say("did_you_mean", hint=close[0]) if close else ""


# ------------------------------------------------------------------------------ walking the model's types
def _unwrap(tp: Any) -> Any:
    """Strip Annotated and Optional: the type that holds fields or items."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


@functools.lru_cache(maxsize=256)
def _fields(tp: Any) -> dict[str, Any]:
    """Field name (as written in a file: aliases) -> type, for a pydantic model or a dataclass."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return {(f.alias or name): f.annotation for name, f in tp.model_fields.items()}
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        hints = typing.get_type_hints(tp, include_extras=True)
        return {f.name: hints[f.name] for f in dataclasses.fields(tp)}
    return {}


def type_at(root: Any, loc: Sequence[str | int]) -> Any:
    tp: Any = root
    for part in loc:
        tp = _unwrap(tp)
        origin = typing.get_origin(tp)
        if isinstance(part, int) and origin is tuple:
            args = typing.get_args(tp)
            tp = args[0] if len(args) == 2 and args[1] is Ellipsis else args[min(part, len(args) - 1)]
        elif origin is dict:
            tp = typing.get_args(tp)[1]
        else:
            tp = _fields(tp).get(str(part))
            if tp is None:
                return None
    return _unwrap(tp)


def shown_value(value: Any) -> str:
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{ ... }"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_PATTERNS = {
    r"^[a-z0-9][a-z0-9-]{0,47}$": "ident",
    r"^\d+\.\d+(\.\d+)?$": "version",
}


def _reason(error: dict[str, Any], root: Any) -> str:
    kind = error["type"]
    loc = error["loc"]
    ctx = error.get("ctx") or {}
    got = shown_value(error.get("input"))
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        name = str(loc[-1])
        return say("unknown_field", name=name) + did_you_mean(name, _fields(type_at(root, loc[:-1])))
    if kind in ("missing", "missing_argument", "missing_keyword_only_argument"):
        if loc and isinstance(loc[-1], int):
            return say("missing_item", n=loc[-1] + 1)
        return say("missing", name=loc[-1] if loc else "?")
    for key in ("ge", "gt", "le", "lt"):
        if key in ctx and kind.startswith(("greater", "less")):
            return say(key, limit=shown_value(ctx[key]), got=got)
    if kind == "string_too_long":
        return say("text_too_long", got=len(error.get("input") or ""), limit=ctx.get("max_length"))
    if kind == "string_too_short":
        return say("text_too_short")
    if kind == "too_short":
        return say("too_few", limit=ctx.get("min_length"), got=ctx.get("actual_length"))
    if kind == "too_long":
        return say("too_many", limit=ctx.get("max_length"), got=ctx.get("actual_length"))
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        return say(_PATTERNS.get(pattern, "pattern"), pattern=pattern, got=got)
    if kind == "literal_error":
        choices = str(ctx.get("expected", ""))
        options = [c.strip(" '") for c in choices.replace(" or ", ", ").split(",")]
        value = error.get("input")
        hint = did_you_mean(value, options) if isinstance(value, str) else ""
        return say("one_of", choices=choices, got=got) + hint
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return say("whole_number", got=got)
    if kind in ("float_type", "float_parsing", "finite_number"):
        return say("number", got=got)
    if kind in ("bool_type", "bool_parsing"):
        return say("boolean", got=got)
    if kind == "string_type":
        return say("text_type", got=got)
    if kind in ("model_type", "model_attributes_type", "dataclass_type", "dataclass_exact_type", "dict_type"):
        if ctx.get("class_name") == "Text":
            return say("text_table", got=got)
        return say("table", got=got)
    if kind in ("tuple_type", "list_type", "iterable_type"):
        return say("list", got=got)
    message = str(error.get("msg", kind))
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def real_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """pydantic's errors without the echoes: a "too few items" error on a list whose items themselves
    failed only repeats those failures (pydantic counts the items left after validation)."""
    errors = exc.errors(include_url=False)
    failed_parents = {tuple(e["loc"][:i]) for e in errors for i in range(len(e["loc"]))}
    return [dict(e) for e in errors if not (e["type"] == "too_short" and tuple(e["loc"]) in failed_parents)]


def translate(
    exc: ValidationError, root: Any, file: str, lines: KeyLines | None, *, prefix: Sequence[str | int] = ()
) -> list[Problem]:
    """Every error of `exc` as a Problem."""
    problems = []
    seen_levels: set[tuple[str | int, ...]] = set()
    for error in real_errors(exc):
        loc = tuple(part for part in error["loc"] if part != "[key]")
        reason = None
        # A quorum consistency level is a name or a number of nodes: pydantic reports a bad value once per
        # branch of that union (under tags like "literal['ONE',...]" and "constrained-int"); say it once.
        tags = [k for k, part in enumerate(loc) if isinstance(part, str) and _LEVEL_TAG.match(part)]
        if tags:
            loc = loc[: tags[0]]
            if loc in seen_levels:
                continue
            seen_levels.add(loc)
            reason = say("acks_value", got=shown_value(error.get("input")))
        full = (*prefix, *loc)
        problems.append(
            Problem(
                file=file,
                field=field_path(full),
                line=lines.line_of(full) if lines else None,
                reason=reason or _reason(error, root),
            )
        )
    return problems


_LEVEL_TAG = re.compile(r"^(literal\['ONE','QUORUM','ALL'\]|constrained-int)$")
