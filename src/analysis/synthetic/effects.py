"""True intervention effects of the SYNTHETIC cohort from potential outcomes.

Each person's outcome with each intervention given and withheld, all other random numbers
unchanged, and the true risk differences (ATT, ATE) and naive difference they imply.
"""

from __future__ import annotations

from typing import TypedDict

import numpy as np

from analysis.synthetic.constants import CHANGE_KEYS, INTERVENTION_HAZARD_RATIOS, Arrays
from analysis.synthetic.model import _Model


class TrueEffect(TypedDict):
    """One intervention's true effects: sizes, risks in percent, differences in points."""

    population: str
    n_population: int
    n_treated: int
    risk_treated_under_treatment_pct: float | None
    risk_treated_under_control_pct: float | None
    att_risk_difference_pp: float | None
    risk_all_under_treatment_pct: float | None
    risk_all_under_control_pct: float | None
    ate_risk_difference_pp: float | None
    naive_risk_difference_pp: float | None


def _pct(values: np.ndarray, mask: np.ndarray) -> float | None:
    """Return 100 times the mean of ``values`` within ``mask``, or None if the mask is empty.

    Parameters
    ----------
    values : numpy.ndarray
        Values (0/1 outcomes or their differences).
    mask : numpy.ndarray of bool
        Selection.

    Returns
    -------
    float or None
        Percentage (4 decimals).
    """
    return round(100 * float(values[mask].mean()), 4) if mask.any() else None


def _true_effects(model: _Model, interventions: Arrays) -> tuple[dict[str, TrueEffect], Arrays]:
    """Compute each intervention's true 12-month risk differences from potential outcomes.

    Each person's binary outcome is computed with the intervention given (start date at the
    person's drawn delay) and withheld, all other inputs and random numbers unchanged.

    Parameters
    ----------
    model : _Model
        The calibrated model.
    interventions : dict of numpy.ndarray
        Flags and delays from :func:`_assign_interventions`.

    Returns
    -------
    dict of TrueEffect
        Per intervention: population, sizes, mean risks under treatment and control among
        the treated and among everyone eligible, ``att_risk_difference_pp`` and
        ``ate_risk_difference_pp`` (percentage points), and the naive observed difference.
    dict of numpy.ndarray
        Each person's potential outcomes, ``<name>_y1`` and ``<name>_y0`` (0/1).
    """
    out: dict[str, TrueEffect] = {}
    potential: Arrays = {}
    observed, _ = model.outcome()
    for j, name in enumerate(CHANGE_KEYS):
        if name not in INTERVENTION_HAZARD_RATIOS:
            continue
        days_on = model.change_days.copy()
        days_on[:, j] = interventions[f"{name}_delay"]
        days_off = model.change_days.copy()
        days_off[:, j] = np.inf
        y1 = model.outcome(days_on)[0].astype(float)
        y0 = model.outcome(days_off)[0].astype(float)
        potential[f"{name}_y1"], potential[f"{name}_y0"] = y1.astype(np.int8), y0.astype(np.int8)
        population = model.eligible & (True if name == "restorative_justice" else ~model.child)
        treated = population & interventions[name]
        control = population & ~interventions[name]
        out[name] = {
            "population": "eligible people" + ("" if name == "restorative_justice" else " (adults)"),
            "n_population": int(population.sum()),
            "n_treated": int(treated.sum()),
            "risk_treated_under_treatment_pct": _pct(y1, treated),
            "risk_treated_under_control_pct": _pct(y0, treated),
            "att_risk_difference_pp": _pct(y1 - y0, treated),
            "risk_all_under_treatment_pct": _pct(y1, population),
            "risk_all_under_control_pct": _pct(y0, population),
            "ate_risk_difference_pp": _pct(y1 - y0, population),
            "naive_risk_difference_pp": (
                None if not (treated.any() and control.any())
                else round(100 * (observed[treated].mean() - observed[control].mean()), 4)),
        }
    return out, potential
