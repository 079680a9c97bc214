"""The effect tables under the small-count rule of :mod:`analysis.disclosure`: subgroup
effects with secondary suppression across levels, and group means that would disclose a
small number of people or offences.
"""

from __future__ import annotations

import pandas as pd

from analysis.disclosure import is_small, small_flag_cells, suppress_counts, suppress_where
from analysis.measures.balance import is_binary

__all__ = ["published_means", "published_subgroups"]


def published_subgroups(table: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """Subgroup effects tables (with ``outcome``) under the small-count rule.

    The tables are those of :func:`analysis.models.effects.subgroups.subgroup_effects`. The
    levels of a subgroup add up to the sample, so secondary suppression applies across them;
    every mean, estimate, interval and p-value of a row with a suppressed count is suppressed.
    """
    if table.empty:
        return table
    counts = ["n_treated", "n_comparison"]
    derived = [c for c in table.columns if c not in (*counts, "subgroup", "level", "outcome")]
    return suppress_counts(table, counts, derived, min_cell, sets=["outcome", "subgroup"])


def published_means(table: pd.DataFrame, frame: pd.DataFrame, outcome: str | None = None,
                    min_cell: int = 5) -> pd.DataFrame:
    """An estimates table with its group means under the small-count rule.

    With the group sizes shown, the mean of a 0/1 outcome gives the number of people with it,
    and the mean of a count gives the total count. For each row's outcome, the treated and
    comparison people of ``frame`` (the sample the table was estimated on) with the outcome and
    without it (0/1), or the total count, are found; where any is 1 to ``min_cell - 1``, both
    group means read ``"suppressed"``. Estimates and intervals are kept: they are the finding,
    and the reportability minimums of
    :func:`analysis.models.effects.reporting.reportability` govern them.

    Parameters
    ----------
    table : DataFrame
        Rows with ``mean_treated`` and ``mean_comparison``, and an ``outcome`` column unless
        ``outcome`` is given.
    frame : DataFrame
        The sample, with ``treated`` and the outcome columns.
    outcome : str, optional
        The outcome of every row, for tables without an ``outcome`` column.
    min_cell : int
        Smallest count shown.
    """
    names = table["outcome"] if outcome is None else pd.Series(outcome, index=table.index)
    t = frame["treated"].astype(int)
    small = {}
    for name in names.unique():
        y = pd.to_numeric(frame[name], errors="coerce")
        if is_binary(y):
            small[name] = small_flag_cells(y, t, min_cell)
        else:
            totals = pd.Series([round(y[t == g].sum()) for g in (0, 1)])
            small[name] = bool(is_small(totals, min_cell).any())
    hidden = names.map(small).astype(bool)
    if not hidden.any():
        return table.copy()
    return suppress_where(table, ["mean_treated", "mean_comparison"], hidden)
