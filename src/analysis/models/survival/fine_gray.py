"""Fine-Gray proportional subdistribution hazards model of one cause among competing causes.

The model (Fine and Gray 1999, JASA 94:496-509) is fitted as R's ``cmprsk::crr`` fits it, so
that the two agree to rounding error: people who failed from a competing cause stay in the risk
set after their failure, weighted by the Kaplan-Meier estimate of the censoring distribution
``G(s-) / G(t_i-)``; ties are handled as Breslow's; the pseudo-likelihood is maximised by
Newton-Raphson with step halving from zero, stopping when ``max(|score| * max(|b|, 1)) <
max(|log-likelihood|, 1) * gtol``; and the variance is the sandwich ``I^-1 Σ I^-1`` whose
middle term adds to each person's score contribution the term for the estimated censoring
distribution. Only fixed (not time-varying) covariates and one censoring group are supported.
No Python library offers the model; ``docs/survival_methods.md`` states its assumptions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.models.survival.frames import check_columns

__all__ = ["FineGrayResult", "censoring_left_limit", "fine_gray"]


@dataclass(frozen=True)
class FineGrayResult:
    """A fitted Fine-Gray model.

    Attributes
    ----------
    summary : DataFrame
        ``covariate``, ``coef``, ``shr`` (subdistribution hazard ratio), ``se``, ``z``,
        ``p_value``, ``shr_ci_low``, ``shr_ci_high``.
    variance : ndarray
        Sandwich variance of the coefficients.
    loglik, loglik_null : float
        Log pseudo-likelihood at the estimate and at zero.
    converged : bool
        Whether Newton-Raphson met its tolerance within ``maxiter`` iterations.
    n, events, competing : int
        People, failures from the cause of interest and from competing causes.
    """

    summary: pd.DataFrame
    variance: np.ndarray
    loglik: float
    loglik_null: float
    converged: bool
    n: int
    events: int
    competing: int


@dataclass(frozen=True)
class _Data:
    """Sorted data and the quantities that do not depend on the coefficients."""

    time: np.ndarray     # times, sorted
    x: np.ndarray        # n x p covariates, sorted by time
    status: np.ndarray   # 0 censored, 1 cause of interest, 2 competing cause
    g_left: np.ndarray   # G(t_i-) of each person
    at_fail: np.ndarray  # index of the first person at or after each distinct failure time
    d: np.ndarray        # failures at each distinct failure time
    g_fail: np.ndarray   # G(s-) at each distinct failure time
    x_fail: np.ndarray   # sum of the covariates of the failures at each distinct failure time
    k_of: np.ndarray     # number of distinct failure times <= t_i


def censoring_left_limit(time: np.ndarray, censored: np.ndarray) -> np.ndarray:
    """Kaplan-Meier estimate of the censoring distribution just before each time, ``G(t-)``.

    Censorings are the events of this estimate; failures at a censoring time are still at
    risk of censoring then (as R's ``survfit`` orders them).
    """
    times, inverse = np.unique(time, return_inverse=True)
    at_risk = len(time) - np.concatenate([[0], np.cumsum(np.bincount(inverse))[:-1]])
    cens = np.bincount(inverse, weights=censored.astype(float), minlength=len(times))
    surv = np.cumprod(1.0 - cens / at_risk)
    left = np.concatenate([[1.0], surv[:-1]])
    return np.asarray(left[inverse], dtype=float)


def _prepare(time: np.ndarray, status: np.ndarray, x: np.ndarray) -> _Data:
    """Sort by time (stably, as R's ``order``) and precompute the censoring weights."""
    order = np.argsort(time, kind="stable")
    t, s, xs = time[order], status[order], x[order]
    g_left = censoring_left_limit(t, s == 0)
    fail_times, d = np.unique(t[s == 1], return_counts=True)
    at_fail = np.searchsorted(t, fail_times, side="left")
    k_index = np.searchsorted(fail_times, t[s == 1])
    x_fail = np.zeros((len(fail_times), x.shape[1]))
    np.add.at(x_fail, k_index, xs[s == 1])
    return _Data(t, xs, s, g_left, at_fail, d.astype(float), g_left[at_fail], x_fail,
                 np.searchsorted(fail_times, t, side="right"))


def _risk_sums(data: _Data, b: np.ndarray, second: bool) -> tuple[np.ndarray, ...]:
    """Weighted sums over the risk set at each distinct failure time: S0, S1 (and S2).

    A person is in the risk set at ``s`` with weight 1 while ``t_i >= s``, and after a
    competing failure with weight ``G(s-) / G(t_i-)``.
    """
    e = np.exp(data.x @ b)
    comp = (data.status == 2) / data.g_left
    terms = [e, e[:, None] * data.x]
    if second:
        terms.append(e[:, None, None] * data.x[:, :, None] * data.x[:, None, :])
    out = []
    for term in terms:
        suffix = np.cumsum(term[::-1], axis=0)[::-1]
        suffix = np.concatenate([suffix, np.zeros((1, *term.shape[1:]))])
        prefix = np.concatenate([np.zeros((1, *term.shape[1:])),
                                 np.cumsum(term * comp.reshape(-1, *[1] * (term.ndim - 1)),
                                           axis=0)])
        g = data.g_fail.reshape(-1, *[1] * (term.ndim - 1))
        out.append(suffix[data.at_fail] + g * prefix[data.at_fail])
    return tuple(out)


def _objective(data: _Data, b: np.ndarray) -> float:
    """Negative log pseudo-likelihood."""
    s0, _ = _risk_sums(data, b, second=False)
    return float(np.sum(data.d * np.log(s0)) - np.sum(data.x_fail @ b))


def _derivatives(data: _Data, b: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Negative log pseudo-likelihood, its gradient and its Hessian (the information)."""
    s0, s1, s2 = _risk_sums(data, b, second=True)
    xbar = s1 / s0[:, None]
    lik = float(np.sum(data.d * np.log(s0)) - np.sum(data.x_fail @ b))
    score = (data.d[:, None] * xbar).sum(axis=0) - data.x_fail.sum(axis=0)
    info = np.einsum("k,kij->ij", data.d,
                     s2 / s0[:, None, None] - xbar[:, :, None] * xbar[:, None, :])
    return lik, score, info


def _newton(data: _Data, b: np.ndarray, gtol: float,
            maxiter: int) -> tuple[np.ndarray, float, np.ndarray, bool]:
    """Newton-Raphson with step halving, as ``crr``: estimate, objective, information, converged."""
    for iteration in range(maxiter + 1):
        lik, score, info = _derivatives(data, b)
        if np.max(np.abs(score) * np.maximum(np.abs(b), 1)) < max(abs(lik), 1) * gtol:
            return b, lik, info, True
        if iteration == maxiter:
            break
        step = -np.linalg.solve(info, score)
        new = _objective(data, b + step)
        halvings = 0
        while np.isnan(new) or new > lik + 1e-4 * float(step @ score):
            halvings += 1
            step = step * 0.5
            new = _objective(data, b + step)
            if halvings > 20:
                break
        if halvings > 20:
            break
        b = b + step
    return b, lik, info, False


def _score_terms(data: _Data, b: np.ndarray) -> np.ndarray:
    """Each person's influence on the score: the counting-process martingale term ``eta_i``
    plus the term for the estimated censoring distribution ``psi_i`` (``crr``'s ``crrvv``)."""
    x, status = data.x, data.status
    e = np.exp(x @ b)
    s0, s1 = _risk_sums(data, b, second=False)
    xbar = s1 / s0[:, None]
    a = data.d / s0
    zero = np.zeros((1, x.shape[1]))
    cum_a = np.concatenate([[0.0], np.cumsum(a)])
    cum_ax = np.concatenate([zero, np.cumsum(a[:, None] * xbar, axis=0)])
    ga = data.g_fail * a
    rev_ga = np.concatenate([np.cumsum(ga[::-1])[::-1], [0.0]])
    rev_gax = np.concatenate([np.cumsum((ga[:, None] * xbar)[::-1], axis=0)[::-1], zero])
    k = data.k_of
    eta = -e[:, None] * (x * cum_a[k][:, None] - cum_ax[k])
    comp = status == 2
    eta[comp] -= (e[comp] / data.g_left[comp])[:, None] * (
        x[comp] * rev_ga[k[comp]][:, None] - rev_gax[k[comp]])
    fail = status == 1
    eta[fail] += x[fail] - xbar[k[fail] - 1]
    return eta + _censoring_terms(data, e, rev_ga, rev_gax)


def _censoring_terms(data: _Data, e: np.ndarray, rev_ga: np.ndarray,
                     rev_gax: np.ndarray) -> np.ndarray:
    """``psi_i``: the influence of the Kaplan-Meier censoring weights on the score.

    At each distinct time ``u``, ``q(u)`` sums over failures at ``s >= u`` the weighted
    covariate deviations of the people who failed from a competing cause before ``u``.
    """
    x, status = data.x, data.status
    times, first, which = np.unique(data.time, return_index=True, return_inverse=True)
    comp = ((status == 2) / data.g_left) * e
    h0 = np.concatenate([[0.0], np.cumsum(comp)])[first]
    h1 = np.concatenate([np.zeros((1, x.shape[1])), np.cumsum(comp[:, None] * x, axis=0)])[first]
    k = np.searchsorted(data.at_fail, first, side="left")
    q = h1 * rev_ga[k][:, None] - h0[:, None] * rev_gax[k]
    at_risk = (len(status) - first).astype(float)
    cens = np.bincount(which, weights=(status == 0).astype(float), minlength=len(times))
    psi = np.cumsum(-(cens / at_risk**2)[:, None] * q, axis=0)[which]
    own = status == 0
    psi[own] += q[which[own]] / at_risk[which[own]][:, None]
    return psi


def fine_gray(
    frame: pd.DataFrame,
    covariates: Sequence[str],
    time_col: str = "time",
    status_col: str = "status",
    cause: object = 1,
    censored: object = 0,
    alpha: float = 0.05,
    gtol: float = 1e-6,
    maxiter: int = 10,
) -> FineGrayResult:
    """Fit the Fine-Gray subdistribution hazards model of one cause (as ``cmprsk::crr``).

    Parameters
    ----------
    frame : DataFrame
        One row per person, no missing values in the columns used.
    covariates : sequence of str
        Numeric covariates (code categories as 0/1 columns first).
    time_col : str
        Time to the first event or to censoring.
    status_col : str
        The event: ``cause`` for the cause of interest, ``censored`` for censoring, any other
        value for a competing cause.
    cause, censored : object
        Codes of ``status_col``.
    alpha : float
        1 - confidence level of the intervals.
    gtol, maxiter : float, int
        ``crr``'s convergence tolerance and iteration limit.

    Returns
    -------
    FineGrayResult
        Coefficients, subdistribution hazard ratios with Wald intervals, sandwich variance.

    Raises
    ------
    KeyError
        A column is missing.
    ValueError
        A column has missing values, or no one failed from the cause of interest.
    """
    cols = list(covariates)
    check_columns(frame, [time_col, status_col, *cols])
    used = frame[[time_col, status_col, *cols]]
    if used.isna().any().any():
        bad = used.columns[used.isna().any()].tolist()
        raise ValueError(f"missing values in {bad}: drop or impute them first")
    raw = used[status_col].to_numpy()
    status = np.where(raw == cause, 1, np.where(raw == censored, 0, 2))
    if not np.any(status == 1):
        raise ValueError(f"no one in the data failed from cause {cause!r}")
    data = _prepare(used[time_col].to_numpy(float), status, used[cols].to_numpy(float))
    b, lik, info, converged = _newton(data, np.zeros(len(cols)), gtol, maxiter)
    inv = np.linalg.inv(info)
    u = _score_terms(data, b)
    variance = inv @ (u.T @ u) @ inv.T
    se = np.sqrt(np.diag(variance))
    z = stats.norm.ppf(1 - alpha / 2)
    summary = pd.DataFrame({
        "covariate": cols, "coef": b, "shr": np.exp(b), "se": se, "z": b / se,
        "p_value": 2 * stats.norm.sf(np.abs(b / se)),
        "shr_ci_low": np.exp(b - z * se), "shr_ci_high": np.exp(b + z * se),
    })
    return FineGrayResult(summary, variance, -lik, -_objective(data, np.zeros(len(cols))),
                          converged, len(status), int((status == 1).sum()),
                          int((status == 2).sum()))
