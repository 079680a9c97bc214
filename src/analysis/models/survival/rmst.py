"""Restricted mean survival time up to a horizon, by group and as a two-group difference."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.utils import restricted_mean_survival_time
from scipy import stats

from analysis.estimable import NotEstimable
from analysis.models.requirements import require_groups
from analysis.models.survival.kaplan_meier import fit_km

__all__ = ["rmst", "rmst_difference"]

RMST_DIFFERENCE = "The difference in restricted mean survival time"

_Z = stats.norm.ppf


def _rmst_variance(kmf: KaplanMeierFitter, horizon: float) -> float:
    """Greenwood-type variance of the Kaplan-Meier RMST (Klein & Moeschberger eq. 4.4.4).

    ``Var = sum_{t_i <= tau} A_i^2 d_i / (n_i (n_i - d_i))`` with ``A_i`` the area under S
    from ``t_i`` to ``tau``; terms with ``n_i = d_i`` are 0 (as R's survRM2).
    """
    sf = kmf.survival_function_.iloc[:, 0]
    grid = sf.index.to_numpy(float)
    keep = grid <= horizon
    b, s = grid[keep], sf.to_numpy()[keep]
    area = np.diff(np.append(b, horizon)) * s
    area_after = np.cumsum(area[::-1])[::-1]  # area from b_j to the horizon
    table = kmf.event_table.loc[b]
    d, n = table["observed"].to_numpy(float), table["at_risk"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where((d > 0) & (n > d), d / (n * (n - d)), 0.0)
    return float((area_after**2 * w).sum())


def _followed_to(kmf: KaplanMeierFitter) -> float:
    """How far a curve is estimated: its longest follow-up, or without end if it reaches 0."""
    sf = kmf.survival_function_.iloc[:, 0]
    return float(sf.index.max()) if float(sf.iloc[-1]) > 0 else float("inf")


def rmst(
    frame: pd.DataFrame,
    horizon: float,
    time_col: str = "time",
    event_col: str = "event",
    group_col: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Restricted mean time free of reoffending up to a horizon, by group.

    The point estimate is lifelines ``restricted_mean_survival_time`` (area under the
    Kaplan-Meier curve from 0 to the horizon). Its standard error is the Greenwood-type
    estimator (:func:`_rmst_variance`); lifelines' ``return_variance=True`` returns the variance
    of min(T, horizon) itself, not of the estimate, so it is not used.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    horizon : float
        Upper limit of integration (data's unit). It is cut to the shortest follow-up of the
        groups whose curve ends above zero (a calendar year of follow-up is 365 or 366 days, so
        a small group may end short of 365.25), as survRM2's default horizon; the ``horizon``
        column gives the one used. Beyond the end of a curve that falls to zero, the
        survival is zero.
    time_col, event_col, group_col, alpha
        As :func:`km_table`.

    Returns
    -------
    DataFrame
        ``group``, ``horizon``, ``rmst`` (data's unit), ``se``, ``ci_low``, ``ci_high``,
        ``time_lost`` (horizon - rmst: mean time lost to reoffending).
    """
    z = _Z(1 - alpha / 2)
    rows = []
    fits = fit_km(frame, time_col, event_col, group_col, alpha)
    horizon = min([float(horizon), *(_followed_to(k) for k in fits.values())])
    for g, k in fits.items():
        est = float(restricted_mean_survival_time(k, t=horizon))
        se = float(np.sqrt(_rmst_variance(k, horizon)))
        rows.append({"group": g, "horizon": float(horizon), "rmst": est, "se": se,
                     "ci_low": est - z * se, "ci_high": est + z * se,
                     "time_lost": horizon - est})
    return pd.DataFrame(rows)


def rmst_difference(
    frame: pd.DataFrame,
    horizon: float,
    group_col: str,
    treated: Any,
    comparison: Any,
    time_col: str = "time",
    event_col: str = "event",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Difference in RMST between two independent groups (treated minus comparison).

    ``se = sqrt(se_treated^2 + se_comparison^2)``; Wald interval and two-sided p-value.

    Returns
    -------
    DataFrame
        One row: ``contrast``, ``horizon``, ``difference`` (data's unit; positive = longer
        free of reoffending in the treated group), ``se``, ``ci_low``, ``ci_high``, ``z``,
        ``p_value``.

    Raises
    ------
    NotEstimable
        When a group is smaller than the disclosure threshold, or the difference has no
        variance (nobody reoffended within the horizon).
    """
    pair = frame[frame[group_col].isin([treated, comparison])]
    require_groups(pair, group_col, RMST_DIFFERENCE,
                   {treated: "the treated group", comparison: "the comparison group"})
    table = rmst(pair, horizon, time_col, event_col, group_col, alpha).set_index("group")
    a, b = table.loc[treated], table.loc[comparison]
    diff = float(a["rmst"] - b["rmst"])
    se = float(np.hypot(a["se"], b["se"]))
    if not se > 0:
        raise NotEstimable(RMST_DIFFERENCE,
                           "nobody reoffended before the horizon (the end of the shorter "
                           "follow-up of the two groups)" if a["time_lost"] == 0 == b["time_lost"]
                           else "its standard error is zero")
    z = diff / se
    q = _Z(1 - alpha / 2)
    return pd.DataFrame([{"contrast": f"{treated} - {comparison}", "horizon": float(a["horizon"]),
                          "difference": diff, "se": se, "ci_low": diff - q * se,
                          "ci_high": diff + q * se, "z": z,
                          "p_value": float(2 * stats.norm.sf(abs(z)))}])
