"""One figure style for every notebook, and saving figures reproducibly as PNG and SVG."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import matplotlib.pyplot as plt
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.rcsetup import cycler
from matplotlib.typing import RcKeyType

from analysis.measures.time_scale import DAYS_PER_UNIT, months_to_unit

__all__ = ["STYLE", "PALETTE", "use_style", "save_figure", "figure_title", "month_ticks",
           "month_axis"]

#: Colour-blind-safe palette (Okabe and Ito), used in this order for groups.
PALETTE: tuple[str, ...] = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000",
)

STYLE: dict[RcKeyType, Any] = {
    "figure.figsize": (7.5, 4.5),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "axes.prop_cycle": cycler(color=list(PALETTE)),
    # Reproducible SVG: fixed ids and no date stamp.
    "svg.hashsalt": "analysis",
    "svg.fonttype": "none",
}


def use_style() -> None:
    """Apply the project's figure style to matplotlib."""
    plt.rcParams.update(STYLE)


def save_figure(fig: plt.Figure, stem: Path) -> list[Path]:
    """Save ``fig`` as ``<stem>.png`` and ``<stem>.svg`` with no timestamps, and return the paths.

    The figure is cropped to its tight bounding box (padded by ``savefig.pad_inches``), found
    once (laid out at ``savefig.dpi``, not drawn) and given to both files, so each file draws
    the figure once, but for the layout pass matplotlib makes before the SVG file of a figure
    laid out by ``tight_layout()`` (:func:`_engine_set_aside`).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure; it should have a title that states the finding and labelled axes with units.
    stem : Path
        Path without extension.
    """
    stem.parent.mkdir(parents=True, exist_ok=True)
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    canvas = _drawing_canvas(fig)
    # Text is measured at the resolution it is saved at (glyphs do not scale exactly with
    # the dpi): laid out at the screen dpi, a long title would be cut at the right edge.
    screen_dpi, saved = fig.dpi, plt.rcParams["savefig.dpi"]
    fig.set_dpi(screen_dpi if saved == "figure" else float(saved))
    try:
        fig.draw_without_rendering()  # lays the figure out without drawing it
        bbox = fig.get_tightbbox(canvas.get_renderer()).padded(
            plt.rcParams["savefig.pad_inches"])
    finally:
        fig.set_dpi(screen_dpi)
    with plt.rc_context({"svg.hashsalt": "analysis"}):
        with _engine_set_aside(fig):
            fig.savefig(png, metadata={"Software": None}, bbox_inches=bbox)
        fig.savefig(svg, metadata={"Date": None, "Creator": None}, bbox_inches=bbox)
    return [png, svg]


@contextmanager
def _engine_set_aside(fig: plt.Figure) -> Iterator[None]:
    """Without the placeholder layout engine ``tight_layout()`` leaves on ``fig``, if any.

    That engine lays nothing out, but matplotlib lays a figure that has one out again before
    writing a file, a pass as long as drawing it. The PNG file is written without it. The SVG
    file keeps that pass: its clip paths are named from positions the pass recomputes, which
    may differ from the PNG's in the last digit.
    """
    engine = fig.get_layout_engine()
    if not isinstance(engine, PlaceHolderLayoutEngine):
        yield
        return
    fig.set_layout_engine(None)
    try:
        yield
    finally:
        fig.set_layout_engine(engine)


def month_ticks(end: float, time_unit: str) -> tuple[list[float], list[str]]:
    """Ticks every 3 months (every 6 or 12 over longer follow-up) up to ``end``, in the data's
    time unit, and their labels in whole months (``0``, ``3``, ``6``, ...).

    Parameters
    ----------
    end : float
        The last time of the axis, in ``time_unit``.
    time_unit : {"days", "weeks", "months"}
        The unit of the data's times.
    """
    months = end * DAYS_PER_UNIT[time_unit] / DAYS_PER_UNIT["months"]
    step = 3 if months <= 24 else 6 if months <= 48 else 12
    whole = list(range(0, int(months + 0.25) + 1, step))  # 52 weeks reach the 12-month tick
    return [float(t) for t in months_to_unit(whole, time_unit)], [str(m) for m in whole]


def month_axis(ax: plt.Axes, end: float, time_unit: str,
               origin: str = "start of follow-up") -> list[float]:
    """Put time since ``origin`` on the x axis in months (ticks from :func:`month_ticks`), with
    the axis from 0 to ``end`` (data's unit); return the ticks' positions."""
    ticks, labels = month_ticks(end, time_unit)
    ax.set_xlim(0, max(end, ticks[-1]))
    ax.set_xticks(ticks, labels)
    ax.set_xlabel(f"Months since {origin}")
    return ticks


class _DrawingCanvas(Protocol):
    """A canvas that draws into a renderer (Agg and the backends built on it)."""

    def get_renderer(self) -> RendererBase: ...


def _drawing_canvas(fig: plt.Figure) -> _DrawingCanvas:
    """The figure's canvas; a figure made without pyplot is given an Agg canvas."""
    canvas = fig.canvas
    if hasattr(canvas, "get_renderer"):
        return canvas
    return FigureCanvasAgg(fig)


def figure_title(fig: plt.Figure) -> str:
    """The finding a figure states: its overall title, else its panels' titles joined by "; ".

    Used as the alt text of the figure where a notebook shows it. Line breaks of wrapped titles
    become spaces; a figure with no title gives "".
    """
    suptitle = fig.get_suptitle()
    titles = [suptitle] if suptitle else [ax.get_title(loc) for ax in fig.axes
                                          for loc in ("left", "center", "right")]
    return "; ".join(" ".join(t.split()) for t in titles if t.strip())
