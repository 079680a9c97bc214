"""Disclosure control for published tables: the small-count rule with secondary suppression.

Rule (applied to every table a run publishes):

1. **Primary suppression.** A count of people or offences from 1 to ``min_cell - 1`` (default
   1 to 4) is shown as ``"<5"``; zero is shown, since it discloses nothing about a person.
2. **Derived values.** Every percentage, rate or mean computed from a suppressed count is shown
   as ``"suppressed"``.
3. **Secondary suppression.** Where cells add up to a total that is published or can be worked
   out (the levels of one variable, the groups of a by-group table), a single suppressed cell
   could be recovered by subtraction. So when exactly one cell of such a set is suppressed, the
   smallest other non-zero cell of the set is suppressed too (with its derived values).

Tables are suppressed for display and publication only; analyses use the exact counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

__all__ = ["count_text", "is_small", "suppression_mask", "suppress_counts", "SUPPRESSED"]

SUPPRESSED = "suppressed"


def is_small(counts: pd.Series, min_cell: int = 5) -> pd.Series:
    """Return True where a count is between 1 and ``min_cell - 1``."""
    c = pd.to_numeric(counts, errors="coerce")
    return (c > 0) & (c < min_cell)


def count_text(count: int, min_cell: int = 5) -> str:
    """A count for a sentence: ``"<5"`` from 1 to ``min_cell - 1``, else with thousands commas."""
    return f"<{min_cell}" if 0 < count < min_cell else f"{count:,}"


def _secondary(counts: pd.Series, primary: pd.Series) -> pd.Series:
    """Add the smallest other non-zero cell when exactly one cell of the set is suppressed."""
    mask = primary.copy()
    if int(primary.sum()) == 1:
        c = pd.to_numeric(counts, errors="coerce")
        candidates = c[(~primary) & (c > 0)]
        if not candidates.empty:
            mask.loc[candidates.idxmin()] = True
    return mask


def suppression_mask(
    counts: pd.Series,
    min_cell: int = 5,
    sets: pd.Series | None = None,
    secondary: bool = False,
) -> pd.Series:
    """Cells to suppress in one count column.

    Parameters
    ----------
    counts : Series
        Counts.
    min_cell : int
        Smallest count shown.
    sets : Series, optional
        Labels of the sets of cells that add up to a known total (e.g. the variable of each
        row of a Table 1); with ``secondary`` and no ``sets``, all rows form one set.
    secondary : bool
        Apply secondary suppression (rule 3).
    """
    primary = is_small(counts, min_cell)
    if not secondary:
        return primary
    labels = sets if sets is not None else pd.Series(0, index=counts.index)
    parts = [_secondary(counts.loc[idx], primary.loc[idx])
             for idx in labels.groupby(labels, sort=False).groups.values()]
    return pd.concat(parts).reindex(counts.index)


def suppress_counts(
    df: pd.DataFrame,
    count_cols: Iterable[str],
    derived: dict[str, str] | None = None,
    min_cell: int = 5,
    sets: str | Sequence[str] | bool | None = None,
) -> pd.DataFrame:
    """Return a display copy of ``df`` with small counts and what derives from them suppressed.

    Parameters
    ----------
    df : DataFrame
        The table with exact counts.
    count_cols : iterable of str
        Columns holding counts of people or offences.
    derived : dict, optional
        ``{derived_column: count_column}``: a derived column (a percentage, rate or mean) is
        suppressed wherever its count column is.
    min_cell : int
        Smallest count shown.
    sets : str, sequence of str, or bool, optional
        Secondary suppression: the column(s) whose values label the sets of cells adding up to
        a known total, or ``True`` when all rows form one set (a by-group table whose overall
        total is published). ``None`` applies primary suppression only.

    Returns
    -------
    DataFrame
        Same shape; suppressed cells are the strings ``"<min_cell"`` or ``"suppressed"``.
    """
    out = df.copy()
    labels = None
    if isinstance(sets, str) or (isinstance(sets, Sequence) and not isinstance(sets, bool)):
        cols = [sets] if isinstance(sets, str) else list(sets)
        labels = df[cols].astype(str).agg("|".join, axis=1)
    masks = {c: suppression_mask(df[c], min_cell, labels, secondary=sets not in (None, False))
             for c in count_cols}
    for col, base in (derived or {}).items():
        out[col] = out[col].astype(object).where(~masks[base].to_numpy(), SUPPRESSED)
    for col, mask in masks.items():
        shown = np.where(is_small(df[col], min_cell), f"<{min_cell}", SUPPRESSED)
        out[col] = out[col].astype(object).where(~mask.to_numpy(), pd.Series(shown, index=df.index))
    return out
