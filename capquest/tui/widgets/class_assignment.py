"""For hybrid levels: one row per data class, each assigned one of the level's plain cards. Up/down pick
the row, left/right cycle the card; a click on a row cycles it too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.message import Message
from textual.widget import Widget

from capquest.i18n import language, t
from capquest.packs.model import Card
from capquest.tui.widgets.card_hand import choice_stamps
from capquest.tui.widgets.glyphs import pad


class ClassAssignment(Widget, can_focus=True):
    SCOPED_CSS = False  # the ASCII-borders rules match an ancestor (the app or screen) with "-ascii"
    DEFAULT_CSS = """
    ClassAssignment { height: auto; padding: 0 1; border: round $accent; text-wrap: nowrap; text-overflow: ellipsis; }
    ClassAssignment:focus { border: heavy $accent; }
    .-ascii ClassAssignment, .-ascii ClassAssignment:focus { border: ascii $accent; }
    """

    BINDINGS: ClassVar = [
        Binding("up", "row(-1)", "play.key_assign_up", show=False, id="assign.up"),
        Binding("down", "row(1)", "play.key_assign_down", show=False, id="assign.down"),
        Binding("left", "cycle(-1)", "play.key_assign_left", id="assign.left"),
        Binding("right", "cycle(1)", "play.key_assign_right", id="assign.right"),
    ]

    class Assigned(Message):
        """The player assigned `card_id` to `data_class`."""

        def __init__(self, data_class: str, card_id: str) -> None:
            super().__init__()
            self.data_class = data_class
            self.card_id = card_id

    def __init__(
        self,
        data_classes: Sequence[str],
        cards: Sequence[Card],
        *,
        initial: Mapping[str, str] | None = None,
        ascii_borders: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.data_classes = tuple(data_classes)
        self.cards = tuple(cards)
        self.assignment: dict[str, str] = {}
        self.edited_at = 0  # a `choice_stamps` number: when the player last changed the mix by hand
        self.set_assignment(initial or {})
        self.row = 0
        self.set_class(ascii_borders, "-ascii")

    def on_mount(self) -> None:
        self.border_title = t("play.assign_title")

    def set_assignment(self, mapping: Mapping[str, str]) -> None:
        ids = [c.id for c in self.cards]
        for dc in self.data_classes:
            self.assignment[dc] = mapping[dc] if mapping.get(dc) in ids else ids[0]
        self.refresh(layout=True)

    def mark_edited(self) -> None:
        """The shown mix is the player's own (not a hybrid card's): Run plays it as "custom"."""
        self.edited_at = next(choice_stamps)

    def _title(self, card_id: str) -> str:
        lang = language()
        return next(c.title.get(lang) for c in self.cards if c.id == card_id)

    def render(self) -> Text:
        label_w = max(cell_len(t(f"play.dc_{dc}")) for dc in self.data_classes) + 1
        out = Text()
        for i, dc in enumerate(self.data_classes):
            current = i == self.row and self.has_focus
            line = Text(pad(t(f"play.dc_{dc}"), label_w), style="bold" if current else "")
            line.append("< " if current else "  ", style="bold")
            line.append(self._title(self.assignment[dc]), style="reverse" if current else "")
            line.append(" >" if current else "  ", style="bold")
            if i:
                out.append("\n")
            out.append_text(line)
        return out

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_row(self, step: int) -> None:
        self.row = (self.row + step) % len(self.data_classes)
        self.refresh()

    def action_cycle(self, step: int) -> None:
        dc = self.data_classes[self.row]
        ids = [c.id for c in self.cards]
        self.assignment[dc] = ids[(ids.index(self.assignment[dc]) + step) % len(ids)]
        self.mark_edited()
        self.refresh(layout=True)
        self.post_message(self.Assigned(dc, self.assignment[dc]))

    def on_click(self, event: Click) -> None:
        if 0 <= event.y - 1 < len(self.data_classes):  # row 0 is the border
            self.row = event.y - 1
            self.action_cycle(1)
