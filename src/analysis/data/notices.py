"""Warnings about valid input data: what a run may rely on, but the user should know.

Rules that make data unusable stop a run (:class:`~analysis.errors.DataError`). Some findings do
not, but must never pass silently; each is a :class:`Notice`, shown by ``validate`` and ``run``
and recorded in the run's manifest. This module finds the records dated after the extract date
(:func:`extract_date_notices`): a date later than the day the data were extracted is a keying or
extraction error, and the measures would quietly leave such records out of follow-up.

Like errors, notices name the file, the column and the rows, never a value. The form recorded
in a run (:meth:`Notice.record`) gives the number of rows under the small-count rule and no
row numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis.data.specs import table_specs
from analysis.disclosure import count_text
from analysis.errors import format_rows
from analysis.params import RunParams

__all__ = ["AFTER_EXTRACT", "Notice", "extract_date_notices"]

#: Text of the notice on a date column with dates after ``data.extract_date``.
AFTER_EXTRACT = "dated after the extract date {date} (data.extract_date)"


@dataclass(frozen=True)
class Notice:
    """One warning about one input file.

    Attributes
    ----------
    file : str
        The file (as messages name it).
    column : str or None
        The column, by the user's name and its role.
    text : str
        What was found, in words.
    rows : tuple of int
        Data row numbers concerned (1 = first row after the header); empty for the whole file.
    """

    file: str
    column: str | None
    text: str
    rows: tuple[int, ...] = field(default=())

    def __str__(self) -> str:
        parts = [self.file] + ([f"column {self.column}"] if self.column is not None else [])
        text = ": ".join([*parts, self.text])
        if self.rows:
            n = len(self.rows)
            text += f" ({n:,} {'row' if n == 1 else 'rows'}; {format_rows(self.rows)})"
        return text

    def record(self, min_cell: int) -> dict[str, Any]:
        """The notice as recorded in a run: the number of rows under the small-count rule
        (1 to ``min_cell - 1`` shown as ``<min_cell``), no row numbers."""
        out: dict[str, Any] = {"file": self.file, "column": self.column, "warning": self.text}
        if self.rows:
            out["rows"] = count_text(len(self.rows), min_cell)
        return out


def extract_date_notices(frames: Mapping[str, pd.DataFrame | None], params: RunParams,
                         files: Mapping[str, str]) -> list[Notice]:
    """One notice per date column holding dates after ``data.extract_date`` (records form).

    Parameters
    ----------
    frames : mapping of str to DataFrame
        The validated tables by name (``people``, ``offences``), role names, data row ``i`` at
        index ``i - 1``.
    params : RunParams
        The run parameters (extract date, column labels).
    files : mapping of str to str
        The file names for messages, by table.

    Returns
    -------
    list of Notice
        In table order, then column order; empty in the survival form.
    """
    extract = params.data.extract_date
    if params.data.form != "records" or extract is None:
        return []
    text = AFTER_EXTRACT.format(date=extract.isoformat())
    day = pd.Timestamp(extract)
    out = []
    for table in ("people", "offences"):
        frame = frames.get(table)
        if frame is None:
            continue
        for spec in table_specs(table, params):
            if spec.kind != "date" or spec.name not in frame:
                continue
            late = frame.index[(frame[spec.name] > day).fillna(False).to_numpy(dtype=bool)]
            if len(late):
                out.append(Notice(files[table], spec.label, text,
                                  tuple(int(i) + 1 for i in late)))
    return out
