"""Competing causes compared between groups: cumulative incidence of each cause by group at
horizons, Gray's tests and Fine-Gray subdistribution hazard ratios, with the published table.

Each person's follow-up ends in one cause (for example the type of the first reoffence), a
competing exit, or censoring, coded in one status column. For each cause the other causes and
competing exits are competing events (:mod:`.competing_risks` for the curves, :mod:`.gray_test`,
:mod:`.fine_gray`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.disclosure import is_small, suppress_counts, suppress_where
from analysis.estimable import NotEstimable
from analysis.models.design import design_matrix
from analysis.models.requirements import fitting
from analysis.models.survival.calendar_horizons import (
    counts_at_horizons,
    cumulative_incidence_at_horizons,
)
from analysis.models.survival.fine_gray import fine_gray
from analysis.models.survival.frames import check_columns
from analysis.models.survival.gray_test import gray_tests

__all__ = ["cause_fine_gray", "cause_gray_tests", "cause_incidence_at_horizons",
           "published_cause_fine_gray", "published_cause_gray_tests",
           "published_cause_incidence"]

_ESTIMATES = ("aj_cif_pct", "aj_ci_low_pct", "aj_ci_high_pct")


def _present(frame: pd.DataFrame, status_col: str, causes: Sequence[object], group_col: str,
             what: str) -> list[object]:
    """The causes someone's follow-up ended in; NotEstimable if there are none or one group."""
    if frame[group_col].nunique() < 2:
        raise NotEstimable(what, "the data hold only one group")
    found = [c for c in causes if (frame[status_col] == c).any()]
    if not found:
        raise NotEstimable(what, "nobody reoffended")
    return found


def _as_event(frame: pd.DataFrame, status_col: str, cause: object,
              censored: object) -> pd.DataFrame:
    """``frame`` with ``event`` = the cause and ``competing_event`` = any other end but censoring."""
    s = frame[status_col]
    return frame.assign(event=(s == cause).astype(int),
                        competing_event=((s != cause) & (s != censored)).astype(int))


def cause_incidence_at_horizons(frame: pd.DataFrame, status_col: str, causes: Sequence[object],
                                months: Sequence[float], time_unit: str, group_col: str,
                                censored: object = "censored") -> pd.DataFrame:
    """Cumulative incidence of each cause by group at horizons in months, with its events.

    Returns
    -------
    DataFrame
        ``cause``, ``group``, ``months``, ``time``, ``events`` (people whose follow-up ended in
        the cause within their ``k`` months), ``aj_cif_pct``, ``aj_ci_low_pct``,
        ``aj_ci_high_pct`` (Aalen-Johansen, the other causes and exits competing).
    """
    check_columns(frame, [status_col, group_col])
    parts = []
    for cause in causes:
        d = _as_event(frame, status_col, cause, censored)
        cif = cumulative_incidence_at_horizons(d, months, time_unit, group_col=group_col)
        counts = counts_at_horizons(d, months, time_unit, group_col=group_col)
        one = cif[["group", "months", "time", *_ESTIMATES]].merge(
            counts[["group", "months", "events"]], on=["group", "months"], validate="one_to_one")
        parts.append(one.assign(cause=cause))
    out = pd.concat(parts, ignore_index=True)
    return out[["cause", "group", "months", "time", "events", *_ESTIMATES]]


def published_cause_incidence(table: pd.DataFrame, labels: Mapping[Any, str] | None = None,
                              min_cell: int = 5) -> pd.DataFrame:
    """:func:`cause_incidence_at_horizons` as published: one row per group and horizon.

    Columns ``<cause>_events`` and ``<cause>_cif_pct`` (with ``_ci_low_pct``, ``_ci_high_pct``),
    at one horizon: counts at two horizons would bound each other (a cause's people by 12
    months are at least those by 6), which the rule below does not take into account.
    Events from 1 to ``min_cell - 1`` read ``"<5"`` with their incidence suppressed; the causes
    of a row add up to the group's reoffenders by then (published with the Kaplan-Meier
    horizons), so secondary suppression runs across each row. (The cohort's people by type
    are published nowhere, so the groups of a horizon add up to no known total.)
    """
    if table["months"].nunique() != 1:
        raise ValueError("publish the cumulative incidence by cause at one horizon only")
    rows = table.assign(group=table["group"].map(dict(labels)) if labels else table["group"])
    wide = rows.pivot_table(index=["group", "months", "time"], columns="cause",
                            values=["events", *_ESTIMATES], aggfunc="first", sort=False,
                            dropna=False)   # keep a cause whose intervals are all blank
    causes = list(dict.fromkeys(table["cause"]))
    out = wide.index.to_frame(index=False)
    derived = {}
    for c in causes:
        out[f"{c}_events"] = wide[("events", c)].to_numpy().astype(int)
        for est in _ESTIMATES:
            name = f"{c}_{est.removeprefix('aj_')}"
            out[name] = wide[(est, c)].to_numpy().round(2)
            derived[name] = f"{c}_events"
    return suppress_counts(out, [f"{c}_events" for c in causes], derived, min_cell,
                           row_sets=True)


def cause_gray_tests(frame: pd.DataFrame, status_col: str, causes: Sequence[object],
                     group_col: str, time_col: str = "time",
                     censored: object = "censored") -> pd.DataFrame:
    """Gray's test of equal cumulative incidence of each cause between the groups.

    Causes no one's follow-up ended in are left out.

    Returns
    -------
    DataFrame
        ``cause``, ``statistic`` (chi-square), ``df``, ``p_value`` and ``fewest_events`` (the
        fewest people of a group whose follow-up ended in the cause).
    """
    causes = _present(frame, status_col, causes, group_col, "Gray's test")
    out = gray_tests(frame, group_col, time_col, status_col, censored, causes)
    ended = pd.crosstab(frame[status_col], frame[group_col])
    out["fewest_events"] = [int(ended.loc[c].min()) if c in ended.index else 0
                            for c in out["cause"]]
    return out


def published_cause_gray_tests(tests: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """:func:`cause_gray_tests` as published: a test resting on fewer than ``min_cell`` events
    in a group reads ``"suppressed"`` (as the hazard ratios of
    :func:`published_cause_fine_gray`); ``fewest_events`` is not published."""
    thin = is_small(tests["fewest_events"], min_cell).to_numpy()
    return suppress_where(tests.drop(columns=["fewest_events"]), ["statistic", "p_value"], thin)


def cause_fine_gray(frame: pd.DataFrame, status_col: str, causes: Sequence[object],
                    treatment_col: str, covariates: Sequence[str] = (),
                    categorical: Mapping[str, Any] | None = None, time_col: str = "time",
                    censored: object = "censored") -> pd.DataFrame:
    """Fine-Gray subdistribution hazard ratio of the treatment for each cause.

    Fitted without covariates and, where ``covariates`` are given, adjusted for them
    (categorical ones dummy-coded against ``categorical``'s reference levels). ``frame`` must
    have no missing values in the covariates (complete cases). Causes no one's follow-up
    ended in are left out.

    Returns
    -------
    DataFrame
        ``cause``, ``model`` (``unadjusted`` or ``adjusted``), ``events`` (people whose first
        event is the cause), ``treated_events`` and ``comparison_events`` (of them, in each
        arm), ``shr``, ``shr_ci_low``, ``shr_ci_high``, ``p_value``, ``converged``.
    """
    causes = _present(frame, status_col, causes, treatment_col, "The Fine-Gray model")
    others = [c for c in covariates if c != treatment_col]
    design, _ = design_matrix(frame, [treatment_col, *others], categorical)
    data = pd.concat([frame[[time_col, status_col]], design], axis=1)
    models = {"unadjusted": [treatment_col]}
    if others:
        models["adjusted"] = list(design.columns)
    rows = []
    treated = design[treatment_col].to_numpy() == 1
    for cause in causes:
        ended = (frame[status_col] == cause).to_numpy()
        for model, cols in models.items():
            with fitting("The Fine-Gray model"):
                fit = fine_gray(data, cols, time_col, status_col, cause=cause, censored=censored)
            r = fit.summary.iloc[0]
            rows.append({"cause": cause, "model": model, "events": fit.events,
                         "treated_events": int((ended & treated).sum()),
                         "comparison_events": int((ended & ~treated).sum()),
                         "shr": r["shr"], "shr_ci_low": r["shr_ci_low"],
                         "shr_ci_high": r["shr_ci_high"], "p_value": r["p_value"],
                         "converged": bool(fit.converged)})
    return pd.DataFrame(rows).astype({"events": np.int64, "converged": bool})


def published_cause_fine_gray(table: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """:func:`cause_fine_gray` as published.

    ``events`` from 1 to ``min_cell - 1`` read ``"<5"``; the causes of a model add up to its
    reoffenders (published with the Cox model), so secondary suppression runs down each model.
    A hazard ratio resting on fewer than ``min_cell`` events in either arm says little and
    nearly gives the arm's count back: it reads ``"suppressed"``. The counts by arm are not
    published.
    """
    thin = (is_small(table["treated_events"], min_cell)
            | is_small(table["comparison_events"], min_cell)).to_numpy()
    out = suppress_where(table.drop(columns=["treated_events", "comparison_events"]),
                         ["shr", "shr_ci_low", "shr_ci_high", "p_value"], thin)
    return suppress_counts(out, ["events"], None, min_cell, sets="model")
