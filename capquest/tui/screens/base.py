"""What every capquest screen shares: bindings whose descriptions follow the language live, a hook to
re-render texts when the language changes, and what the help screen shows about it.

A binding's description is a catalogue key ("shell.bind.back"); `localise_bindings` swaps in the text of
the current language, so the footer, the help screen and the command palette switch with it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen

from capquest.i18n import t


def _is_key(description: str) -> bool:
    head, dot, tail = description.partition(".")
    return bool(dot and head and tail and " " not in description)


def localise_bindings(node: DOMNode) -> None:
    """Rebuild `node`'s bindings from its class bindings with descriptions in the current language."""
    merged = type(node)._merged_bindings
    if merged is None:
        return
    keys: dict[str, list[Binding]] = {}
    for key, bindings in merged.key_to_bindings.items():
        keys[key] = [
            replace(b, description=t(b.description)) if _is_key(b.description) else b for b in bindings
        ]
    node._bindings = BindingsMap.from_keys(keys)


class Localised:
    """Mixin for screens: `retranslate` re-renders texts in the new language."""

    def _localise_on_init(self) -> None:
        localise_bindings(self)  # type: ignore[arg-type]

    async def retranslate(self) -> None:
        """Called by the app after the language changed. The default rebuilds the screen's widgets;
        screens with state worth keeping override it."""
        localise_bindings(self)  # type: ignore[arg-type]
        await self.recompose()  # type: ignore[attr-defined]

    def state_changed(self) -> None:
        """Called by the app when the pack finished loading or the progress changed."""

    def help_text(self) -> str:
        """A few lines about this screen for the help screen."""
        return ""

    def help_concepts(self) -> list[Any]:
        """Glossary concepts (capquest.packs.model.Concept) the help screen explains for this screen."""
        return []


class CapQuestScreen(Localised, Screen):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._localise_on_init()


class CapQuestModal(Localised, ModalScreen):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._localise_on_init()
