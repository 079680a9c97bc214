"""Publishing the performance tables under the small-count rule of :mod:`analysis.disclosure`.

:func:`publish` is the rule for one table (a derived value is hidden when any count it comes
from is); :func:`published_rolling` adds the protection a rolling 12-month count needs, and
:func:`published_iom` publishes the IOM indicators' tables as a set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.disclosure import apply_masks, secondary_around, suppress_counts, suppression_mask
from analysis.measures.cohort import (
    REOFFENDING_COMPLEMENTS,
    REOFFENDING_COUNTS,
    REOFFENDING_DERIVED,
)
from analysis.measures.performance.frame import quarter_key

__all__ = ["publish", "published_rolling", "published_iom"]


def publish(
    table: pd.DataFrame,
    counts: Sequence[str],
    derived: Sequence[str],
    min_cell: int = 5,
    sets: Sequence[str] | bool | None = None,
    complements: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Display copy of a table under the small-count rule (:mod:`analysis.disclosure`).

    Unlike :func:`analysis.disclosure.suppress_counts`, a derived value (rate, percentage,
    interval, mean) is suppressed when *any* of the counts it comes from is suppressed (a rate
    of 0 out of 3 discloses as much as 3 out of 3).

    Parameters
    ----------
    table : DataFrame
        Exact table.
    counts : sequence of str
        Count columns (people or offences); blanks are ignored.
    derived : sequence of str
        Columns computed from the counts of the same row.
    min_cell : int
        Smallest count shown.
    sets : sequence of str or True, optional
        Columns labelling sets of rows whose counts add up to a published total: secondary
        suppression is applied within each set; ``True``: all rows form one set (quarters
        and their "All cohorts" total). None: primary suppression only.
    complements : mapping of str to str, optional
        ``{count: total}`` pairs whose difference follows by subtraction (see
        :func:`analysis.disclosure.suppress_counts`).

    Returns
    -------
    DataFrame
        Same shape; suppressed counts read ``"<min_cell"`` (or ``"suppressed"`` where
        suppressed only to protect another cell) and suppressed derived values
        ``"suppressed"``.
    """
    if sets is not True:
        sets = list(sets) if sets else None
    return suppress_counts(table, counts, list(derived), min_cell, sets=sets,
                           complements=complements)


def published_rolling(table: pd.DataFrame, name: str, derived: Sequence[str],
                      min_cell: int = 5) -> pd.DataFrame:
    """A table of counts per quarter and per rolling 12 months under the small-count rule.

    For :func:`first_time_entrants` (``name="fte"``) and :func:`custody_rate`
    (``name="custody"``). Besides the rule of :func:`publish` (the areas add up to "All
    areas" in each quarter), a 12-month count is the sum of four quarterly counts, so one
    suppressed quarter could be worked out from the window's total and the other three: every
    12-month count whose window holds a suppressed quarter is suppressed too (with its rate),
    and secondary suppression is applied to the 12-month counts across the areas again.
    """
    quarter_col, window_col = f"{name}_quarter", f"{name}_12m"
    if table.empty:
        return table.copy()
    labels = table["quarter"].astype(str)
    q_counts = pd.to_numeric(table[quarter_col], errors="coerce").fillna(0)
    q_mask = suppression_mask(q_counts, min_cell, labels, secondary=True)
    order = sorted(table["quarter"].astype(str).unique(), key=quarter_key)
    position = labels.map({q: i for i, q in enumerate(order)})
    w_counts = pd.to_numeric(table[window_col], errors="coerce")
    in_window = pd.Series(False, index=table.index)
    for rows in table.groupby("area", sort=False).groups.values():
        hidden_at = position[rows][q_mask[rows]].tolist()
        in_window[rows] = [any(p - 3 <= h <= p for h in hidden_at) for p in position[rows]]
    w_mask = secondary_around(w_counts, in_window, min_cell, labels) & w_counts.notna()
    # The rates come from the 12-month counts.
    return apply_masks(table, {quarter_col: q_mask, window_col: w_mask},
                       {col: [window_col] for col in derived}, min_cell)


def published_iom(iom: pd.DataFrame | None, change: pd.DataFrame | None,
                  time: pd.DataFrame | None, min_cell: int = 5) -> dict[str, pd.DataFrame]:
    """The IOM indicators' tables under the small-count rule, as they are published.

    In each table the quarters add up to its "All cohorts" row, so secondary suppression
    applies across them (within each cohort of :func:`iom_reoffending`). Headline numbers are
    read from these tables, so they never show what a table withholds.

    Parameters
    ----------
    iom, change, time : DataFrame or None
        :func:`iom_reoffending`, :func:`iom_detected_crime_change`,
        :func:`iom_time_to_reoffence` (None: left out).
    min_cell : int
        Smallest count shown.

    Returns
    -------
    dict of str to DataFrame
        ``iom_reoffending``, ``iom_detected_crime_change``, ``iom_time_to_reoffence``.
    """
    out = {}
    if iom is not None:
        out["iom_reoffending"] = publish(iom, REOFFENDING_COUNTS, REOFFENDING_DERIVED, min_cell,
                                         sets=["cohort"], complements=REOFFENDING_COMPLEMENTS)
    if change is not None:
        out["iom_detected_crime_change"] = publish(
            change, ["people", "before", "after"], ["change_pct", "ci_low_pct", "ci_high_pct"],
            min_cell, sets=True)
    if time is not None:
        out["iom_time_to_reoffence"] = publish(
            time, ["released", "reoffenders"], ["median_days", "q1_days", "q3_days", "mean_days"],
            min_cell, sets=True)
    return out
