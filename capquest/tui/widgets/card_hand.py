"""The hand of strategy cards: arrows move the cursor, enter/space (or a click, or the card's number key
on the level screen) chooses the card under it."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import ClassVar

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message

from capquest.packs.model import Card
from capquest.tui.widgets.glyphs import FANCY, Glyphs
from capquest.tui.widgets.strategy_card import StrategyCard

# Orders the player's last choices between the hand and the hybrid panel: Run reads which came last from
# the widgets themselves, not from messages that may still be on their way up when "r" arrives.
choice_stamps = itertools.count(1)


class CardHand(VerticalScroll, can_focus=True):
    DEFAULT_CSS = """
    CardHand { height: 1fr; padding: 0 1 0 0; }
    CardHand:focus { background-tint: $foreground 3%; }
    """

    BINDINGS: ClassVar = [
        Binding("up,k", "move(-1)", "play.key_hand_up", show=False, id="hand.up"),
        Binding("down,j", "move(1)", "play.key_hand_down", show=False, id="hand.down"),
        Binding("left", "move(-1)", "play.key_hand_left", show=False, id="hand.left"),
        Binding("right", "move(1)", "play.key_hand_right", show=False, id="hand.right"),
        Binding("enter,space", "choose", "play.key_hand_choose", id="hand.choose"),
    ]

    class Chosen(Message):
        """The player chose a card (by key, number or mouse)."""

        def __init__(self, hand: CardHand, card_id: str) -> None:
            super().__init__()
            self.hand = hand
            self.card_id = card_id

        @property
        def control(self) -> CardHand:
            return self.hand

    def __init__(
        self,
        cards: Sequence[Card],
        *,
        glyphs: Glyphs = FANCY,
        ascii_borders: bool = False,
        best: Mapping[str, tuple[float, int]] | None = None,
        compact: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.cards = tuple(cards)
        self.glyphs = glyphs
        self.ascii_borders = ascii_borders
        self.best = dict(best or {})
        self.cursor_index = 0
        # False: no card is under the cursor yet, so an Enter meant for something else (the narrator's
        # "next") does not choose one; an arrow or an Enter first shows the cursor.
        self.armed = True
        self.chosen_id: str | None = None
        self.chosen_at = 0  # a `choice_stamps` number: when a card was last chosen
        self.compact = compact

    def compose(self):
        for i, card in enumerate(self.cards):
            yield StrategyCard(
                card,
                i + 1,
                glyphs=self.glyphs,
                ascii_borders=self.ascii_borders,
                best=self.best.get(card.id),
                compact=self.compact,
            )

    def on_mount(self) -> None:
        self._show_cursor()

    def _card_widgets(self) -> list[StrategyCard]:
        return list(self.query(StrategyCard))

    def disarm(self) -> None:
        """Hide the cursor until the player moves it or presses Enter once (a number or a click still
        chooses at once: those are deliberate)."""
        self.armed = False
        for widget in self._card_widgets():
            widget.cursor = False

    def _show_cursor(self) -> None:
        for i, widget in enumerate(self._card_widgets()):
            widget.cursor = i == self.cursor_index
            widget.chosen = widget.card.id == self.chosen_id
        widgets = self._card_widgets()
        if widgets:
            self.scroll_to_widget(widgets[self.cursor_index], animate=False)

    @property
    def cursor_card(self) -> Card:
        return self.cards[self.cursor_index]

    def action_move(self, step: int) -> None:
        if self.armed:
            self.cursor_index = (self.cursor_index + step) % len(self.cards)
        self.armed = True
        self._show_cursor()

    def action_choose(self) -> None:
        if not self.armed:
            self.armed = True
            self._show_cursor()
            return
        self.choose(self.cursor_card.id)

    def choose(self, card_id: str | None) -> None:
        self.armed = True
        """Mark `card_id` as chosen (None: no card, e.g. a custom hybrid assignment) and tell the screen."""
        self.chosen_id = card_id
        if card_id is not None:
            self.chosen_at = next(choice_stamps)
            self.cursor_index = next(i for i, c in enumerate(self.cards) if c.id == card_id)
        self._show_cursor()
        if card_id is not None:
            self.post_message(self.Chosen(self, card_id))

    def set_best(self, card_id: str, best: tuple[float, int]) -> None:
        self.best[card_id] = best
        for widget in self._card_widgets():
            if widget.card.id == card_id:
                widget.set_best(best)

    def on_strategy_card_clicked(self, event: StrategyCard.Clicked) -> None:
        event.stop()
        self.focus()
        self.choose(event.card_id)
