"""What a figure may draw: the published values only (policy item 7 of :mod:`analysis.disclosure`).

A curve is drawn for a group only where the published table of its values at the horizons shows
every one of them (a Kaplan-Meier curve read at a horizon would give back a value the table
withholds); a forest plot draws only the rows whose estimate and interval its table shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.disclosure import is_shown, shown_rows

__all__ = ["drawn_curves", "drawn_rows"]


def drawn_curves(curves: Mapping[str, pd.DataFrame], published: pd.DataFrame,
                 value: str = "survival", sample_col: str = "sample",
                 group_col: str = "group") -> dict[str, pd.DataFrame]:
    """The curves of each sample, keeping the groups whose published values are all shown.

    Parameters
    ----------
    curves : mapping of str to DataFrame
        For each sample, the curves of its groups (a ``group_col`` column).
    published : DataFrame
        The published table of the curves' values at the horizons (``sample_col``,
        ``group_col``, ``value``), as suppressed.
    value : str
        The column of ``published`` that must be shown at every horizon.
    sample_col, group_col : str
        The columns naming a row's sample and group.

    Returns
    -------
    dict of str to DataFrame
        The same samples, each with only the groups whose ``value`` is shown at every horizon
        (a sample with no such group has an empty frame).
    """
    shown = is_shown(published[value]).groupby(
        [published[sample_col].astype(str), published[group_col].astype(str)]).all()
    ok = {key for key, all_shown in shown.items() if all_shown}
    return {name: c[c[group_col].astype(str).map(lambda g, n=name: (str(n), g) in ok)]
            for name, c in curves.items()}


def drawn_rows(table: pd.DataFrame, published: pd.DataFrame,
               columns: Sequence[str] = ("estimate", "ci_low", "ci_high")) -> pd.DataFrame:
    """The rows of ``table`` whose ``columns`` its published copy (same rows) shows."""
    return shown_rows(table, published, [c for c in columns if c in published.columns])
