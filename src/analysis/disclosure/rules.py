"""The suppression rules of the disclosure policy (:mod:`analysis.disclosure`) and the code that applies them.

Thresholds, rounding, derived values, secondary suppression and headline estimates, applied to
display copies of tables under the run's policy (:mod:`analysis.disclosure.policy`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.disclosure.marks import unpinned_rests, unpinned_set_marks
from analysis.disclosure.policy import SUPPRESSED, is_shown, policy

__all__ = ["apply_masks", "count_text", "shown_count", "is_small", "secondary_around",
           "share_masks", "shown_rows", "small_flag_cells", "suppression_mask",
           "suppression_masks", "suppress_counts", "suppress_where", "EXACT_ATTR", "RULE_ATTR",
           "flow_losses", "undrawn_bars",
           "HEADLINE_MIN_PEOPLE", "round_counts", "smallest_publishable_cohort",
           "too_small_to_publish"]

#: ``DataFrame.attrs`` keys of a published table: the exact values of the cells it hides, and
#: the rule :func:`suppress_counts` applied (counts, derived columns, sets). They are read by
#: :meth:`analysis.presentation.outputs.RunOutput.table` for the run's disclosure audit
#: (:mod:`analysis.disclosure.ledger`) and never written to a published file.
EXACT_ATTR = "disclosure_exact"
RULE_ATTR = "disclosure_rule"

#: A headline estimate of a group of at least this many people is suppressed only where its own
#: counts are small (policy item 5).
HEADLINE_MIN_PEOPLE = 100


def round_counts(values: pd.Series, base: int | None) -> pd.Series:
    """Counts rounded to the nearest ``base`` (halves up); text and blanks are left as they are.

    Parameters
    ----------
    values : Series
        A published count column (numbers, or ``"<5"``/``"suppressed"`` text).
    base : int or None
        Rounding base (5: 7 reads 5, 8 reads 10); None leaves the column unchanged.
    """
    if not base or base <= 1:
        return values
    numbers = pd.to_numeric(values, errors="coerce")
    rounded = (np.floor(numbers / base + 0.5) * base)
    out = values.astype(object).copy()
    shown = numbers.notna() & values.map(lambda v: not isinstance(v, str))
    out[shown] = [int(v) for v in rounded[shown]]
    return out


def is_small(counts: pd.Series, min_cell: int = 5) -> pd.Series:
    """Return True where a count is between 1 and ``min_cell - 1``."""
    c = pd.to_numeric(counts, errors="coerce")
    return (c > 0) & (c < min_cell)


def count_text(count: int, min_cell: int = 5) -> str:
    """A count for a sentence: ``"<5"`` from 1 to ``min_cell - 1``, else with thousands commas."""
    return f"<{min_cell}" if 0 < count < min_cell else f"{count:,}"


def shown_count(count: int, min_cell: int = 5) -> int | str:
    """A count for a headline result: the count, or ``"<5"`` from 1 to ``min_cell - 1``."""
    return f"<{min_cell}" if 0 < count < min_cell else int(count)


def smallest_publishable_cohort(min_cell: int = 5) -> int:
    """The fewest people measured for whom a run publishes any estimate: ``2 * min_cell``.

    Every split of fewer people in two (reoffended or not, treated or not, female or male)
    leaves one side with 1 to ``min_cell - 1`` people, unless the other side is empty, and any
    rate, table or figure of the cohort gives that side away (policy item 9).
    """
    return 2 * min_cell


def too_small_to_publish(people: int, min_cell: int = 5) -> str | None:
    """Why no estimate of a cohort of ``people`` people measured can be published, or None.

    Parameters
    ----------
    people : int
        People measured (the analysis cohort).
    min_cell : int
        Smallest count shown (``disclosure.min_cell``).

    Returns
    -------
    str or None
        A sentence for the reader (the cohort's size as :func:`count_text` writes it), or
        None when the cohort has at least :func:`smallest_publishable_cohort` people.
    """
    needed = smallest_publishable_cohort(min_cell)
    if people >= needed:
        return None
    return (f"Nothing could be estimated for publication: the cohort has "
            f"{count_text(people, min_cell)} people measured, fewer than the {needed} any rate, "
            f"table or figure needs, since every split of so few people (reoffended or not, "
            f"treated or not, by sex or area) leaves a group of 1 to {min_cell - 1} that it "
            "would reveal. Every output of this notebook is withheld; only the number of "
            "people measured is published.")


def _secondary(counts: pd.Series, primary: pd.Series) -> pd.Series:
    """Add the smallest other non-zero cell when exactly one cell of the set is suppressed.

    Where every other cell of the set is 0, the set's total is the suppressed cell itself: a
    zero is hidden instead (it reads ``"suppressed"``), so the total no longer gives it back.
    """
    mask = primary.copy()
    if int(primary.sum()) == 1:
        c = pd.to_numeric(counts, errors="coerce")
        candidates = c[(~primary) & (c > 0)]
        if candidates.empty:
            candidates = c[(~primary) & (c == 0)]
        if not candidates.empty:
            mask.loc[candidates.idxmin()] = True
    return mask


def suppression_mask(
    counts: pd.Series,
    min_cell: int = 5,
    sets: pd.Series | None = None,
    secondary: bool = False,
) -> pd.Series:
    """Cells to suppress in one count column.

    Parameters
    ----------
    counts : Series
        Counts.
    min_cell : int
        Smallest count shown.
    sets : Series, optional
        Labels of the sets of cells that add up to a known total (e.g. the variable of each
        row of a Table 1); with ``secondary`` and no ``sets``, all rows form one set.
    secondary : bool
        Apply secondary suppression (rule 3).
    """
    primary = is_small(counts, min_cell)
    if not secondary:
        return primary
    labels = sets if sets is not None else pd.Series(0, index=counts.index)
    parts = [_secondary(counts.loc[idx], primary.loc[idx])
             for idx in labels.groupby(labels, sort=False).groups.values()]
    return pd.concat(parts).reindex(counts.index)


def secondary_around(counts: pd.Series, hidden: pd.Series, min_cell: int = 5,
                     sets: pd.Series | None = None) -> pd.Series:
    """:func:`suppression_mask` with rule 3 applied again around cells already ``hidden``.

    For cells hidden by another rule (across a row, or a rolling window): each set with exactly
    one hidden cell gets a second one, as it would for a small count.
    """
    return suppression_mask(counts.where(~hidden, 1).fillna(0), min_cell, sets, secondary=True)


def flow_losses(flow: pd.DataFrame, pairs: Mapping[str, str],
                min_cell: int = 5) -> dict[str, pd.Series]:
    """The losses of a flow to hide beside the small counts they would give back (policy item 6).

    A flow shows the people kept at each step and those lost since the step before, so a
    step's kept count is the one before minus its loss: where the people kept are 1 to
    ``min_cell - 1`` (read ``"<5"``), a loss that is not 0 reads ``"suppressed"`` (``forced``
    of :func:`suppress_counts`).

    Parameters
    ----------
    flow : DataFrame
        One row per step, in order, with exact counts.
    pairs : mapping of str to str
        Each column of people kept and the column of the people lost from it at each step.
    min_cell : int
        Smallest count shown.

    Returns
    -------
    dict of str to Series
        For each loss column, True where it is hidden.
    """
    return {lost: is_small(flow[kept], min_cell)
            & pd.to_numeric(flow[lost], errors="coerce").gt(0)
            for kept, lost in pairs.items()}


def undrawn_bars(counts: np.ndarray, min_cell: int = 5) -> np.ndarray:
    """The bars of a histogram not to draw, where the figure gives the group's size (policy
    item 7): each bar of 1 to ``min_cell - 1`` people and, while the bars not drawn hold 1 to
    ``min_cell - 1`` people in all (the group's size minus the bars drawn would give them),
    the smallest bar drawn too (rule 3, repeated until that rest is 0 or at least ``min_cell``).

    Parameters
    ----------
    counts : array
        The people in each bar.
    min_cell : int
        Smallest count shown.

    Returns
    -------
    array of bool
        True for each bar not drawn.
    """
    values = pd.Series(np.asarray(counts, dtype=float))
    hidden = is_small(values, min_cell)
    while 0 < values[hidden].sum() < min_cell and (values[~hidden] > 0).any():
        hidden[values[~hidden & (values > 0)].idxmin()] = True
    return hidden.to_numpy()


def suppress_where(table: pd.DataFrame, columns: Iterable[str],
                   hidden: pd.Series | np.ndarray) -> pd.DataFrame:
    """A copy of ``table`` whose ``columns`` read ``"suppressed"`` where ``hidden`` is True
    (derived values: percentages, means, SMDs); other cells keep their values."""
    out = table.copy()
    keep = ~np.asarray(hidden, dtype=bool)
    for col in columns:
        _keep_exact(out, col, out[col][~keep])
        out[col] = out[col].astype(object).where(keep, SUPPRESSED)
    return out


def _keep_exact(out: pd.DataFrame, col: str, values: pd.Series) -> None:
    """Note in ``out.attrs`` the exact numbers of the cells of ``col`` about to be hidden."""
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    if len(numbers):
        kept = out.attrs.setdefault(EXACT_ATTR, {}).setdefault(col, {})
        kept.update({label: float(v) for label, v in numbers.items()})


def small_flag_cells(flag: pd.Series, treated: pd.Series, min_cell: int = 5,
                     counted: pd.Series | None = None) -> bool:
    """True where the people with and without a 0/1 ``flag`` in either group (treated 0 and 1),
    among those ``counted``, include a count from 1 to ``min_cell - 1``: a group's mean of the
    flag, beside the group's size, would give it."""
    t = treated.astype(int)
    keep = pd.Series(True, index=flag.index) if counted is None else counted
    cells = pd.Series([int(((t == g) & (flag == v) & keep).sum()) for g in (0, 1) for v in (0, 1)])
    return bool(is_small(cells, min_cell).any())


def apply_masks(df: pd.DataFrame, masks: Mapping[str, pd.Series],
                ties: Mapping[str, Iterable[str]], min_cell: int = 5) -> pd.DataFrame:
    """The display copy of ``df`` with the cells of ``masks`` suppressed.

    Parameters
    ----------
    df : DataFrame
        The table with exact counts.
    masks : mapping of str to Series
        For each count column, True where it is suppressed.
    ties : mapping of str to iterable of str
        Each derived column and the count columns it comes from: it reads ``"suppressed"``
        wherever any of them is suppressed.
    min_cell : int
        Smallest count shown.

    Returns
    -------
    DataFrame
        Suppressed counts read ``"<min_cell"`` (or ``"suppressed"`` where suppressed only to
        protect another cell), suppressed derived values ``"suppressed"``; with a rounding
        base in the :func:`policy`, the counts shown are rounded to it.
    """
    out = df.copy()
    for col, bases in ties.items():
        hidden = pd.Series(False, index=df.index)
        for base in bases:
            hidden |= masks[base]
        out = suppress_where(out, [col], hidden)
    for col, mask in masks.items():
        text = np.where(is_small(df[col], min_cell), f"<{min_cell}", SUPPRESSED)
        _keep_exact(out, col, df[col][mask.to_numpy()])
        out[col] = out[col].astype(object).where(~mask.to_numpy(), pd.Series(text, index=df.index))
        if policy().rounding:
            out[col] = round_counts(out[col], policy().rounding)
    return out


def shown_rows(table: pd.DataFrame, published: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """The rows of ``table`` whose ``columns`` its ``published`` copy (same rows, same order)
    shows as numbers: exact values for a figure or a headline that show only what the table does."""
    keep = np.ones(len(table), dtype=bool)
    for col in columns:
        keep &= is_shown(published[col]).to_numpy()
    return table[keep]


def _row_secondary(masks: dict[str, pd.Series], counts: pd.DataFrame) -> dict[str, pd.Series]:
    """Rule 3 across the columns of each row, for rows whose counts add up to a known total."""
    mask = pd.DataFrame(masks)
    one = mask.sum(axis=1) == 1
    if one.any():
        c = counts.where(~mask & (counts > 0))
        for row in mask.index[one]:
            if c.loc[row].notna().any():
                mask.loc[row, c.loc[row].idxmin()] = True
    return {col: mask[col] for col in mask.columns}


def _set_labels(df: pd.DataFrame, sets: str | Sequence[str] | bool | None) -> pd.Series | None:
    """The label of each row's set of ``sets`` (as :func:`suppress_counts`): one set for
    ``True``, None without sets."""
    if sets is True:
        return pd.Series("", index=df.index)
    if isinstance(sets, str) or (isinstance(sets, Sequence) and not isinstance(sets, bool)):
        cols = [sets] if isinstance(sets, str) else list(sets)
        return df[cols].astype(str).agg("|".join, axis=1)
    return None


def suppression_masks(
    df: pd.DataFrame,
    count_cols: Iterable[str],
    min_cell: int = 5,
    sets: str | Sequence[str] | bool | None = None,
    row_sets: bool | Sequence[Sequence[str]] = False,
    complements: Mapping[str, str] | None = None,
    forced: Mapping[str, pd.Series] | None = None,
) -> dict[str, pd.Series]:
    """The cells of each count column that the rule hides (parameters as :func:`suppress_counts`).

    Returns
    -------
    dict of str to Series
        For each count column, True where it is suppressed.
    """
    count_cols = list(count_cols)
    labels = None if sets is True else _set_labels(df, sets)
    counts = pd.DataFrame({c: pd.to_numeric(df[c], errors="coerce").fillna(0) for c in count_cols},
                          index=df.index)
    if row_sets is True:
        groups = [count_cols]
    elif row_sets:
        groups = [list(g) for g in row_sets]
    else:
        groups = []
    for count, total in (complements or {}).items():
        # the people of total not in count: not printed, a cell all the same
        rest = f"{total} not {count}"
        counts[rest] = (pd.to_numeric(df[total], errors="coerce")
                        - pd.to_numeric(df[count], errors="coerce")).fillna(0)
        groups.append([count, rest])
    cells = list(counts.columns)
    secondary = sets not in (None, False)
    masks = {c: suppression_mask(counts[c], min_cell, labels, secondary=secondary) for c in cells}
    if forced:
        masks.update({c: masks[c] | forced[c].reindex(df.index, fill_value=False).astype(bool)
                      for c in forced})
        if secondary:
            masks = {c: secondary_around(counts[c], masks[c], min_cell, labels) for c in cells}
    while groups and cells:
        # A cell added across a row may leave a column's set with one suppressed cell, and the
        # reverse: repeat until neither direction adds a cell.
        before = sum(int(m.sum()) for m in masks.values())
        for cols in groups:
            masks.update(_row_secondary({c: masks[c] for c in cols}, counts[cols]))
        for count, total in (complements or {}).items():
            # a count of 0 beside a hidden rest gives the rest back: the whole (small) total
            rest = f"{total} not {count}"
            masks[count] = masks[count] | (masks[rest] & counts[count].eq(0))
        if secondary:
            masks = {c: secondary_around(counts[c], masks[c], min_cell, labels) for c in cells}
        if sum(int(m.sum()) for m in masks.values()) == before:
            break
    return {c: masks[c] for c in count_cols}


def suppress_counts(
    df: pd.DataFrame,
    count_cols: Iterable[str],
    derived: Mapping[str, str | Sequence[str]] | Sequence[str] | None = None,
    min_cell: int = 5,
    sets: str | Sequence[str] | bool | None = None,
    row_sets: bool | Sequence[Sequence[str]] = False,
    complements: Mapping[str, str] | None = None,
    forced: Mapping[str, pd.Series] | None = None,
) -> pd.DataFrame:
    """Return a display copy of ``df`` with small counts and what derives from them suppressed.

    Parameters
    ----------
    df : DataFrame
        The table with exact counts.
    count_cols : iterable of str
        Columns holding counts of people or offences (blanks are not counts).
    derived : mapping or sequence of str, optional
        Derived columns (percentages, rates, means, intervals). A mapping
        ``{derived_column: count_column or [count_columns]}`` suppresses a derived cell
        wherever any of its count columns is suppressed in the same row; a sequence ties each
        derived column to every count column (a rate of 0 out of 3 discloses as much as 3 out
        of 3).
    min_cell : int
        Smallest count shown.
    sets : str, sequence of str, or bool, optional
        Secondary suppression down the columns: the column(s) whose values label the sets of
        rows adding up to a known total, or ``True`` when all rows form one set (a by-group
        table whose overall total is published). ``None`` applies primary suppression only.
    row_sets : bool or sequence of sequences of str
        Secondary suppression across each row as well: ``True`` when the count columns of a row
        add up to a known total (at risk + events + censored = the group's size), or the groups
        of count columns that do (``[["costed", "uncosted"]]`` where costed + uncosted = a
        shown total).
    complements : mapping of str to str, optional
        ``{count: total}`` where the people of ``total`` not in ``count`` (``total - count``,
        not printed) follow by subtraction: the reoffenders of the offenders, a measure's
        numerator of its denominator. The difference is a cell too: small, it is suppressed
        with ``count`` (they protect each other across the row), and secondary suppression
        down the columns counts it.
    forced : mapping of str to Series, optional
        For some count columns, True where a cell is hidden whatever its size: the same count
        is hidden in another published table (a group's counts are hidden alike wherever they
        are published). Secondary suppression is applied around them.

    Returns
    -------
    DataFrame
        Same shape; suppressed counts read ``"<min_cell"`` (or ``"suppressed"`` where
        suppressed only to protect another cell) and suppressed derived values ``"suppressed"``.
    """
    count_cols = list(count_cols)
    if df.empty:
        return df.copy()
    masks = suppression_masks(df, count_cols, min_cell, sets, row_sets, complements, forced)
    if derived is None:
        ties: dict[str, list[str]] = {}
    elif isinstance(derived, Mapping):
        ties = {col: [base] if isinstance(base, str) else list(base) for col, base in derived.items()}
    else:
        ties = {col: count_cols for col in derived}
    out = unpinned_rests(apply_masks(df, masks, ties, min_cell), complements or {}, min_cell)
    labels = _set_labels(df, sets)
    if labels is not None:
        out = unpinned_set_marks(out, df, count_cols, labels, min_cell)
    out.attrs[RULE_ATTR] = {
        "counts": count_cols, "derived": ties, "complements": dict(complements or {}),
        "sets": (None if sets is None or sets is False else True if sets is True
                 else [sets] if isinstance(sets, str) else list(sets)),
        "row_sets": ([count_cols] if row_sets is True else [list(g) for g in row_sets or []]),
    }
    return out


def share_masks(
    table: pd.DataFrame,
    counts: Sequence[str],
    bases: Sequence[str],
    sizes: Sequence[int],
    variable: str | None = None,
    min_cell: int = 5,
) -> dict[str, pd.Series]:
    """Cells to hide in a table of shares: people in a level out of the people with a value.

    A Table 1 or a prevalence table shows, for each group ``g``, the people in each level
    (``counts[g]``) and the people with a value (``bases[g]``) out of the group's ``sizes[g]``
    people. The people in a level not shown (``bases[g]`` minus the shown levels: the "no" of a
    yes/no flag) and the people without a value (``sizes[g] - bases[g]``) are not in the table
    but follow from it by subtraction, so they are cells too. For each variable and group, the
    shown levels and these two cells make up the group (rule 3 applies to them as a set); with
    more than one group, each level's cells across the groups add up to its overall count (rule
    3 across the row). A row whose count is blank (a mean) counts its base.

    Parameters
    ----------
    table : DataFrame
        One row per level (or per mean).
    counts, bases : sequence of str
        The count and base column of each group.
    sizes : sequence of int
        The people in each group.
    variable : str, optional
        The column naming each row's variable; without it each row is a variable of its own
        (a yes/no flag).
    min_cell : int
        Smallest count shown.

    Returns
    -------
    dict of str to Series
        For each count and base column, True where it is suppressed. A base is hidden where it
        is small, where its mean row is hidden, or where the people without a value are hidden
        (it would give them by subtraction).
    """
    groups = range(len(counts))
    var = (table[variable] if variable is not None
           else pd.Series(np.arange(len(table)), index=table.index)).astype(str)
    rows, keys = [], []
    for v, idx in var.groupby(var, sort=False).groups.items():
        part = table.loc[idx]
        cells = {g: pd.to_numeric(part[counts[g]], errors="coerce")
                 .fillna(pd.to_numeric(part[bases[g]], errors="coerce")) for g in groups}
        for i in idx:
            rows.append({"set": v, **{f"c{g}": cells[g].loc[i] for g in groups}})
            keys.append(("row", i))
        base = {g: float(pd.to_numeric(part[bases[g]], errors="coerce").iloc[0]) for g in groups}
        has_counts = pd.to_numeric(part[counts[0]], errors="coerce").notna().any()
        if has_counts:
            rows.append({"set": v, **{f"c{g}": base[g] - cells[g].sum() for g in groups}})
            keys.append(("rest", v))
        rows.append({"set": v, **{f"c{g}": sizes[g] - base[g] for g in groups}})
        keys.append(("missing", v))
    cells = pd.DataFrame(rows, index=pd.MultiIndex.from_tuples(keys))
    cols = [f"c{g}" for g in groups]
    hidden = suppression_masks(cells, cols, min_cell, sets="set", row_sets=len(cols) > 1)
    out = {}
    for g in groups:
        h = hidden[f"c{g}"]
        row_hidden = pd.Series([bool(h.loc[("row", i)]) for i in table.index], index=table.index)
        missing_hidden = var.map(lambda v, h=h: bool(h.loc[("missing", v)])).astype(bool)
        is_mean = pd.to_numeric(table[counts[g]], errors="coerce").isna()
        out[counts[g]] = row_hidden & ~is_mean
        out[bases[g]] = (is_small(table[bases[g]], min_cell) | missing_hidden
                         | (row_hidden & is_mean))
    return out
