"""Where a notebook puts what it produces: tables (CSV), figures (PNG and SVG) and headline results.

Every notebook makes one :class:`RunOutput` for the run's output folder (a parameter the runner
injects). Tables are written with fixed formatting so that the same inputs, parameters and seed
give byte-identical files; headline numbers go to ``results/<notebook>.json``, which the runner
merges into the run's ``results.json``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.presentation.style import figure_title, save_figure

__all__ = ["RunOutput", "to_jsonable", "write_csv"]

#: Significant digits kept for floats in tables and results (beyond what any estimate supports).
FLOAT_FORMAT = "%.10g"


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """Write ``df`` as CSV with fixed float formatting, ``\\n`` line ends and no index."""
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    return path


def to_jsonable(value: Any) -> Any:
    """Convert numpy and pandas scalars (and containers of them) to JSON-ready Python values.

    Floats are rounded to 10 significant digits; NaN and infinities become ``None``.
    """
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return float(f"{value:.10g}")
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    return value


@dataclass
class RunOutput:
    """The output sink of one notebook in one run.

    Parameters
    ----------
    output_dir : str or Path
        The run's output folder (holds ``tables/``, ``figures/`` and ``results/``).
    notebook : str
        Name of the notebook writing, e.g. ``"01_cohort"``; prefixes table and figure names.
    """

    output_dir: Path
    notebook: str
    results: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.output_dir = Path(self.output_dir)
        for sub in ("tables", "figures", "results"):
            (self.output_dir / sub).mkdir(parents=True, exist_ok=True)

    def table(self, name: str, df: pd.DataFrame) -> Path:
        """Write ``df`` to ``tables/<notebook>__<name>.csv`` and return the path."""
        return write_csv(df, self.output_dir / "tables" / f"{self.notebook}__{name}.csv")

    def figure(self, name: str, fig: Any) -> None:
        """Save ``fig`` to ``figures/<notebook>__<name>.png`` and ``.svg``, show it, close it.

        In a notebook the saved PNG is displayed (at the figure's screen size, without drawing
        the figure again) and the figure closed, so that the inline backend does not show it
        again; elsewhere it is only saved.
        """
        png, _ = save_figure(fig, self.output_dir / "figures" / f"{self.notebook}__{name}")
        try:
            from IPython import get_ipython
            from IPython.display import Image, display
        except ImportError:  # pragma: no cover - IPython is installed with ipykernel
            get_ipython = None
        if get_ipython is not None and get_ipython() is not None:
            data = png.read_bytes()
            pixels = int.from_bytes(data[16:20], "big")  # width in the PNG header (IHDR)
            dpi = plt.rcParams["savefig.dpi"]
            scale = 1.0 if dpi == "figure" else fig.dpi / float(dpi)
            display(Image(data=data, format="png", width=round(pixels * scale),
                          alt=figure_title(fig) or name))
        plt.close(fig)

    def record(self, **values: Any) -> dict[str, Any]:
        """Record headline numbers and rewrite ``results/<notebook>.json``; return all recorded."""
        self.results.update(to_jsonable(values))
        path = self.output_dir / "results" / f"{self.notebook}.json"
        path.write_text(json.dumps(self.results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return self.results

    def answer(self, text: str) -> str:
        """Record the notebook's answer (``answer`` in ``results.json``) and show it; return it.

        ``text`` is Markdown written from the notebook's published results (see
        :mod:`analysis.presentation.answers`); the report shows the same text.
        """
        self.record(answer=text)
        try:
            from IPython.display import Markdown, display
        except ImportError:  # pragma: no cover - IPython is installed with ipykernel
            return text
        display(Markdown(text))
        return text
