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

__all__ = ["field_counts", "open_rows", "short_rows"]

_BLOCK = 1 << 24


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
    rows = open_rows(frame)
    if not rows.size:
        return []
    counts = _field_counts(path, encoding, sep, len(frame))
    short = rows[counts[rows] < frame.shape[1]]
    return (short[_filled(frame.iloc[short])] + 1).tolist()


def open_rows(frame: pd.DataFrame) -> np.ndarray:
    """Positions of the rows that may be short lines: those whose last column is blank.

    A line with fewer fields than the header is such a row, holding some value (a short
    line) or none (a blank line).

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows as read by pandas, every column of the file (a file of one column has none).

    Returns
    -------
    numpy.ndarray
        0-based positions in ``frame``, ascending.
    """
    if frame.shape[1] < 2:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(frame.iloc[:, -1].isna().to_numpy())


def field_counts(path: Path, encoding: str, sep: str, rows: np.ndarray) -> np.ndarray:
    """Return the number of fields of the given data rows (1 = first after the header).

    The file is read in blocks, so that a file larger than memory can be examined (a file
    read in chunks checks its :func:`open_rows` this way: one of them with fewer fields than
    the header is a short line or a blank line).

    Parameters
    ----------
    path : Path
        The file.
    encoding, sep : str
        The encoding and separator it was read with.
    rows : numpy.ndarray
        Data row numbers, ascending.

    Returns
    -------
    numpy.ndarray
        The fields of each row (the largest integer for a row past the end of the file).
    """
    if not rows.size:
        return np.zeros(0, dtype=np.int64)
    return _counts_streamed(path, encoding, sep, rows)


def _counts_streamed(path: Path, encoding: str, sep: str, rows: np.ndarray) -> np.ndarray:
    """Fields of the given data rows (1 = first after the header), the file read in blocks."""
    with path.open("rb") as fh:
        quoted = any(b'"' in block for block in iter(lambda: fh.read(_BLOCK), b""))
    out = np.full(len(rows), np.iinfo(np.int64).max, dtype=np.int64)
    if quoted:
        with path.open(encoding=encoding, newline="") as text:
            lengths = np.fromiter((max(len(r), 1) for r in csv.reader(text, delimiter=sep)),
                                  dtype=np.int64)
        _place(out, rows, lengths, 0)
        return out
    first, rest = 0, b""
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            data = rest + block
            cut = data.rfind(b"\n") + 1
            data, rest = data[:cut], data[cut:]
            counts = _counts_by_bytes(data, sep)
            _place(out, rows, counts, first)
            first += len(counts)
    if rest:
        _place(out, rows, _counts_by_bytes(rest, sep), first)
    return out


def _place(out: np.ndarray, rows: np.ndarray, counts: np.ndarray, first: int) -> None:
    """Copy the counts of lines ``first ..`` (0 = header) that are data ``rows`` into ``out``."""
    lo, hi = np.searchsorted(rows, [first, first + len(counts)])
    out[lo:hi] = counts[rows[lo:hi] - first]


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
