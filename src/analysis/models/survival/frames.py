"""Column checks, grouping and step-curve look-up shared by the survival estimators."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["check_columns", "split_groups", "step_lookup"]


def split_groups(frame: pd.DataFrame, group_col: str | None) -> list[tuple[Any, pd.DataFrame]]:
    """Split ``frame`` by ``group_col`` (sorted levels), or one group ``"All"``."""
    if group_col is None:
        return [("All", frame)]
    return list(frame.groupby(group_col, sort=True, observed=True))


def check_columns(frame: pd.DataFrame, columns: Iterable[str | None]) -> None:
    """Raise KeyError naming the ``columns`` (None ignored) that ``frame`` lacks."""
    missing = [c for c in columns if c is not None and c not in frame.columns]
    if missing:
        raise KeyError(f"columns not in the data: {missing}")


def step_lookup(curve: pd.DataFrame, times: np.ndarray, columns: list[str]) -> pd.DataFrame:
    """Values of a right-continuous step curve at ``times`` (last row with ``time <= t``).

    Times after the last observed time get NaN: the curve is not estimated there.
    """
    grid = curve["time"].to_numpy()
    idx = np.searchsorted(grid, times, side="right") - 1
    out = curve[columns].iloc[np.clip(idx, 0, None)].reset_index(drop=True)
    out.loc[(idx < 0) | (times > grid.max()), columns] = np.nan
    return out
