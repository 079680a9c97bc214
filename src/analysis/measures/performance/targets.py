"""The six Pan-Dorset performance measures and their published targets.

Each :class:`Measure` says what is counted, among whom, after how long, and which row of
``data/reference/seed_figures.csv`` holds its target; :func:`pan_dorset_targets` reads the
targets. Definitions and sources: ``docs/performance_measures.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

__all__ = ["Measure", "PAN_DORSET_MEASURES", "pan_dorset_targets"]


@dataclass(frozen=True)
class Measure:
    """One Pan-Dorset performance measure.

    Attributes
    ----------
    key : str
        Short name (the flag column for the adult measures).
    label : str
        What is measured, in words.
    pathway : str
        Heading of the strategy's performance measures it sits under.
    column : str
        The 0/1 column counted (``reoffended`` for the children's measure).
    population : str
        Who is in the denominator, in words.
    target_figure : str
        Key of the target in ``data/reference/seed_figures.csv``.
    direction : {"at_least", "below"}
        The target is met at or above the target value, or strictly below it.
    window : pandas.DateOffset or None
        Time after cohort start before the flag can be known; None for the reoffending measure,
        whose window is the follow-up plus waiting period (``eligible``).
    window_text : str
        The window in words.
    need_column : str or None
        A 0/1 column restricting the denominator to people with the need.
    """

    key: str
    label: str
    pathway: str
    column: str
    population: str
    target_figure: str
    direction: Literal["at_least", "below"]
    window: pd.DateOffset | None
    window_text: str
    need_column: str | None = None

    @property
    def adult_custody(self) -> bool:
        """True for the five measures of adults released from custody."""
        return self.window is not None


_CUSTODY_ADULTS = "Adults (18+) released from custody"

#: The six measures of the Pan-Dorset Reducing Reoffending Strategy 2024-2027 (Performance
#: Measures section), in published order.
PAN_DORSET_MEASURES: tuple[Measure, ...] = (
    Measure("employed_6w", "Adults employed six weeks after release", "Employment status",
            "employed_6w", _CUSTODY_ADULTS, "target_employed_6w_min", "at_least",
            pd.DateOffset(weeks=6), "six weeks after release"),
    Measure("employed_6m", "Adults employed six months after release", "Employment status",
            "employed_6m", _CUSTODY_ADULTS, "target_employed_6m_min", "at_least",
            pd.DateOffset(months=6), "six months after release"),
    Measure("housed_release_night", "Adults housed on the night of release", "Housing stability",
            "housed_release_night", _CUSTODY_ADULTS, "target_housed_release_night_min", "at_least",
            pd.DateOffset(days=1), "the night of release"),
    Measure("settled_accommodation_3m", "Adults in settled accommodation three months after release",
            "Housing stability", "settled_accommodation_3m", _CUSTODY_ADULTS,
            "target_settled_accommodation_3m_min", "at_least", pd.DateOffset(months=3),
            "three months after release"),
    Measure("engaged_treatment", "Adults with a substance-misuse treatment need engaged in "
            "treatment after release", "Continuity of care", "engaged_treatment",
            _CUSTODY_ADULTS + " with a substance-misuse treatment need",
            "target_engaged_treatment_min", "at_least", pd.DateOffset(weeks=3),
            "three weeks after release", need_column="substance_treatment_need"),
    Measure("children_reoffending", "Children who reoffend (proven reoffending within 12 months)",
            "Youth justice system", "reoffended",
            "Children (10-17) whose follow-up and waiting period have ended", "target_children_reoffending_max",
            "below", None, "follow-up and waiting period"),
)


def pan_dorset_targets(figures: pd.DataFrame) -> pd.DataFrame:
    """The six measures with their published targets.

    Parameters
    ----------
    figures : DataFrame
        The reference figures (:func:`analysis.data.reference.seed_figures`).

    Returns
    -------
    DataFrame
        ``measure``, ``label``, ``pathway``, ``population``, ``target_pct``, ``direction``,
        ``target_text`` (e.g. ``">= 19%"``), ``figure`` and ``source``.
    """
    by_key = figures.set_index("figure")
    rows = []
    for m in PAN_DORSET_MEASURES:
        fig = by_key.loc[m.target_figure]
        target = float(fig["value"])
        rows.append({
            "measure": m.key, "label": m.label, "pathway": m.pathway, "population": m.population,
            "target_pct": target, "direction": m.direction,
            "target_text": _target_text(target, m.direction), "figure": m.target_figure,
            "source": fig["source"],
        })
    return pd.DataFrame(rows)


def _target_text(target: float, direction: str) -> str:
    return f"{'>=' if direction == 'at_least' else '<'} {target:g}%"
