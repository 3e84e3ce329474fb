"""The engine's version: it goes into every result and save, and goes up whenever the same level, card
and seed would give a different history (and so a different digest). `capquest report` shows a run made
on another engine version as "made on version X", neither reproduced nor forged."""

ENGINE_VERSION = 1
