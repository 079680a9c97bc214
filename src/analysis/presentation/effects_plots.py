"""Figures of the intervention-effects analysis: overlap, Love plot, estimates, weighted curves.

Each function returns a matplotlib figure in the project style (:func:`analysis.presentation.style.use_style`)
with labelled axes; the caller passes a title that states the finding.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.disclosure import count_text, undrawn_bars
from analysis.presentation.labels import level_label, term_label
from analysis.presentation.style import PALETTE, month_axis

__all__ = ["balance_title", "estimates_figure", "estimates_title", "love_plot", "overlap_figure", "subgroup_figure",
           "subgroup_finding", "weighted_km_figure", "weighted_km_title"]


def _labels(labels: Mapping[int, str] | None) -> dict[int, str]:
    return dict(labels or {0: "Comparison", 1: "Treated"})


def overlap_figure(
    score: pd.Series,
    treated: pd.Series,
    labels: Mapping[int, str] | None = None,
    support: tuple[float, float] | None = None,
    title: str = "Propensity scores by group",
    bins: int = 40,
    min_cell: int = 5,
) -> plt.Figure:
    """Mirrored histograms of the propensity score (treated above, comparison below), as the
    share of each group, with the common-support limits as dashed lines.

    Under the small-count rule, a bar of 1 to ``min_cell - 1`` people is not drawn (with the
    group's size in the legend it would give their number), nor the smallest others where the
    bars not drawn would hold 1 to ``min_cell - 1`` people in all
    (:func:`analysis.disclosure.undrawn_bars`), and a group size below ``min_cell`` reads
    ``"<min_cell"``.
    """
    lab = _labels(labels)
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    edges = np.linspace(0, 1, bins + 1)
    t = treated.astype(int)
    for g, sign, colour in ((1, 1, PALETTE[1]), (0, -1, PALETTE[0])):
        s = score[t == g].to_numpy(dtype=float)
        counts, _ = np.histogram(s, bins=edges)
        counts = np.where(undrawn_bars(counts, min_cell), 0, counts)
        share = counts / max(len(s), 1) * 100
        ax.bar(edges[:-1], sign * share, width=np.diff(edges), align="edge", color=colour,
               alpha=0.8, label=f"{lab[g]} (n = {count_text(len(s), min_cell)})")
    if support is not None:
        for x in support:
            ax.axvline(x, color="black", linestyle="--", linewidth=1)
    ax.axhline(0, color="black", linewidth=0.8)
    ticks = ax.get_yticks()
    ax.set_yticks(ticks)
    ax.set_yticklabels([f"{abs(v):.0f}" for v in ticks])
    ax.set_xlabel("Propensity score (estimated probability of treatment)")
    ax.set_ylabel("% of group (treated above, comparison below)")
    ax.set_xlim(0, 1)
    ax.set_title(title)
    ax.legend(loc="best", title=f"bars of <{min_cell} people not drawn",
              title_fontsize="small")
    return fig


def estimates_title(treatment: str, estimate: float | None) -> str:
    """The title of the risk-difference estimates figure: the doubly robust estimate in points,
    or none where the published table withholds it (``estimate`` None,
    :func:`analysis.models.effects.shown_estimate`)."""
    if estimate is None:
        return f"{treatment}: risk difference by method"
    return f"{treatment}: doubly robust risk difference {100 * estimate:+.1f} points"


def balance_title(balance: pd.DataFrame, threshold: float = 0.1,
                  references: Mapping[str, object] | None = None) -> str:
    """A title naming, in words, the characteristics each adjusted sample leaves above the threshold."""
    samples = [s for s in dict.fromkeys(balance["sample"]) if s != "Unadjusted"]
    parts = []
    for s in samples:
        # a published table's suppressed SMD still carries its imbalanced flag
        flag = (balance["imbalanced"].astype(bool) if "imbalanced" in balance
                else pd.to_numeric(balance["abs_smd"], errors="coerce") > threshold)
        above = [term_label(c, references)
                 for c in balance.loc[(balance["sample"] == s) & flag, "covariate"]]
        parts.append(f"{s}: " + (", ".join(above) if above else "none"))
    return (f"Characteristics still differing (|SMD| > {threshold:g}) after adjustment \u2014 "
            + "; ".join(parts))


def love_plot(
    balance: pd.DataFrame,
    threshold: float = 0.1,
    title: str | None = None,
    references: Mapping[str, object] | None = None,
) -> plt.Figure:
    """Absolute standardised mean differences per covariate and sample (a Love plot).

    ``balance`` is :func:`analysis.measures.balance.published_balance` (suppressed SMDs are not drawn)
    or :func:`analysis.measures.balance.balance_table`; the dashed line is the threshold.
    Rows name the characteristics in words with their reference levels (``references``, as
    :func:`analysis.presentation.labels.term_label`); the legend sits beside the axes, off the
    points. The default title names the characteristics each adjusted sample leaves above it.
    """
    title = title or textwrap.fill(balance_title(balance, threshold, references), 80)
    covs = list(dict.fromkeys(balance["covariate"]))
    samples = list(dict.fromkeys(balance["sample"]))
    fig, ax = plt.subplots(figsize=(7.5, max(3.0, 0.32 * len(covs) + 1.5)))
    y = np.arange(len(covs))[::-1]
    markers = ["o", "s", "^", "D", "v"]
    for i, s in enumerate(samples):
        part = balance[balance["sample"] == s].set_index("covariate").reindex(covs)
        ax.scatter(pd.to_numeric(part["abs_smd"], errors="coerce"), y, label=s, marker=markers[i % len(markers)],
                   color=PALETTE[i % len(PALETTE)], zorder=3)
    ax.axvline(threshold, color="black", linestyle="--", linewidth=1,
               label=f"threshold {threshold:g}")
    ax.set_yticks(y)
    ax.set_yticklabels([term_label(c, references) for c in covs])
    ax.set_xlabel("Absolute standardised mean difference")
    ax.set_xlim(left=0)
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    return fig


def estimates_figure(
    table: pd.DataFrame,
    title: str = "Risk difference by method",
    label_col: str = "method",
) -> plt.Figure:
    """Forest plot of risk differences (percentage points, treated minus comparison) with CIs.

    ``table`` needs ``estimate``, ``ci_low``, ``ci_high`` as fractions and ``label_col``.
    """
    t = table.dropna(subset=["estimate"]).reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(t) + 1.8))
    y = np.arange(len(t))[::-1]
    est, lo, hi = 100 * t["estimate"], 100 * t["ci_low"], 100 * t["ci_high"]
    ax.errorbar(est, y, xerr=[est - lo, hi - est], fmt="o", color=PALETTE[0], capsize=3)
    ax.axvline(0, color="black", linewidth=1)
    ax.set_yticks(y)
    ax.set_yticklabels(t[label_col].astype(str))
    ax.set_xlabel("Risk difference, treated minus comparison (percentage points, 95% CI)")
    ax.set_title(title)
    return fig


def subgroup_finding(table: pd.DataFrame) -> str:
    """What the subgroup estimates show: how many intervals exclude no difference, and the
    subgroup with the largest reduction (``table`` as for :func:`subgroup_figure`)."""
    t = table.dropna(subset=["estimate"])
    if t.empty:
        return "no subgroup estimate can be shown"
    clear = int(((t["ci_high"] < 0) | (t["ci_low"] > 0)).sum())
    best = t.loc[t["estimate"].idxmin()]
    return (f"{clear} of {len(t)} intervals exclude no difference; largest reduction "
            f"{level_label(str(best['subgroup']), best['level'])} "
            f"({100 * best['estimate']:+.1f} points)")


def subgroup_figure(table: pd.DataFrame, title: str = "Risk difference by subgroup") -> plt.Figure:
    """Forest plot of subgroup risk differences (rows of :func:`analysis.models.effects.subgroup_effects`),
    each row a subgroup in words (``Accommodation need: yes``, ``Sex: female``); the title
    is ``title`` followed by :func:`subgroup_finding`."""
    t = table.dropna(subset=["estimate"])
    t = t.assign(label=[level_label(str(g), v) for g, v in zip(t["subgroup"], t["level"], strict=True)])
    full = textwrap.fill(f"{title}: {subgroup_finding(t)}", 80)
    return estimates_figure(t, title=full, label_col="label")


def weighted_km_title(hr: pd.Series | None) -> str:
    """The title of :func:`weighted_km_figure`: the IPW (ATT) hazard ratio, where estimated."""
    if hr is None:
        return "Time to first proven reoffence in the matched and weighted samples"
    return f"Time to first proven reoffence: weighted hazard ratio {hr['hazard_ratio']:.2f}"


def weighted_km_figure(
    curves: Mapping[str, pd.DataFrame],
    labels: Mapping[int, str] | None = None,
    time_unit: str = "days",
    horizon: float | None = None,
    title: str = "Cumulative proven reoffending in the matched and weighted samples",
    bands: Mapping[str, pd.DataFrame] | None = None,
) -> plt.Figure:
    """Weighted Kaplan-Meier curves (cumulative % reoffended), one panel per sample, against
    months since the start of follow-up.

    ``curves`` maps a sample name to :func:`analysis.models.effects.weighted_km` output;
    ``bands`` maps it to the 95% bands of
    :func:`analysis.models.effects.weighted_km_bands.weighted_km_bands` (drawn shaded).
    """
    lab = _labels(labels)
    fig, axes = plt.subplots(1, len(curves), figsize=(7.5 if len(curves) < 2 else 10, 4.5),
                             sharey=True, squeeze=False)
    for ax, (name, c) in zip(axes[0], curves.items(), strict=True):
        for i, g in enumerate((0, 1)):
            d = c[c["group"] == g]
            if d.empty:
                continue
            x = np.append(0.0, d["time"].to_numpy(float))
            yv = np.append(0.0, d["cumulative_reoffended_pct"].to_numpy(float))
            ax.step(x, yv, where="post", color=PALETTE[i], label=lab[g])
            b = bands.get(name) if bands is not None else None
            if b is not None:
                b = b[b["group"] == g].dropna(subset=["cumulative_ci_low_pct"])
                ax.fill_between(b["time"], b["cumulative_ci_low_pct"], b["cumulative_ci_high_pct"],
                                step="post", color=PALETTE[i], alpha=0.2, lw=0)
        end = horizon if horizon is not None else float(c["time"].max())
        month_axis(ax, end, time_unit)
        ax.set_title(name)
        ax.legend(loc="upper left")
    axes[0][0].set_ylabel("Reoffended (%)" + (" (95% CI)" if bands is not None else ""))
    fig.suptitle(title, fontweight="bold")
    return fig
