"""Integrated Offender Management (IOM) indicators of the Safe Durham strategy (Appendices 2 and 4).

The proportion of the IOM cohort reoffending (and of IOM people released from prison), the
percentage change in their proven offences from the 12 months before cohort start to the 12
months after (a monitoring figure, not an effect estimate: people join IOM because of recent
heavy offending), and the time from release to the first proven reoffence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.measures.performance.frame import ALL
from analysis.measures.performance.moj import reoffending_by_quarter
from analysis.measures.performance.published import published_iom

__all__ = [
    "iom_reoffending",
    "detected_crime_change",
    "iom_detected_crime_change",
    "iom_time_to_reoffence",
    "IomIndicators",
    "iom_indicators",
]


def iom_reoffending(frame: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Proportion of the IOM cohort reoffending, and of IOM people released from prison.

    Returns
    -------
    DataFrame
        ``cohort`` (``"IOM cohort"`` or ``"IOM, released from custody"``) and the columns of
        :func:`reoffending_by_quarter` (no other grouping).
    """
    iom = frame["iom"].eq(1).fillna(False).astype(bool)
    parts = [reoffending_by_quarter(frame, by=(), alpha=alpha, subset=iom).assign(cohort="IOM cohort")]
    parts.append(reoffending_by_quarter(frame, by=(), alpha=alpha, subset=iom & frame["custody"])
                 .assign(cohort="IOM, released from custody"))
    out = pd.concat(parts, ignore_index=True)
    return out[["cohort", *[c for c in out.columns if c != "cohort"]]]


def detected_crime_change(before: Sequence[float], after: Sequence[float], alpha: float = 0.05) -> dict[str, float]:
    """Percentage change in offences from a before period to an after period, for one cohort.

    ``change_pct = 100 (A / B - 1)`` with ``A`` and ``B`` the cohort's total offences after and
    before. The interval treats each person's pair of counts as one observation: the variance
    of ``log(A / B)`` is estimated by the delta method for a ratio of two correlated means,
    ``var(a)/(n mean(a)^2) + var(b)/(n mean(b)^2) - 2 cov(a, b)/(n mean(a) mean(b))``, and the
    interval is back-transformed.

    Returns
    -------
    dict
        ``people``, ``before``, ``after``, ``change_pct``, ``ci_low_pct``, ``ci_high_pct``
        (NaN when either total is 0 or fewer than two people).
    """
    a = np.asarray(after, dtype=float)
    b = np.asarray(before, dtype=float)
    n = len(a)
    out = {"people": n, "before": float(b.sum()), "after": float(a.sum()),
           "change_pct": np.nan, "ci_low_pct": np.nan, "ci_high_pct": np.nan}
    if n == 0 or b.sum() == 0:
        return out
    ratio = a.sum() / b.sum()
    out["change_pct"] = 100 * (ratio - 1)
    if n < 2 or a.sum() == 0:
        return out
    ma, mb = a.mean(), b.mean()
    cov = np.cov(a, b, ddof=1)
    var = cov[0, 0] / (n * ma**2) + cov[1, 1] / (n * mb**2) - 2 * cov[0, 1] / (n * ma * mb)
    z = stats.norm.ppf(1 - alpha / 2)
    se = np.sqrt(max(var, 0.0))
    out["ci_low_pct"] = 100 * (ratio * np.exp(-z * se) - 1)
    out["ci_high_pct"] = 100 * (ratio * np.exp(z * se) - 1)
    return out


def iom_detected_crime_change(frame: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Percentage change in proven offences of the IOM cohort, 12 months before vs after start.

    Before: ``prior_offences_12m`` (proven offences in the 12 months before cohort start).
    After: the proven reoffences counted by the Ministry of Justice rules in the 12 months
    from cohort start (offences before cohort start are not in the offences table). Only
    eligible IOM people with a known ``prior_offences_12m`` count.

    Returns
    -------
    DataFrame
        ``quarter`` (each quarter with eligible IOM people, then ``"All cohorts"``) and the
        keys of :func:`detected_crime_change`.
    """
    iom = frame["iom"].eq(1).fillna(False) & frame["eligible"] & frame["prior_offences_12m"].notna()
    f = frame.loc[iom.astype(bool)]
    rows = []
    for q in frame["quarter"].cat.categories:
        g = f[f["quarter"] == q]
        if len(g):
            rows.append({"quarter": q, **detected_crime_change(g["prior_offences_12m"], g["reoffences"], alpha)})
    rows.append({"quarter": ALL, **detected_crime_change(f["prior_offences_12m"], f["reoffences"], alpha)})
    return pd.DataFrame(rows)


def iom_time_to_reoffence(frame: pd.DataFrame) -> pd.DataFrame:
    """Time from release from custody to the first proven reoffence, IOM cohort.

    Among eligible IOM people released from custody who reoffended: days from the release date
    to the offence date of the first proven reoffence (0 = an offence on the day of release,
    i.e. ``time_days - 1``).

    Returns
    -------
    DataFrame
        ``quarter`` (each quarter, then ``"All cohorts"``), ``released``, ``reoffenders``,
        ``median_days``, ``q1_days``, ``q3_days``, ``mean_days``.
    """
    keep = frame["iom"].eq(1).fillna(False) & frame["custody"] & frame["eligible"]
    f = frame.loc[keep.astype(bool)]
    rows = []
    groups = [(q, f[f["quarter"] == q]) for q in frame["quarter"].cat.categories]
    for q, g in [*[(q, g) for q, g in groups if len(g)], (ALL, f)]:
        days = (g.loc[g["reoffended"] == 1, "time_days"] - 1).astype(float)
        rows.append({"quarter": q, "released": len(g), "reoffenders": len(days),
                     "median_days": days.median() if len(days) else np.nan,
                     "q1_days": days.quantile(0.25) if len(days) else np.nan,
                     "q3_days": days.quantile(0.75) if len(days) else np.nan,
                     "mean_days": days.mean() if len(days) else np.nan})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class IomIndicators:
    """The IOM indicators of a run, exact and as published.

    Attributes
    ----------
    rates, change, time : DataFrame
        :func:`iom_reoffending`, :func:`iom_detected_crime_change`, :func:`iom_time_to_reoffence`.
    published : dict of str to DataFrame
        :func:`~analysis.measures.performance.published.published_iom` of the three, by table name.
    """

    rates: pd.DataFrame
    change: pd.DataFrame
    time: pd.DataFrame
    published: dict[str, pd.DataFrame]


def iom_indicators(frame: pd.DataFrame, min_cell: int = 5) -> IomIndicators:
    """The three IOM indicators and their published tables.

    Parameters
    ----------
    frame : DataFrame
        A performance frame with the ``iom`` column (records form).
    min_cell : int
        Smallest count shown.

    Returns
    -------
    IomIndicators
    """
    rates = iom_reoffending(frame)
    change = iom_detected_crime_change(frame)
    time = iom_time_to_reoffence(frame)
    return IomIndicators(rates, change, time, published_iom(rates, change, time, min_cell))
