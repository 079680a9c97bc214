"""Kaplan-Meier curves by group, survival and median at chosen times, and numbers at risk."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.utils import median_survival_times

from analysis.models.survival.frames import check_columns, split_groups, step_lookup

__all__ = ["fit_km", "km_curve", "km_table", "survival_at", "median_survival", "number_at_risk"]


def fit_km(
    frame: pd.DataFrame,
    time_col: str = "time",
    event_col: str = "event",
    group_col: str | None = None,
    alpha: float = 0.05,
) -> dict[Any, KaplanMeierFitter]:
    """Fit a lifelines Kaplan-Meier estimator per group.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    time_col, event_col : str
        Follow-up time and event indicator (1 = reoffended, 0 = censored).
    group_col : str, optional
        Column defining the groups; one group labelled ``"All"`` when omitted.
    alpha : float
        1 - confidence level of the pointwise intervals.

    Returns
    -------
    dict
        ``{group label: fitted KaplanMeierFitter}`` in sorted group order.
    """
    check_columns(frame, [time_col, event_col, group_col])
    return {
        g: KaplanMeierFitter(alpha=alpha).fit(d[time_col], d[event_col], label=str(g))
        for g, d in split_groups(frame, group_col)
    }


def km_curve(kmf: KaplanMeierFitter) -> pd.DataFrame:
    """Tidy curve of one fitted Kaplan-Meier estimator (without the group column)."""
    table = kmf.event_table
    ci = kmf.confidence_interval_
    low = ci[[c for c in ci.columns if "_lower_" in c][0]]
    high = ci[[c for c in ci.columns if "_upper_" in c][0]]
    out = pd.DataFrame({
        "time": table.index.to_numpy(dtype=float),
        "at_risk": table["at_risk"].to_numpy(dtype=int),
        "events": table["observed"].to_numpy(dtype=int),
        "censored": table["censored"].to_numpy(dtype=int),
        "survival": kmf.survival_function_.iloc[:, 0].to_numpy(),
        "ci_low": low.to_numpy(),
        "ci_high": high.to_numpy(),
    })
    out["cumulative_reoffended_pct"] = 100 * (1 - out["survival"])
    out["cumulative_ci_low_pct"] = 100 * (1 - out["ci_high"])
    out["cumulative_ci_high_pct"] = 100 * (1 - out["ci_low"])
    return out


def km_table(
    frame: pd.DataFrame,
    time_col: str = "time",
    event_col: str = "event",
    group_col: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Kaplan-Meier curves by group as a tidy table, one row per group and distinct time.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    time_col, event_col : str
        Follow-up time (data's unit) and event indicator.
    group_col : str, optional
        Grouping column; one group ``"All"`` when omitted.
    alpha : float
        1 - confidence level.

    Returns
    -------
    DataFrame
        ``group``, ``time`` (0 first, then every distinct observed time), ``at_risk`` (people
        with ``time >= t``, the risk set at ``t``), ``events`` and ``censored`` (at ``t``),
        ``survival`` (S(t), fraction not yet reoffended, right-continuous), ``ci_low``,
        ``ci_high`` (pointwise log(-log) interval), ``cumulative_reoffended_pct`` =
        100 (1 - S(t)) with ``cumulative_ci_low_pct`` and ``cumulative_ci_high_pct``.
    """
    parts = [km_curve(k).assign(group=g) for g, k in fit_km(frame, time_col, event_col,
                                                              group_col, alpha).items()]
    out = pd.concat(parts, ignore_index=True)
    return out[["group", *[c for c in out.columns if c != "group"]]]


def survival_at(
    frame: pd.DataFrame,
    times: Sequence[float],
    time_col: str = "time",
    event_col: str = "event",
    group_col: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Kaplan-Meier survival and cumulative percent reoffended at chosen times, with CIs.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    times : sequence of float
        Times in the data's unit (use :func:`analysis.measures.time_scale.months_to_unit` for 3, 6, 12
        months).
    time_col, event_col, group_col, alpha
        As :func:`km_table`.

    Returns
    -------
    DataFrame
        ``group``, ``time``, ``survival``, ``ci_low``, ``ci_high``,
        ``cumulative_reoffended_pct``, ``cumulative_ci_low_pct``, ``cumulative_ci_high_pct``.
        Values are NaN at times beyond a group's longest follow-up.
    """
    columns = ["survival", "ci_low", "ci_high", "cumulative_reoffended_pct",
               "cumulative_ci_low_pct", "cumulative_ci_high_pct"]
    t = np.asarray(times, dtype=float)
    parts = []
    for g, k in fit_km(frame, time_col, event_col, group_col, alpha).items():
        values = step_lookup(km_curve(k), t, columns)
        parts.append(pd.concat([pd.DataFrame({"group": g, "time": t}), values], axis=1))
    return pd.concat(parts, ignore_index=True)


def median_survival(
    frame: pd.DataFrame,
    time_col: str = "time",
    event_col: str = "event",
    group_col: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Median time to reoffence by group with its confidence interval.

    The median is the first time at which S(t) <= 0.5 (lifelines); its interval is where the
    pointwise band crosses 0.5 (Brookmeyer-Crowley type). Where the curve (or a band) never
    reaches 0.5 within follow-up the value is NaN and the flag says so.

    Returns
    -------
    DataFrame
        ``group``, ``median``, ``ci_low``, ``ci_high`` (data's time unit), ``median_reached``,
        ``ci_high_reached`` (bool).
    """
    rows = []
    for g, k in fit_km(frame, time_col, event_col, group_col, alpha).items():
        ci = median_survival_times(k.confidence_interval_)
        low = float(ci[[c for c in ci.columns if "_lower_" in c][0]].iloc[0])
        high = float(ci[[c for c in ci.columns if "_upper_" in c][0]].iloc[0])
        med = float(k.median_survival_time_)
        # The lower band reaches 0.5 first, so it gives the upper limit of the median.
        lo, hi = sorted([low, high])
        rows.append({
            "group": g,
            "median": med if np.isfinite(med) else np.nan,
            "ci_low": lo if np.isfinite(lo) else np.nan,
            "ci_high": hi if np.isfinite(hi) else np.nan,
            "median_reached": bool(np.isfinite(med)),
            "ci_high_reached": bool(np.isfinite(hi)),
        })
    return pd.DataFrame(rows)


def number_at_risk(
    frame: pd.DataFrame,
    times: Sequence[float],
    time_col: str = "time",
    event_col: str = "event",
    group_col: str | None = None,
) -> pd.DataFrame:
    """Number still at risk, and events and censorings so far, at chosen times.

    Uses the convention of lifelines' ``add_at_risk_counts`` (the table printed under the
    Kaplan-Meier figures): at risk after ``t`` means followed beyond ``t`` (``time > t``), so
    ``at_risk + events + censored`` = group size at every ``t``.

    Returns
    -------
    DataFrame
        ``group``, ``time``, ``at_risk`` (``time > t``), ``events`` (reoffences with
        ``time <= t``), ``censored`` (censorings with ``time <= t``).
    """
    check_columns(frame, [time_col, event_col, group_col])
    rows = []
    for g, d in split_groups(frame, group_col):
        tt, ee = d[time_col].to_numpy(float), d[event_col].to_numpy(int)
        for t in times:
            done = tt <= t
            rows.append({"group": g, "time": float(t), "at_risk": int((~done).sum()),
                         "events": int((done & (ee == 1)).sum()),
                         "censored": int((done & (ee == 0)).sum())})
    return pd.DataFrame(rows)
