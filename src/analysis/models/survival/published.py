"""Kaplan-Meier numbers at risk, horizons and by-group summaries under the small-count rule."""

from __future__ import annotations

import pandas as pd

from analysis.disclosure import suppress_counts

__all__ = ["AT_RISK_COUNTS", "published_at_risk", "published_horizons", "published_by_group"]


#: Counts of :func:`number_at_risk`; at every time they add up to the group's size.
AT_RISK_COUNTS = ("at_risk", "events", "censored")


def published_at_risk(at_risk: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """:func:`number_at_risk` under the small-count rule (:mod:`analysis.disclosure`).

    At every time ``at_risk + events + censored`` is the group's size, and at each time the
    groups add up to the whole cohort (whose size is published), so a lone small count could
    be worked out by subtraction: secondary suppression applies across each row and across
    the groups at each time.
    """
    return suppress_counts(at_risk, AT_RISK_COUNTS, None, min_cell, sets="time", row_sets=True)


def published_horizons(at_times: pd.DataFrame, at_risk: pd.DataFrame,
                       min_cell: int = 5) -> pd.DataFrame:
    """Survival at the horizons with their counts, under the small-count rule.

    Parameters
    ----------
    at_times : DataFrame
        :func:`survival_at` (``group``, ``time``, survival and cumulative columns).
    at_risk : DataFrame
        :func:`number_at_risk` at the same groups and times.
    min_cell : int
        Smallest count shown.

    Returns
    -------
    DataFrame
        ``at_times`` with ``at_risk``, ``events`` and ``censored`` at each horizon; where any
        count of the row is suppressed (by :func:`published_at_risk`'s rule), the survival
        and cumulative percentages and their intervals read ``"suppressed"``.
    """
    table = at_times.merge(at_risk, on=["group", "time"], how="left", validate="one_to_one")
    derived = [c for c in at_times.columns if c not in ("group", "time", "months")]
    return suppress_counts(table, AT_RISK_COUNTS, derived, min_cell, sets="time", row_sets=True)


def published_by_group(table: pd.DataFrame, at_risk: pd.DataFrame, min_cell: int = 5,
                       group_col: str = "group") -> pd.DataFrame:
    """A by-group summary (medians, RMST) with the values of small groups suppressed.

    A group whose size (``at_risk`` at time 0 of :func:`number_at_risk`) or number of events
    by the last time of ``at_risk`` is from 1 to ``min_cell - 1`` has every numeric value
    shown as ``"suppressed"``; the table gains ``people`` and ``events`` (under the rule).
    """
    first = at_risk.sort_values("time").groupby("group", sort=False)
    sizes = pd.DataFrame({"people": first["at_risk"].first() + first["events"].first()
                          + first["censored"].first(), "events": first["events"].last()})
    out = table.merge(sizes, left_on=group_col, right_index=True, how="left")
    derived = [c for c in table.columns if c != group_col and pd.api.types.is_numeric_dtype(table[c])]
    return suppress_counts(out, ["people", "events"], derived, min_cell)
