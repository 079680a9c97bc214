"""Survival analysis of the time to first proven reoffence.

Every function takes a plain DataFrame and column names (one row per person unless stated), so
it works on ``Cohort.frame`` and on the public data sets alike, and returns a tidy DataFrame
with explicit column names. Times are in the data's own unit (days for the records form, weeks
for Rossi, months for recid); :func:`months_to_unit` converts a period in months.

Estimators come from lifelines (Kaplan-Meier, log-rank, Cox, time-varying Cox, parametric AFT,
Aalen-Johansen, RMST point estimate) and statsmodels (stratified log-rank). Written here,
because neither library offers them: the global proportional-hazards test, the time-varying
(counting-process) data built from dated status changes, the Greenwood variance of the RMST and
g-computation of adjusted survival curves. ``docs/survival_methods.md`` gives every
formula and convention and the published results the tests reproduce.

Conventions
-----------
Time origin
    The start of follow-up (``cohort_start``). In the records form ``time`` counts the day of
    the event as a day at risk: an offence on day ``d`` of follow-up, ``d = (date -
    cohort_start).days + 1``, has ``time = d`` (see :mod:`analysis.measures.reoffending`).
Ties
    Cox models use Efron's method (lifelines' default, as R's ``coxph``). Kaplan-Meier and
    log-rank group tied times; at a tied time events come before censorings.
Confidence intervals
    95% unless ``alpha`` says otherwise. Kaplan-Meier intervals are lifelines' log(-log)
    ("exponential Greenwood") intervals; model intervals are Wald intervals.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from lifelines import (
    AalenJohansenFitter,
    CoxTimeVaryingFitter,
    KaplanMeierFitter,
    LogLogisticAFTFitter,
    LogNormalAFTFitter,
    WeibullAFTFitter,
)
from lifelines.statistics import (
    TimeTransformers,
    logrank_test,
    multivariate_logrank_test,
    proportional_hazard_test,
)
from lifelines.utils import median_survival_times, restricted_mean_survival_time, to_episodic_format
from scipy import stats
from statsmodels.duration.survfunc import survdiff

from analysis.disclosure import suppress_counts
from analysis.measures.cohort import DAYS_PER_UNIT
from analysis.models.design import design_matrix
from analysis.models.survival.cox_variance import CoxPHFitter

__all__ = [
    "AFT_DISTRIBUTIONS",
    "AT_RISK_COUNTS",
    "published_at_risk",
    "published_by_group",
    "published_horizons",
    "TIME_TRANSFORMS",
    "AFTResult",
    "CoxResult",
    "adjusted_survival",
    "AFTComparison",
    "compare_aft",
    "cumulative_incidence",
    "cumulative_incidence_at",
    "ever_gained",
    "fit_aft",
    "fit_cox",
    "fit_cox_time_interaction",
    "fit_cox_time_varying",
    "fit_km",
    "immortal_time_comparison",
    "km_table",
    "logrank",
    "median_survival",
    "months_to_unit",
    "number_at_risk",
    "ph_test",
    "refit_stratified",
    "rmst",
    "rmst_difference",
    "scaled_schoenfeld",
    "stratified_logrank",
    "survival_at",
    "to_counting_process",
]

_Z = stats.norm.ppf


# --------------------------------------------------------------------------------------------
# Units and groups
# --------------------------------------------------------------------------------------------


def months_to_unit(months: float | Sequence[float] | np.ndarray, time_unit: str) -> np.ndarray:
    """Express a period given in months in the data's time unit.

    A month is 365.25 / 12 = 30.4375 days and a week 7 days, as in :mod:`analysis.measures.cohort`, so
    12 months is 365.25 days, 52.18 weeks or 12 months.

    Parameters
    ----------
    months : float or sequence of float
        Periods in months (e.g. ``[3, 6, 12]``).
    time_unit : {"days", "weeks", "months"}
        Unit of the data's ``time`` column.

    Returns
    -------
    numpy.ndarray
        The periods in ``time_unit`` (float).
    """
    if time_unit not in DAYS_PER_UNIT:
        raise ValueError(f"time_unit must be one of {sorted(DAYS_PER_UNIT)}, not {time_unit!r}")
    return np.asarray(months, dtype=float) * (365.25 / 12) / DAYS_PER_UNIT[time_unit]


def _groups(frame: pd.DataFrame, group_col: str | None) -> list[tuple[Any, pd.DataFrame]]:
    """Split ``frame`` by ``group_col`` (sorted levels), or one group ``"All"``."""
    if group_col is None:
        return [("All", frame)]
    return list(frame.groupby(group_col, sort=True, observed=True))


def _check_columns(frame: pd.DataFrame, columns: Iterable[str | None]) -> None:
    missing = [c for c in columns if c is not None and c not in frame.columns]
    if missing:
        raise KeyError(f"columns not in the data: {missing}")


# --------------------------------------------------------------------------------------------
# Kaplan-Meier
# --------------------------------------------------------------------------------------------


def fit_km(
    frame: pd.DataFrame,
    time_col: str = "time",
    event_col: str = "event",
    group_col: str | None = None,
    alpha: float = 0.05,
) -> dict[Any, KaplanMeierFitter]:
    """Fit a lifelines Kaplan-Meier estimator per group.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    time_col, event_col : str
        Follow-up time and event indicator (1 = reoffended, 0 = censored).
    group_col : str, optional
        Column defining the groups; one group labelled ``"All"`` when omitted.
    alpha : float
        1 - confidence level of the pointwise intervals.

    Returns
    -------
    dict
        ``{group label: fitted KaplanMeierFitter}`` in sorted group order.
    """
    _check_columns(frame, [time_col, event_col, group_col])
    return {
        g: KaplanMeierFitter(alpha=alpha).fit(d[time_col], d[event_col], label=str(g))
        for g, d in _groups(frame, group_col)
    }


def _km_curve(kmf: KaplanMeierFitter) -> pd.DataFrame:
    """Tidy curve of one fitted Kaplan-Meier estimator (without the group column)."""
    table = kmf.event_table
    ci = kmf.confidence_interval_
    low = ci[[c for c in ci.columns if "_lower_" in c][0]]
    high = ci[[c for c in ci.columns if "_upper_" in c][0]]
    out = pd.DataFrame({
        "time": table.index.to_numpy(dtype=float),
        "at_risk": table["at_risk"].to_numpy(dtype=int),
        "events": table["observed"].to_numpy(dtype=int),
        "censored": table["censored"].to_numpy(dtype=int),
        "survival": kmf.survival_function_.iloc[:, 0].to_numpy(),
        "ci_low": low.to_numpy(),
        "ci_high": high.to_numpy(),
    })
    out["cumulative_reoffended_pct"] = 100 * (1 - out["survival"])
    out["cumulative_ci_low_pct"] = 100 * (1 - out["ci_high"])
    out["cumulative_ci_high_pct"] = 100 * (1 - out["ci_low"])
    return out


def km_table(
    frame: pd.DataFrame,
    time_col: str = "time",
    event_col: str = "event",
    group_col: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Kaplan-Meier curves by group as a tidy table, one row per group and distinct time.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    time_col, event_col : str
        Follow-up time (data's unit) and event indicator.
    group_col : str, optional
        Grouping column; one group ``"All"`` when omitted.
    alpha : float
        1 - confidence level.

    Returns
    -------
    DataFrame
        ``group``, ``time`` (0 first, then every distinct observed time), ``at_risk`` (people
        with ``time >= t``, the risk set at ``t``), ``events`` and ``censored`` (at ``t``),
        ``survival`` (S(t), fraction not yet reoffended, right-continuous), ``ci_low``,
        ``ci_high`` (pointwise log(-log) interval), ``cumulative_reoffended_pct`` =
        100 (1 - S(t)) with ``cumulative_ci_low_pct`` and ``cumulative_ci_high_pct``.
    """
    parts = [_km_curve(k).assign(group=g) for g, k in fit_km(frame, time_col, event_col,
                                                              group_col, alpha).items()]
    out = pd.concat(parts, ignore_index=True)
    return out[["group", *[c for c in out.columns if c != "group"]]]


def _step_lookup(curve: pd.DataFrame, times: np.ndarray, columns: list[str]) -> pd.DataFrame:
    """Values of a right-continuous step curve at ``times`` (last row with ``time <= t``).

    Times after the last observed time get NaN: the curve is not estimated there.
    """
    grid = curve["time"].to_numpy()
    idx = np.searchsorted(grid, times, side="right") - 1
    out = curve[columns].iloc[np.clip(idx, 0, None)].reset_index(drop=True)
    out.loc[(idx < 0) | (times > grid.max()), columns] = np.nan
    return out


def survival_at(
    frame: pd.DataFrame,
    times: Sequence[float],
    time_col: str = "time",
    event_col: str = "event",
    group_col: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Kaplan-Meier survival and cumulative percent reoffended at chosen times, with CIs.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    times : sequence of float
        Times in the data's unit (use :func:`months_to_unit` for 3, 6, 12 months).
    time_col, event_col, group_col, alpha
        As :func:`km_table`.

    Returns
    -------
    DataFrame
        ``group``, ``time``, ``survival``, ``ci_low``, ``ci_high``,
        ``cumulative_reoffended_pct``, ``cumulative_ci_low_pct``, ``cumulative_ci_high_pct``.
        Values are NaN at times beyond a group's longest follow-up.
    """
    columns = ["survival", "ci_low", "ci_high", "cumulative_reoffended_pct",
               "cumulative_ci_low_pct", "cumulative_ci_high_pct"]
    t = np.asarray(times, dtype=float)
    parts = []
    for g, k in fit_km(frame, time_col, event_col, group_col, alpha).items():
        values = _step_lookup(_km_curve(k), t, columns)
        parts.append(pd.concat([pd.DataFrame({"group": g, "time": t}), values], axis=1))
    return pd.concat(parts, ignore_index=True)


def median_survival(
    frame: pd.DataFrame,
    time_col: str = "time",
    event_col: str = "event",
    group_col: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Median time to reoffence by group with its confidence interval.

    The median is the first time at which S(t) <= 0.5 (lifelines); its interval is where the
    pointwise band crosses 0.5 (Brookmeyer-Crowley type). Where the curve (or a band) never
    reaches 0.5 within follow-up the value is NaN and the flag says so.

    Returns
    -------
    DataFrame
        ``group``, ``median``, ``ci_low``, ``ci_high`` (data's time unit), ``median_reached``,
        ``ci_high_reached`` (bool).
    """
    rows = []
    for g, k in fit_km(frame, time_col, event_col, group_col, alpha).items():
        ci = median_survival_times(k.confidence_interval_)
        low = float(ci[[c for c in ci.columns if "_lower_" in c][0]].iloc[0])
        high = float(ci[[c for c in ci.columns if "_upper_" in c][0]].iloc[0])
        med = float(k.median_survival_time_)
        # The lower band reaches 0.5 first, so it gives the upper limit of the median.
        lo, hi = sorted([low, high])
        rows.append({
            "group": g,
            "median": med if np.isfinite(med) else np.nan,
            "ci_low": lo if np.isfinite(lo) else np.nan,
            "ci_high": hi if np.isfinite(hi) else np.nan,
            "median_reached": bool(np.isfinite(med)),
            "ci_high_reached": bool(np.isfinite(hi)),
        })
    return pd.DataFrame(rows)


def number_at_risk(
    frame: pd.DataFrame,
    times: Sequence[float],
    time_col: str = "time",
    event_col: str = "event",
    group_col: str | None = None,
) -> pd.DataFrame:
    """Number still at risk, and events and censorings so far, at chosen times.

    Uses the convention of lifelines' ``add_at_risk_counts`` (the table printed under the
    Kaplan-Meier figures): at risk after ``t`` means followed beyond ``t`` (``time > t``), so
    ``at_risk + events + censored`` = group size at every ``t``.

    Returns
    -------
    DataFrame
        ``group``, ``time``, ``at_risk`` (``time > t``), ``events`` (reoffences with
        ``time <= t``), ``censored`` (censorings with ``time <= t``).
    """
    _check_columns(frame, [time_col, event_col, group_col])
    rows = []
    for g, d in _groups(frame, group_col):
        tt, ee = d[time_col].to_numpy(float), d[event_col].to_numpy(int)
        for t in times:
            done = tt <= t
            rows.append({"group": g, "time": float(t), "at_risk": int((~done).sum()),
                         "events": int((done & (ee == 1)).sum()),
                         "censored": int((done & (ee == 0)).sum())})
    return pd.DataFrame(rows)


#: Counts of :func:`number_at_risk`; at every time they add up to the group's size.
AT_RISK_COUNTS = ("at_risk", "events", "censored")


def published_at_risk(at_risk: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """:func:`number_at_risk` under the small-count rule (:mod:`analysis.disclosure`).

    At every time ``at_risk + events + censored`` is the group's size, and at each time the
    groups add up to the whole cohort (whose size is published), so a lone small count could
    be worked out by subtraction: secondary suppression applies across each row and across
    the groups at each time.
    """
    return suppress_counts(at_risk, AT_RISK_COUNTS, None, min_cell, sets="time", row_sets=True)


def published_horizons(at_times: pd.DataFrame, at_risk: pd.DataFrame,
                       min_cell: int = 5) -> pd.DataFrame:
    """Survival at the horizons with their counts, under the small-count rule.

    Parameters
    ----------
    at_times : DataFrame
        :func:`survival_at` (``group``, ``time``, survival and cumulative columns).
    at_risk : DataFrame
        :func:`number_at_risk` at the same groups and times.
    min_cell : int
        Smallest count shown.

    Returns
    -------
    DataFrame
        ``at_times`` with ``at_risk``, ``events`` and ``censored`` at each horizon; where any
        count of the row is suppressed (by :func:`published_at_risk`'s rule), the survival
        and cumulative percentages and their intervals read ``"suppressed"``.
    """
    table = at_times.merge(at_risk, on=["group", "time"], how="left", validate="one_to_one")
    derived = [c for c in at_times.columns if c not in ("group", "time", "months")]
    return suppress_counts(table, AT_RISK_COUNTS, derived, min_cell, sets="time", row_sets=True)


def published_by_group(table: pd.DataFrame, at_risk: pd.DataFrame, min_cell: int = 5,
                       group_col: str = "group") -> pd.DataFrame:
    """A by-group summary (medians, RMST) with the values of small groups suppressed.

    A group whose size (``at_risk`` at time 0 of :func:`number_at_risk`) or number of events
    by the last time of ``at_risk`` is from 1 to ``min_cell - 1`` has every numeric value
    shown as ``"suppressed"``; the table gains ``people`` and ``events`` (under the rule).
    """
    first = at_risk.sort_values("time").groupby("group", sort=False)
    sizes = pd.DataFrame({"people": first["at_risk"].first() + first["events"].first()
                          + first["censored"].first(), "events": first["events"].last()})
    out = table.merge(sizes, left_on=group_col, right_index=True, how="left")
    derived = [c for c in table.columns if c != group_col and pd.api.types.is_numeric_dtype(table[c])]
    return suppress_counts(out, ["people", "events"], derived, min_cell)


# --------------------------------------------------------------------------------------------
# Log-rank tests
# --------------------------------------------------------------------------------------------


def _logrank_row(test: str, statistic: float, df: int, groups: int, strata: int) -> dict:
    return {"test": test, "statistic": float(statistic), "df": int(df),
            "p_value": float(stats.chi2.sf(statistic, df)), "groups": groups, "strata": strata}


def logrank(
    frame: pd.DataFrame,
    time_col: str = "time",
    event_col: str = "event",
    group_col: str = "group",
    strata_col: str | None = None,
) -> pd.DataFrame:
    """Log-rank test of equal survival across groups, optionally stratified.

    Two groups use lifelines ``logrank_test``; three or more ``multivariate_logrank_test``;
    with ``strata_col`` the stratified test of :func:`stratified_logrank`.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    time_col, event_col : str
        Follow-up time and event indicator.
    group_col : str
        Groups to compare.
    strata_col : str, optional
        Strata (e.g. ``"area"``) within which groups are compared.

    Returns
    -------
    DataFrame
        One row: ``test``, ``statistic`` (chi-square), ``df``, ``p_value``, ``groups``,
        ``strata``.
    """
    _check_columns(frame, [time_col, event_col, group_col, strata_col])
    if strata_col is not None:
        return stratified_logrank(frame, time_col, event_col, group_col, strata_col)
    frame = frame[frame[group_col].notna()]
    levels = sorted(frame[group_col].unique().tolist(), key=str)
    if len(levels) < 2:
        raise ValueError("the log-rank test needs at least two groups")
    if len(levels) == 2:
        a, b = (frame[frame[group_col] == lv] for lv in levels)
        res = logrank_test(a[time_col], b[time_col], a[event_col], b[event_col])
        row = _logrank_row("log-rank", res.test_statistic, 1, 2, 1)
    else:
        res = multivariate_logrank_test(frame[time_col], frame[group_col], frame[event_col])
        row = _logrank_row("log-rank", res.test_statistic, res.degrees_of_freedom,
                           len(levels), 1)
    return pd.DataFrame([row])


def stratified_logrank(
    frame: pd.DataFrame,
    time_col: str = "time",
    event_col: str = "event",
    group_col: str = "group",
    strata_col: str = "area",
) -> pd.DataFrame:
    """Stratified log-rank test (statsmodels ``survdiff`` with ``strata``; as R's
    ``survdiff(Surv(time, event) ~ group + strata(s))``).

    Within each stratum, at each distinct event time with ``N`` at risk and ``D`` events,
    group g (``n_g`` at risk, ``d_g`` events) adds ``d_g - D n_g / N`` to the observed minus
    expected vector ``U`` and ``D (N - D) / (N - 1) * n_g / N * (delta_gh - n_h / N)`` to its
    covariance ``V``. U and V are summed over strata and ``U' V^- U`` is referred to
    chi-square on groups - 1 degrees of freedom. With one stratum it is the ordinary
    log-rank test.

    Returns
    -------
    DataFrame
        One row: ``test`` (``"stratified log-rank"``), ``statistic``, ``df``, ``p_value``,
        ``groups``, ``strata``.
    """
    _check_columns(frame, [time_col, event_col, group_col, strata_col])
    data = frame[frame[group_col].notna() & frame[strata_col].notna()]
    groups = data[group_col].nunique()
    if groups < 2:
        raise ValueError("the log-rank test needs at least two groups")
    statistic, _ = survdiff(data[time_col].to_numpy(float), data[event_col].to_numpy(int),
                            data[group_col].to_numpy(), strata=data[strata_col].to_numpy())
    return pd.DataFrame([_logrank_row("stratified log-rank", statistic, groups - 1, groups,
                                      data[strata_col].nunique())])


# --------------------------------------------------------------------------------------------
# Cox proportional hazards
# --------------------------------------------------------------------------------------------


def _tidy_regression(summary: pd.DataFrame, ratio: str, prefix: str) -> pd.DataFrame:
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
        out = _tidy_regression(s, "hazard_ratio", "hr")
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
    """
    strata = [strata] if isinstance(strata, str) else list(strata or [])
    inputs = dict(duration_col=duration_col, event_col=event_col, covariates=covariates,
                  formula=formula, categorical=categorical, strata=strata, robust=robust,
                  cluster_col=cluster_col, alpha=alpha, frame=frame)
    keep = [duration_col, event_col, *strata, *([cluster_col] if cluster_col else [])]
    _check_columns(frame, keep)
    if formula is not None:
        data, refs, names = frame, {}, []
    else:
        if not covariates:
            raise ValueError("give covariates or a formula")
        design, refs = design_matrix(frame, covariates, categorical)
        data = pd.concat([frame[keep], design], axis=1)
        names = list(design.columns)
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


# --------------------------------------------------------------------------------------------
# Proportional-hazards checks
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Time-varying covariates from dated status changes
# --------------------------------------------------------------------------------------------


def _switch_times(frame: pd.DataFrame, change_dates: Mapping[str, str], start_col: str,
                  time_col: str, time_unit: str) -> pd.DataFrame:
    """Time (data's unit) from which each status applies: 0 = from the start, inf = never.

    A status gained on ``date`` applies from ``s = (date - start).days`` days, i.e. from day
    ``d = s + 1`` of follow-up onwards (the interval ``(s, ...]``). Dates on or before the
    start give 0; dates with ``s >= time`` (after the last day of follow-up) or missing give
    inf (never within follow-up).
    """
    _check_columns(frame, [start_col, time_col, *change_dates.values()])
    start = pd.to_datetime(frame[start_col]).dt.normalize()
    end = frame[time_col].to_numpy(float)
    out = {}
    for status, col in change_dates.items():
        days = (pd.to_datetime(frame[col]).dt.normalize() - start).dt.days.to_numpy(float)
        s = np.clip(days / DAYS_PER_UNIT[time_unit], 0, None)
        out[status] = np.where(np.isnan(s) | (s >= end), np.inf, s)
    return pd.DataFrame(out, index=frame.index)


def ever_gained(
    frame: pd.DataFrame,
    change_dates: Mapping[str, str],
    start_col: str = "cohort_start",
    time_col: str = "time",
    time_unit: str = "days",
) -> pd.DataFrame:
    """Indicators of a status gained at any time within follow-up (the naive baseline coding).

    Returns
    -------
    DataFrame
        Same index as ``frame``, one 0/1 column per key of ``change_dates``.
    """
    s = _switch_times(frame, change_dates, start_col, time_col, time_unit)
    return np.isfinite(s).astype(int)


def to_counting_process(
    frame: pd.DataFrame,
    change_dates: Mapping[str, str],
    start_col: str = "cohort_start",
    time_col: str = "time",
    event_col: str = "event",
    id_col: str = "person_id",
    covariates: Sequence[str] = (),
    time_unit: str = "days",
) -> pd.DataFrame:
    """Split follow-up into (start, stop] rows at the dates each status was gained.

    Each status is 0 until it is gained and 1 from then on. With times in days counted so
    that the event day is day ``time`` (``time = (event date - cohort_start).days + 1``), a
    status gained on day ``d = (date - cohort_start).days + 1`` applies from day ``d`` on, so
    the split is at ``d - 1``: rows ``(0, d - 1]`` with the status 0 and ``(d - 1, ...]`` with
    it 1. Gained on or before the cohort start (``d <= 1``): 1 from the start. Gained on the
    last day (``d = time``): 1 on that day, so a reoffence that day counts as with the
    status. Gained after the last day of follow-up (``d > time``) or never (NaT): 0
    throughout. For weeks or months the split is at ``(date - cohort_start).days`` divided by
    the days per unit.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    change_dates : mapping
        ``{status name: date column}``, e.g. ``{"employed": "employment_date",
        "settled_accommodation": "settled_accommodation_date"}``.
    start_col, time_col, event_col, id_col : str
        Cohort start date, follow-up time, event indicator and person identifier.
    covariates : sequence of str
        Fixed covariates copied onto every row.
    time_unit : {"days", "weeks", "months"}
        Unit of ``time_col``.

    Returns
    -------
    DataFrame
        ``id_col``, ``start``, ``stop`` (data's unit), ``event_col`` (1 only on a person's
        last row if they reoffended), one 0/1 column per status, then ``covariates``; sorted
        by person and start.
    """
    _check_columns(frame, [id_col, event_col, *covariates])
    s = _switch_times(frame, change_dates, start_col, time_col, time_unit)
    ids = frame[id_col].to_numpy()
    cuts = [pd.DataFrame({id_col: ids, "start": 0.0})]
    for status in change_dates:
        inside = (s[status] > 0) & np.isfinite(s[status])
        cuts.append(pd.DataFrame({id_col: ids[inside.to_numpy()], "start": s[status][inside]}))
    long = (pd.concat(cuts, ignore_index=True).drop_duplicates()
            .sort_values([id_col, "start"], kind="stable").reset_index(drop=True))
    person = frame.set_index(id_col)
    end = long[id_col].map(person[time_col]).to_numpy(float)
    long["stop"] = long.groupby(id_col)["start"].shift(-1).fillna(pd.Series(end)).to_numpy()
    last = long["stop"].to_numpy() == end
    long[event_col] = np.where(last, long[id_col].map(person[event_col]), 0).astype(int)
    s_by_id = s.set_index(frame[id_col])
    for status in change_dates:
        long[status] = (long[id_col].map(s_by_id[status]) <= long["start"]).astype(int)
    for c in covariates:
        long[c] = long[id_col].map(person[c])
    return long


def fit_cox_time_varying(
    long: pd.DataFrame,
    covariates: Sequence[str],
    event_col: str = "event",
    id_col: str = "person_id",
    start_col: str = "start",
    stop_col: str = "stop",
    categorical: Mapping[str, Any] | None = None,
    robust: bool = False,
    alpha: float = 0.05,
) -> CoxResult:
    """Fit a Cox model to counting-process data (lifelines ``CoxTimeVaryingFitter``).

    Parameters
    ----------
    long : DataFrame
        Output of :func:`to_counting_process` (one row per person and interval).
    covariates : sequence of str
        Time-varying statuses and fixed covariates.
    event_col, id_col, start_col, stop_col : str
        Column names in ``long``.
    categorical : mapping, optional
        ``{column: reference level}``.
    robust : bool
        Sandwich standard errors clustered on the person.
    alpha : float
        1 - confidence level.

    Returns
    -------
    CoxResult
    """
    design, refs = design_matrix(long, covariates, categorical)
    data = pd.concat([long[[id_col, start_col, stop_col, event_col]], design], axis=1)
    model = CoxTimeVaryingFitter(alpha=alpha).fit(data, event_col, start_col, stop_col,
                                                  id_col=id_col, robust=robust)
    inputs = dict(id_col=id_col, start_col=start_col)
    return CoxResult(model, data, stop_col, event_col, list(design.columns), refs,
                     "robust" if robust else "model", inputs)


def immortal_time_comparison(
    frame: pd.DataFrame,
    change_dates: Mapping[str, str],
    covariates: Sequence[str] = (),
    start_col: str = "cohort_start",
    time_col: str = "time",
    event_col: str = "event",
    id_col: str = "person_id",
    time_unit: str = "days",
    categorical: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Statuses as time-varying covariates beside the naive "ever gained" coding.

    The naive model puts "gained at any time during follow-up" in as a baseline covariate.
    Everyone who gained a status had to stay out of trouble until they gained it, so that
    time is wrongly credited to the status (immortal-time bias) and its hazard ratio is
    pushed below the truth. The counting-process model is the correct one.

    Returns
    -------
    DataFrame
        ``model`` (``"time-varying"`` or ``"naive ever gained"``), then the columns of
        :attr:`CoxResult.summary`, rows of the same covariate next to each other.
    """
    statuses = list(change_dates)
    long = to_counting_process(frame, change_dates, start_col, time_col, event_col, id_col,
                               covariates, time_unit)
    tv = fit_cox_time_varying(long, [*statuses, *covariates], event_col, id_col,
                              categorical=categorical)
    naive_frame = pd.concat([frame, ever_gained(frame, change_dates, start_col, time_col,
                                                time_unit)], axis=1)
    naive = fit_cox(naive_frame, time_col, event_col, [*statuses, *covariates],
                    categorical=categorical)
    both = pd.concat([tv.summary.assign(model="time-varying"),
                      naive.summary.assign(model="naive ever gained")], ignore_index=True)
    order = {c: i for i, c in enumerate(tv.summary["covariate"])}
    both = both.sort_values(by="covariate", key=lambda s: s.map(order), kind="stable")
    return both[["model", *[c for c in both.columns if c != "model"]]].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Parametric accelerated failure time models
# --------------------------------------------------------------------------------------------

#: lifelines fitter, location parameter and ancillary parameter of each AFT distribution.
AFT_DISTRIBUTIONS: dict[str, tuple[type, str, str]] = {
    "weibull": (WeibullAFTFitter, "lambda_", "rho_"),
    "lognormal": (LogNormalAFTFitter, "mu_", "sigma_"),
    "loglogistic": (LogLogisticAFTFitter, "alpha_", "beta_"),
}


@dataclass
class AFTResult:
    """A fitted parametric AFT model (lifelines).

    Attributes
    ----------
    model : lifelines AFT fitter
        The fitted model.
    distribution : str
        ``"weibull"``, ``"lognormal"`` or ``"loglogistic"``.
    data : DataFrame
        The design frame passed to lifelines.
    covariates : list of str
        Design columns.
    reference_levels : dict
        Reference level of each dummy-coded column.
    """

    model: Any
    distribution: str
    data: pd.DataFrame
    covariates: list[str]
    reference_levels: dict[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> pd.DataFrame:
        """Tidy table: ``parameter``, ``covariate``, ``coef``, ``se``, ``time_ratio``,
        ``tr_ci_low``, ``tr_ci_high``, ``z``, ``p_value``.

        ``parameter`` is ``"location"`` for the log-time coefficients, whose exp is the time
        ratio (e.g. 0.8: times to reoffence 20% shorter), and ``"shape"`` for the ancillary
        parameter (log scale; time-ratio columns NaN).
        """
        s = self.model.summary
        _, loc, _ = AFT_DISTRIBUTIONS[self.distribution]
        out = _tidy_regression(s, "time_ratio", "tr")
        params = s.index.get_level_values(0)
        out.insert(0, "covariate", [str(c) for c in s.index.get_level_values(1)])
        out.insert(0, "parameter", np.where(params == loc, "location", "shape"))
        out.loc[out["parameter"] == "shape", ["time_ratio", "tr_ci_low", "tr_ci_high"]] = np.nan
        return out.sort_values("parameter", kind="stable").reset_index(drop=True)

    @property
    def sigma(self) -> float:
        """Scale of log time, sigma, in the log-linear form log T = x'b + sigma W (R's
        ``survreg`` "Scale", Stata/gretl sigma): 1/rho for the Weibull and log-logistic, the
        SD of log T for the log-normal."""
        _, _, anc = AFT_DISTRIBUTIONS[self.distribution]
        value = float(np.exp(self.model.params_.loc[(anc, "Intercept")]))
        return value if self.distribution == "lognormal" else 1 / value

    @property
    def log_likelihood(self) -> float:
        """Log-likelihood on the time scale (density of T, as R's ``survreg`` on ``Surv(t)``)."""
        return float(self.model.log_likelihood_)

    @property
    def n_params(self) -> int:
        """Number of estimated parameters."""
        return int(self.model.params_.shape[0])

    @property
    def aic(self) -> float:
        """-2 log-likelihood + 2 k."""
        return -2 * self.log_likelihood + 2 * self.n_params

    @property
    def bic(self) -> float:
        """-2 log-likelihood + k log(n), n the number of people."""
        return -2 * self.log_likelihood + self.n_params * np.log(len(self.data))


def fit_aft(
    frame: pd.DataFrame,
    duration_col: str = "time",
    event_col: str = "event",
    covariates: Sequence[str] = (),
    distribution: str = "weibull",
    categorical: Mapping[str, Any] | None = None,
    alpha: float = 0.05,
) -> AFTResult:
    """Fit a Weibull, log-normal or log-logistic AFT model (lifelines).

    The model is ``log T = x'b + sigma W``; ``exp(b_j)`` is the time ratio of covariate j.
    The log-normal model is the censored normal regression of ``log T``.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    duration_col, event_col : str
        Follow-up time (> 0) and event indicator.
    covariates : sequence of str
        Covariates (dummy-coded with ``categorical``).
    distribution : {"weibull", "lognormal", "loglogistic"}
        Distribution of T.
    categorical : mapping, optional
        ``{column: reference level}``.
    alpha : float
        1 - confidence level.

    Returns
    -------
    AFTResult
    """
    if distribution not in AFT_DISTRIBUTIONS:
        raise ValueError(f"distribution must be one of {sorted(AFT_DISTRIBUTIONS)}")
    fitter, _, _ = AFT_DISTRIBUTIONS[distribution]
    design, refs = design_matrix(frame, covariates, categorical)
    data = pd.concat([frame[[duration_col, event_col]], design], axis=1)
    model = fitter(alpha=alpha).fit(data, duration_col, event_col)
    return AFTResult(model, distribution, data, list(design.columns), refs)


@dataclass
class AFTComparison:
    """Several AFT distributions fitted to the same data (:func:`compare_aft`).

    Attributes
    ----------
    table : DataFrame
        ``model``, ``log_likelihood`` (time scale), ``n_params``, ``aic``, ``bic``,
        ``delta_aic`` (difference from the smallest AIC), sorted by AIC.
    models : dict
        The fitted models by distribution name.
    """

    table: pd.DataFrame
    models: dict[str, AFTResult]

    @property
    def best(self) -> AFTResult:
        """The model with the smallest AIC."""
        return self.models[self.table["model"].iloc[0]]


def compare_aft(
    frame: pd.DataFrame,
    duration_col: str = "time",
    event_col: str = "event",
    covariates: Sequence[str] = (),
    distributions: Sequence[str] = ("weibull", "lognormal", "loglogistic"),
    categorical: Mapping[str, Any] | None = None,
) -> AFTComparison:
    """Fit several AFT distributions and compare their fit.

    Returns
    -------
    AFTComparison
        ``table`` (fit statistics sorted by AIC), ``models`` and the ``best`` model.
    """
    models = {dist: fit_aft(frame, duration_col, event_col, covariates, dist, categorical)
              for dist in distributions}
    rows = [{"model": dist, "log_likelihood": res.log_likelihood, "n_params": res.n_params,
             "aic": res.aic, "bic": res.bic} for dist, res in models.items()]
    out = pd.DataFrame(rows).sort_values("aic").reset_index(drop=True)
    out["delta_aic"] = out["aic"] - out["aic"].min()
    return AFTComparison(out, models)


# --------------------------------------------------------------------------------------------
# Restricted mean survival time
# --------------------------------------------------------------------------------------------


def _rmst_variance(kmf: KaplanMeierFitter, horizon: float) -> float:
    """Greenwood-type variance of the Kaplan-Meier RMST (Klein & Moeschberger eq. 4.4.4).

    ``Var = sum_{t_i <= tau} A_i^2 d_i / (n_i (n_i - d_i))`` with ``A_i`` the area under S
    from ``t_i`` to ``tau``; terms with ``n_i = d_i`` are 0 (as R's survRM2).
    """
    sf = kmf.survival_function_.iloc[:, 0]
    grid = sf.index.to_numpy(float)
    keep = grid <= horizon
    b, s = grid[keep], sf.to_numpy()[keep]
    area = np.diff(np.append(b, horizon)) * s
    area_after = np.cumsum(area[::-1])[::-1]  # area from b_j to the horizon
    table = kmf.event_table.loc[b]
    d, n = table["observed"].to_numpy(float), table["at_risk"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where((d > 0) & (n > d), d / (n * (n - d)), 0.0)
    return float((area_after**2 * w).sum())


def rmst(
    frame: pd.DataFrame,
    horizon: float,
    time_col: str = "time",
    event_col: str = "event",
    group_col: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Restricted mean time free of reoffending up to a horizon, by group.

    The point estimate is lifelines ``restricted_mean_survival_time`` (area under the
    Kaplan-Meier curve from 0 to the horizon). Its standard error is the Greenwood-type
    estimator (:func:`_rmst_variance`); lifelines' ``return_variance=True`` returns the variance
    of min(T, horizon) itself, not of the estimate, so it is not used.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    horizon : float
        Upper limit of integration (data's unit); must not exceed any group's longest
        follow-up.
    time_col, event_col, group_col, alpha
        As :func:`km_table`.

    Returns
    -------
    DataFrame
        ``group``, ``horizon``, ``rmst`` (data's unit), ``se``, ``ci_low``, ``ci_high``,
        ``time_lost`` (horizon - rmst: mean time lost to reoffending).
    """
    z = _Z(1 - alpha / 2)
    rows = []
    for g, k in fit_km(frame, time_col, event_col, group_col, alpha).items():
        if horizon > k.durations.max():
            raise ValueError(f"horizon {horizon} is beyond the follow-up of group {g!r}")
        est = float(restricted_mean_survival_time(k, t=horizon))
        se = float(np.sqrt(_rmst_variance(k, horizon)))
        rows.append({"group": g, "horizon": float(horizon), "rmst": est, "se": se,
                     "ci_low": est - z * se, "ci_high": est + z * se,
                     "time_lost": horizon - est})
    return pd.DataFrame(rows)


def rmst_difference(
    frame: pd.DataFrame,
    horizon: float,
    group_col: str,
    treated: Any,
    comparison: Any,
    time_col: str = "time",
    event_col: str = "event",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Difference in RMST between two independent groups (treated minus comparison).

    ``se = sqrt(se_treated^2 + se_comparison^2)``; Wald interval and two-sided p-value.

    Returns
    -------
    DataFrame
        One row: ``contrast``, ``horizon``, ``difference`` (data's unit; positive = longer
        free of reoffending in the treated group), ``se``, ``ci_low``, ``ci_high``, ``z``,
        ``p_value``.
    """
    table = rmst(frame[frame[group_col].isin([treated, comparison])], horizon, time_col,
                 event_col, group_col, alpha).set_index("group")
    a, b = table.loc[treated], table.loc[comparison]
    diff = float(a["rmst"] - b["rmst"])
    se = float(np.hypot(a["se"], b["se"]))
    z = diff / se
    q = _Z(1 - alpha / 2)
    return pd.DataFrame([{"contrast": f"{treated} - {comparison}", "horizon": float(horizon),
                          "difference": diff, "se": se, "ci_low": diff - q * se,
                          "ci_high": diff + q * se, "z": z,
                          "p_value": float(2 * stats.norm.sf(abs(z)))}])


# --------------------------------------------------------------------------------------------
# Competing risks
# --------------------------------------------------------------------------------------------


def _aalen_johansen(time: np.ndarray, status: np.ndarray, alpha: float,
                    seed: int) -> tuple[AalenJohansenFitter, float]:
    """Fit lifelines' Aalen-Johansen estimator with ties resolved reproducibly.

    lifelines breaks tied event times by random jitter of up to ``jitter_level``. Censorings
    are first moved ``eps`` (1/100 of the smallest gap between distinct times) later, beyond
    any jitter, so that at a tied time events come before censorings as usual; with that order
    the estimate at the end of each tied time is the usual one whatever the jitter. Returns
    the fitter and ``eps``; read it at ``t + eps``.
    """
    distinct = np.unique(time[time > 0])
    gaps = np.diff(distinct)
    gap = float(min(gaps.min() if gaps.size else 1.0, distinct.min() if distinct.size else 1.0))
    eps = gap / 100
    shifted = time + eps * (status == 0)
    ajf = AalenJohansenFitter(alpha=alpha, jitter_level=eps / 10, seed=seed)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Tied event times")
        ajf.fit(shifted, status, event_of_interest=1)
    return ajf, eps


def _ci_columns(ci: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Lower and upper confidence limits of an Aalen-Johansen fit.

    lifelines 0.30.3 names the two columns the wrong way round (its ``..._upper_...`` column
    holds the lower limit), so the limits are taken as the element-wise min and max.
    """
    a = ci[[c for c in ci.columns if "_lower_" in c][0]]
    b = ci[[c for c in ci.columns if "_upper_" in c][0]]
    return np.minimum(a, b), np.maximum(a, b)


def _cif_one(time: np.ndarray, event: np.ndarray, competing: np.ndarray, alpha: float,
             seed: int) -> pd.DataFrame:
    """Aalen-Johansen CIF and 1 - KM on the distinct observed times of one group."""
    if np.any((event == 1) & (competing == 1)):
        raise ValueError("a person cannot have both the event and the competing event")
    status = np.where(event == 1, 1, np.where(competing == 1, 2, 0))
    ajf, eps = _aalen_johansen(time, status, alpha, seed)
    grid = np.unique(np.append(time, 0.0))
    est = ajf.cumulative_density_.iloc[:, 0]
    low, high = _ci_columns(ajf.confidence_interval_)
    aj = pd.DataFrame({"time": est.index.to_numpy(float), "cif": est.to_numpy(),
                       "low": low.to_numpy(), "high": high.to_numpy()})
    # Just after each time; the last time's events may have been jittered below it.
    lookup = np.minimum(grid + eps, aj["time"].max())
    at = _step_lookup(aj, lookup, ["cif", "low", "high"]).fillna({"cif": 0.0})
    km = _km_curve(KaplanMeierFitter(alpha=alpha).fit(time, event))
    kmv = _step_lookup(km, grid, ["cumulative_reoffended_pct", "cumulative_ci_low_pct",
                                  "cumulative_ci_high_pct"])
    return pd.DataFrame({
        "time": grid,
        "aj_cif_pct": 100 * at["cif"].to_numpy(),
        "aj_ci_low_pct": 100 * at["low"].to_numpy(),
        "aj_ci_high_pct": 100 * at["high"].to_numpy(),
        "one_minus_km_pct": kmv["cumulative_reoffended_pct"].to_numpy(),
        "km_ci_low_pct": kmv["cumulative_ci_low_pct"].to_numpy(),
        "km_ci_high_pct": kmv["cumulative_ci_high_pct"].to_numpy(),
    })


def cumulative_incidence(
    frame: pd.DataFrame,
    time_col: str = "time",
    event_col: str = "event",
    competing_col: str = "competing_event",
    group_col: str | None = None,
    alpha: float = 0.05,
    seed: int = 0,
) -> pd.DataFrame:
    """Cumulative incidence of reoffending with competing exits, beside 1 - Kaplan-Meier.

    The Aalen-Johansen estimate (lifelines ``AalenJohansenFitter``) counts people who left
    follow-up by a competing exit (death, deportation, long custody) as no longer able to
    reoffend. 1 - KM treats those exits as censoring, i.e. estimates the incidence in a world
    without them, and so overstates the incidence actually seen; the two agree when there are
    no competing exits.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    time_col, event_col : str
        Follow-up time and reoffence indicator.
    competing_col : str
        1 if follow-up ended at a competing exit.
    group_col : str, optional
        Grouping column.
    alpha : float
        1 - confidence level.
    seed : int
        Seed of lifelines' tie-breaking jitter (results do not depend on it; see
        ``docs/survival_methods.md``).

    Returns
    -------
    DataFrame
        ``group``, ``time`` (0 and every distinct time), ``aj_cif_pct`` with
        ``aj_ci_low_pct`` and ``aj_ci_high_pct`` (lifelines' delta-method interval),
        ``one_minus_km_pct`` with ``km_ci_low_pct`` and ``km_ci_high_pct``.
    """
    _check_columns(frame, [time_col, event_col, competing_col, group_col])
    parts = []
    for g, d in _groups(frame, group_col):
        one = _cif_one(d[time_col].to_numpy(float), d[event_col].to_numpy(int),
                       d[competing_col].to_numpy(int), alpha, seed)
        parts.append(one.assign(group=g))
    out = pd.concat(parts, ignore_index=True)
    return out[["group", *[c for c in out.columns if c != "group"]]]


def cumulative_incidence_at(
    frame: pd.DataFrame,
    times: Sequence[float],
    time_col: str = "time",
    event_col: str = "event",
    competing_col: str = "competing_event",
    group_col: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """:func:`cumulative_incidence` at chosen times, with the overstatement by 1 - KM.

    Returns
    -------
    DataFrame
        ``group``, ``time`` and the columns of :func:`cumulative_incidence`, plus
        ``km_excess_pct_points`` = ``one_minus_km_pct - aj_cif_pct`` (NaN beyond follow-up).
    """
    curves = cumulative_incidence(frame, time_col, event_col, competing_col, group_col, alpha)
    t = np.asarray(times, dtype=float)
    cols = [c for c in curves.columns if c not in ("group", "time")]
    parts = []
    for g, c in curves.groupby("group", sort=False):
        vals = _step_lookup(c.reset_index(drop=True), t, cols)
        parts.append(pd.concat([pd.DataFrame({"group": g, "time": t}), vals], axis=1))
    out = pd.concat(parts, ignore_index=True)
    out["km_excess_pct_points"] = out["one_minus_km_pct"] - out["aj_cif_pct"]
    return out


# --------------------------------------------------------------------------------------------
# Adjusted survival curves
# --------------------------------------------------------------------------------------------


def adjusted_survival(
    result: CoxResult,
    treatment_col: str,
    times: Sequence[float],
    levels: Sequence[float] = (0, 1),
) -> pd.DataFrame:
    """Covariate-adjusted survival curves by g-computation (standardisation).

    For each treatment level every person's survival is predicted from the Cox model with the
    treatment set to that level and their own covariates (lifelines
    ``predict_survival_function``), then averaged over people: the curve the whole cohort
    would have under that level. The curves are step functions (the Breslow baseline); times
    beyond the longest follow-up give NaN.

    Parameters
    ----------
    result : CoxResult
        Cox model from :func:`fit_cox` including ``treatment_col`` as a 0/1 design column.
    treatment_col : str
        The treatment column in the model's design.
    times : sequence of float
        Times (data's unit).
    levels : sequence of float
        Treatment values to set.

    Returns
    -------
    DataFrame
        ``treatment`` (level), ``time``, ``survival`` (average predicted S(t)),
        ``cumulative_reoffended_pct`` = 100 (1 - survival).
    """
    if not isinstance(result.model, CoxPHFitter):
        raise TypeError("adjusted_survival needs a CoxPHFitter model")
    if treatment_col not in result.data.columns:
        raise KeyError(f"{treatment_col} is not a column of the model data")
    t = np.asarray(times, dtype=float)
    rows = []
    for level in levels:
        x = result.data.assign(**{treatment_col: float(level)})
        # Predict on the model's own time grid and read the step function, because
        # predict_survival_function(times=...) interpolates linearly between event times.
        mean = result.model.predict_survival_function(x).mean(axis=1)
        curve = pd.DataFrame({"time": np.append(0.0, mean.index.to_numpy(float)),
                              "survival": np.append(1.0, mean.to_numpy())})
        curve = curve.drop_duplicates("time", keep="last")
        surv = _step_lookup(curve, t, ["survival"])["survival"].to_numpy()
        rows.append(pd.DataFrame({"treatment": level, "time": t, "survival": surv,
                                  "cumulative_reoffended_pct": 100 * (1 - surv)}))
    return pd.concat(rows, ignore_index=True)


# --------------------------------------------------------------------------------------------
# Model set-up and remedies used by the survival notebook
# --------------------------------------------------------------------------------------------


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


def horizon(frame: pd.DataFrame, months: float, time_unit: str, time_col: str = "time") -> float:
    """A horizon of ``months`` in the data's unit, cut to the longest observed follow-up.

    Rossi's year is 52 weeks of follow-up, not 52.18: curves are not estimated beyond the data.
    """
    return float(min(months_to_unit(months, time_unit), frame[time_col].max()))


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


def horizons(frame: pd.DataFrame, months: Sequence[float], time_unit: str,
             time_col: str = "time") -> pd.DataFrame:
    """Several horizons in months, each in the data's unit and cut to the longest follow-up.

    Returns
    -------
    DataFrame
        ``months`` and ``time`` (in ``time_unit``), one row per horizon.
    """
    return pd.DataFrame({"months": list(months),
                         "time": [horizon(frame, m, time_unit, time_col) for m in months]})
