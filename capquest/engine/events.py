"""The simulation's vocabulary: time units, event kinds on the heap, and the step a query is at.

Events are tuples `(t, seq, kind, a, b)` on one heap (seq makes the order total and deterministic).
"""

US = 1_000_000  # microseconds per second: the clock's unit
TRACE_FRAMES = 50  # replay frames per run

# event kinds
EV_ARRIVE, EV_DONE, EV_PS_DEPARTURE, EV_WORKER, EV_FRAME, EV_QUORUM_READ, EV_RECONCILE, EV_START, EV_LOCK = (
    range(9)
)
# what a query does when it finishes
(
    STEP_READ,
    STEP_WRITE,
    STEP_DECREMENT,
    STEP_FOR_UPDATE,
    STEP_CONDITIONAL,
    STEP_CACHE_GET,
    STEP_CACHE_DECR,
    STEP_CACHE_ATOMIC,
    STEP_CACHE_WRITE,
) = range(9)

PRIMARY = 0  # the primary is always server 0
