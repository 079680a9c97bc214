"""What each section of the performance measures shows: tables on screen, sentences, figures.

For each section of notebook ``05_performance_measures`` (the Pan-Dorset measures, the
reoffending measures by quarter, youth justice, IOM, the fair comparison, the needs profile):

* ``*_view(s)``: the tables shown on screen, rounded and under the small-count rule;
* ``*_lines``: the sentences a checked cell prints (numbers read from the published tables);
* ``*_figure(s)``: the figures of :mod:`analysis.presentation.performance_plots` drawn from the
  rows whose values are published, or None where nothing can be shown.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown

from analysis.data import reference
from analysis.measures.performance import (
    ALL,
    COMPARISON_DERIVED,
    MEASURE_COMPLEMENTS,
    MEASURE_COUNTS,
    MEASURE_DERIVED,
    NEEDS_COUNTS,
    FairComparison,
    IomIndicators,
    NeedsProfile,
    PanDorset,
    QuarterlyReoffending,
    YouthJustice,
    publish,
)
from analysis.presentation import performance_plots as pp
from analysis.presentation.performance_report import show

__all__ = [
    "pan_dorset_view",
    "pan_dorset_figure",
    "pan_dorset_trend_figure",
    "trends_view",
    "measure_lines",
    "trend_lines",
    "reoffending_figure",
    "reoffending_lines",
    "youth_views",
    "fte_figure",
    "fte_lines",
    "iom_views",
    "iom_lines",
    "fair_comparison_views",
    "funnel_plot",
    "fair_comparison_lines",
    "needs_view",
    "needs_figures",
    "needs_lines",
]

# ----------------------------------------------------------------------------------------------
# The six Pan-Dorset measures
# ----------------------------------------------------------------------------------------------


def pan_dorset_view(measures: PanDorset) -> pd.DataFrame:
    """The measures these data give, rounded to one decimal, under the small-count rule."""
    table = measures.shown.drop(columns=["note", "direction"]).round(1)
    return publish(table, list(MEASURE_COUNTS), MEASURE_DERIVED, measures.min_cell,
                   complements=MEASURE_COMPLEMENTS)


def pan_dorset_figure(measures: PanDorset) -> plt.Figure | None:
    """Estimates, intervals and targets of the published measures (None: none to show)."""
    plotted = measures.plotted()
    return pp.performance_summary_figure(plotted) if len(plotted) else None


def pan_dorset_trend_figure(measures: PanDorset, frame: pd.DataFrame, last: int | None = None) -> plt.Figure | None:
    """The measures by quarter with their trends (None without quarters or published values).

    Parameters
    ----------
    measures : PanDorset
        The measures.
    frame : DataFrame
        The performance frame (its ``quarter`` categories are the quarters shown).
    last : int, optional
        Show only the most recent quarters.
    """
    if not isinstance(frame.get("quarter", pd.Series(dtype=object)).dtype, pd.CategoricalDtype):
        return None
    quarters = list(frame["quarter"].cat.categories)
    shown = quarters[-last:] if last else quarters
    plotted = measures.plotted_by_quarter()
    in_window = plotted[plotted["quarter"].isin(shown)] if len(plotted) else plotted
    if not len(in_window) or not (in_window["denominator"] > 0).any():
        return None
    return pp.measure_trend_figure(plotted, measures.trends, shown)


def trends_view(trends: pd.DataFrame, quarterly: bool) -> pd.DataFrame | Markdown:
    """The trend table rounded to three decimals, or why there is none."""
    if not quarterly:
        return Markdown("_Quarterly trends need dated cohort starts (records form)._")
    return trends.round(3)


def measure_lines(measures: PanDorset) -> str:
    """One line per measure: published value and interval, target and status."""
    lines = []
    for r in measures.shown_published.itertuples():
        value = "no one measured" if r.denominator == 0 else (
            f"{show(r.value_pct, '{:.1f}%')} (95% CI {show(r.ci_low_pct)} to {show(r.ci_high_pct)})")
        lines.append(f"{r.measure}: {value}, target {r.target_text}: {r.status}")
    return "\n".join(lines)


def trend_lines(trends: pd.DataFrame) -> str:
    """One line per measure: its trend, what it means, and the test statistic."""
    return "\n".join(f"{r.measure}: {r.trend} {r.meaning}".rstrip()
                     + (f" (z = {r.z:.2f})" if r.z == r.z else "") for r in trends.itertuples())


# ----------------------------------------------------------------------------------------------
# Reoffending by quarterly cohort
# ----------------------------------------------------------------------------------------------


def reoffending_figure(reoffending: QuarterlyReoffending,
                       national: pd.DataFrame | None = None) -> plt.Figure | None:
    """Binary rates of adults and children by quarter beside the national rates.

    None when the table is not split into adults and children or has no published quarter.
    ``national`` defaults to :func:`analysis.data.reference.national_rates`.
    """
    if not reoffending.by_group:
        return None
    plotted = reoffending.plotted()
    if not (plotted["quarter"] != ALL).any():
        return None
    national = reference.national_rates() if national is None else national
    return pp.reoffending_trend_figure(plotted, national.set_index("label")["percent"].to_dict())


def reoffending_lines(reoffending: QuarterlyReoffending) -> str:
    """One line per group: the published rate of all cohorts, and the frequency if known."""
    pub = reoffending.published
    lines = []
    for r in pub[pub["quarter"] == ALL].itertuples():
        label = getattr(r, "cohort_group", "All")
        freq = "" if pd.isna(reoffending.table.loc[r.Index, "frequency_per_reoffender"]) else (
            f", {show(r.frequency_per_reoffender, '{:.2f}')} per reoffender")
        lines.append(f"{label}: {show(r.binary_rate_pct, '{:.1f}%')} of {show(r.offenders, '{:,}')} "
                     f"reoffended{freq}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# Youth justice
# ----------------------------------------------------------------------------------------------


def youth_views(youth: YouthJustice) -> list[pd.DataFrame]:
    """The published first-time entrants and custody tables of all areas."""
    return [youth.fte_published[youth.fte_published["area"] == "All areas"],
            youth.custody_published[youth.custody_published["area"] == "All areas"]]


def fte_figure(youth: YouthJustice) -> plt.Figure | None:
    """Rates of first-time entrants by area beside the published pan-Dorset rates.

    None without a population table or a published complete 12-month window.
    """
    latest = youth.latest_fte()
    if not youth.population_given or not len(latest):
        return None
    published = {f"Published pan-Dorset, year to Sep {y}": reference.seed_figure(f"child_fte_rate_per_100k_{y}")
                 for y in (2022, 2023)}
    title = (f"First-time entrants: {latest['rate_per_100000'].iloc[0]:.0f} per 100,000 aged 10-17 "
             f"in the 12 months to {latest['quarter'].iloc[0]} (synthetic population)")
    return pp.rolling_rate_figure(youth.fte_shown(), "rate_per_100000",
                                  "First-time entrants per 100,000 aged 10-17", title, published)


def fte_lines(youth: YouthJustice | None) -> str:
    """The latest published 12-month count and rate of first-time entrants (empty if none)."""
    if youth is None:
        return ""
    latest = youth.latest_fte()
    if latest is None or not len(latest):
        return ""
    r = latest.iloc[0]
    return (f"FTE in the 12 months to {r['quarter']}: {r['fte_12m']:.0f}; "
            f"rate per 100,000: {r['rate_per_100000']:.1f}\n"
            f"children with unknown prior offences: {youth.fte.attrs['unknown']}")


# ----------------------------------------------------------------------------------------------
# IOM
# ----------------------------------------------------------------------------------------------


def iom_views(iom: IomIndicators) -> list[pd.DataFrame]:
    """The published IOM tables: reoffending of all cohorts, crime change, time to reoffence."""
    rates = iom.published["iom_reoffending"]
    return [rates[rates["quarter"] == ALL], iom.published["iom_detected_crime_change"],
            iom.published["iom_time_to_reoffence"]]


def iom_lines(iom: IomIndicators | None) -> str:
    """The IOM headline sentences, from the published tables (empty without IOM)."""
    if iom is None:
        return ""
    pub = iom.published["iom_reoffending"]
    lines = [f"{r.cohort}: {show(r.binary_rate_pct, '{:.1f}%')} of {show(r.offenders, '{:,}')} reoffended"
             for r in pub[pub["quarter"] == ALL].itertuples()]
    c = iom.published["iom_detected_crime_change"].iloc[-1]
    lines.append(f"detected crimes, 12 months after vs before: {show(c['change_pct'], '{:+.1f}%')} "
                 f"(95% CI {show(c['ci_low_pct'], '{:+.1f}')} to {show(c['ci_high_pct'], '{:+.1f}')})")
    t = iom.published["iom_time_to_reoffence"].iloc[-1]
    lines.append(f"median days from release to first proven reoffence: {show(t['median_days'], '{:.0f}')} "
                 f"({show(t['reoffenders'], '{:,}')} reoffenders)")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# Fair comparison with the national picture
# ----------------------------------------------------------------------------------------------


def fair_comparison_views(fair: FairComparison, by: str) -> list[pd.DataFrame | Markdown]:
    """National rates by age band and sex, the standardisation and funnel tables, or why not."""
    views: list[pd.DataFrame | Markdown] = [fair.rates[["age_band", "sex", "percent"]].round(2)]
    if fair.standardised is not None:
        views.append(fair.published_standardised(fair.standardised.round(3)))
    else:
        views.append(Markdown("_Indirect standardisation needs age and sex._"))
    if fair.crude is None:
        views.append(Markdown(f"_The funnel plot needs a '{by}' column._"))
        return views
    if not _funnel_plottable(fair):
        views.append(Markdown("_Too few people per unit to plot without disclosing small counts._"))
    views.append(fair.published_funnel(fair.crude.round(4)))
    return views


def _funnel_plottable(fair: FairComparison) -> bool:
    crude, std = fair.crude_plot(), fair.std_plot()
    return crude is not None and bool(len(crude)) and (std is None or bool(len(std)))


def funnel_plot(fair: FairComparison) -> plt.Figure | None:
    """The funnel plot of the units' published rates (and O/E ratios), or None if none can be shown."""
    if not _funnel_plottable(fair):
        return None
    return pp.funnel_figure(fair.crude_plot(), fair.curves, fair.national_pct, fair.std_plot(),
                            fair.std_curves, fair.small_plot(), fair.method)


def fair_comparison_lines(fair: FairComparison) -> str:
    """One line per unit: published crude rate and position; then O/E and standardised rate."""
    lines = []
    if fair.crude is not None:
        pub = publish(fair.crude.assign(pct=100 * fair.crude["value"]), ["people", "observed"],
                      ["pct", "position"], fair.min_cell)
        lines += [f"{r.unit}: {show(r.pct, '{:.1f}%')} of {show(r.people, '{:,}')}; {r.position}"
                  for r in pub.itertuples()]
    if fair.standardised is not None:
        pub = publish(fair.standardised, ["people", "observed"],
                      ["ratio", "ratio_ci_low", "ratio_ci_high", "standardised_pct"], fair.min_cell)
        lines += [f"{r.unit}: O/E = {show(r.ratio, '{:.3f}')} (95% CI {show(r.ratio_ci_low, '{:.3f}')} "
                  f"to {show(r.ratio_ci_high, '{:.3f}')}); standardised rate "
                  f"{show(r.standardised_pct, '{:.1f}%')}" for r in pub.itertuples()]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# Needs profile
# ----------------------------------------------------------------------------------------------


def needs_view(needs: NeedsProfile) -> pd.DataFrame:
    """The adults beside the published table, rounded to one decimal, under the small-count rule."""
    return publish(needs.comparison.drop(columns=["label"]).round(1), list(NEEDS_COUNTS),
                   COMPARISON_DERIVED, needs.min_cell, complements={"with_need": "assessed"})


def needs_figures(needs: NeedsProfile) -> dict[str, plt.Figure | None]:
    """The comparison with the published table and the co-occurrence heat map, where they can be shown."""
    plotted = needs.plotted_comparison()
    heatmap = len(needs.needs) > 1 and needs.enough_assessed
    return {
        "needs_vs_published": pp.needs_comparison_figure(plotted) if len(plotted) else None,
        "needs_cooccurrence": pp.needs_heatmap_figure(needs.cooccurrence, needs.min_cell) if heatmap else None,
    }


def needs_lines(needs: NeedsProfile | None) -> str:
    """Mean needs per adult beside the published means, and each need beside the published table.

    The published mean is 4.77 needs per assessed person over all needs; the eight tabulated
    prevalences sum to 4.16. Empty without needs or with fewer than ``min_cell`` adults assessed.
    """
    if needs is None or not needs.enough_assessed:
        return ""
    p, p8 = needs.per_person, needs.per_person_tabulated
    lines = [f"adults assessed: {p['assessed']:,}; mean needs per person {p['mean']:.2f} "
             f"(95% CI {p['ci_low']:.2f} to {p['ci_high']:.2f}) over {p['needs_counted']} needs; "
             f"{p8['mean']:.2f} over the {p8['needs_counted']} tabulated (published: 4.77 over all needs, "
             "4.16 over the eight)"]
    pub = publish(needs.comparison, list(NEEDS_COUNTS),
                  ["percent", "difference_pts", "difference_ci_low_pts", "difference_ci_high_pts"],
                  needs.min_cell)
    lines += [f"{r.need}: {show(r.percent, '{:.0f}%')} vs published {r.published_pct:.0f}% "
              f"(difference {show(r.difference_pts, '{:+.1f}')}, 95% CI "
              f"{show(r.difference_ci_low_pts, '{:+.1f}')} to {show(r.difference_ci_high_pts, '{:+.1f}')})"
              for r in pub.itertuples()]
    return "\n".join(lines)
