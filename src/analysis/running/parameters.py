"""The parameters a run hands to its notebooks: checked and resolved once, by the runner.

The runner writes the parameters it has validated (absolute paths, the command line's
overrides such as ``--run-name`` and ``--notebooks`` applied) to its private folder with
:func:`write_resolved`, and passes that file to every notebook as ``params_file``. A notebook
reads it with :func:`read_parameters`, so validation and the notebooks can never see different
parameters, whatever the working directory. Outside the runner (a notebook opened in Jupyter,
nbval on the stored notebooks) ``params_file`` is an ordinary parameter file, which
:func:`read_parameters` reads with :func:`analysis.params.load_params`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from analysis.params import RunParams, load_params

__all__ = ["read_parameters", "write_resolved"]

#: The key that marks a file written by :func:`write_resolved`.
MARKER = "analysis_resolved_parameters"


def write_resolved(params: RunParams, path: Path) -> Path:
    """Write checked parameters, with the project root and the file they came from, to ``path``."""
    doc: dict[str, Any] = {
        MARKER: 1,
        "source": str(params.source) if params.source is not None else None,
        "root": str(params.root) if params.root is not None else None,
        "parameters": params.model_dump(mode="json"),
    }
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return path


def _optional_path(value: str | None) -> Path | None:
    return Path(value) if value is not None else None


def read_parameters(path: str | Path) -> RunParams:
    """Read the parameters of a notebook's ``params_file``.

    Parameters
    ----------
    path : str or Path
        A file written by :func:`write_resolved` (in a run), or a parameter file.

    Returns
    -------
    RunParams
        The runner's checked parameters as they were, or the parameter file loaded and checked
        by :func:`analysis.params.load_params`.
    """
    path = Path(path)
    if path.suffix == ".json":
        doc = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(doc, dict) and MARKER in doc:
            params = RunParams.model_validate_json(json.dumps(doc["parameters"]))
            return params.model_copy(update={"source": _optional_path(doc["source"]),
                                             "root": _optional_path(doc["root"])})
    return load_params(path)
