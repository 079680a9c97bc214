"""Presentation layer: the figure style, one plotting module per analysis, run outputs and the report."""
