"""Read an input table with every column as text, so that types are checked by validation.

:func:`read_table` reads CSV (``.csv``, ``.txt``), Parquet (``.parquet``, ``.pq``) and Excel
(``.xlsx``, ``.xls``) files by their extension. Every cell comes back as a string or, when blank,
as NaN: pandas is not allowed to guess types, so a mistyped value is reported by
:mod:`analysis.data.checks` with its row number instead of silently turning a column into text.
Excel date cells and Parquet date columns are written as ``YYYY-MM-DD`` text, as in a CSV.

Blank lines inside a CSV and blank rows inside a sheet are kept (as rows of blanks), so data row
``i`` is always line ``i + 1`` of the CSV or row ``i + 1`` of the sheet; blank rows after the
last data row are dropped.

A file that cannot be read raises :class:`~analysis.errors.DataError` with one
:class:`~analysis.errors.Problem` naming the file and the reason; the reason never quotes the
file's contents. So do a header naming a column the run uses more than once (pandas would
silently keep one of them), a CSV line with fewer fields than the header (pandas would fill
the missing fields with blanks), a folder given as the file, and a sheet the workbook does
not have (the message names the sheets it has). Every column name of the file and, for a
workbook, the sheet read and its sheets are kept with the table (:func:`file_columns`,
:func:`workbook_sheets`) for the messages of :mod:`analysis.data.checks`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd
import pyarrow.parquet as pq

from analysis.data.cell_text import arrow_as_text, cell_text, frame_as_text
from analysis.data.fields import short_rows
from analysis.errors import DataError, Problem

__all__ = ["read_table", "file_columns", "sheets_note", "workbook_sheets", "CSV_SUFFIXES",
           "PARQUET_SUFFIXES", "EXCEL_SUFFIXES", "NO_DATA_ROWS", "DUPLICATE_COLUMN", "SHORT_LINES"]

CSV_SUFFIXES = (".csv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq")
EXCEL_SUFFIXES = (".xlsx", ".xls")

#: Rule text for a file with no data rows (0 bytes, blank lines or only a header).
NO_DATA_ROWS = "the file has no data rows"
#: Rule text for a column name the header holds more than once (``{where}``: its positions).
DUPLICATE_COLUMN = ("{n} columns of the header have this name ({where}); every column name must be unique, "
                    "rename or remove the others")
#: Rule text for CSV lines with fewer fields than the header (``{n}``: the header's fields).
SHORT_LINES = ("line has fewer fields than the header ({n}): a value or its separator is "
               "missing; write an empty field for a missing value")

#: ``DataFrame.attrs`` keys of a table as read: every column name of the file (the frame holds
#: only the columns asked for), and for a workbook the sheet read and all its sheets.
_COLUMNS_ATTR = "file_columns"
_SHEETS_ATTR = "workbook_sheets"

#: CSV encodings tried in turn: UTF-8 (with or without a byte-order mark), then Windows-1252,
#: which is what Excel on Windows writes when saving "CSV" in the UK.
_ENCODINGS = ("utf-8-sig", "cp1252")
_BAD_ENCODING = "the text is neither UTF-8 nor Windows-1252 encoded; save it as CSV UTF-8"
_DELIMITERS = (",", "\t", ";", "|")
_SNIFF_BYTES = 65536

Reader = Callable[[Path, Any, str, Collection[str] | None], pd.DataFrame]


def read_table(path: Path, sheet: str | int | None = None, *, name: str | None = None,
               columns: Collection[str] | None = None, header_only: bool = False) -> pd.DataFrame:
    """Read a CSV, Parquet or Excel file with every column as text.

    Parameters
    ----------
    path : Path
        The file. The format is chosen by the extension: ``.csv``/``.txt`` (comma-separated;
        a tab, semicolon or pipe separator is detected from the header line), ``.parquet``/``.pq``
        or ``.xlsx``/``.xls``.
    sheet : str or int, optional
        Excel sheet name or 0-based position; the first sheet when not given.
    name : str, optional
        How to name the file in error messages (default: ``str(path)``).
    columns : collection of str, optional
        Read only these columns (those the file has; others are ignored, not an error), so
        that columns an analysis does not use are never loaded. All columns when not given.
    header_only : bool, default False
        Accept a file with a header and no data rows (an offences file of a cohort in which
        nobody has a proven offence); a file with no header is refused all the same.

    Returns
    -------
    pandas.DataFrame
        One object column per file column, holding ``str`` values with blanks as NaN, and a
        ``RangeIndex`` starting at 0 (data row ``i + 1``).

    Raises
    ------
    DataError
        If the file is empty, has only a header (unless ``header_only``), or cannot be read
        (binary or wrongly encoded text, permission denied, corrupt Parquet or Excel, unknown
        extension).
    """
    path = Path(path)
    label = name if name is not None else str(path)
    suffix = path.suffix.lower()
    reader = _reader_for(suffix)
    if reader is None:
        known = ", ".join(CSV_SUFFIXES + PARQUET_SUFFIXES + EXCEL_SUFFIXES)
        _fail(label, f"cannot be read (unknown file type '{suffix or 'none'}'; use {known})")
    if _file_size(path, label, _format_name(suffix)) == 0:
        _fail(label, NO_DATA_ROWS)
    frame = reader(path, sheet, label, columns)
    if len(frame) == 0 and not header_only:
        read, sheets = workbook_sheets(frame)
        hint = f" ({sheets_note(read, sheets)})" if len(sheets) > 1 else ""
        _fail(label, NO_DATA_ROWS + hint)
    return frame.reset_index(drop=True)


def file_columns(frame: pd.DataFrame) -> list[str]:
    """Every column name of the file a table was read from (by :func:`read_table`), in order.

    The table itself holds only the columns asked for; this names them all, so that a message
    about a missing column can point to a near miss.
    """
    return list(frame.attrs.get(_COLUMNS_ATTR, [str(c) for c in frame.columns]))


def workbook_sheets(frame: pd.DataFrame) -> tuple[str | None, list[str]]:
    """The sheet a table was read from and every sheet of its workbook (None and [] if not Excel)."""
    read, sheets = frame.attrs.get(_SHEETS_ATTR, (None, []))
    return read, list(sheets)


def sheets_note(read: str | None, sheets: list[str]) -> str:
    """Say which sheet was read and which sheets the workbook has (sheet names are not data)."""
    names = ", ".join(f"'{s}'" for s in sheets)
    return f"sheet '{read}' was read; the workbook's sheets are {names}: name the sheet to read"


def _with_attrs(frame: pd.DataFrame, names: list[str],
                sheets: tuple[str | None, list[str]] | None = None) -> pd.DataFrame:
    """Record the file's column names (and the workbook's sheets) on a table as read."""
    frame.attrs[_COLUMNS_ATTR] = list(names)
    if sheets is not None:
        frame.attrs[_SHEETS_ATTR] = sheets
    return frame


def _check_unique(names: list[str], wanted: Collection[str] | None, label: str) -> None:
    """Refuse a header naming a column more than once, if the run uses that column.

    pandas keeps the first such column and renames the others (``name.1``), so the run would
    silently read one of them. Blank header cells are not names and are not checked.
    """
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(names, start=1):
        if name.strip():
            positions.setdefault(name, []).append(i)
    problems = [
        Problem(label, f"'{name}'", DUPLICATE_COLUMN.format(n=len(where), where=_positions(where)))
        for name, where in positions.items()
        if len(where) > 1 and (wanted is None or name in wanted)
    ]
    if problems:
        raise DataError(problems)


def _positions(where: list[int]) -> str:
    """Return column positions as ``"columns 3 and 9"``."""
    text = ", ".join(str(i) for i in where[:-1]) + f" and {where[-1]}"
    return f"columns {text}"


def _fail(label: str, rule: str) -> NoReturn:
    """Raise a one-problem :class:`DataError` for the whole file."""
    raise DataError([Problem(label, None, rule)])


def _reader_for(suffix: str) -> Reader | None:
    """Return the reader function for a file extension, or None if unknown."""
    if suffix in CSV_SUFFIXES:
        return _read_csv
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet
    if suffix in EXCEL_SUFFIXES:
        return _read_excel
    return None


def _format_name(suffix: str) -> str:
    """Return the format name used in messages (CSV, Parquet or Excel)."""
    if suffix in PARQUET_SUFFIXES:
        return "Parquet"
    if suffix in EXCEL_SUFFIXES:
        return "Excel"
    return "CSV"


def _file_size(path: Path, label: str, fmt: str) -> int:
    """Return the size of a file in bytes; a file that cannot be reached raises DataError."""
    reason = ""
    try:
        if path.is_dir():
            raise IsADirectoryError(21, "Is a directory")
        return path.stat().st_size
    except FileNotFoundError:
        reason = "file not found"
    except OSError as exc:
        reason = _os_reason(exc)
    _fail(label, f"cannot be read as {fmt} ({reason})")


def _os_reason(exc: OSError) -> str:
    """Return a short reason for an operating-system error, without any path or content."""
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "it is a directory, not a file"
    return f"operating-system error {exc.errno}" if exc.errno else "operating-system error"


def _selection(names: list[str], wanted: Collection[str] | None) -> list[str]:
    """Return the file's columns to read: those wanted, or the first one if none is.

    Reading one column even when none is wanted keeps the number of rows right.
    """
    if wanted is None:
        return names
    chosen = [n for n in names if n in wanted]
    return chosen or names[:1]


def _keep(frame: pd.DataFrame, wanted: Collection[str] | None) -> pd.DataFrame:
    """Return the wanted columns of ``frame`` (all when ``wanted`` is None)."""
    if wanted is None:
        return frame
    return frame[[c for c in frame.columns if c in wanted]]


def _drop_trailing_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop blank rows after the last row holding any value (blank rows inside are kept)."""
    if frame.shape[1] == 0:
        return frame
    last = len(frame)
    while last > 0 and frame.iloc[last - 1].isna().all():
        last -= 1
    return frame.iloc[:last] if last < len(frame) else frame


# --------------------------------------------------------------------------- CSV


#: Byte-order marks that open a UTF-16 text file (Excel's "Unicode Text").
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _read_csv(path: Path, sheet: Any, label: str, wanted: Collection[str] | None) -> pd.DataFrame:
    """Read a delimited text file, trying UTF-8 then Windows-1252."""
    head = _read_head(path, label)
    if head.startswith(UTF16_BOMS):
        _fail(label, "cannot be read as CSV (the file is UTF-16 text, as Excel's \"Unicode Text\" "
                     "writes it; save it as \"CSV UTF-8\" instead)")
    if b"\x00" in head:
        _fail(label, "cannot be read as CSV (the file is binary, not text)")
    sep = _sniff_delimiter(head.decode("latin-1"))
    reason = _BAD_ENCODING
    for encoding in _ENCODINGS:
        frame, reason = _try_read_csv(path, encoding, sep)
        if frame is not None:
            names = _csv_header(path, encoding, sep)
            _check_unique(names, wanted, label)
            short = short_rows(frame, path, encoding, sep)
            if short:
                raise DataError([Problem(label, None, SHORT_LINES.format(n=frame.shape[1]),
                                         tuple(short))])
            return _with_attrs(_keep(_drop_trailing_blank_rows(frame), wanted), names)
        if reason != _BAD_ENCODING:
            break
    if reason == NO_DATA_ROWS:
        _fail(label, NO_DATA_ROWS)
    _fail(label, f"cannot be read as CSV ({reason})")


def _try_read_csv(path: Path, encoding: str, sep: str) -> tuple[pd.DataFrame | None, str]:
    """Read a CSV with one encoding; return the frame, or None and the reason it failed.

    Blank lines are kept as blank rows so that data row numbers match file lines. All columns
    are read (``usecols`` would hide rows with too many fields, the sign of a broken line).
    """
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=True, skip_blank_lines=False,
                            encoding=encoding, sep=sep, engine="c")
    except UnicodeDecodeError:
        return None, _BAD_ENCODING
    except pd.errors.EmptyDataError:
        return None, NO_DATA_ROWS
    except pd.errors.ParserError as exc:
        return None, _parser_reason(exc)
    except OSError as exc:
        return None, _os_reason(exc)
    return frame, ""


def _csv_header(path: Path, encoding: str, sep: str) -> list[str]:
    """Return the header line's names as written (pandas renames a repeated name ``name.1``)."""
    first = pd.read_csv(path, header=None, nrows=1, dtype=str, na_filter=False,
                        skip_blank_lines=False, encoding=encoding, sep=sep, engine="c")
    return [str(v) for v in first.iloc[0].tolist()] if len(first) else []


def _read_head(path: Path, label: str) -> bytes:
    """Return the first bytes of a file, turning OS errors into a DataError."""
    reason = ""
    try:
        with path.open("rb") as fh:
            return fh.read(_SNIFF_BYTES)
    except OSError as exc:
        reason = _os_reason(exc)
    _fail(label, f"cannot be read as CSV ({reason})")


def _sniff_delimiter(text: str) -> str:
    """Return the delimiter of the header line: a comma unless only another separator is found."""
    lines = text.splitlines()
    header = lines[0] if lines else ""
    if "," in header:
        return ","
    counts = {d: header.count(d) for d in _DELIMITERS[1:]}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _parser_reason(exc: pd.errors.ParserError) -> str:
    """Return a reason for a CSV parse error, keeping only line and field counts."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
    if found:
        want, line, got = found.groups()
        return f"line {line} has {got} fields, the header has {want}"
    return "the rows could not be split into columns; check quotes and separators"


# --------------------------------------------------------------------------- Parquet


def _read_parquet(path: Path, sheet: Any, label: str, wanted: Collection[str] | None) -> pd.DataFrame:
    """Read a Parquet file and turn every column into text."""
    frame: pd.DataFrame | None = None
    reason = "not a valid Parquet file"
    try:
        names = [str(n) for n in pq.read_schema(path).names if not str(n).startswith("__index")]
        frame = arrow_as_text(pq.read_table(path, columns=_selection(names, wanted)))
    except PermissionError:
        reason = "permission denied"
    except Exception:  # noqa: BLE001 - pyarrow raises many types for corrupt files
        frame = None
    if frame is None:
        _fail(label, f"cannot be read as Parquet ({reason})")
    return _with_attrs(_keep(frame, wanted), names)


# --------------------------------------------------------------------------- Excel


def _read_excel(path: Path, sheet: str | int | None, label: str,
                wanted: Collection[str] | None) -> pd.DataFrame:
    """Read one Excel sheet and turn every cell into text.

    A sheet the workbook does not have is refused naming the sheets it has; the sheet read and
    the workbook's sheets are recorded (:func:`workbook_sheets`) for messages about its content.
    """
    frame: pd.DataFrame | None = None
    reason = "not a valid Excel workbook"
    try:
        with pd.ExcelFile(path) as book:
            sheets = [str(name) for name in book.sheet_names]
            chosen = _sheet_name(sheet, sheets)
            if chosen is None:
                names = ", ".join(f"'{s}'" for s in sheets)
                reason = f"no sheet {sheet!r} in the workbook; its sheets are {names}"
            else:
                frame = book.parse(chosen, dtype=object, keep_default_na=True)
                first = book.parse(chosen, header=None, nrows=1, dtype=object)
    except ImportError:
        reason = "reading .xls needs the xlrd package; save the sheet as .xlsx or CSV"
    except PermissionError:
        reason = "permission denied"
    except Exception:  # noqa: BLE001 - zip, XML and engine errors for corrupt workbooks
        frame = None
    if frame is None:
        _fail(label, f"cannot be read as Excel ({reason})")
    header = ["" if pd.isna(v) else str(cell_text(v))
              for v in (first.iloc[0].tolist() if len(first) else [])]
    _check_unique(header, wanted, label)
    return _with_attrs(_keep(_drop_trailing_blank_rows(frame_as_text(frame)), wanted), header,
                       (chosen, sheets))


def _sheet_name(sheet: str | int | None, sheets: list[str]) -> str | None:
    """Return the name of the sheet asked for (the first when None), or None if there is none."""
    if sheet is None:
        return sheets[0] if sheets else None
    if isinstance(sheet, int):
        return sheets[sheet] if 0 <= sheet < len(sheets) else None
    return sheet if sheet in sheets else None


