"""`check(history)`: every check over one history, as one Report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from capquest.checker.anomaly import ANOMALY_KINDS, Anomaly, KeyVerdict
from capquest.checker.linearizability import check_key
from capquest.checker.minimal import shrink_violation
from capquest.checker.sweeps import check_sweeps, partition_by_key, sort_anomalies
from capquest.history import History, key_kinds


@dataclass(frozen=True)
class Report:
    anomalies: tuple[Anomaly, ...]
    keys: tuple[KeyVerdict, ...] = ()  # empty when linearizability was not checked
    ops: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def by_kind(self, kind: str) -> list[Anomaly]:
        return [a for a in self.anomalies if a.kind == kind]

    def counters(self) -> dict[str, int]:
        """The figures the engine's Metrics also count (raw, unscaled), by the definitions in
        capquest.history: oversold_units, stale_reads, ryw_violations, monotonic_violations,
        lost_updates."""
        return {
            "oversold_units": self.counts.get("oversold", 0),
            "stale_reads": self.counts.get("stale_read", 0),
            "ryw_violations": self.counts.get("read_your_writes", 0),
            "monotonic_violations": self.counts.get("monotonic_read", 0),
            "lost_updates": self.counts.get("lost_update", 0),
        }

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        verdicts = Counter(k.verdict for k in self.keys)
        return {
            "ops": self.ops,
            "anomaly_count": len(self.anomalies),
            "counts": {kind: self.counts.get(kind, 0) for kind in ANOMALY_KINDS},
            "counters": self.counters(),
            "linearizability": {
                "ok": verdicts.get("ok", 0),
                "violation": verdicts.get("violation", 0),
                "unknown": verdicts.get("unknown", 0),
                "keys": [k.to_json() for k in self.keys],
            },
            "anomalies": [a.to_json(lang) for a in self.anomalies],
        }


def count_anomalies(anomalies: tuple[Anomaly, ...] | list[Anomaly]) -> dict[str, int]:
    """Per kind: the number of anomalies, except "oversold", which counts units."""
    counts: dict[str, int] = dict.fromkeys(ANOMALY_KINDS, 0)
    for a in anomalies:
        counts[a.kind] += a.units if a.kind == "oversold" else 1
    return counts


def check(
    history: History, *, linearizability: bool = True, budget: int | None = None, shrink: bool = True
) -> Report:
    """Check a (valid) history: the sweeps always, and per-key linearizability unless turned off (the
    play path may skip it to stay inside the run budget). `budget`: search states per key before
    "unknown" (default: grows with the key, `linearizability.budget_for`). A key whose search gave up
    is "unknown" in `keys`, never an anomaly. A key that is not linearizable is told by a 1-minimal
    subset of its operations (`shrink`; see `checker.minimal`)."""
    kinds = key_kinds(history)
    anomalies = check_sweeps(history, kinds)
    verdicts: list[KeyVerdict] = []
    if linearizability:
        initial = history["initial"]
        for key, ops in sorted(partition_by_key(history["ops"]).items()):
            data = kinds[key]
            result = check_key(key, data, ops, initial.get(key), budget)
            if result.verdict.verdict == "violation" and shrink:
                result = shrink_violation(key, data, ops, initial.get(key), result, budget)
            verdicts.append(result.verdict)
            if result.anomaly is not None:
                anomalies.append(result.anomaly)
        sort_anomalies(anomalies)
    return Report(
        anomalies=tuple(anomalies),
        keys=tuple(verdicts),
        ops=len(history["ops"]),
        counts=count_anomalies(anomalies),
    )
