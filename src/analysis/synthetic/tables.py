"""People and offences tables of the SYNTHETIC cohort, from the generated arrays.

Dates as datetime64, flags as nullable Int64 missing where they do not apply, identifiers
``SYN0000001`` onwards, columns in :data:`PEOPLE_COLUMNS` and :data:`OFFENCE_COLUMNS` order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.synthetic.constants import (
    INTERVENTIONS,
    NEED_KEYS,
    OFFENCE_TYPES,
    PEOPLE_COLUMNS,
    START_TYPES,
    Arrays,
)
from analysis.synthetic.numeric import _add_months


def _dates(days: np.ndarray) -> pd.Series:
    """Return epoch days (float with inf/nan for missing) as a datetime64 Series.

    Parameters
    ----------
    days : numpy.ndarray
        Epoch days; non-finite values become NaT.

    Returns
    -------
    pandas.Series
        datetime64[ns] values.
    """
    values = np.asarray(days, dtype=float)
    finite = np.isfinite(values)
    out = np.full(values.size, np.datetime64("NaT"), dtype="datetime64[D]")
    out[finite] = values[finite].astype(np.int64).astype("datetime64[D]")
    return pd.Series(out.astype("datetime64[ns]"))


def _flag(values: np.ndarray, applies: np.ndarray | None = None) -> pd.Series:
    """Return a nullable 0/1 flag, missing where it does not apply.

    Parameters
    ----------
    values : numpy.ndarray of bool
        Flag values.
    applies : numpy.ndarray of bool, optional
        Where the flag applies (elsewhere it is missing).

    Returns
    -------
    pandas.Series
        Int64 values 0/1 or <NA>.
    """
    out = pd.Series(np.asarray(values).astype(np.int64), dtype="Int64")
    if applies is not None:
        out = out.mask(~pd.Series(np.asarray(applies, dtype=bool)))
    return out


#: The synthetic person identifier of a number (1: ``SYN0000001``).
PERSON_ID = "SYN{:07d}"


def _person_ids(n: int) -> np.ndarray:
    """Return identifiers ``SYN0000001`` ... in order.

    Parameters
    ----------
    n : int
        Number of people.

    Returns
    -------
    numpy.ndarray of object
        Identifiers.
    """
    return np.array([PERSON_ID.format(i) for i in range(1, n + 1)], dtype=object)


def _people_table(ids: np.ndarray, base: Arrays, needs: Arrays, priors: Arrays,
                  interventions: Arrays, status: Arrays, extract: int) -> pd.DataFrame:
    """Assemble the people table in PEOPLE_COLUMNS order.

    Parameters
    ----------
    ids : numpy.ndarray of object
        Person identifiers.
    base, needs, priors, interventions, status : dict of numpy.ndarray
        Generated arrays (``status`` holds ``employment_day``, ``settled_day``,
        ``housed_night``, ``exit_day``, ``exit_reason``, ``assessed``, ``treatment_need``,
        ``engaged``, ``index_offence``).
    extract : int
        Extract date (epoch days): later status dates are not yet known and left blank.

    Returns
    -------
    pandas.DataFrame
        The people table.
    """
    start = base["start"]
    adult_custody = (base["start_type"] == 0) & ~base["child"]
    limit = np.minimum(status["exit_day"], extract - start)
    emp = np.where(status["employment_day"] <= limit, status["employment_day"], np.inf)
    settled = np.where(status["settled_day"] <= limit, status["settled_day"], np.inf)
    six_weeks, six_months = 42, _add_months(start, 6) - start
    three_months = _add_months(start, 3) - start
    cols: dict[str, pd.Series | np.ndarray] = {
        "person_id": ids,
        "cohort_start": _dates(start),
        "cohort_start_type": np.array(START_TYPES, dtype=object)[base["start_type"]],
        "sex": np.where(base["female"], "female", "male").astype(object),
        "date_of_birth": _dates(base["birth"]),
        "age": base["age"],
        "area": np.where(base["bcp"], "BCP", "Dorset").astype(object),
        "index_offence": np.array(OFFENCE_TYPES, dtype=object)[status["index_offence"]],
        "prior_offences": priors["prior"],
        "prior_offences_12m": priors["prior_12m"],
        "needs_assessed": _flag(status["assessed"]),
    }
    for key in NEED_KEYS:
        cols[f"need_{key}"] = _flag(needs[key], status["assessed"])
    for name in INTERVENTIONS:
        flag = interventions[name]
        cols[name] = _flag(flag)
        day_col = "iom_start_date" if name == "iom" else f"{name}_date"
        cols[day_col] = _dates(np.where(flag, start + interventions[f"{name}_delay"], np.nan))
    need = status["treatment_need"]
    cols.update({
        "employed_6w": _flag(emp <= six_weeks, adult_custody),
        "employed_6m": _flag(emp <= six_months, adult_custody),
        "housed_release_night": _flag(status["housed_night"], adult_custody),
        "settled_accommodation_3m": _flag(settled <= three_months, adult_custody),
        "substance_treatment_need": _flag(need, adult_custody),
        "engaged_treatment": _flag(status["engaged"], adult_custody & need),
        "employment_date": _dates(start + emp),
        "settled_accommodation_date": _dates(start + settled),
        "exit_date": _dates(start + status["exit_day"]),
        "exit_reason": status["exit_reason"],
    })
    frame = {c: v if isinstance(v, pd.Series) else pd.Series(v) for c, v in cols.items()}
    return pd.DataFrame(frame)[list(PEOPLE_COLUMNS)]


def _offences_table(ids: np.ndarray, rows: Arrays, types: np.ndarray,
                    attempt: np.ndarray) -> pd.DataFrame:
    """Assemble the offences table in OFFENCE_COLUMNS order.

    Parameters
    ----------
    ids : numpy.ndarray of object
        Person identifiers.
    rows : dict of numpy.ndarray
        From :func:`_offence_rows`.
    types, attempt : numpy.ndarray of int
        Offence type indices and attempt flags.

    Returns
    -------
    pandas.DataFrame
        The offences table sorted by person, offence date, proven date, offence type (by
        name) and attempt.
    """
    alphabetical = np.argsort(np.argsort(np.array(OFFENCE_TYPES)))[types]
    order = np.lexsort((attempt, alphabetical, rows["proven_day"], rows["offence_day"], rows["person"]))
    return pd.DataFrame({
        "person_id": ids[rows["person"][order]],
        "offence_date": _dates(rows["offence_day"][order]),
        "proven_date": _dates(rows["proven_day"][order]),
        "offence_type": np.array(OFFENCE_TYPES, dtype=object)[types[order]],
        "attempt": attempt[order],
    })
