"""The cost tables a run publishes, under the small-count rule of :mod:`analysis.disclosure`."""

from __future__ import annotations

import pandas as pd

from analysis.disclosure import suppress_counts

__all__ = [
    "COST_COUNTS",
    "COST_DERIVED",
    "published_mapping",
    "published_uncosted",
    "published_costs",
    "published_change",
]


def published_mapping(used: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """A :func:`mapping_used` table under the small-count rule.

    The descriptions' offences add up to the counted total, so secondary suppression runs down
    the column. A description's attempts and complete offences (offences minus attempts, not
    shown) add up to its offences, so they protect each other across the row. The total cost
    gives the attempts back with the unit cost, so it is hidden where either count is.
    """
    return suppress_counts(used, ["offences", "attempts"], {"cost_gbp": ["offences", "attempts"]},
                           min_cell, sets=True, complements={"attempts": "offences"})


def published_uncosted(uncosted: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """An :func:`uncosted_offences` table under the small-count rule (its rows add up to the
    uncosted total)."""
    return suppress_counts(uncosted, ["offences"], None, min_cell, sets=True)


#: Count columns of :func:`group_costs`.
COST_COUNTS = ("people", "reoffenders", "reoffences", "costed_reoffences", "uncosted_reoffences")
#: Each derived column of :func:`group_costs` and the counts it comes from.
COST_DERIVED = {"cost_gbp": ["reoffenders", "costed_reoffences"],
                "cost_per_person_gbp": ["people", "reoffenders", "costed_reoffences"],
                "cost_per_reoffender_gbp": ["reoffenders", "costed_reoffences"],
                "cost_per_costed_reoffence_gbp": ["costed_reoffences"],
                "median_cost_per_reoffender_gbp": ["reoffenders"]}


def published_costs(overall: pd.DataFrame, by_group: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """The cohort's cost of reoffending (:func:`group_costs`, overall then by group) under the rule.

    The groups add up to the overall row (secondary suppression down the columns), and a row's
    costed and uncosted reoffences add up to its reoffences (across the row). A cost is hidden
    wherever a count it comes from is (:data:`COST_DERIVED`).
    """
    def one(table: pd.DataFrame, sets: bool) -> pd.DataFrame:
        return suppress_counts(table, COST_COUNTS, COST_DERIVED, min_cell, sets=sets or None,
                               row_sets=[["costed_reoffences", "uncosted_reoffences"]])

    return pd.concat([one(overall, False), one(by_group, True)], ignore_index=True)


def published_change(change: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """A :func:`change_in_offending` table under the small-count rule.

    The groups add up to the whole cohort (secondary suppression down the columns). Every
    per-person value, percent change and cost comes from the people and both offence counts, so
    it is hidden wherever any of them is.
    """
    counts = ["people", "offences_before", "offences_after"]
    derived = [c for c in change.columns if c not in ("group", *counts)]
    return suppress_counts(change, counts, derived, min_cell, sets=True)
