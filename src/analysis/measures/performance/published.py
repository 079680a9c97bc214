"""Publishing the performance tables under the small-count rule of :mod:`analysis.disclosure`.

:func:`publish` is the rule for one table (a derived value is hidden when any count it comes
from is); :func:`published_rolling` adds the protection a rolling 12-month count needs, and
:func:`published_iom` publishes the IOM indicators' tables as a set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.disclosure import (
    SUPPRESSED,
    apply_masks,
    is_small,
    is_withheld,
    secondary_around,
    set_floors,
    suppress_counts,
    suppression_mask,
    suppression_masks,
    unpinned_marks,
    unpinned_rests,
)
from analysis.measures.cohort import (
    REOFFENDING_COMPLEMENTS,
    REOFFENDING_COUNTS,
    REOFFENDING_DERIVED,
)
from analysis.measures.performance.frame import ALL, ALL_AREAS, quarter_key

__all__ = ["publish", "published_rolling", "published_iom"]


def publish(
    table: pd.DataFrame,
    counts: Sequence[str],
    derived: Sequence[str],
    min_cell: int = 5,
    sets: Sequence[str] | bool | None = None,
    complements: Mapping[str, str] | None = None,
    forced: Mapping[str, pd.Series] | None = None,
    floors: Mapping[str, pd.Series] | None = None,
) -> pd.DataFrame:
    """Display copy of a table under the small-count rule (:mod:`analysis.disclosure`).

    Unlike :func:`analysis.disclosure.suppress_counts`, a derived value (rate, percentage,
    interval, mean) is suppressed when *any* of the counts it comes from is suppressed (a rate
    of 0 out of 3 discloses as much as 3 out of 3).

    Parameters
    ----------
    table : DataFrame
        Exact table.
    counts : sequence of str
        Count columns (people or offences); blanks are ignored.
    derived : sequence of str
        Columns computed from the counts of the same row.
    min_cell : int
        Smallest count shown.
    sets : sequence of str or True, optional
        Columns labelling sets of rows whose counts add up to a published total: secondary
        suppression is applied within each set; ``True``: all rows form one set (quarters
        and their "All cohorts" total). None: primary suppression only.
    complements : mapping of str to str, optional
        ``{count: total}`` pairs whose difference follows by subtraction (see
        :func:`analysis.disclosure.suppress_counts`).
    forced : mapping of str to Series, optional
        Count cells hidden because the same count is hidden in another published table.
    floors : mapping of str to Series, optional
        For some counts, the least a reader can give each cell from the marks of its parts in
        another published table (:func:`analysis.disclosure.set_floors`); the table's own
        quarters give the floors of its "All cohorts" rows.

    Returns
    -------
    DataFrame
        Same shape; suppressed counts read ``"<min_cell"`` (or ``"suppressed"`` where
        suppressed only to protect another cell) and suppressed derived values
        ``"suppressed"``; a ``"<5"`` count that, with its floor, would pin the people of its
        shown total not in it reads ``"suppressed"`` (:func:`analysis.disclosure.unpinned_rests`).
    """
    if sets is not True:
        sets = list(sets) if sets else None
    out = suppress_counts(table, counts, list(derived), min_cell, sets=sets,
                          complements=complements, forced=forced)
    if sets is None or table.empty or "quarter" not in table:
        return unpinned_rests(out, complements or {}, min_cell, floors) if floors else out
    labels = (pd.Series("", index=table.index) if sets is True
              else table[sets].astype(str).agg("|".join, axis=1))
    totals = table["quarter"].astype(str).eq(ALL)
    out = unpinned_marks(out, table, counts, labels, totals, min_cell)
    own = {c: set_floors(out[c], labels, totals, min_cell).where(totals, 0.0) for c in counts}
    if floors:
        own.update({c: np.maximum(own.get(c, 0.0), f.reindex(table.index).fillna(0.0))
                    for c, f in floors.items()})
    return unpinned_rests(out, complements or {}, min_cell, own)


def published_rolling(table: pd.DataFrame, name: str, derived: Sequence[str],
                      min_cell: int = 5, total_published: bool = False) -> pd.DataFrame:
    """A table of counts per quarter and per rolling 12 months under the small-count rule.

    For :func:`first_time_entrants` (``name="fte"``) and :func:`custody_rate`
    (``name="custody"``). Besides the rule of :func:`publish` (the areas add up to "All
    areas" in each quarter), a 12-month count is the sum of four quarterly counts, so one
    suppressed quarter could be worked out from the window's total and the other three: every
    12-month count whose window holds a suppressed quarter is suppressed too (with its rate),
    and secondary suppression is applied to the 12-month counts across the areas again.

    A hidden 12-month count reads ``"<5"`` only where its quarters already say it is below 5
    (its one non-zero quarter reads ``"<5"``); elsewhere it reads ``"suppressed"``, since a
    bound on the sum of several ``"<5"`` quarters could pin each of them
    (:func:`_window_marks`), or where the count of every quarter of all areas, published as
    ``"<5"``, already bounds it (``total_published``: the performance report's "All cohorts"
    count of first-time entrants).
    """
    quarter_col, window_col = f"{name}_quarter", f"{name}_12m"
    if table.empty:
        return table.copy()
    labels = table["quarter"].astype(str)
    q_counts = pd.to_numeric(table[quarter_col], errors="coerce").fillna(0)
    q_mask = suppression_mask(q_counts, min_cell, labels, secondary=True)
    order = sorted(table["quarter"].astype(str).unique(), key=quarter_key)
    position = labels.map({q: i for i, q in enumerate(order)})
    w_counts = pd.to_numeric(table[window_col], errors="coerce")
    in_window = pd.Series(False, index=table.index)
    for rows in table.groupby("area", sort=False).groups.values():
        hidden_at = position[rows][q_mask[rows]].tolist()
        in_window[rows] = [any(p - 3 <= h <= p for h in hidden_at) for p in position[rows]]
    w_mask = secondary_around(w_counts, in_window, min_cell, labels) & w_counts.notna()
    # The rates come from the 12-month counts.
    out = apply_masks(table, {quarter_col: q_mask, window_col: w_mask},
                      {col: [window_col] for col in derived}, min_cell)
    out = unpinned_marks(out, table, [quarter_col], labels, table["area"].eq(ALL_AREAS), min_cell)
    everyone = float(q_counts[table["area"].eq(ALL_AREAS)].sum()) if total_published else 0.0
    out[window_col] = _window_marks(out[window_col], q_counts.astype(float).where(~q_mask, np.where(
        is_small(q_counts, min_cell), min_cell - 1, np.inf)), table["area"], position, w_mask,
        min_cell, bounded=0 < everyone < min_cell)
    return out


def _window_marks(published: pd.Series, most: pd.Series, areas: pd.Series, position: pd.Series,
                  hidden: pd.Series, min_cell: int, bounded: bool = False) -> pd.Series:
    """The published 12-month counts with each hidden one marked by what its quarters say.

    ``most`` is the largest value a reader can give each quarter (its count, ``min_cell - 1``
    for ``"<5"``, infinity for ``"suppressed"``); a hidden window whose quarters add up to at
    most ``min_cell - 1`` reads ``"<5"`` (the table says no more than its quarters do), any other
    ``"suppressed"`` (no bound a reader could add to the quarters'). With ``bounded`` (the
    count of every quarter of all areas is 1 to ``min_cell - 1``, and published as ``"<5"``) no
    window holds more: a hidden window of 1 to ``min_cell - 1`` (``"<5"`` in ``published``)
    reads ``"<5"`` as it is, since that total already says as much.
    """
    out = published.astype(object).copy()
    small = f"<{min_cell}"
    for rows in areas.groupby(areas, sort=False).groups.values():
        ordered = position[rows].sort_values().index
        upper = most[ordered].rolling(4, min_periods=4).sum()
        for i in ordered[hidden[ordered].to_numpy()]:
            below = upper[i] <= min_cell - 1 or (bounded and published[i] == small)
            out[i] = small if below else SUPPRESSED
    return out


def published_iom(iom: pd.DataFrame | None, change: pd.DataFrame | None,
                  time: pd.DataFrame | None, min_cell: int = 5) -> dict[str, pd.DataFrame]:
    """The IOM indicators' tables under the small-count rule, as they are published.

    In each table the quarters add up to its "All cohorts" row, so secondary suppression
    applies across them (within each cohort of :func:`iom_reoffending`). Headline numbers are
    read from these tables, so they never show what a table withholds.

    Parameters
    ----------
    iom, change, time : DataFrame or None
        :func:`iom_reoffending`, :func:`iom_detected_crime_change`,
        :func:`iom_time_to_reoffence` (None: left out).
    min_cell : int
        Smallest count shown.

    Returns
    -------
    dict of str to DataFrame
        ``iom_reoffending``, ``iom_detected_crime_change``, ``iom_time_to_reoffence``.
    """
    out = {}
    forced: tuple[dict[str, pd.Series], dict[str, pd.Series]] = ({}, {})
    pairs: list[tuple[int, int]] = []
    if iom is not None and time is not None:
        pairs = _custody_leaver_rows(iom, time)
        forced = _custody_leavers_alike(iom, time, pairs, min_cell)
    if iom is not None:
        out["iom_reoffending"] = publish(iom, REOFFENDING_COUNTS, REOFFENDING_DERIVED, min_cell,
                                         sets=["cohort"], complements=REOFFENDING_COMPLEMENTS,
                                         forced=forced[0])
    if change is not None:
        out["iom_detected_crime_change"] = publish(
            change, ["people", "before", "after"], ["change_pct", "ci_low_pct", "ci_high_pct"],
            min_cell, sets=True)
    if time is not None:
        out["iom_time_to_reoffence"] = publish(
            time, ["released", "reoffenders"], ["median_days", "q1_days", "q3_days", "mean_days"],
            min_cell, sets=True, forced=forced[1])
    if pairs:
        _marked_alike(out["iom_reoffending"], out["iom_time_to_reoffence"], pairs)
    return out


#: The counts of the IOM custody leavers in :func:`iom_reoffending` and the same counts in
#: :func:`iom_time_to_reoffence`.
_SAME_COUNTS = (("offenders", "released"), ("reoffenders", "reoffenders"))


def _custody_leaver_rows(iom: pd.DataFrame, time: pd.DataFrame) -> list[tuple[int, int]]:
    """The rows of the IOM custody leavers of each quarter: (row of :func:`iom_reoffending`,
    row of :func:`iom_time_to_reoffence`)."""
    custody = iom.index[iom["cohort"].ne("IOM cohort")]
    by_quarter = dict(zip(iom.loc[custody, "quarter"].astype(str), custody, strict=True))
    return [(by_quarter[q], j) for q, j in zip(time["quarter"].astype(str), time.index,
                                                strict=True) if q in by_quarter]


def _marked_alike(rates: pd.DataFrame, time: pd.DataFrame, pairs: list[tuple[int, int]]) -> None:
    """Give each count hidden in both published IOM tables the same mark, in place.

    Where one table reads ``"suppressed"`` (a ``"<5"`` there would pin the people who did not
    reoffend, :func:`analysis.disclosure.unpinned_rests`) the other does too.
    """
    for a, b in _SAME_COUNTS:
        for i, j in pairs:
            if SUPPRESSED in (rates.at[i, a], time.at[j, b]) and is_withheld(
                    pd.Series([rates.at[i, a], time.at[j, b]])).all():
                rates.at[i, a] = time.at[j, b] = SUPPRESSED


def _custody_leavers_alike(iom: pd.DataFrame, time: pd.DataFrame, pairs: list[tuple[int, int]],
                           min_cell: int) -> tuple[dict[str, pd.Series], dict[str, pd.Series]]:
    """The cells each IOM table must hide because the other hides the same count.

    The IOM custody leavers' offenders and reoffenders of each quarter are published twice (in
    the reoffending rates and in the time to reoffence); a count hidden in one and shown in the
    other gives the hidden cell back (and, with the offenders, the people who did not reoffend).
    The two tables' rules are applied in turn, each hiding what the other hides, until neither
    hides more.

    Returns
    -------
    tuple of dict
        ``forced`` for :func:`publish` of the reoffending table and of the time table.
    """
    forced_iom = {c: pd.Series(False, index=iom.index) for c, _ in _SAME_COUNTS}
    forced_time = {c: pd.Series(False, index=time.index) for _, c in _SAME_COUNTS}
    for _ in range(len(pairs) * len(_SAME_COUNTS) + 1):
        hidden_iom = suppression_masks(iom, REOFFENDING_COUNTS, min_cell, ["cohort"],
                                       complements=REOFFENDING_COMPLEMENTS, forced=forced_iom)
        hidden_time = suppression_masks(time, ["released", "reoffenders"], min_cell, True,
                                        forced=forced_time)
        changed = False
        for a, b in _SAME_COUNTS:
            for i, j in pairs:
                either = bool(hidden_iom[a][i] or hidden_time[b][j])
                changed |= either != bool(forced_iom[a][i]) or either != bool(forced_time[b][j])
                forced_iom[a][i] = forced_time[b][j] = either
        if not changed:
            break
    return forced_iom, forced_time
