"""Measures layer: the cohort, the Ministry of Justice proven reoffending measures, balance, national comparison and performance indicators."""
