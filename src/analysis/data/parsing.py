"""Parse the text of input cells: numbers, whole numbers, 0/1 flags, dates and covariates.

Every column of an input table is read as text (:mod:`analysis.data.readers`). :func:`read_column`
strips surrounding spaces and parses a column to the dtype of its kind
(:data:`analysis.contract.Kind`); a value that does not parse becomes missing (NaN, NaT or <NA>),
for :mod:`analysis.data.checks` to report. Parsing is vectorised, except one pass stripping
spaces from identifiers and text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from analysis.contract import DATE_FORMAT_NAMES, FLAG_FALSE, FLAG_TRUE, Kind

__all__ = [
    "DATE_CHOICES",
    "DATE_FORMATS",
    "DEFAULT_DATE_FORMAT",
    "ISO_DATES",
    "SAMPLE",
    "TYPED_KINDS",
    "ColumnKind",
    "parse_auto",
    "parse_column",
    "parse_dates",
    "parse_flags",
    "parse_integers",
    "parse_numbers",
    "read_column",
    "chosen_family",
    "date_families",
    "families_reading",
    "family_hits",
    "date_format_label",
    "other_date_order",
]

#: ISO dates (``YYYY-MM-DD``), accepted in every file whatever its declared format: they are
#: unambiguous, and Excel date cells and Parquet date columns are read as such text.
ISO_DATES: tuple[str, ...] = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")

#: The named date formats a file may declare (``data.<table>.date_format``, names in
#: :data:`analysis.contract.DATE_FORMAT_NAMES`), each a family of
#: formats: the date alone, or followed by a time of day (as some database and spreadsheet
#: exports write it; the time is dropped). ``iso`` accepts ISO dates only.
DATE_CHOICES: dict[str, tuple[str, ...]] = {
    "day_first": ("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"),
    "month_first": ("%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S"),
    "iso": ISO_DATES,
}

#: The date format of a file that declares none: UK day-first (``DD/MM/YYYY``).
DEFAULT_DATE_FORMAT = DATE_FORMAT_NAMES[0]

_DIRECTIVE_LABELS = {"%d": "DD", "%m": "MM", "%Y": "YYYY", "%y": "YY", "%b": "Mon",
                     "%B": "Month", "%H": "hh", "%M": "mm", "%S": "ss", "%%": "%"}


def date_families(date_format: str = DEFAULT_DATE_FORMAT) -> tuple[tuple[str, ...], ...]:
    """Return the format families a column is read with, in the order they are tried.

    ISO first, then the declared format: a named choice of :data:`DATE_CHOICES`, or a
    ``strptime`` format such as ``"%d.%m.%Y"`` (read exactly as written).
    """
    declared = DATE_CHOICES.get(date_format, (date_format,))
    return (ISO_DATES,) if declared == ISO_DATES else (ISO_DATES, declared)


def date_format_label(date_format: str = DEFAULT_DATE_FORMAT) -> str:
    """Return the declared format as users write dates, e.g. ``DD/MM/YYYY`` or ``DD.MM.YYYY``."""
    first = DATE_CHOICES.get(date_format, (date_format,))[0]
    return re.sub(r"%[a-zA-Z%]", lambda m: _DIRECTIVE_LABELS.get(m.group(0), m.group(0)), first)


def other_date_order(date_format: str) -> str | None:
    """Return ``month_first`` for ``day_first`` and the reverse; None for other formats."""
    return {"day_first": "month_first", "month_first": "day_first"}.get(date_format)


#: The format families of a file with the default date format: ISO (``YYYY-MM-DD``) first, then
#: UK day-first (``DD/MM/YYYY``). The first family that reads every value of a column is used for
#: the whole column.
DATE_FORMATS: tuple[tuple[str, ...], ...] = date_families(DEFAULT_DATE_FORMAT)

#: Sample size used to choose a date format family quickly (see :func:`parse_dates`).
SAMPLE = 10_000

#: A column's expected kind: a contract kind, or ``"auto"`` for a covariate (number or text).
ColumnKind = Kind | Literal["auto"]

#: The kinds whose values must parse (the other kinds are text, kept as read).
TYPED_KINDS: tuple[str, ...] = ("number", "integer", "flag", "date")


def _case_variants(word: str) -> set[str]:
    """Return every upper/lower-case spelling of ``word`` (``yes`` → ``YES``, ``Yes``, ...)."""
    out = {""}
    for ch in word:
        out = {p + c for p in out for c in {ch.lower(), ch.upper()}}
    return out


#: Every accepted spelling of a flag value mapped to 1 or 0 (a dict lookup is vectorised by
#: ``Series.map``, which is much faster than lower-casing millions of strings).
_FLAG_VALUES: dict[str, int] = {
    **{v: 1 for w in FLAG_TRUE for v in _case_variants(w)},
    **{v: 0 for w in FLAG_FALSE for v in _case_variants(w)},
}

def _clean_text(values: pd.Series) -> pd.Series:
    """Strip surrounding spaces from text; a cell left empty becomes NaN (blank).

    A plain loop over the values: several times faster than ``Series.str.strip`` on millions
    of rows (``str.strip`` returns the same object when there is nothing to strip).
    """
    if values.dtype != object:
        return values
    nan = np.nan
    stripped = [(v.strip() or nan) if v.__class__ is str else v for v in values.to_numpy()]
    out = np.empty(len(stripped), dtype=object)
    out[:] = stripped
    return pd.Series(out, index=values.index, name=values.name)


def parse_numbers(values: pd.Series) -> pd.Series:
    """Return text as float64; values that are not finite numbers become NaN.

    A column in which every value is a number is converted directly (several times faster);
    otherwise ``pd.to_numeric`` turns the values that are not numbers into NaN.
    """
    try:
        num = pd.Series(values.to_numpy(dtype=object).astype(np.float64), index=values.index)
    except (ValueError, TypeError):
        num = pd.to_numeric(values, errors="coerce").astype("float64")
    return num.where(np.isfinite(num))


def parse_integers(values: pd.Series) -> pd.Series:
    """Return text as nullable Int64; values that are not whole numbers become <NA>."""
    num = parse_numbers(values)
    return num.where(num == np.floor(num)).astype("Int64")


def parse_flags(values: pd.Series) -> pd.Series:
    """Return text as nullable Int64 0/1 (see :data:`analysis.contract.FLAG_TRUE`); others <NA>."""
    return values.map(_FLAG_VALUES).astype("Int64")


def parse_dates(values: pd.Series, date_format: str = DEFAULT_DATE_FORMAT,
                family: int | None = None) -> pd.Series:
    """Return text as datetime64[ns], read with the families of ``date_format``.

    The first family of :func:`date_families` that reads every value is used; if none does,
    the family reading most values, the others becoming NaT (reported as unparseable). So a
    column whose values are valid in both day-first and month-first order is read in the
    declared order. To keep a column of bad dates fast, families are tried in the order of their
    success on a sample of the values, and a family that reads none of the sample is not tried
    on the whole column once another has been (:func:`chosen_family`). ``family``, the position
    of a family in :func:`date_families`, reads a part of a column with the family chosen for
    the whole column.
    """
    families = date_families(date_format)
    if family is not None:
        return _parse_date_family(values, families[family])
    present = values.dropna()
    parsed: dict[int, pd.Series] = {}

    def reads(i: int) -> int:
        parsed[i] = _parse_date_family(values, families[i])
        return int(parsed[i].notna().sum())

    return parsed[chosen_family(family_hits(present.iloc[:SAMPLE], date_format), reads,
                                len(present))]


def family_hits(values: pd.Series, date_format: str = DEFAULT_DATE_FORMAT) -> list[int]:
    """How many of the values each family of :func:`date_families` reads."""
    return [int(_parse_date_family(values, family).notna().sum())
            for family in date_families(date_format)]


def chosen_family(sample_hits: Sequence[int], reads: Callable[[int], int], present: int) -> int:
    """The family a whole column is read with (see :func:`parse_dates`).

    Parameters
    ----------
    sample_hits : sequence of int
        The values of the column's sample (its first values) each family reads.
    reads : callable
        The values of the whole column family ``i`` reads.
    present : int
        The column's values (blanks left out).

    Returns
    -------
    int
        The first family, in the order of the sample's hits, that reads every value; if none
        does, the one reading most (of those tried).
    """
    best, most = -1, -1
    for i in sorted(range(len(sample_hits)), key=lambda i: -sample_hits[i]):
        if best >= 0 and sample_hits[i] == 0:
            break
        n = reads(i)
        if n == present:
            return i
        if n > most:
            best, most = i, n
    return best


def _parse_date_family(values: pd.Series, family: tuple[str, ...]) -> pd.Series:
    """Parse with the first format of ``family``; values it misses are tried with the others.

    When more than :data:`SAMPLE` values are still unread, a further format is tried on all of
    them only if it reads some of the first :data:`SAMPLE` (a failing parse is slow).
    """
    parsed = pd.to_datetime(values, format=family[0], errors="coerce")
    for fmt in family[1:]:
        rest = values[parsed.isna() & values.notna()]
        if rest.empty:
            break
        if len(rest) > SAMPLE and pd.to_datetime(rest.iloc[:SAMPLE], format=fmt,
                                                  errors="coerce").isna().all():
            continue
        parsed[rest.index] = pd.to_datetime(rest, format=fmt, errors="coerce").dt.normalize()
    return parsed


def families_reading(value: str, date_format: str = DEFAULT_DATE_FORMAT) -> tuple[int, ...]:
    """Return the positions in :func:`date_families` of the families that read one date.

    A column read in chunks keeps the whole column's one-format rule when every chunk is read
    whole by the same family: this tells the family of a chunk by its first value.
    """
    one = pd.Series([value], dtype=object)
    return tuple(i for i, family in enumerate(date_families(date_format))
                 if _parse_date_family(one, family).notna().all())


def parse_auto(values: pd.Series) -> pd.Series:
    """Return a covariate as float64 if every value is a number, else as text."""
    num = parse_numbers(values)
    return num if num.notna().sum() == values.notna().sum() else values


_PARSERS: dict[str, Callable[[pd.Series], pd.Series]] = {
    "number": parse_numbers,
    "integer": parse_integers,
    "flag": parse_flags,
    "auto": parse_auto,
}


def parse_column(values: pd.Series, kind: ColumnKind,
                 date_format: str = DEFAULT_DATE_FORMAT, family: int | None = None) -> pd.Series:
    """Parse a text column to the dtype of its kind.

    Parameters
    ----------
    values : pandas.Series
        Text as read (object dtype, blanks NaN, spaces stripped).
    kind : str
        ``date`` → datetime64[ns]; ``flag`` and ``integer`` → Int64; ``number`` → float64;
        ``id`` and ``text`` → unchanged text; ``auto`` → float64 if all values are numbers.
    date_format : str
        The file's declared date format (see :func:`date_families`), for ``date`` columns.
    family : int, optional
        The date format family to read a ``date`` column with (see :func:`parse_dates`).

    Returns
    -------
    pandas.Series
        The parsed column; values that do not parse are missing (NaN, NaT or <NA>).
    """
    if kind == "date":
        return parse_dates(values, date_format, family)
    parser = _PARSERS.get(kind)
    return values if parser is None else parser(values)


def read_column(values: pd.Series, kind: ColumnKind, date_format: str = DEFAULT_DATE_FORMAT,
                family: int | None = None) -> tuple[pd.Series, pd.Series]:
    """Clean and parse one column as read.

    Parameters
    ----------
    values : pandas.Series
        Text as read (object dtype, blanks NaN).
    kind : str
        The column's kind (see :func:`parse_column`).
    date_format : str
        The file's declared date format (see :func:`date_families`), for ``date`` columns.
    family : int, optional
        The date format family to read a ``date`` column with (see :func:`parse_dates`).

    Returns
    -------
    text : pandas.Series
        The text with surrounding spaces stripped (cells of spaces only become NaN).
    parsed : pandas.Series
        The parsed column.

    Notes
    -----
    Identifiers and text are stripped first. Typed columns are parsed as read and only the
    values that fail are stripped and parsed again (a date column is then parsed again whole, so
    that it keeps one format): stripping millions of values is the slowest step otherwise.
    """
    if kind not in TYPED_KINDS:
        text = _clean_text(values)
        return text, parse_column(text, kind)
    parsed = parse_column(values, kind, date_format, family)
    failed = parsed.isna().to_numpy() & values.notna().to_numpy()
    if not failed.any():
        return values, parsed
    text = values.copy()
    text[failed] = _clean_text(values[failed])
    if kind == "date":
        return text, parse_column(text, kind, date_format, family)
    retry = text[failed].dropna()
    if len(retry):
        parsed[retry.index] = parse_column(retry, kind)
    return text, parsed
