"""The run's disclosure audit: no count of 1 to 4 people can be worked out from its outputs.

Run before a run is moved into place, like the identifier scan (:mod:`analysis.running.privacy`).
Every published table is read as a reader has it (``tables/*.csv``), with the ledger and the
exact hidden values its notebook recorded (:mod:`analysis.presentation.disclosure_records`), and
the reader's attacks are tried:

(a) a suppressed count from a shown rate times its shown denominator, rounding-aware;
(b) a total minus the shown parts, across rows, down columns and over rolling windows;
(c) a rate times a published population;
(d) a hidden value printed elsewhere in the run: another table, ``results.json``, the text of an
    executed notebook or of the report, a figure's words; or a quantity suppressed in one table
    and shown in another;
(e) a hidden value drawn in a figure (from the data each figure recorded when it was saved).

(a) to (c) are in :mod:`analysis.disclosure.audit`, (d) and (e) in
:mod:`analysis.disclosure.text`. The ledgers, the number of suppressed cells of each table and
the attacks tried are written to ``disclosure_ledger.json``; the private records are deleted.
Each finding names the table, the cell and the attack, never a value.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.disclosure.audit import audit_tables
from analysis.disclosure.cells import ATTACKS, Finding, cell_name, read_cell
from analysis.disclosure.ledger import TableLedger, infer_ledger
from analysis.disclosure.text import Hidden, drawn_in_figures, printed_elsewhere
from analysis.files import project_root
from analysis.presentation.disclosure_records import PRIVATE_DIR

__all__ = ["audit_run", "run_texts", "LEDGER_FILE"]

#: The run's ledger: the roles, sums and links of every published table, and what was tried.
LEDGER_FILE = "disclosure_ledger.json"
_EMBEDDED_IMAGE = re.compile(r"data:image/[A-Za-z0-9.+-]+;base64,[A-Za-z0-9+/=\s]*")
_NOTEBOOK_TEXT = ("text/plain", "text/markdown", "text/html")
#: Columns holding the time of a row (a survival table's horizon).
_TIME_COLUMNS = ("time", "months", "horizon")


def _notebook_text(path: Path) -> str:
    """The words and numbers a reader of an executed notebook sees (not its code)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            parts.append("".join(cell.get("source", [])))
        for output in cell.get("outputs", []):
            parts.append("".join(output.get("text", [])))
            data = output.get("data", {})
            parts += ["".join(data[k]) if isinstance(data[k], list) else str(data[k])
                      for k in _NOTEBOOK_TEXT if k in data]
    return "\n".join(parts)


def run_texts(run_dir: Path) -> dict[str, str]:
    """Every text of a run a reader can read, by source (path within the run)."""
    texts = {}
    for path in sorted((run_dir / "notebooks").glob("*.ipynb")):
        texts[f"notebooks/{path.name}"] = _notebook_text(path)
    for path in sorted((run_dir / "report").rglob("*.html")):
        text = path.read_text(encoding="utf-8", errors="replace")
        texts[str(path.relative_to(run_dir))] = _EMBEDDED_IMAGE.sub(" ", text)
    for path in sorted((run_dir / "tables").glob("*.csv")):
        texts[path.name] = path.read_text(encoding="utf-8")
    if (run_dir / "results.json").is_file():
        texts["results.json"] = (run_dir / "results.json").read_text(encoding="utf-8")
    return texts


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _attacks_tried(ledger: TableLedger, has_figures: bool) -> list[str]:
    roles = list(ledger.roles.values()) + [r for rr in ledger.row_roles for _, r in rr.roles]
    rates = [r for r in roles if r.kind == "rate" and r.numerator and r.denominator]
    public = {c for c, r in ledger.roles.items() if r.kind == "public"}
    tried = []
    if any(r.denominator not in public for r in rates):
        tried.append("a")
    if ledger.relations:
        tried.append("b")
    if any(r.denominator in public for r in rates):
        tried.append("c")
    return [*tried, "d", *(["e"] if has_figures else [])]


def audit_run(run_dir: Path, min_cell: int = 5) -> list[Finding]:
    """Try the attacks on a finished run's outputs; write its ledger, delete the private records.

    Parameters
    ----------
    run_dir : Path
        The run folder (with ``tables/``, ``notebooks/``, ``results.json``, ``report/`` and the
        records its notebooks left in ``.disclosure/``).
    min_cell : int
        Smallest count shown.

    Returns
    -------
    list of Finding
        The cells a reader can recover (empty when the run discloses nothing).
    """
    private = run_dir / PRIVATE_DIR
    tables = {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False)
              for p in sorted((run_dir / "tables").glob("*.csv"))}
    ledgers: dict[str, TableLedger] = {}
    exact: dict[str, dict[tuple[int, str], float]] = {}
    for name, df in tables.items():
        record = private / "ledger" / f"{name}.json"
        ledgers[name] = (TableLedger.from_json(name, _read_json(record)) if record.is_file()
                         else infer_ledger(name, df))
        hidden = private / "hidden" / f"{name}.json"
        exact[name] = ({(int(i), str(c)): float(v) for i, c, v in _read_json(hidden)}
                       if hidden.is_file() else {})
    figures = {p.stem: _read_json(p) for p in sorted((private / "figures").glob("*.json"))}
    audit = audit_tables(tables, ledgers, exact, min_cell)
    hidden_values = [Hidden(name, cell_name(tables[name], ledgers[name].keys, i, c),
                            ledgers[name].role(c, tables[name].iloc[i].to_dict()).kind, v, i,
                            _times(tables[name].iloc[i]))
                     for name, cells in exact.items() for (i, c), v in sorted(cells.items())]
    shown = _shown_values(tables, ledgers) + _public_values()
    texts = run_texts(run_dir)
    texts.update({f"figure {n}": "\n".join(f["texts"]) for n, f in figures.items()})
    findings = (audit.findings + printed_elsewhere(hidden_values, texts, shown)
                + drawn_in_figures(hidden_values, figures, shown))
    _write_ledger(run_dir, tables, ledgers, exact, sorted(figures), audit.unchecked, min_cell)
    shutil.rmtree(private, ignore_errors=True)
    return findings


def _times(row: pd.Series) -> tuple[float, ...]:
    """The times a row is at (a horizon in the data's unit and in months), for reading curves."""
    cells = [read_cell(row[c]) for c in _TIME_COLUMNS if c in row.index]
    return tuple(c.value for c in cells if c.state == "shown")


def _shown_values(tables: dict[str, pd.DataFrame], ledgers: dict[str, TableLedger]
                  ) -> list[Hidden]:
    """The numbers the tables show (a text or figure may print or draw them; a whole number
    printed with decimals, ``2.000``, accounts for those digits)."""
    out = []
    for name, df in tables.items():
        for col in df.columns:
            kind = ledgers[name].role(col).kind
            for text in df[col]:
                cell = read_cell(text)
                if cell.state == "shown" and math.isfinite(cell.value):
                    out.append(Hidden(name, "", kind, cell.value))
    return out


def _public_values() -> list[Hidden]:
    """The non-whole numbers of the bundled public reference figures (``data/reference/``):
    exempt from the rule (national rates, populations, published figures), a notebook may print
    them, and a hidden value that rounds to the same digits is not printed by it."""
    out = []
    for path in sorted((project_root() / "data" / "reference").glob("*.csv")):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col in table.columns:
            for value in pd.to_numeric(table[col], errors="coerce").dropna():
                if value != round(value):
                    out.append(Hidden(path.name, "", "public", float(value)))
    return out


def _write_ledger(run_dir: Path, tables: dict[str, pd.DataFrame],
                  ledgers: dict[str, TableLedger], exact: dict[str, dict[Any, float]],
                  figures: list[str], unchecked: list[str], min_cell: int) -> None:
    entries = {}
    for name, df in tables.items():
        suppressed = sum(read_cell(v).state in ("small", "hidden")
                         for v in df.to_numpy().ravel())
        entries[f"{name}.csv"] = {**ledgers[name].to_json(), "suppressed_cells": int(suppressed),
                                  "hidden_values_recorded": len(exact[name]),
                                  "attacks_tried": _attacks_tried(ledgers[name], bool(figures))}
    ledger = {"min_cell": min_cell, "attacks": ATTACKS,
              "suppressed_cells": sum(e["suppressed_cells"] for e in entries.values()),
              "tables": entries, "figures": figures, "sums_not_used": unchecked}
    (run_dir / LEDGER_FILE).write_text(json.dumps(ledger, indent=2, sort_keys=True) + "\n",
                                       encoding="utf-8")
