"""How many of the cohort's proven reoffences could be costed, and the warning when too few.

The share of proven reoffences not costed (for any reason: unmapped, outside the unit-cost
categories, no published unit cost, figure not bundled) is shown at the top of notebook
``04_cost_of_crime``, recorded in ``results.json`` (:func:`coverage_results`) and printed where
the run ends (:func:`run_summary_lines`), with a warning when it exceeds
``costs.uncosted_share_warning``. Shares follow the small-count rule: a share whose count of
uncosted or of costed reoffences is between 1 and ``min_cell - 1`` is ``"suppressed"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.costs.cohort_costs import reoffence_costs
from analysis.costs.prices import unit_costs_at
from analysis.costs.statuses import COSTED, UNMAPPED
from analysis.costs.unit_costs import CostTables
from analysis.disclosure import SUPPRESSED, count_text
from analysis.params import RunParams

__all__ = ["Coverage", "cost_coverage", "reoffence_coverage", "coverage_results", "coverage_text",
           "run_summary_lines", "COST_NOTEBOOK_RESULTS"]

#: The notebook whose results hold the coverage keys.
COST_NOTEBOOK_RESULTS = "04_cost_of_crime"


@dataclass(frozen=True)
class Coverage:
    """Counts of the proven reoffences by whether they were costed.

    Attributes
    ----------
    reoffences : int
        Proven reoffences of the cohort.
    costed : int
        Those with a unit cost.
    unmapped : int
        Those whose description or code is not in the mapping table.
    threshold : float
        ``costs.uncosted_share_warning``.
    """

    reoffences: int
    costed: int
    unmapped: int
    threshold: float

    @property
    def uncosted(self) -> int:
        """Reoffences not costed, for any reason."""
        return self.reoffences - self.costed

    @property
    def share(self) -> float:
        """Share of the reoffences not costed (0 when there are none)."""
        return self.uncosted / self.reoffences if self.reoffences else 0.0

    @property
    def unmapped_share(self) -> float:
        """Share of the reoffences not costed because the mapping table does not know them."""
        return self.unmapped / self.reoffences if self.reoffences else 0.0

    @property
    def above_threshold(self) -> bool:
        """Whether the uncosted share exceeds the warning threshold."""
        return self.share > self.threshold


def cost_coverage(costed: pd.DataFrame, threshold: float) -> Coverage:
    """Count the costed, uncosted and unmapped reoffences.

    Parameters
    ----------
    costed : DataFrame
        Costed reoffences (:func:`analysis.costs.reoffence_costs`), with ``cost_status``.
    threshold : float
        ``costs.uncosted_share_warning``.

    Returns
    -------
    Coverage
    """
    status = costed["cost_status"]
    return Coverage(reoffences=len(costed), costed=int((status == COSTED).sum()),
                    unmapped=int((status == UNMAPPED).sum()), threshold=float(threshold))


def reoffence_coverage(params: RunParams, frame: pd.DataFrame, offences: pd.DataFrame | None,
                       tables: CostTables) -> Coverage | None:
    """Cost the cohort's proven reoffences and count how many could be costed.

    Parameters
    ----------
    params : RunParams
        The run's parameters (price year, attempt fraction, measure periods, threshold).
    frame : DataFrame
        The cohort frame.
    offences : DataFrame or None
        The offences table (None for survival-form data).
    tables : CostTables
        The run's cost tables.

    Returns
    -------
    Coverage or None
        None when the data have no offences table.
    """
    if offences is None:
        return None
    cp, m = params.costs, params.measures
    counted = reoffence_costs(frame, offences, unit_costs_at(tables, cp.price_year),
                              tables.mapping, cp.attempt_fraction, m.follow_up_months,
                              m.waiting_months)
    return cost_coverage(counted, cp.uncosted_share_warning)


def _small(count: int, min_cell: int) -> bool:
    return 0 < count < min_cell


def coverage_results(cov: Coverage, min_cell: int = 5) -> dict[str, Any]:
    """The coverage keys of ``results.json``.

    Parameters
    ----------
    cov : Coverage
    min_cell : int
        The small-count threshold.

    Returns
    -------
    dict
        ``uncosted_share`` and ``uncosted_share_unmapped`` (fractions rounded to 4 places, or
        ``"suppressed"``), ``uncosted_share_threshold`` and ``uncosted_above_threshold``.
    """
    hide = _small(cov.uncosted, min_cell) or _small(cov.costed, min_cell)
    hide_unmapped = hide or _small(cov.unmapped, min_cell)
    return {
        "uncosted_share": SUPPRESSED if hide else round(cov.share, 4),
        "uncosted_share_unmapped": SUPPRESSED if hide_unmapped else round(cov.unmapped_share, 4),
        "uncosted_share_threshold": cov.threshold,
        "uncosted_above_threshold": cov.above_threshold,
    }


def _pct(value: object) -> str:
    return f"{100 * value:.1f}%" if isinstance(value, int | float) else str(value)


def _warning(threshold: float) -> str:
    return (f"more than {_pct(threshold)} of the proven reoffences are not costed "
            "(costs.uncosted_share_warning), so the costs understate the cost of reoffending; "
            "the uncosted offences table lists them with the reason, and rows added to the "
            "offence mapping (costs.offence_mapping_local) cost those that have a category")


def coverage_text(cov: Coverage | None, min_cell: int = 5) -> str:
    """A Markdown paragraph for the top of notebook 04: the uncosted share and any warning.

    Parameters
    ----------
    cov : Coverage or None
        None when the data have no offences table.
    min_cell : int
        The small-count threshold.

    Returns
    -------
    str
    """
    if cov is None:
        return ("**Reoffences not costed:** these data record no offences, so no reoffence is "
                "costed by its offence type.")
    shown = coverage_results(cov, min_cell)
    text = (f"**Reoffences not costed:** {_pct(shown['uncosted_share'])} of the cohort's "
            f"{count_text(cov.reoffences, min_cell)} proven reoffences "
            f"({count_text(cov.uncosted, min_cell)}), of which "
            f"{count_text(cov.unmapped, min_cell)} have a description or code that is not in "
            "the offence mapping; the others are in categories without a unit cost.")
    if cov.above_threshold:
        text += f"\n\n**Warning:** {_warning(cov.threshold)}."
    return text


def run_summary_lines(results: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The lines printed where a run ends: the uncosted share, and the warning if any.

    Parameters
    ----------
    results : mapping
        The run's ``results.json`` (by notebook).

    Returns
    -------
    lines : list of str
        ``["reoffences not costed: 37.2% (unmapped: 0.0%)"]``, or nothing when the run did not
        cost reoffences (the cost notebook did not run, or the data have no offences).
    warnings : list of str
        One warning when the share exceeds the threshold.
    """
    cost = results.get(COST_NOTEBOOK_RESULTS) or {}
    if "uncosted_share" not in cost:
        return [], []
    lines = [f"reoffences not costed: {_pct(cost['uncosted_share'])} "
             f"(description or code not in the offence mapping: "
             f"{_pct(cost['uncosted_share_unmapped'])})"]
    warnings = ([f"warning: {_warning(float(cost['uncosted_share_threshold']))}"]
                if cost.get("uncosted_above_threshold") else [])
    return lines, warnings
