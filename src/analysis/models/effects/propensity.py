"""Propensity scores: a logistic model of treatment, overlap diagnostics and common support.

The propensity score ``e(x) = P(treated = 1 | x)`` is estimated by logistic regression of the
treatment flag on the covariates of the parameter file (statsmodels ``Logit``, fitted by Newton's
method: the estimates of a binomial ``GLM`` to 1e-9, in a fifth of its time and memory), with
text covariates dummy-coded against their most common level exactly as in the survival
models (:func:`analysis.models.design.design_matrix`, :func:`analysis.models.design.default_references`).
Matching works on the logit of the score, ``log(e / (1 - e))``, as Rosenbaum and Rubin (1985)
and Austin (2011) recommend.

Common support
--------------
``common_support(score, treated, rule)`` keeps the people whose score lies where both groups
have people:

``"minmax"`` (default)
    Keep everyone whose score lies in ``[max(min_1, min_0), min(max_1, max_0)]``, the overlap of
    the two groups' score ranges (Dehejia and Wahba 1999; Caliendo and Kopeinig 2008).
``"crump"``
    Keep scores in ``[0.1, 0.9]`` (Crump, Hotz, Imbens and Mitnik 2009), for the ATE.
``"none"``
    Keep everyone.

The ATE's overlap region
------------------------
Inverse probability weighting for the average effect in *everyone* (ATE) needs every kind of
person to have a real chance of both treatment and no treatment. A targeted intervention breaks
this: people with scores near 0 get huge weights, and the estimate rests on a handful of them.
:func:`crump_alpha` gives the limit ``a`` of Crump, Hotz, Imbens and Mitnik (2009, *Biometrika*
96:187-199): with ``g(x) = 1 / (e(x)(1 - e(x)))``, keep ``a <= e <= 1 - a`` where ``a = 0`` if
``max g <= 2 mean g`` and otherwise ``a = 1/2 - sqrt(1/4 - 1/gamma)``, ``gamma`` solving
``gamma = 2 E[g | g <= gamma]`` (the region that minimises the variance of the efficient ATE
estimator under homoskedasticity). In the sample, ``E[g | g <= gamma]`` is the mean of the
``k`` smallest ``g``; ``gamma = 2 * that mean`` for the largest ``k`` whose ``k``-th smallest
``g`` does not exceed it. The ATE is then the average effect *in that region* and is reported
as such.

:func:`fit_logistic` is a small Newton-Raphson (IRLS) logistic fit in numpy, used where the same
model is refitted hundreds of times (the bootstrap of the doubly robust estimator); it agrees
with statsmodels to machine precision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.special import expit

from analysis.models.design import default_references, design_matrix

__all__ = [
    "SUPPORT_RULES",
    "PropensityResult",
    "common_support",
    "crump_alpha",
    "fit_logistic",
    "fit_propensity",
    "logit",
    "overlap_table",
    "support_rule_text",
]

SupportRule = Literal["minmax", "crump", "none"]
#: Probabilities as an array or a Series (a Series keeps its index).
_Probabilities = TypeVar("_Probabilities", np.ndarray, pd.Series)
SUPPORT_RULES: tuple[str, ...] = ("minmax", "crump", "none")
#: Scores are kept inside [EPS, 1 - EPS] before taking logits or inverse weights.
EPS = 1e-10


def logit(p: _Probabilities) -> _Probabilities:
    """The log-odds ``log(p / (1 - p))``, with ``p`` clipped to ``[1e-10, 1 - 1e-10]``."""
    q = np.clip(p, EPS, 1 - EPS)
    return np.log(q / (1 - q))


def fit_logistic(X: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None,
                 beta0: np.ndarray | None = None, max_iter: int = 50,
                 tol: float = 1e-10) -> np.ndarray:
    """Maximum-likelihood logistic regression by Newton-Raphson (IRLS); return the coefficients.

    Parameters
    ----------
    X : array (n, p)
        Design matrix including the constant column.
    y : array (n,)
        0/1 outcome.
    weights : array (n,), optional
        Frequency weights (e.g. bootstrap counts).
    beta0 : array (p,), optional
        Starting values (e.g. the full-sample fit, to speed up bootstrap refits).
    max_iter, tol : int, float
        Iteration limit and convergence tolerance on the largest coefficient change.

    Returns
    -------
    numpy.ndarray
        Coefficients (p,). Under (quasi-)separation the iterations stop at the limit and the
        coefficients are large but finite, as in statsmodels.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    beta = np.zeros(X.shape[1]) if beta0 is None else np.asarray(beta0, dtype=float).copy()
    for _ in range(max_iter):
        eta = np.clip(X @ beta, -30, 30)
        mu = expit(eta)
        grad = X.T @ (w * (y - mu))
        hess = (X * (w * mu * (1 - mu))[:, None]).T @ X
        try:
            step = np.linalg.solve(hess + 1e-12 * np.eye(len(beta)), grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(hess, grad, rcond=None)[0]
        beta = beta + step
        if np.max(np.abs(step)) < tol:
            break
    return beta


@dataclass
class PropensityResult:
    """A fitted propensity-score model.

    Attributes
    ----------
    score : Series
        Estimated ``P(treated = 1 | x)``, same index as the data.
    logit : Series
        Its log-odds (the matching scale).
    treated : Series
        The 0/1 treatment flag.
    design : DataFrame
        Covariate design (dummy-coded, without the constant).
    model : statsmodels Logit results
        The fitted model (``.summary()`` prints it).
    references : dict
        Reference level of each dummy-coded covariate.
    covariates : list of str
        Covariates as named in the parameters.
    """

    score: pd.Series
    logit: pd.Series
    treated: pd.Series
    design: pd.DataFrame
    model: Any
    references: dict[str, Any] = field(default_factory=dict)
    covariates: list[str] = field(default_factory=list)

    @property
    def coefficients(self) -> pd.DataFrame:
        """Tidy table: ``covariate``, ``coef`` (log-odds), ``se``, ``odds_ratio``, ``p_value``."""
        m = self.model
        return pd.DataFrame({
            "covariate": [str(i) for i in m.params.index],
            "coef": m.params.to_numpy(),
            "se": m.bse.to_numpy(),
            "odds_ratio": np.exp(m.params.to_numpy()),
            "p_value": m.pvalues.to_numpy(),
        })

    @property
    def c_statistic(self) -> float:
        """Area under the ROC curve of the score (how well it separates the groups)."""
        return c_statistic(self.score.to_numpy(), self.treated.to_numpy())


def c_statistic(score: np.ndarray, treated: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney form, ties counted as one half)."""
    ranks = pd.Series(score).rank().to_numpy()
    t = np.asarray(treated).astype(bool)
    n1, n0 = t.sum(), (~t).sum()
    if n1 == 0 or n0 == 0:
        return float("nan")
    return float((ranks[t].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def fit_propensity(
    frame: pd.DataFrame,
    covariates: Sequence[str],
    treatment_col: str = "treated",
    categorical: Mapping[str, Any] | None = None,
) -> PropensityResult:
    """Estimate propensity scores by logistic regression of treatment on the covariates.

    Parameters
    ----------
    frame : DataFrame
        Complete cases (no missing covariate), one row per person.
    covariates : sequence of str
        Covariate columns; text columns are dummy-coded.
    treatment_col : str
        0/1 treatment column.
    categorical : mapping, optional
        ``{column: reference level}``; default: the most common level of each text column.

    Returns
    -------
    PropensityResult
    """
    covariates = list(covariates)
    refs = dict(categorical) if categorical is not None else default_references(frame, covariates)
    design, refs = design_matrix(frame, covariates, refs)
    # Constant columns (e.g. a flag no one in the data has) cannot be estimated: drop them.
    design = design.loc[:, design.nunique() > 1]
    X = sm.add_constant(design, has_constant="add")
    t = frame[treatment_col].astype(int)
    model = sm.Logit(t.astype(float), X).fit(method="newton", disp=False)
    score = pd.Series(np.clip(model.predict(), EPS, 1 - EPS), index=frame.index,
                      name="propensity")
    return PropensityResult(score=score, logit=logit(score).rename("logit_propensity"),
                            treated=t, design=design, model=model, references=refs,
                            covariates=covariates)


def common_support(score: pd.Series, treated: pd.Series, rule: SupportRule = "minmax",
                   bounds: tuple[float, float] = (0.1, 0.9)) -> pd.Series:
    """People inside the region of common support (see the module docstring for the rules).

    Parameters
    ----------
    score : Series
        Propensity scores.
    treated : Series
        0/1 treatment flag, same index.
    rule : {"minmax", "crump", "none"}
        The common-support rule.
    bounds : tuple of float
        Score limits of the ``"crump"`` rule.

    Returns
    -------
    Series of bool
        True for people kept.
    """
    t = treated.astype(int).to_numpy()
    s = score.to_numpy(dtype=float)
    if rule == "none":
        keep = np.ones(len(s), dtype=bool)
    elif rule == "minmax":
        if t.sum() == 0 or (1 - t).sum() == 0:
            keep = np.zeros(len(s), dtype=bool)
        else:
            low = max(s[t == 1].min(), s[t == 0].min())
            high = min(s[t == 1].max(), s[t == 0].max())
            keep = (s >= low) & (s <= high)
    elif rule == "crump":
        keep = (s >= bounds[0]) & (s <= bounds[1])
    else:
        raise ValueError(f"rule must be one of {SUPPORT_RULES}, not {rule!r}")
    return pd.Series(keep, index=score.index, name="common_support")


def crump_alpha(score: pd.Series | np.ndarray) -> float:
    """Crump et al. (2009) optimal limit ``a`` of the ATE's overlap region ``[a, 1 - a]``.

    Parameters
    ----------
    score : Series or ndarray
        Propensity scores in (0, 1).

    Returns
    -------
    float
        ``a`` in ``[0, 0.5)``; 0 when no one needs to be left out (see the module docstring).
    """
    e = np.asarray(score, dtype=float)
    if e.size == 0 or not np.isfinite(e).all():
        raise ValueError("give at least one propensity score, none missing")
    e = np.clip(e, EPS, 1 - EPS)
    g = np.sort(1.0 / (e * (1.0 - e)))
    if g[-1] <= 2 * g.mean():
        return 0.0
    twice_mean = 2 * np.cumsum(g) / np.arange(1, g.size + 1)
    k = int(np.flatnonzero(g <= twice_mean)[-1])
    gamma = twice_mean[k]
    return float(0.5 - np.sqrt(max(0.25 - 1.0 / gamma, 0.0)))


def support_rule_text(rule: SupportRule, bounds: tuple[float, float] = (0.1, 0.9)) -> str:
    """One sentence stating the common-support rule."""
    if rule == "minmax":
        return ("Common support (min-max rule): people whose propensity score lies outside the "
                "range where both groups have scores, [larger of the two minima, smaller of the "
                "two maxima], are left out.")
    if rule == "crump":
        return (f"Common support (Crump et al. rule): people with a propensity score below "
                f"{bounds[0]:g} or above {bounds[1]:g} are left out.")
    return "No common-support restriction: everyone is kept."


def overlap_table(score: pd.Series, treated: pd.Series,
                  labels: Mapping[int, str] | None = None) -> pd.DataFrame:
    """Distribution of the propensity score by group.

    Returns
    -------
    DataFrame
        ``group``, ``n``, ``mean``, ``min``, ``p05``, ``p25``, ``median``, ``p75``, ``p95``,
        ``max`` (scores as probabilities).
    """
    labels = dict(labels or {0: "Comparison", 1: "Treated"})
    rows = []
    for g in (1, 0):
        s = score[treated.astype(int) == g].to_numpy(dtype=float)
        q = np.quantile(s, [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1]) if len(s) else [np.nan] * 7
        rows.append({"group": labels[g], "n": len(s), "mean": s.mean() if len(s) else np.nan,
                     "min": q[0], "p05": q[1], "p25": q[2], "median": q[3], "p75": q[4],
                     "p95": q[5], "max": q[6]})
    return pd.DataFrame(rows)
