"""The ``design:`` section of a parameter file: the inputs of the power calculation made before
commissioning (notebook ``00_design``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DesignParams"]


class DesignParams(BaseModel):
    """What a commissioner plans for: intake, base rate, comparison group, power and alpha.

    ``people_per_year`` and ``base_rate`` left ``null`` are taken from the run's own data (the
    treated people a year of cohort entry, and the comparison group's one-year proven
    reoffending rate).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    people_per_year: float | None = Field(
        None, gt=0, description="People a year starting the intervention; null: from the cohort.")
    base_rate: float | None = Field(
        None, gt=0, lt=1, description="One-year proven reoffending rate without the intervention "
                                      "(a proportion); null: the comparison group's rate.")
    comparison_ratio: float = Field(
        1.0, gt=0, description="Comparison people per treated person (1 = 1:1 matching).")
    power: float = Field(0.8, gt=0, lt=1, description="Chance of detecting the effect if real.")
    alpha: float = Field(0.05, gt=0, lt=0.5, description="Two-sided significance level.")
    years: int = Field(5, ge=1, le=20, description="Years of intake tabulated.")
    target_effect_pp: float | None = Field(
        5.0, gt=0, lt=100, description="Reduction in percentage points to plan for (how many "
                                       "years of intake detect it); null: none.")
