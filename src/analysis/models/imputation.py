"""Multiple imputation of missing covariate values by chained equations, and Rubin's rules.

:func:`imputed_frames` completes a frame ``m`` times with statsmodels' ``MICEData`` (each
incomplete variable in turn regressed on all the others, the regression's coefficients drawn
from their approximate posterior, and each missing value replaced by the observed value of one
of the ``k_pmm`` people whose predicted values are nearest: predictive mean matching, so a 0/1
flag stays 0/1 and a count stays a whole number). The chain runs ``burn_in`` cycles before the
first completed frame and ``between`` cycles between the next ones, from one seeded generator,
so the same data and seed give the same frames.

:func:`rubin` combines the ``m`` estimates of one quantity (Rubin 1987): the pooled estimate is
their mean, its variance ``T = W + (1 + 1/m) B`` adds the between-imputation variance ``B`` to
the mean within-imputation variance ``W``, and the interval and p-value use Student's t with
Rubin's degrees of freedom ``(m - 1) (1 + 1/r)^2``, ``r = (1 + 1/m) B / W``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.imputation.mice import MICEData

from analysis.estimable import NotEstimable

__all__ = ["Pooled", "rubin", "imputed_frames", "imputation_columns", "IMPUTATION"]

#: Multiple imputation, as a statement of what could not be estimated names it.
IMPUTATION = "Multiple imputation"


@dataclass(frozen=True)
class Pooled:
    """One quantity combined over ``m`` imputations by Rubin's rules.

    Attributes
    ----------
    estimate, se, ci_low, ci_high, p_value : float
        Pooled estimate, its standard error ``sqrt(T)``, the t interval and the two-sided
        p-value of estimate = 0.
    df : float
        Rubin's degrees of freedom (infinite when the imputations agree exactly).
    within, between : float
        Mean within-imputation variance ``W`` and between-imputation variance ``B``.
    fmi : float
        Fraction of missing information, ``(r + 2 / (df + 3)) / (r + 1)``.
    m : int
        Number of imputations.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    df: float
    within: float
    between: float
    fmi: float
    m: int


def rubin(estimates: Sequence[float], variances: Sequence[float], alpha: float = 0.05) -> Pooled:
    """Combine the estimates of ``m`` completed data sets by Rubin's rules.

    Parameters
    ----------
    estimates : sequence of float
        The estimate from each completed data set.
    variances : sequence of float
        Its squared standard error in each completed data set.
    alpha : float
        1 - confidence level.

    Returns
    -------
    Pooled

    Raises
    ------
    ValueError
        With fewer than two imputations, or estimates and variances of different lengths.
    """
    q, u = np.asarray(estimates, dtype=float), np.asarray(variances, dtype=float)
    m = len(q)
    if m < 2 or len(u) != m:
        raise ValueError("Rubin's rules need at least two estimates, each with a variance")
    mean, within, between = float(q.mean()), float(u.mean()), float(q.var(ddof=1))
    total = within + (1 + 1 / m) * between
    r = (1 + 1 / m) * between / within if within > 0 else np.inf
    df = float((m - 1) * (1 + 1 / r) ** 2) if r > 0 else np.inf
    fmi = float((r + 2 / (df + 3)) / (r + 1)) if np.isfinite(r) else 1.0
    se = float(np.sqrt(total))
    t = float(stats.t.ppf(1 - alpha / 2, df)) if np.isfinite(df) else float(stats.norm.ppf(1 - alpha / 2))
    p = float(2 * stats.t.sf(abs(mean) / se, df)) if se > 0 else float("nan")
    return Pooled(mean, se, mean - t * se, mean + t * se, p, df, within, between, fmi, m)


def imputation_columns(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The numeric frame the chained equations work on.

    Numbers and 0/1 flags are used as they are; a text column with every value recorded is
    dummy-coded (a predictor only). A text column with missing values cannot be imputed by
    predictive mean matching of numbers.

    Raises
    ------
    NotEstimable
        Naming a text column with missing values.
    """
    parts = []
    for col in columns:
        s = frame[col]
        if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            parts.append(s.astype(float).rename(col))
        elif s.isna().any():
            raise NotEstimable(IMPUTATION, f"the text covariate '{col}' has missing values; "
                                           "chained equations here impute numbers and 0/1 flags")
        else:
            levels = sorted(pd.unique(s).tolist(), key=str)
            parts += [(s == lv).astype(float).rename(f"{col}[{lv}]") for lv in levels[1:]]
    return pd.concat(parts, axis=1)


def imputed_frames(frame: pd.DataFrame, impute: Sequence[str], predictors: Sequence[str],
                   m: int = 20, seed: int = 2024, burn_in: int = 10, between: int = 3,
                   k_pmm: int = 20) -> list[pd.DataFrame]:
    """``m`` copies of ``frame`` with the missing values of ``impute`` filled in.

    Parameters
    ----------
    frame : DataFrame
        The people; ``predictors`` must be recorded for everyone.
    impute : sequence of str
        Columns to complete (numbers or 0/1 flags; text columns must be fully recorded).
    predictors : sequence of str
        Further fully recorded columns the chained equations condition on: the treatment and
        the outcome (an imputation model without the outcome biases its coefficient towards 0).
    m : int
        Number of completed frames.
    seed : int
        Seed of the one random generator the chain draws from.
    burn_in, between : int
        Cycles before the first completed frame and between later ones.
    k_pmm : int
        Donors of predictive mean matching.

    Returns
    -------
    list of DataFrame
        Copies of ``frame`` (same index) with the imputed columns as float.

    Raises
    ------
    NotEstimable
        When a predictor has missing values or a text column in ``impute`` does.
    """
    impute, predictors = list(dict.fromkeys(impute)), list(dict.fromkeys(predictors))
    blank = [c for c in predictors if frame[c].isna().any()]
    if blank:
        raise NotEstimable(IMPUTATION, f"{', '.join(blank)} must be recorded for everyone")
    numeric = imputation_columns(frame, [*impute, *(c for c in predictors if c not in impute)])
    names = {col: f"v{i}" for i, col in enumerate(numeric.columns)}
    chain = MICEData(numeric.rename(columns=names).reset_index(drop=True), k_pmm=k_pmm,
                     rng=np.random.default_rng(seed))
    targets = [c for c in impute if c in numeric.columns and numeric[c].isna().any()]
    completed = []
    for i in range(m):
        chain.update_all(burn_in if i == 0 else between)
        out = frame.copy()
        for col in targets:
            out[col] = chain.data[names[col]].to_numpy()
        completed.append(out)
    return completed
