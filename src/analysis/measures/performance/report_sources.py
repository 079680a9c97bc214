"""The published tables the performance report quotes, and the cells they withhold.

Each indicator of the report (:mod:`analysis.measures.performance.report`) repeats values of a
table the run publishes on its own: the custody rate per 1,000 of the custody table, the IOM
reoffending rate of the IOM table, and so on. A value that table withholds (its count, or a
count it comes from, is suppressed, or a rolling window holds a suppressed quarter) must be
withheld by the report too, wherever it is printed: :func:`withheld` marks those cells, and
:func:`with_secondary` adds the cell that keeps a set of quarters from giving one back by
subtraction. :func:`pinned_count_totals` withholds a count's "All cohorts" total that would pin
its hidden quarters.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from analysis.disclosure import is_withheld, pinned_totals, secondary_around, set_floors
from analysis.measures.performance.frame import ADULT, ALL, ALL_AREAS, CHILD
from analysis.measures.performance.indicators import PanDorset
from analysis.measures.performance.iom import IomIndicators
from analysis.measures.performance.moj import QuarterlyReoffending
from analysis.measures.performance.youth_justice import YouthJustice

__all__ = ["Source", "CountSource", "report_sources", "withheld", "with_secondary",
           "count_sources", "count_marks", "pinned_count_totals"]

#: One indicator's published rows (with a ``quarter`` column) and the column of its value.
Source = tuple[str, pd.DataFrame, str]


def _pan_dorset(measures: PanDorset) -> list[Source]:
    both = pd.concat([measures.by_quarter_published, measures.published], ignore_index=True)
    return [(key, both[both["measure"] == key], "value_pct") for key in both["measure"].unique()]


def _reoffending(reoffending: QuarterlyReoffending) -> list[Source]:
    if not reoffending.by_group:
        return []
    pub = reoffending.published
    child, adult = pub[pub["cohort_group"] == CHILD], pub[pub["cohort_group"] == ADULT]
    return [("child_frequency", child, "frequency_per_reoffender"),
            ("adult_frequency", adult, "frequency_per_reoffender"),
            ("adult_reoffending", adult, "binary_rate_pct")]


def _youth(youth: YouthJustice) -> list[Source]:
    fte = youth.fte_published[youth.fte_published["area"] == ALL_AREAS]
    custody = youth.custody_published[youth.custody_published["area"] == ALL_AREAS]
    return [("fte_count", fte, "fte_quarter"), ("fte_rate", fte, "rate_per_100000"),
            ("custody_rate", custody, "rate_per_1000")]


#: One indicator's published rows and, for each count column of the report, the table's
#: column that holds the same count.
CountSource = tuple[str, pd.DataFrame, dict[str, str]]
#: The report's count columns whose marks follow their tables'.
MARKED = ("numerator", "denominator")


def count_sources(measures: PanDorset | None = None,
                  reoffending: QuarterlyReoffending | None = None,
                  youth: YouthJustice | None = None,
                  iom: IomIndicators | None = None) -> list[CountSource]:
    """The published counts each indicator's ``numerator`` and ``denominator`` are: the six
    measures' counts, the reoffenders and offenders of the quarterly cohorts and of the IOM
    cohorts, and the rolling indicators' "All areas" counts."""
    out: list[CountSource] = []
    if measures is not None:
        both = pd.concat([measures.by_quarter_published, measures.published], ignore_index=True)
        out += [(key, both[both["measure"] == key], {c: c for c in MARKED})
                for key in both["measure"].unique()]
    if reoffending is not None and reoffending.by_group:
        pub = reoffending.published
        child, adult = pub[pub["cohort_group"] == CHILD], pub[pub["cohort_group"] == ADULT]
        per_reoffender = {c: "reoffenders" for c in MARKED}
        out += [("child_frequency", child, per_reoffender),
                ("adult_frequency", adult, per_reoffender),
                ("adult_reoffending", adult,
                 {"numerator": "reoffenders", "denominator": "offenders"})]
    if youth is not None:
        fte = youth.fte_published[youth.fte_published["area"] == ALL_AREAS]
        custody = youth.custody_published[youth.custody_published["area"] == ALL_AREAS]
        out += [("fte_count", fte, {"numerator": "fte_quarter"}),
                ("fte_rate", fte, {"numerator": "fte_12m"}),
                ("custody_rate", custody, {"numerator": "custody_12m"})]
    rates = iom.published.get("iom_reoffending") if iom is not None else None
    if rates is not None:
        people = {"numerator": "reoffenders", "denominator": "offenders"}
        out += [("iom_reoffending", rates[rates["cohort"] == "IOM cohort"], people),
                ("iom_custody_reoffending", rates[rates["cohort"] != "IOM cohort"], people)]
    return out


def count_marks(long: pd.DataFrame, sources: Iterable[CountSource]) -> pd.DataFrame:
    """The mark (``"<5"`` or ``"suppressed"``) of the published count each of a report row's
    ``numerator`` and ``denominator`` is, where that table withholds it; ``""`` elsewhere. The
    report prints the same mark, so it says no more about the count than its table does (a
    ``"<5"`` beside a total its table shows may pin the people not in the count).

    Returns
    -------
    DataFrame
        ``numerator`` and ``denominator`` marks, aligned with ``long``.
    """
    out = pd.DataFrame("", index=long.index, columns=list(MARKED), dtype=object)
    for key, table, columns in sources:
        rows = long["indicator"].eq(key)
        for col, count in columns.items():
            marks = {q: str(v) for q, v, h in zip(table["quarter"].astype(str), table[count],
                                                 is_withheld(table[count]), strict=True) if h}
            out.loc[rows, col] = [marks.get(q, "") for q in long.loc[rows, "quarter"].astype(str)]
    return out


def _iom(iom: IomIndicators) -> list[Source]:
    out: list[Source] = []
    rates = iom.published.get("iom_reoffending")
    if rates is not None:
        out += [("iom_reoffending", rates[rates["cohort"] == "IOM cohort"], "binary_rate_pct"),
                ("iom_custody_reoffending", rates[rates["cohort"] != "IOM cohort"],
                 "binary_rate_pct")]
    for key, name, value in (("iom_crime_change", "iom_detected_crime_change", "change_pct"),
                             ("iom_time_to_reoffence", "iom_time_to_reoffence", "median_days")):
        if iom.published.get(name) is not None:
            out.append((key, iom.published[name], value))
    return out


def report_sources(measures: PanDorset, reoffending: QuarterlyReoffending,
                   youth: YouthJustice | None = None,
                   iom: IomIndicators | None = None) -> list[Source]:
    """The published table behind each indicator the report takes from one.

    Parameters
    ----------
    measures, reoffending, youth, iom
        The sections' results, as given to :func:`~analysis.measures.performance.report.performance_report`
        (``youth`` only where its rates are reported).

    Returns
    -------
    list of (indicator key, published rows, value column)
    """
    out = _pan_dorset(measures) + _reoffending(reoffending)
    if youth is not None:
        out += _youth(youth)
    if iom is not None:
        out += _iom(iom)
    return out


def withheld(long: pd.DataFrame, sources: Iterable[Source]) -> pd.Series:
    """True where a cell of the report's long table is withheld by the table it quotes.

    Parameters
    ----------
    long : DataFrame
        :func:`~analysis.measures.performance.report.report_long` (``indicator``, ``quarter``).
    sources : iterable of Source
        :func:`report_sources`.

    Returns
    -------
    Series of bool
        Aligned with ``long``.
    """
    out = pd.Series(False, index=long.index)
    for key, table, value in sources:
        hidden = {q: bool(h) for q, h in zip(table["quarter"].astype(str),
                                             is_withheld(table[value]), strict=True)}
        rows = long["indicator"].eq(key)
        out.loc[rows] = [hidden.get(q, False) for q in long.loc[rows, "quarter"].astype(str)]
    return out


def with_secondary(long: pd.DataFrame, hidden: pd.Series, sets: pd.Series,
                   min_cell: int = 5) -> pd.Series:
    """``hidden`` with one more cell in each set of ``sets`` that has exactly one hidden cell.

    The quarters of an indicator add up to its "All cohorts" figure: a lone hidden quarter
    would be the total minus the others (:func:`analysis.disclosure.secondary_around`).
    """
    numerator = pd.to_numeric(long["numerator"], errors="coerce").fillna(0)
    return secondary_around(numerator, hidden, min_cell, sets) | hidden


def pinned_count_totals(long: pd.DataFrame, youth: YouthJustice | None,
                        min_cell: int = 5) -> pd.Series:
    """True on the "All cohorts" number of first-time entrants where it would pin its quarters.

    The report adds up the quarters of all areas to a total the first-time entrants' table does
    not publish. Each hidden quarter is at least what its own mark and its areas' marks say
    (:func:`analysis.disclosure.set_floors`: two ``"<5"`` areas make it 2 or more); where the
    total would pin them (every one at its floor, or every one 4) it is withheld
    (:func:`analysis.disclosure.pinned_totals`).

    Parameters
    ----------
    long : DataFrame
        :func:`~analysis.measures.performance.report.report_long`.
    youth : YouthJustice or None
        First-time entrants (None: nothing is withheld).
    min_cell : int
        Smallest count shown.

    Returns
    -------
    Series of bool
        Aligned with ``long``.
    """
    out = pd.Series(False, index=long.index)
    if youth is None:
        return out
    table = youth.fte_published
    floors = set_floors(table["fte_quarter"], table["quarter"].astype(str),
                        table["area"].eq(ALL_AREAS), min_cell)
    all_areas = table["area"].eq(ALL_AREAS)
    by_quarter = dict(zip(table.loc[all_areas, "quarter"].astype(str),
                          zip(table.loc[all_areas, "fte_quarter"], floors[all_areas], strict=True),
                          strict=True))
    rows = long.index[long["indicator"].eq("fte_count")]
    if not len(rows):
        return out
    quarter = long.loc[rows, "quarter"].astype(str)
    exact = pd.to_numeric(long.loc[rows, "numerator"], errors="coerce")
    marks = pd.Series([exact[r] if q == ALL else by_quarter.get(q, (exact[r], 0.0))[0]
                       for r, q in quarter.items()], index=rows, dtype=object)
    least = pd.Series([0.0 if q == ALL else by_quarter.get(q, (0, 0.0))[1]
                       for q in quarter], index=rows)
    out[rows] = pinned_totals(exact, marks, least, pd.Series("", index=rows), quarter.eq(ALL),
                              min_cell)
    return out
