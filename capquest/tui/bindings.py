"""Key-binding descriptions in the player's language.

A `Binding`'s description is fixed when its class is defined, so every binding of the game carries a
catalogue key as its description ("shell.bind.back", "play.key_level_run"); `localize_bindings` rebuilds a
node's bindings from its class bindings with the text of the current language, so the footer, the help
screen and the command palette switch with it. Screens call it when built and again after a live language
switch; the app calls it on itself.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from capquest.i18n import t


def _is_key(description: str) -> bool:
    head, dot, tail = description.partition(".")
    return bool(dot and head and tail and " " not in description)


def localize_bindings(node: DOMNode) -> None:
    """Rebuild `node`'s bindings from its class bindings with descriptions in the current language, and
    refresh the footer when the node is mounted."""
    merged = type(node)._merged_bindings
    if merged is None:
        return
    keys: dict[str, list[Binding]] = {}
    for key, bindings in merged.key_to_bindings.items():
        keys[key] = [
            replace(b, description=t(b.description)) if _is_key(b.description) else b for b in bindings
        ]
    node._bindings = BindingsMap.from_keys(keys)
    node.refresh_bindings()
