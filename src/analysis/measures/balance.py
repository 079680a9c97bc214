"""Covariate balance between a treated and a comparison group: SMDs, variance ratios, tables."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.disclosure import small_flag_cells, suppress_where

__all__ = ["balance_table", "imbalanced", "published_balance", "is_binary", "smd", "variance_ratio",
           "weighted_mean_var"]


def weighted_mean_var(x: pd.Series, w: pd.Series | None = None) -> tuple[float, float]:
    """Return the (weighted) mean and variance of ``x``, ignoring missing values.

    The variance uses the reliability-weights correction (equal to the sample variance with
    ``ddof=1`` when all weights are one).
    """
    x = pd.to_numeric(x, errors="coerce").astype(float)
    w = pd.Series(1.0, index=x.index) if w is None else w.astype(float)
    keep = x.notna() & w.notna()
    x, w = x[keep].to_numpy(), w[keep].to_numpy()
    if len(x) == 0 or w.sum() == 0:
        return float("nan"), float("nan")
    mean = float(np.average(x, weights=w))
    v1, v2 = w.sum(), (w**2).sum()
    denom = v1 - v2 / v1
    var = float(np.sum(w * (x - mean) ** 2) / denom) if denom > 0 else float("nan")
    return mean, var


def smd(
    x: pd.Series,
    treated: pd.Series,
    weights: pd.Series | None = None,
) -> float:
    """Standardised mean difference of ``x`` between treated (1) and comparison (0).

    ``(mean_1 - mean_0) / sqrt((var_1 + var_0) / 2)`` (Austin 2009, Stat Med 28:3083), with
    sample variances (``ddof=1``; reliability-weighted when weights are given), so a 0/1
    variable is treated like any other.

    Parameters
    ----------
    x : Series
        Numeric or 0/1 values.
    treated : Series
        0/1 group indicator, same index.
    weights : Series, optional
        Matching or inverse-probability weights.
    """
    t = treated.astype(int)
    w = weights if weights is not None else pd.Series(1.0, index=x.index)
    m1, v1 = weighted_mean_var(x[t == 1], w[t == 1])
    m0, v0 = weighted_mean_var(x[t == 0], w[t == 0])
    pooled = np.sqrt((v1 + v0) / 2)
    if not np.isfinite(pooled) or pooled == 0:
        return 0.0 if m1 == m0 else float("nan")
    return float((m1 - m0) / pooled)


def variance_ratio(
    x: pd.Series,
    treated: pd.Series,
    weights: pd.Series | None = None,
) -> float:
    """Ratio of the (weighted) variances of ``x``, treated over comparison.

    Near 1 when the spread is balanced; Austin (2009) and Rubin (2001) take 0.5 to 2 as
    acceptable. Uses the same variances as :func:`smd`.
    """
    t = treated.astype(int)
    w = weights if weights is not None else pd.Series(1.0, index=x.index)
    _, v1 = weighted_mean_var(x[t == 1], w[t == 1])
    _, v0 = weighted_mean_var(x[t == 0], w[t == 0])
    if not np.isfinite(v0) or v0 == 0:
        return float("nan")
    return float(v1 / v0)


def is_binary(s: pd.Series) -> bool:
    """Whether the non-missing values of ``s`` are all 0 or 1 (and there is at least one)."""
    vals = set(pd.unique(s.dropna()))
    return bool(vals) and vals <= {0, 1}


def balance_table(
    design: pd.DataFrame,
    treated: pd.Series,
    weights: Mapping[str, pd.Series | None],
    threshold: float = 0.1,
) -> pd.DataFrame:
    """Standardised mean differences and variance ratios of each covariate in each sample.

    Parameters
    ----------
    design : DataFrame
        Numeric covariate columns (dummy-coded), one row per person.
    treated : Series
        0/1 flags, same index.
    weights : mapping
        ``{sample name: weights or None}``, e.g. ``{"Unadjusted": None, "Matched": w_match,
        "IPW (ATT)": w_att}``. People with weight 0 do not count.
    threshold : float
        Absolute SMD above which a covariate is flagged as imbalanced.

    Returns
    -------
    DataFrame
        ``covariate``, ``sample``, ``mean_treated``, ``mean_comparison``, ``smd``,
        ``abs_smd``, ``variance_ratio`` (NaN for 0/1 covariates, whose variance follows from the
        mean) and ``imbalanced`` (``abs_smd > threshold``).
    """
    t = treated.astype(int)
    rows = []
    for sample, w in weights.items():
        ww = pd.Series(1.0, index=design.index) if w is None else w.astype(float)
        for col in design.columns:
            x = design[col].astype(float)
            m1, _ = weighted_mean_var(x[t == 1], ww[t == 1])
            m0, _ = weighted_mean_var(x[t == 0], ww[t == 0])
            d = smd(x, t, ww)
            rows.append({
                "covariate": col, "sample": sample, "mean_treated": m1, "mean_comparison": m0,
                "smd": d, "abs_smd": abs(d),
                "variance_ratio": np.nan if is_binary(x) else variance_ratio(x, t, ww),
                "imbalanced": bool(abs(d) > threshold),
            })
    return pd.DataFrame(rows)


def published_balance(
    table: pd.DataFrame,
    design: pd.DataFrame,
    treated: pd.Series,
    weights: Mapping[str, pd.Series | None],
    min_cell: int = 5,
) -> pd.DataFrame:
    """A :func:`balance_table` under the small-count rule (:mod:`analysis.disclosure`).

    The mean of a 0/1 covariate is the share of a group with it, and the group's size is
    published (in the attrition and weights tables), so the share gives the count. For each 0/1
    covariate and sample, the people counted (weight above 0) with and without it are found in
    each group; where any of the four is 1 to ``min_cell - 1``, the means, SMD and absolute SMD
    of that covariate in that sample read ``"suppressed"``. The ``imbalanced`` flag is kept.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`balance_table` for the same arguments.
    design, treated, weights
        As given to :func:`balance_table`.
    min_cell : int
        Smallest count shown.
    """
    hidden = []
    for w in weights.values():
        counted = None if w is None else w.astype(float) > 0
        for col in design.columns:
            x = design[col].astype(float)
            hidden.append(is_binary(x) and small_flag_cells(x, treated, min_cell, counted))
    return suppress_where(table, ["mean_treated", "mean_comparison", "smd", "abs_smd"], np.array(hidden))


def imbalanced(table: pd.DataFrame, sample: str) -> list[str]:
    """Covariates of :func:`balance_table` flagged as imbalanced in ``sample``."""
    sel = table[(table["sample"] == sample) & table["imbalanced"]]
    return sel["covariate"].tolist()
