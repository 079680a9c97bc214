"""Out-of-core proven-reoffending measures: the records form's per-person measures in DuckDB.

For cohorts too large to hold comfortably in memory, the ``people`` and ``offences`` files of
the records form are read by DuckDB directly from CSV or Parquet, the Ministry of Justice
counting rule is applied in the engine (follow-up, waiting period, competing exit, eligibility
by the extract date, see :mod:`analysis.measures.reoffending`), and only one row per eligible
person comes back to pandas: the columns of
:func:`analysis.measures.reoffending.derive_measures`, with the same values.

Columns are found by the parameters' role mapping (``data.<table>.columns``) and dates read
with the table's ``date_format`` (ISO dates always read), as the pandas readers do. The files
are assumed to have passed the data contract's checks: this module does not validate them.

The engine is chosen by ``data.engine`` (:func:`analysis.data.engine.choose_engine`): ``auto`` uses DuckDB from
:data:`analysis.data.engine.DUCKDB_MIN_OFFENCE_ROWS` offence rows up, when both files are CSV or Parquet.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis.data.parsing import DATE_CHOICES, ISO_DATES
from analysis.data.readers import PARQUET_SUFFIXES
from analysis.data.specs import table_params
from analysis.files import private_folder
from analysis.params import RunParams, TableParams

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "add_months_sql",
    "derive_measures_sql",
    "reoffences_by_type_sql",
]

_DATE_TYPES = ("DATE", "TIMESTAMP")


def _literal(text: str) -> str:
    """Return ``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    """Return ``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def add_months_sql(date_sql: str, months: int) -> str:
    """Return SQL adding calendar months to a DATE exactly as ``pd.DateOffset(months=...)`` does.

    DuckDB keeps the day of the month and clips it to the end of a shorter month (31 January
    + 1 month = 28 or 29 February), as pandas does.
    """
    return f"CAST({date_sql} + to_months({int(months)}) AS DATE)"


def _scan(path: Path) -> str:
    """Return the DuckDB table function reading a CSV or Parquet file, every row numbered."""
    if path.suffix.lower() in PARQUET_SUFFIXES:
        source = f"read_parquet({_literal(str(path))})"
    else:
        source = f"read_csv({_literal(str(path))}, header = true, all_varchar = true)"
    return f"SELECT *, row_number() OVER () AS _row FROM {source}"


def _text_sql(column: str) -> str:
    """Return SQL for a column as trimmed text, blank as NULL."""
    return f"NULLIF(trim(CAST({_ident(column)} AS VARCHAR)), '')"


def _date_sql(column: str, column_type: str, date_format: str) -> str:
    """Return SQL reading a column as DATE: typed dates as they are, text with the table's formats."""
    if column_type.upper().startswith(_DATE_TYPES):
        return f"CAST({_ident(column)} AS DATE)"
    formats = list(dict.fromkeys(ISO_DATES + DATE_CHOICES.get(date_format, (date_format,))))
    text = _text_sql(column)
    tries = ", ".join(f"try_strptime({text}, {_literal(f)})" for f in formats)
    return f"CAST(COALESCE({tries}) AS DATE)"


def _view(con: duckdb.DuckDBPyConnection, name: str, tparams: TableParams) -> dict[str, str]:
    """Create view ``name`` over a table's file; return the file's column types by name."""
    con.execute(f"CREATE VIEW {name} AS {_scan(tparams.file)}")
    return {row[0]: row[1] for row in con.execute(f"DESCRIBE {name}").fetchall()}


def _role_date(tparams: TableParams, types: dict[str, str], role: str) -> str:
    """Return SQL for a mapped date role of a table, or a NULL date when it is not mapped."""
    column = tparams.columns.get(role)
    if column is None:
        return "CAST(NULL AS DATE)"
    return _date_sql(column, types[column], tparams.date_format)


def _windows_sql(params: RunParams, people: TableParams, types: dict[str, str]) -> str:
    """Return SQL of the eligible people with their follow-up window (one row per person)."""
    m = params.measures
    extract = params.data.extract_date
    start = _role_date(people, types, "cohort_start")
    exit_day = _role_date(people, types, "exit_date")
    reason = people.columns.get("exit_reason")
    reason_sql = _text_sql(reason) if reason is not None else "CAST(NULL AS VARCHAR)"
    eligible = "TRUE" if extract is None else f"proof_limit - 1 <= DATE {_literal(extract.isoformat())}"
    return f"""
        people_dates AS (
            SELECT _row, {_text_sql(people.columns['person_id'])} AS person_id, {start} AS start,
                   {exit_day} AS exit_day, {reason_sql} AS exit_reason
            FROM people_raw),
        limits AS (
            SELECT *, {add_months_sql('start', m.follow_up_months)} AS anniversary,
                   {add_months_sql('start', m.follow_up_months + m.waiting_months)} AS proof_limit
            FROM people_dates),
        windows AS (
            SELECT *, CASE WHEN exit_day >= start AND exit_day < anniversary
                           THEN exit_day END AS exit_in
            FROM limits WHERE {eligible})"""


def _counted_sql(offences: TableParams, types: dict[str, str]) -> str:
    """Return SQL of the offences that count as proven reoffences, with their person's window."""
    return f"""
        offence_dates AS (
            SELECT {_text_sql(offences.columns['person_id'])} AS person_id,
                   {_role_date(offences, types, 'offence_date')} AS offence_day,
                   {_role_date(offences, types, 'proven_date')} AS proven_day,
                   {_text_sql(offences.columns['offence_type'])} AS offence_type
            FROM offences_raw),
        counted AS (
            SELECT o.person_id, o.offence_day, o.offence_type
            FROM offence_dates AS o JOIN windows AS w ON o.person_id = w.person_id
            WHERE o.offence_day >= w.start
              AND o.offence_day < COALESCE(w.exit_in + 1, w.anniversary)
              AND o.proven_day < w.proof_limit)"""


#: Memory DuckDB may hold for its work before it spills to disk (its default is 80% of the
#: machine's memory); the rest of the run holds the people table and the models beside it.
MEMORY_LIMIT = "2GB"


@contextmanager
def _connected(params: RunParams) -> Iterator[tuple[duckdb.DuckDBPyConnection, str]]:
    """An in-memory DuckDB over the two files, and the SQL of the counted offences.

    DuckDB works within :data:`MEMORY_LIMIT` and spills what does not fit into a private
    folder (:func:`analysis.files.private_folder`, readable by this user only), removed when
    the connection closes; a run killed meanwhile leaves it to the next run's clean-up. DuckDB
    is imported here, so that runs on the pandas engine do not load it.
    """
    import duckdb

    people, offences = table_params(params, "people"), table_params(params, "offences")
    spill = private_folder()
    con = duckdb.connect(":memory:", config={"memory_limit": MEMORY_LIMIT,
                                             "temp_directory": str(spill)})
    try:
        people_types = _view(con, "people_raw", people)
        offence_types = _view(con, "offences_raw", offences)
        yield con, _windows_sql(params, people, people_types) + "," + _counted_sql(
            offences, offence_types)
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def derive_measures_sql(params: RunParams) -> pd.DataFrame:
    """Derive the per-person proven-reoffending measures of the eligible people in DuckDB.

    Parameters
    ----------
    params : RunParams
        Checked records-form parameters: the files, their column roles and date formats,
        ``data.extract_date`` and the ``measures`` section.

    Returns
    -------
    pandas.DataFrame
        One row per eligible person (``proven_by <= extract_date``), in the people file's row
        order, with a fresh index and the columns and values of
        :func:`analysis.measures.reoffending.derive_measures` on those people: ``person_id``,
        ``follow_up_end``, ``reoffended``, ``reoffences``, ``time_days``, ``event``,
        ``competing_event`` and, when the role is mapped, ``exit_reason``.
    """
    with _connected(params) as (con, ctes):
        out = con.execute(f"""
        WITH {ctes},
        per_person AS (
            SELECT person_id, count(*) AS reoffences, min(offence_day) AS first_day
            FROM counted GROUP BY person_id)
        SELECT w.person_id, w.anniversary - 1 AS follow_up_end,
               CAST(p.reoffences IS NOT NULL AS BIGINT) AS reoffended,
               CAST(COALESCE(p.reoffences, 0) AS BIGINT) AS reoffences,
               CAST(COALESCE(p.first_day, w.exit_in, w.anniversary - 1) - w.start + 1 AS BIGINT)
                   AS time_days,
               CAST(p.reoffences IS NOT NULL AS BIGINT) AS event,
               CAST(p.reoffences IS NULL AND w.exit_in IS NOT NULL AS BIGINT) AS competing_event,
               w.exit_reason
        FROM windows AS w LEFT JOIN per_person AS p ON w.person_id = p.person_id
        ORDER BY w._row""").df()
    out["person_id"] = out["person_id"].astype(object)
    out["follow_up_end"] = out["follow_up_end"].astype("datetime64[ns]")
    if "exit_reason" in table_params(params, "people").columns:
        out["exit_reason"] = out["exit_reason"].astype(object).where(out["exit_reason"].notna())
    else:
        out = out.drop(columns="exit_reason")
    return out


def reoffences_by_type_sql(params: RunParams) -> pd.DataFrame:
    """Count the eligible people's proven reoffences by offence type in DuckDB.

    Parameters
    ----------
    params : RunParams
        Checked records-form parameters (as for :func:`derive_measures_sql`).

    Returns
    -------
    pandas.DataFrame
        ``offence_type`` and ``reoffences``, one row per type with at least one proven
        reoffence, sorted by type: as :func:`analysis.measures.reoffending.reoffences_by_type`
        without groups.
    """
    with _connected(params) as (con, ctes):
        out = con.execute(f"""
        WITH {ctes}
        SELECT offence_type, CAST(count(*) AS BIGINT) AS reoffences
        FROM counted GROUP BY offence_type ORDER BY offence_type NULLS LAST""").df()
    out["offence_type"] = out["offence_type"].astype(object)
    return out
