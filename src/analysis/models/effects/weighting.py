"""Inverse probability of treatment weights (IPW) for the ATT and the ATE, and their diagnostics.

With propensity score ``e``, treatment ``T`` and ``P = P(T = 1)`` (the treated share):

======== ============================== =====================================================
estimand unstabilised                   stabilised
======== ============================== =====================================================
ATE      ``T / e + (1 - T) / (1 - e)``  ``T P / e + (1 - T)(1 - P) / (1 - e)``
ATT      ``T + (1 - T) e / (1 - e)``    ``T + (1 - T) e / (1 - e) (1 - P) / P``
======== ============================== =====================================================

Stabilising multiplies each group's weights by a constant, so weighted means (and so the
estimates) are unchanged, but the weights sum to about the group sizes and their variance is
smaller (Robins, Hernán and Brumback 2000; Xu et al. 2010).

Trimming (``trim_quantile=q``) truncates the weights that vary (everyone's for the ATE, the
comparisons' for the ATT, whose treated weights are all 1) at their ``q`` and ``1 - q``
quantiles (Cole and Hernán 2008; Lee, Lessler and Stuart 2011).

The effective sample size of a weighted group is Kish's ``(sum w)^2 / sum w^2``: the number of
equally weighted people that would give the same precision.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

__all__ = ["effective_sample_size", "ipw_weights", "weight_summary"]

Estimand = Literal["ATT", "ATE"]


def ipw_weights(
    score: pd.Series,
    treated: pd.Series,
    estimand: Estimand = "ATT",
    stabilised: bool = True,
    trim_quantile: float | None = None,
) -> pd.Series:
    """Inverse probability of treatment weights (formulas in the module docstring).

    Parameters
    ----------
    score : Series
        Propensity scores in (0, 1).
    treated : Series
        0/1 flags, same index.
    estimand : {"ATT", "ATE"}
        Average treatment effect on the treated, or in everyone.
    stabilised : bool
        Multiply by the marginal treatment probabilities.
    trim_quantile : float, optional
        Truncate the varying weights at this quantile and its mirror (e.g. 0.01 for 1% / 99%).

    Returns
    -------
    Series
        The weights, same index, named ``"ipw_<estimand>"``.
    """
    e = score.to_numpy(dtype=float)
    t = treated.astype(int).to_numpy()
    if np.any((e <= 0) | (e >= 1)):
        raise ValueError("propensity scores must lie strictly between 0 and 1")
    p = t.mean()
    if estimand == "ATE":
        w = np.where(t == 1, 1 / e, 1 / (1 - e))
        if stabilised:
            w = w * np.where(t == 1, p, 1 - p)
        varying = np.ones(len(t), dtype=bool)
    elif estimand == "ATT":
        w = np.where(t == 1, 1.0, e / (1 - e))
        if stabilised and 0 < p < 1:
            w = np.where(t == 1, 1.0, w * (1 - p) / p)
        varying = t == 0
    else:
        raise ValueError("estimand must be 'ATT' or 'ATE'")
    if trim_quantile:
        if not 0 < trim_quantile < 0.5:
            raise ValueError("trim_quantile must lie between 0 and 0.5")
        lo, hi = np.quantile(w[varying], [trim_quantile, 1 - trim_quantile])
        w = np.where(varying, np.clip(w, lo, hi), w)
    return pd.Series(w, index=score.index, name=f"ipw_{estimand.lower()}")


def effective_sample_size(weights: pd.Series | np.ndarray) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2``."""
    w = np.asarray(weights, dtype=float)
    s2 = np.sum(w**2)
    return float(np.sum(w) ** 2 / s2) if s2 > 0 else 0.0


def weight_summary(weights: Mapping[str, pd.Series], treated: pd.Series,
                   labels: Mapping[int, str] | None = None) -> pd.DataFrame:
    """Distribution and effective sample size of each set of weights, by group.

    Parameters
    ----------
    weights : mapping
        ``{name: weights}`` (e.g. matching, IPW ATT, IPW ATE).
    treated : Series
        0/1 flags, same index.
    labels : mapping, optional
        Group labels.

    Returns
    -------
    DataFrame
        ``weights``, ``group``, ``n`` (people with weight above 0), ``sum``, ``mean``, ``min``,
        ``max``, ``effective_n`` and ``effective_pct`` (effective n as % of n).
    """
    labels = dict(labels or {0: "Comparison", 1: "Treated"})
    rows = []
    for name, w in weights.items():
        for g in (1, 0):
            x = w[treated.astype(int) == g].to_numpy(dtype=float)
            x = x[x > 0]
            ess = effective_sample_size(x)
            rows.append({"weights": name, "group": labels[g], "n": len(x),
                         "sum": x.sum(), "mean": x.mean() if len(x) else np.nan,
                         "min": x.min() if len(x) else np.nan,
                         "max": x.max() if len(x) else np.nan,
                         "effective_n": ess, "effective_pct": 100 * ess / len(x) if len(x) else np.nan})
    return pd.DataFrame(rows)
