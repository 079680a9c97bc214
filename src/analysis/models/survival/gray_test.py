"""Gray's test of equal cumulative incidence of a cause between groups.

Gray (1988, Annals of Statistics 16:1141-1154) compares the subdistribution hazards of one
cause between ``k`` groups, with the other causes as competing events, by a weighted score
``s`` of ``k - 1`` groups and its variance ``V``; ``s' V^-1 s`` is chi-square on ``k - 1``
degrees of freedom. Stratified tests add the scores and variances of the strata. The score,
its variance and the weight ``(1 - F(t-))^rho`` are computed as R's ``cmprsk::cuminc`` computes
them (its Fortran routine ``crstm``), so the two agree to rounding error. No Python library
offers the test.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from analysis.models.survival.frames import check_columns

__all__ = ["gray_test", "gray_tests"]


class _State:
    """Per-group running quantities of the test, updated at each distinct time."""

    def __init__(self, at_risk: np.ndarray, ng: int):
        self.rs = at_risk.astype(float)
        self.f1m = np.zeros(ng)       # cumulative incidence just before t, by group
        self.skmm = np.ones(ng)       # overall Kaplan-Meier just before t, by group
        self.fm = 0.0                 # pooled cumulative incidence just before t
        self.c = np.zeros((ng, ng))
        self.v3 = np.zeros(ng)
        self.v2 = np.zeros((ng - 1, ng))
        self.s = np.zeros(ng - 1)
        self.v = np.zeros((ng - 1, ng - 1))


def _step(st: _State, d: np.ndarray, rho: float) -> None:
    """Add the contributions of one distinct time; ``d`` is 3 x ng (censored, cause, other)."""
    live = st.rs > 0
    nd1, nd2 = d[1].sum(), d[2].sum()
    skm, f1 = st.skmm.copy(), st.f1m.copy()
    skm[live] = st.skmm[live] * (st.rs[live] - d[1, live] - d[2, live]) / st.rs[live]
    f1[live] = st.f1m[live] + st.skmm[live] * d[1, live] / st.rs[live]
    h = np.where(live, st.rs / np.where(live, st.skmm, 1.0), 0.0)
    tr = h.sum()
    tq = np.sum(np.where(live, st.rs * (1 - st.f1m) / np.where(live, st.skmm, 1.0), 0.0))
    f = st.fm + nd1 / tr
    fb = (1 - st.fm) ** rho
    a = -fb * np.outer(h, h) / tr
    np.fill_diagonal(a, fb * h * (1 - h / tr))
    a[~live, :] = 0.0
    a[:, ~live] = 0.0
    st.c += np.where(a != 0, a * nd1 / (tr * (1 - st.fm)), 0.0)
    ng1 = len(st.s)
    g = np.arange(ng1)
    st.s += np.where(live[:ng1], fb * (d[1, :ng1] - nd1 * h[:ng1] * (1 - st.f1m[:ng1]) / tq),
                     0.0)
    if nd1 > 0:
        for k in np.flatnonzero(live):
            t4 = 1 - (1 - f) / skm[k] if skm[k] > 0 else 1.0
            t5 = 1 - (nd1 - 1) / (tr * st.skmm[k] - 1) if nd1 > 1 else 1.0
            t3 = t5 * st.skmm[k] * nd1 / (tr * st.rs[k])
            st.v3[k] += t4 * t4 * t3
            t1 = a[g, k] - t4 * st.c[g, k]
            st.v2[:, k] += t1 * t4 * t3
            st.v += np.outer(t1, t1) * t3
    if nd2 > 0:
        for k in np.flatnonzero((skm > 0) & (d[2] > 0)):
            t4 = (1 - f) / skm[k]
            t5 = 1 - (d[2, k] - 1) / (st.rs[k] - 1) if d[2, k] > 1 else 1.0
            t3 = t5 * st.skmm[k] ** 2 * d[2, k] / st.rs[k] ** 2
            st.v3[k] += t4 * t4 * t3
            t1 = t4 * st.c[g, k]
            st.v2[:, k] -= t1 * t4 * t3
            st.v += np.outer(t1, t1) * t3
    st.fm, st.f1m, st.skmm = f, f1, skm


def _stratum(time: np.ndarray, m: np.ndarray, group: np.ndarray, ng: int,
             rho: float) -> tuple[np.ndarray, np.ndarray]:
    """Score and variance of one stratum; ``m`` is 0 censored, 1 cause, 2 other cause."""
    times, inverse = np.unique(time, return_inverse=True)
    counts = np.zeros((len(times), 3, ng))
    np.add.at(counts, (inverse, m, group), 1.0)
    st = _State(np.bincount(group, minlength=ng), ng)
    for i in range(len(times)):
        d = counts[i]
        if d[1].sum() > 0 or d[2].sum() > 0:
            _step(st, d, rho)
        st.rs -= d.sum(axis=0)
    v = st.v + np.einsum("ik,jk,k->ij", st.c[:-1], st.c[:-1], st.v3)
    v += st.c[:-1] @ st.v2.T + st.v2 @ st.c[:-1].T
    return st.s, v


def gray_test(time: np.ndarray, cause: np.ndarray, group: np.ndarray,
              strata: np.ndarray | None = None, rho: float = 0.0) -> tuple[float, int, float]:
    """Gray's test of one cause; ``cause`` is 0 censored, 1 the cause, 2 another cause.

    ``group`` and ``strata`` are codes of any type. Returns the chi-square statistic, its
    degrees of freedom and the p-value (statistic NaN if the variance is singular).
    """
    levels, g = np.unique(group, return_inverse=True)
    ng = len(levels)
    if ng < 2:
        raise ValueError("Gray's test needs at least two groups")
    strata = np.zeros(len(time)) if strata is None else strata
    s, v = np.zeros(ng - 1), np.zeros((ng - 1, ng - 1))
    for level in np.unique(strata):
        inside = strata == level
        ss, vs = _stratum(time[inside], cause[inside].astype(int), g[inside], ng, rho)
        s, v = s + ss, v + vs
    if np.linalg.matrix_rank(v) < ng - 1:
        return float("nan"), ng - 1, float("nan")
    stat = float(s @ np.linalg.solve(v, s))
    return stat, ng - 1, float(stats.chi2.sf(stat, ng - 1))


def gray_tests(
    frame: pd.DataFrame,
    group_col: str,
    time_col: str = "time",
    status_col: str = "status",
    censored: object = 0,
    causes: Sequence[object] | None = None,
    strata_col: str | None = None,
    rho: float = 0.0,
) -> pd.DataFrame:
    """Gray's test for each cause, as the ``Tests`` of R's ``cmprsk::cuminc``.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    group_col : str
        The groups compared.
    time_col, status_col : str
        Time to the first event or censoring, and the event (``censored`` or a cause).
    censored : object
        Code of censoring in ``status_col``.
    causes : sequence, optional
        Causes to test (default: every cause in the data, sorted).
    strata_col : str, optional
        Strata within which the groups are compared.
    rho : float
        Power of the weight ``(1 - F(t-))^rho``; 0 weights all times alike.

    Returns
    -------
    DataFrame
        ``cause``, ``statistic`` (chi-square), ``df``, ``p_value``.
    """
    check_columns(frame, [group_col, time_col, status_col, strata_col])
    status = frame[status_col].to_numpy()
    found = sorted(set(status[status != censored].tolist()))
    rows = []
    for c in (found if causes is None else list(causes)):
        code = np.where(status == c, 1, np.where(status == censored, 0, 2))
        stat, df, p = gray_test(frame[time_col].to_numpy(float), code,
                                frame[group_col].to_numpy(),
                                None if strata_col is None else frame[strata_col].to_numpy(),
                                rho)
        rows.append({"cause": c, "statistic": stat, "df": df, "p_value": p})
    return pd.DataFrame(rows, columns=["cause", "statistic", "df", "p_value"])
