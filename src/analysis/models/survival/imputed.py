"""The Cox model with missing covariate values multiply imputed (chained equations, Rubin's
rules), beside the same model on complete cases.

The imputation model conditions on the event indicator and the Nelson-Aalen estimate of the
cumulative hazard at each person's time, as White and Royston (2009, Statistics in Medicine 28,
1982-1998) recommend for a Cox analysis model, and on the strata and cluster columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from lifelines import NelsonAalenFitter

from analysis.models.imputation import imputed_frames, rubin
from analysis.models.survival.cox import fit_cox

__all__ = ["imputed_cox", "cox_complete_and_imputed", "CUMULATIVE_HAZARD"]

#: Column of the Nelson-Aalen cumulative hazard the imputation model conditions on.
CUMULATIVE_HAZARD = "_cumulative_hazard"


def nelson_aalen_at_times(frame: pd.DataFrame, duration_col: str = "time",
                          event_col: str = "event") -> pd.Series:
    """The Nelson-Aalen cumulative hazard of everyone, read at each person's own time."""
    naf = NelsonAalenFitter().fit(frame[duration_col], frame[event_col])
    h = naf.cumulative_hazard_at_times(frame[duration_col]).to_numpy()
    return pd.Series(h, index=frame.index, name=CUMULATIVE_HAZARD)


def imputed_cox(frame: pd.DataFrame, covariates: Sequence[str],
                categorical: Mapping[str, Any] | None = None, duration_col: str = "time",
                event_col: str = "event", strata: Sequence[str] | str | None = None,
                robust: bool = False, cluster_col: str | None = None, m: int = 20,
                seed: int = 2024, alpha: float = 0.05) -> pd.DataFrame:
    """:func:`fit_cox` on ``m`` imputed copies of ``frame``, pooled by Rubin's rules.

    Parameters
    ----------
    frame : DataFrame
        Everyone with a time and an event, covariates possibly missing.
    covariates, categorical, duration_col, event_col, strata, robust, cluster_col, alpha
        As for :func:`fit_cox`.
    m : int
        Number of imputations.
    seed : int
        Seed of the imputations.

    Returns
    -------
    DataFrame
        One row per design column: ``covariate``, ``coef`` (pooled log hazard ratio), ``se``,
        ``hazard_ratio``, ``hr_ci_low``, ``hr_ci_high``, ``p_value``, ``df`` (Rubin's),
        ``fmi`` (fraction of missing information), ``se_type``, ``n``.
    """
    strata = [strata] if isinstance(strata, str) else list(strata or [])
    people = frame.loc[frame[duration_col].notna() & frame[event_col].notna()]
    people = people.assign(**{CUMULATIVE_HAZARD: nelson_aalen_at_times(people, duration_col,
                                                                       event_col)})
    predictors = [event_col, CUMULATIVE_HAZARD, *strata, *([cluster_col] if cluster_col else [])]
    frames = imputed_frames(people, covariates, predictors, m, seed)
    fits = [fit_cox(f, duration_col, event_col, covariates, categorical=categorical,
                    strata=strata or None, robust=robust, cluster_col=cluster_col, alpha=alpha)
            for f in frames]
    summaries = [fit.summary.set_index("covariate") for fit in fits]
    rows = []
    for name in summaries[0].index:
        pooled = rubin([float(s.loc[name, "coef"]) for s in summaries],
                       [float(s.loc[name, "se"]) ** 2 for s in summaries], alpha)
        rows.append({"covariate": name, "coef": pooled.estimate, "se": pooled.se,
                     "hazard_ratio": float(np.exp(pooled.estimate)),
                     "hr_ci_low": float(np.exp(pooled.ci_low)),
                     "hr_ci_high": float(np.exp(pooled.ci_high)), "p_value": pooled.p_value,
                     "df": pooled.df, "fmi": pooled.fmi})
    return pd.DataFrame(rows).assign(se_type=fits[0].variance, n=len(people))


def cox_complete_and_imputed(complete: pd.DataFrame, n_complete: int, imputed: pd.DataFrame,
                             m: int) -> pd.DataFrame:
    """The complete-case and the imputed Cox coefficients as one tidy table.

    Parameters
    ----------
    complete : DataFrame
        ``CoxResult.summary`` of the complete-case model.
    n_complete : int
        People in the complete-case model.
    imputed : DataFrame
        The table of :func:`imputed_cox`.
    m : int
        Number of imputations (named in the method).

    Returns
    -------
    DataFrame
        Columns ``covariate``, ``method``, ``hazard_ratio``, ``hr_ci_low``, ``hr_ci_high``,
        ``coef``, ``se``, ``p_value``, ``df``, ``fmi``, ``n``; for each covariate the
        complete-case row (``df`` and ``fmi`` blank), then the imputed one.
    """
    cols = ["covariate", "method", "hazard_ratio", "hr_ci_low", "hr_ci_high", "coef", "se",
            "p_value", "df", "fmi", "n"]
    cc = complete.assign(method="Complete cases", df=np.nan, fmi=np.nan, n=n_complete)
    mi = imputed.assign(method=f"Multiple imputation ({m} imputations)")
    both = pd.concat([cc[cols], mi[cols]], ignore_index=True)
    order = {name: i for i, name in enumerate(complete["covariate"])}
    return both.sort_values("covariate", key=lambda s: s.map(order),
                            kind="stable").reset_index(drop=True)
