"""The engine's version: it goes into every result and save, and goes up whenever the same level, card
and seed would give a different history (and so a different digest). `capquest report` shows a run made
on another engine version as "made on version X", neither reproduced nor forged.

History: 1, the first engine; 2, servers keep their real size at every scale (aggregate load), quorum
nodes queue and may apply writes after exponential delays, read repair.
"""

ENGINE_VERSION = 2
