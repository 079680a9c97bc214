"""Reoffending analysis: data contract, proven-reoffending measures, survival, effects and costs."""

__version__ = "0.1.0"
