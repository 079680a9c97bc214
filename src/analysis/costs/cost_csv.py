"""Reading a cost data file: the shared CSV reader and the row numbers its messages name."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import DataError, Problem

__all__ = ["read_cost_csv", "rows_of"]


def read_cost_csv(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """Read a cost CSV as text, trimmed, with empty cells missing.

    Parameters
    ----------
    path : Path
        The file.
    columns : tuple of str
        Columns the file must have (others are kept).

    Returns
    -------
    DataFrame

    Raises
    ------
    DataError
        If the file is missing or lacks a column.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError([Problem(str(path), None, "file not found")])
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError([Problem(path.name, None, f"missing column(s): {', '.join(missing)}")])
    frame = frame.apply(lambda s: s.str.strip())
    return frame.where(frame != "", np.nan)


def rows_of(mask: pd.Series) -> tuple[int, ...]:
    """Data row numbers (1 = first row after the header) where ``mask`` is True."""
    return tuple(int(i) + 1 for i in np.flatnonzero(mask.to_numpy()))
