"""One strategy card in the hand: its number key, its class (cp / ap / hybrid, each with a colour), its
title and pitch, and — once played — the best score it earned."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from capquest.i18n import language, t
from capquest.packs.model import Card
from capquest.scoring import score_text
from capquest.tui.widgets.glyphs import FANCY, Glyphs, pad, stars

_CLASS_STYLE = {"cp": "bold dodger_blue1", "ap": "bold dark_orange", "hybrid": "bold medium_purple1"}


class StrategyCard(Static):
    SCOPED_CSS = False  # the ASCII-borders rules match an ancestor (the app or screen) with "-ascii"
    DEFAULT_CSS = """
    StrategyCard {
        height: auto;
        padding: 0 1;
        border: round $panel-lighten-2;
        border-title-align: left;
        border-subtitle-align: right;
    }
    /* fixed colours, not theme variables: a card's class reads the same in every theme (and the chart) */
    StrategyCard.-cp { border: round #0087ff; border-title-color: #0087ff; }
    StrategyCard.-ap { border: round #ff8700; border-title-color: #ff8700; }
    StrategyCard.-hybrid { border: round #af87ff; border-title-color: #af87ff; }
    StrategyCard.-cursor { background: $boost; border: heavy $foreground; }
    StrategyCard.-compact.-cursor { border: heavy $foreground; }
    StrategyCard.-chosen { background: $success 15%; }
    StrategyCard.-compact { border: none; padding: 0 1 0 2; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    StrategyCard.-compact.-cursor { height: auto; text-wrap: wrap; padding: 0 1; }
    .-ascii StrategyCard { border: ascii $panel-lighten-2; }
    .-ascii StrategyCard.-cp { border: ascii #0087ff; }
    .-ascii StrategyCard.-ap { border: ascii #ff8700; }
    .-ascii StrategyCard.-hybrid { border: ascii #af87ff; }
    .-ascii StrategyCard.-cursor { border: ascii $foreground; }
    .-ascii StrategyCard.-compact { border: none; }
    .-ascii StrategyCard.-compact.-cursor { border: ascii $foreground; }
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
        compact: bool = False,
    ) -> None:
        """`compact`: one line (number, class, title) unless the cursor is on it, for big hands."""
        super().__init__(id=f"card-{card.id}", classes=f"-{card.class_}")
        self.compact = compact
        self.set_class(compact, "-compact")
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
        self.border_subtitle = (
            f"{score_text(self.best[0])} {stars(self.best[1], self.glyphs)}" if self.best else ""
        )
        if self.compact and not self.cursor:
            line = Text(f"{self.number} ", style="bold")
            # The badge column fits the language's widest class label (Korean 하이브리드 was cut to '하이브~').
            width = max(7, *(cell_len(t(f"play.class_{c}")) + 1 for c in ("cp", "ap", "hybrid")))
            line.append(pad(label, width), style=_CLASS_STYLE.get(self.card.class_, ""))
            line.append(self.card.title.get(lang))
            if self.chosen:
                line.append(f" {t('play.hand_chosen')}", style="green")
            if self.best:
                line.append(f"  {score_text(self.best[0])}", style="dim")
            self.update(line)
            return
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
