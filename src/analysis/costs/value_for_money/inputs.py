"""The inputs of the value-for-money appraisal: the effect to cost and everything else it needs.

The effect is the intervention-effects notebook's risk difference when the run recorded one,
else the parameters' ``costs.effect``; :func:`prepare` decides whether the appraisal can run.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist

from analysis.params import CostParams

__all__ = [
    "EFFECTS_RESULTS",
    "Effect",
    "VfmInputs",
    "read_effect",
    "prepare",
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
    se: float | None
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
