"""The deterministic appraisal of value for money.

Discounting, NPV and BCR at given values, the analytic expected NPV, the break-even effect and
the appraisal table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.costs.value_for_money.inputs import Effect, VfmInputs

__all__ = [
    "annuity_factor",
    "appraise",
    "expected_npv",
    "break_even_effect",
    "appraisal_table",
]


def annuity_factor(rate: float, years: int) -> float:
    """Present value of 1 a year for ``years`` years, the first undiscounted.

    Parameters
    ----------
    rate : float
        Annual discount rate (0.035 for the Green Book).
    years : int
        Number of years (at least 1).

    Returns
    -------
    float
        ``sum_{t=0}^{years-1} (1 + rate)^-t``.
    """
    t = np.arange(int(years))
    return float(np.sum((1.0 + rate) ** -t))


def appraise(inp: VfmInputs, *, effect: float | None = None, unit_cost_factor: float = 1.0,
             recorded_to_actual: float | None = None) -> dict[str, float]:
    """Deterministic appraisal at given values (the inputs' point values by default).

    Parameters
    ----------
    inp : VfmInputs
        The inputs.
    effect : float, optional
        Risk difference to use instead of ``inp.effect``.
    unit_cost_factor : float
        Multiplier of the unit cost.
    recorded_to_actual : float, optional
        Multiplier to use instead of ``inp.recorded_to_actual``.

    Returns
    -------
    dict
        ``reoffenders_averted``, ``proven_offences_averted``, ``offences_averted``,
        ``annual_benefit_gbp``, ``pv_benefit_gbp``, ``programme_cost_gbp``, ``npv_gbp``,
        ``bcr`` (NaN without a programme cost) and ``annuity_factor``.
    """
    e = inp.effect if effect is None else effect
    m = inp.recorded_to_actual if recorded_to_actual is None else recorded_to_actual
    reoffenders = -e * inp.cohort_size
    proven = reoffenders * inp.reoffences_per_reoffender
    offences = proven * m
    annual = offences * inp.unit_cost * unit_cost_factor
    a = annuity_factor(inp.discount_rate, inp.horizon_years)
    pv = annual * a
    cost = inp.programme_cost_per_person * inp.cohort_size
    return {
        "reoffenders_averted": reoffenders,
        "proven_offences_averted": proven,
        "offences_averted": offences,
        "annual_benefit_gbp": annual,
        "annuity_factor": a,
        "pv_benefit_gbp": pv,
        "programme_cost_gbp": cost,
        "npv_gbp": pv - cost,
        "bcr": pv / cost if cost > 0 else float("nan"),
    }


def expected_npv(inp: VfmInputs) -> float:
    """Analytic expectation of the Monte Carlo NPV.

    The NPV is linear in the effect, the unit-cost factor and the multiplier, which are drawn
    independently, so ``E[NPV] = NPV(effect estimate, factor 1, midpoint of the multiplier)``.

    Parameters
    ----------
    inp : VfmInputs
        The inputs.

    Returns
    -------
    float
    """
    lo, hi = inp.recorded_to_actual_range
    return appraise(inp, recorded_to_actual=(lo + hi) / 2)["npv_gbp"]


def break_even_effect(inp: VfmInputs, expected: bool = False) -> float:
    """Risk difference at which the NPV is zero (benefits equal the programme cost).

    Parameters
    ----------
    inp : VfmInputs
        The inputs.
    expected : bool
        Use the midpoint of the recorded-to-actual range (the Monte Carlo's expectation)
        instead of its point value (the deterministic appraisal, the default).

    Returns
    -------
    float
        A risk difference (negative: the reduction needed); 0 with no programme cost, NaN when
        an offence averted is worth nothing.
    """
    lo, hi = inp.recorded_to_actual_range
    m = (lo + hi) / 2 if expected else inp.recorded_to_actual
    per_unit_effect = (inp.cohort_size * inp.reoffences_per_reoffender * m
                       * inp.unit_cost * annuity_factor(inp.discount_rate, inp.horizon_years))
    if per_unit_effect <= 0:
        return float("nan")
    return -inp.programme_cost_per_person * inp.cohort_size / per_unit_effect


def appraisal_table(inp: VfmInputs, effect: Effect, unit_cost_note: str,
                    price_year: int) -> pd.DataFrame:
    """The inputs and results of the deterministic appraisal as a two-column table.

    Parameters
    ----------
    inp : VfmInputs
        The inputs.
    effect : Effect
        The effect (for its source).
    unit_cost_note : str
        How the average unit cost was formed.
    price_year : int
        The price year.

    Returns
    -------
    DataFrame
        ``quantity``, ``value`` and ``note``.
    """
    r = appraise(inp)
    py = f"{price_year}-{(price_year + 1) % 100:02d} prices"
    rows = [
        ("effect (risk difference)", inp.effect, effect.source),
        ("effect standard error", inp.effect_se, "from the 95% CI; 0 = no uncertainty"),
        ("cohort size", inp.cohort_size, "people the effect applies to"),
        ("reoffences per reoffender", inp.reoffences_per_reoffender, "proven reoffences"),
        ("recorded-to-actual multiplier", inp.recorded_to_actual,
         f"range {inp.recorded_to_actual_range[0]:g} to {inp.recorded_to_actual_range[1]:g}"),
        ("average cost of an offence (GBP)", inp.unit_cost, f"{py}; {unit_cost_note}"),
        ("reoffenders averted", r["reoffenders_averted"], "-effect x cohort size"),
        ("offences averted a year", r["offences_averted"], "x reoffences per reoffender x multiplier"),
        ("annual benefit (GBP)", r["annual_benefit_gbp"], py),
        ("horizon (years)", inp.horizon_years, "benefit assumed to recur each year"),
        ("discount rate", inp.discount_rate, "HM Treasury Green Book"),
        ("present value of benefits (GBP)", r["pv_benefit_gbp"], py),
        ("programme cost (GBP)", r["programme_cost_gbp"],
         f"{inp.programme_cost_per_person:,.0f} per person"),
        ("net present value (GBP)", r["npv_gbp"], py),
        ("benefit-cost ratio", r["bcr"], "not defined without a programme cost"
         if not inp.programme_cost_per_person else ""),
    ]
    return pd.DataFrame(rows, columns=["quantity", "value", "note"])
