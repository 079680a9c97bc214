"""The figure of the design notebook: minimum detectable effect against the treated people.

The function returns a matplotlib figure in the project style
(:func:`analysis.presentation.style.use_style`) with labelled axes; the caller passes a title
that states the finding.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import ticker

from analysis.presentation.style import PALETTE

__all__ = ["mde_figure"]


def mde_figure(curve: pd.DataFrame, by_year: pd.DataFrame, min_treated: int, title: str
               ) -> plt.Figure:
    """The MDE curve (``treated``, ``mde_pp``), each year of intake marked on it, and the
    Justice Data Lab minimum of treated people as a dashed line."""
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    ax.plot(curve["treated"], curve["mde_pp"], color=PALETTE[0], linewidth=2,
            label="Minimum detectable effect")
    ax.scatter(by_year["treated_expected"], by_year["mde_pp"], color=PALETTE[1], zorder=3,
               label="After each year of intake")
    for row in by_year.itertuples():
        ax.annotate(f"year {row.year}", (row.treated_expected, row.mde_pp),
                    textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.axvline(min_treated, color="black", linestyle="--", linewidth=1,
               label=f"Justice Data Lab minimum ({min_treated} treated)")
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel("Treated people (log scale)")
    ax.set_ylabel("Minimum detectable fall in reoffending (percentage points)")
    ax.set_ylim(bottom=0)
    ax.set_title(title)
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig
