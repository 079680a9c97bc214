"""Regression adjustment: the logistic regression of a binary outcome on treatment and
covariates (adjusted odds ratio and average marginal effects), and the Poisson and negative
binomial regressions of a count outcome with their tests of overdispersion.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from scipy.special import expit

from analysis.models.effects.common import cov_kwargs, se_type, treatment_design, z_value
from analysis.models.requirements import require_outcome_varies

__all__ = ["NEWTON_FIRST_MAXITER", "count_models", "logistic_adjusted", "negative_binomial",
           "overdispersion_table", "overdispersion_test"]


def logistic_adjusted(
    frame: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    categorical: Mapping[str, Any] | None = None,
    treatment_col: str = "treated",
    cluster_col: str | None = None,
    alpha: float = 0.05,
) -> tuple[pd.DataFrame, Any]:
    """Logistic regression of a binary outcome on treatment and covariates.

    Returns the adjusted odds ratio and the average marginal effect of treatment as a risk
    difference, averaged over the treated (ATT) and over everyone (ATE): each person's
    predicted risk with treatment set to 1 minus set to 0. Its standard error is the delta
    method, ``g' V g`` with ``g = mean_i [p_i1 (1 - p_i1) x_i1 - p_i0 (1 - p_i0) x_i0]`` and ``V``
    the robust (HC1) or cluster-robust covariance of the coefficients.

    Returns
    -------
    table : DataFrame
        Rows ``odds ratio``, ``risk difference (ATT)``, ``risk difference (ATE)``; columns
        ``measure``, ``estimate``, ``se`` (of the log odds ratio or the difference), ``ci_low``,
        ``ci_high``, ``p_value``, ``se_type``, ``n``.
    model : statsmodels GLM results

    Raises
    ------
    NotEstimable
        When the outcome is the same for everybody (nobody or everybody reoffended).
    """
    require_outcome_varies(frame, outcome, "The logistic regression")
    X = treatment_design(frame, covariates, categorical, treatment_col)
    y = frame[outcome].astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = sm.GLM(y, X, family=sm.families.Binomial()).fit(**cov_kwargs(frame, cluster_col))
    beta, V = model.params.to_numpy(), model.cov_params().to_numpy()
    j = list(X.columns).index(treatment_col)
    z = z_value(alpha)
    rows = []
    b, s = beta[j], np.sqrt(V[j, j])
    rows.append({"measure": "odds ratio", "estimate": np.exp(b), "se": s,
                 "ci_low": np.exp(b - z * s), "ci_high": np.exp(b + z * s),
                 "p_value": 2 * stats.norm.sf(abs(b / s))})
    X1, X0 = X.to_numpy(dtype=float).copy(), X.to_numpy(dtype=float).copy()
    X1[:, j], X0[:, j] = 1.0, 0.0
    p1, p0 = expit(X1 @ beta), expit(X0 @ beta)
    t = frame[treatment_col].to_numpy().astype(int) == 1
    for name, sel in (("risk difference (ATT)", t), ("risk difference (ATE)", np.ones_like(t))):
        d = float(np.mean(p1[sel] - p0[sel]))
        g = ((p1 * (1 - p1))[sel, None] * X1[sel] - (p0 * (1 - p0))[sel, None] * X0[sel]).mean(0)
        se = float(np.sqrt(g @ V @ g))
        rows.append({"measure": name, "estimate": d, "se": se, "ci_low": d - z * se,
                     "ci_high": d + z * se, "p_value": 2 * stats.norm.sf(abs(d / se))})
    table = pd.DataFrame(rows).assign(se_type=se_type(cluster_col), n=len(frame))
    return table, model


def overdispersion_test(y: np.ndarray, mu: np.ndarray) -> dict[str, float]:
    """Cameron and Trivedi's (1990) regression test of Poisson equidispersion against NB2.

    Regress ``((y - mu)^2 - y) / mu`` on ``mu`` without a constant (``mu`` from the Poisson
    fit); the slope estimates the NB2 overdispersion ``alpha`` and its one-sided t test asks
    whether ``alpha > 0``.

    Returns
    -------
    dict
        ``alpha`` (slope), ``t``, ``p_value`` (one-sided), ``dispersion`` (Pearson chi-square
        over residual degrees of freedom is not used here: ``mean((y - mu)^2 / mu)``).
    """
    y, mu = np.asarray(y, dtype=float), np.asarray(mu, dtype=float)
    aux = ((y - mu) ** 2 - y) / mu
    fit = sm.OLS(aux, mu[:, None]).fit()
    return {"alpha": float(fit.params[0]), "t": float(fit.tvalues[0]),
            "p_value": float(stats.t.sf(fit.tvalues[0], fit.df_resid)),
            "dispersion": float(np.mean((y - mu) ** 2 / mu))}


#: Newton iterations tried from the start values before BFGS is used (see :func:`negative_binomial`).
NEWTON_FIRST_MAXITER = 25


def _at_maximum(fit: Any) -> bool:
    """Whether a Newton fit converged to a maximum of the NB2 likelihood with ``alpha > 0``."""
    if fit is None or not fit.mle_retvals["converged"]:
        return False
    params = fit.params.to_numpy()
    if not (np.all(np.isfinite(params)) and np.isfinite(fit.llf) and params[-1] > 0):
        return False
    # Newton minimises minus the mean log-likelihood: positive definite there at a maximum
    hessian = np.asarray(fit.mle_retvals["Hessian"])
    return bool(np.all(np.isfinite(hessian)) and np.linalg.eigvalsh(hessian).min() > 0)


def _newton_from(model: Any, start: np.ndarray, cov: Mapping[str, Any]) -> Any:
    """Newton's method from ``start`` (``None`` when its covariance cannot be computed)."""
    try:
        with np.errstate(all="ignore"):
            return model.fit(start_params=start, disp=0, maxiter=NEWTON_FIRST_MAXITER,
                             method="newton", tol=1e-12, **cov)
    except np.linalg.LinAlgError:
        return None


def negative_binomial(y: pd.Series, X: pd.DataFrame, start: np.ndarray,
                      cov: Mapping[str, Any]) -> Any:
    """Maximum likelihood NB2 regression: Newton's method, or BFGS and then Newton's method.

    First, Newton's method with the exact Hessian from the start coefficients and the moment
    estimate of ``alpha`` at them (the Cameron-Trivedi slope of :func:`overdispersion_test`,
    at least 0.05): from the Poisson coefficients it converges quadratically in a few
    iterations. Its fit is kept when it converges within :data:`NEWTON_FIRST_MAXITER`
    iterations to a maximum (finite likelihood, ``alpha > 0``, negative definite Hessian).
    Otherwise BFGS finds the optimum's neighbourhood from ``start`` (any reasonable start)
    and Newton steps polish it; when those do not converge, or end at a lower likelihood, the
    BFGS fit is kept. Either way the coefficients and the dispersion match R's
    ``MASS::glm.nb`` (``theta = 1 / alpha``) to 1e-6 or better.

    Parameters
    ----------
    y : Series
        Counts.
    X : DataFrame
        Design with a constant.
    start : ndarray
        Start values: the coefficients, then ``alpha`` (used by BFGS).
    cov : mapping
        Covariance options of statsmodels' ``fit`` (:func:`cov_kwargs`).

    Returns
    -------
    statsmodels NegativeBinomialResults
    """
    model = sm.NegativeBinomial(y, X, loglike_method="nb2")
    beta = np.asarray(start[:-1], dtype=float)
    with np.errstate(all="ignore"):
        mu = np.exp(X.to_numpy(dtype=float) @ beta)
        moment = overdispersion_test(y.to_numpy(), mu)["alpha"]
    direct = _newton_from(model, np.append(beta, max(moment, 0.05)), cov)
    if _at_maximum(direct):
        return direct
    bfgs: dict[str, Any] = {"start_params": start, "disp": 0, "maxiter": 200, "method": "bfgs"}
    # This BFGS fit is a start for Newton's method: its covariance is computed only if it is kept
    first = model.fit(**bfgs, skip_hessian=True)
    polished = model.fit(start_params=first.params.to_numpy(), disp=0, maxiter=100,
                         method="newton", tol=1e-12, **cov)
    if polished.mle_retvals["converged"] and polished.llf >= first.llf:
        return polished
    return model.fit(**bfgs, **cov)


def count_models(
    frame: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    categorical: Mapping[str, Any] | None = None,
    treatment_col: str = "treated",
    cluster_col: str | None = None,
    alpha: float = 0.05,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Poisson and negative binomial (NB2) regressions of a count outcome, with a dispersion test.

    Returns
    -------
    table : DataFrame
        One row per model: ``model``, ``rate_ratio``, ``rr_ci_low``, ``rr_ci_high``, ``se`` (of
        the log rate ratio), ``p_value``, ``nb_alpha`` (NB2 dispersion, NaN for Poisson),
        ``log_likelihood``, ``aic``, ``se_type``, ``n``.
    tests : dict
        ``cameron_trivedi``: :func:`overdispersion_test`; ``lr_alpha``: likelihood-ratio test of
        ``alpha = 0`` (statistic, and p halved because 0 is on the boundary); ``preferred``:
        ``"negative binomial"`` when either test rejects at ``alpha``, else ``"Poisson"``.
    """
    X = treatment_design(frame, covariates, categorical, treatment_col)
    y = frame[outcome].astype(float)
    kw = cov_kwargs(frame, cluster_col)
    z = z_value(alpha)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the robust covariance leaves the estimates, fitted values and likelihood as they are
        pois = sm.Poisson(y, X).fit(method="newton", disp=False, **kw)
        nb = negative_binomial(y, X, np.append(pois.params.to_numpy(), 0.5), kw)
    rows = []
    for name, res, a in (("Poisson", pois, np.nan),
                         ("negative binomial", nb, float(nb.params.iloc[-1]))):
        b, s = float(res.params[treatment_col]), float(res.bse[treatment_col])
        rows.append({"model": name, "rate_ratio": np.exp(b), "rr_ci_low": np.exp(b - z * s),
                     "rr_ci_high": np.exp(b + z * s), "se": s,
                     "p_value": 2 * stats.norm.sf(abs(b / s)), "nb_alpha": a,
                     "log_likelihood": float(res.llf), "aic": float(res.aic)})
    table = pd.DataFrame(rows).assign(se_type=se_type(cluster_col), n=len(frame))
    ct = overdispersion_test(y.to_numpy(), np.asarray(pois.predict()))
    lr = max(0.0, 2 * (float(nb.llf) - float(pois.llf)))
    lr_p = 0.5 * stats.chi2.sf(lr, 1)
    preferred = "negative binomial" if min(ct["p_value"], lr_p) < alpha else "Poisson"
    return table, {"cameron_trivedi": ct, "lr_alpha": {"statistic": lr, "p_value": lr_p},
                   "preferred": preferred}


def overdispersion_table(tests: Mapping[str, Any]) -> pd.DataFrame:
    """The two overdispersion tests of :func:`count_models` as a table.

    Parameters
    ----------
    tests : mapping
        The ``tests`` returned by :func:`count_models`.

    Returns
    -------
    DataFrame
        ``test``, ``statistic``, ``estimate`` (the Cameron-Trivedi ``alpha``; NaN for the
        likelihood-ratio test), ``p_value``.
    """
    ct, lr = tests["cameron_trivedi"], tests["lr_alpha"]
    return pd.DataFrame([
        {"test": "Cameron-Trivedi regression (alpha > 0)", "statistic": ct["t"],
         "estimate": ct["alpha"], "p_value": ct["p_value"]},
        {"test": "likelihood ratio, alpha = 0 (boundary)", "statistic": lr["statistic"],
         "estimate": np.nan, "p_value": lr["p_value"]}])
