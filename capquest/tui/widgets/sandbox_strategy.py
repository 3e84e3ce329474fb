"""The sandbox's strategy panel: the cards (the level's and the ones made here), the policy knobs set by
hand, and a card per data class. Choosing posts `StrategyPanel.Chosen` with what to do; bad knobs get
their problem beside the field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from capquest.engine.model import DATA_CLASSES
from capquest.i18n import language, t
from capquest.packs.model import Card
from capquest.sandbox.knobs import KNOBS, KnobProblem


class StrategyPanel(Vertical):
    class Chosen(Message):
        """`kind`: "card" (value: its id), "knobs" (value: the knob texts), "mix" (value: data class ->
        card id)."""

        def __init__(self, kind: str, value: object) -> None:
            super().__init__()
            self.kind = kind
            self.value = value

    def __init__(
        self, cards: Sequence[Card], chosen: str, knobs: Mapping[str, str], *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.cards = list(cards)
        self.chosen = chosen
        self.knobs = dict(knobs)

    def _card_line(self, card: Card) -> str:
        mark = "*" if card.id == self.chosen else " "
        return f"{mark} [{card.class_.upper()}] {card.title.get(language())}"

    def compose(self) -> ComposeResult:
        yield Static(t("sandbox.strategy_cards"), classes="build-part", markup=False)
        # Text, not a markup string: "[CP]" and a pack's card titles are shown literally.
        yield OptionList(
            *(Option(Text(self._card_line(c)), id=c.id) for c in self.cards), id="strategy-cards"
        )
        yield Static(t("sandbox.strategy_knobs"), classes="build-part", markup=False)
        for name, choices in KNOBS:
            with Horizontal(classes="build-row"):
                yield Static(t(f"sandbox.knob_{name}"), classes="build-label", markup=False)
                if choices:
                    yield Select(
                        [(c, c) for c in choices],
                        value=self.knobs.get(name, choices[0])
                        if self.knobs.get(name) in choices
                        else choices[0],
                        allow_blank=False,
                        id=f"knob-{name}",
                        classes="build-input",
                        compact=True,
                    )
                else:
                    yield Input(
                        self.knobs.get(name, ""), id=f"knob-{name}", classes="build-input", compact=True
                    )
            yield Static("", id=f"knob-problem-{name}", classes="build-problem", markup=False)
        yield Button(t("sandbox.use_knobs"), id="use-knobs", compact=True)
        yield Static(t("sandbox.strategy_mix"), classes="build-part", markup=False)
        plain = [c for c in self.cards if not c.assign]
        for dc in DATA_CLASSES:
            with Horizontal(classes="build-row"):
                yield Static(t(f"play.dc_{dc}"), classes="build-label", markup=False)
                yield Select(
                    [(c.title.get(language()), c.id) for c in plain],
                    prompt=t("sandbox.mix_default"),
                    id=f"mix-{dc}",
                    classes="build-input",
                    compact=True,
                )
        yield Button(t("sandbox.use_mix"), id="use-mix", compact=True)

    def knob_values(self) -> dict[str, str]:
        out = {}
        for name, _ in KNOBS:
            widget = self.query_one(f"#knob-{name}")
            value = widget.value if isinstance(widget, (Select, Input)) else ""
            out[name] = "" if value is Select.NULL else str(value)
        return out

    def show(self, problems: tuple[KnobProblem, ...]) -> None:
        by_field = {p.field: p.text() for p in problems}
        for name, _ in KNOBS:
            line = self.query_one(f"#knob-problem-{name}", Static)
            line.update(by_field.get(name, ""))
            line.display = name in by_field

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen("card", event.option.id))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "use-knobs":
            self.post_message(self.Chosen("knobs", self.knob_values()))
        elif event.button.id == "use-mix":
            mix = {}
            for dc in DATA_CLASSES:
                value = self.query_one(f"#mix-{dc}", Select).value
                if value is not Select.NULL:
                    mix[dc] = str(value)
            self.post_message(self.Chosen("mix", mix))
