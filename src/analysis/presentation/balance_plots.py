"""The Love plot of every baseline characteristic: standardised mean differences beside
variance ratios, the characteristics left out of the model shaded."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from analysis.presentation.balance_text import balance_title_all
from analysis.presentation.labels import term_label
from analysis.presentation.style import PALETTE

__all__ = ["VARIANCE_RATIO_BAND", "love_plot_all"]

#: Variance ratios taken as acceptable (Rubin 2001).
VARIANCE_RATIO_BAND = (0.5, 2.0)

_MARKERS = ["o", "s", "^", "D", "v"]
_SHADE = "#f2e6c9"


def _shade_left_out(ax: Axes, y: np.ndarray, left_out: np.ndarray) -> None:
    for yi in y[left_out]:
        ax.axhspan(yi - 0.5, yi + 0.5, color=_SHADE, zorder=0, linewidth=0)


def _points(ax: Axes, table: pd.DataFrame, covs: list[str], y: np.ndarray, column: str) -> None:
    for i, s in enumerate(dict.fromkeys(table["sample"])):
        part = table[table["sample"] == s].set_index("covariate").reindex(covs)
        ax.scatter(pd.to_numeric(part[column], errors="coerce"), y, label=s,
                   marker=_MARKERS[i % len(_MARKERS)], color=PALETTE[i % len(PALETTE)], zorder=3)


def _variance_panel(ax: Axes, table: pd.DataFrame, covs: list[str], y: np.ndarray) -> None:
    low, high = VARIANCE_RATIO_BAND
    ax.axvspan(low, high, color="#d9d9d9", alpha=0.6, zorder=1,
               label=f"variance ratio {low:g} to {high:g}")
    ax.axvline(1, color="black", linewidth=0.8, zorder=2)
    _points(ax, table, covs, y, "variance_ratio")
    ratios = pd.to_numeric(table["variance_ratio"], errors="coerce").dropna()
    ratios = ratios[ratios > 0]
    lo = min(low / 1.5, float(ratios.min()) / 1.2) if len(ratios) else low / 1.5
    hi = max(high * 1.5, float(ratios.max()) * 1.2) if len(ratios) else high * 1.5
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ticks = [t for t in (0.25, 0.5, 1, 2, 4, 8) if lo <= t <= hi]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel("Variance ratio, treated / comparison\n(numbers only; log scale)")


def love_plot_all(
    table: pd.DataFrame,
    threshold: float = 0.1,
    title: str | None = None,
    references: Mapping[str, Any] | None = None,
) -> plt.Figure:
    """Absolute SMD (left) and variance ratio (right) of every characteristic in each sample.

    Parameters
    ----------
    table : DataFrame
        :func:`analysis.measures.baseline_balance.published_balance_all` (suppressed values are
        not drawn; a 0/1 characteristic has no variance ratio).
    threshold : float
        The |SMD| drawn as a dashed line.
    title : str, optional
        Default: :func:`analysis.presentation.balance_text.balance_title_all`.
    references : mapping, optional
        Reference levels of the text characteristics, for the row names.

    Returns
    -------
    Figure
        Rows in words, the characteristics in the model first; rows left out of the model
        shaded in both panels; the variance-ratio band of :data:`VARIANCE_RATIO_BAND` shaded;
        legend beside the panels.
    """
    title = title or textwrap.fill(balance_title_all(table, threshold, references), 110)
    covs = list(dict.fromkeys(table["covariate"]))
    in_model = table.drop_duplicates("covariate").set_index("covariate")["in_model"]
    left_out = ~in_model.reindex(covs).astype(bool).to_numpy()
    y = np.arange(len(covs))[::-1].astype(float)
    fig, (ax, axv) = plt.subplots(1, 2, sharey=True, figsize=(11, max(3.5, 0.32 * len(covs) + 2.2)),
                                  gridspec_kw={"width_ratios": [3, 2], "wspace": 0.05})
    for a in (ax, axv):
        _shade_left_out(a, y, left_out)
        a.set_ylim(-0.5, len(covs) - 0.5)
    _points(ax, table, covs, y, "abs_smd")
    ax.axvline(threshold, color="black", linestyle="--", linewidth=1, label=f"|SMD| {threshold:g}")
    ax.set_xlim(left=0)
    ax.set_xlabel("Absolute standardised mean difference")
    ax.set_yticks(y, [term_label(c, references) for c in covs])
    for tick, out in zip(ax.get_yticklabels(), left_out, strict=True):
        if out:
            tick.set_fontstyle("italic")
    _variance_panel(axv, table, covs, y)
    handles, labels = ax.get_legend_handles_labels()
    band = axv.get_legend_handles_labels()
    handles += [band[0][0], Patch(color=_SHADE, label="not in the model (italic)")]
    labels += [band[1][0], "not in the model (italic)"]
    axv.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9)
    height = fig.get_figheight()
    fig.subplots_adjust(top=1 - (0.25 + 0.2 * (title.count("\n") + 1)) / height)
    fig.suptitle(title, x=0.02, y=1 - 0.15 / height, ha="left", va="top", fontsize=11)
    return fig
