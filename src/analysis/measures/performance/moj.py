"""The Ministry of Justice proven-reoffending measures by quarterly cohort.

The binary rate (with its Wilson interval) and the frequency measures of
:mod:`analysis.measures.reoffending`, for adults and children, by the quarter of cohort start
and for all cohorts; only people whose follow-up and waiting period have ended for the whole of
their quarter (``eligible``) are counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.disclosure import is_shown, suppression_masks
from analysis.measures.cohort import (
    REOFFENDING_COMPLEMENTS,
    REOFFENDING_COUNTS,
    REOFFENDING_DERIVED,
)
from analysis.measures.performance.frame import ALL
from analysis.measures.performance.published import publish
from analysis.measures.proportions import wilson
from analysis.measures.reoffending import reoffending_rates

__all__ = ["reoffending_by_quarter", "QuarterlyReoffending", "quarterly_reoffending"]


def reoffending_by_quarter(
    frame: pd.DataFrame,
    by: Sequence[str] = ("cohort_group",),
    alpha: float = 0.05,
    subset: pd.Series | None = None,
) -> pd.DataFrame:
    """Binary and frequency proven-reoffending measures by quarterly cohort.

    Parameters
    ----------
    frame : DataFrame
        A performance frame; only ``eligible`` people are counted.
    by : sequence of str
        Groups within each quarter (default adults and children).
    alpha : float
        1 - confidence level of the Wilson interval of the binary rate.
    subset : Series of bool, optional
        Restrict to these people (e.g. the IOM cohort).

    Returns
    -------
    DataFrame
        The ``by`` columns, ``quarter`` (every quarter with an eligible person, then
        ``"All cohorts"``), ``offenders``, ``reoffenders``, ``reoffences``,
        ``binary_rate_pct``, ``binary_ci_low_pct``, ``binary_ci_high_pct``,
        ``frequency_per_offender`` and ``frequency_per_reoffender`` (as
        :func:`analysis.measures.reoffending.reoffending_rates`).
    """
    by = [b for b in by if b in frame]
    keep = frame["eligible"] if "eligible" in frame else pd.Series(True, index=frame.index)
    if subset is not None:
        keep = keep & subset.fillna(False).astype(bool)
    f = frame.loc[keep.astype(bool)].copy()
    f["reoffended"] = f["reoffended"].astype(int)
    has_frequency = "reoffences" in f and f["reoffences"].notna().all()
    f["reoffences"] = f["reoffences"].fillna(0).astype(int) if has_frequency else 0
    parts = []
    if "quarter" in f:
        q = f.assign(quarter=f["quarter"].astype(str))
        order = [c for c in frame["quarter"].cat.categories if c in set(q["quarter"])]
        table = reoffending_rates(q, [*by, "quarter"])
        table["quarter"] = pd.Categorical(table["quarter"], categories=order, ordered=True)
        parts.append(table.sort_values([*by, "quarter"]).assign(quarter=lambda t: t["quarter"].astype(str)))
    overall = reoffending_rates(f, by) if by else reoffending_rates(f).drop(columns="group")
    parts.append(overall.assign(quarter=ALL))
    out = pd.concat(parts, ignore_index=True)
    ci = wilson(out["reoffenders"], out["offenders"], alpha)
    out["binary_ci_low_pct"] = ci["ci_low_pct"].to_numpy()
    out["binary_ci_high_pct"] = ci["ci_high_pct"].to_numpy()
    if not has_frequency:
        out[["reoffences", "frequency_per_offender", "frequency_per_reoffender"]] = np.nan
    cols = [*by, "quarter", "offenders", "reoffenders", "reoffences", "binary_rate_pct",
            "binary_ci_low_pct", "binary_ci_high_pct", "frequency_per_offender",
            "frequency_per_reoffender"]
    return out[cols].sort_values([*by], kind="stable").reset_index(drop=True) if by else out[cols]


@dataclass(frozen=True)
class QuarterlyReoffending:
    """The reoffending measures by quarterly cohort of a run, exact and as published.

    Attributes
    ----------
    table : DataFrame
        :func:`reoffending_by_quarter` by cohort group.
    published : DataFrame
        ``table`` under the small-count rule (the quarters of a cohort group add up to its
        "All cohorts" row).
    min_cell : int
        Smallest count shown.
    """

    table: pd.DataFrame
    published: pd.DataFrame
    min_cell: int

    @property
    def by_group(self) -> bool:
        """True when the table is split into adults and children."""
        return "cohort_group" in self.table

    def rounded(self, decimals: int = 2) -> pd.DataFrame:
        """The table rounded to ``decimals``, under the small-count rule."""
        return _published_reoffending(self.table.round(decimals), self.min_cell)

    def plotted(self) -> pd.DataFrame:
        """Rows whose binary rate is published."""
        return self.table[is_shown(self.published["binary_rate_pct"])]


def _published_reoffending(table: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    sets = ["cohort_group"] if "cohort_group" in table else None
    forced = None
    if sets is not None:
        # The groups' "All cohorts" rows add up to the published figures of everyone, as in the
        # cohort notebook's table by group: they are hidden alike here.
        overall = table["quarter"].astype(str).eq(ALL)
        groups = suppression_masks(table[overall], list(REOFFENDING_COUNTS), min_cell, sets=True,
                                   complements=REOFFENDING_COMPLEMENTS)
        forced = {c: m.reindex(table.index, fill_value=False) for c, m in groups.items()}
    return publish(table, list(REOFFENDING_COUNTS), REOFFENDING_DERIVED, min_cell, sets=sets,
                   complements=REOFFENDING_COMPLEMENTS, forced=forced)


def quarterly_reoffending(frame: pd.DataFrame, min_cell: int = 5) -> QuarterlyReoffending:
    """The reoffending measures of adults and children by quarterly cohort, and as published.

    Parameters
    ----------
    frame : DataFrame
        A performance frame.
    min_cell : int
        Smallest count shown.

    Returns
    -------
    QuarterlyReoffending
    """
    table = reoffending_by_quarter(frame)
    return QuarterlyReoffending(table, _published_reoffending(table, min_cell), min_cell)
