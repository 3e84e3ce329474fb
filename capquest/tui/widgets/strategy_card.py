"""One strategy card in the hand: its number key, its class (cp / ap / hybrid, each with a colour), its
title and pitch, and — once played — the best score it earned."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from capquest.i18n import language, t
from capquest.packs.model import Card
from capquest.tui.widgets.glyphs import FANCY, Glyphs, stars


class StrategyCard(Static):
    DEFAULT_CSS = """
    StrategyCard {
        height: auto;
        padding: 0 1;
        border: round $panel-lighten-2;
        border-title-align: left;
        border-subtitle-align: right;
    }
    StrategyCard.-cp { border: round $primary; border-title-color: $primary; }
    StrategyCard.-ap { border: round $warning; border-title-color: $warning; }
    StrategyCard.-hybrid { border: round $accent; border-title-color: $accent; }
    StrategyCard.-cursor { background: $boost; border: heavy $foreground; }
    StrategyCard.-chosen { background: $success 15%; }
    .-ascii StrategyCard { border: ascii $panel-lighten-2; }
    .-ascii StrategyCard.-cp { border: ascii $primary; }
    .-ascii StrategyCard.-ap { border: ascii $warning; }
    .-ascii StrategyCard.-hybrid { border: ascii $accent; }
    .-ascii StrategyCard.-cursor { border: ascii $foreground; }
    """

    class Clicked(Message):
        def __init__(self, card_id: str) -> None:
            super().__init__()
            self.card_id = card_id

    cursor: reactive[bool] = reactive(False)
    chosen: reactive[bool] = reactive(False)

    def __init__(
        self,
        card: Card,
        number: int,
        *,
        glyphs: Glyphs = FANCY,
        ascii_borders: bool = False,
        best: tuple[float, int] | None = None,
    ) -> None:
        super().__init__(id=f"card-{card.id}", classes=f"-{card.class_}")
        self.card = card
        self.number = number
        self.glyphs = glyphs
        self.best = best  # (score, stars) of the best run of this card, when it has been played
        self.set_class(ascii_borders, "-ascii")

    def on_mount(self) -> None:
        self._paint()

    def set_best(self, best: tuple[float, int] | None) -> None:
        self.best = best
        self._paint()

    def _paint(self) -> None:
        lang = language()
        label = t(f"play.class_{self.card.class_}")
        mark = f" {t('play.hand_chosen')}" if self.chosen else ""
        self.border_title = f"{self.number} {label}{mark}"
        self.border_subtitle = f"{self.best[0]:.0f} {stars(self.best[1], self.glyphs)}" if self.best else ""
        body = Text(self.card.title.get(lang), style="bold")
        body.append("\n")
        body.append(self.card.pitch.get(lang), style="dim" if not self.cursor else "")
        self.update(body)

    def watch_cursor(self, value: bool) -> None:
        self.set_class(value, "-cursor")
        self._paint()

    def watch_chosen(self, value: bool) -> None:
        self.set_class(value, "-chosen")
        self._paint()

    def on_click(self) -> None:
        self.post_message(self.Clicked(self.card.id))
