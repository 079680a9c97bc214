"""Disclosure control for published tables: the small-count rule.

Rule (applied to every table a run publishes): a count of people or offences from 1 to
``min_cell - 1`` (default 1 to 4) is shown as ``"<5"``, and every percentage, rate or mean
computed from such a count is shown as ``"suppressed"``. Zero is shown, since it discloses
nothing about a person. Tables are suppressed for display only; analyses use the exact counts.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

__all__ = ["is_small", "suppress_counts", "SUPPRESSED"]

SUPPRESSED = "suppressed"


def is_small(counts: pd.Series, min_cell: int = 5) -> pd.Series:
    """Return True where a count is between 1 and ``min_cell - 1``."""
    c = pd.to_numeric(counts, errors="coerce")
    return (c > 0) & (c < min_cell)


def suppress_counts(
    df: pd.DataFrame,
    count_cols: Iterable[str],
    derived: dict[str, str] | None = None,
    min_cell: int = 5,
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
        suppressed wherever its count column is small.
    min_cell : int
        Smallest count shown.

    Returns
    -------
    DataFrame
        Same shape; suppressed cells are the strings ``"<min_cell"`` or ``"suppressed"``.
    """
    out = df.copy()
    small = {c: is_small(df[c], min_cell) for c in count_cols}
    for col, base in (derived or {}).items():
        out[col] = out[col].astype(object).where(~small[base], SUPPRESSED)
    for col, mask in small.items():
        out[col] = out[col].astype(object).where(~mask, f"<{min_cell}")
    return out
