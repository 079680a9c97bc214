"""The performance frame: one row per person, their reporting quarter, group and measures.

Every person belongs to the quarter of their ``cohort_start`` (:func:`quarter_table`; financial
or calendar quarters). :func:`performance_frame` adds the quarter, the cohort group (adult or
child), custody release, and the proven-reoffending measures of the people whose follow-up and
waiting period have ended by the extract date for the whole of their quarter (``eligible``);
:func:`run_frame` gives the frame a run works on, for either input form.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.checks import age_at
from analysis.measures.reoffending import derive_measures, is_eligible
from analysis.measures.reoffending_sql import derive_measures_sql
from analysis.params import RunParams

__all__ = ["ADULT", "CHILD", "ALL", "quarter_table", "quarter_key", "performance_frame", "run_frame"]

#: Cohort-group labels, as in :mod:`analysis.measures.cohort`.
ADULT, CHILD = "Adult (18+)", "Child (10-17)"
#: Label of the row or column that covers every quarter.
ALL = "All cohorts"
#: The row of a by-area table that adds up its areas.
ALL_AREAS = "All areas"


def quarter_table(dates: pd.Series, year_start_month: int = 4) -> pd.DataFrame:
    """Reporting quarter of each date.

    Parameters
    ----------
    dates : Series of datetime64
        E.g. ``cohort_start``.
    year_start_month : int, default 4
        First month of the reporting year: 4 for the UK financial year (April), 1 for calendar
        years.

    Returns
    -------
    DataFrame
        Same index as ``dates``: ``quarter`` (ordered categorical label, e.g. ``"2022/23 Q1"``
        or ``"2022 Q1"``, with one category for every quarter from the first to the last date),
        ``quarter_start`` and ``quarter_end`` (first and last day, datetime64).
    """
    if not 1 <= year_start_month <= 12:
        raise ValueError("year_start_month must be 1 to 12")
    d = pd.to_datetime(dates)
    months = d.dt.year * 12 + d.dt.month - 1  # months since year 0, NaN for NaT
    offset = year_start_month - 1
    index = np.floor((months - offset) / 3)  # quarter number counted from year 0
    start_months = index * 3 + offset

    def label(k: float) -> str:
        m0 = int(k) * 3 + offset
        fy = (m0 - offset) // 12
        q = ((m0 - offset) % 12) // 3 + 1
        return f"{fy} Q{q}" if year_start_month == 1 else f"{fy}/{(fy + 1) % 100:02d} Q{q}"

    valid = index.dropna()
    ks = np.arange(valid.min(), valid.max() + 1) if len(valid) else np.array([])
    categories = [label(k) for k in ks]
    labels = pd.Categorical([label(k) if pd.notna(k) else None for k in index],
                            categories=categories, ordered=True)

    def first_day(m: pd.Series) -> pd.Series:
        year = (m // 12).astype("Int64")
        month = (m % 12 + 1).astype("Int64")
        return pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}),
                              errors="coerce")

    qs = first_day(start_months)
    qe = first_day(start_months + 3) - pd.Timedelta(days=1)
    return pd.DataFrame({"quarter": labels, "quarter_start": qs.to_numpy(),
                         "quarter_end": qe.to_numpy()}, index=dates.index)


def performance_frame(
    people: pd.DataFrame,
    offences: pd.DataFrame | None,
    extract_date: pd.Timestamp | str,
    follow_up_months: int = 12,
    waiting_months: int = 6,
    year_start_month: int = 4,
    custody_start_type: str = "custody_release",
    iom_flag: str | None = None,
    measures: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per person with what the performance measures need (records form).

    Parameters
    ----------
    people : DataFrame
        The validated people table (role names; see :mod:`analysis.contract`).
    offences : DataFrame or None
        The validated offences table (None: no one has a proven reoffence).
    extract_date : Timestamp or str
        Date of the data extract.
    follow_up_months, waiting_months : int
        Ministry of Justice follow-up and waiting periods.
    year_start_month : int
        First month of the reporting year (see :func:`quarter_table`).
    custody_start_type : str
        Value of ``cohort_start_type`` meaning release from custody.
    iom_flag : str, optional
        The 0/1 column of the Integrated Offender Management intervention.
    measures : DataFrame, optional
        The per-person measures of the people eligible by the extract date, as
        :func:`analysis.measures.reoffending_sql.derive_measures_sql` gives them when the
        offences are not held in memory; ``offences`` is then not used.

    Returns
    -------
    DataFrame
        The people columns plus ``age`` (derived from the date of birth where blank),
        ``cohort_group`` (``"Adult (18+)"`` or ``"Child (10-17)"``), ``quarter``,
        ``quarter_start``, ``quarter_end``, ``custody`` (bool), ``eligible`` (bool: follow-up
        and waiting period ended by the extract date for the person *and* for the last day of
        their quarter, so that only whole quarterly cohorts are measured), ``reoffended``, ``reoffences``,
        ``time_days`` (as :func:`analysis.measures.reoffending.derive_measures`; blank when not
        eligible) and ``iom`` (0/1, when ``iom_flag`` is given).
    """
    f = people.copy()
    if "age" not in f or f["age"].isna().any():
        if "date_of_birth" in f:
            derived = age_at(f["cohort_start"], f["date_of_birth"]).astype(float)
            f["age"] = f["age"].fillna(derived) if "age" in f else derived
    age = f["age"].astype(float) if "age" in f else pd.Series(np.nan, index=f.index)
    f["cohort_group"] = pd.Series(np.where(age < 18, CHILD, ADULT), index=f.index).where(age.notna())
    f = f.join(quarter_table(f["cohort_start"], year_start_month))
    start_type = f["cohort_start_type"] if "cohort_start_type" in f else pd.Series(pd.NA, index=f.index)
    f["custody"] = start_type.eq(custody_start_type).fillna(False).astype(bool)
    # A quarterly cohort is measured once all of it can be: the quarter's last day must be
    # eligible too (otherwise the first days of a quarter would be reported as the quarter).
    eligible = (is_eligible(f["cohort_start"], extract_date, follow_up_months, waiting_months)
                & is_eligible(f["quarter_end"], extract_date, follow_up_months, waiting_months))
    if measures is not None:
        m = f[["person_id"]].merge(measures, on="person_id", how="left").set_index(f.index)
    elif offences is None:
        offences = pd.DataFrame({"person_id": pd.Series(dtype=object),
                                 "offence_date": pd.Series(dtype="datetime64[ns]"),
                                 "proven_date": pd.Series(dtype="datetime64[ns]")})
    if measures is None:
        m = derive_measures(f, offences, follow_up_months, waiting_months)
    f["eligible"] = eligible.to_numpy()
    for col in ("reoffended", "reoffences", "time_days"):
        f[col] = m[col].astype(float).where(f["eligible"])
    if iom_flag is not None and iom_flag in f:
        f["iom"] = f[iom_flag].astype(float)
    return f


def quarter_key(label: str) -> tuple[int, int]:
    """Sort key of a quarter label (``"2022/23 Q1"`` or ``"2022 Q1"``)."""
    year, q = label.split(" Q")
    return int(year.split("/")[0]), int(q)


def run_frame(
    params: RunParams,
    people: pd.DataFrame | None,
    offences: pd.DataFrame | None,
    cohort_frame: pd.DataFrame,
    iom_flag: str | None = None,
) -> pd.DataFrame:
    """The frame the performance measures of a run work on.

    Parameters
    ----------
    params : RunParams
        The run's parameters (form, extract date, follow-up and waiting period, reporting year,
        custody start type).
    people, offences : DataFrame or None
        The validated people and offences tables (records form). Offences read in chunks by
        the DuckDB engine are not held (None): the measures are then computed from the files
        (:func:`analysis.measures.reoffending_sql.derive_measures_sql`).
    cohort_frame : DataFrame
        The analysis cohort's frame (:func:`analysis.measures.cohort.build_cohort`).
    iom_flag : str, optional
        The 0/1 column of the IOM intervention.

    Returns
    -------
    DataFrame
        Records form: :func:`performance_frame` with the run's settings. Survival form: the
        cohort frame as it is (only the measures its columns allow are computed).
    """
    if params.data.form != "records":
        return cohort_frame
    m, perf = params.measures, params.performance
    measures = derive_measures_sql(params) if offences is None and people is not None else None
    return performance_frame(people, offences, params.data.extract_date, m.follow_up_months,
                             m.waiting_months, perf.year_start_month, perf.custody_start_type,
                             iom_flag, measures)
