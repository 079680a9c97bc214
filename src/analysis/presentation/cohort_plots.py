"""Figures describing a cohort. Each returns a matplotlib Figure whose title states the finding."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.measures.needs import need_label
from analysis.presentation.style import PALETTE

__all__ = ["needs_prevalence_figure", "needs_not_shown", "reoffending_rates_figure"]


def _error_bars(value: pd.Series, low: pd.Series, high: pd.Series) -> list[np.ndarray]:
    """Lengths of the error bars below and above ``value``, never negative (at a rate of 0% or
    100% a Wilson limit can differ from the rate in its last floating-point digit)."""
    return [np.clip((value - low).to_numpy(float), 0, None),
            np.clip((high - value).to_numpy(float), 0, None)]


def needs_not_shown(prevalence: pd.DataFrame, min_cell: int = 5) -> str:
    """Why no need's prevalence can be plotted (every one is blank or suppressed).

    Parameters
    ----------
    prevalence : DataFrame
        Output of :func:`analysis.measures.needs.needs_prevalence` (``assessed``).
    min_cell : int
        The smallest count shown.
    """
    if int(prevalence["assessed"].sum()) == 0:
        return "The prevalence of needs could not be estimated: nobody was assessed for any need."
    return (f"The prevalence of needs is not shown: each would disclose a count below {min_cell} "
            "people.")


def needs_prevalence_figure(
    prevalence: pd.DataFrame,
    published: pd.DataFrame | None = None,
    mean_needs: float | None = None,
) -> plt.Figure:
    """Dot-and-interval plot of needs prevalence, beside published percentages where given.

    Parameters
    ----------
    prevalence : DataFrame
        Output of :func:`analysis.measures.needs.needs_prevalence` (``need``, ``percent``,
        ``ci_low_pct``, ``ci_high_pct``).
    published : DataFrame, optional
        ``need`` (the same keys) and ``percent`` from a published table.
    mean_needs : float, optional
        Mean needs per assessed person, quoted in the title.
    """
    p = prevalence.sort_values("percent").reset_index(drop=True)
    y = np.arange(len(p))
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(p) + 1.6))
    ax.errorbar(
        p["percent"], y,
        xerr=_error_bars(p["percent"], p["ci_low_pct"], p["ci_high_pct"]),
        fmt="o", color=PALETTE[0], capsize=3, label="This cohort (95% CI)",
    )
    if published is not None and not published.empty:
        pub = p[["need"]].merge(published[["need", "percent"]], on="need", how="left")
        ax.scatter(pub["percent"], y, marker="D", s=30, color=PALETTE[1], zorder=3,
                   label="Published table")
    ax.set_yticks(y, [need_label(n) for n in p["need"]])
    ax.set_xlim(0, 100)
    ax.set_xlabel("People with the need (% of those assessed)")
    top = p.iloc[-1]
    title = f"{need_label(top['need'])} is the most common need ({top['percent']:.0f}% of those assessed)"
    if mean_needs is not None:
        title += f";\nmean {mean_needs:.2f} needs per assessed person"
    ax.set_title(title, loc="left")
    ax.legend(loc="lower right")
    ax.grid(axis="y", visible=False)
    return fig


def reoffending_rates_figure(
    summary: pd.DataFrame,
    by: str,
    reference: pd.DataFrame | None = None,
    follow_up_months: int = 12,
    reference_label: str = "National (Jan-Mar 2022)",
) -> plt.Figure:
    """Bar chart of binary proven-reoffending rates with 95% CIs, beside reference rates.

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`analysis.measures.cohort.reoffending_summary` grouped by ``by``.
    by : str
        The grouping column.
    reference : DataFrame, optional
        ``label`` (matching values of ``by``) and ``percent``, e.g. national rates.
    follow_up_months : int
        Length of follow-up, for the axis label.
    reference_label : str
        Legend entry of the reference rates.
    """
    s = summary.reset_index(drop=True)
    x = np.arange(len(s))
    fig, ax = plt.subplots()
    rate = s["binary_rate_pct"]
    ax.bar(x, rate, color=PALETTE[0], width=0.6, label="This cohort")
    ax.errorbar(x, rate, yerr=_error_bars(rate, s["binary_ci_low_pct"], s["binary_ci_high_pct"]),
                fmt="none", ecolor="black", capsize=4, label="95% CI")
    if reference is not None and not reference.empty:
        ref = s[[by]].astype(str).merge(reference, left_on=by, right_on="label", how="left")
        ax.scatter(x, ref["percent"], marker="_", s=900, linewidths=2.5, color=PALETTE[1],
                   zorder=3, label=reference_label)
    ax.set_xticks(x, s[by].astype(str))
    ax.set_ylabel(f"Proven reoffending within {follow_up_months} months (%)")
    ax.set_xlabel("")
    ax.set_ylim(0, max(100 * 0.6, float(np.nanmax(s["binary_ci_high_pct"])) * 1.25))
    order = s.assign(rate=rate).sort_values("rate", ascending=False)
    parts = [f"{g} {r:.1f}%" for g, r in zip(order[by].astype(str), order["rate"], strict=True)]
    ax.set_title(f"Proven reoffending within {follow_up_months} months: " + " vs ".join(parts),
                 loc="left")
    ax.legend(loc="upper right")
    ax.grid(axis="x", visible=False)
    return fig
