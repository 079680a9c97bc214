"""Parquet columns turned into text in Arrow give exactly the text pandas gives them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from analysis.data.cell_text import arrow_as_text, frame_as_text

MIDNIGHT = [dt.datetime(2023, 1, 31), None, dt.datetime(1999, 12, 1)]
COLUMNS = {
    "text": pa.array(["a", None, "Bürger, J"]),
    "large text": pa.array(["x", "", None], type=pa.large_string()),
    "date": pa.array([dt.date(2024, 2, 29), None, dt.date(1970, 1, 1)], type=pa.date32()),
    "midnights": pa.array(MIDNIGHT, type=pa.timestamp("ns")),
    "midnights in ms": pa.array(MIDNIGHT, type=pa.timestamp("ms")),
    "times of day": pa.array([dt.datetime(2023, 1, 31, 13, 5, 7), None, dt.datetime(2023, 2, 1)],
                             type=pa.timestamp("us")),
    "zoned": pa.array(MIDNIGHT, type=pa.timestamp("ns", tz="Europe/London")),
    "integers": pa.array([3, -12, 0], type=pa.int64()),
    "small integers": pa.array([1, 0, 1], type=pa.int8()),
    "integers with a blank": pa.array([3, None, 0], type=pa.int64()),
    "booleans": pa.array([True, False, True]),
    "booleans with a blank": pa.array([True, None, False]),
    "large integers with a blank": pa.array([10**15, None, -(10**15)], type=pa.int64()),
    "huge integers with a blank": pa.array([10**17, None, 5], type=pa.int64()),
    "unsigned with a blank": pa.array([7, None, 0], type=pa.uint16()),
    "early dates": pa.array([dt.date(999, 5, 1), None, dt.date(2020, 1, 1)], type=pa.date32()),
    "far dates": pa.array([dt.datetime(3000, 1, 1), None], type=pa.timestamp("s")).take([0, 1, 0]),
    "floats": pa.array([0.1, None, 2.0]),
    "categories": pa.array(["b", "a", None]).dictionary_encode(),
    "lists": pa.array([[1, 2], None, []]),
    "decimals": pa.array([Decimal("1.50"), None, Decimal("-2")], type=pa.decimal128(5, 2)),
    "all blank": pa.array([None, None, None], type=pa.string()),
}


@pytest.mark.parametrize("name", list(COLUMNS))
def test_arrow_text_equals_pandas_text(name):
    table = pa.table({name: COLUMNS[name]})
    fast = arrow_as_text(table)
    slow = frame_as_text(table.to_pandas())
    pd.testing.assert_frame_equal(fast, slow)
    assert fast[name].dtype == object
    assert all(isinstance(v, str) or (isinstance(v, float) and np.isnan(v)) for v in fast[name])


def test_known_text():
    table = pa.table({k: COLUMNS[k] for k in ("date", "midnights", "times of day", "booleans")})
    out = arrow_as_text(table.to_batches()[0])
    assert out["date"].tolist()[::2] == ["2024-02-29", "1970-01-01"]
    assert out["midnights"].tolist()[::2] == ["2023-01-31", "1999-12-01"]
    assert out["times of day"].tolist()[::2] == ["2023-01-31 13:05:07", "2023-02-01 00:00:00"]
    assert out["booleans"].tolist() == ["true", "false", "true"]
    assert out.isna().sum().tolist() == [1, 1, 1, 0]
