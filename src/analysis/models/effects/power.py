"""Power before commissioning: the smallest effect on one-year proven reoffending a study of a
given size could detect, the people and years of intake it needs, and the Justice Data Lab
minimums.

Method
------
A comparison of two proportions, treated against comparison, two-sided at ``alpha``, on
Cohen's arcsine effect size ``h = 2 asin(sqrt(p1)) - 2 asin(sqrt(p2))`` with the normal
approximation (``statsmodels.stats.power.NormalIndPower`` and
``statsmodels.stats.proportion.proportion_effectsize``). With ``n`` treated people and
``ratio`` comparison people per treated person, ``NormalIndPower.power`` solved for ``h``
gives the smallest ``h`` detected with the chance ``power``; the minimum detectable effect (MDE) is the
fall from the base rate ``p0`` to the treated rate ``p1 < p0`` at that ``h`` (found by root
finding on ``proportion_effectsize``), in percentage points. The MDE of a matched or weighted
design with covariates is usually a little smaller (the covariates explain some of the
outcome); this calculation is the plain two-group one commissioners and the Justice Data Lab
quote.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from analysis.design_spec import DesignParams

__all__ = [
    "minimum_detectable_effect",
    "treated_needed",
    "design_by_year",
    "mde_curve",
    "years_needed",
    "intake_from_cohort",
    "Plan",
    "plan",
]


def _effect_size(n_treated: float, ratio: float, power: float, alpha: float) -> float:
    """Cohen's h detected with chance ``power``: ``NormalIndPower.power`` solved to 1e-14
    (``solve_power`` stops near 1e-8)."""
    calc = NormalIndPower()
    return float(optimize.brentq(
        lambda h: calc.power(h, n_treated, alpha, ratio, "two-sided") - power, 1e-9, 10.0,
        xtol=1e-14))


def minimum_detectable_effect(n_treated: float, base_rate: float, ratio: float = 1.0,
                              power: float = 0.8, alpha: float = 0.05) -> float:
    """The smallest fall in the reoffending rate detected with chance ``power``.

    Parameters
    ----------
    n_treated : float
        Treated people.
    base_rate : float
        Rate without the intervention (a proportion, 0 to 1).
    ratio : float
        Comparison people per treated person.
    power, alpha : float
        Chance of detecting the effect; two-sided significance level.

    Returns
    -------
    float
        The fall in percentage points (base rate minus the treated rate), ``nan`` when even a
        treated rate of 0 could not be detected.
    """
    if n_treated <= 1:
        return float("nan")
    h = _effect_size(n_treated, ratio, power, alpha)
    if proportion_effectsize(base_rate, 0.0) < h:
        return float("nan")
    p1 = optimize.brentq(lambda p: float(proportion_effectsize(base_rate, p)) - h, 0.0, base_rate,
                         xtol=1e-12)
    return 100 * (base_rate - p1)


def treated_needed(effect_pp: float, base_rate: float, ratio: float = 1.0, power: float = 0.8,
                   alpha: float = 0.05) -> float:
    """Treated people needed to detect a fall of ``effect_pp`` points from ``base_rate``.

    Returns
    -------
    float
        People (not rounded up); ``nan`` when the fall goes below a rate of 0.
    """
    p1 = base_rate - effect_pp / 100
    if not 0 <= p1 < base_rate:
        return float("nan")
    h = float(proportion_effectsize(base_rate, p1))
    calc = NormalIndPower()
    return float(optimize.brentq(
        lambda n: calc.power(h, n, alpha, ratio, "two-sided") - power, 1.0, 1e9, xtol=1e-9,
        rtol=1e-14))


def years_needed(effect_pp: float, people_per_year: float, base_rate: float, ratio: float = 1.0,
                 power: float = 0.8, alpha: float = 0.05) -> float:
    """Years of intake (rounded up to whole years) to detect a fall of ``effect_pp`` points."""
    n = treated_needed(effect_pp, base_rate, ratio, power, alpha)
    return float(math.ceil(n / people_per_year)) if math.isfinite(n) else float("nan")


def design_by_year(people_per_year: float, base_rate: float, years: int, ratio: float = 1.0,
                   power: float = 0.8, alpha: float = 0.05, min_treated: int = 60,
                   min_reoffenders: int = 30) -> pd.DataFrame:
    """The MDE after each year of intake, with the Justice Data Lab minimums.

    Returns
    -------
    DataFrame
        ``year``, ``treated_expected`` and ``comparison_expected`` (people, rounded down),
        ``treated_reoffenders_expected`` (at the base rate), ``mde_pp`` (percentage points),
        ``detectable_rate_pct`` (the treated rate at the MDE), ``mde_relative_pct`` (the MDE
        as a share of the base rate) and ``jdl_reportable`` (at least ``min_treated`` treated
        people) and ``jdl_time_reportable`` (also ``min_reoffenders`` expected treated
        reoffenders, the minimum for the time to reoffence).
    """
    year = np.arange(1, years + 1)
    treated = np.floor(people_per_year * year)
    mde = np.array([minimum_detectable_effect(n, base_rate, ratio, power, alpha) for n in treated])
    reoffenders = np.floor(treated * base_rate)
    return pd.DataFrame({
        "year": year,
        "treated_expected": treated.astype(int),
        "comparison_expected": np.floor(treated * ratio).astype(int),
        "treated_reoffenders_expected": reoffenders.astype(int),
        "mde_pp": mde,
        "detectable_rate_pct": 100 * base_rate - mde,
        "mde_relative_pct": mde / base_rate,
        "jdl_reportable": treated >= min_treated,
        "jdl_time_reportable": (treated >= min_treated) & (reoffenders >= min_reoffenders),
    })


def mde_curve(base_rate: float, ratio: float = 1.0, power: float = 0.8, alpha: float = 0.05,
              sizes: np.ndarray | None = None) -> pd.DataFrame:
    """MDE against the number of treated people (for the figure).

    Returns
    -------
    DataFrame
        ``treated`` and ``mde_pp``.
    """
    n = np.unique(np.round(np.geomspace(20, 5000, 40))) if sizes is None else np.asarray(sizes)
    return pd.DataFrame({"treated": n.astype(int),
                         "mde_pp": [minimum_detectable_effect(float(k), base_rate, ratio, power,
                                                              alpha) for k in n]})


def intake_from_cohort(frame: pd.DataFrame) -> tuple[float, float, str]:
    """People a year on the intervention and the comparison group's reoffending rate.

    Parameters
    ----------
    frame : DataFrame
        The analysis cohort (``treated``, ``reoffended`` and, in records form,
        ``cohort_start``).

    Returns
    -------
    tuple
        Treated people a year: the treated people divided by the years from the first to the
        last cohort start (at least one year; the whole treated group as one year's intake
        when the data have no dates); the comparison group's one-year proven reoffending
        rate; and a phrase saying where the intake came from.
    """
    treated = frame["treated"].astype(int) == 1
    base = float(frame.loc[~treated, "reoffended"].mean())
    if "cohort_start" in frame and frame["cohort_start"].notna().any():
        start = pd.to_datetime(frame["cohort_start"])
        years = max(1.0, ((start.max() - start.min()).days + 1) / 365.25)
        how = f"the treated people of the cohort over its {years:.2f} years of cohort starts"
    else:
        years = 1.0
        how = "the treated group of the data taken as one year's intake (the data have no dates)"
    return int(treated.sum()) / years, base, how


@dataclass(frozen=True)
class Plan:
    """The inputs of a design, from the ``design:`` parameters or the run's data.

    ``people_per_year`` is ``nan`` when it would come from a treated group of 1 to
    ``min_cell - 1`` people (a small count; set ``design.people_per_year``).
    """

    people_per_year: float
    base_rate: float
    ratio: float
    power: float
    alpha: float
    years: int
    target_effect_pp: float | None
    intake_source: str
    base_source: str

    @property
    def ready(self) -> bool:
        """Whether intake and base rate are both known."""
        return math.isfinite(self.people_per_year) and 0 < self.base_rate < 1


def plan(design: DesignParams, frame: pd.DataFrame | None, min_cell: int = 5) -> Plan:
    """The design's inputs: the parameters where given, else the run's data (see
    :func:`intake_from_cohort`)."""
    per_year, base, how = (float("nan"), float("nan"), "")
    if frame is not None and (design.people_per_year is None or design.base_rate is None):
        per_year, base, how = intake_from_cohort(frame)
        n_treated = int((frame["treated"].astype(int) == 1).sum())
        if 0 < n_treated < min_cell:
            per_year, how = float("nan"), f"not shown: fewer than {min_cell} treated people"
    if design.people_per_year is not None:
        per_year, how = design.people_per_year, "the parameters (design.people_per_year)"
    base_how = "the comparison group's one-year proven reoffending rate"
    if design.base_rate is not None:
        base, base_how = design.base_rate, "the parameters (design.base_rate)"
    return Plan(per_year, base, design.comparison_ratio, design.power, design.alpha,
                design.years, design.target_effect_pp, how, base_how)
