"""Costs an intervention averts and its value for money: NPV, BCR, Monte Carlo, break-even, tornado.

Model (one cohort, benefits recurring each year of the horizon)::

    reoffenders averted  = -effect * cohort_size                 (effect: risk difference,
                                                                  treated minus comparison;
                                                                  negative = fewer reoffend)
    offences averted     = reoffenders averted * reoffences_per_reoffender * recorded_to_actual
    annual benefit       = offences averted * unit_cost          (average cost of one offence
                                                                  at the price year)
    PV benefits          = annual benefit * A(r, H),  A(r, H) = sum_{t=0}^{H-1} (1 + r)^-t
    programme cost       = programme_cost_per_person * cohort_size   (incurred in year 0)
    NPV                  = PV benefits - programme cost
    BCR                  = PV benefits / programme cost

Year 0 is not discounted (HM Treasury Green Book convention); ``r`` defaults to the Green Book
rate of 3.5%. With a horizon of one year the benefit is the measured year's only.

The Monte Carlo draws, independently, the effect from a normal distribution with the
estimate's standard error, one common unit-cost factor from ``Uniform(1 - u, 1 + u)`` and the
recorded-to-actual multiplier from ``Uniform(low, high)``. The NPV is linear in each and they
are independent, so its expectation is the NPV at the effect estimate, unit-cost factor 1 and
the multiplier's midpoint (:func:`expected_npv`); the simulated mean converges to it.

Submodules
----------
inputs
    The effect to cost (:func:`read_effect`) and the appraisal's inputs (:func:`prepare`).
appraisal
    Discounting, NPV and BCR, the analytic expected NPV, the break-even effect, the table.
uncertainty
    The Monte Carlo of the NPV and the one-way sensitivities.
sentences
    The results in words (amounts written by :func:`analysis.costs.money.gbp`).
"""

from analysis.costs.money import gbp
from analysis.costs.value_for_money.appraisal import (
    annuity_factor,
    appraisal_table,
    appraise,
    break_even_effect,
    expected_npv,
)
from analysis.costs.value_for_money.inputs import (
    EFFECTS_RESULTS,
    Effect,
    VfmInputs,
    prepare,
    read_effect,
)
from analysis.costs.value_for_money.sentences import monte_carlo_text, summary_text
from analysis.costs.value_for_money.uncertainty import (
    MonteCarlo,
    monte_carlo,
    one_way_sensitivities,
)

__all__ = [
    "EFFECTS_RESULTS",
    "Effect",
    "VfmInputs",
    "MonteCarlo",
    "read_effect",
    "annuity_factor",
    "appraise",
    "expected_npv",
    "monte_carlo",
    "break_even_effect",
    "one_way_sensitivities",
    "appraisal_table",
    "prepare",
    "gbp",
    "summary_text",
    "monte_carlo_text",
]
