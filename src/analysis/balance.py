"""Standardised mean differences between a treated and a comparison group."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["smd", "weighted_mean_var"]


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
