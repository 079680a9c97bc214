"""The time scale of follow-up: its units and periods given in months expressed in them.

Follow-up time is counted in the data's own unit: days for the records form, weeks for Rossi,
months for recid. A month is a twelfth of a year of 365.25 days, 30.4375 days, and a week 7
days, so 12 months is 365.25 days, 52.18 weeks or 12 months. (Calendar-month arithmetic on
dates, for the follow-up window of the records form, is
:func:`analysis.measures.reoffending.add_months`.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "DAYS_PER_YEAR",
    "DAYS_PER_MONTH",
    "DAYS_PER_UNIT",
    "TIME_UNITS",
    "months_to_unit",
    "days_to_unit",
    "horizon",
    "horizons",
]

#: Days in a year.
DAYS_PER_YEAR = 365.25

#: Days in a month, a twelfth of a year (30.4375).
DAYS_PER_MONTH = DAYS_PER_YEAR / 12

#: Days per unit of the data's ``time`` column.
DAYS_PER_UNIT: dict[str, float] = {"days": 1.0, "weeks": 7.0, "months": DAYS_PER_MONTH}

#: The time units follow-up may be counted in.
TIME_UNITS: tuple[str, ...] = tuple(DAYS_PER_UNIT)


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
