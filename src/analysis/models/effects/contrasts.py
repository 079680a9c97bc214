"""Weighted contrasts of an outcome between the treated and the comparison people: the
unadjusted, matched and inverse-probability-weighted differences and ratios of means, with
sandwich standard errors, and the kind of each outcome, which decides how it is compared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from analysis.models.effects.common import z_value

__all__ = ["adjusted_contrasts", "outcome_kind", "unadjusted_contrasts", "weighted_contrast"]

OutcomeKind = Literal["time", "binary", "count", "amount"]


def weighted_contrast(
    y: pd.Series | np.ndarray,
    treated: pd.Series | np.ndarray,
    weights: pd.Series | np.ndarray | None = None,
    clusters: pd.Series | np.ndarray | None = None,
    scale: Literal["difference", "ratio"] = "difference",
    alpha: float = 0.05,
) -> dict[str, float]:
    """Weighted mean of ``y`` in each group, their difference or ratio, and a sandwich SE.

    The weighted means are ``m_g = sum w y / sum w`` within group ``g``. The standard error is
    the linearisation (sandwich) estimate with weights taken as fixed: with ``IF_i = w_i (y_i -
    m_1) T_i / W_1 - w_i (y_i - m_0) (1 - T_i) / W_0`` (divided by ``m_1``, ``m_0`` for the log
    ratio), ``Var = G / (G - 1) sum_c (sum_{i in c} IF_i)^2`` over clusters ``c`` (each person
    its own cluster when none are given). This equals a weighted least squares regression on
    the treatment flag with HC1-type (or cluster-robust) errors, up to the small-sample factor.

    Returns
    -------
    dict
        ``mean_treated``, ``mean_comparison``, ``estimate`` (difference, or ratio), ``se`` (of
        the difference, or of the log ratio), ``ci_low``, ``ci_high``, ``p_value``, ``n_treated``,
        ``n_comparison`` (people with weight above 0).
    """
    y = np.asarray(y, dtype=float)
    t = np.asarray(treated).astype(int)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    keep = w > 0
    y, t, w = y[keep], t[keep], w[keep]
    W1, W0 = w[t == 1].sum(), w[t == 0].sum()
    nan = {k: np.nan for k in ("mean_treated", "mean_comparison", "estimate", "se", "ci_low",
                               "ci_high", "p_value")}
    if W1 == 0 or W0 == 0:
        return {**nan, "n_treated": int((t == 1).sum()), "n_comparison": int((t == 0).sum())}
    m1 = float(np.sum(w * y * t) / W1)
    m0 = float(np.sum(w * y * (1 - t)) / W0)
    inf = w * (y - m1) * t / W1 - w * (y - m0) * (1 - t) / W0
    if scale == "ratio":
        if m1 <= 0 or m0 <= 0:
            return {**nan, "mean_treated": m1, "mean_comparison": m0,
                    "n_treated": int((t == 1).sum()), "n_comparison": int((t == 0).sum())}
        inf = w * (y - m1) * t / (W1 * m1) - w * (y - m0) * (1 - t) / (W0 * m0)
    if clusters is None:
        sums = inf
    else:
        c = pd.factorize(np.asarray(clusters)[keep])[0]
        sums = np.bincount(c, weights=inf)
    g = len(sums)
    se = float(np.sqrt(g / (g - 1) * np.sum(sums**2))) if g > 1 else np.nan
    z = z_value(alpha)
    if scale == "difference":
        est = m1 - m0
        lo, hi = est - z * se, est + z * se
        p = 2 * stats.norm.sf(abs(est / se)) if se > 0 else np.nan
    else:
        est = m1 / m0
        lo, hi = est * np.exp(-z * se), est * np.exp(z * se)
        p = 2 * stats.norm.sf(abs(np.log(est) / se)) if se > 0 else np.nan
    return {"mean_treated": m1, "mean_comparison": m0, "estimate": est, "se": se,
            "ci_low": lo, "ci_high": hi, "p_value": float(p),
            "n_treated": int((t == 1).sum()), "n_comparison": int((t == 0).sum())}


def outcome_kind(name: str, values: pd.Series) -> OutcomeKind:
    """The kind of an outcome column, which decides how it is compared.

    ``"time"`` for the column ``time`` (time to first reoffence, with ``event``); ``"binary"``
    for 0/1 values; ``"amount"`` for a column whose name ends in ``_gbp`` (money) or with
    non-integer values; otherwise ``"count"``. Missing values are ignored.
    """
    if name == "time":
        return "time"
    v = pd.to_numeric(values.dropna(), errors="raise").to_numpy(dtype=float)
    if name.endswith("_gbp") or not np.all(v == np.round(v)):
        return "amount"
    return "binary" if set(np.unique(v)) <= {0.0, 1.0} else "count"


def adjusted_contrasts(
    frame: pd.DataFrame,
    outcome: str,
    weights: Mapping[str, pd.Series | None],
    clusters: Mapping[str, pd.Series | None] | None = None,
    scales: Sequence[Literal["difference", "ratio"]] = ("difference",),
    treatment_col: str = "treated",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """:func:`weighted_contrast` of one outcome under several sets of weights, as one table.

    Parameters
    ----------
    frame : DataFrame
        The people (the weights' index).
    outcome : str
        Outcome column.
    weights : mapping
        ``{method: weights}``, e.g. ``{"Unadjusted": None, "Matching": w, "IPW (ATT)": w}``.
    clusters : mapping, optional
        ``{method: cluster ids}`` for cluster-robust SEs (e.g. the matched sets).
    scales : sequence of {"difference", "ratio"}
        Contrasts to report.

    Returns
    -------
    DataFrame
        ``method``, ``scale``, ``outcome`` and the keys of :func:`weighted_contrast`.
    """
    clusters = dict(clusters or {})
    rows = [{"method": name, "scale": scale, "outcome": outcome,
             **weighted_contrast(frame[outcome], frame[treatment_col], w, clusters.get(name),
                                 scale, alpha)}
            for name, w in weights.items() for scale in scales]
    return pd.DataFrame(rows)


def unadjusted_contrasts(
    frame: pd.DataFrame,
    kinds: Mapping[str, OutcomeKind],
    treatment_col: str = "treated",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """The unadjusted contrast of every outcome but the time to reoffence, as one table.

    Each outcome gets its difference in means; a count outcome also gets its ratio of means
    (rate ratio).

    Parameters
    ----------
    frame : DataFrame
        The people, with the treatment and the outcome columns.
    kinds : mapping of str to str
        ``{outcome: kind}`` from :func:`outcome_kind`, in the order of the table's rows.
    treatment_col : str
        The 0/1 treatment column.
    alpha : float
        One minus the confidence level of the intervals.

    Returns
    -------
    DataFrame
        The rows of :func:`adjusted_contrasts` with the method ``"Unadjusted"``.
    """
    parts = [adjusted_contrasts(frame, name, {"Unadjusted": None},
                                scales=("difference", "ratio") if kind == "count" else
                                ("difference",), treatment_col=treatment_col, alpha=alpha)
             for name, kind in kinds.items() if kind != "time"]
    return pd.concat(parts, ignore_index=True)
