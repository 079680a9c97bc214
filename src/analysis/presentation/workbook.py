"""The board pack's Excel workbook: every published table of a run, one sheet each.

The first sheet, ``Contents``, says what produced the workbook (run, data, parameters file and
its SHA-256, git commit, time) and lists the tables with their titles, units and notes, each
linked to its sheet. Every sheet holds a table exactly as published in ``tables/*.csv``:
numbers are stored as numbers (with a display format from the column's unit: ``0.0`` for
percentages, ``£#,##0`` for pounds, ``0.000`` for p-values), and suppressed cells (``<5`` and
``suppressed``) stay as text, shaded grey. Nothing but the published tables is read.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from analysis.presentation.run_files import RunFiles
from analysis.presentation.table_titles import column_unit, table_title, table_units

__all__ = ["CONTENTS", "SUPPRESSED_FILL", "number_format", "sheet_name", "write_workbook"]

CONTENTS = "Contents"
SUPPRESSED = {"<5", "suppressed"}
#: Fill of a suppressed cell (light grey).
SUPPRESSED_FILL = "FFD9D9D9"
_FLOAT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_INT = re.compile(r"^[+-]?\d+$")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_BOLD = Font(bold=True)
SUPPRESSION_NOTE = ("Cells shaded grey are withheld: <5 is a count from 1 to 4, 'suppressed' a "
                    "value computed from such a count or one that would reveal it by subtraction.")


def sheet_name(table: str, used: set[str]) -> str:
    """A unique sheet name of at most 31 characters (``01_cohort__table_one`` -> ``01 table one``)."""
    notebook, _, short = table.partition("__")
    base = _BAD_SHEET_CHARS.sub(" ", f"{notebook[:2]} {short or notebook}".replace("_", " "))[:31]
    name, i = base, 2
    while name.lower() in used:
        suffix = f" ({i})"
        name, i = base[:31 - len(suffix)] + suffix, i + 1
    used.add(name.lower())
    return name


def number_format(column: str, value: float) -> str:
    """The Excel display format of ``value`` in ``column``."""
    unit, low = column_unit(column), column.lower()
    if unit == "pounds (GBP)":
        return "£#,##0" if abs(value) >= 100 or value == 0 else "£#,##0.00"
    if unit in ("percent", "percentage points"):
        return "0.0"
    if low.startswith("p_") or low.endswith("_p") or low in ("p_value", "p_holm"):
        return "0.000"
    if float(value).is_integer():
        return "0" if any(w in low for w in ("year", "seed")) else "#,##0"
    if abs(value) >= 1000:
        return "#,##0"
    return "0.000" if abs(value) >= 0.001 else "0.000000"


def _cell_value(text: str) -> str | int | float | None:
    if text == "":
        return None
    if _INT.match(text) and len(text.lstrip("+-")) < 16:
        return int(text)
    if _FLOAT.match(text) or text in ("nan", "inf", "-inf"):
        number = float(text)
        return number if number == number and abs(number) != float("inf") else text
    return text


def _write_table(ws: Worksheet, header: list[str], rows: list[list[str]]) -> None:
    grey = PatternFill("solid", fgColor=SUPPRESSED_FILL)
    withheld = Font(italic=True, color="FF505A5F")
    ws.append(header)
    for cell in ws[1]:
        cell.font = _BOLD
    for r, row in enumerate(rows, start=2):
        for c, (column, text) in enumerate(zip(header, row, strict=True), start=1):
            value = _cell_value(text)
            cell = ws.cell(row=r, column=c, value=value)
            if text in SUPPRESSED:
                cell.fill = grey
                cell.font = withheld
            elif isinstance(value, int | float):
                cell.number_format = number_format(column, float(value))
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = ws.dimensions
    for c, column in enumerate(header, start=1):
        longest = max([len(column)] + [len(row[c - 1]) for row in rows[:200]])
        ws.column_dimensions[get_column_letter(c)].width = min(60, max(8, longest + 2))


def _read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """A published CSV as its header and rows of text, exactly as written."""
    with path.open(encoding="utf-8", newline="") as f:
        lines = list(csv.reader(f))
    return (lines[0], lines[1:]) if lines else ([], [])


def _provenance(run: RunFiles) -> list[tuple[str, str]]:
    m, data = run.manifest, run.section("data")
    git = m.get("git") or {}
    commit = (git.get("commit") or "not a git checkout") + (
        " (uncommitted changes)" if git.get("dirty") else "")
    return [
        ("Run", str(m.get("run_name", ""))),
        ("Title", str(run.parameters.get("title") or "")),
        ("Data", f"{data.get('name', '')}: {data.get('description', '')}".strip(": ")),
        ("Parameters file", f"{m.get('parameters_file')} (SHA-256 {m.get('parameters_sha256')})"),
        ("Git commit", commit),
        ("Finished (UTC)", str(m.get("finished_utc", ""))),
        ("Made from", "the run's published tables (tables/*.csv), exactly as published"),
        ("Suppression", SUPPRESSION_NOTE),
    ]


def _contents(ws: Worksheet, run: RunFiles, rows: list[tuple[str, str, list[str], int]]) -> None:
    ws.append(["Board pack: published tables"])
    ws["A1"].font = Font(bold=True, size=14)
    for key, value in _provenance(run):
        ws.append([key, value])
        ws.cell(row=ws.max_row, column=1).font = _BOLD
    ws.append([])
    ws.append(["Sheet", "Title", "Units", "Notes", "Notebook", "File", "Rows"])
    header = ws.max_row
    for cell in ws[header]:
        cell.font = _BOLD
    for table, sheet, header, n_rows in rows:
        title, note = table_title(table)
        ws.append([sheet, title, table_units(header), note or "—", table.split("__")[0],
                   f"tables/{table}.csv", n_rows])
        link = ws.cell(row=ws.max_row, column=1)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{sheet}'!A1")
        link.font = Font(color="FF1D4F91", underline="single")
    for letter, width in zip("ABCDEFG", (24, 48, 30, 50, 24, 56, 6), strict=True):
        ws.column_dimensions[letter].width = width


def write_workbook(run: RunFiles, path: Path) -> Path:
    """Write the workbook of ``run``'s published tables to ``path`` and return it."""
    wb = Workbook()
    contents = wb.active
    assert contents is not None
    contents.title = CONTENTS
    used = {CONTENTS.lower()}
    rows = []
    for table in run.table_names:
        header, body = _read_table(run.run_dir / "tables" / f"{table}.csv")
        sheet = sheet_name(table, used)
        _write_table(wb.create_sheet(sheet), header, body)
        rows.append((table, sheet, header, len(body)))
    _contents(contents, run, rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
