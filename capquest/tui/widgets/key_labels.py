"""Key-binding descriptions in the player's language.

A `Binding`'s description is fixed when its class is defined, so the play bindings carry a catalogue key
as description ("play.key_level_run", the shell's convention too); `localize_bindings` rebuilds a node's
bindings from its class bindings with the text of the current language. Screens call it on mount and
again from `retranslate` after a live language switch."""

from __future__ import annotations

from textual.dom import DOMNode

from capquest.tui.screens.base import localise_bindings


def localize_bindings(node: DOMNode) -> None:
    """`localise_bindings` (the shell's, one implementation) and a footer refresh, for a mounted node."""
    localise_bindings(node)
    node.refresh_bindings()
