"""Read and validate a records-form table in chunks, for cohorts too large to hold in memory.

With the DuckDB engine (:mod:`analysis.data.engine`) the people and offences files are read
in chunks of :data:`CHUNK_ROWS` rows (pandas' CSV reader, or Parquet record batches) and each
chunk goes through the same rules as a table read whole (:func:`analysis.data.checks.validate_table`,
:func:`~analysis.data.checks.validate_cross`, :func:`~analysis.data.notices.extract_date_notices`),
with its rows numbered as in the file. The rules that need more than a chunk are handled here:

- unique person ids and both treatment levels run once on the whole parsed people table
  (:func:`~analysis.data.checks.whole_column_problems`), which is kept: one row per person,
  the columns the run maps, typed;
- offences of unknown people and offences before cohort start are checked chunk by chunk
  against that people table; the offences themselves are not kept;
- one date format per column (:mod:`analysis.data.parsing`): when every chunk of a date
  column is read whole by the same format family, that is the whole column's reading;
  otherwise (a date that does not read, or chunks in different formats) the file is read
  twice more: once to count the values each family reads over the whole column and choose
  the family as :func:`~analysis.data.parsing.parse_dates` would
  (:func:`~analysis.data.parsing.chosen_family`), and whether every value reads in the other
  day/month order; then to validate every chunk with that reading;
- a covariate is numeric when every chunk is;
- blank rows after the last data row are dropped, and lines with fewer fields than the
  header (short lines, and blank lines inside the file), or with more where they start a
  chunk of pandas' reader (which would take them silently), are found by reading the file in
  blocks (:func:`~analysis.data.fields.field_counts`).

A file this cannot settle alone, because it holds a covariate numeric in some chunks only, a
line the CSV reader cannot split, no data rows, a repeated column name, short, blank or long
lines,
or text neither UTF-8 nor Windows-1252, or because it cannot be opened, gives None
(:class:`Unstreamable` inside): the caller then reads and validates it whole with
:mod:`analysis.data.readers`, which words the message. Every such file but an offences file
with a header only, or a people file with such a covariate, breaks a rule, so the run stops
with the same message as on the pandas path (the offences are then held in memory to word
it).

One difference remains possible: within a family, a further format (a date with a time of
day) is tried on the values the first format missed only if it reads some of the first
:data:`~analysis.data.parsing.SAMPLE` of them, in each chunk here and in the whole column
there; a column with more than that many unreadable values before its first date with a
time of day could then be reported differently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from analysis.data import readers
from analysis.data.cell_text import arrow_as_text
from analysis.data.checks import (
    RULES,
    DateReading,
    known_people,
    validate_cross,
    validate_table,
    whole_column_problems,
)
from analysis.data.fields import field_counts, open_rows
from analysis.data.notices import Notice, extract_date_notices
from analysis.data.parsing import (
    DEFAULT_DATE_FORMAT,
    SAMPLE,
    TYPED_KINDS,
    chosen_family,
    date_families,
    families_reading,
    family_hits,
    other_date_order,
    read_column,
)
from analysis.data.specs import ColumnSpec, table_params, table_specs
from analysis.errors import Problem
from analysis.params import RunParams

__all__ = ["CHUNK_ROWS", "Streamed", "Unstreamable", "stream_table"]

#: Rows read and validated at a time.
CHUNK_ROWS = 250_000

#: Order of the rules on one column, as :func:`~analysis.data.checks.validate_table` reports
#: them: a blank, a wrong type, then the value rules in the order they are checked.
_VALUE_RULES = ("duration", "exit_before_start", "proven_before_offence", "duplicate_id",
                "negative_count", "age_range", "birth_after_start", "derived_age_range")


class Unstreamable(Exception):
    """A file that the chunked reading leaves to the whole-table reader."""


@dataclass
class Streamed:
    """A table read and validated in chunks.

    Attributes
    ----------
    rows : int
        Data rows read.
    problems : list of Problem
        Every failed rule of the table, then (offences) of the offences against the people.
    frame : pandas.DataFrame or None
        The parsed table (people), None for the offences, which are not kept.
    notices : list of Notice
        Dates after the extract date (offences; the people's come from ``frame``).
    """

    rows: int
    problems: list[Problem]
    frame: pd.DataFrame | None = None
    notices: list[Notice] = field(default_factory=list)


def stream_table(table: str, params: RunParams, names: dict[str, str],
                 people: pd.DataFrame | None = None) -> Streamed | None:
    """Read and validate the ``people`` or ``offences`` table in chunks.

    Parameters
    ----------
    table : {"people", "offences"}
        The table.
    params : RunParams
        Checked records-form parameters.
    names : dict of str to str
        The files' names for messages, by table.
    people : pandas.DataFrame, optional
        The parsed people table, to check the offences against (offences only; not checked
        against the people when the people file could not be read).

    Returns
    -------
    Streamed or None
        None when the file must be read whole (see the module docstring).
    """
    path = Path(table_params(params, table).file)
    wanted = {s.source for s in table_specs(table, params)}
    encodings: tuple[str, ...] = readers._ENCODINGS
    while True:
        try:
            return _validated(table, params, names, people,
                              partial(_chunks, path, wanted, encodings))
        except _WrongEncoding as wrong:
            encodings = wrong.rest
        except Unstreamable:
            return None


def _validated(table: str, params: RunParams, names: dict[str, str], people: pd.DataFrame | None,
               chunks: Callable[[], Iterator[pd.DataFrame]]) -> Streamed:
    """Validate the chunks; read them twice more if a date column needs the whole column."""
    try:
        return _Validation(table, params, names, people).run(chunks())
    except _DatesDiffer:
        dates = _date_readings(chunks(), table, params)
        return _Validation(table, params, names, people, dates).run(chunks())


class _DatesDiffer(Exception):
    """A date column not read whole by one format family in every chunk alike."""


class _WrongEncoding(Exception):
    """A CSV file whose text fails to decode after some chunks were read: read it again."""

    def __init__(self, rest: tuple[str, ...]) -> None:
        super().__init__()
        self.rest = rest


def _date_readings(chunks: Iterator[pd.DataFrame], table: str,
                   params: RunParams) -> dict[str, DateReading]:
    """How each date column of the whole table is read, found over its chunks.

    The family is chosen as :func:`analysis.data.parsing.parse_dates` chooses it for a whole
    column (:func:`~analysis.data.parsing.chosen_family`), from the values each family reads
    in every chunk and in the column's first :data:`~analysis.data.parsing.SAMPLE` values; the
    column is misordered (:class:`~analysis.data.checks.DateReading`) when values fail and
    every value reads in the other day/month order.
    """
    date_format = getattr(table_params(params, table), "date_format", DEFAULT_DATE_FORMAT)
    other = other_date_order(date_format)
    specs = [s for s in table_specs(table, params) if s.kind == "date"]
    count = len(date_families(date_format))
    hits = {s.name: np.zeros(count, dtype=np.int64) for s in specs}
    others = {s.name: np.ones(len(date_families(other)) if other else 0, dtype=bool) for s in specs}
    present = dict.fromkeys(hits, 0)
    samples: dict[str, list[pd.Series]] = {s.name: [] for s in specs}
    for chunk in chunks:
        for s in (s for s in specs if s.source in chunk.columns):
            text = read_column(chunk[s.source], "text")[0].dropna()
            present[s.name] += len(text)
            hits[s.name] += family_hits(text, date_format)
            taken = sum(len(part) for part in samples[s.name])
            if taken < SAMPLE:
                samples[s.name].append(text.iloc[:SAMPLE - taken])
            if other is not None:
                others[s.name] &= np.asarray(family_hits(text, other)) == len(text)
    out = {}
    for name, counts in hits.items():
        sample = pd.concat(samples[name]) if samples[name] else pd.Series(dtype=object)
        family = chosen_family(family_hits(sample, date_format), counts.tolist().__getitem__,
                               present[name])
        out[name] = DateReading(family, bool(counts[family] < present[name] and others[name].any()))
    return out


def _chunks(path: Path, wanted: set[str], encodings: tuple[str, ...]) -> Iterator[pd.DataFrame]:
    """The file's chunks, every column as text, rows numbered from 0 over the whole file."""
    suffix = path.suffix.lower()
    if suffix in readers.PARQUET_SUFFIXES:
        return _parquet_chunks(path, wanted)
    if suffix in readers.CSV_SUFFIXES:
        return _csv_chunks(path, wanted, encodings)
    raise Unstreamable


def _parquet_chunks(path: Path, wanted: set[str]) -> Iterator[pd.DataFrame]:
    """Record batches of a Parquet file as text (as :mod:`analysis.data.readers` reads them)."""
    try:
        source = pq.ParquetFile(path)
        names = [str(n) for n in source.schema_arrow.names if not str(n).startswith("__index")]
        batches = source.iter_batches(batch_size=CHUNK_ROWS,
                                      columns=readers._selection(names, wanted))
        first = 0
        for batch in batches:
            chunk = readers._keep(arrow_as_text(batch), wanted)
            chunk.index = pd.RangeIndex(first, first + len(chunk))
            first += len(chunk)
            yield readers._with_attrs(chunk, names)
    except Unstreamable:
        raise
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for corrupt files
        raise Unstreamable from exc


def _csv_chunks(path: Path, wanted: set[str],
                encodings: tuple[str, ...]) -> Iterator[pd.DataFrame]:
    """Chunks of a CSV file read as :func:`analysis.data.readers.read_table` reads it whole.

    The encodings are tried in turn; text that fails to decode after chunks were read raises
    :class:`_WrongEncoding`, to validate the file again in the next. Blank rows are held back
    until a later row holds a value (so trailing blank rows are dropped), and rows that may be
    short lines are checked at the end.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(readers._SNIFF_BYTES)
    except OSError as exc:
        raise Unstreamable from exc
    if not head or head.startswith(readers.UTF16_BOMS) or b"\x00" in head:
        raise Unstreamable
    sep = readers._sniff_delimiter(head.decode("latin-1"))
    for i, encoding in enumerate(encodings):
        read: list[int] = []
        try:
            names = readers._csv_header(path, encoding, sep)
            if len({n for n in names if n in wanted}) < len([n for n in names if n in wanted]):
                raise Unstreamable  # a repeated column name: the reader names it
            open_ends: list[np.ndarray] = []
            starts: list[int] = []
            for chunk in _csv_rows(path, encoding, sep, wanted, names, open_ends, starts):
                read.append(len(chunk))
                yield chunk
        except UnicodeDecodeError as exc:
            if read and encodings[i + 1:]:
                raise _WrongEncoding(encodings[i + 1:]) from exc
            if read:
                raise Unstreamable from exc
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as exc:
            raise Unstreamable from exc
        _check_fields(path, encoding, sep, len(names), open_ends, starts)
        return
    raise Unstreamable


def _check_fields(path: Path, encoding: str, sep: str, n_fields: int,
                  open_ends: list[np.ndarray], starts: list[int]) -> None:
    """Refuse to stream a file with short or blank lines, or with a long line starting a chunk.

    A line with fewer fields than the header is a short line or a blank line inside the file
    (a row of blanks): either way the file is refused, with the words of the whole-table
    reader. pandas' CSV reader in chunks takes a line with more fields than the header
    silently when it starts a chunk (read whole, it stops at that line); the first line of
    every chunk but the first is counted here.
    """
    short = np.concatenate(open_ends) if open_ends else np.zeros(0, dtype=np.int64)
    first = np.asarray(starts, dtype=np.int64)
    rows = np.union1d(short, first)
    counts = field_counts(path, encoding, sep, rows)
    at = dict(zip(rows.tolist(), counts.tolist(), strict=True))
    if any(at[r] < n_fields for r in short.tolist()) or any(at[r] > n_fields
                                                             for r in first.tolist()):
        raise Unstreamable


def _csv_rows(path: Path, encoding: str, sep: str, wanted: set[str], names: list[str],
              open_ends: list[np.ndarray], starts: list[int]) -> Iterator[pd.DataFrame]:
    """The chunks of a CSV file in one encoding; ``open_ends`` collects possible short lines
    and ``starts`` the first data row of every chunk of pandas' reader but the first."""
    held: pd.DataFrame | None = None
    first = read = 0
    for chunk in pd.read_csv(path, dtype=str, keep_default_na=True, skip_blank_lines=False,
                             encoding=encoding, sep=sep, engine="c", chunksize=CHUNK_ROWS):
        if read:
            starts.append(read + 1)
        read += len(chunk)
        if held is not None:
            chunk = pd.concat([held, chunk], ignore_index=True)
        end = len(chunk)
        while end > 0 and chunk.iloc[end - 1].isna().all():
            end -= 1
        held = chunk.iloc[end:]
        chunk = chunk.iloc[:end]
        if not len(chunk):
            continue
        open_ends.append(open_rows(chunk) + first + 1)
        chunk = readers._keep(chunk, wanted)
        chunk.index = pd.RangeIndex(first, first + len(chunk))
        first += len(chunk)
        yield readers._with_attrs(chunk, names)


class _Validation:
    """The rules of one table over its chunks, merged as if the table were read whole."""

    def __init__(self, table: str, params: RunParams, names: dict[str, str],
                 people: pd.DataFrame | None,
                 dates: dict[str, DateReading] | None = None) -> None:
        self.table, self.params, self.names, self.people = table, params, names, people
        self.dates = dates
        self.known = (known_people(people) if people is not None and "person_id" in people
                      else None)
        self.file = names[table]
        self.specs = table_specs(table, params)
        self.date_format = getattr(table_params(params, table), "date_format",
                                   DEFAULT_DATE_FORMAT)
        self.problems: list[Problem] = []
        self.cross: list[Problem] = []
        self.notices: list[Notice] = []
        self.parts: list[pd.DataFrame] = []
        self.families: dict[str, set[tuple[int, ...]]] = {}
        self.kinds: dict[str, set[str]] = {}
        self.rows = 0

    def run(self, chunks: Iterator[pd.DataFrame]) -> Streamed:
        """Validate every chunk, then the whole-column rules; merge the problems."""
        present: list[ColumnSpec] = []
        for chunk in chunks:
            present = [s for s in self.specs if s.source in chunk.columns]
            self._chunk(chunk, present)
        if self.rows == 0:
            raise Unstreamable  # no data rows: the reader says so, or takes a header only
        if any(len(f) > 1 for f in self.families.values()):
            raise _DatesDiffer  # read in two ways: the whole column is read one way
        if any(len(k) > 1 for k in self.kinds.values()):
            raise Unstreamable  # a covariate numeric in some chunks: text in all
        frame = None
        if self.table == "people":
            frame, self.parts = _joined(self.parts), []
            self.problems += whole_column_problems(self.table, frame, self.params, self.file)
        order = {s.label: i for i, s in enumerate(present)}
        problems = _merged(self.problems, lambda p: (order.get(p.column or "", -1), _rank(p.rule)))
        cross_order = {s.label: i for i, s in enumerate(self.specs)}
        problems += _merged(self.cross, lambda p: cross_order.get(p.column or "", -1))
        notices = [Notice(f, c, t, tuple(chain.from_iterable(r))) for (f, c, t), r in
                   _grouped((n.file, n.column, n.text, n.rows) for n in self.notices).items()]
        notices.sort(key=lambda n: cross_order.get(n.column or "", -1))
        return Streamed(self.rows, problems, frame, notices)

    def _chunk(self, chunk: pd.DataFrame, present: list[ColumnSpec]) -> None:
        """Validate one chunk and keep what the whole-table rules need."""
        self.rows += len(chunk)
        parsed, found = validate_table(self.table, chunk, self.params, self.file,
                                       whole_columns=False, dates=self.dates)
        self.problems += found
        for spec in present:
            self._reading(spec, chunk[spec.source], parsed[spec.name])
        if self.table == "people":
            self.parts.append(parsed)
            return
        if self.people is not None:
            self.cross += validate_cross(self.people, parsed, self.params, self.names,
                                         self.known)
        self.notices += extract_date_notices({"offences": parsed}, self.params,
                                             {"offences": self.file})

    def _reading(self, spec: ColumnSpec, text: pd.Series, parsed: pd.Series) -> None:
        """Record how a chunk's column was read: a date's format family, a covariate's type."""
        if spec.kind == "auto":
            self.kinds.setdefault(spec.name, set()).add(str(parsed.dtype))
        if spec.kind != "date" or self.dates is not None:
            return
        failed = parsed.isna().to_numpy() & text.notna().to_numpy()
        if failed.any() and text[failed].str.strip().ne("").any():
            raise _DatesDiffer  # an unreadable date: the whole column decides the format
        first = parsed.first_valid_index()
        if first is not None:
            self.families.setdefault(spec.name, set()).add(
                families_reading(str(text[first]).strip(), self.date_format))


def _joined(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The chunks' parsed tables as one, joined a column at a time (each chunk's column is let
    go once joined, so that the table is not held twice)."""
    if len(parts) == 1:
        return parts[0]  # numbered from 0, as the chunks are
    columns = {name: pd.concat([part.pop(name) for part in parts], ignore_index=True)
               for name in list(parts[0].columns)}
    return pd.DataFrame(columns, copy=False)


def _rank(rule: str) -> int:
    """The position of a rule among the rules of one column (see :data:`_VALUE_RULES`)."""
    if rule == RULES["blank"]:
        return 0
    if rule in (RULES[k] for k in TYPED_KINDS if k != "date") or rule.startswith(
            RULES["date"].split("(")[0]):
        return 1
    values = [RULES[k] for k in _VALUE_RULES]
    return 2 + values.index(rule) if rule in values else 2 + len(values)


def _grouped(items: Iterator[tuple]) -> dict[tuple, list[tuple[int, ...]]]:
    """Group row tuples by their key (all but the last item), in order of first appearance."""
    out: dict[tuple, list[tuple[int, ...]]] = {}
    for *key, rows in items:
        out.setdefault(tuple(key), []).append(rows)
    return out


def _merged(problems: list[Problem], key) -> list[Problem]:
    """One problem per file, column and rule, with the rows of every chunk, sorted by ``key``."""
    grouped = _grouped((p.file, p.column, p.rule, p.rows) for p in problems)
    out = [Problem(f, c, r, tuple(chain.from_iterable(rows))) for (f, c, r), rows in grouped.items()]
    return sorted(out, key=key)
