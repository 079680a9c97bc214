"""The doubly robust (augmented inverse probability weighted) risk difference, with its
influence-function standard error and a seeded bootstrap interval.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit
from tqdm import tqdm

from analysis.models.effects.common import treatment_design, z_value
from analysis.models.effects.propensity import EPS, fit_logistic

__all__ = ["AIPWResult", "aipw"]


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
    X = treatment_design(frame, covariates, categorical, treatment_col).drop(columns=treatment_col)
    Xa = X.to_numpy(dtype=float)
    y = frame[outcome].to_numpy(dtype=float)
    t = frame[treatment_col].to_numpy().astype(int)
    n = len(y)
    mu1, mu0, coefs, inf = _aipw_point(y, t, Xa, estimand)
    est = mu1 - mu0
    se = float(np.sqrt(np.sum(inf**2)) / n)
    z = z_value(alpha)
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
