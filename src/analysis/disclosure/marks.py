"""What the marks of hidden cells tell a reader, and where they would tell too much.

A count marked ``"<5"`` says it is 1 to ``min_cell - 1``; beside a shown total, or the count's
shown total, such marks can pin a hidden count. :func:`unpinned_marks` and
:func:`unpinned_rests` read ``"suppressed"`` (some count of 0 or more) there instead, as
:func:`unpinned_set_marks` does for sets whose total is published elsewhere, and
:func:`pinned_totals` names the totals that must be hidden themselves (policy items 3 and 4 of
:mod:`analysis.disclosure`). :func:`least_counts` and :func:`set_floors` give the least count a
reader can give a cell from its mark and the marks of its parts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.disclosure.policy import SUPPRESSED, is_shown, policy, shows_number

__all__ = ["least_counts", "pinned_totals", "set_floors", "unpinned_marks", "unpinned_rests",
           "unpinned_set_marks"]


def least_counts(marks: pd.Series, min_cell: int = 5) -> pd.Series:
    """The least count a reader can give each published cell from its mark alone: a number as
    it is shown, ``"<5"`` 1, any other mark (``"suppressed"``, a blank) 0."""
    numbers = pd.to_numeric(marks.where(is_shown(marks)), errors="coerce")
    small = marks.astype(object).eq(f"<{min_cell}")
    return numbers.fillna(small.astype(float))


def set_floors(marks: pd.Series, sets: pd.Series, totals: pd.Series,
               min_cell: int = 5) -> pd.Series:
    """The least count a reader can give each cell of a column whose sets add up to a total row.

    A part's least count is that of its mark (:func:`least_counts`); a total's is the larger of
    its own mark's and the sum of its parts' (two ``"<5"`` areas make a quarter of all areas 2
    or more, whatever its own mark says).

    Parameters
    ----------
    marks : Series
        A published count column.
    sets : Series
        The label of each row's set.
    totals : Series of bool
        True on the row of each set that is the total of the others.
    min_cell : int
        Smallest count shown.
    """
    least = least_counts(marks, min_cell)
    out = least.copy()
    for rows in sets.groupby(sets, sort=False).groups.values():
        total = [r for r in rows if totals[r]]
        if len(total) == 1:
            parts = [r for r in rows if not totals[r]]
            out[total[0]] = max(least[total[0]], float(least[parts].sum()))
    return out


def pinned_totals(exact: pd.Series, marks: pd.Series, floors: pd.Series, sets: pd.Series,
                  totals: pd.Series, min_cell: int = 5) -> pd.Series:
    """True on each shown total that would pin its hidden parts.

    The hidden parts of a set hold the total minus its shown parts, ``R``; each is at least its
    floor (:func:`set_floors`), ``F`` in all. Where ``R <= F`` every hidden part is at its floor
    (six first-time entrants in five ``"<5"`` quarters, one of them of two ``"<5"`` areas), and
    where no hidden part reads ``"suppressed"`` and ``R >= (min_cell - 1) * k`` for ``k`` hidden
    parts every one is ``min_cell - 1``: the total is hidden instead (it reads
    ``"suppressed"``). Sets with no hidden part are left alone.

    Parameters
    ----------
    exact : Series
        The exact counts.
    marks : Series
        Their published cells (numbers or marks).
    floors : Series
        The least count a reader can give each cell (:func:`set_floors`).
    sets, totals : Series
        As for :func:`set_floors`.
    min_cell : int
        Smallest count shown.

    Returns
    -------
    Series of bool
        Aligned with ``exact``.
    """
    out = pd.Series(False, index=exact.index)
    values = pd.to_numeric(exact, errors="coerce").fillna(0)
    for rows in sets.groupby(sets, sort=False).groups.values():
        total = [r for r in rows if totals[r]]
        if len(total) != 1 or not is_shown(marks[total]).all():
            continue
        hidden = [r for r in rows if not totals[r] and not shows_number(marks[r])]
        if not hidden:
            continue
        rest = values[total[0]] - sum(values[r] for r in rows if not totals[r] and r not in hidden)
        small = all(marks[r] == f"<{min_cell}" for r in hidden)
        out[total[0]] = bool(rest <= floors[hidden].sum()
                             or (small and rest >= (min_cell - 1) * len(hidden)))
    return out


def unpinned_rests(published: pd.DataFrame, complements: Mapping[str, str], min_cell: int = 5,
                   floors: Mapping[str, pd.Series] | None = None) -> pd.DataFrame:
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
    floors : mapping of str to Series, optional
        For some counts, the least a reader can give each cell from elsewhere (its parts'
        marks, :func:`set_floors`); 1 where not given.

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
        least = pd.Series(1.0, index=out.index)
        if floors and count in floors:
            least = np.maximum(least, floors[count].reindex(out.index).fillna(1.0))
        pinned = ((out[count].astype(object) == small) & (shown_total - (min_cell - 1) >= 1)
                  & (shown_total - least <= min_cell - 1))
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
    def total_row(rows: list, marks: pd.Series, values: pd.Series) -> tuple[list, float] | None:
        total = [r for r in rows if totals[r]]
        if len(total) != 1 or not shows_number(marks[total[0]]):
            return None
        return [r for r in rows if not totals[r]], float(values[total[0]])

    return _unpinned(published, exact, columns, sets, total_row, min_cell)


def _unpinned(published: pd.DataFrame, exact: pd.DataFrame, columns: Iterable[str],
              sets: pd.Series,
              split: Callable[[list, pd.Series, pd.Series], tuple[list, float] | None],
              min_cell: int) -> pd.DataFrame:
    """``published`` with the ``"<5"`` marks each set's total would pin read ``"suppressed"``
    (:func:`_pinned_marks`); ``split(rows, marks, values)`` gives a set's parts and its known
    total, or None where it has none. With a rounding base no mark is changed."""
    out = published.copy()
    if policy().rounding:
        return out
    for col in columns:
        marks = out[col].astype(object)
        values = pd.to_numeric(exact[col], errors="coerce").fillna(0)
        for rows in sets.groupby(sets, sort=False).groups.values():
            found = split(list(rows), marks, values)
            if found is not None:
                parts, total = found
                marks[_pinned_marks(marks[parts], values[parts], total, min_cell)] = SUPPRESSED
        out[col] = marks
    return out


def _pinned_marks(marks: pd.Series, values: pd.Series, total: float,
                  min_cell: int = 5) -> list:
    """The labels of the parts marked ``"<5"`` that a set's known ``total`` would pin.

    The ``k`` parts marked ``"<5"`` hold the total minus the shown parts, ``R``: with ``R <= k``
    every one is 1, and with no other hidden part and ``R >= (min_cell - 1) * k`` every one is
    ``min_cell - 1``. Returns the ``"<5"`` parts there, else none.
    """
    small_parts = [r for r in marks.index if marks[r] == f"<{min_cell}"]
    k = len(small_parts)
    hidden = [r for r in marks.index if not shows_number(marks[r])]
    rest = total - sum(values[r] for r in marks.index if shows_number(marks[r]))
    alone = len(hidden) == k
    return small_parts if k and (rest <= k or (alone and rest >= (min_cell - 1) * k)) else []


def unpinned_set_marks(published: pd.DataFrame, exact: pd.DataFrame, columns: Iterable[str],
                       sets: pd.Series, min_cell: int = 5) -> pd.DataFrame:
    """``published`` with the ``"<5"`` marks of a set read ``"suppressed"`` where the set's
    total, published elsewhere (the levels of a subgroup add up to the people estimated on, the
    groups of a curve to its sample), would pin them.

    As :func:`unpinned_marks`, for sets with no total row: the total is the sum of the set's
    exact counts. With a rounding base (:func:`policy`) no mark is changed.

    Parameters
    ----------
    published : DataFrame
        The display copy (from :func:`~analysis.disclosure.apply_masks`).
    exact : DataFrame
        The table with exact counts (same rows).
    columns : iterable of str
        The count columns whose sets add up to a known total.
    sets : Series
        The label of each row's set (aligned with ``exact``).
    min_cell : int
        Smallest count shown.

    Returns
    -------
    DataFrame
        A copy of ``published``.
    """
    def whole_set(rows: list, marks: pd.Series, values: pd.Series) -> tuple[list, float]:
        return rows, float(values[rows].sum())

    return _unpinned(published, exact, columns, sets, whole_set, min_cell)
