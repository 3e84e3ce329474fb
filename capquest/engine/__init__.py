"""The deterministic CAP engine: `simulate(scenario, strategy, seed) -> Outcome`.

A pure function: no I/O, no wall clock, no Textual or rich; the same inputs give a byte-identical
history (and digest) on any machine."""

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
