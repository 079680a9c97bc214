"""Pieces every effect estimator shares: the normal quantile of a two-sided interval, the
statsmodels options for robust or cluster-robust standard errors and their name in tables, and
the regression design of treatment plus dummy-coded covariates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import statsmodels.api as sm
from scipy import stats

from analysis.models.design import default_references, design_matrix

__all__ = ["cov_kwargs", "se_type", "treatment_design", "z_value"]


def z_value(alpha: float) -> float:
    """The standard normal quantile ``z_{1 - alpha / 2}`` of a two-sided ``1 - alpha`` interval."""
    return float(stats.norm.ppf(1 - alpha / 2))


def cov_kwargs(frame: pd.DataFrame, cluster_col: str | None) -> dict[str, Any]:
    """statsmodels ``fit`` arguments for HC1 robust or cluster-robust standard errors."""
    if cluster_col is None:
        return {"cov_type": "HC1"}
    groups = pd.factorize(frame[cluster_col])[0]
    return {"cov_type": "cluster", "cov_kwds": {"groups": groups}}


def se_type(cluster_col: str | None) -> str:
    """The standard errors' name in tables: robust (HC1), or cluster-robust on ``cluster_col``."""
    return f"cluster-robust ({cluster_col})" if cluster_col else "robust (HC1)"


def treatment_design(frame: pd.DataFrame, covariates: Sequence[str],
                     refs: Mapping[str, Any] | None,
                     treatment_col: str = "treated") -> pd.DataFrame:
    """Constant, treatment and dummy-coded covariates (constant columns dropped).

    Parameters
    ----------
    frame : DataFrame
        The people.
    covariates : sequence of str
        Covariate columns; text ones are dummy-coded against ``refs``.
    refs : mapping, optional
        Reference level of each text covariate (default: its most common level).
    treatment_col : str
        The 0/1 treatment column.

    Returns
    -------
    DataFrame
        ``const``, ``treatment_col`` and the covariate columns.
    """
    refs = dict(refs) if refs is not None else default_references(frame, covariates)
    design, _ = design_matrix(frame, list(covariates), refs)
    design = design.loc[:, design.nunique() > 1]
    X = pd.concat([frame[[treatment_col]].astype(float), design], axis=1)
    return sm.add_constant(X, has_constant="add")
