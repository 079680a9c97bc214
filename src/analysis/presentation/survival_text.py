"""Sentences of the survival notebook, read from its published tables only.

A sentence never shows a value its table withholds: where the published table reads
``"suppressed"`` the sentence says so instead of printing the number.
"""

from __future__ import annotations

import pandas as pd

from analysis.disclosure import shows_number

__all__ = ["horizon_lines"]


def _months(value: float) -> str:
    return f"{value:g} month" + ("" if value == 1 else "s")


def horizon_lines(published: pd.DataFrame, event_label: str = "reoffended") -> str:
    """One line per group and horizon of a published horizons table.

    Parameters
    ----------
    published : DataFrame
        :func:`analysis.models.survival.published_horizons` (``group``, ``months``,
        ``cumulative_reoffended_pct`` and its interval).
    event_label : str
        Past tense of the event.

    Returns
    -------
    str
        E.g. ``"IOM at 12 months: 32.6% reoffended (95% CI 25.8 to 40.8)"``, or
        ``"IOM at 6 months: not shown (small numbers)"`` where the table withholds it.
    """
    lines = []
    for r in published.itertuples(index=False):
        head = f"{r.group} at {_months(float(r.months))}"
        pct, low, high = r.cumulative_reoffended_pct, r.cumulative_ci_low_pct, r.cumulative_ci_high_pct
        if not all(shows_number(v) for v in (pct, low, high)):
            lines.append(f"{head}: not shown (small numbers)")
            continue
        lines.append(f"{head}: {pct:.1f}% {event_label} (95% CI {low:.1f} to {high:.1f})")
    return "\n".join(lines)
