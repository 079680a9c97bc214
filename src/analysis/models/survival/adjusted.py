"""Covariate-adjusted survival curves from a Cox model by g-computation."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.models.survival.cox import CoxResult
from analysis.models.survival.cox_variance import CoxPHFitter
from analysis.models.survival.frames import step_lookup

__all__ = ["adjusted_survival"]


def adjusted_survival(
    result: CoxResult,
    treatment_col: str,
    times: Sequence[float],
    levels: Sequence[float] = (0, 1),
) -> pd.DataFrame:
    """Covariate-adjusted survival curves by g-computation (standardisation).

    For each treatment level every person's survival is predicted from the Cox model with the
    treatment set to that level and their own covariates (lifelines
    ``predict_survival_function``), then averaged over people: the curve the whole cohort
    would have under that level. The curves are step functions (the Breslow baseline); times
    beyond the longest follow-up give NaN.

    Parameters
    ----------
    result : CoxResult
        Cox model from :func:`fit_cox` including ``treatment_col`` as a 0/1 design column.
    treatment_col : str
        The treatment column in the model's design.
    times : sequence of float
        Times (data's unit).
    levels : sequence of float
        Treatment values to set.

    Returns
    -------
    DataFrame
        ``treatment`` (level), ``time``, ``survival`` (average predicted S(t)),
        ``cumulative_reoffended_pct`` = 100 (1 - survival).
    """
    if not isinstance(result.model, CoxPHFitter):
        raise TypeError("adjusted_survival needs a CoxPHFitter model")
    if treatment_col not in result.data.columns:
        raise KeyError(f"{treatment_col} is not a column of the model data")
    t = np.asarray(times, dtype=float)
    rows = []
    for level in levels:
        x = result.data.assign(**{treatment_col: float(level)})
        # Predict on the model's own time grid and read the step function, because
        # predict_survival_function(times=...) interpolates linearly between event times.
        mean = result.model.predict_survival_function(x).mean(axis=1)
        curve = pd.DataFrame({"time": np.append(0.0, mean.index.to_numpy(float)),
                              "survival": np.append(1.0, mean.to_numpy())})
        curve = curve.drop_duplicates("time", keep="last")
        surv = step_lookup(curve, t, ["survival"])["survival"].to_numpy()
        rows.append(pd.DataFrame({"treatment": level, "time": t, "survival": surv,
                                  "cumulative_reoffended_pct": 100 * (1 - surv)}))
    return pd.concat(rows, ignore_index=True)
