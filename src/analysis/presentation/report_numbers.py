"""Every headline number of a run, written for people: a label, the value with its unit, a note.

The rows come from ``results.json`` and are labelled by
:data:`analysis.presentation.result_labels.RESULT_LABELS` (keys it does not list are labelled
from their name and unit suffix). Values are written with their units: percentages, pounds with
thousands separators, percentage points with a sign, p-values as ``p < 0.001``, intervals as
``a to b``; no exponent and no variable names. A value a published table suppresses is said to
be not shown.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from analysis.presentation.answers import gbp, number, p_text
from analysis.presentation.html_tables import plain_number
from analysis.presentation.result_labels import NOTEBOOK_TITLES, RESULT_LABELS
from analysis.presentation.run_summary import words

__all__ = ["format_value", "headline_rows", "numbers_section"]

Row = tuple[str, str, str]
#: Keys shown elsewhere on the page (the answers), not in the table of numbers.
SKIPPED = {"answer", "jdl_summary"}
NOT_SHOWN = "not shown (a small count)"


def _kind(key: str, value: Any) -> str:
    """The kind of a key the catalogue does not list, from its suffix and value."""
    if key.endswith("_pct"):
        return "pct"
    if key.endswith(("_gbp", "_gbp_ci")) or "_gbp_" in key:
        return "gbp"
    if key.endswith("_p") or key.startswith("p_"):
        return "p"
    if key.endswith(("_hr", "_ratio", "_hr_ci", "_ratio_ci")):
        return "ratio"
    if isinstance(value, bool):
        return "yesno"
    if isinstance(value, int):
        return "n"
    if isinstance(value, float):
        return "num"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "names"
    return "text"


def _label(key: str) -> str:
    base = key
    for suffix in ("_pct", "_gbp", "_p"):
        base = base.removesuffix(suffix)
    text = words(base)
    return text[:1].upper() + text[1:]


def _scalar(v: float, kind: str, unit: str) -> str:
    match kind:
        case "n":
            return f"{v:,.0f}"
        case "pct":
            return f"{v:.1f}%"
        case "share":
            return f"{v * 100:.1f}%"
        case "pp":
            return f"{v * 100:+.1f} points"
        case "gbp":
            return gbp(v)
        case "p":
            return p_text(v)
        case "ratio":
            return f"{v:.2f}"
        case "time":
            return f"{v:,.1f} {unit}"
    return plain_number(v) if abs(v) >= 1000 else f"{v:,.2f}".rstrip("0").rstrip(".")


def format_value(value: Any, kind: str, unit: str = "days") -> str:
    """``value`` written for people as ``kind`` (see :mod:`analysis.presentation.result_labels`)."""
    if value is None:
        return "not available"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return NOT_SHOWN if value == "suppressed" else value
    if isinstance(value, Sequence):
        if kind == "text":  # statements or phrases
            items = [str(v) for v in value]
            return (" " if all(i.endswith(".") for i in items) else "; ").join(items) or "none"
        if kind == "names" or any(isinstance(v, str) and v != "suppressed" for v in value):
            return ", ".join(words(str(v)) for v in value) or "none"
        parts = [format_value(v, kind, unit) for v in value]
        suffix = {"pp": " points", "time": f" {unit}"}.get(kind, "")
        if suffix and all(p.endswith(suffix) for p in parts):  # the unit once, at the end
            parts = [p.removesuffix(suffix) for p in parts[:-1]] + parts[-1:]
        return " to ".join(parts)
    v = number(value)
    if v is not None and kind == "text":  # a label such as a year
        return f"{v:g}"
    return "not available" if v is None else _scalar(v, kind, unit)


def _measure_rows(label: str, measures: Mapping[str, Any]) -> list[Row]:
    rows = []
    for key, m in measures.items():
        ci = m.get("ci_pct") or [None, None]
        interval = (f" (95% CI {format_value(ci, 'pct')})" if all(number(c) is not None for c in ci)
                    else "")
        value = f"{format_value(m.get('value_pct'), 'pct')}{interval}"
        target = str(m.get("target", "")).replace(">=", "≥").replace("<=", "≤")
        denominator = number(m.get("denominator"))
        rows.append((f"{label}: {words(key)}", f"{value}; target {target}: {m.get('status')}",
                     f"of {denominator:,.0f} people" if denominator is not None else ""))
    return rows


def _dict_rows(key: str, label: str, kind: str, note: str, value: Mapping[str, Any],
               unit: str) -> list[Row]:
    if key == "measures":
        return _measure_rows(label, value)
    rows = []
    for sub, v in value.items():
        if isinstance(v, Mapping) and "estimate" in v:  # an estimate with its interval
            text = format_value(v.get("estimate"), kind, unit)
            if v.get("ci") is not None:
                text += f" (95% CI {format_value(v['ci'], kind, unit)})"
        else:
            text = format_value(v, kind, unit)
        rows.append((f"{label}: {words(str(sub))}", text, note))
    return rows


def headline_rows(values: Mapping[str, Any], unit: str = "days") -> list[Row]:
    """The headline numbers one notebook recorded, as ``(label, value, note)`` rows, in the
    catalogue's order (keys it does not list last)."""
    rows: list[Row] = []
    order = {k: i for i, k in enumerate(RESULT_LABELS)}
    for key in sorted(values, key=lambda k: (order.get(k, len(order)), k)):
        value = values[key]
        if key in SKIPPED:
            continue
        label, kind, note = RESULT_LABELS.get(key, (_label(key), _kind(key, value), ""))
        if isinstance(value, Mapping):
            rows += _dict_rows(key, label, kind, note, value, unit)
        else:
            rows.append((label, format_value(value, kind, unit), note))
    return rows


def numbers_section(results: Mapping[str, Any]) -> str:
    """Every headline number of the run, by notebook, as HTML tables."""
    unit = str(results.get("02_survival", {}).get("time_unit") or "days")
    parts = ['<h2 id="numbers">Every headline number</h2>',
             '<p class="note">From results.json; percentages and pounds as published, effects in '
             "percentage points (treated minus comparison), 95% confidence intervals.</p>"]
    for notebook, values in results.items():
        if not isinstance(values, Mapping):
            continue
        body = "".join(
            f"<tr><td>{html.escape(label)}</td><td>{html.escape(value)}</td>"
            f"<td class=\"note\">{html.escape(note)}</td></tr>"
            for label, value, note in headline_rows(values, unit))
        title = NOTEBOOK_TITLES.get(notebook, words(notebook))
        parts.append(f"<h3>{html.escape(title)} <span class=\"note\">(notebook "
                     f"{html.escape(notebook)})</span></h3><div class=\"scroll\"><table><thead>"
                     "<tr><th>Result</th><th>Value</th><th>Note</th></tr></thead>"
                     f"<tbody>{body}</tbody></table></div>")
    return "\n".join(parts)
