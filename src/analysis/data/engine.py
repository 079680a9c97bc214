"""Choose the engine of the records form: pandas in memory, or DuckDB out of core.

``data.engine`` is ``auto``, ``pandas`` or ``duckdb``. With ``duckdb`` the offences file is
read and validated in chunks (:mod:`analysis.data.streaming`) and never held in memory, and
the per-person measures are computed by DuckDB from the files
(:mod:`analysis.measures.reoffending_sql`). ``auto`` chooses DuckDB from
:data:`DUCKDB_MIN_OFFENCE_ROWS` offence rows up when both files are CSV or Parquet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pyarrow.parquet as pq

from analysis.data.readers import CSV_SUFFIXES, PARQUET_SUFFIXES
from analysis.data.specs import table_params
from analysis.errors import ParameterError
from analysis.params import RunParams

__all__ = ["DUCKDB_MIN_OFFENCE_ROWS", "Engine", "choose_engine", "offence_rows_at_most",
           "readable"]

#: Offence rows from which ``data.engine: auto`` uses DuckDB: about where holding both tables
#: nears 8 GB (1M people with 5M offences peak at 2.7 GB in memory). Below it the offences stay
#: in memory, so the counts by offence type and the costs of reoffences can be shown.
DUCKDB_MIN_OFFENCE_ROWS = 10_000_000

Engine = Literal["pandas", "duckdb"]

_BLOCK = 1 << 24


def readable(path: Path) -> bool:
    """Whether DuckDB reads the file directly (CSV or Parquet, by extension)."""
    return Path(path).suffix.lower() in CSV_SUFFIXES + PARQUET_SUFFIXES


def choose_engine(params: RunParams, offence_rows: int) -> Engine:
    """Return the engine of the records form's reading, validation and measures.

    Parameters
    ----------
    params : RunParams
        Checked parameters; ``data.engine`` is ``auto``, ``pandas`` or ``duckdb``.
    offence_rows : int
        Number of rows of the offences table (or an upper bound, see
        :func:`offence_rows_at_most`).

    Returns
    -------
    {"pandas", "duckdb"}
        ``auto`` gives ``duckdb`` when ``offence_rows >= DUCKDB_MIN_OFFENCE_ROWS`` and both files
        are CSV or Parquet, else ``pandas``.

    Raises
    ------
    ParameterError
        If ``data.engine`` is ``duckdb`` and a file is neither CSV nor Parquet.
    """
    engine = params.data.engine
    if engine == "pandas" or params.data.form != "records":
        return "pandas"
    files = {t: table_params(params, t).file for t in ("people", "offences")}
    ok = all(readable(f) for f in files.values())
    if engine == "duckdb":
        if not ok:
            bad = next(t for t, f in files.items() if not readable(f))
            raise ParameterError(f"data.engine: 'duckdb' reads CSV and Parquet files only; "
                                 f"data.{bad}.file is a '{files[bad].suffix}' file")
        return "duckdb"
    return "duckdb" if ok and offence_rows >= DUCKDB_MIN_OFFENCE_ROWS else "pandas"


def offence_rows_at_most(params: RunParams) -> int:
    """An upper bound of the offences file's data rows, found without reading the records.

    A Parquet file's row count is in its footer; for a CSV file the line breaks after the
    header are counted (a quoted line break or a trailing blank line makes the bound larger
    than the count of rows). A file that cannot be read gives 0 (the pandas path then reports
    why).
    """
    path = Path(table_params(params, "offences").file)
    try:
        if path.suffix.lower() in PARQUET_SUFFIXES:
            return int(pq.ParquetFile(path).metadata.num_rows)
        if path.suffix.lower() not in CSV_SUFFIXES:
            return 0
        lines, last = 0, b"\n"
        with path.open("rb") as fh:
            while block := fh.read(_BLOCK):
                lines += block.count(b"\n")
                last = block[-1:]
        return max(lines - (last == b"\n"), 0)
    except Exception:  # noqa: BLE001 - any unreadable file is reported by the pandas path
        return 0
