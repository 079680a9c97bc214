"""The criminogenic needs profile of a run beside the published Dorset needs table.

Prevalence, needs per person and co-occurrence follow the one rule of :mod:`analysis.measures.needs`
(a person counts as assessed for a need when their flag for it is recorded). The adults are
compared with the published table of 1,651 adult probation cases (October 2023), whose
percentages are of the about 1,370 assessed (:func:`published_needs_assessed`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import confint_proportions_2indep

from analysis.disclosure import is_shown
from analysis.measures.needs import needs_cooccurrence, needs_per_person, needs_prevalence
from analysis.measures.performance.frame import ADULT
from analysis.measures.performance.published import publish
from analysis.measures.proportions import wilson

__all__ = [
    "published_needs_assessed",
    "compare_needs",
    "NEEDS_COUNTS",
    "COMPARISON_DERIVED",
    "NeedsProfile",
    "needs_profile",
]


def published_needs_assessed(figures: pd.DataFrame) -> int:
    """People assessed in the published Dorset needs table: the assessed share of the caseload.

    ``round(needs_total_cases * needs_share_assessed / 100)`` = round(1,651 x 83%) = 1,370, the
    denominator of the table's percentages.
    """
    v = figures.set_index("figure")["value"]
    return int(round(v["needs_total_cases"] * v["needs_share_assessed"] / 100))


def compare_needs(prevalence: pd.DataFrame, published: pd.DataFrame, published_assessed: int,
                  alpha: float = 0.05) -> pd.DataFrame:
    """Cohort prevalence beside a published needs table, with the difference and its interval.

    Parameters
    ----------
    prevalence : DataFrame
        Output of :func:`analysis.measures.needs.needs_prevalence` (no ``by``) for the comparable group.
    published : DataFrame
        :func:`analysis.data.reference.needs_table` (``need`` keys without the ``need_`` prefix,
        ``label``, ``count``, ``percent_of_assessed``).
    published_assessed : int
        People assessed in the published table (the denominator of its percentages).
    alpha : float
        1 - confidence level.

    Returns
    -------
    DataFrame
        One row per published need: ``need``, ``label``, the cohort's ``assessed``,
        ``with_need``, ``percent``, ``ci_low_pct``, ``ci_high_pct``; the published
        ``published_count``, ``published_pct``, ``published_ci_low_pct``,
        ``published_ci_high_pct`` (Wilson); ``difference_pts`` (cohort percent minus ``100 * published_count /
        published_assessed``, i.e. before the published rounding) and its
        Newcombe hybrid-score interval ``difference_ci_low_pts``, ``difference_ci_high_pts``.
        Needs of the table that the data lack are left out.
    """
    pub = published.assign(need="need_" + published["need"])
    merged = pub.merge(prevalence, on="need", how="inner")
    ci = wilson(merged["count"], np.full(len(merged), published_assessed), alpha)
    merged["published_count"] = merged["count"]
    merged["published_pct"] = merged["percent_of_assessed"]
    merged["published_ci_low_pct"] = ci["ci_low_pct"].to_numpy()
    merged["published_ci_high_pct"] = ci["ci_high_pct"].to_numpy()
    diffs = [confint_proportions_2indep(r.with_need, r.assessed, r.count, published_assessed,
                                        method="newcombe", compare="diff", alpha=alpha)
             if r.assessed else (np.nan, np.nan) for r in merged.itertuples()]
    merged["difference_pts"] = merged["percent"] - 100 * merged["count"] / published_assessed
    merged["difference_ci_low_pts"] = [100 * float(d[0]) for d in diffs]
    merged["difference_ci_high_pts"] = [100 * float(d[1]) for d in diffs]
    cols = ["need", "label", "assessed", "with_need", "percent", "ci_low_pct", "ci_high_pct",
            "published_count", "published_pct", "published_ci_low_pct", "published_ci_high_pct",
            "difference_pts", "difference_ci_low_pts", "difference_ci_high_pts"]
    return merged[cols]


#: Count columns of a needs prevalence table; the assessed people without the need are a cell too.
NEEDS_COUNTS = ("assessed", "with_need")
_WITHOUT = {"with_need": "assessed"}
_PREVALENCE_DERIVED = ("percent", "ci_low_pct", "ci_high_pct")
#: Columns of :func:`compare_needs` derived from the cohort's counts.
COMPARISON_DERIVED = (*_PREVALENCE_DERIVED, "difference_pts", "difference_ci_low_pts",
                      "difference_ci_high_pts")


@dataclass(frozen=True)
class NeedsProfile:
    """The needs profile of a run.

    Attributes
    ----------
    needs : list of str
        The need columns.
    tabulated : list of str
        Those of the published table.
    prevalence : DataFrame
        :func:`analysis.measures.needs.needs_prevalence` by cohort group (when known).
    per_person, per_person_tabulated : dict
        :func:`analysis.measures.needs.needs_per_person` of the adults over all needs and over
        the tabulated ones.
    comparison : DataFrame
        :func:`compare_needs` of the adults.
    cooccurrence : DataFrame
        :func:`analysis.measures.needs.needs_cooccurrence` of the adults.
    min_cell : int
        Smallest count shown.
    """

    needs: list[str]
    tabulated: list[str]
    prevalence: pd.DataFrame
    per_person: dict[str, float]
    per_person_tabulated: dict[str, float]
    comparison: pd.DataFrame
    cooccurrence: pd.DataFrame
    min_cell: int

    @property
    def comparison_published(self) -> pd.DataFrame:
        """``comparison`` under the small-count rule."""
        return publish(self.comparison, list(NEEDS_COUNTS), COMPARISON_DERIVED, self.min_cell,
                       complements=_WITHOUT)

    @property
    def enough_assessed(self) -> bool:
        """True when at least ``min_cell`` adults were assessed for every need."""
        return bool(self.per_person["assessed"] >= self.min_cell)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables to publish, by name."""
        per_person = pd.DataFrame([
            {"needs": f"all {len(self.needs)} recorded needs", **self.per_person},
            {"needs": f"the {len(self.tabulated)} needs of the published table",
             **self.per_person_tabulated}])
        return {
            "needs_prevalence": publish(self.prevalence, list(NEEDS_COUNTS), _PREVALENCE_DERIVED,
                                        self.min_cell, complements=_WITHOUT),
            "needs_vs_published": self.comparison_published,
            "needs_cooccurrence": publish(self.cooccurrence, ["assessed", "both"],
                                          ["percent", "conditional_pct"], self.min_cell,
                                          complements={"both": "assessed"}),
            "needs_per_person": publish(per_person, ["assessed"],
                                        ["mean", "ci_low", "ci_high", "sd", "median"], self.min_cell),
        }

    def plotted_comparison(self) -> pd.DataFrame:
        """Rows of ``comparison`` whose cohort percentage is published."""
        return self.comparison[is_shown(self.comparison_published["percent"])]


def needs_profile(
    frame: pd.DataFrame,
    needs: Sequence[str],
    published: pd.DataFrame,
    published_assessed: int,
    min_cell: int = 5,
) -> NeedsProfile:
    """The needs profile: prevalence by group, and the adults' needs beside the published table.

    Needs are recorded at cohort start, so every person counts, eligible or not.

    Parameters
    ----------
    frame : DataFrame
        A performance frame (or a cohort frame) with the need flags.
    needs : sequence of str
        The need columns.
    published : DataFrame
        :func:`analysis.data.reference.needs_table`.
    published_assessed : int
        :func:`published_needs_assessed`.
    min_cell : int
        Smallest count shown.

    Returns
    -------
    NeedsProfile
    """
    needs = list(needs)
    grouped = "cohort_group" in frame
    adults = frame[frame["cohort_group"] == ADULT] if grouped else frame
    tabulated = [f"need_{k}" for k in published["need"] if f"need_{k}" in needs]
    return NeedsProfile(
        needs=needs, tabulated=tabulated,
        prevalence=needs_prevalence(frame, needs, by="cohort_group" if grouped else None),
        per_person=needs_per_person(adults, needs),
        per_person_tabulated=needs_per_person(adults, tabulated),
        comparison=compare_needs(needs_prevalence(adults, needs), published, published_assessed),
        cooccurrence=needs_cooccurrence(adults, needs), min_cell=min_cell)
