"""Proportions with confidence intervals: the Wilson score interval used by every measure.

Every proportion the project reports (proven reoffending rates, the Pan-Dorset measures, needs
prevalence, published comparators) gets the same interval, the Wilson score interval
(``statsmodels.stats.proportion.proportion_confint(method="wilson")``). It stays inside [0, 1],
is not degenerate at 0 or n successes and keeps close to its nominal coverage for the small
quarterly cohorts the measures are reported for (Newcombe 1998, Statistics in Medicine
17:857-872).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from statsmodels.stats.proportion import proportion_confint

__all__ = ["wilson_ci", "wilson"]


def wilson_ci(
    successes: pd.Series | np.ndarray | float, n: pd.Series | np.ndarray | float, alpha: float = 0.05,
) -> tuple:
    """Wilson score interval of a proportion, as fractions.

    Parameters
    ----------
    successes : int, array or Series
        Number of people with the outcome.
    n : int, array or Series
        Number of people counted (positive; a blank gives a blank interval).
    alpha : float
        1 - confidence level.

    Returns
    -------
    tuple
        ``(low, high)``, of the same shape as the inputs.
    """
    return proportion_confint(successes, n, alpha=alpha, method="wilson")


def wilson(k: ArrayLike, n: ArrayLike, alpha: float = 0.05) -> pd.DataFrame:
    """Proportions in percent with their Wilson score intervals.

    Parameters
    ----------
    k : number or sequence of numbers
        Number of people with the outcome.
    n : number or sequence of numbers
        Number of people counted.
    alpha : float
        1 - confidence level.

    Returns
    -------
    DataFrame
        One row per pair: ``value_pct`` (``100 k / n``), ``ci_low_pct``, ``ci_high_pct``; all
        three blank where ``n`` is 0.
    """
    ks = np.atleast_1d(np.asarray(k, dtype=float))
    ns = np.atleast_1d(np.asarray(n, dtype=float))
    ok = ns > 0
    lo, hi = np.full(len(ns), np.nan), np.full(len(ns), np.nan)
    if ok.any():
        lo[ok], hi[ok] = wilson_ci(ks[ok], ns[ok], alpha)
    value = np.where(ok, ks / np.where(ok, ns, 1), np.nan)
    return pd.DataFrame({"value_pct": 100 * value, "ci_low_pct": 100 * lo, "ci_high_pct": 100 * hi})
