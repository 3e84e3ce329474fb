"""What the checker reports: anomalies (each pointing at the operations involved) and per-key
linearizability verdicts. Plain frozen dataclasses, so a view (the CLI, the game's "Why?" screen) can list
them, step through them, highlight their operations on a timeline and explain each in English or Korean.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

AnomalyKind = Literal[
    "oversold",
    "stale_read",
    "read_your_writes",
    "monotonic_read",
    "lost_update",
    "not_linearizable",
]
# Display order: the lesson's order (the seed's oversell first).
ANOMALY_KINDS: tuple[AnomalyKind, ...] = (
    "oversold",
    "stale_read",
    "read_your_writes",
    "monotonic_read",
    "lost_update",
    "not_linearizable",
)

Verdict = Literal["ok", "violation", "unknown"]


def format_time(us: int, lang: str | None = None, decimals: int = 3) -> str:
    """A history time (integer microseconds) as seconds, by default with millisecond precision:
    "2.104s" / "2.104초"."""
    from capquest.i18n import t

    return t("checker.seconds", lang, s=f"{us / 1_000_000:.{decimals}f}")


def time_decimals(times: list[int]) -> int:
    """The fewest decimals (3 to 6) that keep distinct times distinct: two microsecond times must never
    both read "t=0.000s" in one explanation."""
    distinct = set(times)
    for decimals in range(3, 6):
        if len({f"{us / 1_000_000:.{decimals}f}" for us in distinct}) == len(distinct):
            return decimals
    return 6


@dataclass(slots=True)  # not frozen: a frozen dataclass is several times slower to build, and a
class Anomaly:  # history may hold tens of thousands of anomalies. Treat it as read-only.
    """One anomaly.

    `ops` holds the ids of the operations involved, the anomalous one first (the order that oversold,
    the read that was stale, the write that was lost); `time` is when it showed (the read's invoke, the
    order's completion); `start`..`end` spans every involved operation, for a timeline window.
    `template` names the explanation in the `checker` string catalogue and `facts` fills it in; fact
    names starting with `t_` are times in microseconds."""

    kind: AnomalyKind
    key: str
    ops: tuple[int, ...]
    time: int
    start: int
    end: int
    session: int | None = None
    node: str = ""
    units: int = 1  # oversold units for "oversold"; 1 for the others
    template: str = ""
    facts: Mapping[str, Any] = field(default_factory=dict)

    def explain(self, lang: str | None = None) -> str:
        """The one-line explanation, in `lang` (default: the game's language)."""
        from capquest.i18n import t

        values: dict[str, Any] = {}
        times = [v for n, v in self.facts.items() if n.startswith("t_") and isinstance(v, int)]
        decimals = time_decimals(times)
        for name, value in self.facts.items():
            if name.startswith("t_") and isinstance(value, int):
                values[name] = format_time(value, lang, decimals)
            elif name == "ops" and isinstance(value, tuple | list):
                values[name] = ", #".join(str(v) for v in value)
            else:
                values[name] = value
        values.setdefault("key", self.key)
        values.setdefault("op", self.ops[0] if self.ops else "")
        values.setdefault("session", self.session if self.session is not None else "-")
        values.setdefault("node", self.node or "-")
        values.setdefault("units", self.units)
        try:
            return t(f"checker.{self.template}", lang, **values)
        except (KeyError, IndexError, ValueError):  # a template and its facts disagree: say so, don't crash
            return f"{self.kind}: {self.key} #{', #'.join(str(o) for o in self.ops)}"

    def title(self, lang: str | None = None) -> str:
        from capquest.i18n import t

        return t(f"checker.kind_{self.kind}", lang)

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "ops": list(self.ops),
            "time": self.time,
            "start": self.start,
            "end": self.end,
            "session": self.session,
            "node": self.node,
            "units": self.units,
            "facts": {k: list(v) if isinstance(v, tuple) else v for k, v in self.facts.items()},
            "explanation": self.explain(lang),
        }


@dataclass(frozen=True)
class KeyVerdict:
    """The linearizability verdict for one key. `method`: how it was decided ("read-mapping",
    "append-order", "counting", "schedule", "search"); `states`: search states explored (0 for the
    polynomial checks; the budget used when "unknown"); `witness`: op ids of a violation -- after
    `check`, a smallest set of them (see `checker.minimal`)."""

    key: str
    data: str  # "stock", "counter" or "register"
    verdict: Verdict
    method: str
    ops: int
    states: int = 0
    witness: tuple[int, ...] = ()
    minimal: bool = False  # the witness is shown 1-minimal: removing any one op makes it linearizable

    def describe(self, lang: str | None = None) -> str:
        from capquest.i18n import t

        return t(f"checker.verdict_{self.verdict}", lang, states=self.states)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "data": self.data,
            "verdict": self.verdict,
            "method": self.method,
            "ops": self.ops,
            "states": self.states,
            "witness": list(self.witness),
            "minimal": self.minimal,
        }
