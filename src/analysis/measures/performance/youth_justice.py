"""Youth justice measures: first-time entrants and the custody rate, per population aged 10-17.

Neither is held directly in the records form, so both are defined from what it has (see
``docs/performance_measures.md`` for how they differ from the official measures): a
first-time entrant is a child with no previous proven offence, counted in the quarter of cohort
start; custody is a child whose cohort start is a release from custody. Rates are over the 12
months to each quarter's end, per the population aged 10-17 read by :func:`read_population`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.disclosure import is_shown
from analysis.errors import DataError, Problem
from analysis.measures.performance.frame import ALL_AREAS, CHILD
from analysis.measures.performance.published import published_rolling

__all__ = [
    "POPULATION_COLUMNS",
    "read_population",
    "first_time_entrants",
    "custody_rate",
    "YouthJustice",
    "youth_justice",
]


#: Required columns of a population table.
POPULATION_COLUMNS = ("area", "year", "population_10_17")


def read_population(path: Path | str) -> pd.DataFrame:
    """Read and check a table of population aged 10-17 by area and year.

    Parameters
    ----------
    path : Path or str
        CSV with columns ``area``, ``year`` (calendar year of the mid-year estimate) and
        ``population_10_17``; other columns (source, notes) are kept.

    Returns
    -------
    DataFrame
        The table, ``year`` and ``population_10_17`` as integers.

    Raises
    ------
    DataError
        When a column is missing, a value is not a positive whole number, or an (area, year)
        pair appears twice; the message names the file, column, rule and rows (never values).
    """
    path = Path(path)
    name = path.name
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataError([Problem(name, None, f"cannot be read as CSV ({exc.__class__.__name__})")]) from None
    problems: list[Problem] = []
    for col in POPULATION_COLUMNS:
        if col not in table:
            problems.append(Problem(name, col, "required column is missing from the file"))
    if problems:
        raise DataError(problems)
    rows = np.arange(1, len(table) + 1)
    blank = table["area"].str.strip().eq("")
    if blank.any():
        problems.append(Problem(name, "area", "required value is missing (blank)", tuple(rows[blank])))
    for col, low in (("year", 1900), ("population_10_17", 1)):
        num = pd.to_numeric(table[col].str.strip(), errors="coerce")
        bad = num.isna() | (num % 1 != 0) | (num < low)
        if bad.any():
            problems.append(Problem(name, col, f"not a whole number of at least {low}", tuple(rows[bad])))
    if problems:
        raise DataError(problems)
    table["area"] = table["area"].str.strip()
    table["year"] = table["year"].astype(float).astype(int)
    table["population_10_17"] = table["population_10_17"].astype(float).astype(int)
    dup = table.duplicated(["area", "year"], keep=False)
    if dup.any():
        raise DataError([Problem(name, "area, year", "an area and year appear more than once",
                                 tuple(rows[dup]))])
    return table


def _rolling_rate(
    frame: pd.DataFrame,
    counted: pd.Series,
    population: pd.DataFrame | None,
    per: int,
    name: str,
) -> pd.DataFrame:
    """Counts per quarter and per rolling 12 months, by area and for all areas, per population."""
    quarters = list(frame["quarter"].cat.categories)
    first_start = frame["quarter_start"].min()
    areas = sorted(frame["area"].dropna().unique().tolist()) if "area" in frame else []
    units = [(a, frame["area"].eq(a)) for a in areas] + [(ALL_AREAS, pd.Series(True, index=frame.index))]
    rows = []
    for area, in_area in units:
        per_quarter = (frame.loc[counted & in_area, "quarter"].value_counts()
                       .reindex(quarters, fill_value=0))
        for i, q in enumerate(quarters):
            end = first_start + pd.DateOffset(months=3 * (i + 1)) - pd.Timedelta(days=1)
            complete = i >= 3
            rows.append({"area": area, "quarter": q, "quarter_end": end,
                         f"{name}_quarter": int(per_quarter.iloc[i]),
                         f"{name}_12m": int(per_quarter.iloc[i - 3:i + 1].sum()) if complete else np.nan,
                         "window_complete": complete, "population_year": int(end.year)})
    out = pd.DataFrame(rows)
    pop = None
    if population is not None:
        pop = population.groupby(["area", "year"])["population_10_17"].sum()
        total = population.groupby("year")["population_10_17"].sum()
        covered = set(areas) <= set(population["area"])

        def lookup(area: str, year: int) -> float:
            if area == ALL_AREAS:
                return float(total.get(year, np.nan)) if covered else np.nan
            return float(pop.get((area, year), np.nan))

        out["population_10_17"] = [lookup(a, y) for a, y in zip(out["area"], out["population_year"], strict=True)]
    else:
        out["population_10_17"] = np.nan
    out[f"rate_per_{per}"] = out[f"{name}_12m"] / out["population_10_17"] * per
    return out


def first_time_entrants(frame: pd.DataFrame, population: pd.DataFrame | None) -> pd.DataFrame:
    """First-time entrants (FTE) to the youth justice system, per 100,000 aged 10-17.

    Definition from the records form: a child (10-17 at cohort start) with ``prior_offences``
    equal to 0, counted in the quarter of ``cohort_start``. The rate is the count over the 12
    months ending with the quarter, per 100,000 of the population aged 10-17 of the area in the
    calendar year in which the quarter ends. See ``docs/performance_measures.md`` for how this
    differs from the official measure.

    Parameters
    ----------
    frame : DataFrame
        A performance frame (every person, eligible or not).
    population : DataFrame or None
        Output of :func:`read_population`; without it only counts are given.

    Returns
    -------
    DataFrame
        ``area`` (each area, then ``"All areas"``), ``quarter``, ``quarter_end``,
        ``fte_quarter``, ``fte_12m`` (blank for the first three quarters of the data),
        ``window_complete``, ``population_year``, ``population_10_17``, ``rate_per_100000``.
        The number of children with a blank ``prior_offences`` is in ``attrs["unknown"]``.
    """
    child = frame["cohort_group"].eq(CHILD).fillna(False).astype(bool)
    prior = frame["prior_offences"] if "prior_offences" in frame else pd.Series(pd.NA, index=frame.index)
    counted = child & prior.eq(0).fillna(False).astype(bool)
    out = _rolling_rate(frame, counted, population, 100_000, "fte")
    out.attrs["unknown"] = int((child & prior.isna()).sum())
    return out


def custody_rate(frame: pd.DataFrame, population: pd.DataFrame | None) -> pd.DataFrame:
    """Children released from custody per 1,000 population aged 10-17.

    Definition from the records form: a child (10-17 at cohort start) whose ``cohort_start_type``
    is the custody release type, counted in the quarter of release; the rate is the count over
    the 12 months ending with the quarter per 1,000 of the area's population aged 10-17 (the
    official measure counts custodial sentences, not releases; see
    ``docs/performance_measures.md``).

    Returns
    -------
    DataFrame
        As :func:`first_time_entrants` with ``custody_quarter``, ``custody_12m`` and
        ``rate_per_1000``.
    """
    child = frame["cohort_group"].eq(CHILD).fillna(False).astype(bool)
    return _rolling_rate(frame, child & frame["custody"], population, 1_000, "custody")


@dataclass(frozen=True)
class YouthJustice:
    """First-time entrants and the custody rate of a run, exact and as published.

    Attributes
    ----------
    fte, custody : DataFrame
        :func:`first_time_entrants` and :func:`custody_rate`.
    fte_published, custody_published : DataFrame
        The same under the small-count rule (:func:`~analysis.measures.performance.published.published_rolling`).
    population_given : bool
        Whether a population table was given (else only counts, no rates).
    """

    fte: pd.DataFrame
    custody: pd.DataFrame
    fte_published: pd.DataFrame
    custody_published: pd.DataFrame
    population_given: bool

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables to publish, by name."""
        return {"first_time_entrants": self.fte_published, "custody_rate": self.custody_published}

    def fte_shown(self) -> pd.DataFrame:
        """Rows of ``fte`` whose rate is published."""
        return self.fte[is_shown(self.fte_published["rate_per_100000"])]

    def latest_fte(self) -> pd.DataFrame:
        """The latest complete 12-month window of all areas whose rate is published (0 or 1 row)."""
        shown = self.fte_shown()
        return shown[(shown["area"] == ALL_AREAS) & shown["window_complete"]].tail(1)


def youth_justice(frame: pd.DataFrame, population: pd.DataFrame | None, min_cell: int = 5) -> YouthJustice:
    """First-time entrants and the custody rate, and their published forms.

    Parameters
    ----------
    frame : DataFrame
        A performance frame (records form, with ``prior_offences``).
    population : DataFrame or None
        :func:`read_population`; without it only counts are given.
    min_cell : int
        Smallest count shown.

    Returns
    -------
    YouthJustice
    """
    fte = first_time_entrants(frame, population)
    custody = custody_rate(frame, population)
    return YouthJustice(fte, custody, published_rolling(fte, "fte", ["rate_per_100000"], min_cell,
                                                         total_published=True),
                        published_rolling(custody, "custody", ["rate_per_1000"], min_cell),
                        population is not None)
