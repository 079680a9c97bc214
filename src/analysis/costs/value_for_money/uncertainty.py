"""The appraisal's uncertainty: the Monte Carlo of the NPV and one-way sensitivities.

The Monte Carlo draws, independently, the effect from a normal distribution with the
estimate's standard error, one common unit-cost factor from ``Uniform(1 - u, 1 + u)`` and the
recorded-to-actual multiplier from ``Uniform(low, high)``.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, replace
from statistics import NormalDist

import numpy as np
import pandas as pd
from tqdm import tqdm

from analysis.costs.value_for_money.appraisal import annuity_factor, appraise
from analysis.costs.value_for_money.inputs import VfmInputs

__all__ = [
    "MonteCarlo",
    "monte_carlo",
    "one_way_sensitivities",
]


@dataclass(frozen=True)
class MonteCarlo:
    """Draws of the Monte Carlo and their summary.

    Attributes
    ----------
    effect, unit_cost_factor, recorded_to_actual : ndarray
        The drawn inputs.
    pv_benefit, npv : ndarray
        Present value of the benefits and net present value of each draw (GBP).
    programme_cost : float
        Programme cost (GBP).
    """

    effect: np.ndarray
    unit_cost_factor: np.ndarray
    recorded_to_actual: np.ndarray
    pv_benefit: np.ndarray
    npv: np.ndarray
    programme_cost: float

    def summary(self) -> dict[str, float]:
        """Mean, its Monte Carlo standard error, SD, percentiles and P(benefit > cost).

        Returns
        -------
        dict
            ``draws``, ``npv_mean_gbp``, ``npv_mc_se_gbp``, ``npv_sd_gbp``, ``npv_p5_gbp``,
            ``npv_p50_gbp``, ``npv_p95_gbp``, ``p_benefit_exceeds_cost``,
            ``pv_benefit_mean_gbp``.
        """
        n = self.npv.size
        sd = float(self.npv.std(ddof=1)) if n > 1 else 0.0
        p5, p50, p95 = np.percentile(self.npv, [5, 50, 95])
        return {
            "draws": n,
            "npv_mean_gbp": float(self.npv.mean()),
            "npv_mc_se_gbp": sd / math.sqrt(n),
            "npv_sd_gbp": sd,
            "npv_p5_gbp": float(p5),
            "npv_p50_gbp": float(p50),
            "npv_p95_gbp": float(p95),
            "p_benefit_exceeds_cost": float(np.mean(self.pv_benefit > self.programme_cost)),
            "pv_benefit_mean_gbp": float(self.pv_benefit.mean()),
        }


def monte_carlo(inp: VfmInputs, draws: int, seed: int, chunk: int = 2_000,
                progress: bool = True) -> MonteCarlo:
    """Simulate the NPV over the effect's uncertainty, the unit-cost range and the multiplier.

    Vectorised in chunks of ``chunk`` draws (one progress-bar step each) from
    ``numpy.random.default_rng(seed)``; the same seed, draws and chunk size give identical draws.

    Parameters
    ----------
    inp : VfmInputs
        The inputs.
    draws : int
        Number of draws.
    seed : int
        Seed (the run's ``params.seed``).
    chunk : int
        Draws per vectorised step.
    progress : bool
        Show a tqdm progress bar (on standard error).

    Returns
    -------
    MonteCarlo
    """
    rng = np.random.default_rng(seed)
    lo, hi = inp.recorded_to_actual_range
    u = inp.unit_cost_uncertainty
    a = annuity_factor(inp.discount_rate, inp.horizon_years)
    per_offence = inp.cohort_size * inp.reoffences_per_reoffender * inp.unit_cost * a
    parts: dict[str, list[np.ndarray]] = {"effect": [], "factor": [], "mult": []}
    sizes = [min(chunk, draws - i) for i in range(0, draws, chunk)]
    for size in tqdm(sizes, desc="Monte Carlo", unit="chunk", disable=not progress,
                     file=sys.stderr, leave=True):
        parts["effect"].append(rng.normal(inp.effect, inp.effect_se, size))
        parts["factor"].append(rng.uniform(1 - u, 1 + u, size))
        parts["mult"].append(rng.uniform(lo, hi, size))
    effect = np.concatenate(parts["effect"])
    factor = np.concatenate(parts["factor"])
    mult = np.concatenate(parts["mult"])
    pv = -effect * mult * factor * per_offence
    cost = inp.programme_cost_per_person * inp.cohort_size
    return MonteCarlo(effect, factor, mult, pv, pv - cost, cost)


def one_way_sensitivities(inp: VfmInputs, sensitivity_range: float = 0.5,
                          level: float = 0.95) -> pd.DataFrame:
    """NPV when one input at a time is set to a low and a high value (for a tornado chart).

    Inputs and their low / high values: the effect at its CI bounds; the unit costs at
    ``1 -/+ unit_cost_uncertainty``; the recorded-to-actual multiplier at its range; the
    reoffences per reoffender and the programme cost at ``1 -/+ sensitivity_range``; the
    horizon at one year and two more than its value; the discount rate at 0 and twice its value.
    Inputs whose low and high values are equal, or that do not move the NPV (the discount rate
    over a one-year horizon), are left out.

    Parameters
    ----------
    inp : VfmInputs
        The inputs.
    sensitivity_range : float
        Relative range of the reoffences per reoffender and programme cost.
    level : float
        Confidence level of the effect's interval.

    Returns
    -------
    DataFrame
        ``parameter``, ``base_value``, ``low_value``, ``high_value``, ``npv_low_gbp``,
        ``npv_high_gbp`` and ``swing_gbp`` (absolute difference), largest swing first.
    """
    z = NormalDist().inv_cdf(0.5 + level / 2)
    s = sensitivity_range
    lo, hi = inp.recorded_to_actual_range
    rows = [
        ("effect (risk difference)", "effect", inp.effect,
         inp.effect - z * inp.effect_se, inp.effect + z * inp.effect_se),
        ("unit costs (factor)", None, 1.0, 1 - inp.unit_cost_uncertainty, 1 + inp.unit_cost_uncertainty),
        ("recorded-to-actual multiplier", "recorded_to_actual", inp.recorded_to_actual, lo, hi),
        ("reoffences per reoffender", "reoffences_per_reoffender", inp.reoffences_per_reoffender,
         inp.reoffences_per_reoffender * (1 - s), inp.reoffences_per_reoffender * (1 + s)),
        ("programme cost per person (GBP)", "programme_cost_per_person",
         inp.programme_cost_per_person, inp.programme_cost_per_person * (1 - s),
         inp.programme_cost_per_person * (1 + s)),
        ("horizon (years)", "horizon_years", inp.horizon_years, 1, inp.horizon_years + 2),
        ("discount rate", "discount_rate", inp.discount_rate, 0.0, 2 * inp.discount_rate),
    ]
    out = []
    for label, attr, base, low, high in rows:
        if math.isclose(low, high):
            continue
        npv = []
        for v in (low, high):
            if attr is None:
                npv.append(appraise(inp, unit_cost_factor=v)["npv_gbp"])
            else:
                npv.append(appraise(replace(inp, **{attr: type(getattr(inp, attr))(v)}))["npv_gbp"])
        if math.isclose(npv[0], npv[1], rel_tol=1e-12, abs_tol=1e-6):
            continue
        out.append({"parameter": label, "base_value": base, "low_value": low, "high_value": high,
                    "npv_low_gbp": npv[0], "npv_high_gbp": npv[1],
                    "swing_gbp": abs(npv[1] - npv[0])})
    table = pd.DataFrame(out, columns=["parameter", "base_value", "low_value", "high_value",
                                       "npv_low_gbp", "npv_high_gbp", "swing_gbp"])
    return table.sort_values("swing_gbp", ascending=False, kind="stable").reset_index(drop=True)
