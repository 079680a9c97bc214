"""The time scale of follow-up: its units and periods given in months expressed in them.

Follow-up time is counted in the data's own unit: days for the records form, weeks for Rossi,
months for recid. A month is a twelfth of a year of 365.25 days, 30.4375 days, and a week 7
days, so 12 months is 365.25 days, 52.18 weeks or 12 months: :func:`months_to_unit`,
:func:`horizon` and :func:`horizons` convert so, for model grids and figures.

Horizons given in months are read where the Ministry of Justice measure ends its follow-up
period: ``k`` calendar months from each person's own start (12 months from 31 January 2023
ends on 30 January 2024, 365 days later; over a 29 February, 366 days). Where the data hold
each person's start date (the records form, counted in days), :func:`calendar_months` puts each
person's follow-up on their own calendar: month ``k`` ends on their own ``k``-month
anniversary (the last day of their follow-up period is exactly 12). Without start dates
(survival form) a month is 30.4375 days. :func:`horizon_time` gives the time, in the data's
unit, by which every person's ``k`` months have ended. (Calendar-month arithmetic on dates is
:func:`analysis.measures.reoffending.add_months`.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.measures.reoffending import add_months

__all__ = [
    "DAYS_PER_YEAR",
    "DAYS_PER_MONTH",
    "DAYS_PER_UNIT",
    "TIME_UNITS",
    "months_to_unit",
    "days_to_unit",
    "horizon",
    "horizons",
    "calendar_months",
    "horizon_time",
    "START_COLUMN",
]

#: Days in a year.
DAYS_PER_YEAR = 365.25

#: Days in a month, a twelfth of a year (30.4375).
DAYS_PER_MONTH = DAYS_PER_YEAR / 12

#: Days per unit of the data's ``time`` column.
DAYS_PER_UNIT: dict[str, float] = {"days": 1.0, "weeks": 7.0, "months": DAYS_PER_MONTH}

#: The time units follow-up may be counted in.
TIME_UNITS: tuple[str, ...] = tuple(DAYS_PER_UNIT)

#: Column of each person's start of follow-up (records form).
START_COLUMN = "cohort_start"


def _check_unit(time_unit: str) -> None:
    if time_unit not in DAYS_PER_UNIT:
        raise ValueError(f"time_unit must be one of {sorted(DAYS_PER_UNIT)}, not {time_unit!r}")


def months_to_unit(months: float | Sequence[float] | np.ndarray, time_unit: str) -> np.ndarray:
    """Express a period given in months in the data's time unit.

    Parameters
    ----------
    months : float or sequence of float
        Periods in months (e.g. ``[3, 6, 12]``).
    time_unit : {"days", "weeks", "months"}
        Unit of the data's ``time`` column.

    Returns
    -------
    numpy.ndarray
        The periods in ``time_unit`` (float):
        ``months * DAYS_PER_MONTH / DAYS_PER_UNIT[time_unit]``.
    """
    _check_unit(time_unit)
    return np.asarray(months, dtype=float) * DAYS_PER_MONTH / DAYS_PER_UNIT[time_unit]


def days_to_unit(days: float | Sequence[float] | np.ndarray, time_unit: str) -> np.ndarray:
    """Express a number of days in the data's time unit.

    Parameters
    ----------
    days : float or sequence of float
        Numbers of days (NaN stays NaN).
    time_unit : {"days", "weeks", "months"}
        Unit of the data's ``time`` column.

    Returns
    -------
    numpy.ndarray
        ``days / DAYS_PER_UNIT[time_unit]`` (float).
    """
    _check_unit(time_unit)
    return np.asarray(days, dtype=float) / DAYS_PER_UNIT[time_unit]


def horizon(frame: pd.DataFrame, months: float, time_unit: str, time_col: str = "time") -> float:
    """A horizon of ``months`` in the data's unit, cut to the longest observed follow-up.

    Rossi's year is 52 weeks of follow-up, not 52.18: curves are not estimated beyond the data.
    """
    return float(min(months_to_unit(months, time_unit), frame[time_col].max()))


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


def _has_calendar(frame: pd.DataFrame, time_unit: str, start_col: str) -> bool:
    """True where follow-up is counted in days from a start date the frame holds."""
    return time_unit == "days" and start_col in frame.columns


def _anniversaries(start: np.ndarray, months: int) -> np.ndarray:
    """Days from each start to its ``months``-month anniversary (the day count of the last
    day of a ``months``-month follow-up period, counting the start day as day 1)."""
    return ((add_months(start, months) - start) // np.timedelta64(1, "D")).astype(float)


def calendar_months(frame: pd.DataFrame, time_unit: str, start_col: str = START_COLUMN,
                    time_col: str = "time") -> np.ndarray:
    """Each person's follow-up time in months of their own calendar.

    With start dates (``time`` in days, the day of the start counted as day 1), month ``j``
    runs from day ``D[j-1]`` to day ``D[j]``, the day counts of the person's ``j - 1`` and
    ``j``-month anniversaries (``D[0] = 0``), and a time ``t`` in it is
    ``j - 1 + (t - D[j-1]) / (D[j] - D[j-1])``: a person followed to the end of a 12-month
    period (365 or 366 days) has exactly 12. Without start dates a month is
    ``DAYS_PER_MONTH`` days.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    time_unit : {"days", "weeks", "months"}
        Unit of ``time_col``.
    start_col, time_col : str
        Start of follow-up (datetime) and follow-up time.

    Returns
    -------
    numpy.ndarray
        Months (float), in the order of ``frame``'s rows.
    """
    _check_unit(time_unit)
    t = frame[time_col].to_numpy(dtype=float)
    if not _has_calendar(frame, time_unit, start_col):
        return t * DAYS_PER_UNIT[time_unit] / DAYS_PER_MONTH
    start = frame[start_col].to_numpy(dtype="datetime64[D]")
    out = np.full(len(t), np.nan)
    before = np.zeros(len(t))
    todo = ~np.isnan(t)
    j = 0
    while todo.any():
        j += 1
        end = _anniversaries(start, j)
        inside = todo & (t <= end)
        out[inside] = j - 1 + (t[inside] - before[inside]) / (end[inside] - before[inside])
        todo &= ~inside
        before = end
    return out


def horizon_time(frame: pd.DataFrame, months: float, time_unit: str,
                 start_col: str = START_COLUMN, time_col: str = "time") -> float:
    """The time, in the data's unit, by which every person's ``months`` have ended.

    With start dates: the longest ``months``-month period of the frame's people (12 months:
    366 days when someone's year holds a 29 February, else 365), cut to the longest follow-up;
    without: :func:`horizon`. It places a horizon on a time axis; each person is read at their
    own anniversary (:func:`calendar_months`).
    """
    if not _has_calendar(frame, time_unit, start_col) or float(months) % 1:
        return horizon(frame, months, time_unit, time_col)
    start = frame[start_col].to_numpy(dtype="datetime64[D]")
    longest = float(_anniversaries(start, int(months)).max()) if len(start) else 0.0
    return float(min(longest, frame[time_col].max()))
