"""Key-binding descriptions in the player's language.

A `Binding`'s description is fixed when its class is defined, so the footer would stay in the language
the game started in. Every play binding has an id; its description is looked up as
`play.key_<id>` (dots in the id become underscores) when the node mounts, and again whenever
`localize_bindings` is called (the shell calls it on a live language switch)."""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from capquest.i18n import t


def localize_bindings(node: DOMNode) -> None:
    for key, bindings in node._bindings.key_to_bindings.items():
        localized = []
        for binding in bindings:
            if binding.id:
                catalog_key = "play.key_" + binding.id.replace(".", "_")
                text = t(catalog_key)
                if text != catalog_key:
                    binding = replace(binding, description=text)
            localized.append(binding)
        node._bindings.key_to_bindings[key] = localized
    node.refresh_bindings()
