"""Key-binding descriptions in the player's language.

A `Binding`'s description is fixed when its class is defined, so the play bindings carry a catalogue key
as description ("play.key_level_run", the shell's convention too); `localize_bindings` rebuilds a node's
bindings from its class bindings with the text of the current language. Screens call it on mount and
again from `retranslate` after a live language switch."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from capquest.i18n import t


def _is_key(description: str) -> bool:
    head, dot, tail = description.partition(".")
    return bool(dot and head and tail and " " not in description)


def localize_bindings(node: DOMNode) -> None:
    merged = type(node)._merged_bindings
    if merged is None:
        return
    keys: dict[str, list[Binding]] = {}
    for key, bindings in merged.key_to_bindings.items():
        keys[key] = [replace(b, description=t(b.description)) if _is_key(b.description) else b
                     for b in bindings]
    node._bindings = BindingsMap.from_keys(keys)
    node.refresh_bindings()
