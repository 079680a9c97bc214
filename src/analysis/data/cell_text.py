"""Typed cells as the text a CSV file would hold, so that every format is validated alike.

Excel and Parquet files hold typed values; :mod:`analysis.data.readers` and the chunked reader
(:mod:`analysis.data.streaming`) turn every cell into text before validation, as a CSV file is
read: dates as ``YYYY-MM-DD`` (``YYYY-MM-DD HH:MM:SS`` when a column holds a time of day),
booleans as ``true``/``false``, numbers as pandas writes them, blanks as NaN.

:func:`arrow_as_text` converts a Parquet table's columns in Arrow, without a Python call per
value, where Arrow's text is the same as pandas' (text, dates and date-times at midnight in the
years 1000 to 9999, integers, booleans); every other column goes through pandas
(:func:`series_as_text`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["arrow_as_text", "cell_text", "frame_as_text"]

_DATE = "%Y-%m-%d"
_DATE_TIME = "%Y-%m-%d %H:%M:%S"
#: Integers below this size in absolute value are written by pandas, as floats, as ``3.0``.
_WHOLE_FLOATS = 10**15


def frame_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a frame with every column as text (see :func:`series_as_text`) and a RangeIndex."""
    names = [str(c) for c in frame.columns]
    cols = {n: series_as_text(frame.iloc[:, i]) for i, n in enumerate(names)}
    return pd.DataFrame(cols, index=pd.RangeIndex(len(frame)), columns=names)


def arrow_as_text(table: pa.Table | pa.RecordBatch) -> pd.DataFrame:
    """Return an Arrow table with every column as text, as :func:`frame_as_text` gives it.

    Parameters
    ----------
    table : pyarrow.Table or pyarrow.RecordBatch
        Columns as read from a Parquet file.

    Returns
    -------
    pandas.DataFrame
        Object columns of text, NaN for blanks, and a RangeIndex.
    """
    names = [str(n) for n in table.schema.names]
    cols = {n: _column_text(table.column(i)) for i, n in enumerate(names)}
    return pd.DataFrame(cols, index=pd.RangeIndex(table.num_rows), columns=names)


def _column_text(column: pa.Array | pa.ChunkedArray) -> pd.Series:
    """One Arrow column as text: converted in Arrow where its text equals pandas', else in pandas.

    Each distinct value is turned into text once and its rows share that one string (a column of
    a million sexes or dates holds a few thousand strings, not a million), which keeps the
    memory of a large table low and its dates quick to parse.
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    try:
        encoded = pc.dictionary_encode(column)
        words = _arrow_text(encoded.dictionary, blanks=column.null_count > 0)
    except pa.ArrowNotImplementedError:  # nested and other types cannot be encoded
        words = None
    if words is None:
        return series_as_text(column.to_pandas())
    text = np.append(words.to_numpy(zero_copy_only=False).astype(object), np.nan)
    at = encoded.indices.fill_null(len(words)).to_numpy(zero_copy_only=False)
    return pd.Series(text[at], dtype=object)


def _arrow_text(values: pa.Array, blanks: bool) -> pa.Array | None:
    """Distinct values' text computed in Arrow, or None where Arrow's text would differ from pandas'.

    Dates and date-times at midnight are cast to ``date32`` and then to ISO text (years 1000
    to 9999, which pandas writes with four digits too); integers are cast to text, and when
    the column has blanks (which pandas reads as floats) written as pandas writes a whole
    float, ``3.0``, up to 1e15; booleans as ``true``/``false``.
    """
    kind = values.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return values
    if pa.types.is_boolean(kind):
        return pc.cast(values, pa.string())
    if pa.types.is_integer(kind):
        if not blanks:
            return pc.cast(values, pa.string())
        if _within(values, -_WHOLE_FLOATS, _WHOLE_FLOATS):
            return pc.binary_join_element_wise(pc.cast(values, pa.string()), ".0", "")
        return None
    timestamps = pa.types.is_timestamp(kind) and kind.tz is None
    if pa.types.is_date(kind) or (timestamps and _midnights(values)):
        dates = pc.cast(values, pa.date32())
        if _within(dates, dt.date(1000, 1, 1), dt.date(9999, 12, 31)):
            return pc.cast(dates, pa.string())
    return None


def _midnights(column: pa.Array) -> bool:
    """Whether every value of a date-time column falls at midnight (blanks aside)."""
    at_midnight = pc.equal(column, pc.floor_temporal(column, unit="day"))
    return bool(pc.all(at_midnight).as_py() is not False)


def _within(column: pa.Array, low: Any, high: Any) -> bool:
    """Whether every value of a column (blanks aside) lies between ``low`` and ``high``."""
    bounds = pc.min_max(column)
    least, most = bounds["min"].as_py(), bounds["max"].as_py()
    return least is None or (low <= least and most <= high)


def series_as_text(values: pd.Series) -> pd.Series:
    """Return a column of any dtype as object text, blanks as NaN, dates as ``YYYY-MM-DD``."""
    values = values.reset_index(drop=True)
    missing = values.isna().to_numpy()
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        dates = values.dropna()
        fmt = _DATE if (dates == dates.dt.normalize()).all() else _DATE_TIME
        text = values.dt.strftime(fmt).astype(object)
    elif pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        text = values.astype(str).astype(object)
    else:
        text = values.astype(object).map(cell_text, na_action="ignore")
    text[missing] = np.nan
    return text


def cell_text(value: Any) -> Any:
    """Return one cell as text: dates as ``YYYY-MM-DD``, booleans as ``true``/``false``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.strftime(_DATE)
        return value.strftime(_DATE_TIME)
    if isinstance(value, dt.date):
        return value.strftime(_DATE)
    if isinstance(value, float | np.floating) and np.isnan(value):
        return np.nan
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)
