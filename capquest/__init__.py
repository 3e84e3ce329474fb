"""capquest: feel the CAP theorem, PACELC and consistency models in a terminal game."""

__version__ = "0.1.0"
