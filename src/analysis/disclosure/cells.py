"""Published cells as a reader sees them, and the findings of the disclosure audit.

A published cell is read from its text (:func:`read_cell`): a number shown to so many decimals
(which gives an interval: ``0.11`` is anything from 0.105 to 0.115), a small count (``"<5"``:
1 to 4), a suppressed value, or a blank. A :class:`Finding` names a table and a cell (column,
row and the row's labels) and the attack that recovers it, never the value.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from analysis.disclosure import SUPPRESSED

__all__ = ["Cell", "Finding", "cell_name", "read_cell", "ATTACKS"]

#: The attacks the audit tries, by letter.
ATTACKS = {
    "a": "a rate times its shown denominator",
    "b": "a total minus the shown parts",
    "c": "a rate times a published population",
    "d": "a value printed elsewhere in the run",
    "e": "a value drawn in a figure",
}
_NUMBER = re.compile(r"^[-+]?(\d[\d,]*)?(\.\d+)?(?:[eE]([-+]?\d+))?%?$")
_SMALL = re.compile(r"^<\s*\d+$")


@dataclass(frozen=True)
class Cell:
    """A published cell as a reader sees it.

    ``state`` is ``"shown"`` (``value`` give or take ``half_width``), ``"small"`` (a count
    shown as ``"<5"``), ``"hidden"`` (``"suppressed"``), ``"blank"`` or ``"text"``.
    """

    state: str
    value: float = math.nan
    half_width: float = 0.0

    @property
    def interval(self) -> tuple[float, float]:
        """The values the shown number can stand for."""
        return self.value - self.half_width, self.value + self.half_width


def read_cell(text: object) -> Cell:
    """Read one published cell (text as in the CSV, or a number)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return Cell("blank")
    if isinstance(text, bool):
        return Cell("text")
    if isinstance(text, int | float):
        return Cell("shown", float(text), abs(float(text)) * 5e-16)
    s = str(text).strip()
    if s in ("", "nan", "NaN", "n/a", "None", "<NA>"):
        return Cell("blank")
    if _SMALL.match(s):
        return Cell("small")
    if s == SUPPRESSED:
        return Cell("hidden")
    m = _NUMBER.match(s)
    if not m or not (m.group(1) or m.group(2)):
        return Cell("text")
    decimals = len(m.group(2)) - 1 if m.group(2) else 0
    decimals -= int(m.group(3)) if m.group(3) else 0
    value = float(s.rstrip("%").replace(",", ""))
    return Cell("shown", value, 0.5 * 10.0 ** -decimals)


def cell_name(table: pd.DataFrame, keys: list[str], row: int, column: str) -> str:
    """Where a cell is: its column, its row (1 = the first row under the header) and the row's
    labels (never a value of the cell)."""
    labels = [f"{k}={table.iloc[row][k]}" for k in keys
              if k in table.columns and k != column and str(table.iloc[row][k]) not in ("", "nan")]
    where = f" ({', '.join(labels)})" if labels else ""
    return f"{column}, row {row + 1}{where}"


@dataclass(frozen=True)
class Finding:
    """A cell a reader can recover: which table and cell, by which attack, using what."""

    table: str
    cell: str
    attack: str
    how: str
    using: tuple[str, ...] = ()

    def __str__(self) -> str:
        using = f"; using {', '.join(self.using)}" if self.using else ""
        return f"{self.table}.csv: {self.cell}: {self.how} ({self.attack}{using})"
