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
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
from tqdm import tqdm

from analysis.params import CostParams

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

#: Where the intervention-effects notebook records its estimates, under the run's output folder.
EFFECTS_RESULTS = Path("results") / "03_intervention_effects.json"


@dataclass(frozen=True)
class Effect:
    """An intervention effect on the binary reoffending measure.

    Attributes
    ----------
    estimate : float
        Risk difference, treated minus comparison, as a fraction (negative = fewer reoffend).
    se : float or None
        Its standard error (None: no uncertainty known).
    ci : tuple of float or None
        Its 95% confidence interval.
    source : str
        Where it came from (the effects notebook's results or the parameters).
    """

    estimate: float
    se: float | None
    ci: tuple[float, float] | None
    source: str


def _finite(x: object) -> bool:
    return isinstance(x, int | float) and math.isfinite(float(x))


def read_effect(output_dir: str | Path, costs: CostParams, level: float = 0.95) -> Effect | None:
    """Return the effect to cost: the effects notebook's estimate, else the parameters', else None.

    Reads ``<output_dir>/results/03_intervention_effects.json`` (keys ``risk_difference`` and
    ``risk_difference_ci``, fractions; optional ``risk_difference_se`` and
    ``risk_difference_method``). The standard error is ``risk_difference_se`` when given, else
    the CI's half-width over the normal quantile. Without that file or those keys,
    ``costs.effect`` and ``costs.effect_se`` are used.

    Parameters
    ----------
    output_dir : str or Path
        The run's output folder.
    costs : CostParams
        The ``costs`` parameters.
    level : float
        Confidence level of the CI.

    Returns
    -------
    Effect or None
        None when no effect is available.
    """
    z = NormalDist().inv_cdf(0.5 + level / 2)
    path = Path(output_dir) / EFFECTS_RESULTS
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            data = {}
        rd, ci = data.get("risk_difference"), data.get("risk_difference_ci")
        if _finite(rd):
            ci_t = (float(ci[0]), float(ci[1])) if (
                isinstance(ci, list | tuple) and len(ci) == 2 and all(_finite(v) for v in ci)) else None
            if _finite(data.get("risk_difference_se")):
                se = float(data["risk_difference_se"])
            else:
                se = (ci_t[1] - ci_t[0]) / (2 * z) if ci_t else costs.effect_se
            method = data.get("risk_difference_method")
            source = "estimate of 03_intervention_effects" + (f" ({method})" if method else "")
            return Effect(float(rd), se, ci_t, source)
    if costs.effect is not None:
        se = costs.effect_se
        ci_t = (costs.effect - z * se, costs.effect + z * se) if se is not None else None
        return Effect(float(costs.effect), se, ci_t, "parameters (costs.effect)")
    return None


@dataclass(frozen=True)
class VfmInputs:
    """Everything the value-for-money calculation needs (money at the run's price year).

    Attributes
    ----------
    effect : float
        Risk difference (fraction; negative = fewer reoffend).
    effect_se : float
        Its standard error (0 for no uncertainty).
    cohort_size : int
        People the effect applies to.
    reoffences_per_reoffender : float
        Proven reoffences per reoffender.
    unit_cost : float
        Average cost of one offence (GBP).
    recorded_to_actual : float
        Point value of the offences committed per proven offence.
    recorded_to_actual_range : tuple of float
        Its low and high values (equal for no uncertainty).
    unit_cost_uncertainty : float
        Relative half-width of the unit-cost range.
    programme_cost_per_person : float
        GBP per person.
    horizon_years : int
        Years of benefit.
    discount_rate : float
        Annual discount rate.
    """

    effect: float
    effect_se: float
    cohort_size: int
    reoffences_per_reoffender: float
    unit_cost: float
    recorded_to_actual: float
    recorded_to_actual_range: tuple[float, float]
    unit_cost_uncertainty: float
    programme_cost_per_person: float
    horizon_years: int
    discount_rate: float

    @classmethod
    def from_params(cls, costs: CostParams, effect: Effect, cohort_size: int,
                    reoffences_per_reoffender: float, unit_cost: float) -> VfmInputs:
        """Assemble the inputs from the parameters and the run's estimates.

        Parameters
        ----------
        costs : CostParams
            The ``costs`` parameters (``cohort_size`` and ``reoffences_per_reoffender`` there
            override the arguments when set).
        effect : Effect
            The effect to cost.
        cohort_size : int
            Default number of people the effect applies to (the treated group).
        reoffences_per_reoffender : float
            Default reoffences per reoffender (the cohort's).
        unit_cost : float
            Average cost of one offence at the price year.

        Returns
        -------
        VfmInputs
        """
        rng = costs.recorded_to_actual_range or (costs.recorded_to_actual, costs.recorded_to_actual)
        return cls(
            effect=effect.estimate,
            effect_se=float(effect.se or 0.0),
            cohort_size=int(costs.cohort_size or cohort_size),
            reoffences_per_reoffender=float(costs.reoffences_per_reoffender or reoffences_per_reoffender),
            unit_cost=float(unit_cost),
            recorded_to_actual=costs.recorded_to_actual,
            recorded_to_actual_range=(float(rng[0]), float(rng[1])),
            unit_cost_uncertainty=costs.unit_cost_uncertainty,
            programme_cost_per_person=costs.programme_cost_per_person,
            horizon_years=costs.horizon_years,
            discount_rate=costs.discount_rate,
        )


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


def prepare(costs: CostParams, effect: Effect | None, cohort_size: int,
            frequency_per_reoffender: float, unit_cost: float,
            unit_cost_note: str = "") -> tuple[VfmInputs | None, str]:
    """Decide whether value for money can be appraised, and with what inputs.

    Parameters
    ----------
    costs : CostParams
        The ``costs`` parameters.
    effect : Effect or None
        From :func:`read_effect`.
    cohort_size : int
        People in the treated group.
    frequency_per_reoffender : float
        The cohort's proven reoffences per reoffender (NaN for survival data).
    unit_cost : float
        Average cost of one offence at the price year (NaN if nothing could be costed).
    unit_cost_note : str
        How the average was formed (quoted when it cannot be used).

    Returns
    -------
    (VfmInputs or None, str)
        The inputs, or None with the sentence saying why the section is skipped; otherwise a
        sentence on where the effect and the frequency come from.
    """
    if effect is None:
        return None, ("No intervention effect is available (the effects notebook recorded no "
                      "risk difference in this run and costs.effect is not set), so the costs "
                      "averted and value for money are not appraised.")
    if not math.isfinite(unit_cost):
        return None, ("No offence could be costed (" + (unit_cost_note or "no costed category")
                      + "), so the costs averted and value for money are not appraised.")
    if cohort_size < 1 and not costs.cohort_size:
        return None, "The treated group is empty, so there is nothing to appraise."
    notes = [f"Effect: {effect.estimate:+.4f} ({effect.source})."]
    if costs.reoffences_per_reoffender:
        freq = costs.reoffences_per_reoffender
        notes.append(f"Reoffences per reoffender: {freq:.2f} (costs.reoffences_per_reoffender).")
    elif math.isfinite(frequency_per_reoffender):
        freq = frequency_per_reoffender
        notes.append(f"Reoffences per reoffender: {freq:.2f} (this cohort's proven reoffences).")
    else:
        freq = 1.0
        notes.append("Reoffences per reoffender: 1, a lower bound: these data record only the "
                     "first reoffence (set costs.reoffences_per_reoffender to change it).")
    if effect.se is None:
        notes.append("The effect has no standard error, so the Monte Carlo varies only the unit "
                     "costs and the multiplier.")
    inputs = VfmInputs.from_params(costs, effect, cohort_size, freq, unit_cost)
    return inputs, " ".join(notes)


def gbp(x: float) -> str:
    """Format an amount of money as ``£1,234`` or ``-£1,234`` (``n/a`` when missing)."""
    if not math.isfinite(x):
        return "n/a"
    return f"-£{abs(x):,.0f}" if x < 0 else f"£{x:,.0f}"


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
