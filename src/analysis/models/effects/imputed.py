"""The regression-adjusted effect on a binary outcome with missing covariate values multiply
imputed (chained equations, Rubin's rules), beside the same estimate on complete cases.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.models.effects.outcome_models import logistic_adjusted
from analysis.models.imputation import imputed_frames, rubin

__all__ = ["imputed_logistic", "complete_and_imputed", "COMPLETE_CASES"]

#: The method name of the complete-case rows.
COMPLETE_CASES = "Complete cases"


def _pool(tables: list[pd.DataFrame], alpha: float) -> pd.DataFrame:
    """Pool the rows of ``m`` logistic tables by measure (the odds ratio on the log scale)."""
    rows = []
    for measure in tables[0]["measure"]:
        picked = [t.set_index("measure").loc[measure] for t in tables]
        is_ratio = measure == "odds ratio"
        est = [float(np.log(r["estimate"]) if is_ratio else r["estimate"]) for r in picked]
        pooled = rubin(est, [float(r["se"]) ** 2 for r in picked], alpha)
        back = np.exp if is_ratio else (lambda x: x)
        rows.append({"measure": measure, "estimate": float(back(pooled.estimate)),
                     "se": pooled.se, "ci_low": float(back(pooled.ci_low)),
                     "ci_high": float(back(pooled.ci_high)), "p_value": pooled.p_value,
                     "df": pooled.df, "fmi": pooled.fmi})
    return pd.DataFrame(rows)


def imputed_logistic(frame: pd.DataFrame, outcome: str, covariates: Sequence[str],
                     categorical: Mapping[str, Any] | None = None,
                     treatment_col: str = "treated", m: int = 20, seed: int = 2024,
                     cluster_col: str | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """:func:`logistic_adjusted` on ``m`` imputed copies of ``frame``, pooled by Rubin's rules.

    The chained equations impute the covariates conditional on each other, the treatment and
    the outcome. People without the outcome are left out (imputing an outcome adds nothing).

    Returns
    -------
    DataFrame
        Rows ``odds ratio``, ``risk difference (ATT)``, ``risk difference (ATE)``; columns
        ``measure``, ``estimate``, ``se`` (of the log odds ratio or the difference),
        ``ci_low``, ``ci_high``, ``p_value``, ``df`` (Rubin's), ``fmi`` (fraction of missing
        information), ``n``.
    """
    people = frame.loc[frame[outcome].notna() & frame[treatment_col].notna()]
    extra = [cluster_col] if cluster_col else []
    frames = imputed_frames(people, covariates, [treatment_col, outcome, *extra], m, seed)
    tables = [logistic_adjusted(f, outcome, covariates, categorical, treatment_col, cluster_col,
                                alpha)[0] for f in frames]
    return _pool(tables, alpha).assign(n=len(people))


def complete_and_imputed(complete: pd.DataFrame, imputed: pd.DataFrame, m: int) -> pd.DataFrame:
    """The complete-case and the imputed logistic tables as one tidy table.

    Parameters
    ----------
    complete : DataFrame
        The table of :func:`logistic_adjusted` on complete cases.
    imputed : DataFrame
        The table of :func:`imputed_logistic`.
    m : int
        Number of imputations (named in the method).

    Returns
    -------
    DataFrame
        Columns ``measure``, ``method``, ``estimate``, ``se``, ``ci_low``, ``ci_high``,
        ``p_value``, ``df``, ``fmi``, ``n``; for each measure the complete-case row (``df`` and
        ``fmi`` blank), then the imputed one.
    """
    cc = complete.assign(method=COMPLETE_CASES, df=np.nan, fmi=np.nan)
    mi = imputed.assign(method=f"Multiple imputation ({m} imputations)")
    cols = ["measure", "method", "estimate", "se", "ci_low", "ci_high", "p_value", "df", "fmi", "n"]
    both = pd.concat([cc[cols], mi[cols]], ignore_index=True)
    order = {name: i for i, name in enumerate(complete["measure"])}
    return both.sort_values("measure", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
