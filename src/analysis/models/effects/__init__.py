"""Intervention effects: regression adjustment, weighted contrasts, doubly robust estimation,
survival in the matched or weighted sample, the Justice Data Lab summary, E-values, subgroups
and the reportability rules.

Every estimate is **treated minus comparison**. Risk differences are fractions here (0.05 is
five percentage points); tables made for reading multiply by 100 and say so in the column name.
``docs/effects_methods.md`` gives every formula, convention and reference.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from lifelines import KaplanMeierFitter
from scipy import stats
from scipy.special import expit
from statsmodels.stats.multitest import multipletests
from tqdm import tqdm

from analysis.disclosure import is_small, small_flag_cells, suppress_counts, suppress_where
from analysis.measures.balance import is_binary
from analysis.models.design import default_references, design_matrix
from analysis.models.effects.matching import MatchResult, match
from analysis.models.effects.propensity import (
    EPS,
    common_support,
    crump_alpha,
    fit_logistic,
    fit_propensity,
)
from analysis.models.effects.weighting import ipw_weights
from analysis.models.survival import CoxResult, number_at_risk
from analysis.models.survival.cox_variance import CoxPHFitter

__all__ = [
    "AIPWResult",
    "adjusted_contrasts",
    "published_means",
    "aipw",
    "published_subgroups",
    "weighted_km_at",
    "binary_estimates",
    "count_models",
    "evalue",
    "holm",
    "jdl_sentence",
    "logistic_adjusted",
    "outcome_kind",
    "overdispersion_test",
    "reportability",
    "sample_size_needed",
    "subgroup_effects",
    "weighted_contrast",
    "weighted_cox",
    "weighted_km",
]

_Z = stats.norm.ppf


def _z(alpha: float) -> float:
    return float(_Z(1 - alpha / 2))


def _cov_kwargs(frame: pd.DataFrame, cluster_col: str | None) -> dict[str, Any]:
    """statsmodels ``fit`` arguments for HC1 robust or cluster-robust standard errors."""
    if cluster_col is None:
        return {"cov_type": "HC1"}
    groups = pd.factorize(frame[cluster_col])[0]
    return {"cov_type": "cluster", "cov_kwds": {"groups": groups}}


def _se_type(cluster_col: str | None) -> str:
    return f"cluster-robust ({cluster_col})" if cluster_col else "robust (HC1)"


def _design(frame: pd.DataFrame, covariates: Sequence[str], refs: Mapping[str, Any] | None,
            treatment_col: str = "treated") -> pd.DataFrame:
    """Constant, treatment and dummy-coded covariates (constant columns dropped)."""
    refs = dict(refs) if refs is not None else default_references(frame, covariates)
    design, _ = design_matrix(frame, list(covariates), refs)
    design = design.loc[:, design.nunique() > 1]
    X = pd.concat([frame[[treatment_col]].astype(float), design], axis=1)
    return sm.add_constant(X, has_constant="add")


# --------------------------------------------------------------------------------------------
# Weighted contrasts (naive, matched and IPW estimates)
# --------------------------------------------------------------------------------------------


def weighted_contrast(
    y: pd.Series | np.ndarray,
    treated: pd.Series | np.ndarray,
    weights: pd.Series | np.ndarray | None = None,
    clusters: pd.Series | np.ndarray | None = None,
    scale: Literal["difference", "ratio"] = "difference",
    alpha: float = 0.05,
) -> dict[str, float]:
    """Weighted mean of ``y`` in each group, their difference or ratio, and a sandwich SE.

    The weighted means are ``m_g = sum w y / sum w`` within group ``g``. The standard error is
    the linearisation (sandwich) estimate with weights taken as fixed: with ``IF_i = w_i (y_i -
    m_1) T_i / W_1 - w_i (y_i - m_0) (1 - T_i) / W_0`` (divided by ``m_1``, ``m_0`` for the log
    ratio), ``Var = G / (G - 1) sum_c (sum_{i in c} IF_i)^2`` over clusters ``c`` (each person
    its own cluster when none are given). This equals a weighted least squares regression on
    the treatment flag with HC1-type (or cluster-robust) errors, up to the small-sample factor.

    Returns
    -------
    dict
        ``mean_treated``, ``mean_comparison``, ``estimate`` (difference, or ratio), ``se`` (of
        the difference, or of the log ratio), ``ci_low``, ``ci_high``, ``p_value``, ``n_treated``,
        ``n_comparison`` (people with weight above 0).
    """
    y = np.asarray(y, dtype=float)
    t = np.asarray(treated).astype(int)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    keep = w > 0
    y, t, w = y[keep], t[keep], w[keep]
    W1, W0 = w[t == 1].sum(), w[t == 0].sum()
    nan = {k: np.nan for k in ("mean_treated", "mean_comparison", "estimate", "se", "ci_low",
                               "ci_high", "p_value")}
    if W1 == 0 or W0 == 0:
        return {**nan, "n_treated": int((t == 1).sum()), "n_comparison": int((t == 0).sum())}
    m1 = float(np.sum(w * y * t) / W1)
    m0 = float(np.sum(w * y * (1 - t)) / W0)
    inf = w * (y - m1) * t / W1 - w * (y - m0) * (1 - t) / W0
    if scale == "ratio":
        if m1 <= 0 or m0 <= 0:
            return {**nan, "mean_treated": m1, "mean_comparison": m0,
                    "n_treated": int((t == 1).sum()), "n_comparison": int((t == 0).sum())}
        inf = w * (y - m1) * t / (W1 * m1) - w * (y - m0) * (1 - t) / (W0 * m0)
    if clusters is None:
        sums = inf
    else:
        c = pd.factorize(np.asarray(clusters)[keep])[0]
        sums = np.bincount(c, weights=inf)
    g = len(sums)
    se = float(np.sqrt(g / (g - 1) * np.sum(sums**2))) if g > 1 else np.nan
    z = _z(alpha)
    if scale == "difference":
        est = m1 - m0
        lo, hi = est - z * se, est + z * se
        p = 2 * stats.norm.sf(abs(est / se)) if se > 0 else np.nan
    else:
        est = m1 / m0
        lo, hi = est * np.exp(-z * se), est * np.exp(z * se)
        p = 2 * stats.norm.sf(abs(np.log(est) / se)) if se > 0 else np.nan
    return {"mean_treated": m1, "mean_comparison": m0, "estimate": est, "se": se,
            "ci_low": lo, "ci_high": hi, "p_value": float(p),
            "n_treated": int((t == 1).sum()), "n_comparison": int((t == 0).sum())}


def outcome_kind(name: str, values: pd.Series) -> Literal["time", "binary", "count", "amount"]:
    """The kind of an outcome column, which decides how it is compared.

    ``"time"`` for the column ``time`` (time to first reoffence, with ``event``); ``"binary"``
    for 0/1 values; ``"amount"`` for a column whose name ends in ``_gbp`` (money) or with
    non-integer values; otherwise ``"count"``. Missing values are ignored.
    """
    if name == "time":
        return "time"
    v = pd.to_numeric(values.dropna(), errors="raise").to_numpy(dtype=float)
    if name.endswith("_gbp") or not np.all(v == np.round(v)):
        return "amount"
    return "binary" if set(np.unique(v)) <= {0.0, 1.0} else "count"


def adjusted_contrasts(
    frame: pd.DataFrame,
    outcome: str,
    weights: Mapping[str, pd.Series | None],
    clusters: Mapping[str, pd.Series | None] | None = None,
    scales: Sequence[Literal["difference", "ratio"]] = ("difference",),
    treatment_col: str = "treated",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """:func:`weighted_contrast` of one outcome under several sets of weights, as one table.

    Parameters
    ----------
    frame : DataFrame
        The people (the weights' index).
    outcome : str
        Outcome column.
    weights : mapping
        ``{method: weights}``, e.g. ``{"Unadjusted": None, "Matching": w, "IPW (ATT)": w}``.
    clusters : mapping, optional
        ``{method: cluster ids}`` for cluster-robust SEs (e.g. the matched sets).
    scales : sequence of {"difference", "ratio"}
        Contrasts to report.

    Returns
    -------
    DataFrame
        ``method``, ``scale``, ``outcome`` and the keys of :func:`weighted_contrast`.
    """
    clusters = dict(clusters or {})
    rows = [{"method": name, "scale": scale, "outcome": outcome,
             **weighted_contrast(frame[outcome], frame[treatment_col], w, clusters.get(name),
                                 scale, alpha)}
            for name, w in weights.items() for scale in scales]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Regression adjustment
# --------------------------------------------------------------------------------------------


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
    """
    X = _design(frame, covariates, categorical, treatment_col)
    y = frame[outcome].astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = sm.GLM(y, X, family=sm.families.Binomial()).fit(**_cov_kwargs(frame, cluster_col))
    beta, V = model.params.to_numpy(), model.cov_params().to_numpy()
    j = list(X.columns).index(treatment_col)
    z = _z(alpha)
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
    table = pd.DataFrame(rows).assign(se_type=_se_type(cluster_col), n=len(frame))
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
    X = _design(frame, covariates, categorical, treatment_col)
    y = frame[outcome].astype(float)
    kw = _cov_kwargs(frame, cluster_col)
    z = _z(alpha)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pois = sm.GLM(y, X, family=sm.families.Poisson()).fit(**kw)
        pois_ml = sm.GLM(y, X, family=sm.families.Poisson()).fit()
        nb = sm.NegativeBinomial(y, X, loglike_method="nb2").fit(
            start_params=np.append(pois_ml.params.to_numpy(), 0.5), disp=0, maxiter=200,
            method="bfgs", **kw)
    rows = []
    for name, res, a in (("Poisson", pois, np.nan),
                         ("negative binomial", nb, float(nb.params.iloc[-1]))):
        b, s = float(res.params[treatment_col]), float(res.bse[treatment_col])
        rows.append({"model": name, "rate_ratio": np.exp(b), "rr_ci_low": np.exp(b - z * s),
                     "rr_ci_high": np.exp(b + z * s), "se": s,
                     "p_value": 2 * stats.norm.sf(abs(b / s)), "nb_alpha": a,
                     "log_likelihood": float(res.llf), "aic": float(res.aic)})
    table = pd.DataFrame(rows).assign(se_type=_se_type(cluster_col), n=len(frame))
    ct = overdispersion_test(y.to_numpy(), pois_ml.fittedvalues.to_numpy())
    lr = max(0.0, 2 * (float(nb.llf) - float(pois_ml.llf)))
    lr_p = 0.5 * stats.chi2.sf(lr, 1)
    preferred = "negative binomial" if min(ct["p_value"], lr_p) < alpha else "Poisson"
    return table, {"cameron_trivedi": ct, "lr_alpha": {"statistic": lr, "p_value": lr_p},
                   "preferred": preferred}


# --------------------------------------------------------------------------------------------
# Doubly robust (augmented IPW) risk difference
# --------------------------------------------------------------------------------------------


@dataclass
class AIPWResult:
    """Augmented inverse probability weighted estimate of a risk difference.

    Attributes
    ----------
    estimand : str
        ``"ATT"`` or ``"ATE"``.
    risk_treated, risk_comparison : float
        Estimated risks with and without treatment in the target population (fractions).
    estimate : float
        Risk difference, treated minus comparison (fraction).
    se : float
        Influence-function standard error.
    ci_low, ci_high : float
        Percentile bootstrap interval (influence-function Wald interval when ``bootstrap=0``).
    risk_ratio, rr_ci_low, rr_ci_high : float
        Risk ratio and its interval (same method).
    p_value : float
        Wald test of no difference using ``se``.
    boot : numpy.ndarray
        Bootstrap replicates of ``(risk difference, risk ratio)``, shape ``(B, 2)``.
    n, n_treated : int
    """

    estimand: str
    risk_treated: float
    risk_comparison: float
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    risk_ratio: float
    rr_ci_low: float
    rr_ci_high: float
    p_value: float
    n: int
    n_treated: int
    boot: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))
    ci_method: str = "percentile bootstrap"

    def as_row(self) -> dict[str, Any]:
        """The estimate as a row of an estimates table."""
        return {"estimand": self.estimand, "mean_treated": self.risk_treated,
                "mean_comparison": self.risk_comparison, "estimate": self.estimate,
                "se": self.se, "ci_low": self.ci_low, "ci_high": self.ci_high,
                "p_value": self.p_value, "n_treated": self.n_treated,
                "n_comparison": self.n - self.n_treated, "ci_method": self.ci_method}


def _aipw_point(y: np.ndarray, t: np.ndarray, X: np.ndarray, estimand: str,
                w: np.ndarray | None = None, start: dict[str, np.ndarray] | None = None
                ) -> tuple[float, float, dict[str, np.ndarray], np.ndarray]:
    """Risks under treatment and comparison, the fitted coefficients and the influence values."""
    n = len(y)
    w = np.ones(n) if w is None else w
    start = start or {}
    b_e = fit_logistic(X, t, w, beta0=start.get("e"))
    e = np.clip(expit(X @ b_e), EPS, 1 - EPS)
    c = t == 0
    b_0 = fit_logistic(X[c], y[c], w[c], beta0=start.get("m0"))
    m0 = expit(X @ b_0)
    coefs = {"e": b_e, "m0": b_0}
    if estimand == "ATT":
        odds = e / (1 - e)
        wt = w * t
        mu1 = np.sum(wt * y) / wt.sum()
        wc = w * (1 - t) * odds
        mu0 = np.sum(wt * m0) / wt.sum() + np.sum(wc * (y - m0)) / wc.sum()
        p = wt.sum() / w.sum()
        inf = (t * (y - m0 - (mu1 - mu0)) - (1 - t) * odds * (y - m0)) / p
    else:
        tr = t == 1
        b_1 = fit_logistic(X[tr], y[tr], w[tr], beta0=start.get("m1"))
        m1 = expit(X @ b_1)
        coefs["m1"] = b_1
        a1, a0 = w * t / e, w * (1 - t) / (1 - e)
        mu1 = np.sum(w * m1) / w.sum() + np.sum(a1 * (y - m1)) / a1.sum()
        mu0 = np.sum(w * m0) / w.sum() + np.sum(a0 * (y - m0)) / a0.sum()
        inf = m1 - m0 + t * (y - m1) / e - (1 - t) * (y - m0) / (1 - e) - (mu1 - mu0)
    return float(mu1), float(mu0), coefs, inf


def aipw(
    frame: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    categorical: Mapping[str, Any] | None = None,
    treatment_col: str = "treated",
    estimand: Literal["ATT", "ATE"] = "ATT",
    bootstrap: int = 500,
    seed: int = 2024,
    alpha: float = 0.05,
    progress: bool = True,
) -> AIPWResult:
    """Doubly robust (augmented IPW) risk difference with a seeded bootstrap interval.

    Two logistic models on the same covariates: the propensity score ``e(x)`` and the outcome
    risk without treatment ``m0(x)`` (fitted in the comparison group; for the ATE also ``m1(x)``
    in the treated group). The estimate is consistent if either model is right.

    ATT: ``risk_treated = mean_{T=1} y``; ``risk_comparison = mean_{T=1} m0 + sum_{T=0} o (y -
    m0) / sum_{T=0} o`` with ``o = e / (1 - e)``.
    ATE: ``risk_a = mean m_a + sum_{T=a} (y - m_a) / pi_a / sum_{T=a} 1 / pi_a`` with
    ``pi_1 = e``, ``pi_0 = 1 - e``.

    The bootstrap resamples people with replacement ``bootstrap`` times (``numpy`` generator
    seeded with ``seed``), refits both models each time and takes the ``alpha / 2`` and
    ``1 - alpha / 2`` percentiles; a tqdm progress bar shows on standard error.

    Returns
    -------
    AIPWResult
    """
    X = _design(frame, covariates, categorical, treatment_col).drop(columns=treatment_col)
    Xa = X.to_numpy(dtype=float)
    y = frame[outcome].to_numpy(dtype=float)
    t = frame[treatment_col].to_numpy().astype(int)
    n = len(y)
    mu1, mu0, coefs, inf = _aipw_point(y, t, Xa, estimand)
    est = mu1 - mu0
    se = float(np.sqrt(np.sum(inf**2)) / n)
    z = _z(alpha)
    p = float(2 * stats.norm.sf(abs(est / se))) if se > 0 else np.nan
    rr = mu1 / mu0 if mu0 > 0 else np.nan
    boot = np.empty((0, 2))
    if bootstrap > 0:
        rng = np.random.default_rng(seed)
        reps = []
        bar = tqdm(range(bootstrap), desc="bootstrap", disable=not progress, file=sys.stderr,
                   mininterval=1.0, ncols=80)
        for _ in bar:
            counts = np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
            if counts[t == 1].sum() == 0 or counts[t == 0].sum() == 0:
                continue
            b1, b0, _, _ = _aipw_point(y, t, Xa, estimand, counts, coefs)
            reps.append((b1 - b0, b1 / b0 if b0 > 0 else np.nan))
        boot = np.asarray(reps, dtype=float).reshape(-1, 2)
        lo, hi = np.nanquantile(boot[:, 0], [alpha / 2, 1 - alpha / 2])
        rlo, rhi = np.nanquantile(boot[:, 1], [alpha / 2, 1 - alpha / 2])
        method = f"percentile bootstrap ({len(boot)} replications)"
    else:
        lo, hi = est - z * se, est + z * se
        rlo = rhi = np.nan  # the ratio's interval comes from the bootstrap only
        method = "influence function (Wald)"
    return AIPWResult(estimand, mu1, mu0, est, se, float(lo), float(hi), rr, float(rlo),
                      float(rhi), p, n, int(t.sum()), boot, method)


# --------------------------------------------------------------------------------------------
# All binary-outcome estimators together
# --------------------------------------------------------------------------------------------


@dataclass
class Estimates:
    """Everything :func:`binary_estimates` fitted, for reuse (balance, survival, subgroups).

    ``frame`` is the people within common support, on which ``propensity`` (refitted there),
    ``matching``, ``weights`` and ``clusters`` are defined; ``propensity_all`` is the model
    fitted on everyone, whose scores decide common support (``support``, on the input index).
    """

    table: pd.DataFrame
    frame: pd.DataFrame
    propensity: Any
    propensity_all: Any
    support: pd.Series
    matching: MatchResult
    weights: dict[str, pd.Series]
    clusters: pd.Series | None
    aipw: AIPWResult | None
    ate_alpha: float = 0.0

    @property
    def att_weights(self) -> dict[str, pd.Series]:
        """The matched and the IPW (ATT) samples' weights, by method, for further outcomes."""
        return {"Matching": self.weights["Matched"], "IPW (ATT)": self.weights["IPW (ATT)"]}

    @property
    def att_clusters(self) -> dict[str, pd.Series | None]:
        """Cluster ids for the robust SEs of :attr:`att_weights` (the matched sets, if any)."""
        return {"Matching": self.clusters, "IPW (ATT)": None}


def match_clusters(result: MatchResult, index: pd.Index) -> pd.Series | None:
    """Matched-set id of each matched person (for cluster-robust SEs), or None with replacement.

    With replacement a comparison can sit in several sets, so people are not nested in sets;
    the matched analysis then uses matching weights and person-level robust SEs (Austin and
    Cafri 2020; MatchIt's documentation).
    """
    if result.replacement:
        return None
    p = result.pairs
    ids = pd.Series(-1, index=index, dtype=int)
    ids.loc[p["treated"].to_numpy()] = p["set_id"].to_numpy()
    ids.loc[p["control"].to_numpy()] = p["set_id"].to_numpy()
    return ids


def binary_estimates(
    frame: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    categorical: Mapping[str, Any] | None = None,
    treatment_col: str = "treated",
    caliper_sd: float | None = 0.2,
    ratio: int = 1,
    replacement: bool = False,
    exact: Sequence[str] = (),
    trim_quantile: float | None = None,
    support_rule: str = "minmax",
    bootstrap: int = 500,
    seed: int = 2024,
    cluster_col: str | None = None,
    progress: bool = True,
    alpha: float = 0.05,
    ate_overlap: float | Literal["optimal"] | None = "optimal",
) -> Estimates:
    """Every estimator of the risk difference on one cohort (complete cases), as one table.

    Methods (rows of ``table``): ``Unadjusted``; ``Logistic regression (AME)`` for the ATT;
    ``Matching`` (nearest neighbour on the logit score, ATT); ``IPW (ATT)``; ``IPW (ATE)``;
    ``Doubly robust AIPW (ATT)``. The propensity model, weights and matching are fitted once
    in the people within common support; the unadjusted and regression rows use everyone.

    ``ate_overlap`` sets the region of the ``IPW (ATE)`` row: ``"optimal"`` keeps the scores in
    ``[a, 1 - a]`` with Crump et al.'s optimal ``a`` (:func:`analysis.models.effects.propensity.crump_alpha`),
    a number sets ``a`` itself, and None keeps everyone within common support. Outside the
    region the ATE weights are 0, and the row's ``estimand`` names the region.

    Returns
    -------
    Estimates
        ``table`` columns: ``method``, ``estimand``, ``mean_treated``, ``mean_comparison``,
        ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p_value``, ``n_treated``,
        ``n_comparison``, ``ci_method``.
    """
    covariates = list(covariates)
    refs = dict(categorical) if categorical is not None else default_references(frame, covariates)
    y, t = frame[outcome], frame[treatment_col]
    rows = []
    naive = weighted_contrast(y, t, alpha=alpha)
    rows.append({"method": "Unadjusted", "estimand": "difference in observed risks", **naive,
                 "ci_method": "Wald (robust)"})
    reg, _ = logistic_adjusted(frame, outcome, covariates, refs, treatment_col, cluster_col, alpha)
    r = reg.set_index("measure").loc["risk difference (ATT)"]
    rows.append({"method": "Logistic regression (AME)", "estimand": "ATT",
                 "mean_treated": naive["mean_treated"],
                 "mean_comparison": naive["mean_treated"] - r["estimate"],
                 "estimate": r["estimate"], "se": r["se"], "ci_low": r["ci_low"],
                 "ci_high": r["ci_high"], "p_value": r["p_value"],
                 "n_treated": naive["n_treated"], "n_comparison": naive["n_comparison"],
                 "ci_method": f"delta method, {r['se_type']}"})
    ps_all = fit_propensity(frame, covariates, treatment_col, refs)
    support = common_support(ps_all.score, ps_all.treated, support_rule)
    sub = frame.loc[support]
    ps = fit_propensity(sub, covariates, treatment_col, refs) if not support.all() else ps_all
    m = match(ps.logit, ps.treated, caliper_sd, ratio, replacement,
              sub[list(exact)] if exact else None)
    clusters = match_clusters(m, sub.index)
    yy, tt = sub[outcome], sub[treatment_col]
    mc = weighted_contrast(yy, tt, m.weights, clusters, alpha=alpha)
    rows.append({"method": "Matching", "estimand": "ATT (matched treated)", **mc,
                 "ci_method": "Wald, cluster-robust (matched set)" if clusters is not None
                 else "Wald, robust (matching weights)"})
    weights = {"Matched": m.weights,
               "IPW (ATT)": ipw_weights(ps.score, ps.treated, "ATT", True, trim_quantile)}
    a = crump_alpha(ps.score) if ate_overlap == "optimal" else float(ate_overlap or 0.0)
    if not 0 <= a < 0.5:
        raise ValueError(f"ate_overlap must be 'optimal', None or a number in [0, 0.5), not {a}")
    inside = (ps.score >= a) & (ps.score <= 1 - a)
    ate_label = "ATE" if a == 0 else f"ATE in the overlap region (scores {a:.3f} to {1 - a:.3f})"
    in_groups = ps.treated[inside].astype(int)
    if in_groups.sum() > 0 and (1 - in_groups).sum() > 0:
        weights["IPW (ATE)"] = ipw_weights(ps.score[inside], ps.treated[inside], "ATE", True,
                                           trim_quantile).reindex(sub.index, fill_value=0.0)
    else:
        weights["IPW (ATE)"] = pd.Series(0.0, index=sub.index, name="ipw_ate")
        ate_label += ": not estimable, one group has no one in the region"
    for est, label in (("ATT", "ATT"), ("ATE", ate_label)):
        rows.append({"method": f"IPW ({est})", "estimand": label,
                     **weighted_contrast(yy, tt, weights[f"IPW ({est})"], alpha=alpha),
                     "ci_method": "Wald, robust"})
    dr = None
    if tt.sum() > 1 and (1 - tt).sum() > 1:
        dr = aipw(sub, outcome, covariates, refs, treatment_col, "ATT", bootstrap, seed, alpha,
                  progress)
        rows.append({"method": "Doubly robust AIPW (ATT)", **dr.as_row()})
    table = pd.DataFrame(rows)
    return Estimates(table, sub, ps, ps_all, support, m, weights, clusters, dr, a)


# --------------------------------------------------------------------------------------------
# Time to first reoffence in the matched or weighted sample
# --------------------------------------------------------------------------------------------


def weighted_km(
    frame: pd.DataFrame,
    weights: pd.Series,
    group_col: str = "treated",
    time_col: str = "time",
    event_col: str = "event",
    labels: Mapping[Any, str] | None = None,
) -> pd.DataFrame:
    """Weighted Kaplan-Meier curves by group (lifelines ``KaplanMeierFitter`` with weights).

    Returns
    -------
    DataFrame
        ``group``, ``time``, ``at_risk`` (weighted), ``events`` (weighted), ``survival``,
        ``cumulative_reoffended_pct`` = 100 (1 - survival). People with weight 0 are left out.
    """
    keep = weights > 0
    f, w = frame.loc[keep], weights.loc[keep]
    out = []
    for g, d in f.groupby(group_col, sort=True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            kmf = KaplanMeierFitter().fit(d[time_col], d[event_col], weights=w.loc[d.index])
        tab = kmf.event_table
        s = kmf.survival_function_.iloc[:, 0]
        out.append(pd.DataFrame({
            "group": (labels or {}).get(g, g), "time": tab.index.to_numpy(dtype=float),
            "at_risk": tab["at_risk"].to_numpy(dtype=float),
            "events": tab["observed"].to_numpy(dtype=float),
            "survival": s.to_numpy(), "cumulative_reoffended_pct": 100 * (1 - s.to_numpy())}))
    return pd.concat(out, ignore_index=True)


def weighted_cox(
    frame: pd.DataFrame,
    weights: pd.Series,
    treatment_col: str = "treated",
    time_col: str = "time",
    event_col: str = "event",
    cluster: pd.Series | None = None,
    alpha: float = 0.05,
) -> CoxResult:
    """Marginal hazard ratio of treatment in a matched or weighted sample (robust SE).

    lifelines ``CoxPHFitter`` with ``weights_col`` and the robust (Lin-Wei sandwich) variance
    (Efron score residuals, :mod:`analysis.models.survival.cox_variance`),
    clustered on the matched set when ``cluster`` is given (Austin 2013, 2016). People with
    weight 0 are left out. The result is a :class:`analysis.models.survival.CoxResult`, so
    ``.summary`` is the project's tidy table.
    """
    keep = weights > 0
    data = pd.DataFrame({time_col: frame.loc[keep, time_col].astype(float),
                         event_col: frame.loc[keep, event_col].astype(int),
                         treatment_col: frame.loc[keep, treatment_col].astype(float),
                         "_weight": weights.loc[keep].astype(float)})
    cluster_col = None
    if cluster is not None:
        data["_cluster"] = cluster.loc[keep].to_numpy()
        cluster_col = "_cluster"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = CoxPHFitter(alpha=alpha).fit(data, time_col, event_col, weights_col="_weight",
                                             robust=True, cluster_col=cluster_col)
    variance = "cluster-robust (matched set)" if cluster is not None else "robust"
    return CoxResult(model, data, time_col, event_col, [treatment_col], {}, variance,
                     {"weights": "_weight"})


# --------------------------------------------------------------------------------------------
# Justice Data Lab summary, sample size, reportability
# --------------------------------------------------------------------------------------------


def sample_size_needed(p_treated: float, p_comparison: float, ratio: int = 1,
                       alpha: float = 0.05, power: float = 0.8) -> float:
    """Treated people needed to detect ``p_treated - p_comparison`` (two-sided test, normal
    approximation), with ``ratio`` comparisons per treated person.

    ``n_1 = (z_{1-alpha/2} + z_power)^2 [p_1 (1 - p_1) + p_0 (1 - p_0) / ratio] / (p_1 - p_0)^2``,
    rounded up; infinite when the difference is 0.
    """
    d = p_treated - p_comparison
    if d == 0 or not np.isfinite(d):
        return float("inf")
    var = p_treated * (1 - p_treated) + p_comparison * (1 - p_comparison) / ratio
    return float(np.ceil((_z(alpha) + _Z(power)) ** 2 * var / d**2))


def _per100(x: float) -> str:
    v = abs(100 * x)
    return f"{v:.0f}" if v >= 1.5 else f"{v:.1f}"


def jdl_sentence(
    estimate: float,
    ci_low: float,
    ci_high: float,
    p_value: float,
    treatment: str,
    measure: str = "reoffended within one year",
    p_treated: float | None = None,
    ratio: int = 1,
    n_treated: int | None = None,
    alpha: float = 0.05,
) -> str:
    """A Justice Data Lab style statement of a risk difference (fractions, treated minus comparison).

    Significant reduction: "For every 100 people like those treated, between a and b fewer
    reoffended within one year than would have done without <treatment>." followed by the
    significance sentence. When the interval includes 0 the statement gives both directions,
    says the result is not statistically significant and, given ``p_treated``, how many treated
    people would be needed to detect a difference of the estimated size (80% power).
    """
    lo, hi = 100 * ci_low, 100 * ci_high
    significant = p_value < alpha and (ci_high < 0 or ci_low > 0)
    if ci_high < 0:
        body = (f"For every 100 people like those treated, between {_per100(ci_high)} and "
                f"{_per100(ci_low)} fewer {measure} than would have done without {treatment}.")
    elif ci_low > 0:
        body = (f"For every 100 people like those treated, between {_per100(ci_low)} and "
                f"{_per100(ci_high)} more {measure} than would have done without {treatment}.")
    else:
        body = (f"For every 100 people like those treated, the number who {measure} could be "
                f"anywhere from {_per100(ci_low)} fewer to {_per100(ci_high)} more than without "
                f"{treatment}.")
    del lo, hi
    conf = int(round(100 * (1 - alpha)))
    if significant:
        direction = "reduced" if estimate < 0 else "increased"
        sig = (f" This is a statistically significant result (p = {p_value:.3f}; the "
               f"{conf}% confidence interval does not include zero): the analysis gives "
               f"evidence that {treatment} {direction} proven reoffending.")
    else:
        sig = (f" This is not a statistically significant result (p = {p_value:.3f}): the "
               f"analysis cannot say whether {treatment} changed proven reoffending; it does not "
               f"show that it had no effect.")
        if p_treated is not None:
            n = sample_size_needed(p_treated, p_treated - estimate, ratio, alpha)
            if np.isfinite(n):
                have = f" (this analysis has {n_treated:,})" if n_treated is not None else ""
                sig += (f" To detect a difference of the estimated size ({100 * estimate:+.1f} "
                        f"percentage points) with 80% power at the 5% level, about {int(n):,} "
                        f"treated people{have} with {ratio} matched comparison"
                        f"{'s' if ratio > 1 else ''} each would be needed.")
            else:
                sig += " The estimated difference is zero, so no sample size would detect it."
    return body + sig


def reportability(n_treated: int, treated_reoffenders: int, min_treated: int = 60,
                  min_reoffenders: int = 30) -> pd.DataFrame:
    """Whether each headline measure may be reported, by the Justice Data Lab minimums.

    All measures need at least ``min_treated`` treated people; the time to first reoffence also
    needs at least ``min_reoffenders`` treated reoffenders.

    Returns
    -------
    DataFrame
        ``measure``, ``reportable`` (bool), ``reason``.
    """
    rows = []
    for measure, need_reoff in (("one-year proven reoffending", False),
                                ("frequency of proven reoffences", False),
                                ("time to first proven reoffence", True)):
        reasons = []
        if n_treated < min_treated:
            reasons.append(f"{n_treated} treated people, fewer than the minimum {min_treated}")
        if need_reoff and treated_reoffenders < min_reoffenders:
            reasons.append(f"{treated_reoffenders} treated reoffenders, fewer than the minimum "
                           f"{min_reoffenders}")
        rows.append({"measure": measure, "reportable": not reasons,
                     "reason": "; ".join(reasons) or "meets the minimums"})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Sensitivity: E-values
# --------------------------------------------------------------------------------------------


def _evalue_rr(rr: float) -> float:
    if not np.isfinite(rr) or rr <= 0:
        return float("nan")
    r = 1 / rr if rr < 1 else rr
    return float(r + np.sqrt(r * (r - 1)))


def evalue(estimate: float, ci_low: float | None = None, ci_high: float | None = None,
           measure: Literal["RR", "HR", "OR"] = "RR", rare: bool = True) -> dict[str, float]:
    """E-value of a ratio and of its confidence limit nearer 1 (VanderWeele and Ding 2017).

    ``E = RR + sqrt(RR (RR - 1))`` for ``RR >= 1`` (``1 / RR`` first when below 1): the
    minimum strength of association, on the risk-ratio scale, that an unmeasured confounder
    would need with both treatment and outcome to explain the estimate away. The interval's
    E-value uses the limit nearer 1, and is 1 when the interval includes 1. A hazard ratio
    (or odds ratio) of a common outcome (``rare=False``; over 15% by the end of follow-up) is
    first converted: ``RR = (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1 / HR))``, ``RR = sqrt(OR)``.

    Returns
    -------
    dict
        ``rr`` (the ratio on the risk-ratio scale), ``evalue``, ``evalue_ci``.
    """
    def to_rr(x: float | None) -> float | None:
        if x is None or not np.isfinite(x):
            return x
        if rare or measure == "RR":
            return x
        if measure == "HR":
            return (1 - 0.5 ** np.sqrt(x)) / (1 - 0.5 ** np.sqrt(1 / x))
        return float(np.sqrt(x))

    rr, lo, hi = to_rr(estimate), to_rr(ci_low), to_rr(ci_high)
    e = _evalue_rr(rr)
    if lo is None or hi is None:
        e_ci = float("nan")
    elif lo <= 1 <= hi:
        e_ci = 1.0
    else:
        e_ci = _evalue_rr(hi if rr < 1 else lo)
    return {"rr": float(rr), "evalue": e, "evalue_ci": e_ci}


# --------------------------------------------------------------------------------------------
# Subgroups
# --------------------------------------------------------------------------------------------


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


def weighted_km_at(curves: Mapping[str, pd.DataFrame], frame: pd.DataFrame,
                   weights: Mapping[str, pd.Series], times: Sequence[float],
                   min_cell: int = 5, time_col: str = "time", event_col: str = "event",
                   group_col: str = "treated") -> pd.DataFrame:
    """Weighted Kaplan-Meier curves read at chosen times, for publication.

    The curves of :func:`weighted_km` have a row per event time, close to a list of people's
    reoffence days; the published table gives each curve at ``times`` only, with the people
    (weight above 0) still followed and those who reoffended by each time, under the
    small-count rule (:mod:`analysis.disclosure`; the survival values of a row with a
    suppressed count are suppressed).

    Parameters
    ----------
    curves : mapping of str to DataFrame
        :func:`weighted_km` for each sample (``"Matching"``, ``"IPW (ATT)"``).
    frame : DataFrame
        The people the curves were estimated on.
    weights : mapping of str to Series
        The weights of each sample (aligned with ``frame``).
    times : sequence of float
        Times to read the curves at (data's time unit).
    min_cell : int
        Smallest count shown.

    Returns
    -------
    DataFrame
        ``sample``, ``group``, ``time``, ``people`` (weight above 0 in the group),
        ``at_risk`` (people followed beyond ``time``), ``events`` (people reoffending by
        ``time``), ``survival``, ``cumulative_reoffended_pct`` (weighted).
    """
    parts = []
    for name, curve in curves.items():
        counts = number_at_risk(frame.loc[weights[name] > 0], times, time_col, event_col, group_col)
        counts["people"] = counts[["at_risk", "events", "censored"]].sum(axis=1)
        survival = []
        for g, t in zip(counts["group"], counts["time"], strict=True):
            upto = curve[(curve["group"] == g) & (curve["time"] <= t)].sort_values("time")
            survival.append(float(upto["survival"].iloc[-1]) if len(upto) else 1.0)
        counts["survival"] = survival
        counts["cumulative_reoffended_pct"] = 100 * (1 - counts["survival"])
        parts.append(counts.assign(sample=name))
    table = pd.concat(parts, ignore_index=True)[
        ["sample", "group", "time", "people", "at_risk", "events", "survival",
         "cumulative_reoffended_pct"]]
    return suppress_counts(table, ["people", "at_risk", "events"],
                           ["survival", "cumulative_reoffended_pct"], min_cell,
                           sets=["sample", "time"])


def published_subgroups(table: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """:func:`subgroup_effects` tables (with ``outcome``) under the small-count rule.

    The levels of a subgroup add up to the sample, so secondary suppression applies across
    them; every mean, estimate, interval and p-value of a row with a suppressed count is
    suppressed.
    """
    if table.empty:
        return table
    counts = ["n_treated", "n_comparison"]
    derived = [c for c in table.columns if c not in (*counts, "subgroup", "level", "outcome")]
    return suppress_counts(table, counts, derived, min_cell, sets=["outcome", "subgroup"])


def published_means(table: pd.DataFrame, frame: pd.DataFrame, outcome: str | None = None,
                    min_cell: int = 5) -> pd.DataFrame:
    """An estimates table with its group means under the small-count rule.

    With the group sizes shown, the mean of a 0/1 outcome gives the number of people with it,
    and the mean of a count gives the total count. For each row's outcome, the treated and
    comparison people of ``frame`` (the sample the table was estimated on) with the outcome and
    without it (0/1), or the total count, are found; where any is 1 to ``min_cell - 1``, both
    group means read ``"suppressed"``. Estimates and intervals are kept: they are the finding,
    and the reportability minimums of :func:`reportability` govern them.

    Parameters
    ----------
    table : DataFrame
        Rows with ``mean_treated`` and ``mean_comparison``, and an ``outcome`` column unless
        ``outcome`` is given.
    frame : DataFrame
        The sample, with ``treated`` and the outcome columns.
    outcome : str, optional
        The outcome of every row, for tables without an ``outcome`` column.
    min_cell : int
        Smallest count shown.
    """
    names = table["outcome"] if outcome is None else pd.Series(outcome, index=table.index)
    t = frame["treated"].astype(int)
    small = {}
    for name in names.unique():
        y = pd.to_numeric(frame[name], errors="coerce")
        if is_binary(y):
            small[name] = small_flag_cells(y, t, min_cell)
        else:
            totals = pd.Series([round(y[t == g].sum()) for g in (0, 1)])
            small[name] = bool(is_small(totals, min_cell).any())
    hidden = names.map(small).astype(bool)
    if not hidden.any():
        return table.copy()
    return suppress_where(table, ["mean_treated", "mean_comparison"], hidden)
