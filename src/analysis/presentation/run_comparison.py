"""What changed between two run folders: the run itself (commit, seed, package versions), the
input files' digests, the parameters, the headline numbers of ``results.json`` and the published
tables, as one tidy table and as readable lines.

Only what a run publishes is read (``manifest.json``, ``results.json``, ``tables/``), so the
comparison holds aggregates and digests, never person-level data. The command
``python -m analysis compare RUN_A RUN_B`` prints it, and each run's report lists what changed
since the previous run of its name (:mod:`analysis.presentation.report_changes`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import AnalysisInputError

__all__ = ["COLUMNS", "SECTIONS", "clip", "compare_runs", "comparison_lines", "flatten",
           "largest_change", "number_text", "read_json"]

#: Columns of the comparison table; one row per change.
COLUMNS = ["section", "item", "change", "run_a", "run_b", "difference", "detail"]
#: Sections in the order they are printed, with their headings.
SECTIONS = {"run": "Run", "input": "Input files", "parameter": "Parameters",
            "result": "Headline numbers", "table": "Tables"}
#: Manifest entries compared in the ``run`` section.
RUN_KEYS = ("parameters_file", "seed", "rows_read")
DIGEST_SHOWN = 12
TEXT_SHOWN = 70


def read_json(path: Path) -> dict[str, Any]:
    """A JSON file's object, or an empty one when the file is missing."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        raise AnalysisInputError(f"{path}: cannot be read as JSON ({err})") from err
    return data if isinstance(data, dict) else {}


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings as ``{"a.b.c": leaf}``; lists are leaves."""
    out: dict[str, Any] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same(a: Any, b: Any) -> bool:
    """Equal, counting two NaNs as equal."""
    return bool(a == b) or (_is_number(a) and _is_number(b) and math.isnan(a) and math.isnan(b))


def _shown(value: Any) -> str:
    """A leaf as text: JSON for lists, mappings and null."""
    if value is None or isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _row(section: str, item: str, change: str, a: str = "", b: str = "",
         difference: float = math.nan, detail: str = "") -> dict[str, Any]:
    """One change; ``a`` and ``b`` are the values as text, empty where a run has none."""
    return {"section": section, "item": item, "change": change, "run_a": a, "run_b": b,
            "difference": difference, "detail": detail}


def _leaf_changes(section: str, a: Mapping[str, Any], b: Mapping[str, Any]
                  ) -> Iterator[dict[str, Any]]:
    """Rows for the keys added, removed or changed between two flat mappings."""
    for key in sorted(set(a) | set(b)):
        if key not in b:
            yield _row(section, key, "removed", _shown(a[key]))
        elif key not in a:
            yield _row(section, key, "added", "", _shown(b[key]))
        elif not _same(a[key], b[key]):
            diff = b[key] - a[key] if _is_number(a[key]) and _is_number(b[key]) else math.nan
            yield _row(section, key, "changed", _shown(a[key]), _shown(b[key]), diff)


def _run_rows(a: Mapping[str, Any], b: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Commit, dirty tree, seed, rows read and the package versions that differ."""
    def facts(m: Mapping[str, Any]) -> dict[str, Any]:
        git = m.get("git") or {}
        out = {"git.commit": git.get("commit"), "git.dirty": git.get("dirty")}
        out.update(flatten({k: m[k] for k in RUN_KEYS if k in m}))
        out.update({f"package {k}": v for k, v in (m.get("packages") or {}).items()})
        return out
    yield from _leaf_changes("run", facts(a), facts(b))


def _input_rows(a: Mapping[str, Any], b: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Input files whose SHA-256 differs, or that only one run read."""
    ins_a, ins_b = a.get("inputs") or {}, b.get("inputs") or {}
    for key in sorted(set(ins_a) | set(ins_b)):
        fa, fb = ins_a.get(key) or {}, ins_b.get(key) or {}
        da, db = fa.get("sha256"), fb.get("sha256")
        if da == db:
            continue
        paths = {p for p in (fa.get("path"), fb.get("path")) if p}
        change = "added" if da is None else "removed" if db is None else "changed"
        yield _row("input", key, change, (da or "")[:DIGEST_SHOWN], (db or "")[:DIGEST_SHOWN],
                   detail=" -> ".join(sorted(paths)))


def _parameter_rows(a: Mapping[str, Any], b: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Resolved parameters that differ (the run's name aside)."""
    pa, pb = (flatten(m.get("parameters") or {}) for m in (a, b))
    for p in (pa, pb):
        p.pop("run_name", None)
    yield from _leaf_changes("parameter", pa, pb)


def _result_rows(a: Path, b: Path) -> Iterator[dict[str, Any]]:
    """Headline numbers (and texts) of ``results.json`` that differ."""
    yield from _leaf_changes("result", flatten(read_json(a / "results.json")),
                             flatten(read_json(b / "results.json")))


def _read_table(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def largest_change(a: pd.DataFrame, b: pd.DataFrame) -> tuple[float, str]:
    """The largest change between two versions of a published table.

    Returns
    -------
    difference : float
        The signed change of the numeric cell that changed most (NaN if none did).
    detail : str
        What changed: rows or columns added or removed, else the number of changed cells and
        where the largest change is (column, and the row's first cell).
    """
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        added = [c for c in b.columns if c not in a.columns]
        removed = [c for c in a.columns if c not in b.columns]
        parts = [f"rows {len(a)} -> {len(b)}"] if len(a) != len(b) else []
        parts += [f"columns added: {', '.join(added)}"] if added else []
        parts += [f"columns removed: {', '.join(removed)}"] if removed else []
        return math.nan, "; ".join(parts) or "columns reordered"
    changed = a.to_numpy() != b.to_numpy()
    na, nb = (x.apply(pd.to_numeric, errors="coerce").to_numpy(float) for x in (a, b))
    diff = np.where(changed, nb - na, np.nan)
    detail = f"{int(changed.sum())} cells changed"
    if np.isnan(diff).all():
        return math.nan, detail
    i, j = np.unravel_index(np.nanargmax(np.abs(diff)), diff.shape)
    labels = [k for k in range(j) if np.isnan(na[:, k]).all()][:2]
    row = " / ".join(str(a.iat[i, k]) for k in labels)
    where = f"column '{a.columns[j]}'" + (f", row '{row}'" if row else "")
    return float(diff[i, j]), (f"{detail}; largest: {where}: {a.iat[i, j]} -> {b.iat[i, j]}")


def _table_rows(a: Path, b: Path) -> Iterator[dict[str, Any]]:
    """Published tables added, removed, or changed with their largest change."""
    ta = {p.name: p for p in sorted((a / "tables").glob("*.csv"))}
    tb = {p.name: p for p in sorted((b / "tables").glob("*.csv"))}
    for name in sorted(set(ta) | set(tb)):
        if name not in tb:
            yield _row("table", name, "removed")
        elif name not in ta:
            yield _row("table", name, "added")
        elif ta[name].read_bytes() != tb[name].read_bytes():
            diff, detail = largest_change(_read_table(ta[name]), _read_table(tb[name]))
            yield _row("table", name, "changed", difference=diff, detail=detail)


def compare_runs(run_a: Path, run_b: Path) -> pd.DataFrame:
    """Everything that differs between two complete runs.

    Parameters
    ----------
    run_a, run_b : Path
        Run folders; differences are ``run_b - run_a``.

    Returns
    -------
    DataFrame
        :data:`COLUMNS`, one row per change, in the order of :data:`SECTIONS`; ``change`` is
        ``added``, ``removed`` or ``changed``; input digests are shortened to 12 characters.
    """
    ma, mb = read_json(run_a / "manifest.json"), read_json(run_b / "manifest.json")
    rows = [*_run_rows(ma, mb), *_input_rows(ma, mb), *_parameter_rows(ma, mb),
            *_result_rows(run_a, run_b), *_table_rows(run_a, run_b)]
    return pd.DataFrame(rows, columns=COLUMNS)


def clip(text: str) -> str:
    return text if len(text) <= TEXT_SHOWN else text[: TEXT_SHOWN - 3] + "..."


def number_text(text: str) -> str:
    """A number as printed: 6 significant digits."""
    try:
        return f"{float(text):.6g}"
    except ValueError:
        return clip(text)


def _line(row: Mapping[str, Any]) -> str:
    """One change as an indented line."""
    if row["section"] == "table":
        mark = {"added": "+", "removed": "-", "changed": "~"}[row["change"]]
        diff = "" if math.isnan(row["difference"]) else f" ({row['difference']:+.6g})"
        return f"  {mark} {row['item']}" + (f": {row['detail']}{diff}" if row["detail"] else "")
    if row["change"] != "changed":
        value = row["run_a"] or row["run_b"]
        return f"  {row['item']}: {row['change']}" + (f" ({clip(value)})" if value else "")
    numeric = not math.isnan(row["difference"])
    a, b = (number_text(v) if numeric else clip(v) for v in (row["run_a"], row["run_b"]))
    diff = f" ({row['difference']:+.6g})" if numeric else ""
    where = f" [{row['detail']}]" if row["detail"] else ""
    return f"  {row['item']}{where}: {a} -> {b}{diff}"


def comparison_lines(table: pd.DataFrame, run_a: Path, run_b: Path) -> list[str]:
    """The comparison as readable lines: a heading, then each section's changes."""
    lines = [f"Comparing run A {run_a} with run B {run_b} (differences are B - A)"]
    if table.empty:
        return [*lines, "No differences: the same inputs, parameters, results and tables."]
    for section, heading in SECTIONS.items():
        rows = table[table["section"] == section]
        if rows.empty:
            lines.append(f"{heading}: no change")
            continue
        counts = rows["change"].value_counts()
        summary = ", ".join(f"{counts[c]} {c}" for c in ("changed", "added", "removed")
                            if c in counts)
        lines.append(f"{heading} ({summary}):")
        lines.extend(_line(r) for r in rows.to_dict("records"))
    return lines
