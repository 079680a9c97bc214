"""The report's section "Changes since the previous run", and its table of every change.

When a complete run of the same name is in the outputs folder as a new run finishes, the new
run is compared with it (:func:`analysis.presentation.run_comparison.compare_runs`, the previous
run as A): the whole list of changes is written to ``comparison_with_previous.csv`` at the top
of the new run folder, and the report lists the run's changes (commit, seed, rows read,
package versions), the input files whose SHA-256 differs, the parameters that differ, the
headline numbers of ``results.json`` that differ with their differences, and the published
tables that changed. Only what the two runs publish (their manifests, results and tables) is
read, and only that is printed. The tables, figures and ``results.json`` of the new run never
depend on the previous one.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.presentation.result_labels import NOTEBOOK_TITLES, RESULT_LABELS
from analysis.presentation.run_comparison import (
    clip,
    compare_runs,
    flatten,
    number_text,
    read_json,
)
from analysis.presentation.run_summary import words

__all__ = ["CHANGES_FILE", "CHANGES_ID", "changes_section", "result_label", "write_changes"]

#: The table of every change since the previous run, at the top of the run folder.
CHANGES_FILE = "comparison_with_previous.csv"
#: ``id`` of the report's section.
CHANGES_ID = "changes"
_HEADING = f'<h2 id="{CHANGES_ID}">Changes since the previous run</h2>'
NO_PREVIOUS = ("There was no previous complete run of this name in the outputs folder, so there "
               "is nothing to compare this run with.")


def write_changes(run_dir: Path, previous: Path | None) -> pd.DataFrame | None:
    """Compare ``run_dir`` with the ``previous`` run of its name and write :data:`CHANGES_FILE`.

    Parameters
    ----------
    run_dir : Path
        The new run folder (with its ``manifest.json``, ``results.json`` and ``tables/``).
    previous : Path or None
        The complete run of the same name it replaces, or None when there is none.

    Returns
    -------
    DataFrame or None
        The changes (:data:`analysis.presentation.run_comparison.COLUMNS`; differences are
        this run minus the previous one), or None without a previous run.
    """
    if previous is None:
        return None
    table = compare_runs(previous, run_dir)
    table.to_csv(run_dir / CHANGES_FILE, index=False)
    return table


def result_label(item: str) -> str:
    """A headline number's name in words, from its ``notebook.key[.sub]`` name."""
    _, _, key = item.partition(".")
    base, _, rest = key.partition(".")
    label = RESULT_LABELS[base][0] if base in RESULT_LABELS else words(base).capitalize()
    return f"{label}: {words(rest.replace('.', ' '))}" if rest else label


def _e(text: Any) -> str:
    return html.escape(str(text), quote=False)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """An HTML table of cells already escaped."""
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def _value(row: Mapping[str, Any], column: str) -> str:
    """A value as the comparison's lines print it: numbers to 6 significant digits, texts clipped;
    an em dash where the run has none."""
    text = str(row[column])
    if not text:
        return "—"
    return _e(number_text(text) if not math.isnan(row["difference"]) else clip(text))


def _difference(row: Mapping[str, Any]) -> str:
    return "" if math.isnan(row["difference"]) else f"{row['difference']:+.6g}"


def _leaf_rows(rows: pd.DataFrame, label: bool = False) -> list[list[str]]:
    out = []
    for r in rows.to_dict("records"):
        name = f"<code>{_e(r['item'])}</code>"
        if label:
            notebook = r["item"].partition(".")[0]
            name = (f"{_e(result_label(r['item']))} <span class=\"note\">"
                    f"({_e(NOTEBOOK_TITLES.get(notebook, notebook))})</span><br>{name}")
        out.append([name, _e(r["change"]), _value(r, "run_a"), _value(r, "run_b"),
                    _difference(r)])
    return out


def _inputs(rows: pd.DataFrame) -> str:
    if rows.empty:
        return "<p>No input file changed: every SHA-256 is the same.</p>"
    return _table(("input", "change", "previous SHA-256 (first 12)", "this run's", "file"),
                  [[_e(r["item"]), _e(r["change"]), f"<code>{_e(r['run_a'])}</code>",
                    f"<code>{_e(r['run_b'])}</code>", _e(r["detail"])]
                   for r in rows.to_dict("records")])


def _leaves(rows: pd.DataFrame, what: str, header: str, label: bool = False) -> str:
    if rows.empty:
        return f"<p>No {what} changed.</p>"
    return _table((header, "change", "previous run", "this run", "difference"),
                  _leaf_rows(rows, label))


def _results(rows: pd.DataFrame, run_dir: Path) -> str:
    total = len(flatten(read_json(run_dir / "results.json")))
    kept = total - int((rows["change"] != "removed").sum())
    return (_leaves(rows, "headline number", "headline number", label=True)
            + f'<p class="note">{kept:,} of the {total:,} headline numbers of this run are the '
            "same as in the previous run.</p>")


def _tables(rows: pd.DataFrame) -> str:
    if rows.empty:
        return "<p>No published table changed.</p>"
    items = "".join(f"<li><code>{_e(r['item'])}</code>: {_e(r['change'])}"
                    + (f" ({_e(clip(r['detail']))})" if r["detail"] else "") + "</li>"
                    for r in rows.to_dict("records"))
    return f"<ul>{items}</ul>"


def _previous_text(previous: Mapping[str, Any]) -> str:
    finished = str(previous.get("finished_utc") or "an unknown time")
    commit = (previous.get("git") or {}).get("commit") or "not a git checkout"
    return (f"<p>Compared with the previous complete run of this name (finished {_e(finished)}, "
            f"commit <code>{_e(str(commit)[:12])}</code>), which this run replaces. Differences "
            "are this run minus the previous one. Only what the two runs publish is compared: "
            "their manifests, headline numbers and tables. Every change, with the largest "
            f'change in each table: <a href="run/{CHANGES_FILE}" download>{CHANGES_FILE}</a>.</p>')


def changes_section(run_dir: Path, table: pd.DataFrame | None, previous: Path | None) -> str:
    """The report's section "Changes since the previous run" (HTML).

    Parameters
    ----------
    run_dir : Path
        The new run folder.
    table : DataFrame or None
        :func:`write_changes`'s table, None without a previous run.
    previous : Path or None
        The previous run folder.
    """
    if table is None or previous is None:
        return f"{_HEADING}<p>{_e(NO_PREVIOUS)}</p>"
    by = {s: table[table["section"] == s] for s in ("run", "input", "parameter", "result",
                                                    "table")}
    return "".join([
        _HEADING, _previous_text(read_json(previous / "manifest.json")),
        "<h3>The run</h3>", _leaves(by["run"], "commit, seed, rows read or package version",
                                    "item"),
        "<h3>Input files</h3>", _inputs(by["input"]),
        "<h3>Parameters</h3>", _leaves(by["parameter"], "parameter", "parameter"),
        "<h3>Headline numbers</h3>", _results(by["result"], run_dir),
        "<h3>Published tables</h3>", _tables(by["table"]),
    ])
