"""Time to first reoffence in the matched or weighted samples: weighted Kaplan-Meier curves,
the marginal hazard ratio of a weighted Cox model with robust standard errors, and the curves
read at chosen times for publication.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.exceptions import ConvergenceError

from analysis.disclosure import suppress_counts
from analysis.estimable import NotEstimable
from analysis.models.survival import CoxResult, number_at_risk
from analysis.models.survival.cox_variance import CoxPHFitter

__all__ = ["samples_with_both_groups", "weighted_cox", "weighted_cox_table", "weighted_km",
           "weighted_km_at", "weighted_km_curves"]


def samples_with_both_groups(frame: pd.DataFrame, weights: Mapping[str, pd.Series],
                             group_col: str = "treated") -> tuple[dict[str, pd.Series], list[str]]:
    """The samples in which both groups have someone (weight above 0), and why the others
    cannot give an effect on time to reoffence (a match found for no treated person).

    Parameters
    ----------
    frame : DataFrame
        The people, with ``group_col``.
    weights : mapping of str to Series
        ``{sample: weights}`` (e.g. ``Estimates.att_weights``), aligned with ``frame``.
    group_col : str
        The 0/1 treatment column.

    Returns
    -------
    (dict of str to Series, list of str)
        The usable samples, in the order of ``weights``, and a "could not be estimated"
        statement for each other sample.
    """
    usable: dict[str, pd.Series] = {}
    statements = []
    for name, w in weights.items():
        groups = frame.loc[w.reindex(frame.index, fill_value=0) > 0, group_col].nunique()
        if groups == 2:
            usable[name] = w
        else:
            statements.append(NotEstimable(
                f"The effect on time to reoffence in the {name} sample",
                "the sample holds nobody from one of the two groups").statement)
    return usable, statements


def weighted_km(
    frame: pd.DataFrame,
    weights: pd.Series,
    group_col: str = "treated",
    time_col: str = "time",
    event_col: str = "event",
    labels: Mapping[Any, str] | None = None,
) -> pd.DataFrame:
    """Weighted Kaplan-Meier curves by group (lifelines ``KaplanMeierFitter`` with weights).

    Returns
    -------
    DataFrame
        ``group``, ``time``, ``at_risk`` (weighted), ``events`` (weighted), ``survival``,
        ``cumulative_reoffended_pct`` = 100 (1 - survival). People with weight 0 are left out.
    """
    keep = weights > 0
    f, w = frame.loc[keep], weights.loc[keep]
    out = []
    for g, d in f.groupby(group_col, sort=True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            kmf = KaplanMeierFitter().fit(d[time_col], d[event_col], weights=w.loc[d.index])
        tab = kmf.event_table
        s = kmf.survival_function_.iloc[:, 0]
        out.append(pd.DataFrame({
            "group": (labels or {}).get(g, g), "time": tab.index.to_numpy(dtype=float),
            "at_risk": tab["at_risk"].to_numpy(dtype=float),
            "events": tab["observed"].to_numpy(dtype=float),
            "survival": s.to_numpy(), "cumulative_reoffended_pct": 100 * (1 - s.to_numpy())}))
    return pd.concat(out, ignore_index=True)


def weighted_cox(
    frame: pd.DataFrame,
    weights: pd.Series,
    treatment_col: str = "treated",
    time_col: str = "time",
    event_col: str = "event",
    cluster: pd.Series | None = None,
    alpha: float = 0.05,
) -> CoxResult:
    """Marginal hazard ratio of treatment in a matched or weighted sample (robust SE).

    lifelines ``CoxPHFitter`` with ``weights_col`` and the robust (Lin-Wei sandwich) variance
    (Efron score residuals, :mod:`analysis.models.survival.cox_variance`),
    clustered on the matched set when ``cluster`` is given (Austin 2013, 2016). People with
    weight 0 are left out. The result is a :class:`analysis.models.survival.CoxResult`, so
    ``.summary`` is the project's tidy table.
    """
    keep = weights > 0
    data = pd.DataFrame({time_col: frame.loc[keep, time_col].astype(float),
                         event_col: frame.loc[keep, event_col].astype(int),
                         treatment_col: frame.loc[keep, treatment_col].astype(float),
                         "_weight": weights.loc[keep].astype(float)})
    cluster_col = None
    if cluster is not None:
        data["_cluster"] = cluster.loc[keep].to_numpy()
        cluster_col = "_cluster"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model = CoxPHFitter(alpha=alpha).fit(data, time_col, event_col, weights_col="_weight",
                                                 robust=True, cluster_col=cluster_col)
        except ConvergenceError as err:
            raise NotEstimable("The weighted Cox model",
                               "it did not converge (too few reoffences in the sample)") from err
    variance = "cluster-robust (matched set)" if cluster is not None else "robust"
    return CoxResult(model, data, time_col, event_col, [treatment_col], {}, variance,
                     {"weights": "_weight"})


def weighted_km_curves(frame: pd.DataFrame,
                       weights: Mapping[str, pd.Series]) -> dict[str, pd.DataFrame]:
    """:func:`weighted_km` of each sample.

    Parameters
    ----------
    frame : DataFrame
        The people, with ``treated``, ``time`` and ``event``.
    weights : mapping of str to Series
        ``{sample: weights}`` (e.g. ``Estimates.att_weights``), aligned with ``frame``.

    Returns
    -------
    dict of str to DataFrame
        ``{sample: curves}``, in the order of ``weights``.
    """
    return {name: weighted_km(frame, w) for name, w in weights.items()}


def weighted_cox_table(frame: pd.DataFrame, weights: Mapping[str, pd.Series],
                       clusters: Mapping[str, pd.Series | None] | None = None,
                       alpha: float = 0.05) -> pd.DataFrame:
    """The marginal hazard ratio of treatment (:func:`weighted_cox`) in each sample, as a table.

    Parameters
    ----------
    frame : DataFrame
        The people, with ``treated``, ``time`` and ``event``.
    weights : mapping of str to Series
        ``{sample: weights}`` (e.g. ``Estimates.att_weights``), aligned with ``frame``.
    clusters : mapping of str to Series or None, optional
        ``{sample: cluster ids}`` for cluster-robust SEs (e.g. ``Estimates.att_clusters``).
    alpha : float
        One minus the confidence level of the intervals.

    Returns
    -------
    DataFrame
        One row per sample: ``method``, ``hazard_ratio``, ``ci_low``, ``ci_high``, ``p_value``,
        ``se`` (of the log hazard ratio), ``se_type``.
    """
    clusters = dict(clusters or {})
    rows: list[dict[str, Any]] = []
    for name, w in weights.items():
        s = weighted_cox(frame, w, cluster=clusters.get(name), alpha=alpha).summary.iloc[0]
        rows.append({"method": name, "hazard_ratio": s["hazard_ratio"], "ci_low": s["hr_ci_low"],
                     "ci_high": s["hr_ci_high"], "p_value": s["p_value"], "se": s["se"],
                     "se_type": s["se_type"]})
    return pd.DataFrame(rows)


def weighted_km_at(curves: Mapping[str, pd.DataFrame], frame: pd.DataFrame,
                   weights: Mapping[str, pd.Series], times: Sequence[float],
                   min_cell: int = 5, time_col: str = "time", event_col: str = "event",
                   group_col: str = "treated") -> pd.DataFrame:
    """Weighted Kaplan-Meier curves read at chosen times, for publication.

    The curves of :func:`weighted_km` have a row per event time, close to a list of people's
    reoffence days; the published table gives each curve at ``times`` only, with the people
    (weight above 0) still followed and those who reoffended by each time, under the
    small-count rule (:mod:`analysis.disclosure`; the survival values of a row with a
    suppressed count are suppressed).

    Parameters
    ----------
    curves : mapping of str to DataFrame
        :func:`weighted_km` for each sample (``"Matching"``, ``"IPW (ATT)"``).
    frame : DataFrame
        The people the curves were estimated on.
    weights : mapping of str to Series
        The weights of each sample (aligned with ``frame``).
    times : sequence of float
        Times to read the curves at (data's time unit).
    min_cell : int
        Smallest count shown.

    Returns
    -------
    DataFrame
        ``sample``, ``group``, ``time``, ``people`` (weight above 0 in the group),
        ``at_risk`` (people followed beyond ``time``), ``events`` (people reoffending by
        ``time``), ``survival``, ``cumulative_reoffended_pct`` (weighted).
    """
    parts = []
    for name, curve in curves.items():
        counts = number_at_risk(frame.loc[weights[name] > 0], times, time_col, event_col, group_col)
        counts["people"] = counts[["at_risk", "events", "censored"]].sum(axis=1)
        survival = []
        for g, t in zip(counts["group"], counts["time"], strict=True):
            upto = curve[(curve["group"] == g) & (curve["time"] <= t)].sort_values("time")
            survival.append(float(upto["survival"].iloc[-1]) if len(upto) else 1.0)
        counts["survival"] = survival
        counts["cumulative_reoffended_pct"] = 100 * (1 - counts["survival"])
        parts.append(counts.assign(sample=name))
    table = pd.concat(parts, ignore_index=True)[
        ["sample", "group", "time", "people", "at_risk", "events", "survival",
         "cumulative_reoffended_pct"]]
    return suppress_counts(table, ["people", "at_risk", "events"],
                           ["survival", "cumulative_reoffended_pct"], min_cell,
                           sets=["sample", "time"])
