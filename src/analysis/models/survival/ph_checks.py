"""Checks of the proportional-hazards assumption of a Cox model and their remedies.

Scaled Schoenfeld residual tests (per covariate and global), the residuals for plotting,
the covariate x f(time) model, the choice of remedy for failing covariates and the sentence
reporting the outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from lifelines import CoxTimeVaryingFitter, KaplanMeierFitter
from lifelines.statistics import TimeTransformers, proportional_hazard_test
from lifelines.utils import to_episodic_format
from scipy import stats

from analysis.models.design import design_matrix
from analysis.models.survival.cox import CoxResult, refit_stratified
from analysis.models.survival.cox_variance import CoxPHFitter

__all__ = [
    "TIME_TRANSFORMS",
    "ph_test",
    "scaled_schoenfeld",
    "fit_cox_time_interaction",
    "ph_remedies",
    "ph_sentence",
]


def _r_km_transform(durations: pd.Series, events: pd.Series, weights: pd.Series) -> pd.Series:
    """1 - left-continuous Kaplan-Meier, 1 - S(t-), as R's ``cox.zph(transform="km")``."""
    kmf = KaplanMeierFitter().fit(durations, events, weights=weights)
    sf = kmf.survival_function_.iloc[:, 0]
    t = np.asarray(durations, dtype=float)
    idx = np.searchsorted(sf.index.to_numpy(), t, side="left") - 1
    s_before = np.where(idx >= 0, sf.to_numpy()[np.clip(idx, 0, None)], 1.0)
    return pd.Series(1 - s_before, index=durations.index)


def _r_rank_transform(durations: pd.Series, events: pd.Series, weights: pd.Series) -> pd.Series:
    """Ranks of the event times among event times, ties averaged (R's ``rank``)."""
    ev = np.asarray(events, dtype=bool)
    out = np.full(len(durations), np.nan)
    out[ev] = stats.rankdata(np.asarray(durations, dtype=float)[ev])
    return pd.Series(out, index=durations.index)


#: Time transforms for the Schoenfeld-residual tests. "km" and "rank" follow R's ``cox.zph``
#: (survival < 3.0); "lifelines_km" and "lifelines_rank" are lifelines' own (right-continuous
#: 1 - KM; ranks in data order, ties not averaged).
TIME_TRANSFORMS: dict[str, Callable | str] = {
    "km": _r_km_transform,
    "rank": _r_rank_transform,
    "identity": "identity",
    "log": "log",
    "lifelines_km": "km",
    "lifelines_rank": "rank",
}


def _transform(name: str) -> Callable:
    if name not in TIME_TRANSFORMS:
        raise ValueError(f"time_transform must be one of {sorted(TIME_TRANSFORMS)}")
    return TimeTransformers().get(TIME_TRANSFORMS[name])


def _model_based(result: CoxResult) -> tuple[CoxPHFitter, pd.DataFrame]:
    """The model with model-based (inverse information) variance, and its training data."""
    if not isinstance(result.model, CoxPHFitter):
        raise TypeError("proportional-hazards tests need a CoxPHFitter model")
    if result.variance == "model":
        return result.model, result.data
    cluster = result.inputs.get("cluster_col")
    data = result.data.drop(columns=[cluster]) if cluster else result.data
    strata = result.inputs.get("strata") or None
    model = CoxPHFitter(alpha=result.inputs.get("alpha", 0.05)).fit(
        data, result.duration_col, result.event_col, strata=strata,
        formula=result.inputs.get("formula"))
    return model, data


def _residuals_and_time(result: CoxResult, time_transform: str):
    """Model-based model, its data, scaled Schoenfeld residuals and transformed event times.

    Computed once per model and time transform (kept in ``result.cache``): the test and the
    plot of the same model share them.
    """
    key = ("scaled_schoenfeld", time_transform)
    if key not in result.cache:
        model, data = _model_based(result)
        resid = model.compute_residuals(data, kind="scaled_schoenfeld")
        transform = _transform(time_transform)
        events = model.event_observed
        g = np.asarray(transform(model.durations, events, model.weights), dtype=float)[events.values]
        result.cache[key] = (model, data, resid, g)
    return result.cache[key]


def ph_test(result: CoxResult, time_transform: str = "km", alpha: float = 0.05) -> pd.DataFrame:
    """Scaled Schoenfeld residual tests of proportional hazards, per covariate and global.

    Per covariate: lifelines ``proportional_hazard_test`` (the Grambsch-Therneau score test
    approximation used by R's ``cox.zph`` before survival 3.0). Global: as the same
    ``cox.zph``, ``T = u' V^{-1} u / (d * sum(g - gbar)^2)`` with ``u = sum (g - gbar) r*``
    over events, ``r*`` the scaled residuals, ``V`` the model-based variance and ``d`` the
    number of events, chi-square on p degrees of freedom. Robust models are refitted with the
    model-based variance first.

    Parameters
    ----------
    result : CoxResult
        Fitted Cox model.
    time_transform : str
        See :data:`TIME_TRANSFORMS`; default ``"km"`` as R.
    alpha : float
        Significance level for the ``fails`` flag.

    Returns
    -------
    DataFrame
        ``covariate`` (last row ``"GLOBAL"``), ``time_transform``, ``rho`` (correlation of
        transformed time and scaled residuals), ``statistic``, ``df``, ``p_value``, ``fails``
        (``p_value < alpha``).
    """
    model, data, resid, g = _residuals_and_time(result, time_transform)
    per = proportional_hazard_test(model, data, time_transform=_transform(time_transform),
                                   precomputed_residuals=resid).summary
    per = per.loc[resid.columns]
    r = resid.to_numpy()
    xx = g - g.mean()
    u = xx @ r
    v = model.variance_matrix_.to_numpy()
    d = float(model.event_observed.sum())
    global_stat = float(u @ np.linalg.solve(v, u) / (d * (xx**2).sum()))
    rho = [float(np.corrcoef(xx, r[:, j])[0, 1]) for j in range(r.shape[1])]
    out = pd.DataFrame({
        "covariate": [str(c) for c in resid.columns] + ["GLOBAL"],
        "time_transform": time_transform,
        "rho": rho + [np.nan],
        "statistic": list(per["test_statistic"].astype(float)) + [global_stat],
        "df": [1] * r.shape[1] + [r.shape[1]],
    })
    out["p_value"] = stats.chi2.sf(out["statistic"], out["df"])
    out["fails"] = out["p_value"] < alpha
    return out


def scaled_schoenfeld(result: CoxResult, time_transform: str = "km") -> pd.DataFrame:
    """Scaled Schoenfeld residuals for plotting beta(t), one row per event and covariate.

    Returns
    -------
    DataFrame
        ``row`` (index of the person in the model data), ``time``, ``transformed_time``,
        ``covariate``, ``residual`` (scaled residual), ``beta_t`` (residual + coefficient: an
        estimate of the coefficient at that time, flat under proportional hazards), ``coef``.
    """
    model, data, resid, g = _residuals_and_time(result, time_transform)
    wide = resid.assign(time=data.loc[resid.index, result.duration_col].to_numpy(float),
                        transformed_time=g).rename_axis("row").reset_index()
    long = wide.melt(id_vars=["row", "time", "transformed_time"], var_name="covariate",
                     value_name="residual")
    long["covariate"] = long["covariate"].astype(str)
    coefs = model.params_.rename(index=str)
    long["coef"] = long["covariate"].map(coefs)
    long["beta_t"] = long["residual"] + long["coef"]
    return long


_TIME_FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "log": np.log,
    "identity": lambda t: t,
}


def fit_cox_time_interaction(
    frame: pd.DataFrame,
    duration_col: str = "time",
    event_col: str = "event",
    covariates: Sequence[str] = (),
    interactions: Sequence[str] = (),
    time_function: str = "log",
    categorical: Mapping[str, Any] | None = None,
    time_gaps: float = 1.0,
    alpha: float = 0.05,
) -> CoxResult:
    """Cox model with covariate x f(time) terms, the remedy for a covariate failing PH.

    The data are split into episodes of ``time_gaps`` (lifelines ``to_episodic_format``) and
    each term ``x * f(stop)`` is a time-varying covariate fitted with lifelines
    ``CoxTimeVaryingFitter``, so the log hazard ratio of ``x`` is ``b_x + b_int * f(t)``.
    With whole-number times and ``time_gaps=1`` the terms are exact at every event time. The
    expanded data have about ``n * mean(time) / time_gaps`` rows: use a larger gap for
    daily data on large cohorts (then f(t) is evaluated at the end of each episode).

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    duration_col, event_col : str
        Follow-up time and event indicator.
    covariates : sequence of str
        Covariates (dummy-coded with ``categorical`` as in :func:`fit_cox`).
    interactions : sequence of str
        Design columns to interact with f(time) (e.g. ``["age"]``).
    time_function : {"log", "identity"}
        f(t).
    categorical : mapping, optional
        ``{column: reference level}``.
    time_gaps : float
        Episode length in the data's unit.
    alpha : float
        1 - confidence level.

    Returns
    -------
    CoxResult
        The interaction rows are named ``"<x>:log(time)"`` (or ``"<x>:time"``).
    """
    if time_function not in _TIME_FUNCTIONS:
        raise ValueError(f"time_function must be one of {sorted(_TIME_FUNCTIONS)}")
    f = _TIME_FUNCTIONS[time_function]
    design, refs = design_matrix(frame, covariates, categorical)
    missing = [c for c in interactions if c not in design.columns]
    if missing:
        raise ValueError(f"interactions {missing} are not design columns {list(design.columns)}")
    base = pd.concat([frame[[duration_col, event_col]], design], axis=1)
    base = base.assign(_id=np.arange(len(base)))
    long = to_episodic_format(base, duration_col, event_col, id_col="_id", time_gaps=time_gaps)
    names = list(design.columns)
    label = "log(time)" if time_function == "log" else "time"
    for c in interactions:
        name = f"{c}:{label}"
        long[name] = long[c] * f(long["stop"].to_numpy(float))
        names.append(name)
    long = long[["_id", "start", "stop", event_col, *names]]
    model = CoxTimeVaryingFitter(alpha=alpha).fit(long, event_col, "start", "stop", id_col="_id")
    inputs = dict(id_col="_id", time_function=time_function, time_gaps=time_gaps)
    return CoxResult(model, long, "stop", event_col, names, refs, "model", inputs)


def ph_remedies(
    result: CoxResult,
    tests: pd.DataFrame,
    max_levels: int = 5,
    time_gaps: float = 1.0,
) -> tuple[pd.DataFrame, CoxResult | None]:
    """Refit a Cox model so that the covariates failing the PH check no longer assume it.

    Fox and Weisberg's two remedies: when every failing covariate is a flag or a category
    (at most ``max_levels`` distinct values), the model is stratified on them, so each level
    gets its own baseline hazard; otherwise every failing covariate gets a covariate x
    log(time) interaction, so its hazard ratio may change with time.

    Parameters
    ----------
    result : CoxResult
        A model from :func:`fit_cox` fitted with ``covariates``.
    tests : DataFrame
        Output of :func:`ph_test` on ``result``.
    max_levels : int
        Most distinct values a covariate may have to be stratified on.
    time_gaps : float
        Episode length for the interaction model (see :func:`fit_cox_time_interaction`).

    Returns
    -------
    remedies : DataFrame
        ``covariate`` (design column failing), ``source`` (the data column) and ``remedy``
        (``"stratify"`` or ``"log-time interaction"``); empty when nothing fails.
    refitted : CoxResult or None
        The model with the remedy applied, or None when nothing fails.
    """
    failing = tests.loc[tests["fails"] & (tests["covariate"] != "GLOBAL"), "covariate"].tolist()
    if not failing:
        return pd.DataFrame(columns=["covariate", "source", "remedy"]), None
    inputs = result.inputs
    frame = inputs["frame"]
    sources = list(dict.fromkeys(cov.split("[", 1)[0] for cov in failing))
    stratify = all(frame[src].nunique() <= max_levels for src in sources)
    remedy = "stratify" if stratify else "log-time interaction"
    remedies = pd.DataFrame({"covariate": failing,
                             "source": [cov.split("[", 1)[0] for cov in failing],
                             "remedy": remedy})
    if stratify:
        return remedies, refit_stratified(result, sources)
    refitted = fit_cox_time_interaction(
        frame, inputs["duration_col"], inputs["event_col"], inputs["covariates"], failing,
        categorical=inputs["categorical"], time_gaps=time_gaps, alpha=inputs["alpha"])
    return remedies, refitted


def ph_sentence(tests: pd.DataFrame, remedies: pd.DataFrame) -> str:
    """One paragraph stating the outcome of the proportional-hazards check and the remedy used."""
    glob = tests.loc[tests["covariate"] == "GLOBAL"].iloc[0]
    failing = tests.loc[tests["fails"] & (tests["covariate"] != "GLOBAL")]
    head = (f"Global test of proportional hazards: chi-square {glob['statistic']:.2f} on "
            f"{int(glob['df'])} df, p = {glob['p_value']:.3f}. ")
    if failing.empty:
        return head + ("No covariate fails the scaled Schoenfeld residual test at the 5% level, so "
                       "the hazard ratios above can be read as constant over follow-up.")
    names = ", ".join(f"{r.covariate} (p = {r.p_value:.3f})" for r in failing.itertuples())
    remedy = remedies["remedy"].iloc[0]
    how = ("the model is refitted stratified on them, so each level has its own baseline hazard"
           if remedy == "stratify" else
           "each gets an interaction with log(time), so its hazard ratio may change over follow-up")
    return head + (f"These covariates fail the test: {names}. Their hazard ratios above are an "
                   f"average over follow-up; as a remedy {how} (table below).")
