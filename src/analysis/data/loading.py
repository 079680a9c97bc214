"""Load a run's input data: read the tables, validate them and hand them over to notebook kernels.

:func:`load_data` reads the tables named in the parameters (:mod:`analysis.data.readers`), checks
them against the data contract (:mod:`analysis.data.checks`) and returns them as
:class:`ValidatedData`, with columns renamed to their role names and parsed to proper dtypes.
Every failed rule of every table is raised together as one :class:`~analysis.errors.DataError`.

The runner validates the data once per run and hands them to the notebook kernels it starts
(:func:`data_fingerprint`, :func:`save_validated`, :data:`VALIDATED_DATA_ENV`); :func:`load_data`
in such a kernel uses them when they come from the same files and data parameters.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from analysis.data.checks import (
    TableResult,
    validate_cross,
    validate_offences,
    validate_people,
    validate_survival,
)
from analysis.data.readers import read_table
from analysis.data.specs import table_params, table_specs
from analysis.errors import DataError, Problem
from analysis.files import sha256
from analysis.params import RunParams

__all__ = [
    "VALIDATED_DATA_ENV",
    "ValidatedData",
    "data_fingerprint",
    "display_name",
    "load_data",
    "save_validated",
]


@dataclass
class ValidatedData:
    """The validated input tables, columns named by role and parsed to proper dtypes.

    Attributes
    ----------
    form : {"survival", "records"}
        The input form.
    survival, people, offences : pandas.DataFrame or None
        The tables of the form (the others are None).
    files : dict of str to Path
        The input file of each table (absolute paths).
    rows_read : dict of str to int
        Number of data rows read from each table.
    """

    form: Literal["survival", "records"]
    survival: pd.DataFrame | None = None
    people: pd.DataFrame | None = None
    offences: pd.DataFrame | None = None
    files: dict[str, Path] = field(default_factory=dict)
    rows_read: dict[str, int] = field(default_factory=dict)


def display_name(path: Path, params: RunParams) -> str:
    """Return a file's name for messages: relative to the project root when inside it."""
    if params.root is not None:
        try:
            return Path(path).relative_to(params.root).as_posix()
        except ValueError:
            pass
    return str(path)


_VALIDATORS: dict[str, Callable[[pd.DataFrame, RunParams, str], TableResult]] = {
    "survival": validate_survival,
    "people": validate_people,
    "offences": validate_offences,
}


#: Set by the runner for the kernels it starts: a file holding the data it has just validated
#: (:func:`save_validated`), in a private temporary folder deleted when the run ends.
VALIDATED_DATA_ENV = "ANALYSIS_VALIDATED_DATA"


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


def save_validated(data: ValidatedData, fingerprint: str, folder: Path) -> Path:
    """Write validated data, with the fingerprint of what they were read from, for the kernels.

    Parameters
    ----------
    data : ValidatedData
        From :func:`load_data`.
    fingerprint : str
        :func:`data_fingerprint` of the parameters, taken before the data were read.
    folder : Path
        A private folder (the runner's, mode 0700, deleted when the run ends).

    Returns
    -------
    Path
        The file to name in :data:`VALIDATED_DATA_ENV`.
    """
    path = folder / "validated.pickle"
    with path.open("wb") as f:
        pickle.dump({"fingerprint": fingerprint, "data": data}, f, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _validated_by_runner(params: RunParams) -> ValidatedData | None:
    """The runner's validated data if it has handed them over and they match ``params``."""
    path = os.environ.get(VALIDATED_DATA_ENV)
    if not path or not Path(path).is_file():
        return None
    with open(path, "rb") as f:
        saved = pickle.load(f)  # written by this run's runner in its private folder
    if saved.get("fingerprint") != data_fingerprint(params):
        return None
    return saved["data"]


def load_data(params: RunParams) -> ValidatedData:
    """Read and validate the input tables of a run.

    In a notebook started by the runner, the data the runner has just validated are used
    instead when they come from the same files (same bytes) with the same data parameters
    (:data:`VALIDATED_DATA_ENV`): a cohort of a million people is then validated once per run,
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
    validated = _validated_by_runner(params)
    if validated is not None:
        return validated
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


def _read(table: str, params: RunParams, name: str, problems: list[Problem]) -> pd.DataFrame | None:
    """Read a table as text; on failure append the problem and return None."""
    tparams = table_params(params, table)
    wanted = {s.source for s in table_specs(table, params)}
    try:
        return read_table(tparams.file, tparams.sheet, name=name, columns=wanted)
    except DataError as err:
        problems.extend(err.problems)
    return None
