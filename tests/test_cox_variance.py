"""The vectorised robust (sandwich) variance of Cox models, against R ``survival`` and lifelines.

Reference values: R 4.2 with ``survival`` 3.5-3 (Debian package r-cran-survival), robust
standard errors of ``coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio,
data = rossi, ties = "efron", robust = TRUE)`` and its variants (a clustered fit with
``cluster(cl)``, ``cl = (row - 1) %/% 3``; a weighted fit with weights ``0.5 + 1.5 * ((row *
37) %% 101) / 100``; a fit stratified by ``strata(race)``), printed to 10 significant digits.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter as LifelinesCoxPHFitter

from analysis.models.survival.cox_variance import (
    CoxPHFitter,
    cox_robust_variance,
    cox_score_residuals,
)

ROOT = Path(__file__).resolve().parents[1]
COVARIATES = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]
R_ROBUST_SE = {
    "robust": [0.19554177898, 0.02533614626, 0.29232855535, 0.21806031528, 0.38024446575,
               0.19920082960, 0.02897459463],
    "cluster": [0.19505502835, 0.02673128538, 0.28000221374, 0.21788865398, 0.37832050932,
                0.20857863074, 0.02934144706],
    "weights": [0.2084083304, 0.0238376319, 0.3115138956, 0.2293541956, 0.3921459247,
                0.2105922688, 0.0299683247],
    "strata": [0.19455577997, 0.02527863094, 0.21937788627, 0.38072552087, 0.19895987908,
               0.02914964235],
}


@pytest.fixture(scope="module")
def rossi() -> pd.DataFrame:
    d = pd.read_csv(ROOT / "data/public/rossi.csv")
    row = np.arange(1, len(d) + 1)
    return d.assign(cl=(row - 1) // 3, w=0.5 + 1.5 * ((row * 37) % 101) / 100)


def _fit(fitter: type, data: pd.DataFrame, **kw: object) -> LifelinesCoxPHFitter:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fitter().fit(data, "week", "arrest", **kw)


@pytest.mark.parametrize("case", list(R_ROBUST_SE))
def test_robust_standard_errors_equal_r_survival_on_rossi(rossi: pd.DataFrame, case: str) -> None:
    covs = [c for c in COVARIATES if not (case == "strata" and c == "race")]
    extra = {"robust": ([], {"robust": True}), "cluster": (["cl"], {"cluster_col": "cl"}),
             "weights": (["w"], {"weights_col": "w", "robust": True}),
             "strata": (["race"], {"strata": ["race"], "robust": True})}[case]
    m = _fit(CoxPHFitter, rossi[["week", "arrest", *covs, *extra[0]]], **extra[1])
    assert m.standard_errors_.to_numpy() == pytest.approx(R_ROBUST_SE[case], rel=2e-7)


def test_row_order_does_not_change_the_robust_variance(rossi: pd.DataFrame) -> None:
    cols = ["week", "arrest", *COVARIATES, "w", "cl"]
    a = _fit(CoxPHFitter, rossi[cols], weights_col="w", cluster_col="cl")
    b = _fit(CoxPHFitter, rossi[cols].sample(frac=1, random_state=4), weights_col="w",
             cluster_col="cl")
    assert b.standard_errors_.to_numpy() == pytest.approx(a.standard_errors_.to_numpy(), rel=1e-9)


def _no_ties(n: int = 1500, seed: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    t = rng.exponential(np.exp(-(x @ [0.5, -0.3, 0.2])))
    c = rng.exponential(2.0, n)
    return pd.DataFrame({"week": np.minimum(t, c), "arrest": (t <= c).astype(int),
                         "x0": x[:, 0], "x1": x[:, 1], "x2": x[:, 2],
                         "w": rng.uniform(0.5, 2, n), "cl": rng.integers(0, 300, n),
                         "s": rng.integers(0, 2, n)})


@pytest.mark.parametrize("kw", [{"robust": True}, {"weights_col": "w", "robust": True},
                                {"cluster_col": "cl"}, {"strata": ["s"], "robust": True}])
def test_without_ties_it_equals_lifelines(kw: dict) -> None:
    d = _no_ties()
    cols = ["week", "arrest", "x0", "x1", "x2"] + [v for k, v in kw.items() if k in
                                                   ("weights_col", "cluster_col")] + kw.get("strata", [])
    ours = _fit(CoxPHFitter, d[cols], **kw)
    theirs = _fit(LifelinesCoxPHFitter, d[cols], **kw)
    assert ours.standard_errors_.to_numpy() == pytest.approx(theirs.standard_errors_.to_numpy(),
                                                             rel=1e-9)


def test_lifelines_definition_reproduces_lifelines_with_ties(rossi: pd.DataFrame) -> None:
    cols = ["week", "arrest", *COVARIATES, "w", "cl"]
    theirs = _fit(LifelinesCoxPHFitter, rossi[cols], weights_col="w", cluster_col="cl")
    v = cox_robust_variance(rossi[COVARIATES].to_numpy(float), rossi["week"].to_numpy(),
                            rossi["arrest"].to_numpy(), theirs.params_.to_numpy(),
                            theirs.variance_matrix_.to_numpy(), weights=rossi["w"].to_numpy(),
                            clusters=rossi["cl"].to_numpy(), ties="lifelines")
    assert np.sqrt(np.diag(v)) == pytest.approx(theirs.standard_errors_.to_numpy(), rel=1e-9)


def test_efron_score_residuals_sum_to_the_efron_score(rossi: pd.DataFrame) -> None:
    """At the estimate the score is zero; elsewhere the sums equal the numerical gradient."""
    m = _fit(LifelinesCoxPHFitter, rossi[["week", "arrest", *COVARIATES]])
    x, t, e = rossi[COVARIATES].to_numpy(float), rossi["week"].to_numpy(), rossi["arrest"].to_numpy()
    beta = m.params_.to_numpy()
    assert np.abs(cox_score_residuals(x, t, e, beta).sum(0)).max() < 1e-4

    def loglik(b: np.ndarray) -> float:  # Efron partial log-likelihood, by hand
        eta = x @ b
        total = 0.0
        for time in np.unique(t[e == 1]):
            dead = (t == time) & (e == 1)
            risk = np.exp(eta[t >= time]).sum()
            dsum, d = np.exp(eta[dead]).sum(), dead.sum()
            total += eta[dead].sum() - sum(np.log(risk - k / d * dsum) for k in range(d))
        return total

    b = beta + 0.05
    grad = [(loglik(b + h) - loglik(b - h)) / 2e-6 for h in np.eye(len(b)) * 1e-6]
    assert cox_score_residuals(x, t, e, b).sum(0) == pytest.approx(grad, rel=1e-5)


def test_delayed_entry_is_refused_for_robust_errors() -> None:
    d = _no_ties(300).assign(entry=lambda f: 0.2 * f["week"])
    with pytest.raises(NotImplementedError, match="delayed entry"):
        _fit(CoxPHFitter, d[["week", "arrest", "x0", "x1", "entry"]], entry_col="entry",
             robust=True)


def test_missing_cluster_ids_are_an_error() -> None:
    d = _no_ties(300)
    x, t, e = d[["x0", "x1"]].to_numpy(), d["week"].to_numpy(), d["arrest"].to_numpy()
    clusters = d["cl"].astype(object).to_numpy()
    clusters[5] = None
    with pytest.raises(ValueError, match="1 rows have no cluster id"):
        cox_robust_variance(x, t, e, np.zeros(2), np.eye(2), clusters=clusters)
