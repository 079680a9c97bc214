"""The performance report as shown and recorded: notes, coloured table, headline numbers.

Builds the text that goes round the measures of :mod:`analysis.measures.performance`: the
published comparators quoted in the report's notes (:func:`report_notes`), the report as a
table coloured by status (:func:`report_style`, :func:`report_html`), the sentence saying what
the data cannot give (:func:`availability_text`), numbers formatted for sentences
(:func:`show`), the headline numbers of ``results.json`` (:func:`headline_results`), and the
writing of a section's tables and figures (:func:`save_tables`, :func:`save_figures`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML

from analysis.disclosure import SUPPRESSED
from analysis.measures.performance import (
    ALL,
    PAN_DORSET_MEASURES,
    REPORT_INDICATORS,
    FairComparison,
    IomIndicators,
    NeedsProfile,
    PanDorset,
    QuarterlyReoffending,
    YouthJustice,
    publish,
)
from analysis.presentation.outputs import RunOutput

__all__ = [
    "show",
    "availability_text",
    "report_context",
    "report_notes",
    "report_style",
    "report_html",
    "headline_results",
    "save_tables",
    "save_figures",
]


def availability_text(table: pd.DataFrame) -> str:
    """One Markdown sentence per part that cannot be computed (empty if all can)."""
    missing = table[~table["available"]]
    if missing.empty:
        return "Every part of this notebook can be computed from these data."
    lines = [f"- **{r.part}**: not computed; {r.reason}." for r in missing.itertuples()]
    return "These data do not allow every measure:\n\n" + "\n".join(lines)


def report_context(figures: pd.DataFrame) -> dict[str, str]:
    """Published comparators for the notes of the performance report, from the seed figures.

    Parameters
    ----------
    figures : DataFrame
        :func:`analysis.data.reference.seed_figures`.

    Returns
    -------
    dict
        Indicator key to a sentence quoting the published figures it can be read against.
    """
    v = figures.set_index("figure")["value"]

    def g(key: str) -> str:
        return f"{v[key]:g}"

    return {
        "children_reoffending": f"Published: pan-Dorset {g('child_binary_reoffending_pan_dorset_2021')}% "
                                f"and England & Wales {g('child_binary_reoffending_england_wales_2021')}% "
                                "(2021).",
        "child_frequency": f"Published (2021): pan-Dorset {g('child_further_offences_per_reoffender_pan_dorset_2021')}, "
                           f"England & Wales {g('child_further_offences_per_reoffender_england_wales_2021')}.",
        "fte_rate": f"Published pan-Dorset (per 100,000 under 18s): {g('child_fte_rate_per_100k_2020')} "
                    f"(year to Sep 2020), {g('child_fte_rate_per_100k_2022')} (2022), "
                    f"{g('child_fte_rate_per_100k_2023')} (2023). The bundled population is SYNTHETIC.",
        "custody_rate": "The bundled population is SYNTHETIC.",
        "iom_reoffending": f"Durham IOM (cautioned & convicted): {g('durham_iom_reoffending_2013_14')}% "
                           f"in 2013/14, {g('durham_iom_reoffending_avg')}% average.",
        "iom_crime_change": f"Durham IOM: {g('durham_iom_detected_crime_change_2013_14')}% in 2013/14, "
                            f"{g('durham_iom_detected_crime_change_avg')}% average 2010/11-2013/14.",
        "engaged_treatment": f"Published continuity of care: Dorset {g('continuity_of_care_dorset')}%, "
                             f"BCP {g('continuity_of_care_bcp')}%, national {g('continuity_of_care_national')}%.",
        "all_reoffending": f"National {g('proven_reoffending_overall_national')}% (Jan-Mar 2022).",
        "adult_reoffending": f"National {g('proven_reoffending_adults_national')}% (Jan-Mar 2022).",
    }


def report_style(report: pd.DataFrame, long: pd.DataFrame) -> pd.io.formats.style.Styler:
    """The performance report as a formatted table: cells coloured by their own status.

    Parameters
    ----------
    report : DataFrame
        Output of :func:`report_layout`.
    long : DataFrame
        The :func:`report_long` table it was made from (for each cell's status).

    Returns
    -------
    pandas Styler
        Green, amber and red backgrounds for rated cells of the six measures (suppressed and
        not-rated cells are left white), notes left-aligned and wrapped, no index.
    """
    colours = {"Green": "#c8e6c9", "Amber": "#ffe0b2", "Red": "#ffcdd2"}
    label_key = {i.label: i.key for i in REPORT_INDICATORS}
    status = {(r.indicator, r.quarter): r.status for r in long.itertuples()}
    styles = pd.DataFrame("", index=report.index, columns=report.columns)
    for i, row in report.iterrows():
        key = label_key[row["Indicator"]]
        for col in report.columns:
            quarter = ALL if col == "Status (all cohorts)" else col
            s = status.get((key, quarter), "")
            shown = str(row[col])
            if col == "Status (all cohorts)" and shown != s:
                continue  # the layout withheld the status of a suppressed value
            if s in colours and shown not in (SUPPRESSED, "n/a") and not shown.startswith("<"):
                styles.loc[i, col] = f"background-color: {colours[s]}"
    return (report.style.set_uuid("performance_report").apply(lambda _: styles, axis=None)
            .hide(axis="index")
            .set_properties(subset=["Notes"], **{"text-align": "left", "white-space": "normal",
                                                 "min-width": "320px", "font-size": "85%"})
            .set_properties(subset=["Indicator"], **{"text-align": "left", "min-width": "260px"}))


def report_html(report: pd.DataFrame, long: pd.DataFrame) -> HTML:
    """:func:`report_style` as an HTML display object, for showing in a notebook.

    A Styler shown in a notebook also stores a plain-text form that holds its memory address,
    which changes on every execution; the HTML object's plain-text form does not.

    Parameters
    ----------
    report : DataFrame
        Output of :func:`report_layout`.
    long : DataFrame
        The :func:`report_long` table it was made from.

    Returns
    -------
    IPython.display.HTML
    """
    return HTML(report_style(report, long).to_html())


def show(value: object, fmt: str = "{:.1f}") -> str:
    """Format a number for a sentence; suppression markers (text) pass through, blanks read n/a."""
    if isinstance(value, str):
        return value
    if value is None or pd.isna(value):
        return "n/a"
    return fmt.format(value)


def report_notes(figures: pd.DataFrame, available: pd.DataFrame) -> dict[str, str]:
    """Notes of the performance report: published comparators, and why a measure is missing.

    Parameters
    ----------
    figures : DataFrame
        :func:`analysis.data.reference.seed_figures`.
    available : DataFrame
        :func:`analysis.measures.performance.availability`.

    Returns
    -------
    dict
        :func:`report_context`; when the data cannot give the adult custody-leaver measures,
        each of them says why instead.
    """
    context = report_context(figures)
    missing = available[~available["available"]].set_index("key")["reason"]
    if "adult_measures" in missing:
        for m in PAN_DORSET_MEASURES:
            if m.adult_custody:
                context[m.key] = f"Not computable here: {missing['adult_measures']}."
    return context


def save_tables(out: RunOutput, tables: Mapping[str, pd.DataFrame]) -> None:
    """Write each table of ``tables`` (name to table) to the run's output folder."""
    for name, table in tables.items():
        out.table(name, table)


def save_figures(out: RunOutput, figures: Mapping[str, plt.Figure | None]) -> None:
    """Save and show each figure of ``figures`` (name to figure); None means nothing to draw."""
    for name, fig in figures.items():
        if fig is not None:
            out.figure(name, fig)


def headline_results(
    frame: pd.DataFrame,
    form: str,
    rag_rule: str,
    available: pd.DataFrame,
    measures: PanDorset,
    reoffending: QuarterlyReoffending,
    youth: YouthJustice | None = None,
    iom: IomIndicators | None = None,
    fair: FairComparison | None = None,
    needs: NeedsProfile | None = None,
) -> dict[str, Any]:
    """The headline numbers of the performance measures, read from the published tables.

    A value the small-count rule withholds is recorded as its text (``"suppressed"``,
    ``"<5"``), so ``results.json`` never shows what a table does not.

    Parameters
    ----------
    frame : DataFrame
        The performance frame.
    form : str
        Input form of the data.
    rag_rule : str
        Status rule used.
    available : DataFrame
        :func:`analysis.measures.performance.availability`.
    measures, reoffending, youth, iom, fair, needs
        The sections' results (None where the data do not give them).

    Returns
    -------
    dict
        Keyword arguments for :meth:`analysis.presentation.outputs.RunOutput.record`.
    """
    reoffending_all = reoffending.published[reoffending.published["quarter"] == ALL]
    latest_fte = youth.latest_fte() if youth is not None else None
    iom_pub = iom.published.get("iom_reoffending") if iom is not None else None
    change_pub = iom.published.get("iom_detected_crime_change") if iom is not None else None
    crude = fair.crude_plot() if fair is not None else None
    std = (publish(fair.standardised, ["people", "observed"], ["ratio"], fair.min_cell)
           if fair is not None and fair.standardised is not None else None)
    return {
        "people": len(frame),
        "form": form,
        "measures": {r.measure: {"value_pct": r.value_pct, "ci_pct": [r.ci_low_pct, r.ci_high_pct],
                                 "target": r.target_text, "status": r.status, "denominator": r.denominator}
                     for r in measures.shown_published.itertuples()},
        "trends": measures.trends.set_index("measure")["trend"].to_dict(),
        "rag_rule": rag_rule,
        "reoffending_all_cohorts": {getattr(r, "cohort_group", "All"): r.binary_rate_pct
                                    for r in reoffending_all.itertuples()},
        "fte_rate_per_100000_latest": (latest_fte["rate_per_100000"].iloc[0]
                                       if latest_fte is not None and len(latest_fte) else None),
        "iom_reoffending_pct": (iom_pub.loc[iom_pub["quarter"] == ALL, "binary_rate_pct"].iloc[0]
                                if iom_pub is not None else None),
        "iom_detected_crime_change_pct": (change_pub["change_pct"].iloc[-1]
                                          if change_pub is not None else None),
        "funnel_positions": crude.set_index("unit")["position"].to_dict() if crude is not None else None,
        "standardised_ratio": std.set_index("unit")["ratio"].to_dict() if std is not None else None,
        "mean_needs_adults": (needs.per_person["mean"]
                              if needs is not None and needs.enough_assessed else None),
        "unavailable": available.loc[~available["available"], "part"].tolist(),
    }
