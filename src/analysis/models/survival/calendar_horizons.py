"""Survival, cumulative incidence and counts at horizons given in months, each person read at
the end of their own follow-up period.

The Ministry of Justice measure follows each person for ``k`` calendar months from their own
start. So a horizon of ``k`` months is read, for each person, at their own ``k``-month
anniversary (:func:`analysis.measures.time_scale.calendar_months`): the estimators are fitted
on that time scale (a Kaplan-Meier or Aalen-Johansen fit on each person's own calendar, which
for data without start dates is the data's own scale in other units) and read at ``k``. The
curves themselves, on the data's time scale, are those of :mod:`.kaplan_meier` and
:mod:`.competing_risks`.

At a horizon of ``k`` months every person is in one of three states:

* ``events``: reoffended within their ``k`` months;
* ``at_risk``: completed their ``k`` months without reoffending (still followed at its end);
* ``censored``: neither: follow-up ended earlier (a competing exit, or data ending), so the
  group's size is ``at_risk + events + censored``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from analysis.measures.time_scale import START_COLUMN, calendar_months, horizon_time
from analysis.models.survival.competing_risks import cumulative_incidence_at
from analysis.models.survival.frames import check_columns, split_groups
from analysis.models.survival.kaplan_meier import survival_at

__all__ = ["on_calendar", "survival_at_horizons", "cumulative_incidence_at_horizons",
           "counts_at_horizons"]


def on_calendar(frame: pd.DataFrame, time_unit: str, time_col: str = "time",
                start_col: str = START_COLUMN) -> pd.DataFrame:
    """A copy of ``frame`` whose ``time_col`` is each person's time in their own calendar months."""
    return frame.assign(**{time_col: calendar_months(frame, time_unit, start_col, time_col)})


def _read_months(calendar: pd.DataFrame, months: Sequence[float], time_col: str) -> list[float]:
    """The horizons in months, cut to the longest follow-up (curves are not extrapolated)."""
    longest = float(calendar[time_col].max())
    return [float(min(m, longest)) for m in months]


def _at_horizons(read: Callable[..., pd.DataFrame], frame: pd.DataFrame,
                 months: Sequence[float], time_unit: str, time_col: str, start_col: str,
                 **kwargs: object) -> pd.DataFrame:
    """``read(calendar frame, horizon months, time_col=..., **kwargs)`` with ``time`` in the
    data's unit (:func:`horizon_time`) and the horizon in ``months``."""
    calendar = on_calendar(frame, time_unit, time_col, start_col)
    cut = _read_months(calendar, months, time_col)
    out = read(calendar, cut, time_col=time_col, **kwargs)
    # one row per horizon for each group, in the order of ``cut``
    index = np.tile(np.arange(len(cut)), len(out) // max(len(cut), 1))
    times = [horizon_time(frame, m, time_unit, start_col, time_col) for m in months]
    out["time"] = [times[i] for i in index]
    out["months"] = [float(months[i]) for i in index]
    return out


def survival_at_horizons(
    frame: pd.DataFrame,
    months: Sequence[float],
    time_unit: str,
    time_col: str = "time",
    event_col: str = "event",
    group_col: str | None = None,
    alpha: float = 0.05,
    start_col: str = START_COLUMN,
) -> pd.DataFrame:
    """Kaplan-Meier survival at horizons in months, each person read at their own anniversary.

    Parameters
    ----------
    frame : DataFrame
        One row per person (with ``start_col`` where the data have start dates).
    months : sequence of float
        Horizons in months (e.g. ``[3, 6, 12]``).
    time_unit : {"days", "weeks", "months"}
        Unit of ``time_col``.
    time_col, event_col, group_col, alpha
        As :func:`analysis.models.survival.survival_at`.
    start_col : str
        Start of follow-up (records form).

    Returns
    -------
    DataFrame
        The columns of :func:`survival_at` (``time`` = :func:`horizon_time`, in the data's
        unit) and ``months``. Without censoring before a horizon, ``cumulative_reoffended_pct``
        is the share who reoffended within their ``k`` months.
    """
    return _at_horizons(survival_at, frame, months, time_unit, time_col, start_col,
                        event_col=event_col, group_col=group_col, alpha=alpha)


def cumulative_incidence_at_horizons(
    frame: pd.DataFrame,
    months: Sequence[float],
    time_unit: str,
    time_col: str = "time",
    event_col: str = "event",
    competing_col: str = "competing_event",
    group_col: str | None = None,
    alpha: float = 0.05,
    start_col: str = START_COLUMN,
) -> pd.DataFrame:
    """:func:`cumulative_incidence_at` at horizons in months, read as :func:`survival_at_horizons`."""
    return _at_horizons(cumulative_incidence_at, frame, months, time_unit, time_col, start_col,
                        event_col=event_col, competing_col=competing_col, group_col=group_col,
                        alpha=alpha)


def counts_at_horizons(
    frame: pd.DataFrame,
    months: Sequence[float],
    time_unit: str,
    time_col: str = "time",
    event_col: str = "event",
    group_col: str | None = None,
    start_col: str = START_COLUMN,
) -> pd.DataFrame:
    """People who completed each horizon without reoffending, who reoffended, and the rest.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    months : sequence of float
        Horizons in months; 0 gives the group sizes.
    time_unit, time_col, event_col, group_col, start_col
        As :func:`survival_at_horizons`.

    Returns
    -------
    DataFrame
        ``group``, ``months``, ``time`` (:func:`horizon_time`), ``at_risk`` (completed their
        ``k`` months without reoffending), ``events`` (reoffended within them), ``censored``
        (follow-up ended earlier without a reoffence); the three add up to the group's size.
    """
    check_columns(frame, [time_col, event_col, group_col])
    calendar = on_calendar(frame, time_unit, time_col, start_col)
    cut = _read_months(calendar, months, time_col)
    times = [horizon_time(frame, m, time_unit, start_col, time_col) for m in months]
    rows = []
    for g, d in split_groups(calendar, group_col):
        m, event = d[time_col].to_numpy(float), d[event_col].to_numpy(int) == 1
        for k, c, t in zip(months, cut, times, strict=True):
            reoffended = event & (m <= c)
            completed = ~reoffended & (m >= c)
            rows.append({"group": g, "months": float(k), "time": t,
                         "at_risk": int(completed.sum()), "events": int(reoffended.sum()),
                         "censored": int((~reoffended & ~completed).sum())})
    return pd.DataFrame(rows, columns=["group", "months", "time", "at_risk", "events", "censored"])
