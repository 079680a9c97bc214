"""The value-for-money results stated in words."""

from __future__ import annotations

from analysis.costs.money import gbp
from analysis.costs.value_for_money.appraisal import appraise
from analysis.costs.value_for_money.inputs import VfmInputs

__all__ = [
    "summary_text",
    "monte_carlo_text",
]


def summary_text(inp: VfmInputs, mc: dict[str, float], break_even: float, price_label: str) -> str:
    """One paragraph stating the appraisal's result in words.

    Parameters
    ----------
    inp : VfmInputs
        The inputs.
    mc : dict
        :meth:`MonteCarlo.summary`.
    break_even : float
        :func:`break_even_effect` at the point values.
    price_label : str
        E.g. ``"2023-24 prices"``.

    Returns
    -------
    str
    """
    r = appraise(inp)
    direction = "fewer" if inp.effect < 0 else "more"
    text = (f"An effect of {abs(inp.effect) * 100:.1f} percentage points ({direction} people "
            f"reoffending) in a cohort of {inp.cohort_size:,} means {abs(r['reoffenders_averted']):.1f} "
            f"{'fewer' if r['reoffenders_averted'] >= 0 else 'more'} reoffenders and "
            f"{abs(r['offences_averted']):,.1f} offences "
            f"{'averted' if r['offences_averted'] >= 0 else 'added'} a year, worth "
            f"{gbp(r['annual_benefit_gbp'])} ({price_label}). ")
    if inp.programme_cost_per_person > 0:
        text += (f"Against a programme cost of {gbp(r['programme_cost_gbp'])} the net present "
                 f"value at the point values is {gbp(r['npv_gbp'])} (benefit-cost ratio "
                 f"{r['bcr']:.2f}); to break even the programme must reduce reoffending by "
                 f"{-break_even * 100:.1f} percentage points at those values. ")
        text += (f"Over {mc['draws']:,} Monte Carlo draws the benefits exceed the cost with "
                 f"probability {mc['p_benefit_exceeds_cost']:.0%} (mean NPV {gbp(mc['npv_mean_gbp'])}"
                 f", 90% range {gbp(mc['npv_p5_gbp'])} to {gbp(mc['npv_p95_gbp'])}).")
    else:
        text += (f"No programme cost is set, so the net present value equals the present value "
                 f"of the benefits ({gbp(r['pv_benefit_gbp'])}) and no benefit-cost ratio is "
                 f"computed; the benefits are positive in {mc['p_benefit_exceeds_cost']:.0%} of "
                 f"{mc['draws']:,} draws.")
    return text


def monte_carlo_text(mc: dict[str, float], expected: float, break_even_expected: float,
                     programme_cost: float) -> str:
    """Say how the Monte Carlo mean relates to the analytic expectation (and the break-even there).

    Parameters
    ----------
    mc : dict
        :meth:`MonteCarlo.summary`.
    expected : float
        :func:`expected_npv`.
    break_even_expected : float
        :func:`break_even_effect` with ``expected=True``.
    programme_cost : float
        Programme cost (GBP); the break-even clause is left out when it is zero.

    Returns
    -------
    str
    """
    gap = abs(mc["npv_mean_gbp"] - expected) / mc["npv_mc_se_gbp"] if mc["npv_mc_se_gbp"] else 0.0
    text = (f"The Monte Carlo mean NPV ({gbp(mc['npv_mean_gbp'])}, Monte Carlo standard error "
            f"{gbp(mc['npv_mc_se_gbp'])}) estimates the analytic expected NPV ({gbp(expected)}); "
            f"they differ by {gap:.1f} standard errors. The expectation uses the midpoint of the "
            "recorded-to-actual range, so it differs from the NPV at the point values when the "
            "range is not centred on the point value")
    if programme_cost > 0:
        text += (f"; at the midpoint the break-even reduction is "
                 f"{-break_even_expected * 100:.1f} percentage points")
    return text + "."
