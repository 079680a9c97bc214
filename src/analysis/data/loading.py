"""Load a run's input data: read the tables, validate them and hand them over to notebook kernels.

:func:`load_data` reads the tables named in the parameters (:mod:`analysis.data.readers`), checks
them against the data contract (:mod:`analysis.data.checks`) and returns them as
:class:`ValidatedData`, with columns renamed to their role names and parsed to proper dtypes.
Every failed rule of every table is raised together as one :class:`~analysis.errors.DataError`.

With the DuckDB engine (:mod:`analysis.data.engine`) the records form's tables are read and
validated in chunks (:mod:`analysis.data.streaming`): the people table is kept, parsed, and
the offences are not (``offences`` is None; the measures come from the files).

The runner validates the data once per run and hands them to the notebook kernels it starts
from its memory (:mod:`analysis.data.handover`, checked by :func:`data_fingerprint`);
:func:`load_data` in such a kernel uses them when they come from the same files and data
parameters.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from analysis.data import handover
from analysis.data.checks import (
    TableResult,
    validate_cross,
    validate_offences,
    validate_people,
    validate_survival,
)
from analysis.data.engine import choose_engine, offence_rows_at_most
from analysis.data.notices import Notice
from analysis.data.readers import read_table
from analysis.data.specs import table_params, table_specs
from analysis.data.streaming import stream_table
from analysis.errors import DataError, Problem
from analysis.files import sha256
from analysis.params import RunParams

__all__ = [
    "ValidatedData",
    "data_fingerprint",
    "display_name",
    "load_data",
]


@dataclass
class ValidatedData:
    """The validated input tables, columns named by role and parsed to proper dtypes.

    Attributes
    ----------
    form : {"survival", "records"}
        The input form.
    survival, people, offences : pandas.DataFrame or None
        The tables of the form (the others are None). ``offences`` is None too when the
        offences were read in chunks by the DuckDB engine and not kept.
    files : dict of str to Path
        The input file of each table (absolute paths).
    rows_read : dict of str to int
        Number of data rows read from each table.
    notices : list of Notice
        Warnings found while reading a table that is not kept (dates after the extract date
        in offences read in chunks).
    """

    form: Literal["survival", "records"]
    survival: pd.DataFrame | None = None
    people: pd.DataFrame | None = None
    offences: pd.DataFrame | None = None
    files: dict[str, Path] = field(default_factory=dict)
    rows_read: dict[str, int] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)


def display_name(path: Path, params: RunParams) -> str:
    """Return a file's name for messages: as the parameter file can name it.

    Relative to the parameter file's folder when the file lies inside it, else relative to the
    project root when inside that, else the absolute path.
    """
    folders = [params.source.parent] if params.source is not None else []
    folders += [params.root] if params.root is not None else []
    for folder in folders:
        if Path(path).is_relative_to(folder):
            return Path(path).relative_to(folder).as_posix()
    return str(path)


_VALIDATORS: dict[str, Callable[[pd.DataFrame, RunParams, str], TableResult]] = {
    "survival": validate_survival,
    "people": validate_people,
    "offences": validate_offences,
}


def _tables(params: RunParams) -> tuple[str, ...]:
    return ("survival",) if params.data.form == "survival" else ("people", "offences")


def data_fingerprint(params: RunParams) -> str:
    """SHA-256 over everything :func:`load_data` reads: the data parameters and the files' bytes.

    The data parameters hold the files' absolute paths, so the fingerprint does not depend on
    the directory a notebook runs in.
    """
    h = hashlib.sha256(params.data.model_dump_json().encode())
    for table in _tables(params):
        h.update(sha256(table_params(params, table).file).encode())
    return h.hexdigest()


def _handed_over(params: RunParams) -> ValidatedData | None:
    """The data served by the runner that started this kernel, if they match ``params``."""
    if not os.environ.get(handover.ADDRESS_ENV):
        return None
    return handover.receive(data_fingerprint(params))


def load_data(params: RunParams) -> ValidatedData:
    """Read and validate the input tables of a run.

    In a notebook started by the runner, the data the runner has just validated are used
    instead when they come from the same files (same bytes) with the same data parameters
    (:mod:`analysis.data.handover`): a cohort of a million people is then validated once per run,
    not once per notebook.

    Parameters
    ----------
    params : RunParams
        Checked parameters (from :func:`analysis.params.load_params`).

    Returns
    -------
    ValidatedData
        The tables with role names and parsed dtypes; columns the parameters do not use are
        dropped, so that no more personal data than needed is held.

    Raises
    ------
    DataError
        If any table is empty, unreadable or breaks a rule; the message has one line per
        failed rule over all tables.
    """
    validated = _handed_over(params)
    if validated is not None:
        return validated
    if params.data.form == "records" and choose_engine(
            params, offence_rows_at_most(params)) == "duckdb":
        return _load_streamed(params)
    tables = _tables(params)
    files = {t: table_params(params, t).file for t in tables}
    names = {t: display_name(files[t], params) for t in tables}
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    rows_read: dict[str, int] = {}
    for table in tables:
        raw = _read(table, params, names[table], problems)
        if raw is None:
            continue
        rows_read[table] = len(raw)
        frames[table], found = _VALIDATORS[table](raw, params, names[table])
        problems += found
        del raw
    if "people" in frames and "offences" in frames:
        problems += validate_cross(frames["people"], frames["offences"], params, names)
    if problems:
        raise DataError(problems)
    return ValidatedData(form=params.data.form, survival=frames.get("survival"),
                         people=frames.get("people"), offences=frames.get("offences"),
                         files=files, rows_read=rows_read)


def _load_streamed(params: RunParams) -> ValidatedData:
    """Read and validate the records form in chunks, keeping the people table only.

    A table the chunked reading leaves to the whole-table reader (see
    :mod:`analysis.data.streaming`) is read and validated whole, as on the pandas path; so are
    offences found to be fewer than the engine's threshold once counted (``data.engine: auto``).
    """
    files = {t: table_params(params, t).file for t in ("people", "offences")}
    names = {t: display_name(files[t], params) for t in files}
    problems: list[Problem] = []
    rows_read: dict[str, int] = {}
    people = _people_streamed(params, names, problems, rows_read)
    offences, notices = None, []
    streamed = stream_table("offences", params, names, people)
    if streamed is not None and choose_engine(params, streamed.rows) == "duckdb":
        rows_read["offences"] = streamed.rows
        problems += streamed.problems
        notices = streamed.notices
    else:
        raw = _read("offences", params, names["offences"], problems)
        if raw is not None:
            rows_read["offences"] = len(raw)
            offences, found = validate_offences(raw, params, names["offences"])
            problems += found
            del raw
            if people is not None:
                problems += validate_cross(people, offences, params, names)
    if problems:
        raise DataError(problems)
    return ValidatedData(form="records", people=people, offences=offences, files=files,
                         rows_read=rows_read, notices=notices)


def _people_streamed(params: RunParams, names: dict[str, str], problems: list[Problem],
                     rows_read: dict[str, int]) -> pd.DataFrame | None:
    """The people table read in chunks, or whole when it must be; None if it cannot be read."""
    streamed = stream_table("people", params, names)
    if streamed is not None:
        rows_read["people"] = streamed.rows
        problems += streamed.problems
        return streamed.frame
    raw = _read("people", params, names["people"], problems)
    if raw is None:
        return None
    rows_read["people"] = len(raw)
    people, found = validate_people(raw, params, names["people"])
    problems += found
    return people


def _read(table: str, params: RunParams, name: str, problems: list[Problem]) -> pd.DataFrame | None:
    """Read a table as text; on failure append the problem and return None."""
    tparams = table_params(params, table)
    wanted = {s.source for s in table_specs(table, params)}
    try:
        return read_table(tparams.file, tparams.sheet, name=name, columns=wanted,
                          header_only=table == "offences")
    except DataError as err:
        problems.extend(err.problems)
    return None
