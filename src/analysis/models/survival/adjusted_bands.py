"""Bootstrap confidence bands of the covariate-adjusted survival curves of a Cox model."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.models.bootstrap import normal_band
from analysis.models.survival.adjusted import adjusted_survival
from analysis.models.survival.cox import CoxResult
from analysis.models.survival.cox_refit import FastRefitUnavailable, refit_efron
from analysis.models.survival.cox_variance import CoxPHFitter

__all__ = ["adjusted_survival_bands"]

#: Newton-Raphson's stopping precision in the refits (lifelines' ``fit_options``).
_PRECISION = 1e-6


def _refit(result: CoxResult, data: pd.DataFrame) -> CoxResult:
    """The model of ``result`` fitted again to ``data`` with lifelines (point estimates only)."""
    strata = result.inputs.get("strata")
    columns = [result.duration_col, result.event_col, *result.covariates,
               *([strata] if isinstance(strata, str) else list(strata or []))]
    model = CoxPHFitter().fit(data[columns].reset_index(drop=True), result.duration_col,
                              result.event_col, strata=strata or None,
                              initial_point=result.model.params_.to_numpy(copy=True),
                              fit_options={"precision": _PRECISION})
    return dataclasses.replace(result, model=model, data=data[columns].reset_index(drop=True),
                               cache={})


def _replicate(result: CoxResult, data: pd.DataFrame, treatment_col: str, times: np.ndarray,
               levels: Sequence[float]) -> np.ndarray:
    """The adjusted curves of the model of ``result`` fitted again to ``data``.

    An unstratified model is refitted by :func:`~analysis.models.survival.cox_refit.
    refit_efron` (lifelines' fit, computed faster), any other or one that path declines by
    lifelines itself.
    """
    if not result.inputs.get("strata"):
        names = list(result.model.params_.index)
        try:
            fit = refit_efron(data, result.duration_col, result.event_col, names,
                              result.model.params_.to_numpy(copy=True), _PRECISION)
        except FastRefitUnavailable:
            pass
        else:
            return _curves(data[names].to_numpy(float), fit.params, fit.norm_mean,
                           fit.baseline_cumulative_hazard,
                           float(data[result.duration_col].max()), treatment_col, times,
                           levels)
    refitted = _refit(result, data)
    model = refitted.model
    if result.inputs.get("strata"):  # a baseline per stratum: lifelines' own prediction
        return adjusted_survival(refitted, treatment_col, times.tolist(), levels)[
            "cumulative_reoffended_pct"].to_numpy(float)
    names = list(model.params_.index)
    return _curves(refitted.data[names].to_numpy(float), model.params_, model._norm_mean,
                   model.baseline_cumulative_hazard_.iloc[:, 0],
                   float(refitted.data[result.duration_col].max()), treatment_col, times,
                   levels)


def _curves(x: np.ndarray, params: pd.Series, norm_mean: pd.Series, baseline: pd.Series,
            longest: float, treatment_col: str, times: np.ndarray, levels: Sequence[float]
            ) -> np.ndarray:
    """The adjusted cumulative percent reoffended (levels one after another, as
    :func:`adjusted_survival` orders them), from the coefficients ``params``, the covariates
    ``x`` (columns in the order of ``params``) and the Breslow baseline cumulative hazard at
    ``times`` (NaN beyond the longest follow-up, ``longest``)."""
    names = list(params.index)
    x = x - norm_mean[names].to_numpy(float)
    beta = params.to_numpy(float)
    at = np.searchsorted(baseline.index.to_numpy(float), times, side="right") - 1
    hazard = np.where(at >= 0, baseline.to_numpy(float)[np.clip(at, 0, None)], 0.0)
    hazard = np.where(times > longest, np.nan, hazard)
    column = names.index(treatment_col)
    out = []
    for level in levels:
        x[:, column] = float(level) - norm_mean[treatment_col]
        risk = np.exp(x @ beta)
        out.append(100 * (1 - np.exp(-np.outer(risk, hazard)).mean(axis=0)))
    return np.concatenate(out)


def adjusted_survival_bands(
    result: CoxResult,
    treatment_col: str,
    times: Sequence[float],
    replicates: int = 40,
    seed: int = 0,
    alpha: float = 0.05,
    levels: Sequence[float] = (0, 1),
) -> pd.DataFrame:
    """Normal bootstrap bands of :func:`analysis.models.survival.adjusted_survival`.

    People are drawn with replacement (numpy's generator seeded by ``seed``, so the bands are
    reproducible), the Cox model is fitted again to each sample (lifelines' fit from the
    fitted coefficients, computed by :mod:`analysis.models.survival.cox_refit` when the model
    is unstratified) and the adjusted curves recomputed. The band at each time is the curve
    plus and minus the normal quantile times the standard deviation of the replicates (a
    standard error needs far fewer replicates than percentiles do), kept within 0-100%. A
    replicate whose model cannot be fitted is left out.

    Parameters
    ----------
    result : CoxResult
        Cox model from :func:`analysis.models.survival.fit_cox` (a ``CoxPHFitter``).
    treatment_col : str
        The treatment column of the model's design.
    times : sequence of float
        Times (data's unit).
    replicates : int
        Bootstrap samples.
    seed : int
        Seed of the resampling (the run's ``seed``).
    alpha : float
        1 - confidence level.
    levels : sequence of float
        Treatment values.

    Returns
    -------
    DataFrame
        ``treatment``, ``time``, ``cumulative_reoffended_pct``, ``cumulative_ci_low_pct``,
        ``cumulative_ci_high_pct`` (percent reoffended; NaN beyond the follow-up).
    """
    t = np.asarray(times, dtype=float)
    rng = np.random.default_rng(seed)
    n = len(result.data)
    draws = []
    for _ in range(replicates):
        sample = result.data.iloc[rng.integers(0, n, n)]
        try:
            draws.append(_replicate(result, sample, treatment_col, t, levels))
        except Exception:  # noqa: BLE001 - lifelines raises several kinds on a degenerate sample
            continue
    base = adjusted_survival(result, treatment_col, t.tolist(), levels)
    low, high = normal_band(base["cumulative_reoffended_pct"].to_numpy(float), draws, alpha)
    return base[["treatment", "time", "cumulative_reoffended_pct"]].assign(
        cumulative_ci_low_pct=low, cumulative_ci_high_pct=high)
