"""What a finished run folder holds, read for the report and the board pack.

The report and the board pack are written from the run's headline numbers (``results.json``),
its manifest (``manifest.json``, with the resolved parameters) and its published tables
(``tables/*.csv``: suppressed cells are text such as ``<5`` or ``suppressed``, the other
cells of their column are read as numbers). Nothing else
of the run is read, so neither can show a value the published outputs do not.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["RunFiles"]


@dataclass
class RunFiles:
    """A run folder's results, manifest and published tables.

    Parameters
    ----------
    run_dir : Path
        The run folder (``results.json``, ``manifest.json``, ``tables/``).
    """

    run_dir: Path
    _tables: dict[str, pd.DataFrame | None] = field(default_factory=dict, repr=False)

    @cached_property
    def results(self) -> dict[str, Any]:
        """``results.json``: each notebook's headline numbers."""
        return _read_json(self.run_dir / "results.json")

    @cached_property
    def manifest(self) -> dict[str, Any]:
        """``manifest.json`` (empty when the run has none)."""
        return _read_json(self.run_dir / "manifest.json")

    @property
    def parameters(self) -> dict[str, Any]:
        """The resolved parameters recorded in the manifest."""
        return self.manifest.get("parameters") or {}

    def notebook(self, name: str) -> Mapping[str, Any]:
        """The headline numbers one notebook recorded (empty when it did not run)."""
        value = self.results.get(name)
        return value if isinstance(value, Mapping) else {}

    def section(self, name: str) -> Mapping[str, Any]:
        """One section of the resolved parameters (``data``, ``costs`` ...), or empty."""
        value = self.parameters.get(name)
        return value if isinstance(value, Mapping) else {}

    def table(self, name: str) -> pd.DataFrame | None:
        """The published table ``tables/<name>.csv``, or ``None`` when the run has none."""
        if name not in self._tables:
            path = self.run_dir / "tables" / f"{name}.csv"
            self._tables[name] = _numbers_as_numbers(pd.read_csv(path)) if path.is_file() else None
        return self._tables[name]

    @property
    def table_names(self) -> list[str]:
        """The names of the published tables, sorted."""
        return sorted(p.stem for p in (self.run_dir / "tables").glob("*.csv"))

    @property
    def labels(self) -> dict[int, str]:
        """``{0: comparison label, 1: treated label}`` from the parameters."""
        given = self.section("data").get("treatment_labels") or {}
        return {0: str(given.get("0", given.get(0, "Comparison"))),
                1: str(given.get("1", given.get(1, "Treated")))}


def _as_number(value: Any) -> Any:
    """A numeric text as a float; other text (``<5``, ``suppressed``, labels) as it is."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _numbers_as_numbers(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the numbers of text columns (those holding a suppressed cell) as floats."""
    for column in df.select_dtypes(include="object").columns:
        df[column] = df[column].map(_as_number).astype(object)
    return df


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    value = json.loads(path.read_text(encoding="utf-8"))
    return value if isinstance(value, dict) else {}
