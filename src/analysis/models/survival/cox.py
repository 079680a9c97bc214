"""Cox proportional-hazards models: the fit, its tidy table and the stratified refit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from lifelines import CoxTimeVaryingFitter

from analysis.models.design import design_matrix
from analysis.models.requirements import fitting, require_events
from analysis.models.survival.cox_variance import CoxPHFitter
from analysis.models.survival.frames import check_columns

__all__ = ["CoxResult", "fit_cox", "refit_stratified", "tidy_regression", "COX"]

#: The Cox model, as a statement of what could not be estimated names it.
COX = "The Cox model"


def tidy_regression(summary: pd.DataFrame, ratio: str, prefix: str) -> pd.DataFrame:
    """Tidy a lifelines ``summary``: coefficient, SE, ratio with CI, z and p."""
    low = summary[[c for c in summary.columns if c.startswith("coef lower")][0]]
    high = summary[[c for c in summary.columns if c.startswith("coef upper")][0]]
    out = pd.DataFrame({
        "coef": summary["coef"].to_numpy(),
        "se": summary["se(coef)"].to_numpy(),
        ratio: np.exp(summary["coef"].to_numpy()),
        f"{prefix}_ci_low": np.exp(low.to_numpy()),
        f"{prefix}_ci_high": np.exp(high.to_numpy()),
        "z": summary["z"].to_numpy(),
        "p_value": summary["p"].to_numpy(),
    })
    return out


@dataclass
class CoxResult:
    """A fitted Cox model (lifelines) and what is needed to check or refit it.

    Attributes
    ----------
    model : CoxPHFitter or CoxTimeVaryingFitter
        The fitted lifelines model.
    data : DataFrame
        The design frame passed to lifelines (time, event, covariates, strata, cluster).
    duration_col, event_col : str
        Column names in ``data`` (``duration_col`` is ``"stop"`` for time-varying models).
    covariates : list of str
        Design columns (after dummy coding).
    reference_levels : dict
        Reference level of each dummy-coded column.
    variance : str
        ``"model"``, ``"robust"`` or ``"cluster-robust (<column>)"``.
    inputs : dict
        The arguments of the fit, for refitting (see :func:`refit_stratified`).
    """

    model: CoxPHFitter | CoxTimeVaryingFitter
    data: pd.DataFrame
    duration_col: str
    event_col: str
    covariates: list[str]
    reference_levels: dict[str, Any] = field(default_factory=dict)
    variance: str = "model"
    inputs: dict[str, Any] = field(default_factory=dict)
    #: Derived quantities computed once (the model-based refit, scaled Schoenfeld residuals).
    cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def summary(self) -> pd.DataFrame:
        """Tidy coefficient table.

        Columns ``covariate``, ``coef`` (log hazard ratio), ``se``, ``hazard_ratio``,
        ``hr_ci_low``, ``hr_ci_high``, ``z``, ``p_value``, ``se_type``.
        """
        s = self.model.summary
        out = tidy_regression(s, "hazard_ratio", "hr")
        out.insert(0, "covariate", [str(i) for i in s.index])
        out["se_type"] = self.variance
        return out

    @property
    def n(self) -> int:
        """Number of people (rows for right-censored data, ids for time-varying data)."""
        if "id_col" in self.inputs:
            return int(self.data[self.inputs["id_col"]].nunique())
        return len(self.data)

    @property
    def events(self) -> int:
        """Number of events."""
        return int(self.data[self.event_col].sum())


def fit_cox(
    frame: pd.DataFrame,
    duration_col: str = "time",
    event_col: str = "event",
    covariates: Sequence[str] | None = None,
    formula: str | None = None,
    categorical: Mapping[str, Any] | None = None,
    strata: Sequence[str] | str | None = None,
    robust: bool = False,
    cluster_col: str | None = None,
    alpha: float = 0.05,
) -> CoxResult:
    """Fit a Cox proportional-hazards model (lifelines ``CoxPHFitter``, Efron ties).

    Robust and cluster-robust standard errors use the Efron score residuals of
    :mod:`analysis.models.survival.cox_variance` (R ``survival``'s definition, vectorised).

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    duration_col, event_col : str
        Follow-up time and event indicator.
    covariates : sequence of str, optional
        Covariate columns (dummy-coded by :func:`design_matrix` with ``categorical``).
    formula : str, optional
        Alternatively a lifelines/formulaic right-hand side, e.g.
        ``"fin + age + C(area, Treatment('Poole'))"``; then ``covariates`` and
        ``categorical`` are ignored.
    categorical : mapping, optional
        ``{column: reference level}`` for categorical covariates.
    strata : str or sequence of str, optional
        Columns to stratify the baseline hazard by (not estimated as covariates).
    robust : bool
        Sandwich (Lin-Wei) standard errors.
    cluster_col : str, optional
        Cluster-robust standard errors by this column (implies ``robust``).
    alpha : float
        1 - confidence level.

    Returns
    -------
    CoxResult
        Fitted model; ``.summary`` is the tidy table.

    Raises
    ------
    NotEstimable
        When nobody is in ``frame``, nobody has the event, or the fit does not converge.
    """
    strata = [strata] if isinstance(strata, str) else list(strata or [])
    inputs = dict(duration_col=duration_col, event_col=event_col, covariates=covariates,
                  formula=formula, categorical=categorical, strata=strata, robust=robust,
                  cluster_col=cluster_col, alpha=alpha, frame=frame)
    keep = [duration_col, event_col, *strata, *([cluster_col] if cluster_col else [])]
    check_columns(frame, keep)
    require_events(frame, COX, event_col)
    refs: dict[str, Any]
    names: list[str]
    if formula is not None:
        data, refs, names = frame, {}, []
    else:
        if not covariates:
            raise ValueError("give covariates or a formula")
        design, refs = design_matrix(frame, covariates, categorical)
        data = pd.concat([frame[keep], design], axis=1)
        names = list(design.columns)
    with fitting(COX):
        model = CoxPHFitter(alpha=alpha).fit(
            data, duration_col, event_col, strata=strata or None, robust=robust,
            cluster_col=cluster_col, formula=formula)
    if formula is not None:
        names = [str(c) for c in model.params_.index]
    variance = (f"cluster-robust ({cluster_col})" if cluster_col
                else "robust" if robust else "model")
    return CoxResult(model, data, duration_col, event_col, names, refs, variance, inputs)


def refit_stratified(result: CoxResult, strata: Sequence[str] | str) -> CoxResult:
    """Refit a Cox model stratified by (categorical) covariates instead of estimating them.

    The usual remedy when a categorical covariate fails the proportional-hazards check: each
    level gets its own baseline hazard and the covariate's coefficient is no longer estimated.

    Parameters
    ----------
    result : CoxResult
        A model from :func:`fit_cox` (fitted with ``covariates``, not ``formula``).
    strata : str or sequence of str
        Columns of the original data to stratify by; they are removed from the covariates.

    Returns
    -------
    CoxResult
    """
    strata = [strata] if isinstance(strata, str) else list(strata)
    inputs = dict(result.inputs)
    if inputs.get("formula") is not None:
        raise ValueError("refit_stratified needs a model fitted with `covariates`")
    inputs["covariates"] = [c for c in inputs["covariates"] if c not in strata]
    inputs["categorical"] = {k: v for k, v in (inputs["categorical"] or {}).items()
                             if k not in strata}
    inputs["strata"] = list(dict.fromkeys([*inputs["strata"], *strata]))
    return fit_cox(**inputs)
