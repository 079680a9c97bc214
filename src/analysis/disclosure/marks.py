"""What the marks of hidden cells tell a reader, and where they would tell too much.

A count marked ``"<5"`` says it is 1 to ``min_cell - 1``; beside a shown total, or the count's
shown total, such marks can pin a hidden count. :func:`unpinned_marks` and
:func:`unpinned_rests` read ``"suppressed"`` (some count of 0 or more) there instead
(policy items 3 and 4 of :mod:`analysis.disclosure`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from analysis.disclosure.policy import SUPPRESSED, is_shown, policy, shows_number

__all__ = ["unpinned_marks", "unpinned_rests"]


def unpinned_rests(published: pd.DataFrame, complements: Mapping[str, str], min_cell: int = 5) -> pd.DataFrame:
    """``published`` with a count's ``"<5"`` read ``"suppressed"`` where, beside its shown total,
    the mark would pin the people of the total not in the count.

    A count marked ``"<5"`` is 1 to ``min_cell - 1``, so the people of its shown total ``T`` not
    in it (not printed, a cell all the same: ``complements`` of :func:`suppress_counts`) are
    ``T - min_cell + 1`` to ``T - 1``. Where that range lies within 1 to ``min_cell - 1`` (a
    total of ``min_cell``: 5 offenders of whom ``"<5"`` reoffended leaves 1 to 4 who did not),
    the mark gives the rest away, and the count reads ``"suppressed"`` (some count of 0 or
    more) instead. With a rounding base (:func:`policy`) the total shown is not exact, and no
    mark is changed.

    Parameters
    ----------
    published : DataFrame
        The display copy (from :func:`apply_masks`).
    complements : mapping of str to str
        ``{count: total}`` as in :func:`suppress_counts`.
    min_cell : int
        Smallest count shown.

    Returns
    -------
    DataFrame
        A copy of ``published``.
    """
    out = published.copy()
    if policy().rounding or not complements:
        return out
    small = f"<{min_cell}"
    for count, total in complements.items():
        shown_total = pd.to_numeric(out[total].where(is_shown(out[total])), errors="coerce")
        pinned = ((out[count].astype(object) == small) & (shown_total - (min_cell - 1) >= 1)
                  & (shown_total - 1 <= min_cell - 1))
        out[count] = out[count].astype(object).where(~pinned, SUPPRESSED)
    return out


def unpinned_marks(published: pd.DataFrame, exact: pd.DataFrame, columns: Iterable[str],
                   sets: pd.Series, totals: pd.Series, min_cell: int = 5) -> pd.DataFrame:
    """``published`` with the ``"<5"`` marks of a set read ``"suppressed"`` where its shown
    total would pin them.

    A ``"<5"`` cell says its count is 1 to ``min_cell - 1``. In a set of parts whose total is
    shown, the ``k`` parts marked ``"<5"`` hold the total minus the shown parts, ``R``: with
    ``R <= k`` every one of them is 1, and with no other hidden part and ``R >= (min_cell - 1)
    * k`` every one is ``min_cell - 1``. There the marks say too much, and they read
    ``"suppressed"`` (some count of 0 or more) instead: the counts stay hidden and the total
    stays shown. With a rounding base (:func:`policy`) the shown parts are not exact, and no
    mark is changed.

    Parameters
    ----------
    published : DataFrame
        The display copy (from :func:`suppress_counts` or :func:`apply_masks`).
    exact : DataFrame
        The table with exact counts (same rows).
    columns : iterable of str
        The count columns whose sets add up to a total.
    sets : Series
        The label of each row's set (aligned with ``exact``).
    totals : Series of bool
        True on the row of each set that is the total of the others.
    min_cell : int
        Smallest count shown.

    Returns
    -------
    DataFrame
        A copy of ``published``.
    """
    out = published.copy()
    if policy().rounding:
        return out
    small = f"<{min_cell}"
    for col in columns:
        marks = out[col].astype(object)
        values = pd.to_numeric(exact[col], errors="coerce").fillna(0)
        for rows in sets.groupby(sets, sort=False).groups.values():
            total = [r for r in rows if totals[r]]
            if len(total) != 1 or not shows_number(marks[total[0]]):
                continue
            parts = [r for r in rows if not totals[r]]
            small_parts = [r for r in parts if marks[r] == small]
            hidden = [r for r in parts if not shows_number(marks[r])]
            k = len(small_parts)
            rest = values[total[0]] - sum(values[r] for r in parts if shows_number(marks[r]))
            alone = len(hidden) == k
            if k and (rest <= k or (alone and rest >= (min_cell - 1) * k)):
                marks[small_parts] = SUPPRESSED
        out[col] = marks
    return out
