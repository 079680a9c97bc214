"""Which runs to compare: a run's folder from its path or its name in the project's outputs.

``python -m analysis compare RUN_A RUN_B`` compares the two folders with
:func:`analysis.presentation.run_comparison.compare_runs` (the same comparison each run's report
makes with the previous run of its name) and prints :func:`comparison_lines`.
"""

from __future__ import annotations

from pathlib import Path

from analysis.errors import AnalysisInputError
from analysis.files import project_root
from analysis.presentation.run_comparison import (
    COLUMNS,
    SECTIONS,
    compare_runs,
    comparison_lines,
    largest_change,
)

__all__ = ["COLUMNS", "SECTIONS", "compare_runs", "comparison_lines", "largest_change",
           "resolve_run"]


def resolve_run(run: str | Path, outputs_dir: Path | None = None) -> Path:
    """The folder of a complete run, given its path or its name under ``outputs_dir``.

    Raises
    ------
    AnalysisInputError
        When neither is a folder holding a run's ``manifest.json``.
    """
    path = Path(run)
    outputs = outputs_dir or project_root() / "outputs"
    folder = path if path.is_dir() else outputs / path
    if not folder.is_dir():
        raise AnalysisInputError(f"{run}: no such run folder (nor in {outputs})")
    if not (folder / "manifest.json").is_file():
        raise AnalysisInputError(f"{folder}: not a complete run (no manifest.json)")
    return folder
