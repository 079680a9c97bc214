"""Figures of the cost-of-crime analysis. Each returns a matplotlib Figure whose title states the finding."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from analysis.costs.money import gbp
from analysis.presentation.style import PALETTE

__all__ = [
    "case_studies_figure",
    "cohort_costs_figure",
    "change_in_offending_figure",
    "net_benefit_figure",
    "tornado_figure",
]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


_GBP = FuncFormatter(lambda x, _pos: gbp(x, compact=True))


def case_studies_figure(table: pd.DataFrame, base: pd.DataFrame | None = None,
                        inconsistent: bool = False) -> plt.Figure:
    """Published case-study totals beside the project's costs at the price year (and base year).

    Parameters
    ----------
    table : DataFrame
        :func:`analysis.costs.cost_case_studies` at the run's price year.
    base : DataFrame, optional
        The same at the unit-cost table's base price year.
    inconsistent : bool
        Whether the evidence shows that no single table reproduces every total (sets the title).
    """
    t = table.reset_index(drop=True)
    y = np.arange(len(t))
    n_bars = 3 if base is not None else 2
    h = 0.8 / n_bars
    fig, ax = plt.subplots(figsize=(7.5, 1.3 * len(t) + 1.6))
    ax.barh(y - h * (n_bars - 1) / 2, t["published_total_gbp"], h, color=PALETTE[1],
            label="Published total (strategy)")
    if base is not None:
        ax.barh(y - h * (n_bars - 1) / 2 + h, base["costed_gbp"], h, color=PALETTE[5],
                label=f"This table, {base['price_year'].iloc[0]} prices")
    ax.barh(y + h * (n_bars - 1) / 2, t["costed_gbp"], h, color=PALETTE[0],
            label=f"This table, {t['price_year'].iloc[0]} prices")
    for i, r in t.iterrows():
        if r["uncosted_offences"]:
            ax.text(max(r["costed_gbp"], r["published_total_gbp"]) * 1.02, y[i],
                    f"{r['uncosted_offences']} offence(s) not costed", va="center", fontsize=8)
    ax.set_yticks(y, [f"Individual {w}" for w in t["individual"]])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(_GBP)
    ax.set_xlabel("Cost of the offences before the intervention (GBP)")
    ax.set_xlim(0, max(t["costed_gbp"].max(), t["published_total_gbp"].max()) * 1.45)
    if inconsistent:
        title = "No single unit-cost table reproduces all three published totals"
    else:
        title = "The project's unit costs beside the published case-study totals"
    ax.set_title(title, loc="left")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="y", visible=False)
    return fig


def cohort_costs_figure(groups: pd.DataFrame, price_label: str) -> plt.Figure:
    """Cost of proven reoffending per person and per reoffender, by group.

    Parameters
    ----------
    groups : DataFrame
        :func:`analysis.costs.group_costs`.
    price_label : str
        E.g. ``"2023-24 prices"``.
    """
    g = groups.reset_index(drop=True)
    x = np.arange(len(g))
    fig, ax = plt.subplots()
    ax.bar(x - 0.2, g["cost_per_person_gbp"], 0.4, color=PALETTE[0], label="Per person")
    ax.bar(x + 0.2, g["cost_per_reoffender_gbp"], 0.4, color=PALETTE[2], label="Per reoffender")
    ax.set_xticks(x, g["group"].astype(str))
    ax.yaxis.set_major_formatter(_GBP)
    ax.set_ylabel(f"Cost of proven reoffences in 12 months (GBP, {price_label})")
    top = g.loc[g["cost_per_person_gbp"].idxmax()]
    ax.set_title(f"{top['group']} has the highest cost of proven reoffending per person "
                 f"(£{top['cost_per_person_gbp']:,.0f})", loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))  # beside the bars, never on them
    ax.grid(axis="x", visible=False)
    return fig


def change_in_offending_figure(change: pd.DataFrame) -> plt.Figure:
    """Proven offences per person in the 12 months before and after the cohort start, by group.

    Parameters
    ----------
    change : DataFrame
        :func:`analysis.costs.change_in_offending`.
    """
    c = change.reset_index(drop=True)
    x = np.arange(len(c))
    fig, ax = plt.subplots()
    ax.bar(x - 0.2, c["before_per_person"], 0.4, color=PALETTE[1], label="12 months before start")
    ax.bar(x + 0.2, c["after_per_person"], 0.4, color=PALETTE[0], label="12 months after start")
    for i, r in c.iterrows():
        ax.text(x[i], max(r["before_per_person"], r["after_per_person"]) * 1.02,
                f"{r['change_pct']:+.0f}%", ha="center", va="bottom", fontsize=9)
    ax.set_xticks(x, c["group"].astype(str))
    ax.set_ylabel("Proven offences per person")
    ax.set_ylim(0, max(c["before_per_person"].max(), c["after_per_person"].max()) * 1.2)
    best = c.loc[c["change_pct"].idxmin()]
    if best["change_pct"] < 0:
        title = (f"Proven offending fell most in {best['group']} "
                 f"({best['change_pct']:+.0f}% from the year before the start)")
    else:
        title = (f"Proven offending rose in every group, least in {best['group']} "
                 f"({best['change_pct']:+.0f}%)")
    ax.set_title(title, loc="left")
    ax.legend()
    ax.grid(axis="x", visible=False)
    return fig


def net_benefit_figure(npv: np.ndarray, p_positive: float, price_label: str,
                       programme_cost: float = 1.0, point_npv: float | None = None) -> plt.Figure:
    """Histogram of the Monte Carlo net present values, the NPV at the point values and the
    Monte Carlo 90% interval, with the break-even line.

    The point estimate is the headline: the title gives it with the 90% interval of the draws
    (5th to 95th percentile), and how often the benefits exceed the cost.

    Parameters
    ----------
    npv : ndarray
        Simulated NPVs (GBP).
    p_positive : float
        Probability that the benefits exceed the cost.
    price_label : str
        E.g. ``"2023-24 prices"``.
    programme_cost : float
        Programme cost (GBP); with none the title speaks of positive benefits.
    point_npv : float, optional
        NPV at the point values (default: the median of the draws).
    """
    low, high = (float(v) for v in np.percentile(npv, [5, 95]))
    point = float(np.median(npv)) if point_npv is None else float(point_npv)
    fig, ax = plt.subplots()
    ax.axvspan(low, high, color="grey", alpha=0.15, lw=0,
               label=f"Monte Carlo 90% interval {gbp(low, compact=True)} to {gbp(high, compact=True)}")
    ax.hist(npv, bins=60, color=PALETTE[0], alpha=0.85)
    ax.axvline(0, color="black", lw=1)
    ax.axvline(point, color=PALETTE[1], lw=2,
               label=f"At the point values {gbp(point, compact=True)}")
    ax.xaxis.set_major_formatter(_GBP)
    ax.set_xlabel(f"Net present value (GBP, {price_label})")
    ax.set_ylabel(f"Draws (of {npv.size:,})")
    what = "benefits exceed the programme cost" if programme_cost > 0 else "benefits are positive"
    ax.set_title(textwrap.fill(
        f"Net present value {gbp(point, compact=True)} at the point values (90% interval "
        f"{gbp(low, compact=True)} to {gbp(high, compact=True)}); {what} in {p_positive:.0%} "
        "of draws", 75), loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9)
    return fig


def tornado_figure(table: pd.DataFrame, base_npv: float, price_label: str) -> plt.Figure:
    """Tornado chart of one-way sensitivities of the NPV.

    Each row's two bars are coloured by the size of the input: orange the smaller, blue the
    larger. The effect is a risk difference (below zero for fewer reoffenders), so its size is
    the reduction it measures: the larger reduction is blue, and a colour means the same in
    every row.

    Parameters
    ----------
    table : DataFrame
        :func:`analysis.costs.value_for_money.one_way_sensitivities`.
    base_npv : float
        NPV at the point values.
    price_label : str
        E.g. ``"2023-24 prices"``.
    """
    t = table.iloc[::-1].reset_index(drop=True)
    y = np.arange(len(t))
    fig, ax = plt.subplots(figsize=(7.5, 0.5 * len(t) + 1.8))
    for i, r in t.iterrows():
        sign = -1.0 if str(r["parameter"]).startswith("effect") else 1.0
        ends = sorted(((r["low_value"], r["npv_low_gbp"]), (r["high_value"], r["npv_high_gbp"])),
                      key=lambda end: sign * float(end[0]))
        for (value, npv), colour in zip(ends, (PALETTE[1], PALETTE[0]), strict=True):
            ax.barh(y[i], npv - base_npv, left=base_npv, color=colour, height=0.6)
            ax.text(npv, y[i], f" {_num(value)} ", va="center", fontsize=8,
                    ha="left" if npv >= base_npv else "right")
    ax.axvline(base_npv, color="black", lw=1)
    ax.axvline(0, color="grey", lw=1, ls=":")
    ax.set_yticks(y, [_capital(str(v)) for v in t["parameter"]])
    ax.xaxis.set_major_formatter(_GBP)
    ax.set_xlabel(f"Net present value (GBP, {price_label}); bars: smaller (orange) and larger "
                  "(blue) input")
    top = table.iloc[0]
    ax.set_title(textwrap.fill(
        f"The NPV ({gbp(base_npv, compact=True)} at the point values) is most sensitive to the "
        f"{top['parameter']}: {gbp(min(top['npv_low_gbp'], top['npv_high_gbp']), compact=True)} "
        f"to {gbp(max(top['npv_low_gbp'], top['npv_high_gbp']), compact=True)}", 75), loc="left")
    ax.grid(axis="y", visible=False)
    lo, hi = ax.get_xlim()
    pad = 0.15 * (hi - lo)
    ax.set_xlim(lo - pad, hi + pad)
    return fig
