"""The consistency checker: reads an operation history (`capquest.history`) and finds anomalies on its
own -- oversold units, stale reads, read-your-writes and monotonic-read violations, lost updates -- and
checks each key for linearizability. It imports nothing from the engine (a test holds it to that).

    from capquest.checker import check
    report = check(history)            # Report: anomalies, per-key verdicts, counts
    for a in report.anomalies:
        print(a.kind, a.ops, a.explain("ko"))

The timeline picture (rich renderables, for `capquest check --svg` and the game's "Why?" view) is in
`capquest.checker.timeline`, imported only by those who draw.
"""

from capquest.checker.anomaly import ANOMALY_KINDS, Anomaly, AnomalyKind, KeyVerdict, format_time
from capquest.checker.report import Report, check, count_anomalies

__all__ = [
    "ANOMALY_KINDS",
    "Anomaly",
    "AnomalyKind",
    "KeyVerdict",
    "Report",
    "check",
    "count_anomalies",
    "format_time",
]
