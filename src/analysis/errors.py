"""Errors raised for bad input: each carries a message fit to show a user, without a traceback."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["AnalysisInputError", "ParameterError", "DataError", "Problem", "format_rows"]

#: How many failing row numbers a message lists before saying how many more there are.
MAX_ROWS_SHOWN = 5


class AnalysisInputError(Exception):
    """Base class of errors caused by the user's input (parameters or data)."""


class ParameterError(AnalysisInputError):
    """A parameter file is unreadable, has unknown keys, wrong types or inconsistent roles."""


def format_rows(rows: Sequence[int] | Iterable[int], limit: int = MAX_ROWS_SHOWN) -> str:
    """Format row numbers as ``"rows 3, 7, 9 and 12 more"``.

    Parameters
    ----------
    rows : sequence of int
        Data row numbers (1 = the first row after the header).
    limit : int
        How many to list before summarising the rest.
    """
    rows = sorted(set(int(r) for r in rows))
    shown = ", ".join(str(r) for r in rows[:limit])
    more = len(rows) - limit
    word = "row" if len(rows) == 1 else "rows"
    return f"{word} {shown}" + (f" and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class Problem:
    """One failed rule in one input file.

    Attributes
    ----------
    file : str
        The file at fault (as the user named it).
    column : str or None
        The column at fault, by the user's column name (with its role where it has one).
    rule : str
        The rule that failed, in words.
    rows : tuple of int
        Data row numbers that fail (1 = first row after the header); empty for whole-file rules.
    """

    file: str
    column: str | None
    rule: str
    rows: tuple[int, ...] = field(default=())

    def __str__(self) -> str:
        parts = [self.file]
        if self.column is not None:
            parts.append(f"column {self.column}")
        parts.append(self.rule)
        text = ": ".join(parts)
        if self.rows:
            text += f" ({len(set(self.rows))} failing; {format_rows(self.rows)})"
        return text


class DataError(AnalysisInputError):
    """One or more input files break the data contract.

    Parameters
    ----------
    problems : sequence of Problem
        Every failed rule; the message lists each on its own line.
    """

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
