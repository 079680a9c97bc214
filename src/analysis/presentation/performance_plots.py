"""Figures of the performance measures. Each returns a matplotlib Figure whose title states the finding.

The figures take the tidy tables of :mod:`analysis.measures.performance` and :mod:`analysis.measures.national`
and are drawn in the project style (:data:`analysis.presentation.style.STYLE`, applied inside each
function). Red/amber/green statuses are shown by colour *and* marker shape, so that they read
without colour.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.measures.needs import need_label
from analysis.measures.performance import ADULT, CHILD, PAN_DORSET_MEASURES
from analysis.presentation.disclosure_records import mark_curves
from analysis.presentation.style import PALETTE, STYLE

__all__ = [
    "RAG_COLOURS",
    "performance_summary_figure",
    "measure_trend_figure",
    "reoffending_trend_figure",
    "rolling_rate_figure",
    "funnel_figure",
    "needs_comparison_figure",
    "needs_heatmap_figure",
]

#: Colours and markers of the statuses (Okabe-Ito green, orange and vermilion; grey).
RAG_COLOURS = {"Green": "#009E73", "Amber": "#E69F00", "Red": "#D55E00", "Not rated": "#999999"}
RAG_MARKERS = {"Green": "o", "Amber": "s", "Red": "X", "Not rated": "D"}

_SHORT = {
    "employed_6w": "Employed 6 weeks after release",
    "employed_6m": "Employed 6 months after release",
    "housed_release_night": "Housed on night of release",
    "settled_accommodation_3m": "Settled accommodation at 3 months",
    "engaged_treatment": "Engaged in treatment (with need)",
    "children_reoffending": "Children who reoffend",
}


def _wrap(text: str, width: int = 80) -> str:
    return textwrap.fill(text, width)


def _count_phrase(statuses: pd.Series) -> str:
    counts = statuses.value_counts()
    parts = [f"{counts[s]} {s.lower()}" for s in ("Green", "Amber", "Red", "Not rated") if s in counts]
    return ", ".join(parts)


def performance_summary_figure(overall: pd.DataFrame) -> plt.Figure:
    """The six measures: estimate, 95% CI and target, coloured by status.

    Parameters
    ----------
    overall : DataFrame
        :func:`analysis.measures.performance.pan_dorset_measures` (overall).
    """
    with plt.rc_context(STYLE):
        t = overall[overall["denominator"] > 0].reset_index(drop=True)
        fig, ax = plt.subplots(figsize=(8, 0.55 * max(len(t), 1) + 1.8))
        y = np.arange(len(t))[::-1]
        for yi, r in zip(y, t.itertuples(), strict=True):
            colour = RAG_COLOURS[r.status]
            ax.plot([r.ci_low_pct, r.ci_high_pct], [yi, yi], color=colour, lw=2.5)
            ax.scatter(r.value_pct, yi, color=colour, marker=RAG_MARKERS[r.status], s=70, zorder=3,
                       edgecolor="black", linewidth=0.5)
            ax.scatter(r.target_pct, yi, marker="|", s=400, color="black", zorder=4, linewidth=2)
            ax.annotate(f"{r.value_pct:.1f}% ({r.target_text}) {r.status}", (100, yi),
                        xytext=(6, 0), textcoords="offset points", va="center", fontsize=8,
                        annotation_clip=False)
        ax.set_yticks(y, [_SHORT.get(m, m) for m in t["measure"]])
        ax.set_xlim(0, 100)
        ax.set_xlabel("Percent of people measured (dot: estimate; line: 95% CI; bar: target)")
        handles = [plt.Line2D([], [], color=c, marker=RAG_MARKERS[s], ls="", label=s)
                   for s, c in RAG_COLOURS.items() if s in set(t["status"])]
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=4, fontsize=8)
        ax.set_title(_wrap(f"Pan-Dorset measures against target: {_count_phrase(t['status'])}"),
                     loc="left", pad=28)
        ax.grid(axis="y", visible=False)
    return fig


def measure_trend_figure(by_quarter: pd.DataFrame, trends: pd.DataFrame | None = None,
                         quarters: Sequence[str] | None = None) -> plt.Figure:
    """Small multiples of each measure by quarter with 95% CIs and the target line.

    Parameters
    ----------
    by_quarter : DataFrame
        :func:`analysis.measures.performance.pan_dorset_measures` with ``by_quarter=True``.
    trends : DataFrame, optional
        :func:`analysis.measures.performance.measure_trends`, summarised in the title.
    quarters : sequence of str, optional
        The quarters to show (default all).
    """
    if quarters is not None:
        by_quarter = by_quarter[by_quarter["quarter"].isin(list(quarters))]
    keys = [m.key for m in PAN_DORSET_MEASURES if m.key in set(by_quarter["measure"])
            and by_quarter.loc[by_quarter["measure"] == m.key, "denominator"].sum() > 0]
    # one quarter axis for every panel: a measure without a value in a quarter leaves a gap
    order = [str(q) for q in (quarters if quarters is not None
                              else dict.fromkeys(by_quarter["quarter"]))]
    position = {q: i for i, q in enumerate(order)}
    with plt.rc_context(STYLE):
        ncol = 3 if len(keys) > 2 else max(len(keys), 1)
        nrow = int(np.ceil(len(keys) / ncol)) or 1
        fig, axes = plt.subplots(nrow, ncol, figsize=(4.0 * ncol, 3.0 * nrow + 0.8), squeeze=False,
                                 sharex=True)
        for ax, key in zip(axes.flat, keys, strict=False):
            g = by_quarter[by_quarter["measure"] == key]
            x = np.array([position[str(q)] for q in g["quarter"]])
            ok = g["denominator"].to_numpy() > 0
            ax.vlines(x[ok], g["ci_low_pct"][ok], g["ci_high_pct"][ok], color="grey", lw=1.2)
            for status in RAG_COLOURS:
                s = ok & (g["status"] == status).to_numpy()
                ax.scatter(x[s], g["value_pct"].to_numpy()[s], color=RAG_COLOURS[status],
                           marker=RAG_MARKERS[status], s=30, zorder=3, edgecolor="black",
                           linewidth=0.4)
            ax.plot(x[ok], g["value_pct"].to_numpy()[ok], color="grey", lw=0.8, zorder=2)
            ax.axhline(g["target_pct"].iloc[0], color="black", ls="--", lw=1)
            ax.set_title(_SHORT.get(key, key), fontsize=9, loc="left")
            ax.set_xticks(range(len(order)), order, rotation=90, fontsize=7)
            ax.set_ylabel("%")
        for ax in list(axes.flat)[len(keys):]:
            ax.set_visible(False)
        title = "Pan-Dorset measures by quarter of release (dashed: target)"
        if trends is not None and len(trends):
            moving = trends[trends["trend"].isin(["rising", "falling"])]
            if moving.empty:
                title += "; no measure shows a clear trend (linear trend test, p < 0.05)"
            else:
                title += "; " + ", ".join(f"{_SHORT.get(r.measure, r.measure).lower()} "
                                          f"{r.trend} ({r.meaning})" for r in moving.itertuples())
        fig.suptitle(_wrap(title, 100), x=0.01, ha="left", fontsize=11, fontweight="bold")
        fig.tight_layout()
    return fig


def reoffending_trend_figure(table: pd.DataFrame, national: dict[str, float] | None = None) -> plt.Figure:
    """Binary proven-reoffending rate of adults and children by quarterly cohort, with 95% CIs.

    Parameters
    ----------
    table : DataFrame
        :func:`analysis.measures.performance.reoffending_by_quarter` by ``cohort_group``.
    national : dict, optional
        National rate (percent) by cohort group label, drawn as dashed lines.
    """
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots()
        t = table[table["quarter"] != "All cohorts"]
        quarters = list(dict.fromkeys(t["quarter"]))
        x_of = {q: i for i, q in enumerate(quarters)}
        parts = []
        for i, group in enumerate((ADULT, CHILD)):
            g = t[t["cohort_group"] == group]
            if g.empty:
                continue
            x = g["quarter"].map(x_of).to_numpy() + (i - 0.5) * 0.15
            colour = PALETTE[i]
            # never negative: at 0% or 100% a Wilson limit can differ in its last digit
            ax.errorbar(x, g["binary_rate_pct"],
                        yerr=np.clip([g["binary_rate_pct"] - g["binary_ci_low_pct"],
                                      g["binary_ci_high_pct"] - g["binary_rate_pct"]], 0, None),
                        fmt="o-", color=colour, capsize=2, label=f"{group} (95% CI)")
            if national and group in national:
                ax.axhline(national[group], color=colour, ls="--", lw=1,
                           label=f"{group}, national {national[group]:g}%")
            overall = table[(table["cohort_group"] == group) & (table["quarter"] == "All cohorts")]
            if len(overall):
                word = {ADULT: "adults", CHILD: "children"}[group]
                parts.append(f"{word} {overall['binary_rate_pct'].iloc[0]:.1f}%")
        ax.set_xticks(range(len(quarters)), quarters, rotation=45, ha="right")
        ax.set_xlabel("Quarter of cohort start")
        ax.set_ylabel("Proven reoffending within 12 months (%)")
        ax.set_ylim(0, None)
        ax.legend(fontsize=8, loc="lower left", ncol=2)
        ax.set_title(_wrap("Proven reoffending by quarterly cohort: " + ", ".join(parts)
                           + " over all cohorts"), loc="left")
    return fig


def rolling_rate_figure(table: pd.DataFrame, rate: str, ylabel: str, title: str,
                        reference: dict[str, float] | None = None) -> plt.Figure:
    """A rate over the 12 months to each quarter, by area (e.g. first-time entrants).

    Parameters
    ----------
    table : DataFrame
        :func:`analysis.measures.performance.first_time_entrants` or :func:`~analysis.measures.performance.custody_rate`.
    rate : str
        The rate column (``rate_per_100000`` or ``rate_per_1000``).
    ylabel, title : str
        Axis label and title (the title should state the finding).
    reference : dict, optional
        Published comparators ``{label: value}`` drawn as dotted lines.
    """
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots()
        t = table[table["window_complete"]]
        quarters = list(dict.fromkeys(t["quarter"]))
        for i, (area, g) in enumerate(t.groupby("area", sort=False)):
            color, lw = ("black", 2) if area == "All areas" else (PALETTE[i], 1.2)
            ax.plot([quarters.index(q) for q in g["quarter"]], g[rate], marker="o", label=area,
                    color=color, lw=lw)
        for j, (label, value) in enumerate((reference or {}).items()):
            ax.axhline(value, color=PALETTE[4 + j % 3], ls=":", lw=1.2, label=label)
        ax.set_xticks(range(len(quarters)), quarters, rotation=45, ha="right")
        ax.set_xlabel("12 months to the end of the quarter")
        ax.set_ylabel(ylabel)
        ax.set_ylim(0, None)
        ax.legend(fontsize=8)
        ax.set_title(_wrap(title), loc="left")
    return fig


def _funnel_panel(ax: plt.Axes, units: pd.DataFrame, curves: pd.DataFrame, size: str, target: float,
                  scale: float, label: str, small: pd.DataFrame | None = None) -> None:
    styles = {min(curves["level"]): ("--", 1.0), max(curves["level"]): ("-", 1.0)}
    for level, c in curves.groupby("level"):
        ls, lw = styles[level]
        # the limits are a function of the size and the national rate alone: curves
        mark_curves(*ax.plot(c["size"], scale * c["lower"], color="grey", ls=ls, lw=lw,
                             label=f"{level:.1%} limits".replace(".0%", "%")),
                    *ax.plot(c["size"], scale * c["upper"], color="grey", ls=ls, lw=lw))
    ax.axhline(scale * target, color="black", lw=1, label=label)
    if small is not None and len(small):
        ax.scatter(small[size], scale * small["value"], s=14, color=PALETTE[5], alpha=0.8,
                   label="Area x quarterly cohort", zorder=2)
    for i, r in enumerate(units.itertuples()):
        ax.scatter(getattr(r, size), scale * r.value, s=60, color=PALETTE[i % len(PALETTE)],
                   edgecolor="black", zorder=3)
        ax.annotate(str(r.unit), (getattr(r, size), scale * r.value), xytext=(5, 4),
                    textcoords="offset points", fontsize=8)


def _small_units_finding(small: pd.DataFrame | None) -> str:
    """The quarterly cohorts outside the 95% limits, as a clause of the funnel plot's title."""
    if small is None or not len(small):
        return ""
    out = small[~small["position"].str.startswith("within")]
    if out.empty:
        return f"; all {len(small)} area-quarters within 95%"
    above = out["position"].str.startswith("above")
    side = "above" if above.all() else "below" if not above.any() else "outside"
    return (f"; but {len(out)} of {len(small)} area-quarters lie {side} the 95% limit"
            f"{'s' if side == 'outside' else ''} ({', '.join(str(u) for u in out['unit'])})")


def funnel_figure(
    crude: pd.DataFrame,
    crude_curves: pd.DataFrame,
    national_pct: float,
    standardised: pd.DataFrame | None = None,
    standardised_curves: pd.DataFrame | None = None,
    small_units: pd.DataFrame | None = None,
    method: str = "exact",
) -> plt.Figure:
    """Funnel plot(s): crude rates against the national rate, and standardised ratios against 1.

    Parameters
    ----------
    crude : DataFrame
        :func:`analysis.measures.national.funnel_table` of the units (binomial; ``unit``, ``people``,
        ``value``, ``position``).
    crude_curves : DataFrame
        :func:`analysis.measures.national.funnel_curves` for the crude panel.
    national_pct : float
        The national rate (percent).
    standardised, standardised_curves : DataFrame, optional
        The same for observed/expected ratios (Poisson; size column ``expected``).
    small_units : DataFrame, optional
        A :func:`~analysis.measures.national.funnel_table` of smaller units (e.g. area x quarter)
        drawn as small points on the crude panel.
    method : str
        Limit method, for the caption.
    """
    with plt.rc_context(STYLE):
        panels = 2 if standardised is not None else 1
        fig, axes = plt.subplots(1, panels, figsize=(6.0 * panels, 4.8), squeeze=False)
        ax = axes[0, 0]
        _funnel_panel(ax, crude, crude_curves, "people", national_pct / 100, 100,
                      f"National {national_pct:g}%", small_units)
        ax.set_xlabel("People in the cohort (follow-up and waiting complete)")
        ax.set_ylabel("Proven reoffending within 12 months (%)")
        ax.set_title("Crude rate vs national rate", loc="left", fontsize=10)
        ax.set_xlim(0, max(crude["people"].max(), small_units["people"].max() if small_units is not None
                           and len(small_units) else 0) * 1.15)
        ax.legend(fontsize=7, loc="upper right")
        outside = crude[~crude["position"].str.startswith("within")]
        if standardised is not None:
            ax2 = axes[0, 1]
            _funnel_panel(ax2, standardised, standardised_curves, "expected", 1.0, 1,
                          "As nationally (O/E = 1)")
            ax2.set_xlabel("Expected reoffenders at national rates by age band and sex (E)")
            ax2.set_ylabel("Observed / expected reoffenders (O/E)")
            ax2.set_title("Indirectly standardised ratio vs 1", loc="left", fontsize=10)
            ax2.set_xlim(0, standardised["expected"].max() * 1.15)
            ax2.legend(fontsize=7, loc="upper right")
            outside_std = standardised[~standardised["position"].str.startswith("within")]
        else:
            outside_std = None
        if outside.empty:
            finding = "every area is within the 95% limits of the national rate"
        else:
            finding = "; ".join(f"{r.unit} {r.position}" for r in outside.itertuples())
        finding += _small_units_finding(small_units)
        if outside_std is not None:
            finding += ("; after standardising for age and sex, all within 95%" if outside_std.empty
                        else "; standardised: " + "; ".join(f"{r.unit} {r.position}"
                                                            for r in outside_std.itertuples()))
        fig.suptitle(_wrap(f"Funnel plot ({method} limits, Spiegelhalter 2005): {finding}", 110),
                     x=0.01, ha="left", fontsize=11, fontweight="bold")
        fig.tight_layout()
    return fig


def needs_comparison_figure(comparison: pd.DataFrame, group_label: str = "Adults in this cohort",
                            published_label: str = "Dorset table (Oct 2023)") -> plt.Figure:
    """Needs prevalence of the cohort and of the published table, both with 95% CIs.

    Parameters
    ----------
    comparison : DataFrame
        :func:`analysis.measures.performance.compare_needs`.
    """
    with plt.rc_context(STYLE):
        c = comparison.sort_values("published_pct").reset_index(drop=True)
        y = np.arange(len(c))
        fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(c) + 1.8))
        ax.errorbar(c["percent"], y + 0.12, xerr=[c["percent"] - c["ci_low_pct"],
                                                   c["ci_high_pct"] - c["percent"]],
                    fmt="o", color=PALETTE[0], capsize=3, label=f"{group_label} (95% CI)")
        ax.errorbar(c["published_pct"], y - 0.12,
                    xerr=[(c["published_pct"] - c["published_ci_low_pct"]).clip(lower=0),
                          (c["published_ci_high_pct"] - c["published_pct"]).clip(lower=0)],
                    fmt="D", color=PALETTE[1], capsize=3, label=f"{published_label} (95% CI)")
        ax.set_yticks(y, [need_label(n) for n in c["need"]])
        ax.set_xlim(0, 100)
        ax.set_xlabel("People with the need (% of those assessed)")
        differ = c[(c["difference_ci_low_pts"] > 0) | (c["difference_ci_high_pts"] < 0)]
        finding = (f"{len(differ)} of {len(c)} needs differ from the published table (95% CI of "
                   "the difference excludes 0)" if len(differ) else
                   f"none of the {len(c)} needs differs from the published table (every 95% CI "
                   "of the difference includes 0)")
        ax.set_title(_wrap(f"Criminogenic needs: {finding}"), loc="left")
        ax.legend(loc="lower right", fontsize=8)
        ax.grid(axis="y", visible=False)
    return fig


def needs_heatmap_figure(cooccurrence: pd.DataFrame, min_cell: int = 5,
                         value: str = "percent") -> plt.Figure:
    """Heat map of how often needs occur together (percent of assessed people).

    Cells whose count of people is from 1 to ``min_cell - 1`` are left blank and marked
    ``<min_cell``; the diagonal is each need's own prevalence.

    Parameters
    ----------
    cooccurrence : DataFrame
        :func:`analysis.measures.needs.needs_cooccurrence`.
    min_cell : int
        Smallest count shown.
    value : str
        ``"percent"`` (of assessed) or ``"conditional_pct"`` (of those with the row's need).
    """
    needs = list(dict.fromkeys(cooccurrence["need_a"]))
    grid = cooccurrence.pivot(index="need_a", columns="need_b", values=value).loc[needs, needs]
    counts = cooccurrence.pivot(index="need_a", columns="need_b", values="both").loc[needs, needs]
    small = (counts > 0) & (counts < min_cell)
    shown = grid.mask(small)
    with plt.rc_context(STYLE):
        size = 0.62 * len(needs) + 2.5
        fig, ax = plt.subplots(figsize=(size + 1.2, size))
        im = ax.imshow(shown.to_numpy(dtype=float), cmap="Blues", vmin=0, vmax=100)
        for i in range(len(needs)):
            for j in range(len(needs)):
                v = shown.iat[i, j]
                text = f"<{min_cell}" if small.iat[i, j] else f"{v:.0f}"
                ax.text(j, i, text, ha="center", va="center", fontsize=7,
                        color="white" if (not small.iat[i, j] and v > 60) else "black")
        labels = [need_label(n) for n in needs]
        ax.set_xticks(range(len(needs)), labels, rotation=45, ha="right", fontsize=8)
        ax.set_yticks(range(len(needs)), labels, fontsize=8)
        ax.grid(False)
        cbar = fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
        cbar.set_label("% of assessed people with both needs" if value == "percent"
                       else "% of people with the row's need who also have the column's")
        off = cooccurrence[cooccurrence["need_a"] < cooccurrence["need_b"]]
        top = off.sort_values([value, "need_a", "need_b"], ascending=[False, True, True]).iloc[0]
        ax.set_title(_wrap(f"Needs seldom come alone: {need_label(top['need_a']).lower()} and "
                           f"{need_label(top['need_b']).lower()} occur together in "
                           f"{top[value]:.0f}% of assessed people", 70), loc="left")
    return fig
