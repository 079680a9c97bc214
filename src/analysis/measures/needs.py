"""Criminogenic needs: who was assessed for a need, its prevalence, needs per person, co-occurrence.

Needs are 0/1 flags, one column per need (``data.needs``), with blanks allowed. One rule says
who counts:

**A person counts as assessed for a need when their flag for that need is recorded (0 or 1).**
A blank flag means the need was not assessed for that person; it is never read as "no need",
which would understate the need whenever recording is incomplete. So

* the prevalence of a need is the share with the need among the people assessed for *that*
  need (each need has its own denominator, ``assessed``);
* the number of needs per person is counted over the people assessed for *every* need counted
  (a person with a blank among them has an unknown count);
* two needs occur together among the people assessed for *both*.

People whose flags are all blank were not assessed at all and count nowhere. When every
assessment records every need (as in the bundled data), the three denominators are the same
people: those with a needs assessment.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from analysis.measures.proportions import wilson

__all__ = ["NEED_LABELS", "need_label", "needs_prevalence", "need_counts", "needs_per_person",
           "needs_cooccurrence"]

#: Readable names of need keys whose plain spelling reads badly.
NEED_LABELS = {"ete": "Education, training, employment", "thinking_behaviour": "Thinking and behaviour"}


def need_label(key: str) -> str:
    """A need in words, for tables and figures.

    Parameters
    ----------
    key : str
        The need's key or column, with or without the ``need_`` prefix.

    Returns
    -------
    str
        :data:`NEED_LABELS` where it names the need, else the key in words, capitalised
        (``need_ete`` -> ``Education, training, employment``, ``need_drugs`` -> ``Drugs``).
    """
    key = key.removeprefix("need_")
    return NEED_LABELS.get(key, key.replace("_", " ").capitalize())


def needs_prevalence(frame: pd.DataFrame, needs: Sequence[str], by: str | None = None,
                     alpha: float = 0.05) -> pd.DataFrame:
    """Prevalence of each need among the people assessed for it, with Wilson intervals.

    Parameters
    ----------
    frame : DataFrame
        One row per person with the need flags (0, 1 or blank).
    needs : sequence of str
        The need columns.
    by : str, optional
        A column to split by (e.g. ``"cohort_group"``); groups in sorted order.
    alpha : float
        1 - confidence level.

    Returns
    -------
    DataFrame
        (``by``), ``need``, ``assessed`` (flag recorded), ``with_need`` (flag 1), ``percent``,
        ``ci_low_pct``, ``ci_high_pct`` (blank where no one was assessed).
    """
    groups = [(None, frame)] if by is None else list(frame.groupby(by, observed=True, sort=True))
    rows = []
    for key, g in groups:
        for need in needs:
            recorded = g[need].dropna()
            row = {by: key} if by is not None else {}
            rows.append({**row, "need": need, "assessed": len(recorded),
                         "with_need": int(recorded.astype(int).sum())})
    columns = [*([by] if by is not None else []), "need", "assessed", "with_need"]
    out = pd.DataFrame(rows, columns=columns)
    ci = wilson(out["with_need"], out["assessed"], alpha)
    out["percent"], out["ci_low_pct"], out["ci_high_pct"] = (
        ci["value_pct"].to_numpy(), ci["ci_low_pct"].to_numpy(), ci["ci_high_pct"].to_numpy())
    return out


def need_counts(frame: pd.DataFrame, needs: Sequence[str]) -> pd.Series:
    """Number of needs of each person assessed for every one of ``needs``.

    Parameters
    ----------
    frame : DataFrame
        One row per person with the need flags.
    needs : sequence of str
        The need columns counted.

    Returns
    -------
    Series of int
        Indexed like ``frame``, only the people with every flag of ``needs`` recorded (none
        when ``needs`` is empty).
    """
    flags = frame[list(needs)]
    if flags.columns.empty:
        return pd.Series(dtype=int)
    complete = flags.notna().all(axis=1)
    return flags[complete].astype(int).sum(axis=1)


def needs_per_person(frame: pd.DataFrame, needs: Sequence[str], alpha: float = 0.05) -> dict[str, float]:
    """Mean number of needs per person assessed for all of them, with a t interval, and its spread.

    Parameters
    ----------
    frame : DataFrame
        One row per person with the need flags.
    needs : sequence of str
        The need columns counted.
    alpha : float
        1 - confidence level.

    Returns
    -------
    dict
        ``assessed`` (people counted, see :func:`need_counts`), ``mean``, ``ci_low``,
        ``ci_high``, ``sd``, ``median`` (blank when too few people) and ``needs_counted``.
    """
    counts = need_counts(frame, needs).astype(float)
    n = len(counts)
    out = {"assessed": n, "mean": np.nan, "ci_low": np.nan, "ci_high": np.nan, "sd": np.nan,
           "median": np.nan, "needs_counted": len(needs)}
    if n:
        out.update(mean=counts.mean(), median=counts.median())
    if n > 1:
        sd = counts.std(ddof=1)
        half = stats.t.ppf(1 - alpha / 2, n - 1) * sd / np.sqrt(n)
        out.update(sd=sd, ci_low=counts.mean() - half, ci_high=counts.mean() + half)
    return out


def needs_cooccurrence(frame: pd.DataFrame, needs: Sequence[str]) -> pd.DataFrame:
    """How often each pair of needs occurs together among the people assessed for both.

    Parameters
    ----------
    frame : DataFrame
        One row per person with the need flags.
    needs : sequence of str
        The need columns.

    Returns
    -------
    DataFrame
        Tidy, one row per ordered pair: ``need_a``, ``need_b``, ``both`` (people with both; on
        the diagonal, with the need), ``assessed`` (people assessed for both), ``percent``
        (``both`` of ``assessed``) and ``conditional_pct`` (percent of the people with
        ``need_a`` and assessed for ``need_b`` who have ``need_b``).
    """
    flags = frame[list(needs)].astype(float)
    recorded = flags.notna().astype(int)
    present = flags.fillna(0).astype(int)
    both = present.T @ present
    assessed = recorded.T @ recorded
    with_a = present.T @ recorded  # [a, b]: people with need a who were assessed for b
    rows = []
    for na in needs:
        for nb in needs:
            k, n, m = int(both.loc[na, nb]), int(assessed.loc[na, nb]), int(with_a.loc[na, nb])
            rows.append({"need_a": na, "need_b": nb, "both": k, "assessed": n,
                         "percent": 100 * k / n if n else np.nan,
                         "conditional_pct": 100 * k / m if m else np.nan})
    return pd.DataFrame(rows, columns=["need_a", "need_b", "both", "assessed", "percent",
                                       "conditional_pct"])
