"""The negative binomial and accelerated failure time fits equal R's to 1e-6.

Reference values: R 4.2.2 (Debian packages MASS 7.3-58.2 and survival 3.5-3),
printed with ``sprintf("%.12g")``:

* ``MASS::glm.nb(prio ~ fin + age + race + wexp + mar + paro, data = rossi)`` on the bundled
  Rossi data (R converges: the default fit and one with ``glm.control(epsilon = 1e-14)`` agree
  to 3e-10);
* ``survival::survreg(Surv(durat, event) ~ workprg + priors + tserved + felon + alcohol + drugs
  + black + married + educ + age, data = recid, dist = d)`` for the Weibull, log-normal and
  log-logistic distributions on the bundled recid data (``rel.tolerance = 1e-12`` gives the same
  numbers as the default); ``loglik`` is on the time scale, as lifelines'.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.models import survival as sv
from analysis.models.effects import outcome_models
from analysis.models.effects.common import treatment_design
from analysis.models.effects.outcome_models import count_models, negative_binomial

TOL = 1e-6

NB_THETA = 2.80517139804
NB_LOGLIK = -916.032745486245
NB_COEF = {"const": 1.81853183921, "fin": 0.0214327212469, "age": -0.00503370934299,
           "race": -0.275862503484, "wexp": -0.507971710181, "mar": 0.129375761822,
           "paro": -0.224319972097}

RECID_COVARIATES = ["workprg", "priors", "tserved", "felon", "alcohol", "drugs", "black",
                    "married", "educ", "age"]
SURVREG = {
    "weibull": {
        "coef": [4.221670123, -0.1127848325, -0.1101757062, -0.01682971456, 0.3716227043,
                 -0.5551319683, -0.3492653792, -0.5630161848, 0.1881041121, 0.02891108269,
                 0.004621884889],
        "se": [0.34131142, 0.11253462, 0.017067461, 0.0021302878, 0.13199511, 0.13224271,
               0.12188014, 0.110817, 0.13575187, 0.024115326, 0.0006648205],
        "scale": 1.240903612, "loglik": -3192.1088254052},
    "lognormal": {
        "coef": [4.099385894, -0.06257154445, -0.1372528913, -0.01933053404, 0.4439946684,
                 -0.6349092153, -0.2981601589, -0.5427178471, 0.3406836955, 0.02291955897,
                 0.003910285518],
        "se": [0.34753504, 0.12003692, 0.021458661, 0.0029779217, 0.14508651, 0.1442166,
               0.13273555, 0.11744276, 0.13984305, 0.025397387, 0.00060620496],
        "scale": 1.810469815, "loglik": -3156.1353061984},
    "loglogistic": {
        "coef": [3.817714126, -0.06645011776, -0.1482870446, -0.01914252956, 0.4108081292,
                 -0.6325082816, -0.3493944146, -0.5612105982, 0.2708632251, 0.03145676815,
                 0.004506923743],
        "se": [0.35098075, 0.11956438, 0.023093653, 0.0029906256, 0.14365107, 0.14278018,
               0.12994304, 0.11611054, 0.13876658, 0.025363428, 0.00066278779],
        "scale": 1.035380238, "loglik": -3170.0194598028},
}


@pytest.fixture(scope="module")
def rossi(request: pytest.FixtureRequest) -> pd.DataFrame:
    return pd.read_csv(request.config.rootpath / "data/public/rossi.csv")


@pytest.fixture(scope="module")
def recid(request: pytest.FixtureRequest) -> pd.DataFrame:
    return pd.read_csv(request.config.rootpath / "data/public/recid.csv")


def test_negative_binomial_equals_glm_nb(rossi: pd.DataFrame) -> None:
    table, tests = count_models(rossi, "prio", ["age", "race", "wexp", "mar", "paro"],
                                treatment_col="fin")
    nb = table.set_index("model").loc["negative binomial"]
    assert 1 / nb["nb_alpha"] == pytest.approx(NB_THETA, abs=TOL)
    assert np.log(nb["rate_ratio"]) == pytest.approx(NB_COEF["fin"], abs=TOL)
    assert nb["log_likelihood"] == pytest.approx(NB_LOGLIK, abs=TOL)
    assert tests["preferred"] == "negative binomial"


def test_negative_binomial_every_coefficient_equals_glm_nb(rossi: pd.DataFrame) -> None:
    X = treatment_design(rossi, ["age", "race", "wexp", "mar", "paro"], None, "fin")
    start = np.append(np.zeros(X.shape[1]), 0.5)
    start[0] = np.log(rossi["prio"].mean())
    fit = negative_binomial(rossi["prio"].astype(float), X, start, {})
    for name, value in NB_COEF.items():
        assert fit.params[name] == pytest.approx(value, abs=TOL), name
    assert 1 / fit.params.iloc[-1] == pytest.approx(NB_THETA, abs=TOL)


def _counts(alpha: float, seed: int = 5, n: int = 3000) -> tuple[pd.Series, pd.DataFrame]:
    """NB2 counts with dispersion ``alpha`` (Poisson counts when 0) and their design."""
    rng = np.random.default_rng(seed)
    x, t = rng.normal(size=n), rng.binomial(1, 0.4, n)
    mu = np.exp(0.2 + 0.5 * x + np.log(0.7) * t)
    if alpha > 0:
        mu = mu * rng.gamma(1 / alpha, alpha, n)
    X = sm.add_constant(pd.DataFrame({"treated": t.astype(float), "x": x}))
    return pd.Series(rng.poisson(mu), dtype=float), X


def _bfgs_then_newton(y: pd.Series, X: pd.DataFrame, start: np.ndarray):
    """The BFGS fit polished by Newton's method, kept when that converges higher, by hand."""
    model = sm.NegativeBinomial(y, X, loglike_method="nb2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first = model.fit(start_params=start, disp=0, maxiter=200, method="bfgs", cov_type="HC1")
        polished = model.fit(start_params=first.params.to_numpy(), disp=0, maxiter=100,
                             method="newton", tol=1e-12, cov_type="HC1")
    return polished if polished.mle_retvals["converged"] and polished.llf >= first.llf else first


def _poisson_start(y: pd.Series, X: pd.DataFrame) -> np.ndarray:
    return np.append(sm.GLM(y, X, family=sm.families.Poisson()).fit().params.to_numpy(), 0.5)


def test_negative_binomial_newton_from_the_poisson_fit_equals_bfgs_then_newton() -> None:
    y, X = _counts(alpha=1.5)
    start = _poisson_start(y, X)
    fit = negative_binomial(y, X, start, {"cov_type": "HC1"})
    assert fit.mle_settings["optimizer"] == "newton"
    assert fit.mle_retvals["iterations"] <= 8 < outcome_models.NEWTON_FIRST_MAXITER
    ref = _bfgs_then_newton(y, X, start)
    np.testing.assert_allclose(fit.params, ref.params, rtol=1e-10)
    np.testing.assert_allclose(fit.bse, ref.bse, rtol=1e-8)
    assert fit.llf == pytest.approx(ref.llf, rel=1e-13)


def test_negative_binomial_falls_back_to_bfgs_when_newton_leaves_alpha_positive() -> None:
    # Poisson counts: Newton's method from the moment estimate steps to alpha < 0
    y, X = _counts(alpha=0.0)
    start = _poisson_start(y, X)
    fit = negative_binomial(y, X, start, {"cov_type": "HC1"})
    ref = _bfgs_then_newton(y, X, start)
    np.testing.assert_array_equal(fit.params, ref.params)
    np.testing.assert_array_equal(fit.bse, ref.bse)
    assert fit.mle_settings["optimizer"] == "bfgs"  # Newton's polish diverges here too
    assert 0 < fit.params.iloc[-1] < 1e-4


def test_a_newton_fit_counts_only_at_a_maximum() -> None:
    y, X = _counts(alpha=1.5)
    model = sm.NegativeBinomial(y, X, loglike_method="nb2")
    good = model.fit(start_params=np.append(np.zeros(3), 1.0), disp=0, method="newton",
                     tol=1e-12)
    assert outcome_models._at_maximum(good)
    assert not outcome_models._at_maximum(None)
    short = model.fit(start_params=np.append(np.zeros(3), 1.0), disp=0, method="newton",
                      maxiter=1)
    assert not outcome_models._at_maximum(short)


@pytest.mark.parametrize("distribution", sorted(SURVREG))
def test_aft_equals_survreg(recid: pd.DataFrame, distribution: str) -> None:
    ref = SURVREG[distribution]
    res = sv.fit_aft(recid, "durat", "event", RECID_COVARIATES, distribution)
    s = res.summary
    loc = s[s["parameter"] == "location"].set_index("covariate").loc[["Intercept",
                                                                         *RECID_COVARIATES]]
    np.testing.assert_allclose(loc["coef"].to_numpy(), ref["coef"], rtol=0, atol=TOL)
    np.testing.assert_allclose(loc["se"].to_numpy(), ref["se"], rtol=1e-5)
    assert res.sigma == pytest.approx(ref["scale"], abs=TOL)
    assert res.log_likelihood == pytest.approx(ref["loglik"], abs=TOL)
