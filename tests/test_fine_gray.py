"""Fine-Gray model and Gray's test against R's cmprsk 2.2-11 on Rossi's data.

The competing cause is derived deterministically from Rossi et al.'s arrests: an arrest is
cause 2 when ``(week + prio) % 3 == 0``, else cause 1, and arrested people whose age is a
multiple of 7 are taken as censored at their arrest week (so censoring is spread over time and
the censoring weights matter). The R values below come from::

    library(cmprsk)
    d <- read.csv("data/public/rossi.csv")
    st <- ifelse(d$arrest == 0, 0, ifelse((d$week + d$prio) %% 3 == 0, 2, 1))
    st[d$arrest == 1 & d$age %% 7 == 0] <- 0
    X <- as.matrix(d[, c("fin", "age", "prio", "wexp")])
    crr(d$week, st, X, failcode = 1)   # and failcode = 2
    pb <- cut(d$prio, c(-1, 1, 4, 100), labels = FALSE)
    cuminc(d$week, st, d$fin)$Tests
    cuminc(d$week, st, pb, strata = d$race)$Tests
    cuminc(d$week, st, pb, rho = 1)$Tests
    timepoints(cuminc(d$week, st, d$fin), c(10, 26, 52))
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from analysis.models.survival import cumulative_incidence_at
from analysis.models.survival.fine_gray import censoring_left_limit, fine_gray
from analysis.models.survival.gray_test import gray_test, gray_tests

ROOT = Path(__file__).resolve().parents[1]
COVARIATES = ["fin", "age", "prio", "wexp"]

R_CRR = {
    1: {"coef": [-0.3955169409689036, -0.0988454790267219, 0.0978500083454415,
                 -0.0216249281087136],
        "se": [0.2520431328315890, 0.0434811842315273, 0.0372862329994163,
               0.2817391948190885],
        "loglik": -387.750507466135, "loglik_null": -400.262439757918,
        "var_01": -0.003409740498176967, "var_24": 0.003245487938325443},
    2: {"coef": [-0.04535033955692440, -0.01735849870768271, 0.00713864682463002,
                 -0.41890345613535401],
        "se": [0.3376346785430677, 0.0330013984955880, 0.0544189803467862,
               0.3847561018154826],
        "loglik": -209.248927108254, "loglik_null": -210.516110349695,
        "var_01": -0.000322313799187937, "var_24": 0.00433351254517586},
}

R_GRAY = {
    "fin": ([3.2664601972969769, 0.0281227828993176], [0.0707100449665401, 0.8668204856950661], 1),
    "prio_band_by_race": ([5.97104383687698, 1.41215804975206],
                          [0.0505131329326143, 0.4935757063536219], 2),
    "prio_band_rho1": ([6.17241582525176, 1.39285122407685],
                       [0.0456748293627294, 0.4983634683549922], 2),
}

#: R's cuminc estimates of cause 1 at weeks 10, 26 and 52, by fin (0, 1).
R_CIF_CAUSE1 = {0: [0.02314814814814815, 0.0979879069180007, 0.1880522740712728],
                1: [0.00462962962962963, 0.0466074053419532, 0.1266165090857733]}


@pytest.fixture(scope="module")
def rossi() -> pd.DataFrame:
    d = pd.read_csv(ROOT / "data" / "public" / "rossi.csv")
    status = np.where(d["arrest"] == 0, 0, np.where((d["week"] + d["prio"]) % 3 == 0, 2, 1))
    status[(d["arrest"] == 1) & (d["age"] % 7 == 0)] = 0
    d["status"] = status
    d["prio_band"] = pd.cut(d["prio"], [-1, 1, 4, 100], labels=False)
    return d


@pytest.mark.parametrize("cause", [1, 2])
def test_fine_gray_equals_crr(rossi: pd.DataFrame, cause: int) -> None:
    fit = fine_gray(rossi, COVARIATES, "week", "status", cause=cause)
    ref = R_CRR[cause]
    assert fit.converged
    assert (fit.n, fit.events + fit.competing) == (432, 102)
    np.testing.assert_allclose(fit.summary["coef"], ref["coef"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(fit.summary["se"], ref["se"], rtol=0, atol=1e-9)
    assert fit.loglik == pytest.approx(ref["loglik"], abs=1e-8)
    assert fit.loglik_null == pytest.approx(ref["loglik_null"], abs=1e-8)
    assert fit.variance[0, 1] == pytest.approx(ref["var_01"], abs=1e-10)
    assert fit.variance[2, 3] == pytest.approx(ref["var_24"], abs=1e-10)
    np.testing.assert_allclose(fit.summary["shr"], np.exp(ref["coef"]), rtol=1e-9)


def test_fine_gray_interval_is_wald_on_log_scale(rossi: pd.DataFrame) -> None:
    s = fine_gray(rossi, ["fin"], "week", "status").summary.iloc[0]
    assert s["shr_ci_low"] == pytest.approx(np.exp(s["coef"] - 1.959963984540054 * s["se"]))
    assert s["p_value"] == pytest.approx(2 * sps.norm.sf(abs(s["coef"] / s["se"])))


def test_fine_gray_without_competing_events_is_breslow_cox(rossi: pd.DataFrame) -> None:
    """With no competing events all weights are 1: the Cox model with Breslow's ties."""
    import statsmodels.api as sm

    d = rossi.assign(status=rossi["arrest"])
    fg = fine_gray(d, ["fin", "age", "prio"], "week", "status")
    ph = sm.PHReg(d["week"], d[["fin", "age", "prio"]], status=d["arrest"],
                  ties="breslow").fit()
    np.testing.assert_allclose(fg.summary["coef"], ph.params, rtol=0, atol=1e-7)
    assert fg.loglik == pytest.approx(ph.llf, abs=1e-7)


def test_fine_gray_bad_input_messages(rossi: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=r"missing values in \['age'\]: drop or impute"):
        fine_gray(rossi.assign(age=np.where(rossi.index == 3, np.nan, rossi["age"])), ["age"],
                  "week", "status")
    with pytest.raises(ValueError, match="no one in the data failed from cause 7"):
        fine_gray(rossi, ["age"], "week", "status", cause=7)
    with pytest.raises(KeyError, match=r"columns not in the data: \['nope'\]"):
        fine_gray(rossi, ["nope"], "week", "status")


def test_censoring_left_limit_hand_computed() -> None:
    # times 1 1 2 3 3 4, censored at 1 (one of two) and 3 (one): G(1-)=1, G(2-)=5/6,
    # G(3-)=5/6, G(4-)=5/6 * (1 - 1/3) = 5/9
    t = np.array([1, 1, 2, 3, 3, 4.0])
    c = np.array([1, 0, 0, 1, 0, 0])
    np.testing.assert_allclose(censoring_left_limit(t, c),
                               [1, 1, 5 / 6, 5 / 6, 5 / 6, 5 / 9])


@pytest.mark.parametrize(("name", "group", "strata", "rho"), [
    ("fin", "fin", None, 0.0),
    ("prio_band_by_race", "prio_band", "race", 0.0),
    ("prio_band_rho1", "prio_band", None, 1.0),
])
def test_gray_test_equals_cuminc(rossi: pd.DataFrame, name: str, group: str,
                                 strata: str | None, rho: float) -> None:
    stats, p, df = R_GRAY[name]
    out = gray_tests(rossi, group, "week", "status", strata_col=strata, rho=rho)
    assert out["cause"].tolist() == [1, 2]
    assert out["df"].tolist() == [df, df]
    np.testing.assert_allclose(out["statistic"], stats, rtol=0, atol=1e-9)
    np.testing.assert_allclose(out["p_value"], p, rtol=0, atol=1e-9)


def test_gray_test_needs_two_groups(rossi: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="Gray's test needs at least two groups"):
        gray_test(rossi["week"].to_numpy(float), rossi["status"].to_numpy(),
                  np.zeros(len(rossi)))


def test_group_cumulative_incidence_equals_cuminc(rossi: pd.DataFrame) -> None:
    """The Aalen-Johansen curves by group used beside Gray's test are cuminc's estimates."""
    d = rossi.assign(event=(rossi["status"] == 1).astype(int),
                     competing_event=(rossi["status"] == 2).astype(int))
    at = cumulative_incidence_at(d, [10, 26, 52], "week", group_col="fin")
    for g, ref in R_CIF_CAUSE1.items():
        np.testing.assert_allclose(at.loc[at["group"] == g, "aj_cif_pct"] / 100, ref,
                                   rtol=0, atol=1e-9)
