"""The offence mapping table: reading and checking it, and adding a user's own mapping file to
the bundled one.

A mapping file has one row per offence as an extract writes it (``local_description``: a
description such as ``"Shop theft"`` or a Home Office offence code such as ``"46"``) with its
``category``: a category of the unit-cost table, or ``"uncosted: <reason>"`` for an offence that
no unit-cost category covers (a motoring offence, possession of a weapon), so that it is counted
as deliberately uncosted rather than unknown. ``attempt`` (0 or 1, empty = 0) marks a row whose
wording itself denotes an attempt; ``source`` and ``note`` say where the row comes from. Only
``local_description`` and ``category`` are required.

The bundled mapping is ``data/reference/offence_mapping.csv`` (``costs.offence_mapping``); a
user's own file (``costs.offence_mapping_local``) adds rows, and replaces a bundled row with the
same description or code (matched as in :mod:`analysis.costs.offence_matching`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.costs.cost_csv import read_cost_csv, rows_of
from analysis.costs.offence_matching import match_key
from analysis.costs.statuses import UNCOSTED_PREFIX
from analysis.errors import DataError, Problem

__all__ = ["MAPPING_COLUMNS", "REQUIRED_COLUMNS", "read_mapping", "merge_mappings",
           "BUNDLED", "LOCAL"]

MAPPING_COLUMNS = ("local_description", "category", "attempt", "source", "note")
REQUIRED_COLUMNS = ("local_description", "category")
#: Values of the ``origin`` column: a row of the bundled mapping or of the user's own file.
BUNDLED, LOCAL = "bundled", "local"


def _uncosted(category: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Which categories are ``uncosted: <reason>`` (any case), and those written canonically."""
    text = category.fillna("")
    flagged = text.str.lower().str.startswith(UNCOSTED_PREFIX)
    reason = text.str[len(UNCOSTED_PREFIX):].str.strip()
    canonical = (UNCOSTED_PREFIX + " " + reason).where(flagged, category)
    return flagged & (reason != ""), canonical


def read_mapping(path: Path, categories: pd.Series | list[str], origin: str = BUNDLED) -> pd.DataFrame:
    """Read and check an offence mapping file.

    Rules: each ``local_description`` is given and appears once (ignoring case, spaces and
    punctuation); its ``category`` is a category of the unit-cost table or ``uncosted:
    <reason>``; ``attempt`` is 0 or 1 (empty = 0).

    Parameters
    ----------
    path : Path
        The mapping file.
    categories : sequence of str
        The categories of the unit-cost table.
    origin : str
        ``"bundled"`` or ``"local"``, kept in the ``origin`` column.

    Returns
    -------
    DataFrame
        :data:`MAPPING_COLUMNS` (``attempt`` as bool), ``origin`` and ``key`` (the form
        values are matched in, :func:`analysis.costs.offence_matching.match_key`).

    Raises
    ------
    DataError
        One problem per failed rule, naming the file, column and rows.
    """
    path = Path(path)
    frame = read_cost_csv(path, REQUIRED_COLUMNS)
    for col in MAPPING_COLUMNS:
        if col not in frame.columns:
            frame[col] = pd.Series(pd.NA, index=frame.index, dtype=object)
    problems: list[Problem] = []
    key = frame["local_description"].map(match_key)
    if (key == "").any():
        problems.append(Problem(path.name, "local_description", "must not be empty",
                                rows_of(key == "")))
    dup = key.duplicated(keep=False) & (key != "")
    if dup.any():
        problems.append(Problem(path.name, "local_description",
                                "must be unique (ignoring case, spaces and punctuation)",
                                rows_of(dup)))
    uncosted, category = _uncosted(frame["category"])
    unknown = ~(frame["category"].isin(list(categories)) | uncosted)
    if unknown.any():
        problems.append(Problem(
            path.name, "category", "must be a category of the unit-cost table or "
                                   "'uncosted: <reason>' (e.g. 'uncosted: motoring offence')",
            rows_of(unknown)))
    attempt = frame["attempt"].fillna("0")
    bad = ~attempt.isin(["0", "1"])
    if bad.any():
        problems.append(Problem(path.name, "attempt", "must be 0 or 1 (or empty)", rows_of(bad)))
    if problems:
        raise DataError(problems)
    out = frame[list(MAPPING_COLUMNS)].assign(category=category, attempt=attempt == "1",
                                                origin=origin, key=key)
    return out.reset_index(drop=True)


def merge_mappings(bundled: pd.DataFrame, local: pd.DataFrame) -> pd.DataFrame:
    """The bundled mapping with a user's own rows added; a user's row replaces a bundled row
    with the same key.

    Parameters
    ----------
    bundled, local : DataFrame
        Mapping tables (:func:`read_mapping`).

    Returns
    -------
    DataFrame
        The bundled rows not replaced, then the user's rows (``origin`` says which is which).
    """
    kept = bundled[~bundled["key"].isin(set(local["key"]))]
    return pd.concat([kept, local], ignore_index=True)
