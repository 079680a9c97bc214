"""The performance report, laid out like Appendix 4 of the Safe Durham strategy.

One row per indicator of :data:`REPORT_INDICATORS` (the six Pan-Dorset measures, then the
indicators of the Safe Durham framework), one column per quarter: :func:`report_long` gathers
every indicator by quarter in one tidy table of exact values, and :func:`report_layout` lays it
out as text cells under the small-count rule. :func:`performance_report` does both for a run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from analysis.disclosure import (
    SUPPRESSED,
    is_small,
    is_withheld,
    policy,
    round_counts,
    suppress_where,
    suppression_mask,
)
from analysis.measures.performance.frame import ADULT, ALL, ALL_AREAS, CHILD, quarter_key
from analysis.measures.performance.indicators import NOT_RATED, PanDorset
from analysis.measures.performance.iom import IomIndicators
from analysis.measures.performance.moj import QuarterlyReoffending
from analysis.measures.performance.published import publish
from analysis.measures.performance.report_sources import (
    MARKED,
    count_marks,
    count_sources,
    pinned_count_totals,
    report_sources,
    with_secondary,
    withheld,
)
from analysis.measures.performance.targets import PAN_DORSET_MEASURES
from analysis.measures.performance.youth_justice import YouthJustice
from analysis.measures.proportions import wilson

__all__ = [
    "Indicator",
    "REPORT_INDICATORS",
    "report_long",
    "report_layout",
    "Report",
    "performance_report",
]


@dataclass(frozen=True)
class Indicator:
    """One row of the performance report."""

    key: str
    label: str
    unit: Literal["pct", "count", "per_100000", "per_1000", "ratio", "days", "change_pct"]
    note: str


#: Rows of the performance report in order: the six Pan-Dorset measures, then the indicators of
#: the Safe Durham Appendix 4 framework. Notes say how each is defined from the records form.
REPORT_INDICATORS: tuple[Indicator, ...] = (
    *(Indicator(m.key, f"{m.label} (%)", "pct",
                f"{m.population}; known once {m.window_text} has passed; blank flags left out."
                if m.adult_custody else
                "Binary measure (MoJ); quarter = cohort start; only cohorts whose 12-month "
                "follow-up and 6-month waiting period have ended.")
      for m in PAN_DORSET_MEASURES),
    Indicator("fte_count", "Number of first-time entrants to the youth justice system "
              "(local measure)", "count",
              "Children with no previous proven offence entering the cohort in the quarter "
              "(proxy for PNC first reprimand, warning, caution or conviction)."),
    Indicator("fte_rate", "Rate of first-time entrants per 100,000 10-17 population "
              "(national measure)", "per_100000",
              "12 months to the quarter's end; population from the performance.population table."),
    Indicator("child_frequency", "Number of offences per young re-offender (frequency measure)",
              "ratio", "Proven reoffences per reoffending child; same cohorts as the binary measure."),
    Indicator("custody_rate", "Custody rate per 1,000 10-17 population", "per_1000",
              "Children released from custody in the 12 months to the quarter's end (official "
              "measure counts custodial sentences)."),
    Indicator("iom_reoffending", "Proportion of IOM offenders re-offending (%)", "pct",
              "Proven reoffending (MoJ binary) of the IOM cohort; Durham counted cautions and "
              "convictions."),
    Indicator("iom_crime_change", "Percentage change in detected crimes for offenders in the IOM "
              "cohort (12 months after vs before)", "change_pct",
              "Proven offences in the 12 months from cohort start vs prior_offences_12m; "
              "negative = reduction. Not an effect estimate (selection on recent offending)."),
    Indicator("iom_custody_reoffending", "Proportion of IOM offenders re-offending after prison "
              "release (%)", "pct", "IOM cohort released from custody; MoJ binary measure."),
    Indicator("all_reoffending", "Proportion of all offenders (adults & juveniles) re-offending "
              "in a 12-month period (%)", "pct", "MoJ binary measure, whole eligible cohort."),
    Indicator("adult_reoffending", "Proportion of adults re-offending in a 12-month period (%)",
              "pct", "MoJ binary measure, adults (18+)."),
    Indicator("adult_frequency", "Number of offences per adult re-offender (frequency measure)",
              "ratio", "Proven reoffences per reoffending adult."),
    Indicator("iom_time_to_reoffence", "Time lapsed from custody release to re-offending for the "
              "IOM cohort (median days)", "days",
              "Among IOM custody leavers who reoffended: days from release to the first proven "
              "reoffence."),
    Indicator("iom_drr_change", "Change in offending (detected crimes) for offenders in the IOM "
              "cohort during Drug Rehabilitation Requirements for Class A drugs", "change_pct",
              "Not computable: the records form holds no DRR dates."),
    Indicator("iom_supervision_reoffending", "Proportion of IOM offenders re-offending under "
              "statutory supervision (%)", "pct",
              "Not computable: the records form holds no supervision periods."),
)


def _rows(indicator: str, table: pd.DataFrame, value: str, numerator: str | None,
          denominator: str | None, quarter: str = "quarter", target: float | None = None,
          target_text: str = "", status: str | None = None) -> list[dict]:
    out = []
    for r in table.to_dict("records"):
        out.append({
            "indicator": indicator, "quarter": str(r[quarter]), "value": r[value],
            "numerator": r[numerator] if numerator else np.nan,
            "denominator": r[denominator] if denominator else np.nan,
            "ci_low": r.get("ci_low_pct", r.get("binary_ci_low_pct", np.nan)),
            "ci_high": r.get("ci_high_pct", r.get("binary_ci_high_pct", np.nan)),
            "target": target, "target_text": target_text,
            "status": r[status] if status else "",
        })
    return out


def report_long(
    measures_overall: pd.DataFrame,
    measures_by_quarter: pd.DataFrame,
    reoffending: pd.DataFrame | None = None,
    fte: pd.DataFrame | None = None,
    custody: pd.DataFrame | None = None,
    iom: pd.DataFrame | None = None,
    iom_change: pd.DataFrame | None = None,
    iom_time: pd.DataFrame | None = None,
    context: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Every indicator of the report by quarter, in one tidy table (exact values).

    Parameters
    ----------
    measures_overall, measures_by_quarter : DataFrame
        :func:`pan_dorset_measures` overall and by quarter.
    reoffending : DataFrame, optional
        :func:`reoffending_by_quarter` by ``cohort_group`` (adults and children).
    fte, custody : DataFrame, optional
        :func:`first_time_entrants` and :func:`custody_rate` (the ``"All areas"`` rows are used).
    iom, iom_change, iom_time : DataFrame, optional
        :func:`iom_reoffending`, :func:`iom_detected_crime_change`, :func:`iom_time_to_reoffence`.
    context : dict, optional
        Extra text per indicator key appended to its notes (e.g. published comparators).

    Returns
    -------
    DataFrame
        ``indicator`` (key), ``label``, ``unit``, ``quarter`` (a quarter label or
        ``"All cohorts"``), ``value``, ``numerator``, ``denominator`` (the counts the value
        is computed from, for the small-count rule), ``ci_low``, ``ci_high``, ``target``,
        ``target_text``, ``status`` and ``notes``.
    """
    rows: list[dict] = []
    for m in PAN_DORSET_MEASURES:
        for t in (measures_by_quarter, measures_overall):
            sub = t[t["measure"] == m.key]
            if sub["note"].ne("").all() and len(sub):
                continue
            rows += _rows(m.key, sub, "value_pct", "numerator", "denominator",
                          target=float(sub["target_pct"].iloc[0]) if len(sub) else None,
                          target_text=sub["target_text"].iloc[0] if len(sub) else "",
                          status="status")
    if reoffending is not None and "cohort_group" in reoffending:
        child = reoffending[reoffending["cohort_group"] == CHILD]
        adult = reoffending[reoffending["cohort_group"] == ADULT]
        if child["reoffences"].notna().any():
            rows += _rows("child_frequency", child, "frequency_per_reoffender", "reoffenders", "reoffenders")
            rows += _rows("adult_frequency", adult, "frequency_per_reoffender", "reoffenders", "reoffenders")
        rows += _rows("adult_reoffending", adult, "binary_rate_pct", "reoffenders", "offenders")
    if reoffending is not None:
        total = reoffending.groupby("quarter", sort=False)[["offenders", "reoffenders"]].sum().reset_index()
        ci = wilson(total["reoffenders"], total["offenders"])
        total["binary_rate_pct"] = ci["value_pct"].to_numpy()
        total["ci_low_pct"], total["ci_high_pct"] = ci["ci_low_pct"].to_numpy(), ci["ci_high_pct"].to_numpy()
        rows += _rows("all_reoffending", total, "binary_rate_pct", "reoffenders", "offenders")
    for key, table, value, count in (("fte", fte, "rate_per_100000", "fte"),
                                     ("custody_rate", custody, "rate_per_1000", "custody")):
        if table is None:
            continue
        t = table[table["area"] == ALL_AREAS]
        if key == "fte":
            total = pd.DataFrame({"quarter": [ALL], "fte_quarter": [t["fte_quarter"].sum()]})
            rows += _rows("fte_count", pd.concat([t, total], ignore_index=True), "fte_quarter",
                          "fte_quarter", None)
            key = "fte_rate"
        rows += _rows(key, t[t["window_complete"]], value, f"{count}_12m", None)
    if iom is not None:
        rows += _rows("iom_reoffending", iom[iom["cohort"] == "IOM cohort"], "binary_rate_pct",
                      "reoffenders", "offenders")
        rows += _rows("iom_custody_reoffending", iom[iom["cohort"] != "IOM cohort"],
                      "binary_rate_pct", "reoffenders", "offenders")
    if iom_change is not None:
        # its offences after and before are not a part and its whole: the change's own table
        # publishes them (iom_detected_crime_change), the report only the change
        rows += _rows("iom_crime_change", iom_change, "change_pct", None, None)
    if iom_time is not None:
        rows += _rows("iom_time_to_reoffence", iom_time, "median_days", "reoffenders", "reoffenders")
    out = pd.DataFrame(rows, columns=["indicator", "quarter", "value", "numerator", "denominator",
                                      "ci_low", "ci_high", "target", "target_text", "status"])
    meta = {i.key: i for i in REPORT_INDICATORS}
    context = context or {}
    out.insert(1, "label", out["indicator"].map(lambda k: meta[k].label))
    out.insert(2, "unit", out["indicator"].map(lambda k: meta[k].unit))
    out["notes"] = out["indicator"].map(lambda k: " ".join(filter(None, [meta[k].note, context.get(k, "")])))
    return out


#: Columns of :attr:`Report.long` with the marks its tables give each count column.
_MARK_COLUMNS = tuple(f"{col}_mark" for col in MARKED)

_FORMATS = {"pct": "{:.1f}%", "count": "{:,.0f}", "per_100000": "{:.0f}", "per_1000": "{:.2f}",
            "ratio": "{:.2f}", "days": "{:.0f}", "change_pct": "{:+.0f}%"}


def _suppress_report(long: pd.DataFrame, min_cell: int) -> pd.Series:
    """True where a cell's value must be suppressed: small counts, with secondary suppression,
    and the values the published table it quotes withholds (column ``withheld``).

    The quarters of an indicator add up to its "All cohorts" figure, so secondary suppression is
    applied across each indicator's quarters (see :mod:`analysis.disclosure`).
    """
    mask = pd.Series(False, index=long.index)
    numerator = pd.to_numeric(long["numerator"], errors="coerce")
    denominator = pd.to_numeric(long["denominator"], errors="coerce")
    sets = long["indicator"] + "|" + long["quarter"].eq(ALL).map({True: "all", False: "q"})
    # the people of the denominator not in the numerator follow by subtraction: a cell too
    for counts in (numerator, denominator, denominator - numerator):
        mask |= suppression_mask(counts.fillna(0), min_cell, sets, secondary=True)
    if "withheld" in long and long["withheld"].any():
        mask = with_secondary(long, mask | long["withheld"].astype(bool), sets, min_cell)
    return mask


def report_layout(
    long: pd.DataFrame,
    min_cell: int = 5,
    quarters: int | None = None,
) -> pd.DataFrame:
    """The performance report laid out like Appendix 4 of the Safe Durham strategy.

    Parameters
    ----------
    long : DataFrame
        Output of :func:`report_long`.
    min_cell : int
        Smallest count shown; values computed from smaller counts read ``"suppressed"`` and
        counts read ``"<5"``.
    quarters : int, optional
        Show only the most recent quarters (all if None).

    Returns
    -------
    DataFrame
        One row per indicator of :data:`REPORT_INDICATORS` (those not computable say so):
        ``Indicator``, ``All cohorts``, one column per quarter (oldest first; ``"n/a"`` where
        the quarter is not yet measurable or has no one), ``Target``, ``Status (all cohorts)``
        and ``Notes``. Cells are formatted text.
    """
    suppressed = _suppress_report(long, min_cell)
    labels = [q for q in long["quarter"].unique() if q != ALL]
    order = sorted(labels, key=quarter_key)
    if quarters is not None:
        order = order[-quarters:]

    def cell(r: pd.Series, hidden: bool) -> str:
        if hidden:  # a count hidden only to protect another is not said to be small
            small = r["unit"] == "count" and bool(is_small(pd.Series([r["value"]]), min_cell).iloc[0])
            return f"<{min_cell}" if small else SUPPRESSED
        if pd.isna(r["value"]):
            return "n/a"
        if r["unit"] == "count":  # a count shown is rounded as the policy says
            return _FORMATS["count"].format(round_counts(pd.Series([r["value"]]), policy().rounding)[0])
        return _FORMATS[r["unit"]].format(r["value"])

    text = pd.Series([cell(r, s) for (_, r), s in zip(long.iterrows(), suppressed, strict=True)],
                     index=long.index)
    rows = []
    for ind in REPORT_INDICATORS:
        sub = long[long["indicator"] == ind.key]
        cells = dict(zip(sub["quarter"], text[sub.index], strict=True))
        overall = sub[sub["quarter"] == ALL]
        row = {"Indicator": ind.label, ALL: cells.get(ALL, "n/a")}
        row.update({q: cells.get(q, "n/a") for q in order})
        row["Target"] = overall["target_text"].iloc[0] if len(overall) and overall["target_text"].iloc[0] else ""
        # A status read from a suppressed value is not shown either.
        row["Status (all cohorts)"] = ("" if not len(overall)
                                       else NOT_RATED if suppressed[overall.index[0]]
                                       and overall["status"].iloc[0]
                                       else overall["status"].iloc[0])
        row["Notes"] = sub["notes"].iloc[0] if len(sub) else ind.note
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Report:
    """The performance report of a run.

    Attributes
    ----------
    long : DataFrame
        :func:`report_long` (exact values), with ``withheld``: True where the published table
        the value is quoted from withholds it, and ``numerator_mark``, ``denominator_mark``: the
        marks that table gives the counts (:mod:`.report_sources`).
    layout : DataFrame
        :func:`report_layout` (text cells, small counts suppressed).
    min_cell : int
        Smallest count shown.
    """

    long: pd.DataFrame
    layout: pd.DataFrame
    min_cell: int

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables to publish, by name: the layout, and the long table under the small-count
        rule, withholding what the tables it quotes withhold."""
        exact = self.long.drop(columns=["withheld", *_MARK_COLUMNS], errors="ignore")
        long = publish(exact, ["numerator", "denominator"], ["value", "ci_low", "ci_high"],
                       self.min_cell, sets=["indicator"], complements={"numerator": "denominator"})
        if "withheld" in self.long and self.long["withheld"].any():
            before = is_withheld(long["value"]) | is_withheld(long["numerator"])
            hidden = with_secondary(exact, before | self.long["withheld"].astype(bool),
                                    exact["indicator"], self.min_cell)
            long = suppress_where(long, ["value", "ci_low", "ci_high", "numerator", "denominator"],
                                  hidden & ~before)
        for col, mark in zip(MARKED, _MARK_COLUMNS, strict=True):
            # a count its table marks "suppressed" is not bounded here by a "<5"
            if mark in self.long:
                marked = self.long[mark].eq(SUPPRESSED) & is_withheld(long[col])
                long[col] = long[col].where(~marked, SUPPRESSED)
        # a status beside a hidden value would tell on which side of the target it lies
        rated = long["status"].fillna("").ne("")
        long["status"] = long["status"].where(~(rated & is_withheld(long["value"])), NOT_RATED)
        return {"performance_report": self.layout, "performance_report_long": long}


def performance_report(
    measures: PanDorset,
    reoffending: QuarterlyReoffending,
    youth: YouthJustice | None = None,
    iom: IomIndicators | None = None,
    context: dict[str, str] | None = None,
    min_cell: int = 5,
    quarters: int | None = None,
) -> Report:
    """The performance report of a run from its indicators.

    Parameters
    ----------
    measures : PanDorset
        The six measures (:func:`~analysis.measures.performance.indicators.pan_dorset`).
    reoffending : QuarterlyReoffending
        :func:`~analysis.measures.performance.moj.quarterly_reoffending` (used when split into
        adults and children).
    youth : YouthJustice, optional
        First-time entrants and custody (used when a population was given).
    iom : IomIndicators, optional
        The IOM indicators.
    context : dict, optional
        Extra text per indicator key for its notes.
    min_cell : int
        Smallest count shown.
    quarters : int, optional
        Show only the most recent quarters (all if None).

    Returns
    -------
    Report
    """
    rates = youth if youth is not None and youth.population_given else None
    long = report_long(
        measures.overall, measures.by_quarter,
        reoffending=reoffending.table if reoffending.by_group else None,
        fte=rates.fte if rates is not None else None,
        custody=rates.custody if rates is not None else None,
        iom=iom.rates if iom else None, iom_change=iom.change if iom else None,
        iom_time=iom.time if iom else None, context=context)
    long["withheld"] = (withheld(long, report_sources(measures, reoffending, rates, iom))
                        | pinned_count_totals(long, rates, min_cell))
    marks = count_marks(long, count_sources(measures, reoffending, rates, iom))
    for col, mark in zip(MARKED, _MARK_COLUMNS, strict=True):
        long[mark] = marks[col]
    return Report(long, report_layout(long, min_cell, quarters), min_cell)
