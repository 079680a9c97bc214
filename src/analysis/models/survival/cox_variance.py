"""Robust (sandwich) variance of Cox model coefficients, vectorised.

The robust variance of a Cox model (Lin and Wei 1989) is ``D' D`` with ``D = U V``: ``U`` the
score residuals (summed within clusters for cluster-robust errors) and ``V`` the model-based
variance. :class:`CoxPHFitter` is lifelines' fitter with this computation replaced; everything
else (the Efron partial likelihood, coefficients, baseline hazard, plots) is lifelines' own.

Why replace it:

* **Ties.** lifelines 0.30.3 computes the score residuals row by row after sorting, so tied
  times are broken by row order and no tie correction is applied, although the coefficients
  come from the Efron likelihood (its residuals do not sum to zero at the estimate). The
  residuals here are the Efron score residuals of R's ``survival`` package (Therneau and
  Grambsch 2000), whose column sums are the Efron score; tests reproduce R ``survival`` 3.5-3's
  robust standard errors of the Rossi model (plain, weighted, clustered, stratified). Without
  tied times both definitions agree, and the tests reproduce lifelines' there too.
  ``ties="lifelines"`` reproduces lifelines' own numbers exactly, for comparison.
* **Speed.** lifelines' computation takes about a minute at 72,000 people; this one sorts once
  and uses cumulative sums, O(n log n + n p) (about 1 s at 700,000 people).

Weights enter the risk-set sums, the event increments and each residual row once; cluster
residuals are summed before the outer product, as in lifelines and R.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter as _LifelinesCoxPHFitter
from lifelines import utils
from lifelines.fitters.coxph_fitter import SemiParametricPHFitter

__all__ = ["CoxPHFitter", "cox_robust_variance", "cox_score_residuals"]

Ties = Literal["efron", "lifelines"]


def _factorize(a: np.ndarray) -> np.ndarray:
    """Integer codes (0..k-1, in sorted order of the keys) for a 1-D or 2-D key array."""
    a = np.asarray(a)
    if a.ndim == 1:
        return np.unique(a, return_inverse=True)[1].ravel()
    if a.ndim != 2:
        raise ValueError("strata must be a 1-D or 2-D array")
    codes = np.zeros(a.shape[0], dtype=np.int64)
    for j in range(a.shape[1]):  # loop over key columns, not rows
        cj, inv = np.unique(a[:, j], return_inverse=True)
        codes = codes * len(cj) + inv.ravel()
    return np.unique(codes, return_inverse=True)[1].ravel()


def lifelines_sort_order(
    durations: np.ndarray, events: np.ndarray, strata: np.ndarray | None = None
) -> np.ndarray:
    """Permutation that sorts rows the way lifelines' ``_preprocess_dataframe`` does.

    Parameters
    ----------
    durations : np.ndarray
        Shape ``(n,)`` event / censoring times.
    events : np.ndarray
        Shape ``(n,)`` event indicators (anything castable to bool).
    strata : np.ndarray or None, optional
        Shape ``(n,)`` or ``(n, k)`` stratum keys.

    Returns
    -------
    np.ndarray
        Integer array ``order`` of shape ``(n,)`` such that ``x[order]`` is sorted
        by ``(strata, duration, event)``; remaining ties keep their input order
        (stable sort, like pandas' multi-column ``sort_values``).
    """
    T = np.asarray(durations, dtype=float)
    E = np.asarray(events).astype(bool)
    keys = [E, T]  # np.lexsort: last key is primary; it is a stable sort
    if strata is not None:
        keys.append(_factorize(strata))
    return np.lexsort(keys)


def _rev_cumsum(a: np.ndarray) -> np.ndarray:
    """Reverse cumulative sum along axis 0."""
    return np.cumsum(a[::-1], axis=0)[::-1]


def _score_block_lifelines(
    X: np.ndarray, E: np.ndarray, w: np.ndarray, eta: np.ndarray
) -> np.ndarray:
    """lifelines' positional score residuals for one sorted stratum."""
    phi = np.exp(eta - eta.max())  # common factor cancels in every ratio
    wphi = w * phi
    R = _rev_cumsum(wphi)  # sum_{k >= j} w_k phi_k
    S = _rev_cumsum(X * wphi[:, None])  # sum_{k >= j} w_k phi_k x_k
    Xbar = S / R[:, None]
    a = E * w / R  # event increment of the (weighted) hazard at row j
    A = np.cumsum(a)  # sum_{j <= i} a_j
    B = np.cumsum(Xbar * a[:, None], axis=0)  # sum_{j <= i} a_j xbar_j
    score = E[:, None] * (X - Xbar) - phi[:, None] * (X * A[:, None] - B)
    return score * w[:, None]


def _score_block_efron(
    X: np.ndarray, T: np.ndarray, E: np.ndarray, w: np.ndarray, eta: np.ndarray
) -> np.ndarray:
    """Efron score residuals (R survival's ``residuals(type="score")``) for one sorted stratum."""
    n, p = X.shape
    phi = np.exp(eta - eta.max())
    wphi = w * phi
    R_all = _rev_cumsum(wphi)
    S_all = _rev_cumsum(X * wphi[:, None])
    # first row of each distinct time (rows are sorted by time)
    first = np.flatnonzero(np.r_[True, T[1:] != T[:-1]])
    grp = np.cumsum(np.r_[True, T[1:] != T[:-1]]) - 1  # time-group id of each row
    G = len(first)
    R_t = R_all[first]  # risk set sums at each distinct time
    S_t = S_all[first]
    d = np.bincount(grp, weights=E, minlength=G)  # number of deaths
    wd = np.bincount(grp, weights=E * w, minlength=G)  # weight of deaths
    Rd = np.bincount(grp, weights=E * wphi, minlength=G)
    Sd = np.stack([np.bincount(grp, weights=E * wphi * X[:, k], minlength=G) for k in range(p)], axis=1) \
        if p else np.zeros((G, 0))
    dgroups = np.flatnonzero(d > 0)
    dd = d[dgroups].astype(np.int64)
    # expand: one entry per (death group, k = 0..d-1)
    rep = np.repeat(np.arange(len(dgroups)), dd)
    kk = np.arange(rep.size) - np.repeat(np.cumsum(dd) - dd, dd)
    g = dgroups[rep]
    frac = kk / d[g]
    Rk = R_t[g] - frac * Rd[g]
    Xk = (S_t[g] - frac[:, None] * Sd[g]) / Rk[:, None]
    h = (wd[g] / d[g]) / Rk  # hazard increment at step k
    c1, c3 = np.zeros(G), np.zeros(G)
    c2, c4, mx = np.zeros((G, p)), np.zeros((G, p)), np.zeros((G, p))
    np.add.at(c1, g, h)
    np.add.at(c2, g, h[:, None] * Xk)
    np.add.at(c3, g, (1 - frac) * h)
    np.add.at(c4, g, ((1 - frac) * h)[:, None] * Xk)
    np.add.at(mx, g, Xk / d[g][:, None])
    C1 = np.cumsum(c1)[grp]  # all death times <= t_i
    C2 = np.cumsum(c2, axis=0)[grp]
    score = -phi[:, None] * (X * C1[:, None] - C2)
    ev = E.astype(bool)
    ge = grp[ev]
    # deaths: at their own time only a fraction (1 - k/d) of them is at risk
    score[ev] += phi[ev, None] * (X[ev] * (c1[ge] - c3[ge])[:, None] - (c2[ge] - c4[ge]))
    score[ev] += X[ev] - mx[ge]
    return score * w[:, None]


def cox_score_residuals(
    X: np.ndarray,
    durations: np.ndarray,
    events: np.ndarray,
    beta: np.ndarray,
    weights: np.ndarray | None = None,
    strata: np.ndarray | None = None,
    ties: Ties = "efron",
) -> np.ndarray:
    """Score residuals of a Cox model, vectorised.

    Parameters
    ----------
    X : np.ndarray
        Shape ``(n, p)`` covariate matrix (any scale; must be on the same scale
        as ``beta``).
    durations : np.ndarray
        Shape ``(n,)`` follow-up times.
    events : np.ndarray
        Shape ``(n,)`` event indicators (1/True = event).
    beta : np.ndarray
        Shape ``(p,)`` coefficients (e.g. ``CoxPHFitter.params_.values`` for the
        original-scale ``X``).
    weights : np.ndarray or None, optional
        Shape ``(n,)`` positive case weights; ``None`` means all ones.
    strata : np.ndarray or None, optional
        Shape ``(n,)`` or ``(n, k)`` stratum keys; residuals are computed
        independently within each stratum.
    ties : {"efron", "lifelines"}, optional
        ``"efron"`` (default): the Efron score residuals of R's ``survival``
        package, whose column sums equal the gradient of the Efron partial
        log-likelihood. ``"lifelines"``: lifelines 0.30.3's positional
        definition (ties broken by its stable sort order, no tie correction).
        The two coincide when there are no tied times.

    Returns
    -------
    np.ndarray
        Shape ``(n, p)`` score residuals, in the **input row order** and on the
        scale of ``X`` (already multiplied by the weights, as lifelines does).

    Notes
    -----
    To reproduce lifelines' internal residuals (used by the sandwich) pass the
    original ``X`` and ``params_``; lifelines' internal numbers are these
    divided column-wise by ``X.std(0)`` (ddof=1). ``compute_residuals(df,
    "score")`` of lifelines 0.30.3 evaluates the residuals on the *raw* ``X``
    with the *standardised* coefficients ``params_ * X.std(0)``; pass those
    to reproduce it.

    The cost is one sort, O(n log n), plus O(n p) cumulative sums; the only
    Python loop is over strata.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError("X must be 2-D (n, p)")
    n, p = X.shape
    T = np.asarray(durations, dtype=float).ravel()
    E = np.asarray(events).astype(bool).ravel()
    b = np.asarray(beta, dtype=float).ravel()
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float).ravel()
    if not (len(T) == len(E) == len(w) == n) or len(b) != p:
        raise ValueError("inconsistent shapes")
    if ties not in ("efron", "lifelines"):
        raise ValueError("ties must be 'efron' or 'lifelines'")

    order = lifelines_sort_order(T, E, strata)
    Xs = X[order]
    Xs = Xs - Xs.mean(0)  # centring: exactly neutral, improves cancellation
    Ts, Es, ws = T[order], E[order].astype(float), w[order]
    eta = Xs @ b

    if strata is None:
        bounds = np.array([0, n])
    else:
        codes = _factorize(strata)[order]
        bounds = np.r_[0, np.flatnonzero(codes[1:] != codes[:-1]) + 1, n]

    out_sorted = np.empty((n, p))
    for s, e in zip(bounds[:-1], bounds[1:], strict=True):  # loop over strata only
        sl = slice(s, e)
        if ties == "lifelines":
            out_sorted[sl] = _score_block_lifelines(Xs[sl], Es[sl], ws[sl], eta[sl])
        else:
            out_sorted[sl] = _score_block_efron(Xs[sl], Ts[sl], Es[sl], ws[sl], eta[sl])

    out = np.empty_like(out_sorted)
    out[order] = out_sorted
    return out


def _sum_within_clusters(resid: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """Sum residual rows sharing a cluster id (like ``DataFrame.groupby(clusters).sum()``).

    Raises
    ------
    ValueError
        If a cluster id is missing (lifelines would silently leave such rows out).
    """
    ids = pd.Series(np.asarray(clusters, dtype=object))
    if ids.isna().any():
        raise ValueError(f"{int(ids.isna().sum())} rows have no cluster id: give every row one")
    codes = pd.factorize(ids)[0]
    k = int(codes.max()) + 1 if codes.size else 0
    return np.stack([np.bincount(codes, weights=resid[:, j], minlength=k) for j in range(resid.shape[1])], axis=1)


def cox_robust_variance(
    X: np.ndarray,
    durations: np.ndarray,
    events: np.ndarray,
    beta: np.ndarray,
    hessian_inverse_or_variance: np.ndarray,
    weights: np.ndarray | None = None,
    strata: np.ndarray | None = None,
    clusters: np.ndarray | None = None,
    ties: Ties = "efron",
) -> np.ndarray:
    """Robust (sandwich, Lin-Wei) variance of Cox coefficients.

    Computes ``D' D`` with ``D = U V`` where ``U`` are the score residuals
    (summed within clusters if given) and ``V`` the model-based variance.

    Parameters
    ----------
    X : np.ndarray
        Shape ``(n, p)`` covariates, on the scale of ``beta``.
    durations : np.ndarray
        Shape ``(n,)`` follow-up times.
    events : np.ndarray
        Shape ``(n,)`` event indicators.
    beta : np.ndarray
        Shape ``(p,)`` fitted coefficients (``CoxPHFitter.params_``).
    hessian_inverse_or_variance : np.ndarray
        Shape ``(p, p)`` model-based variance ``(-H)^{-1}`` on the scale of
        ``X`` (``CoxPHFitter.variance_matrix_`` of a *non-robust* fit, i.e. the
        inverse observed information). The inverse Hessian ``H^{-1}`` itself
        may be passed too: the sign cancels in ``V U'U V``.
    weights : np.ndarray or None, optional
        Shape ``(n,)`` case weights.
    strata : np.ndarray or None, optional
        Shape ``(n,)`` or ``(n, k)`` stratum keys.
    clusters : np.ndarray or None, optional
        Shape ``(n,)`` cluster ids; residual rows are summed within clusters
        before the outer product (lifelines' ``cluster_col``).
    ties : {"efron", "lifelines"}, optional
        Definition of the score residuals, see :func:`cox_score_residuals`.

    Returns
    -------
    np.ndarray
        Shape ``(p, p)`` sandwich variance (with ``ties="lifelines"``, equal to
        lifelines' ``standard_errors_ ** 2`` on its diagonal when ``robust=True``
        or ``cluster_col`` is used).
    """
    U = cox_score_residuals(X, durations, events, beta, weights=weights, strata=strata, ties=ties)
    if clusters is not None:
        U = _sum_within_clusters(U, clusters)
    V = np.asarray(hessian_inverse_or_variance, dtype=float)
    D = U @ V  # lifelines: delta_beta = score_residuals . variance
    return D.T @ D


class _SemiParametricPHFitter(SemiParametricPHFitter):
    """lifelines' semi-parametric Cox fitter with the sandwich of :func:`cox_robust_variance`."""

    ties: Ties = "efron"

    def _compute_sandwich_estimator(self, X: pd.DataFrame, T: pd.Series, E: pd.Series,
                                    weights: pd.Series) -> np.ndarray:
        # lifelines passes the covariates standardised ((x - mean) / std, sorted by strata,
        # time and event; with strata the index holds the strata values) and keeps the
        # coefficients and the variance on the original scale.
        if self.entry_col is not None:
            raise NotImplementedError(
                "robust standard errors with delayed entry (entry_col) are not implemented: "
                "the score residuals here assume everyone is at risk from time 0")
        std = self._norm_std.to_numpy(dtype=float)
        strata = X.index.to_frame().to_numpy() if self.strata else None
        clusters = np.asarray(self._clusters) if self.cluster_col else None
        return cox_robust_variance(
            X.to_numpy(dtype=float) * std, T.to_numpy(dtype=float), E.to_numpy(),
            self.params_.to_numpy(dtype=float), self.variance_matrix_.to_numpy(dtype=float),
            weights=weights.to_numpy(dtype=float), strata=strata, clusters=clusters,
            ties=self.ties)


class CoxPHFitter(_LifelinesCoxPHFitter):
    """lifelines' ``CoxPHFitter`` with the vectorised Efron robust variance of this module.

    Use it exactly like lifelines' (``fit(..., robust=True)``, ``cluster_col=...``,
    ``weights_col=...``, ``strata=...``); only ``standard_errors_`` (and so the confidence
    intervals, z and p values) of a robust fit differ, by using :func:`cox_robust_variance`.
    """

    def _fit_model_breslow(self, *args: object, **kwargs: object) -> SemiParametricPHFitter:
        if not utils.CensoringType.is_right_censoring(self):
            return super()._fit_model_breslow(*args, **kwargs)
        model = _SemiParametricPHFitter(penalizer=self.penalizer, l1_ratio=self.l1_ratio,
                                        strata=self.strata, alpha=self.alpha, label=self._label)
        model.fit(*args, **kwargs)
        return model
