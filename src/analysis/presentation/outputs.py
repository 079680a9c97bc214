"""Where a notebook puts what it produces: tables (CSV), figures (PNG and SVG) and headline results.

Every notebook makes one :class:`RunOutput` for the run's output folder (a parameter the runner
injects). Tables are written with fixed formatting so that the same inputs, parameters and seed
give byte-identical files; headline numbers go to ``results/<notebook>.json``, which the runner
merges into the run's ``results.json``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.estimable import NotEstimable
from analysis.presentation.disclosure_records import record_figure, record_table
from analysis.presentation.kernel_output import shown, withhold_kernel_output
from analysis.presentation.labels import display_headers
from analysis.presentation.style import figure_title, save_figure

__all__ = ["RunOutput", "show_headers_in_words", "to_jsonable", "write_csv"]

#: Significant digits kept for floats in tables and results (beyond what any estimate supports).
FLOAT_FORMAT = "%.10g"
#: Key of ``results.json`` listing what a notebook could not estimate, and why.
NOT_ESTIMATED = "not_estimated"

T = TypeVar("T")


def _show_markdown(text: str) -> None:
    """Display Markdown in a notebook (nothing elsewhere)."""
    try:
        from IPython.display import Markdown, display
    except ImportError:  # pragma: no cover - IPython is installed with ipykernel
        return
    with shown():
        display(Markdown(text))


def _html_in_words(table: pd.DataFrame) -> str | None:
    """A table's HTML as pandas writes it, with its column headers in words."""
    html: str | None = display_headers(table)._repr_html_()
    return html


def show_headers_in_words() -> None:
    """Show the tables a notebook displays with their column headers in words
    (:func:`analysis.presentation.labels.display_headers`); the CSV files keep the names.

    Registers an HTML formatter for DataFrames with the running IPython kernel (nothing
    elsewhere); the plain-text form of a table is left as it is.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is installed with ipykernel
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, _html_in_words)


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
    #: The statement of why every output is withheld (:meth:`withhold`), or None.
    withheld: str | None = None
    _kept: set[str] = field(default_factory=lambda: {NOT_ESTIMATED, "answer"}, repr=False)

    def __post_init__(self) -> None:
        self.output_dir = Path(self.output_dir)
        for sub in ("tables", "figures", "results"):
            (self.output_dir / sub).mkdir(parents=True, exist_ok=True)
        show_headers_in_words()

    def table(self, name: str, df: pd.DataFrame) -> Path:
        """Write ``df`` to ``tables/<notebook>__<name>.csv`` and return the path.

        The table's disclosure ledger and the exact values of the cells it hides are recorded
        for the run's audit (:mod:`analysis.presentation.disclosure_records`). While outputs
        are withheld (:meth:`withhold`) nothing is written.
        """
        if self.withheld:
            return self.output_dir / "tables" / f"{self.notebook}__{name}.csv"
        record_table(self.output_dir, f"{self.notebook}__{name}", df)
        return write_csv(df, self.output_dir / "tables" / f"{self.notebook}__{name}.csv")

    def figure(self, name: str, fig: Any) -> None:
        """Save ``fig`` to ``figures/<notebook>__<name>.png`` and ``.svg``, show it, close it.

        In a notebook the saved PNG is displayed (at the figure's screen size, without drawing
        the figure again) and the figure closed, so that the inline backend does not show it
        again; elsewhere it is only saved. While outputs are withheld it is only closed.
        """
        if self.withheld:
            plt.close(fig)
            return
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
        record_figure(self.output_dir, f"{self.notebook}__{name}", fig)
        plt.close(fig)

    def record(self, **values: Any) -> dict[str, Any]:
        """Record headline numbers and rewrite ``results/<notebook>.json``; return all recorded.

        While outputs are withheld (:meth:`withhold`), the file keeps only what ``withhold``
        published, what could not be estimated and the answer; all are still returned.
        """
        self.results.update(to_jsonable(values))
        published = ({k: v for k, v in self.results.items() if k in self._kept}
                     if self.withheld else self.results)
        path = self.output_dir / "results" / f"{self.notebook}.json"
        path.write_text(json.dumps(published, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return self.results

    def withhold(self, statement: str, **published: Any) -> None:
        """Withhold every output of the notebook from here on, and say why.

        The notebook's cells still run, but its tables and figures are not written, its
        kernel prints and displays nothing (:func:`~analysis.presentation.kernel_output.
        withhold_kernel_output`), ``results/<notebook>.json`` keeps only ``published``, and
        ``statement`` is shown, listed under ``not_estimated`` and is the notebook's answer.

        Parameters
        ----------
        statement : str
            Why nothing is published (:func:`analysis.disclosure.too_small_to_publish`).
        **published
            Results that are safe to publish all the same (the number of people measured).
        """
        self.withheld = statement
        self._kept |= set(published)
        withhold_kernel_output()
        self.record(**published)
        self.not_estimated(statement)

    def estimate(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Return ``fn(*args, **kwargs)``, or None when the data cannot give it.

        When ``fn`` raises :class:`~analysis.estimable.NotEstimable`, its statement ("The Cox
        model could not be estimated: nobody reoffended.") is shown and recorded
        (:meth:`not_estimated`) instead of a traceback.
        """
        try:
            return fn(*args, **kwargs)
        except NotEstimable as err:
            self.not_estimated(err.statement)
            return None

    def not_estimated(self, *statements: str) -> None:
        """Show statements of what could not be estimated and why, and record them in the list
        ``not_estimated`` of ``results.json`` (the notebook's Answer repeats them).

        While outputs are withheld, only the statement of why is shown and recorded: another
        ("everybody reoffended") would describe the people of a cohort too small to publish.
        """
        for statement in statements:
            if self.withheld and statement != self.withheld:
                continue
            recorded = list(self.results.get(NOT_ESTIMATED, []))
            if statement not in recorded:
                self.record(**{NOT_ESTIMATED: [*recorded, statement]})
            _show_markdown(f"**{statement}**")

    def answer(self, text: str) -> str:
        """Record the notebook's answer (``answer`` in ``results.json``) and show it; return it.

        ``text`` is Markdown written from the notebook's published results (see
        :mod:`analysis.presentation.answers`); the report shows the same text. What the
        notebook could not estimate (:meth:`not_estimated`) is added to it, with the reason.
        While outputs are withheld, the answer is the statement of why.
        """
        if self.withheld:
            text = ""
        missing = [s for s in self.results.get(NOT_ESTIMATED, []) if s not in text]
        text = " ".join([text, *missing]) if text else " ".join(missing)
        self.record(answer=text)
        _show_markdown(text)
        return text
