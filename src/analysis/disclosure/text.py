"""Attacks (d) and (e) of the disclosure audit: a hidden value printed or drawn elsewhere.

A table hides a value (a survival probability, a rate, an interval) that the rest of the run
may still give away: a sentence of an executed notebook or of the report ("27.2% reoffended
(95% CI 20.8 to 35.1)"), ``results.json``, another table, a label of a figure (d), or the data
a figure draws (e).

For (d), each hidden value is written the ways a sentence would print it: as it is, as a
percentage (times 100) or a proportion (divided by 100), and for a survival value also as its
complement (1 - S, 100 - %), each to 1 to 4 decimals where that keeps at least three
significant digits, and to the ten significant digits of the tables. A line of text gives a
hidden value away when it is a sentence (at most :data:`SENTENCE_NUMBERS` numbers) printing two
or more numbers that are hidden values of the same row (an estimate and its interval), or when
it prints one hidden value to four or more significant digits that no shown value
prints the same way (a shown whole number printed with decimals, ``2.000``, included). Whole
numbers are not searched for (a count of 3 cannot be told from any
other 3), nor are values with fewer than five significant digits alone (0.125 or 1.75 are
printed by many shown values too).

For (e), the values a figure draws are compared with the same transforms of each hidden value
of five or more significant digits, to one part in 10^9, leaving out values equal to a shown
value (which the figure may draw): its markers, short lines, band edges and bar ends, and its
curves (a Kaplan-Meier curve) read at the times of the hidden cell's row (a curve's value at a
horizon), the value of a step curve at a time being that of its last point at or before it.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.disclosure.cells import ATTACKS, Finding

__all__ = ["Hidden", "drawn_in_figures", "printed_elsewhere", "printed_forms"]

#: A number as text prints it: thousands separated by commas in groups of three (``12,345.6``)
#: or no separator (``5.1``); ``5,10.0`` is two numbers, 5 and 10.0.
_TOKEN = re.compile(r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class Hidden:
    """A hidden cell's exact value: its table, its cell's name and its column's role."""

    table: str
    cell: str
    kind: str
    value: float
    row: int = -1
    times: tuple[float, ...] = ()


def _searchable(value: float) -> bool:
    return bool(np.isfinite(value)) and abs(value - round(value)) > 1e-9


def _transforms(h: Hidden) -> list[float]:
    v = h.value
    out = [v, 100.0 * v, v / 100.0]
    if h.kind == "survival":
        out += [1.0 - v, 100.0 * (1.0 - v), 100.0 - v, 1.0 - v / 100.0]
    return [abs(x) for x in out if _searchable(x)]


def _significant(text: str) -> int:
    return len(text.replace(".", "").lstrip("0"))


def printed_forms(h: Hidden) -> set[str]:
    """The ways a sentence or table could print the hidden value (see the module's notes)."""
    if not _searchable(h.value):
        return set()
    forms = set()
    for x in _transforms(h):
        forms.add(f"{x:.10g}")
        for decimals in range(1, 5):
            s = f"{x:.{decimals}f}"
            if _significant(s) >= 3:
                forms.add(s)
    return forms


def _shown_forms(v: Hidden) -> set[str]:
    """The ways a sentence or table could print a shown value: as :func:`printed_forms`, and a
    whole number to 1 to 4 decimals too (a mean of 2 printed ``2.000`` accounts for those
    digits)."""
    if _searchable(v.value) or not np.isfinite(v.value):
        return printed_forms(v)
    return {f"{abs(x):.{d}f}" for x in (v.value, 100.0 * v.value, v.value / 100.0)
            for d in range(1, 5)}


def _distinct(value: float) -> bool:
    """A value with five or more significant digits (not a simple fraction such as 0.125)."""
    return _searchable(value) and _significant(f"{abs(value):.10g}".split("e")[0]) >= 5


def _tokens(text: str) -> list[str]:
    return [t.replace(",", "").replace("E", "e") for t in _TOKEN.findall(text)]


def _line_text(line: str, source: str) -> str:
    """The words of a line: a CSV file's fields apart (its commas separate fields, never the
    thousands of a number: ``<5,100`` is ``<5`` and ``100``)."""
    if not source.endswith(".csv"):
        return line
    return " ".join(next(csv.reader([line]), []))


#: A line with at most this many numbers is a sentence (a row of a table prints more).
SENTENCE_NUMBERS = 6
_LINE = re.compile(r"\n|</tr>|</p>|</li>|<br\s*/?>")


def printed_elsewhere(hidden: Sequence[Hidden], texts: Mapping[str, str],
                      shown: Iterable[Hidden] = ()) -> list[Finding]:
    """Attack (d): hidden values printed in ``texts`` (source name to text).

    Parameters
    ----------
    hidden : sequence of Hidden
        The exact values of the hidden cells.
    texts : mapping of str to str
        Every text of the run by source; a source named ``<table>.csv`` is not searched for
        that table's own hidden values.
    shown : iterable of Hidden
        The values the tables show (a number they print is not a hidden one's).
    """
    by_form: dict[str, list[Hidden]] = defaultdict(list)
    for h in hidden:
        for form in printed_forms(h):
            by_form[form].append(h)
    explained = {form for v in shown for form in _shown_forms(v)}
    found: dict[Hidden, set[str]] = defaultdict(set)
    for source, text in texts.items():
        for line in _LINE.split(text):
            tokens = _tokens(_line_text(line, source))
            sentence = len(tokens) <= SENTENCE_NUMBERS
            matches = [(t, h) for t in tokens if t in by_form for h in by_form[t]
                       if source != f"{h.table}.csv"]
            # the numbers of the line that print hidden values of each row
            rows: dict[tuple[str, int], set[str]] = defaultdict(set)
            for token, h in matches:
                rows[(h.table, h.row)].add(token)
            for token, h in matches:
                alone = (_significant(token) >= 4 and token not in explained
                         and _distinct(h.value))
                if alone or (sentence and len(rows[(h.table, h.row)]) >= 2):
                    found[h].add(source)
    return [Finding(h.table, h.cell, f"d: {ATTACKS['d']}", "a hidden value is printed",
                    tuple(sorted(sources))) for h, sources in found.items()]


def _near(values: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """True for each target within one part in 10^9 of a value (``values`` sorted)."""
    if not len(values) or not len(targets):
        return np.zeros(len(targets), dtype=bool)
    at = np.searchsorted(values, targets)
    below = values[np.clip(at - 1, 0, len(values) - 1)]
    above = values[np.clip(at, 0, len(values) - 1)]
    near = np.minimum(np.abs(below - targets), np.abs(above - targets))
    return near <= 1e-9 * np.maximum(targets, 1e-12)


def _curve_at(curve: Sequence[Sequence[float]], times: Sequence[float]) -> list[float]:
    """A step curve's values at ``times`` (its last point at or before each)."""
    x, y = np.asarray(curve[0], dtype=float), np.asarray(curve[1], dtype=float)
    if not len(x):
        return []
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    at = np.searchsorted(x, np.asarray(times, dtype=float), side="right") - 1
    return [float(y[i]) for i in at if i >= 0]


def drawn_in_figures(hidden: Sequence[Hidden], figures: Mapping[str, Mapping[str, Any]],
                     shown: Iterable[Hidden] = ()) -> list[Finding]:
    """Attack (e): hidden values among what each figure draws.

    Parameters
    ----------
    hidden : sequence of Hidden
        The exact values of the hidden cells, with the times of their rows.
    figures : mapping of str to mapping
        By figure name, what it draws: ``values`` (markers, short lines, bands, bars) and
        ``curves`` (pairs of x and y lists).
    shown : iterable of Hidden
        The values the tables show (a figure may draw them).
    """
    explained = np.unique([t for v in shown for t in _transforms(v)])
    drawn = {name: np.unique(np.abs(np.asarray(f.get("values", []), dtype=float)))
             for name, f in figures.items()}
    out = []
    for h in hidden:
        if not _distinct(h.value):
            continue
        targets = np.asarray(_transforms(h))
        targets = targets[~_near(explained, targets)]
        names = []
        for name, f in figures.items():
            at_times = np.unique(np.abs([v for c in f.get("curves", [])
                                         for v in _curve_at(c, h.times)]))
            if _near(drawn[name], targets).any() or _near(at_times, targets).any():
                names.append(name)
        if names:
            out.append(Finding(h.table, h.cell, f"e: {ATTACKS['e']}", "a hidden value is drawn",
                               tuple(names)))
    return out
