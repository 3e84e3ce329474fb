"""The list of anomalies in the "Why?" view: one line each (time, kind, key, the operations involved).
Enter or a click picks one; the screen moves the highlight as the player steps with n / p.

A run can hold thousands of stale reads, so the list shows at most `LIMIT` lines around the one being
explained: an OptionList of every anomaly would cost a noticeable pause to build.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import set_cell_size
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from capquest.checker import Anomaly, format_time
from capquest.i18n import t

LIMIT = 100
KIND_CELLS = 16  # kind names are cut to line the columns up (the explanation names them in full)
KEY_CELLS = 12


class AnomalyList(OptionList):
    """Options have ids "a<index>", the anomaly's index in the checker's report."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.shown: tuple[int, ...] = ()
        self.first = 0

    def show(self, anomalies: Sequence[Anomaly], indices: Sequence[int], cursor: int) -> None:
        """List `indices` (into `anomalies`), `LIMIT` of them around position `cursor`, highlighting it."""
        if (
            indices
            and indices[cursor] in self.shown
            and tuple(indices[self.first : self.first + LIMIT]) == self.shown
        ):
            first = self.first  # still on the page shown: only the highlight moves
        else:
            first = max(0, min(cursor - LIMIT // 2, len(indices) - LIMIT))
        window = tuple(indices[first : first + LIMIT])
        if window != self.shown:
            self.shown, self.first = window, first
            options: list[Option | None] = []
            for index in window:
                a = anomalies[index]
                line = Text()
                line.append(f"{format_time(a.time):>9} ", style="dim")
                line.append(set_cell_size(a.title(), KIND_CELLS), style="bold red")
                line.append(" ")
                line.append(set_cell_size(a.key, KEY_CELLS), style="bold")
                line.append(" #" + ", #".join(str(op) for op in a.ops))
                options.append(Option(line, id=f"a{index}"))
            self.clear_options()
            self.add_options(options)
            more = len(indices) - first - len(window)
            if more > 0:
                self.add_option(Option(Text(t("why.list_more", None, more=more), style="dim"), disabled=True))
        if indices:
            self.highlighted = cursor - first
