"""The disclosure roles of the published tables whose column names do not say them.

Most tables' ledgers (:mod:`analysis.disclosure.ledger`) follow from their column names and the
rule they were suppressed by. The tables below need more: the performance report, whose long
table holds every indicator in one ``value`` column with the counts it comes from, each row
the same quantity as a cell of the table of that indicator (a custody rate per 1,000 is the
``rate_per_1000`` of the custody table's "All areas" row); the report's layout, whose cells are
the long table's values; the six measures by quarter, whose sums of counts the long table
carries with their "All cohorts" totals as cells; the IOM time to reoffence, whose counts are those of the IOM
custody leavers; Table 1, whose ``value`` is a percentage on ``n (%)`` rows and a mean on the
others; and the case studies, whose counts are those a published strategy gives for named
case studies (public figures, not counts of the cohort).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from analysis.disclosure.ledger import (
    Declared,
    GroupTotal,
    Link,
    Role,
    RowRoles,
    RowTotal,
    infer_ledger,
)

__all__ = ["declared"]

_ALL_AREAS = (("area", "All areas"),)
_ADULT, _CHILD = "Adult (18+)", "Child (10-17)"
_IOM, _IOM_CUSTODY = "IOM cohort", "IOM, released from custody"
#: Indicators of the long report and the cells they are: (indicator, table, rows of the
#: table, {long column: table column}).
_SOURCES: tuple[tuple[str, str, tuple[tuple[str, str], ...], dict[str, str]], ...] = (
    ("custody_rate", "custody_rate", _ALL_AREAS,
     {"numerator": "custody_12m", "value": "rate_per_1000"}),
    ("fte_rate", "first_time_entrants", _ALL_AREAS,
     {"numerator": "fte_12m", "value": "rate_per_100000"}),
    ("fte_count", "first_time_entrants", _ALL_AREAS, {"numerator": "fte_quarter"}),
    ("iom_reoffending", "iom_reoffending", (("cohort", _IOM),),
     {"numerator": "reoffenders", "denominator": "offenders", "value": "binary_rate_pct"}),
    ("iom_custody_reoffending", "iom_reoffending", (("cohort", _IOM_CUSTODY),),
     {"numerator": "reoffenders", "denominator": "offenders", "value": "binary_rate_pct"}),
    ("iom_crime_change", "iom_detected_crime_change", (),
     {"numerator": "after", "denominator": "before", "value": "change_pct"}),
    ("iom_time_to_reoffence", "iom_time_to_reoffence", (),
     {"numerator": "reoffenders", "denominator": "reoffenders", "value": "median_days"}),
    ("adult_reoffending", "moj_reoffending_by_quarter", (("cohort_group", _ADULT),),
     {"numerator": "reoffenders", "denominator": "offenders", "value": "binary_rate_pct"}),
    ("adult_frequency", "moj_reoffending_by_quarter", (("cohort_group", _ADULT),),
     {"numerator": "reoffenders", "denominator": "reoffenders",
      "value": "frequency_per_reoffender"}),
    ("child_frequency", "moj_reoffending_by_quarter", (("cohort_group", _CHILD),),
     {"numerator": "reoffenders", "denominator": "reoffenders",
      "value": "frequency_per_reoffender"}),
)
_MEASURE_TABLES = ("pan_dorset_measures_by_quarter", "pan_dorset_measures")


def _report_long(prefix: str, df: pd.DataFrame) -> Declared:
    links = [Link(col, f"{prefix}__{table}", source, (("quarter", "quarter"),),
                  (("indicator", key),), rows)
             for key, table, rows, columns in _SOURCES for col, source in columns.items()]
    links += [Link(col, f"{prefix}__{table}", col if col != "value" else "value_pct",
                   (("indicator", "measure"), ("quarter", "quarter")))
              for table in _MEASURE_TABLES for col in ("numerator", "denominator", "value")]
    # a count indicator's value is its numerator
    links.append(Link("value", f"{prefix}__performance_report_long", "numerator",
                      (("indicator", "indicator"), ("quarter", "quarter")), (("unit", "count"),)))
    row_roles = (
        RowRoles((("unit", "pct"),), (("value", Role("rate", "numerator", "denominator", 100.0)),)),
        RowRoles((("unit", "count"),), (("value", Role("count")),)),
    )
    derived = Role("derived", sources=("numerator", "denominator"))
    # The quarters of an indicator add up to its "All cohorts" row; a percentage's numerator is
    # part of its denominator (a change in offences or a ratio's counts are not).
    relations = (GroupTotal(("numerator", "denominator"), ("indicator",), "quarter", "All cohorts"),
                 RowTotal(("numerator",), "denominator", rest=True, where=(("unit", "pct"),)))
    return Declared(roles={"value": derived, "ci_low": derived, "ci_high": derived,
                           "target": Role("other")},
                    keys=("indicator", "quarter"), relations=relations, links=tuple(links),
                    row_roles=row_roles, infer_relations=False)


def _measures_by_quarter(prefix: str, df: pd.DataFrame) -> Declared:
    # The quarters of a measure add up to its "All cohorts" row of pan_dorset_measures. For the
    # numerator and denominator the report's long table carries that sum with the total as a
    # cell (linked to both tables), so a total withheld there is not taken as known here; the
    # people and the not recorded add up to a total taken as known (the rule's safe side).
    # Survival-form data have no quarters: the table is empty and holds no sum.
    if df.empty:
        return Declared(infer_relations=False)
    return Declared(relations=(GroupTotal(("people", "not_recorded"), ("measure",)),
                               RowTotal(("numerator",), "denominator", rest=True)),
                    infer_relations=False)


def _report_layout(prefix: str, df: pd.DataFrame) -> Declared:
    quarters = [c for c in df.columns
                if c not in ("Indicator", "Target", "Status (all cohorts)", "Notes")]
    links = tuple(Link(q, f"{prefix}__performance_report_long", "value", (("Indicator", "label"),),
                       (), (("quarter", q),)) for q in quarters)
    return Declared(roles={q: Role("derived") for q in quarters}, keys=("Indicator",), links=links)


def _iom_time(prefix: str, df: pd.DataFrame) -> Declared:
    rows = (("cohort", _IOM_CUSTODY),)
    table = f"{prefix}__iom_reoffending"
    return Declared(links=(Link("released", table, "offenders", (("quarter", "quarter"),), (), rows),
                           Link("reoffenders", table, "reoffenders", (("quarter", "quarter"),), (),
                                rows)))


def _table_one(prefix: str, df: pd.DataFrame) -> Declared:
    groups = sorted(c[len("value_"):] for c in df.columns if c.startswith("value_"))
    shares = tuple((f"value_{g}", Role("rate", f"count_{g}", f"n_{g}", 100.0)) for g in groups)
    return Declared(roles={f"value_{g}": Role("derived", sources=(f"n_{g}",)) for g in groups},
                    keys=("variable", "level", "statistic"),
                    row_roles=(RowRoles((("statistic", "n (%)"),), shares),))


def _public(prefix: str, df: pd.DataFrame) -> Declared:
    counts = infer_ledger(prefix, df).roles
    return Declared(roles={c: Role("public") for c, r in counts.items() if r.kind == "count"})


_DECLARED: dict[str, Callable[[str, pd.DataFrame], Declared]] = {
    "performance_report_long": _report_long,
    "performance_report": _report_layout,
    "pan_dorset_measures_by_quarter": _measures_by_quarter,
    "iom_time_to_reoffence": _iom_time,
    "table_one": _table_one,
    "case_studies": _public,
    "case_study_outcomes": _public,
    "case_study_evidence": _public,
}


def declared(table: str, df: pd.DataFrame) -> Declared | None:
    """What the maker of ``table`` (``<notebook>__<name>``) declares about its cells, if anything."""
    prefix, _, name = table.partition("__")
    make = _DECLARED.get(name)
    return make(prefix, df) if make is not None else None
