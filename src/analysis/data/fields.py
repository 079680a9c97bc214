"""Find the lines of a delimited text file that have fewer fields than its header.

pandas fills the missing fields of a short line with blanks, which would shift nothing but hide
a lost value (a short line usually means a value and its separator were dropped, often in an
optional column). :func:`short_rows` finds such lines so that the reader can refuse them.

Only rows whose last column is blank can be short, so the file is examined only when such rows
exist. A file without quote characters is examined with numpy (separators counted per line, in
well under a second for millions of lines); a file with quotes is split by the :mod:`csv`
module, which knows that a quoted separator or line break is part of a value.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["short_rows"]


def short_rows(frame: pd.DataFrame, path: Path, encoding: str, sep: str) -> list[int]:
    """Return the data row numbers (1 = first after the header) of lines with too few fields.

    Parameters
    ----------
    frame : pandas.DataFrame
        The file as read by pandas with blank lines kept (data row ``i`` at position ``i - 1``).
    path : Path
        The file.
    encoding : str
        The encoding the file was read with.
    sep : str
        The one-character field separator.

    Returns
    -------
    list of int
        Rows holding at least one value but fewer fields than the header; blank lines (nothing
        but spaces) are not listed.
    """
    if frame.shape[1] < 2:
        return []
    open_end = np.flatnonzero(frame.iloc[:, -1].isna().to_numpy())
    if not open_end.size:
        return []
    counts = _field_counts(path, encoding, sep, len(frame))
    short = open_end[counts[open_end] < frame.shape[1]]
    return (short[_filled(frame.iloc[short])] + 1).tolist()


def _filled(rows: pd.DataFrame) -> np.ndarray:
    """Which rows hold a value other than spaces (the others are blank lines)."""
    if rows.empty:
        return np.zeros(len(rows), dtype=bool)
    text = rows.apply(lambda col: col.astype("string").str.strip().fillna("").ne(""))
    return text.any(axis=1).to_numpy(dtype=bool)


def _field_counts(path: Path, encoding: str, sep: str, n_rows: int) -> np.ndarray:
    """Return the number of fields of each data row (position ``i`` = data row ``i + 1``)."""
    raw = path.read_bytes()
    quoted = b'"' in raw
    counts = _counts_by_csv(raw, encoding, sep) if quoted else _counts_by_bytes(raw, sep)
    out = np.full(n_rows, np.iinfo(np.int64).max, dtype=np.int64)
    data = counts[1:1 + n_rows]
    out[:len(data)] = data
    return out


def _counts_by_bytes(raw: bytes, sep: str) -> np.ndarray:
    """Fields per line of a file without quotes: separators per line plus one."""
    data = np.frombuffer(raw, dtype=np.uint8)
    newlines = np.flatnonzero(data == ord("\n"))
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [len(data)]))
    if starts[-1] == len(data):  # the file ends with a line break
        starts, ends = starts[:-1], ends[:-1]
    if not len(starts):
        return np.zeros(0, dtype=np.int64)
    is_sep = data == ord(sep)
    seps = np.add.reduceat(is_sep, starts, dtype=np.int64)
    seps[ends - starts == 0] = 0  # reduceat gives the next byte's value for an empty line
    return seps + 1


def _counts_by_csv(raw: bytes, encoding: str, sep: str) -> np.ndarray:
    """Fields per record of a file with quotes, split by the csv module (a blank line counts 1)."""
    text = io.StringIO(raw.decode(encoding), newline="")
    lengths = [max(len(record), 1) for record in csv.reader(text, delimiter=sep)]
    return np.asarray(lengths, dtype=np.int64)
