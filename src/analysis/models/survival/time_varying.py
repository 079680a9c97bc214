"""Time-varying covariates from dated status changes: counting-process data and Cox fits.

Includes the naive "ever gained" coding and the comparison showing its immortal-time bias.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from lifelines import CoxTimeVaryingFitter

from analysis.measures.time_scale import days_to_unit
from analysis.models.design import design_matrix
from analysis.models.requirements import fitting, require_events
from analysis.models.survival.cox import CoxResult, fit_cox
from analysis.models.survival.frames import check_columns

__all__ = ["ever_gained", "to_counting_process", "fit_cox_time_varying",
           "immortal_time_comparison"]


def _switch_times(frame: pd.DataFrame, change_dates: Mapping[str, str], start_col: str,
                  time_col: str, time_unit: str) -> pd.DataFrame:
    """Time (data's unit) from which each status applies: 0 = from the start, inf = never.

    A status gained on ``date`` applies from ``s = (date - start).days`` days, i.e. from day
    ``d = s + 1`` of follow-up onwards (the interval ``(s, ...]``). Dates on or before the
    start give 0; dates with ``s >= time`` (after the last day of follow-up) or missing give
    inf (never within follow-up).
    """
    check_columns(frame, [start_col, time_col, *change_dates.values()])
    start = pd.to_datetime(frame[start_col]).dt.normalize()
    end = frame[time_col].to_numpy(float)
    out = {}
    for status, col in change_dates.items():
        days = (pd.to_datetime(frame[col]).dt.normalize() - start).dt.days.to_numpy(float)
        s = np.clip(days_to_unit(days, time_unit), 0, None)
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
    check_columns(frame, [id_col, event_col, *covariates])
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

    Raises
    ------
    NotEstimable
        When nobody is in ``frame``, nobody has the event, or a fit does not converge.
    """
    what = "The time-varying Cox model"
    require_events(frame, what, event_col)
    statuses = list(change_dates)
    long = to_counting_process(frame, change_dates, start_col, time_col, event_col, id_col,
                               covariates, time_unit)
    with fitting(what):
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
