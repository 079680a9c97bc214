"""The effect tables under the small-count rule of :mod:`analysis.disclosure`: subgroup
effects with secondary suppression across levels, group means that would disclose a small
number of people or offences, and group sizes (of estimates and of weights) from 1 to
``min_cell - 1`` with every value of their row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.disclosure import is_small, small_flag_cells, suppress_counts, suppress_where
from analysis.measures.balance import is_binary

__all__ = ["published_means", "published_sizes", "published_subgroups", "published_weights"]

#: The group sizes of an estimates table (people treated and compared with weight above 0).
SIZE_COLUMNS = ("n_treated", "n_comparison")

#: The values of an estimates row that come from its people: means, estimate and interval.
ESTIMATE_COLUMNS = ("mean_treated", "mean_comparison", "estimate", "se", "ci_low", "ci_high",
                    "p_value")

#: The values of a row of :func:`analysis.models.effects.weighting.weight_summary` that come
#: from its ``n`` people's weights.
WEIGHT_COLUMNS = ("sum", "mean", "min", "max", "effective_n", "effective_pct")


def _small_means(frame: pd.DataFrame, outcome: str, min_cell: int) -> bool:
    """True where the treated or comparison people of ``frame`` with and without the 0/1
    ``outcome`` (or their total count of it) include a count from 1 to ``min_cell - 1``."""
    t = frame["treated"].astype(int)
    y = pd.to_numeric(frame[outcome], errors="coerce")
    if is_binary(y):
        return small_flag_cells(y, t, min_cell)
    totals = pd.Series([round(y[t == g].sum()) for g in (0, 1)])
    return bool(is_small(totals, min_cell).any())


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
                    min_cell: int = 5,
                    samples: Mapping[str, pd.DataFrame] | None = None) -> pd.DataFrame:
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
    samples : mapping of str to DataFrame, optional
        The people of the rows whose ``method`` is a key, where they are not ``frame`` (the
        rows of :data:`~analysis.models.effects.estimates.WHOLE_FRAME_METHODS` are estimated
        on everyone): those rows are judged on their own people.
    """
    names = table["outcome"] if outcome is None else pd.Series(outcome, index=table.index)
    methods = (table["method"] if "method" in table and samples
               else pd.Series("", index=table.index)).astype(str)
    own = {m: (samples or {}).get(m, frame) for m in methods.unique()}
    hidden = pd.Series([_small_means(own[m], name, min_cell)
                        for m, name in zip(methods, names, strict=True)], index=table.index)
    if not hidden.any():
        return published_sizes(table, min_cell)
    return published_sizes(suppress_where(table, ["mean_treated", "mean_comparison"], hidden),
                           min_cell)


def _small_rows(table: pd.DataFrame, counts: Sequence[str], values: Sequence[str],
                min_cell: int) -> pd.DataFrame:
    """``table`` with its ``counts`` from 1 to ``min_cell - 1`` read ``"<5"`` and the
    ``values`` of their rows ``"suppressed"`` (:func:`~analysis.disclosure.suppress_counts`,
    primary suppression); a copy of ``table`` where no count is small."""
    counts = [c for c in counts if c in table]
    if not any(is_small(table[c], min_cell).any() for c in counts):
        return table.copy()
    return suppress_counts(table, counts, [c for c in values if c in table], min_cell)


def published_sizes(table: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """An estimates table with its group sizes under the threshold.

    A row's ``n_treated`` or ``n_comparison`` from 1 to ``min_cell - 1`` (an IPW row whose
    common support holds a handful of people) reads ``"<5"``, and the row's means, estimate,
    interval and p-value read ``"suppressed"``: from so few people they give back who
    reoffended. Tables with no small size are returned as they are (a copy).

    Parameters
    ----------
    table : DataFrame
        Estimates with ``n_treated`` and ``n_comparison`` (either may be missing).
    min_cell : int
        Smallest count shown.
    """
    return _small_rows(table, SIZE_COLUMNS, ESTIMATE_COLUMNS, min_cell)


def published_weights(table: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """A weights summary (:func:`analysis.models.effects.weighting.weight_summary`) under the
    threshold: an ``n`` from 1 to ``min_cell - 1`` reads ``"<5"``, and the sum, mean, range and
    effective size of its weights (which give it back, or a person's weight) ``"suppressed"``.

    Parameters
    ----------
    table : DataFrame
        One row per set of weights and group, with ``n``.
    min_cell : int
        Smallest count shown.
    """
    return _small_rows(table, ["n"], WEIGHT_COLUMNS, min_cell)
