"""Cumulative incidence of reoffending with competing exits (Aalen-Johansen) beside 1 - KM."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from lifelines import AalenJohansenFitter, KaplanMeierFitter

from analysis.models.survival.frames import check_columns, split_groups, step_lookup
from analysis.models.survival.kaplan_meier import km_curve

__all__ = ["cumulative_incidence", "cumulative_incidence_at"]


def _aalen_johansen(time: np.ndarray, status: np.ndarray, alpha: float,
                    seed: int) -> tuple[AalenJohansenFitter, float]:
    """Fit lifelines' Aalen-Johansen estimator with ties resolved reproducibly.

    lifelines breaks tied event times by random jitter of up to ``jitter_level``. Censorings
    are first moved ``eps`` (1/100 of the smallest gap between distinct times) later, beyond
    any jitter, so that at a tied time events come before censorings as usual; with that order
    the estimate at the end of each tied time is the usual one whatever the jitter. Returns
    the fitter and ``eps``; read it at ``t + eps``.
    """
    distinct = np.unique(time[time > 0])
    gaps = np.diff(distinct)
    gap = float(min(gaps.min() if gaps.size else 1.0, distinct.min() if distinct.size else 1.0))
    eps = gap / 100
    shifted = time + eps * (status == 0)
    ajf = AalenJohansenFitter(alpha=alpha, jitter_level=eps / 10, seed=seed)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Tied event times")
        ajf.fit(shifted, status, event_of_interest=1)
    return ajf, eps


def _ci_columns(ci: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Lower and upper confidence limits of an Aalen-Johansen fit.

    lifelines 0.30.3 names the two columns the wrong way round (its ``..._upper_...`` column
    holds the lower limit), so the limits are taken as the element-wise min and max.
    """
    a = ci[[c for c in ci.columns if "_lower_" in c][0]]
    b = ci[[c for c in ci.columns if "_upper_" in c][0]]
    return np.minimum(a, b), np.maximum(a, b)


def _cif_one(time: np.ndarray, event: np.ndarray, competing: np.ndarray, alpha: float,
             seed: int) -> pd.DataFrame:
    """Aalen-Johansen CIF and 1 - KM on the distinct observed times of one group."""
    if np.any((event == 1) & (competing == 1)):
        raise ValueError("a person cannot have both the event and the competing event")
    status = np.where(event == 1, 1, np.where(competing == 1, 2, 0))
    ajf, eps = _aalen_johansen(time, status, alpha, seed)
    grid = np.unique(np.append(time, 0.0))
    est = ajf.cumulative_density_.iloc[:, 0]
    low, high = _ci_columns(ajf.confidence_interval_)
    aj = pd.DataFrame({"time": est.index.to_numpy(float), "cif": est.to_numpy(),
                       "low": low.to_numpy(), "high": high.to_numpy()})
    # Just after each time; the last time's events may have been jittered below it.
    lookup = np.minimum(grid + eps, aj["time"].max())
    at = step_lookup(aj, lookup, ["cif", "low", "high"]).fillna({"cif": 0.0})
    km = km_curve(KaplanMeierFitter(alpha=alpha).fit(time, event))
    kmv = step_lookup(km, grid, ["cumulative_reoffended_pct", "cumulative_ci_low_pct",
                                  "cumulative_ci_high_pct"])
    return pd.DataFrame({
        "time": grid,
        "aj_cif_pct": 100 * at["cif"].to_numpy(),
        "aj_ci_low_pct": 100 * at["low"].to_numpy(),
        "aj_ci_high_pct": 100 * at["high"].to_numpy(),
        "one_minus_km_pct": kmv["cumulative_reoffended_pct"].to_numpy(),
        "km_ci_low_pct": kmv["cumulative_ci_low_pct"].to_numpy(),
        "km_ci_high_pct": kmv["cumulative_ci_high_pct"].to_numpy(),
    })


def cumulative_incidence(
    frame: pd.DataFrame,
    time_col: str = "time",
    event_col: str = "event",
    competing_col: str = "competing_event",
    group_col: str | None = None,
    alpha: float = 0.05,
    seed: int = 0,
) -> pd.DataFrame:
    """Cumulative incidence of reoffending with competing exits, beside 1 - Kaplan-Meier.

    The Aalen-Johansen estimate (lifelines ``AalenJohansenFitter``) counts people who left
    follow-up by a competing exit (death, deportation, long custody) as no longer able to
    reoffend. 1 - KM treats those exits as censoring, i.e. estimates the incidence in a world
    without them, and so overstates the incidence actually seen; the two agree when there are
    no competing exits.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    time_col, event_col : str
        Follow-up time and reoffence indicator.
    competing_col : str
        1 if follow-up ended at a competing exit.
    group_col : str, optional
        Grouping column.
    alpha : float
        1 - confidence level.
    seed : int
        Seed of lifelines' tie-breaking jitter (results do not depend on it; see
        ``docs/survival_methods.md``).

    Returns
    -------
    DataFrame
        ``group``, ``time`` (0 and every distinct time), ``aj_cif_pct`` with
        ``aj_ci_low_pct`` and ``aj_ci_high_pct`` (lifelines' delta-method interval),
        ``one_minus_km_pct`` with ``km_ci_low_pct`` and ``km_ci_high_pct``.
    """
    check_columns(frame, [time_col, event_col, competing_col, group_col])
    parts = []
    for g, d in split_groups(frame, group_col):
        one = _cif_one(d[time_col].to_numpy(float), d[event_col].to_numpy(int),
                       d[competing_col].to_numpy(int), alpha, seed)
        parts.append(one.assign(group=g))
    out = pd.concat(parts, ignore_index=True)
    return out[["group", *[c for c in out.columns if c != "group"]]]


def cumulative_incidence_at(
    frame: pd.DataFrame,
    times: Sequence[float],
    time_col: str = "time",
    event_col: str = "event",
    competing_col: str = "competing_event",
    group_col: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """:func:`cumulative_incidence` at chosen times, with the overstatement by 1 - KM.

    Returns
    -------
    DataFrame
        ``group``, ``time`` and the columns of :func:`cumulative_incidence`, plus
        ``km_excess_pct_points`` = ``one_minus_km_pct - aj_cif_pct`` (NaN beyond follow-up).
    """
    curves = cumulative_incidence(frame, time_col, event_col, competing_col, group_col, alpha)
    t = np.asarray(times, dtype=float)
    cols = [c for c in curves.columns if c not in ("group", "time")]
    parts = []
    for g, c in curves.groupby("group", sort=False):
        vals = step_lookup(c.reset_index(drop=True), t, cols)
        parts.append(pd.concat([pd.DataFrame({"group": g, "time": t}), vals], axis=1))
    out = pd.concat(parts, ignore_index=True)
    out["km_excess_pct_points"] = out["one_minus_km_pct"] - out["aj_cif_pct"]
    return out
