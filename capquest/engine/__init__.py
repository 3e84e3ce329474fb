"""The deterministic CAP engine: `simulate(scenario, strategy, seed) -> Outcome`.

A pure function: no I/O, no wall clock, no Textual or rich; the same inputs give a byte-identical
history (and digest) on any machine.

Modelling choices a level designer should know (details in the modules):
- `core`: integer-microsecond discrete-event simulation (the event loop); the parts it models live in
  `network`, `routing`, `servers`, `stock`, `worker`, `quorum_coordinator`, `replay` (see `core`).
- `servers`: connection pools in front of a CPU:
  `cores = None` is M/M/c (a FIFO pool, each connection serving alone); `cores = k` is processor sharing,
  so queries slow down as concurrency grows. Timed-out clients get an error at their deadline while a
  running query keeps its connection and CPU (then rolls back); `for_update` holds the connection while
  waiting for the row lock. A query on a `cores = None` server takes effect as it starts (a snapshot).
- `replication`: async replicas apply the log at max(commit + lag (+ spike), previous + 1/apply_rps).
- `quorum`: N nodes, LWW by timestamp, R and W as numbers or ONE/QUORUM/ALL, counters merge as grow-only
  counters; each node queues (the store's server model, as aggregate load at every scale) and applies a
  write after a constant or exponential delay; optional read repair.
- Scale: one simulated request stands for `scale` real ones (arrival rates are divided by it), but every
  server stays its real size: the full-rate traffic drives each server's queue as aggregate load
  (`aggregate`: Erlang C below saturation, a fluid backlog past it) and the sampled requests wait in that
  state. Races (row locks, the cache's GET-then-DECR, replica lag) happen between simulated requests;
  units of stock are never scaled.
- Metrics: counts are real-world (x scale) except `oversold_units`; `error_rate` counts timeouts and
  "unavailable", not "out of stock" (a correct answer); latency percentiles are over every request that got
  an answer, a timeout counting as its timeout. Anomaly counts follow `capquest.history` (see `anomalies`).
  `extra` holds engine figures: scale, primary.pool_peak / pool_size / pool_wait_ms, lock_waiters_peak,
  max_replica_lag_ms, worker.queue_peak.
- A card missing infrastructure falls back: replica or quorum reads/writes without replicas or a quorum
  store go to the primary; a cache is provided (in the primary's region) when a policy needs one.
"""

from __future__ import annotations

from capquest.engine.core import Simulation
from capquest.engine.model import Scenario, Strategy
from capquest.engine.outcome import Outcome
from capquest.engine.results import outcome_of

__all__ = ["simulate"]


def simulate(scenario: Scenario, strategy: Strategy, seed: int) -> Outcome:
    sim = Simulation(scenario, strategy, seed)
    sim.run()
    return outcome_of(sim)
