"""Kaplan-Meier numbers at risk, horizons and by-group summaries under the disclosure policy.

The counts at a horizon (:func:`analysis.models.survival.counts_at_horizons`) are the people
who completed the period without reoffending (``at_risk``), those who reoffended within it
(``events``) and the rest (``censored``: follow-up ended earlier). Only the first two are
published: the third is no figure anyone needs, but it is the group's size (published) minus
the two, so it is still a cell of the small-count rule (:mod:`analysis.disclosure`):

* ``events`` from 1 to ``min_cell - 1`` read ``"<5"``; at each horizon the groups' events add up
  to the cohort's reoffenders by then (published), so secondary suppression runs down the groups;
* ``at_risk`` is hidden where it is small, or where the unpublished ``censored`` is: the
  events beside it are given back by the survival estimate, so ``at_risk`` is the cell that
  protects ``censored``; the groups' sizes (time 0) add up to the cohort's, so secondary
  suppression runs down them;
* a survival estimate (and its interval) of a group of ``HEADLINE_MIN_PEOPLE`` or more is hidden
  only where its own events, or the group's people without an event, are small; of a smaller
  group, wherever a count of its row is hidden or small.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.disclosure import (
    HEADLINE_MIN_PEOPLE,
    RULE_ATTR,
    apply_masks,
    is_small,
    suppress_counts,
    suppress_where,
    suppression_mask,
)

__all__ = ["AT_RISK_COUNTS", "horizon_masks", "published_at_risk", "published_horizons",
           "published_by_group"]


#: Counts of :func:`counts_at_horizons` that the published tables print; ``censored`` (their
#: sum's shortfall from the group's size) is not printed.
AT_RISK_COUNTS = ("at_risk", "events")


def _count(counts: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_numeric(counts[col], errors="coerce").fillna(0) if col in counts else (
        pd.Series(0.0, index=counts.index))


def horizon_masks(counts: pd.DataFrame, min_cell: int = 5) -> dict[str, pd.Series]:
    """The cells of a table of counts at horizons that the rule hides, and its estimates.

    Parameters
    ----------
    counts : DataFrame
        ``group``, ``time``, ``at_risk``, ``events`` and ``censored`` (one row per group and
        time), as :func:`counts_at_horizons` or :func:`number_at_risk`.
    min_cell : int
        Smallest count shown.

    Returns
    -------
    dict of str to Series
        ``at_risk`` and ``events``: True where the count is hidden; ``estimate``: True where the
        survival estimate of the row is hidden (module docstring).
    """
    at_risk, events, censored = (_count(counts, c) for c in ("at_risk", "events", "censored"))
    size = at_risk + events + censored
    labels = counts["time"].astype(str)
    events_hidden = suppression_mask(events, min_cell, labels, secondary=True)
    at_risk_hidden = is_small(at_risk, min_cell) | is_small(censored, min_cell)
    first = counts["time"].eq(counts["time"].min()) & events.eq(0) & censored.eq(0)
    if first.sum() > 1:  # the group sizes add up to the cohort's
        sizes_hidden = suppression_mask(at_risk[first], min_cell, secondary=True)
        at_risk_hidden = at_risk_hidden | sizes_hidden.reindex(counts.index, fill_value=False)
    own = is_small(events, min_cell) | is_small(size - events, min_cell)
    anywhere = events_hidden | at_risk_hidden | is_small(size, min_cell)
    estimate = own.where(size >= HEADLINE_MIN_PEOPLE, own | anywhere)
    return {"at_risk": at_risk_hidden, "events": events_hidden, "estimate": estimate}


def _publish(table: pd.DataFrame, columns: Sequence[str], derived: Sequence[str],
             min_cell: int) -> pd.DataFrame:
    """``table`` with the hidden counts and estimates marked, ``censored`` left out."""
    masks = horizon_masks(table, min_cell)
    out = apply_masks(table, {c: masks[c] for c in columns}, {}, min_cell)
    out = suppress_where(out, derived, masks["estimate"])
    out = out.drop(columns=[c for c in ("at_risk", "events", "censored")
                            if c in out and c not in columns])
    out.attrs[RULE_ATTR] = {"counts": list(columns), "derived": {c: ["events"] for c in derived},
                            "complements": {}, "sets": ["time"], "row_sets": []}
    return out


def published_at_risk(at_risk: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """:func:`counts_at_horizons` (or :func:`number_at_risk`) as published: ``at_risk`` and
    ``events`` under the rule of :func:`horizon_masks`, ``censored`` left out."""
    return _publish(at_risk, AT_RISK_COUNTS, [], min_cell)


def published_horizons(at_times: pd.DataFrame, at_risk: pd.DataFrame, min_cell: int = 5,
                       columns: Sequence[str] = AT_RISK_COUNTS) -> pd.DataFrame:
    """Survival (or cumulative incidence) at the horizons with their counts, as published.

    Parameters
    ----------
    at_times : DataFrame
        :func:`survival_at_horizons` (or :func:`survival_at`, :func:`cumulative_incidence_at`):
        ``group``, ``time`` and the estimates.
    at_risk : DataFrame
        :func:`counts_at_horizons` at the same groups and times.
    min_cell : int
        Smallest count shown.
    columns : sequence of str
        The counts to print beside the estimates (``("events",)`` for a cohort's cumulative
        incidence, whose people at risk the by-group tables would otherwise give away).

    Returns
    -------
    DataFrame
        ``at_times`` with ``columns`` at each horizon under the rule of :func:`horizon_masks`;
        where a row's estimate is hidden its estimates and intervals read ``"suppressed"``.
    """
    # horizons in months are exact where given (times may be rounded for display)
    keys = ["group", "months" if "months" in at_times and "months" in at_risk else "time"]
    counts = at_risk[[*keys, *[c for c in ("at_risk", "events", "censored") if c in at_risk]]]
    table = at_times.merge(counts, on=keys, how="left", validate="one_to_one")
    derived = [c for c in at_times.columns if c not in ("group", "time", "months")]
    return _publish(table, columns, derived, min_cell)


def published_by_group(table: pd.DataFrame, at_risk: pd.DataFrame, min_cell: int = 5,
                       group_col: str = "group") -> pd.DataFrame:
    """A by-group summary (medians, RMST) with the values of small groups suppressed.

    A group whose size (``at_risk + events + censored`` at the first time of ``at_risk``) or
    number of events by the last time of ``at_risk`` is from 1 to ``min_cell - 1`` has every
    numeric value shown as ``"suppressed"``; the table gains ``people`` and ``events`` (under
    the rule).
    """
    first = at_risk.sort_values("time").groupby("group", sort=False)
    sizes = pd.DataFrame({"people": first["at_risk"].first() + first["events"].first()
                          + first["censored"].first(), "events": first["events"].last()})
    out = table.merge(sizes, left_on=group_col, right_index=True, how="left")
    derived = [c for c in table.columns if c != group_col and pd.api.types.is_numeric_dtype(table[c])]
    return suppress_counts(out, ["people", "events"], derived, min_cell)
