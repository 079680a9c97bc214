"""Effects within subgroups: weighted differences within each level of a subgroup, the test
that they are equal (treatment x subgroup interaction), and Holm's correction of the tests
across every outcome and subgroup reported.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests

from analysis.models.effects.contrasts import weighted_contrast

__all__ = ["holm", "subgroup_effects", "subgroup_tables"]

INTERACTION_COLUMNS = ["outcome", "subgroup", "statistic", "df", "p_value"]


def holm(p_values: Sequence[float]) -> np.ndarray:
    """Holm-adjusted p-values (statsmodels ``multipletests``); NaN stays NaN."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(len(p), np.nan)
    ok = np.isfinite(p)
    if ok.any():
        out[ok] = multipletests(p[ok], method="holm")[1]
    return out


def subgroup_effects(
    frame: pd.DataFrame,
    outcome: str,
    subgroup: str,
    weights: pd.Series,
    treatment_col: str = "treated",
    min_per_group: int = 10,
    alpha: float = 0.05,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Weighted treated-minus-comparison differences within each level of ``subgroup``, and a
    test that they are all equal (treatment x subgroup interaction).

    Levels with fewer than ``min_per_group`` people (weight above 0) in either group are shown
    without an estimate and left out of the test. The interaction test is the Wald test of the
    ``treated x level`` terms of a weighted least squares regression ``outcome ~ treated *
    C(subgroup)`` with robust (HC1) errors, i.e. of equal differences across levels.

    Returns
    -------
    table : DataFrame
        ``subgroup``, ``level``, ``n_treated``, ``n_comparison``, ``mean_treated``,
        ``mean_comparison``, ``estimate``, ``ci_low``, ``ci_high``, ``p_value``.
    test : dict
        ``statistic`` (chi-square), ``df``, ``p_value`` (NaN with fewer than two levels).
    """
    keep = weights > 0
    f, w = frame.loc[keep], weights.loc[keep]
    rows, usable = [], []
    for level, d in f.groupby(subgroup, sort=True, observed=True):
        c = weighted_contrast(d[outcome], d[treatment_col], w.loc[d.index], alpha=alpha)
        ok = c["n_treated"] >= min_per_group and c["n_comparison"] >= min_per_group
        if ok:
            usable.append(level)
        row = {"subgroup": subgroup, "level": str(level), "n_treated": c["n_treated"],
               "n_comparison": c["n_comparison"]}
        row.update({k: (c[k] if ok else np.nan) for k in
                    ("mean_treated", "mean_comparison", "estimate", "ci_low", "ci_high", "p_value")})
        rows.append(row)
    table = pd.DataFrame(rows)
    test = {"statistic": np.nan, "df": 0, "p_value": np.nan}
    if len(usable) >= 2:
        d = f[f[subgroup].isin(usable)]
        lev = pd.Categorical(d[subgroup].astype(str), categories=[str(u) for u in usable])
        dummies = pd.get_dummies(lev, drop_first=True, dtype=float).set_axis(d.index)
        tr = d[treatment_col].astype(float)
        inter = dummies.mul(tr, axis=0).add_prefix("treated_x_")
        X = sm.add_constant(pd.concat([tr.rename("treated"), dummies, inter], axis=1))
        fit = sm.WLS(d[outcome].astype(float), X, weights=w.loc[d.index]).fit(cov_type="HC1")
        names = list(inter.columns)
        b = fit.params[names].to_numpy()
        V = fit.cov_params().loc[names, names].to_numpy()
        stat = float(b @ np.linalg.pinv(V) @ b)
        test = {"statistic": stat, "df": len(names),
                "p_value": float(stats.chi2.sf(stat, len(names)))}
    return table, test


def subgroup_tables(
    frame: pd.DataFrame,
    outcomes: Sequence[str | None],
    subgroups: Sequence[str],
    weights: pd.Series,
    treatment_col: str = "treated",
    min_per_group: int = 10,
    alpha: float = 0.05,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`subgroup_effects` of every outcome by every subgroup, with Holm-adjusted tests.

    A subgroup missing from ``frame`` or with a single level is skipped; so is an outcome
    given as None (one the data lack). The interaction p-values are adjusted together, across
    every outcome and subgroup tested (:func:`holm`).

    Parameters
    ----------
    frame : DataFrame
        The people, with the treatment, the outcomes and the subgroup columns.
    outcomes : sequence of str or None
        The outcomes, in the order of the tables.
    subgroups : sequence of str
        The subgroup columns.
    weights : Series
        The weights of the sample (e.g. IPW for the ATT), aligned with ``frame``.
    treatment_col : str
        The 0/1 treatment column.
    min_per_group : int
        Fewest people of each group a level needs for an estimate.
    alpha : float
        One minus the confidence level of the intervals.

    Returns
    -------
    effects : DataFrame
        The :func:`subgroup_effects` tables with an ``outcome`` column (empty when nothing was
        tested).
    interactions : DataFrame
        ``outcome``, ``subgroup``, ``statistic``, ``df``, ``p_value`` and ``p_holm``.
    """
    parts, tests = [], []
    for outcome in [o for o in outcomes if o is not None]:
        for g in subgroups:
            if g not in frame or frame[g].nunique() < 2:
                continue
            table, test = subgroup_effects(frame, outcome, g, weights, treatment_col,
                                           min_per_group, alpha)
            parts.append(table.assign(outcome=outcome))
            tests.append({"outcome": outcome, "subgroup": g, **test})
    effects = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    interactions = pd.DataFrame(tests, columns=INTERACTION_COLUMNS)
    interactions["p_holm"] = holm(interactions["p_value"])
    return effects, interactions
