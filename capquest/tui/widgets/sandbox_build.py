"""The sandbox's build form: one input per field of `capquest.sandbox.build.FIELDS`, grouped by the
part of the system it belongs to, each with its problem shown beside it (never a crash)."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Static

from capquest.engine.model import Scenario
from capquest.i18n import t
from capquest.sandbox.build import FIELDS, BuildProblem, scenario_of


class BuildForm(VerticalScroll):
    """Inputs named `build-<field>`; `read()` turns them into a scenario and shows each problem."""

    def __init__(self, form: Mapping[str, str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.form = dict(form)

    def compose(self) -> ComposeResult:
        part = ""
        for name, group in FIELDS:
            if group != part:
                part = group
                yield Static(t(f"sandbox.part_{group}"), classes="build-part", markup=False)
            with Horizontal(classes="build-row"):
                yield Static(t(f"sandbox.field_{name}"), classes="build-label", markup=False)
                yield Input(self.form.get(name, ""), id=f"build-{name}", classes="build-input", compact=True)
            yield Static("", id=f"build-problem-{name}", classes="build-problem", markup=False)

    def values(self) -> dict[str, str]:
        return {name: self.query_one(f"#build-{name}", Input).value for name, _ in FIELDS}

    def show(self, problems: tuple[BuildProblem, ...]) -> None:
        by_field = {p.field: p.text() for p in problems}
        for name, _ in FIELDS:
            line = self.query_one(f"#build-problem-{name}", Static)
            line.update(by_field.get(name, ""))
            line.display = name in by_field
            self.query_one(f"#build-{name}", Input).set_class(name in by_field, "-invalid")

    def read(self, base: Scenario) -> Scenario | None:
        """The scenario of the form, or None after showing every problem beside its field."""
        self.form = self.values()
        scenario, problems = scenario_of(self.form, base)
        self.show(problems)
        return scenario
