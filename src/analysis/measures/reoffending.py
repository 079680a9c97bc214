"""Proven-reoffending measures derived from the records form.

The measures follow the Ministry of Justice definitions in "Proven reoffending statistics:
guide" (Ministry of Justice, published with the quarterly Proven Reoffending Statistics on
GOV.UK). The inputs are the ``people`` and ``offences`` tables of the records form, with columns
named by role as in :mod:`analysis.contract` (``person_id``, ``cohort_start``, optional
``exit_date`` and ``exit_reason`` in ``people``; ``person_id``, ``offence_date``,
``proven_date``, ``offence_type`` and optional ``attempt`` in ``offences``). The inputs are
assumed to be validated already: no offence before cohort start, proven date on or after the
offence date, every offence's ``person_id`` present in ``people``.

Definitions
-----------
All dates are compared as calendar days (any time of day is ignored). Month arithmetic is
calendar-month arithmetic as done by ``pd.DateOffset(months=k)``: the day of the month is kept
and clipped to the end of a shorter month, so 31 January + 1 month is 28 February (29 in a
leap year). The defaults are ``follow_up_months = 12`` and ``waiting_months = 6``.

Follow-up period
    From ``cohort_start`` (inclusive) to the day before
    ``cohort_start + DateOffset(months=follow_up_months)``, so an offence on the anniversary
    date is outside. ``follow_up_end = cohort_start + DateOffset(months=follow_up_months)
    - 1 day`` is the inclusive last day.
Waiting period
    A further ``waiting_months`` calendar months in which an offence committed during follow-up
    may still be proven. ``proven_by = cohort_start + DateOffset(months=follow_up_months +
    waiting_months) - 1 day`` is the inclusive last day on which a proof counts.
Proven reoffence
    An offence whose ``offence_date`` is within the follow-up period and whose ``proven_date``
    is on or before ``proven_by``, i.e. ``proven_date < cohort_start +
    DateOffset(months=follow_up_months + waiting_months)``.
Competing exit
    If a person has an ``exit_date`` (death, deportation, long custody) within the follow-up
    period, offences committed after ``exit_date`` do not count and the person is at risk only
    up to ``exit_date``. An offence committed on the exit date itself still counts, and then
    the follow-up ends in a reoffence, not in the exit. An ``exit_date`` outside the follow-up
    period is ignored.
Binary measure (``reoffended``)
    1 if the person has at least one proven reoffence, else 0. The proven reoffending rate of a
    group is the percentage of its offenders who reoffended (``binary_rate_pct``).
Frequency measure (``reoffences``)
    The number of proven reoffences of the person. Summarised per offender
    (``frequency_per_offender``) and per reoffender (``frequency_per_reoffender``).
Time at risk (``time_days``)
    Days at risk counting the day of the event:
    ``time_days = (date - cohort_start).days + 1``, where ``date`` is the offence date of the
    first proven reoffence, else the exit date if it falls within follow-up, else
    ``follow_up_end``. An offence on the cohort start day gives ``time_days = 1``; a person
    followed for twelve months without reoffending has 365 days (366 over a 29 February).
    ``event`` is 1 when ``time_days`` ends at a proven reoffence; ``competing_event`` is 1 when
    follow-up ended at the exit date with no earlier proven reoffence; both 0 means censored at
    ``follow_up_end``.
Eligibility
    A person can only be measured once both the follow-up and the waiting period have ended by
    the data extract date: ``proven_by <= extract_date``.

Offence-type exclusions made by the published statistics (for example breach offences or
offences outside the standard list) are not applied here: filter the ``offences`` table first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "counted_reoffences",
    "derive_measures",
    "follow_up_window",
    "add_months",
    "is_eligible",
    "reoffences_by_type",
    "reoffending_rates",
]

_DAY = np.timedelta64(1, "D")
_MEASURE_COLUMNS = [
    "person_id",
    "follow_up_end",
    "reoffended",
    "reoffences",
    "time_days",
    "event",
    "competing_event",
]


def _as_days(values: pd.Series) -> np.ndarray:
    """Return dates as a ``datetime64[D]`` array (time of day dropped, NaT kept)."""
    if not pd.api.types.is_datetime64_dtype(values.dtype):
        values = pd.to_datetime(values)
    return values.to_numpy(dtype="datetime64[D]")


def add_months(days: np.ndarray, months: int) -> np.ndarray:
    """Add calendar months to a ``datetime64[D]`` array exactly as ``pd.DateOffset`` does.

    The day of the month is kept and clipped to the end of a shorter month (31 January + 1
    month = 28 or 29 February); ``months`` may be negative.
    """
    shifted = pd.DatetimeIndex(days.astype("datetime64[ns]")) + pd.DateOffset(months=months)
    return shifted.to_numpy(dtype="datetime64[D]")


def _to_timestamps(days: np.ndarray) -> np.ndarray:
    """Return a ``datetime64[D]`` array as ``datetime64[ns]`` (the pandas default unit)."""
    return days.astype("datetime64[ns]")


def _counted_mask(
    people: pd.DataFrame,
    offences: pd.DataFrame,
    follow_up_months: int,
    waiting_months: int,
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Flag the offences that count as proven reoffences.

    Returns
    -------
    counted : numpy.ndarray of bool
        One flag per row of ``offences``.
    position : numpy.ndarray of int
        Row position in ``people`` of each offence's person (-1 if unknown).
    window : dict of numpy.ndarray
        Per-person ``datetime64[D]`` arrays: ``start``, ``anniversary`` (first day after
        follow-up), ``exit`` (exit date if within follow-up, else NaT).
    """
    start = _as_days(people["cohort_start"])
    anniversary = add_months(start, follow_up_months)
    proof_limit = add_months(start, follow_up_months + waiting_months)
    if "exit_date" in people.columns:
        exit_day = _as_days(people["exit_date"])
        exit_in = (exit_day >= start) & (exit_day < anniversary)  # NaT compares False
        exit_day = np.where(exit_in, exit_day, np.datetime64("NaT", "D"))
    else:
        exit_in = np.zeros(len(people), dtype=bool)
        exit_day = np.full(len(people), np.datetime64("NaT", "D"))
    # Exclusive upper bound for offence dates: the anniversary, or the day after the exit.
    offence_limit = np.where(exit_in, exit_day + _DAY, anniversary)

    position = pd.Index(people["person_id"]).get_indexer(offences["person_id"])
    known = position >= 0
    pos = np.where(known, position, 0)
    offence_day = _as_days(offences["offence_date"])
    proven_day = _as_days(offences["proven_date"])
    counted = (
        known
        & (offence_day >= start[pos])
        & (offence_day < offence_limit[pos])
        & (proven_day < proof_limit[pos])
    )
    window = {"start": start, "anniversary": anniversary, "exit": exit_day}
    return counted, position, window


def follow_up_window(
    cohort_start: pd.Series,
    follow_up_months: int = 12,
    waiting_months: int = 6,
) -> pd.DataFrame:
    """Return the last day of follow-up and the last day a proof counts.

    Parameters
    ----------
    cohort_start : pandas.Series
        Start of follow-up (datetime64), one value per person.
    follow_up_months : int, default 12
        Length of the follow-up period in calendar months.
    waiting_months : int, default 6
        Length of the waiting period for proofs after follow-up, in calendar months.

    Returns
    -------
    pandas.DataFrame
        Same index as ``cohort_start``, with datetime64 columns ``follow_up_end``
        (``cohort_start + follow_up_months`` months - 1 day, the inclusive last day of
        follow-up) and ``proven_by`` (``cohort_start + follow_up_months + waiting_months``
        months - 1 day, the inclusive last day on which a proof counts).
    """
    start = _as_days(cohort_start)
    follow_up_end = add_months(start, follow_up_months) - _DAY
    proven_by = add_months(start, follow_up_months + waiting_months) - _DAY
    return pd.DataFrame(
        {
            "follow_up_end": _to_timestamps(follow_up_end),
            "proven_by": _to_timestamps(proven_by),
        },
        index=cohort_start.index,
    )


def is_eligible(
    cohort_start: pd.Series,
    extract_date: pd.Timestamp | str,
    follow_up_months: int = 12,
    waiting_months: int = 6,
) -> pd.Series:
    """Flag people whose follow-up and waiting periods have both ended by the extract date.

    Parameters
    ----------
    cohort_start : pandas.Series
        Start of follow-up (datetime64), one value per person.
    extract_date : pandas.Timestamp or str
        Date of the data extract (the last day whose proofs the data hold).
    follow_up_months : int, default 12
        Length of the follow-up period in calendar months.
    waiting_months : int, default 6
        Length of the waiting period in calendar months.

    Returns
    -------
    pandas.Series of bool
        Same index as ``cohort_start``; True where ``proven_by <= extract_date``.
    """
    extract_day = np.datetime64(pd.Timestamp(extract_date).date(), "D")
    start = _as_days(cohort_start)
    proven_by = add_months(start, follow_up_months + waiting_months) - _DAY
    return pd.Series(proven_by <= extract_day, index=cohort_start.index, name="eligible")


def counted_reoffences(
    people: pd.DataFrame,
    offences: pd.DataFrame,
    follow_up_months: int = 12,
    waiting_months: int = 6,
) -> pd.DataFrame:
    """Return the offences that count as proven reoffences.

    Parameters
    ----------
    people : pandas.DataFrame
        People table with ``person_id``, ``cohort_start`` and optionally ``exit_date``.
    offences : pandas.DataFrame
        Offences table with ``person_id``, ``offence_date``, ``proven_date`` and
        ``offence_type``.
    follow_up_months : int, default 12
        Length of the follow-up period in calendar months.
    waiting_months : int, default 6
        Length of the waiting period in calendar months.

    Returns
    -------
    pandas.DataFrame
        The rows of ``offences`` (all columns, original order and index) committed within the
        person's follow-up period (and not after a competing exit) and proven by the end of the
        waiting period.
    """
    counted, _, _ = _counted_mask(people, offences, follow_up_months, waiting_months)
    return offences.loc[counted]


def derive_measures(
    people: pd.DataFrame,
    offences: pd.DataFrame,
    follow_up_months: int = 12,
    waiting_months: int = 6,
) -> pd.DataFrame:
    """Derive the per-person proven-reoffending measures and time to first reoffence.

    Parameters
    ----------
    people : pandas.DataFrame
        People table with ``person_id``, ``cohort_start`` and optionally ``exit_date`` and
        ``exit_reason``.
    offences : pandas.DataFrame
        Offences table with ``person_id``, ``offence_date`` and ``proven_date``. May be empty.
    follow_up_months : int, default 12
        Length of the follow-up period in calendar months.
    waiting_months : int, default 6
        Length of the waiting period in calendar months.

    Returns
    -------
    pandas.DataFrame
        One row per person, in the order and with the index of ``people``, with columns
        ``person_id``, ``follow_up_end`` (datetime64), ``reoffended`` (0/1, binary measure),
        ``reoffences`` (count, frequency measure), ``time_days`` (days at risk including the
        day of the event), ``event`` (1 if ``time_days`` ends at a proven reoffence),
        ``competing_event`` (1 if follow-up ended at an exit date with no earlier proven
        reoffence) and, when ``people`` has it, ``exit_reason`` as given.
    """
    counted, position, window = _counted_mask(people, offences, follow_up_months, waiting_months)
    start = window["start"]
    n = len(people)

    pos = position[counted]
    reoffences = np.bincount(pos, minlength=n)
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, pos, _as_days(offences["offence_date"])[counted].astype(np.int64))
    event = reoffences > 0
    first_day = np.where(event, first, 0).astype("datetime64[D]")

    follow_up_end = window["anniversary"] - _DAY
    exit_in = ~np.isnat(window["exit"])
    competing = exit_in & ~event
    end = np.where(event, first_day, np.where(competing, window["exit"], follow_up_end))
    time_days = (end - start) // _DAY + 1

    out = pd.DataFrame(
        {
            "person_id": people["person_id"].to_numpy(),
            "follow_up_end": _to_timestamps(follow_up_end),
            "reoffended": event.astype(np.int64),
            "reoffences": reoffences.astype(np.int64),
            "time_days": time_days.astype(np.int64),
            "event": event.astype(np.int64),
            "competing_event": competing.astype(np.int64),
        },
        index=people.index,
    )
    if "exit_reason" in people.columns:
        out["exit_reason"] = people["exit_reason"].to_numpy()
    return out


def reoffences_by_type(
    people: pd.DataFrame,
    offences: pd.DataFrame,
    follow_up_months: int = 12,
    waiting_months: int = 6,
    by: list[str] | None = None,
) -> pd.DataFrame:
    """Count proven reoffences by offence type, optionally within groups of people.

    Parameters
    ----------
    people : pandas.DataFrame
        People table with ``person_id``, ``cohort_start``, optionally ``exit_date`` and the
        columns named in ``by``.
    offences : pandas.DataFrame
        Offences table with ``person_id``, ``offence_date``, ``proven_date`` and
        ``offence_type``.
    follow_up_months : int, default 12
        Length of the follow-up period in calendar months.
    waiting_months : int, default 6
        Length of the waiting period in calendar months.
    by : list of str, optional
        Columns of ``people`` to break the counts down by (for example ``["sex"]``).

    Returns
    -------
    pandas.DataFrame
        Tidy counts with the ``by`` columns, ``offence_type`` and ``reoffences``, one row per
        combination that has at least one proven reoffence, sorted by the grouping columns.
        Missing group values form their own group.
    """
    by = list(by or [])
    counted, position, _ = _counted_mask(people, offences, follow_up_months, waiting_months)
    table = people[by].iloc[position[counted]].reset_index(drop=True)
    table["offence_type"] = offences["offence_type"].to_numpy()[counted]
    keys = [*by, "offence_type"]
    counts = table.groupby(keys, dropna=False, sort=True, observed=True).size()
    return counts.rename("reoffences").reset_index()


def reoffending_rates(measures: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Summarise the binary and frequency measures, overall or by group.

    Parameters
    ----------
    measures : pandas.DataFrame
        Output of :func:`derive_measures`, merged with any people columns used in ``by``.
        Restrict it to eligible people first (see :func:`is_eligible`).
    by : list of str, optional
        Columns to group by. If omitted, a single row with ``group = "All"`` is returned.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns (or ``group``), ``offenders`` (people in the group),
        ``reoffenders`` (people with at least one proven reoffence), ``reoffences`` (proven
        reoffences), ``binary_rate_pct`` (reoffenders / offenders * 100),
        ``frequency_per_offender`` (reoffences / offenders) and ``frequency_per_reoffender``
        (reoffences / reoffenders, NaN when a group has no reoffenders).
    """
    if by:
        grouped = measures.groupby(list(by), dropna=False, sort=True, observed=True)
        table = pd.DataFrame(
            {
                "offenders": grouped.size(),
                "reoffenders": grouped["reoffended"].sum(),
                "reoffences": grouped["reoffences"].sum(),
            }
        ).reset_index()
    else:
        table = pd.DataFrame(
            {
                "group": ["All"],
                "offenders": [len(measures)],
                "reoffenders": [int(measures["reoffended"].sum())],
                "reoffences": [int(measures["reoffences"].sum())],
            }
        )
    table = table.astype({"offenders": "int64", "reoffenders": "int64", "reoffences": "int64"})
    offenders = table["offenders"].where(table["offenders"] > 0)
    reoffenders = table["reoffenders"].where(table["reoffenders"] > 0)
    table["binary_rate_pct"] = table["reoffenders"] / offenders * 100
    table["frequency_per_offender"] = table["reoffences"] / offenders
    table["frequency_per_reoffender"] = table["reoffences"] / reoffenders
    return table
