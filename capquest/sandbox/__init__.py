"""The sandbox: build a system, break it live, keep it as a level (floor 2; never imports Textual).

The whole state of a sandbox night is data: the built scenario, the seed, the player's *actions* on the
night (faults and surges at simulated moments, in the order taken) and the strategy chosen. Every view
re-simulates from the start on each change, through the play path, so a run in the sandbox and
`capquest simulate` of the saved level give the same bytes.

- `build`: the build form (regions, round trips, primary, replicas, cache, worker, quorum store, traffic)
  as plain text fields, turned into a `Scenario` with a problem beside each bad field.
- `schedule`: the actions (partition, crash, lag spike, surge, heal) and the faults and rate profile
  they make.
- `night`: a `Sandbox` (state) and its `Night` (one run: result, series over time, digest).
- `series`: the figures over time the screen draws as sparklines.
- `keep`: "save as level": a level file in a pack folder, manifest created or updated.
"""

from capquest.sandbox.build import BuildProblem, form_of, scenario_of
from capquest.sandbox.night import Night, Sandbox, blank_level
from capquest.sandbox.schedule import Action, ActionProblem

__all__ = [
    "Action",
    "ActionProblem",
    "BuildProblem",
    "Night",
    "Sandbox",
    "blank_level",
    "form_of",
    "scenario_of",
]
