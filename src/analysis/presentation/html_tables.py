"""Tables shown by the notebooks, made readable for the report's notebook pages.

pandas shows a table with its row index (``0, 1, 2 ...``) and writes floats as the column
needs (``1.810622e+04`` beside ``0.25``). For the report, a shown table (``class="dataframe"``)
loses an unnamed integer index, and the numbers of each column are written for people: money
columns in pounds with thousands separators, other large numbers with separators and no
exponent, small numbers with three significant digits. Missing values are shown as a dash;
suppressed cells (``<5``, ``suppressed``) are kept and marked. The notebooks themselves are not
changed.
"""

from __future__ import annotations

import math
import re

import numpy as np
from bs4 import BeautifulSoup, Tag

from analysis.costs.money import gbp

__all__ = ["format_number", "plain_number", "tidy_table_html"]

_FLOAT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_INT = re.compile(r"^[+-]?\d+$")
SUPPRESSED = {"<5", "suppressed"}
#: How pandas shows a missing value; the report shows a dash.
MISSING = {"NaN", "nan", "None", "<NA>", "NaT"}
#: Header words of columns whose integers are labels, not counts (no thousands separator).
_NOT_COUNTS = ("year", "seed", "quarter", "month", "code")


def plain_number(value: float) -> str:
    """A number without an exponent: separators from 1,000, 2 decimals from 1, else 3 figures.

    >>> plain_number(18106.22), plain_number(3.14159), plain_number(0.0000321)
    ('18,106', '3.14', '0.0000321')
    """
    if not math.isfinite(value):
        return ""
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}"
    if abs(value) < 1e-6:
        return "0.000000"
    return str(np.format_float_positional(value, precision=3, fractional=False, trim="-"))


def _is_p_value(header: str) -> bool:
    h = header.lower()
    return h in ("p", "p_value", "p_holm", "p-value") or h.endswith("_p") or h.startswith("p_")


def _is_money(header: str) -> bool:
    h = header.lower()
    return "gbp" in h or "£" in h


def format_number(text: str, header: str) -> str | None:
    """The cell ``text`` written for people, or ``None`` to keep it as pandas wrote it.

    Parameters
    ----------
    text : str
        The cell as shown (``"1.810622e+04"``, ``"0.25"``, ``"3577"``).
    header : str
        The column's header, which says whether the column is money (``gbp``, ``£``) or holds
        labels such as years.
    """
    t = text.strip()
    if _INT.match(t):
        if _is_money(header):
            return gbp(float(t))
        if any(w in header.lower() for w in _NOT_COUNTS) or abs(int(t)) < 10_000:
            return None
        return f"{int(t):,}"
    if not _FLOAT.match(t):
        return None
    value = float(t)
    if _is_money(header):
        return gbp(value)
    if _is_p_value(header) and 0 <= value < 0.001:
        return "< 0.001"
    if "e" in t.lower() or abs(value) >= 1000:
        return plain_number(value)
    return None


def _index_is_row_numbers(table: Tag) -> bool:
    """Whether the table's row headers are an unnamed integer index (pandas' default)."""
    head_rows = table.thead.find_all("tr") if table.thead else []
    if len(head_rows) != 1:  # a second header row names the index (or columns): keep it
        return False
    first = head_rows[0].find(["th", "td"])
    if first is None or first.get_text(strip=True):
        return False
    body_rows = table.tbody.find_all("tr") if table.tbody else []
    labels = [row.find("th") for row in body_rows]
    return bool(body_rows) and all(
        th is not None and _INT.match(th.get_text(strip=True)) for th in labels)


def _drop_index(table: Tag) -> None:
    head = table.thead.find("tr") if table.thead is not None else None
    first = head.find(["th", "td"]) if head is not None else None
    if first is not None:
        first.decompose()
    for row in table.tbody.find_all("tr") if table.tbody is not None else []:
        th = row.find("th")
        if th is not None:
            th.decompose()


def _headers(table: Tag) -> list[str]:
    """Column headers, aligned with the body's cells (``td``)."""
    rows = table.thead.find_all("tr") if table.thead else []
    if not rows:
        return []
    cells = rows[0].find_all(["th", "td"])
    body = table.tbody.find("tr") if table.tbody else None
    row_headers = len(body.find_all("th")) if body is not None else 0
    return [c.get_text(strip=True) for c in cells[row_headers:]]


def _format_cells(table: Tag) -> None:
    headers = _headers(table)
    for row in table.tbody.find_all("tr") if table.tbody else []:
        for i, td in enumerate(row.find_all("td")):
            text = td.get_text()
            header = headers[i] if i < len(headers) else ""
            if text.strip() in SUPPRESSED:
                td["class"] = "suppressed"
                continue
            if text.strip() in MISSING:
                td.string = "—"
                continue
            new = format_number(text, header)
            if new is not None:
                td.string = new
            if new is not None or _FLOAT.match(text.strip()):
                td["class"] = "num"


def tidy_table_html(markup: str) -> str:
    """Tidy every pandas table (``class="dataframe"``) of an HTML output for readers.

    Drops an unnamed integer row index, writes numbers for people (:func:`format_number`),
    marks suppressed cells, and wraps each table in a box that scrolls sideways when it is
    wider than the page. Other markup is returned as it was.
    """
    if 'class="dataframe"' not in markup:
        return markup
    soup = BeautifulSoup(markup, features="html.parser")
    for table in soup.find_all("table", class_="dataframe"):
        if _index_is_row_numbers(table):
            _drop_index(table)
        _format_cells(table)
        del table["border"]
        box = soup.new_tag("div", attrs={"class": "scroll"})
        table.wrap(box)
    return str(soup)
