"""What a notebook's outputs record for the run's disclosure audit.

For each table :class:`~analysis.presentation.outputs.RunOutput` publishes: its ledger (the
role of each column, its sums and its links to other tables; :mod:`analysis.disclosure.ledger`,
with what :mod:`analysis.presentation.published_roles` declares) and the exact values of the
cells it hides. For each figure: the curves it draws (step functions such as a
Kaplan-Meier curve, lines of more than :data:`CURVE_POINTS` points and lines a plot declares
curves with :func:`mark_curves`, as their x and y), the other values
it draws (markers, short lines, band edges, bar ends) and its words (title, labels,
annotations). They go to the run's private folder
``.disclosure/`` (readable by the user only), are read by the audit before the run is moved into
place (:mod:`analysis.running.audit`) and deleted then: the exact values never reach a
published file.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.collections import PathCollection, QuadMesh
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from analysis.disclosure.ledger import hidden_exact, table_ledger
from analysis.presentation.published_roles import declared

__all__ = ["figure_data", "mark_curves", "record_figure", "record_table", "PRIVATE_DIR"]

#: The run's private folder for the audit's records (deleted before the run is moved into place).
PRIVATE_DIR = ".disclosure"
#: Lines with more points than this are curves (read at the times of the hidden cells).
CURVE_POINTS = 50
#: The attribute :func:`mark_curves` sets on a line drawn as a function of its x axis.
_CURVE = "_analysis_drawn_as_curve"


def _write_private(path: Path, obj: Any) -> None:
    """Write ``obj`` as JSON to ``.disclosure/<kind>/<name>.json``, readable by the user only."""
    path.parent.parent.mkdir(mode=0o700, exist_ok=True)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(obj, f)


def record_table(output_dir: Path, table: str, df: pd.DataFrame) -> None:
    """Record the ledger of a published table and the exact values of the cells it hides."""
    private = Path(output_dir) / PRIVATE_DIR
    _write_private(private / "ledger" / f"{table}.json",
                   table_ledger(table, df, declared(table, df)).to_json())
    _write_private(private / "hidden" / f"{table}.json", hidden_exact(df))


def _floats(values: Any) -> list[float]:
    try:
        array = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        return []
    return [float(v) for v in array[np.isfinite(array)]]


def mark_curves(*lines: Line2D) -> None:
    """Declare drawn lines curves, however few their points: a function of the x axis drawn
    over a grid (a funnel plot's control limits at every whole number of people), whose points
    are not values of particular rows. The audit reads a curve at the times of a hidden cell's
    row (:func:`analysis.disclosure.text.drawn_in_figures`), as it reads a long line."""
    for line in lines:
        setattr(line, _CURVE, True)


def _is_curve(line: Line2D, points: int) -> bool:
    """A drawn line that is a curve: a step function (Kaplan-Meier), a long line or a line
    declared one (:func:`mark_curves`)."""
    if line.get_linestyle() in ("None", "", " ", "none") or points < 2:
        return False
    return (str(line.get_drawstyle()).startswith("steps") or points > CURVE_POINTS
            or bool(getattr(line, _CURVE, False)))


def _bar_values(bars: list[Rectangle]) -> list[float]:
    """The values bars show: their ends along the value axis (heights of bars of one width,
    lengths of bars of one height), not their positions on the category axis."""
    if not bars:
        return []
    box = np.array([[b.get_x(), b.get_y(), b.get_width(), b.get_height()] for b in bars], dtype=float)
    ends_y, ends_x = [box[:, 1], box[:, 1] + box[:, 3]], [box[:, 0], box[:, 0] + box[:, 2]]
    if len(bars) > 1 and np.allclose(box[:, 2], box[0, 2]):
        return _floats(ends_y)
    if len(bars) > 1 and np.allclose(box[:, 3], box[0, 3]):
        return _floats(ends_x)
    return _floats(ends_y + ends_x)


def figure_data(fig: Figure) -> dict[str, Any]:
    """What a figure draws and says: ``curves`` (pairs of x and y lists), ``values`` (the other
    numbers its axes draw as data: markers, short lines, bands, bar ends, image and colour-mesh
    values; not legends, ticks or frames) and ``texts``."""
    values: list[float] = []
    curves: list[list[list[float]]] = []
    for ax in fig.axes:
        for line in ax.lines:
            xy = np.asarray(line.get_xydata(), dtype=float).reshape(-1, 2)
            if _is_curve(line, len(xy)):
                xy = xy[np.isfinite(xy).all(axis=1)]
                curves.append([xy[:, 0].tolist(), xy[:, 1].tolist()])
            else:
                values += _floats(xy)
        for coll in ax.collections:
            if coll.get_array() is not None:
                values += _floats(coll.get_array())
            if not isinstance(coll, QuadMesh):
                values += _floats(coll.get_offsets())
            if not isinstance(coll, QuadMesh | PathCollection):
                # a scatter's paths are its marker's shape, not data: a circle holds 0.7071
                for path in coll.get_paths():
                    values += _floats(path.vertices)
        for image in ax.images:
            values += _floats(image.get_array())
        values += _bar_values([p for p in ax.patches if isinstance(p, Rectangle)])
    texts = [t.get_text() for t in fig.findobj(Text) if t.get_text()]
    return {"curves": curves, "values": sorted(set(v for v in values if not math.isnan(v))),
            "texts": texts}


def record_figure(output_dir: Path, figure: str, fig: Figure) -> None:
    """Record what a saved figure draws and says (after it is drawn, so its tick labels exist)."""
    _write_private(Path(output_dir) / PRIVATE_DIR / "figures" / f"{figure}.json", figure_data(fig))
