"""Tests of the intervention-effect estimators (:mod:`analysis.models.effects`).

References: statsmodels fits of the same models, hand-computed numbers in the comments,
VanderWeele and Ding's (2017) published E-values, simulations with planted effects, the
randomised Rossi experiment (adjusted, matched and weighted estimates must agree with the
unadjusted difference within sampling error) and a fast run of the simulation study
``studies/effects_simulation.py``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.special import expit

from analysis.estimable import NotEstimable
from analysis.measures.balance import balance_table
from analysis.models import effects as ef
from analysis.models import survival as sv
from analysis.models.effects.propensity import crump_alpha
from analysis.presentation import effects_plots as efp

ROOT = Path(__file__).resolve().parents[1]
ROSSI_COVARIATES = ["age", "race", "wexp", "mar", "paro", "prio"]


@pytest.fixture(scope="module")
def rossi() -> pd.DataFrame:
    f = pd.read_csv(ROOT / "data/public/rossi.csv")
    return f.rename(columns={"fin": "treated", "week": "time", "arrest": "event"}).assign(
        reoffended=lambda d: d["event"])


def confounded(n: int, seed: int, effect: float = -0.8) -> tuple[pd.DataFrame, float]:
    """Confounded binary-outcome data with a planted log-odds effect; returns the true ATT."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.binomial(1, 0.4, n).astype(float)
    t = rng.binomial(1, expit(-1 + 0.8 * x1 + 0.7 * x2))
    base = -0.8 + 0.9 * x1 + 0.6 * x2
    y = rng.binomial(1, expit(base + effect * t))
    att = float(np.mean(expit(base + effect)[t == 1] - expit(base)[t == 1]))
    return pd.DataFrame({"x1": x1, "x2": x2, "treated": t, "y": y}), att


# --------------------------------------------------------------------------------------------
# Weighted contrasts
# --------------------------------------------------------------------------------------------


def test_weighted_contrast_matches_wls_with_robust_errors() -> None:
    rng = np.random.default_rng(1)
    n = 200
    t = rng.binomial(1, 0.4, n)
    y = rng.binomial(1, 0.3 + 0.1 * t).astype(float)
    w = rng.uniform(0.5, 2, n)
    r = ef.weighted_contrast(y, t, w)
    fit = sm.WLS(y, sm.add_constant(t.astype(float)), weights=w).fit(cov_type="HC0")
    assert r["estimate"] == pytest.approx(fit.params[1])
    assert r["se"] ** 2 == pytest.approx(fit.cov_params()[1, 1] * n / (n - 1))
    clusters = np.arange(n) // 2
    rc = ef.weighted_contrast(y, t, w, clusters)
    fc = sm.WLS(y, sm.add_constant(t.astype(float)), weights=w).fit(
        cov_type="cluster", cov_kwds={"groups": clusters, "use_correction": False})
    g = n // 2
    assert rc["se"] ** 2 == pytest.approx(fc.cov_params()[1, 1] * g / (g - 1))


def test_weighted_contrast_by_hand() -> None:
    # treated y 1, 0 (weights 1, 1): mean 0.5; comparison y 1, 0, 0 (weights 2, 1, 1): 0.5
    r = ef.weighted_contrast([1, 0, 1, 0, 0], [1, 1, 0, 0, 0], [1, 1, 2, 1, 1])
    assert (r["mean_treated"], r["mean_comparison"], r["estimate"]) == (0.5, 0.5, 0.0)
    # ratio of means 2 / 1 for counts
    r = ef.weighted_contrast([2, 2, 1, 1], [1, 1, 0, 0], scale="ratio")
    assert r["estimate"] == 2.0
    assert r["n_treated"] == 2 and r["n_comparison"] == 2


# --------------------------------------------------------------------------------------------
# Regression adjustment
# --------------------------------------------------------------------------------------------


def test_logistic_adjusted_matches_statsmodels_margins() -> None:
    f, _ = confounded(2000, 2)
    table, model = ef.logistic_adjusted(f, "y", ["x1", "x2"])
    X = sm.add_constant(f[["treated", "x1", "x2"]].astype(float))
    ref = sm.Logit(f["y"], X).fit(disp=0, cov_type="HC1")
    t = table.set_index("measure")
    assert t.loc["odds ratio", "estimate"] == pytest.approx(np.exp(ref.params["treated"]), rel=1e-6)
    me = ref.get_margeff(at="overall", dummy=True)
    j = list(X.columns[1:]).index("treated")
    assert t.loc["risk difference (ATE)", "estimate"] == pytest.approx(me.margeff[j], rel=1e-6)
    assert t.loc["risk difference (ATE)", "se"] == pytest.approx(me.margeff_se[j], rel=1e-3)
    assert (table["se_type"] == "robust (HC1)").all()


def test_logistic_cluster_robust() -> None:
    f, _ = confounded(1000, 3)
    f["team"] = np.arange(len(f)) % 40
    table, model = ef.logistic_adjusted(f, "y", ["x1", "x2"], cluster_col="team")
    assert model.cov_type == "cluster"
    assert table["se_type"].iloc[0] == "cluster-robust (team)"


def test_logistic_ame_recovers_a_planted_att() -> None:
    f, att = confounded(20_000, 4)
    t = ef.logistic_adjusted(f, "y", ["x1", "x2"])[0].set_index("measure")
    row = t.loc["risk difference (ATT)"]
    assert row["ci_low"] < att < row["ci_high"]


def test_count_models_rate_ratios_and_overdispersion() -> None:
    rng = np.random.default_rng(5)
    n = 3000
    x = rng.normal(size=n)
    t = rng.binomial(1, expit(0.5 * x))
    mu = np.exp(0.2 + 0.5 * x + np.log(0.7) * t)
    f = pd.DataFrame({"x": x, "treated": t, "poisson": rng.poisson(mu),
                      "nb": rng.poisson(mu * rng.gamma(1 / 1.5, 1.5, n))})
    table, tests = ef.count_models(f, "nb", ["x"])
    pois = table.set_index("model")
    ref = sm.GLM(f["nb"], sm.add_constant(f[["treated", "x"]].astype(float)),
                 family=sm.families.Poisson()).fit(cov_type="HC1")
    assert pois.loc["Poisson", "rate_ratio"] == pytest.approx(np.exp(ref.params["treated"]))
    assert pois.loc["negative binomial", "rr_ci_low"] < 0.7 < pois.loc["negative binomial", "rr_ci_high"]
    assert pois.loc["negative binomial", "nb_alpha"] == pytest.approx(1.5, abs=0.3)
    assert tests["cameron_trivedi"]["p_value"] < 0.001 and tests["preferred"] == "negative binomial"
    _, tests_p = ef.count_models(f, "poisson", ["x"])
    assert tests_p["cameron_trivedi"]["p_value"] > 0.01
    assert tests_p["preferred"] == "Poisson"


def test_overdispersion_test_by_hand() -> None:
    # y = (0, 2, 4), mu = (1, 2, 3): aux = ((y - mu)^2 - y) / mu = (1, -1, -1);
    # slope of aux on mu without constant = (1 - 2 - 3) / (1 + 4 + 9) = -4 / 14
    r = ef.overdispersion_test(np.array([0, 2, 4]), np.array([1.0, 2.0, 3.0]))
    assert r["alpha"] == pytest.approx(-4 / 14)


# --------------------------------------------------------------------------------------------
# Doubly robust estimate
# --------------------------------------------------------------------------------------------


def test_aipw_recovers_planted_att_and_is_reproducible() -> None:
    f, att = confounded(6000, 6)
    a = ef.aipw(f, "y", ["x1", "x2"], bootstrap=100, seed=11, progress=False)
    b = ef.aipw(f, "y", ["x1", "x2"], bootstrap=100, seed=11, progress=False)
    assert a.ci_low < att < a.ci_high
    assert (a.estimate, a.ci_low, a.ci_high) == (b.estimate, b.ci_low, b.ci_high)
    assert a.boot.shape == (100, 2)
    assert a.estimate == pytest.approx(a.risk_treated - a.risk_comparison)
    assert a.risk_ratio == pytest.approx(a.risk_treated / a.risk_comparison)
    assert a.rr_ci_low < a.risk_ratio < a.rr_ci_high
    # the bootstrap and influence-function standard errors agree
    assert np.std(a.boot[:, 0]) == pytest.approx(a.se, rel=0.3)


def test_aipw_is_doubly_robust_to_a_wrong_outcome_model() -> None:
    # the outcome depends on x1^2 (left out of both models' linear terms): the propensity
    # model (linear in x1) is right, so AIPW stays near the truth
    rng = np.random.default_rng(8)
    n = 20_000
    x1 = rng.normal(size=n)
    t = rng.binomial(1, expit(-0.5 + 0.8 * x1))
    base = -1 + 0.8 * x1**2
    y = rng.binomial(1, expit(base - 0.7 * t))
    att = float(np.mean(expit(base - 0.7)[t == 1] - expit(base)[t == 1]))
    f = pd.DataFrame({"x1": x1, "treated": t, "y": y})
    a = ef.aipw(f, "y", ["x1"], bootstrap=0)
    assert abs(a.estimate - att) < 2.5 * a.se
    ate = ef.aipw(f, "y", ["x1"], estimand="ATE", bootstrap=0)
    true_ate = float(np.mean(expit(base - 0.7) - expit(base)))
    assert abs(ate.estimate - true_ate) < 2.5 * ate.se
    assert ate.ci_method == "influence function (Wald)"


def test_binary_estimates_on_confounded_data() -> None:
    f, att = confounded(5000, 9)
    est = ef.binary_estimates(f, "y", ["x1", "x2"], bootstrap=50, progress=False)
    t = est.table.set_index("method")
    assert list(t.index) == ["Unadjusted", "Logistic regression (AME)", "Matching", "IPW (ATT)",
                             "IPW (ATE)", "Doubly robust AIPW (ATT)"]
    # the naive difference is biased upwards (the treated are at higher risk)
    assert t.loc["Unadjusted", "estimate"] > att + 0.05
    for m in ("Logistic regression (AME)", "Matching", "IPW (ATT)", "Doubly robust AIPW (ATT)"):
        assert t.loc[m, "ci_low"] < att < t.loc[m, "ci_high"], m
    bal = balance_table(est.propensity.design, est.frame["treated"],
                        {"Unadjusted": None, **est.weights})
    after = bal[bal["sample"] != "Unadjusted"]
    assert after["abs_smd"].max() < 0.1
    assert bal[bal["sample"] == "Unadjusted"]["abs_smd"].max() > 0.3


# --------------------------------------------------------------------------------------------
# Rossi: randomised, so every adjusted estimate agrees with the unadjusted one
# --------------------------------------------------------------------------------------------


def test_rossi_adjusted_matched_weighted_agree_with_unadjusted(rossi: pd.DataFrame) -> None:
    est = ef.binary_estimates(rossi, "reoffended", ROSSI_COVARIATES, bootstrap=200, seed=2024,
                              progress=False)
    t = est.table.set_index("method")
    naive = t.loc["Unadjusted"]
    # 66/216 - 48/216 = -0.0833 (Rossi, Berk and Lenihan: fewer arrests with aid)
    assert naive["estimate"] == pytest.approx(48 / 216 - 66 / 216)
    for method, row in t.iterrows():
        assert abs(row["estimate"] - naive["estimate"]) < 1.0 * naive["se"], method
        assert row["ci_low"] < naive["estimate"] < row["ci_high"], method
    # nearly every treated person finds a match (1:1 without replacement from 216 comparisons)
    assert est.matching.n_treated >= 0.9 * 216
    # and the hazard ratios agree with the unadjusted Cox model
    cox = sv.fit_cox(rossi, covariates=["treated"]).summary.iloc[0]
    for name, w in est.weights.items():
        cl = est.clusters if name == "Matched" else None
        s = ef.weighted_cox(est.frame, w, cluster=cl).summary.iloc[0]
        assert abs(np.log(s["hazard_ratio"]) - cox["coef"]) < cox["se"], name


# --------------------------------------------------------------------------------------------
# Time to first reoffence
# --------------------------------------------------------------------------------------------


def test_weighted_km_and_cox_with_unit_weights_reproduce_the_unweighted(rossi: pd.DataFrame) -> None:
    ones = pd.Series(1.0, index=rossi.index)
    km = ef.weighted_km(rossi, ones)
    ref = sv.km_table(rossi, group_col="treated")
    for g in (0, 1):
        a = km[km["group"] == g].set_index("time")["survival"]
        b = ref[(ref["group"] == g) & (ref["time"] > 0)].set_index("time")["survival"]
        np.testing.assert_allclose(a.loc[b.index], b, rtol=1e-10)
    cox = ef.weighted_cox(rossi, ones).summary.iloc[0]
    ref_cox = sv.fit_cox(rossi, covariates=["treated"], robust=True).summary.iloc[0]
    assert cox["coef"] == pytest.approx(ref_cox["coef"], rel=1e-6)
    assert cox["se"] == pytest.approx(ref_cox["se"], rel=1e-4)


# --------------------------------------------------------------------------------------------
# Justice Data Lab summary, sample size, reportability, E-values, Holm, subgroups
# --------------------------------------------------------------------------------------------


def test_sample_size_needed_by_hand() -> None:
    # (1.959964 + 0.841621)^2 * (0.3 * 0.7 + 0.4 * 0.6) / 0.1^2 = 7.848879 * 0.45 / 0.01 = 353.2
    assert ef.sample_size_needed(0.3, 0.4) == 354
    # 3 comparisons each: 7.848879 * (0.21 + 0.24 / 3) / 0.01 = 227.6
    assert ef.sample_size_needed(0.3, 0.4, ratio=3) == 228
    assert ef.sample_size_needed(0.3, 0.3) == float("inf")


def test_jdl_sentences() -> None:
    s = ef.jdl_sentence(-0.065, -0.10, -0.03, 0.001, "IOM")
    assert s.startswith("For every 100 people like those treated, between 3 and 10 fewer "
                        "reoffended within one year than would have done without IOM.")
    assert "statistically significant result" in s and "reduced" in s
    s = ef.jdl_sentence(0.05, 0.02, 0.08, 0.002, "IOM")
    assert "between 2 and 8 more" in s and "increased" in s
    s = ef.jdl_sentence(-0.02, -0.08, 0.04, 0.5, "IOM", p_treated=0.3, n_treated=120)
    assert "anywhere from 8 fewer to 4 more" in s
    assert "not a statistically significant result" in s
    n = int(ef.sample_size_needed(0.3, 0.32))
    assert f"about {n:,} treated people (this analysis has 120)" in s


def test_reportability_minimums() -> None:
    r = ef.reportability(59, 40).set_index("measure")["reportable"]
    assert not r.any()
    r = ef.reportability(60, 29).set_index("measure")["reportable"]
    assert r["one-year proven reoffending"] and not r["time to first proven reoffence"]
    r = ef.reportability(60, 30)
    assert r["reportable"].all()


def test_evalues_reproduce_vanderweele_and_ding() -> None:
    # VanderWeele and Ding (2017, Ann Intern Med 167:268): RR 3.9 (95% CI 1.8 to 8.7)
    # gives E-values 7.26 and 3.0 (1.8 + sqrt(1.8 x 0.8) = 3.0 exactly).
    e = ef.evalue(3.9, 1.8, 8.7)
    assert e["evalue"] == pytest.approx(7.26, abs=0.005)
    assert e["evalue_ci"] == pytest.approx(3.0)
    # protective: RR 0.8 -> 1 / 0.8 = 1.25 -> 1.25 + sqrt(1.25 * 0.25) = 1.809017
    e = ef.evalue(0.8, 0.6, 0.95)
    assert e["evalue"] == pytest.approx(1.25 + np.sqrt(1.25 * 0.25))
    assert e["evalue_ci"] == pytest.approx(1 / 0.95 + np.sqrt(1 / 0.95 * (1 / 0.95 - 1)))
    assert ef.evalue(0.8, 0.6, 1.1)["evalue_ci"] == 1.0
    # common outcome, HR 0.7: RR = (1 - 0.5^sqrt(0.7)) / (1 - 0.5^sqrt(1/0.7)) = 0.7570
    e = ef.evalue(0.7, 0.5, 0.98, "HR", rare=False)
    assert e["rr"] == pytest.approx((1 - 0.5 ** np.sqrt(0.7)) / (1 - 0.5 ** np.sqrt(1 / 0.7)))
    assert ef.evalue(0.7, measure="HR")["rr"] == 0.7


def test_holm_by_hand() -> None:
    # sorted 0.01, 0.03, 0.04 -> 3 x 0.01 = 0.03, 2 x 0.03 = 0.06, max(0.06, 0.04) = 0.06
    np.testing.assert_allclose(ef.holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06])
    out = ef.holm([0.01, np.nan])
    assert out[0] == 0.01 and np.isnan(out[1])


def test_subgroup_interaction_detects_a_planted_difference() -> None:
    rng = np.random.default_rng(12)
    n = 6000
    sex = rng.choice(["female", "male"], n)
    t = rng.binomial(1, 0.4, n)
    p = 0.3 + np.where(sex == "male", -0.15, 0.0) * t
    f = pd.DataFrame({"sex": sex, "treated": t, "y": rng.binomial(1, p),
                      "band": rng.choice(["a", "b", "c"], n, p=[0.499, 0.499, 0.002])})
    w = pd.Series(1.0, index=f.index)
    table, test = ef.subgroup_effects(f, "y", "sex", w)
    assert test["p_value"] < 1e-6 and test["df"] == 1
    est = table.set_index("level")["estimate"]
    assert est["male"] == pytest.approx(-0.15, abs=0.04) and abs(est["female"]) < 0.04
    table, test = ef.subgroup_effects(f, "y", "band", w)
    assert np.isnan(table.set_index("level").loc["c", "estimate"])   # too few people
    assert test["df"] == 1 and test["p_value"] > 0.001


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


def test_figures_draw() -> None:
    f, _ = confounded(800, 13)
    est = ef.binary_estimates(f, "y", ["x1", "x2"], bootstrap=0, progress=False)
    bal = balance_table(est.propensity.design, est.frame["treated"],
                        {"Unadjusted": None, **est.weights})
    figs = [efp.overlap_figure(est.propensity_all.score, est.propensity_all.treated,
                               support=(0.1, 0.9)),
            efp.love_plot(bal), efp.estimates_figure(est.table)]
    f["time"] = np.arange(len(f)) % 50 + 1
    f["event"] = f["y"]
    curves = {"Matched": ef.weighted_km(f.loc[est.frame.index], est.weights["Matched"])}
    figs.append(efp.weighted_km_figure(curves, horizon=50))
    for fig in figs:
        assert fig.axes[0].get_xlabel()
        plt.close(fig)


# --------------------------------------------------------------------------------------------
# The simulation study, fast
# --------------------------------------------------------------------------------------------


def test_simulation_study_fast_version() -> None:
    path = ROOT / "studies" / "effects_simulation.py"
    spec = importlib.util.spec_from_file_location("effects_simulation", path)
    sim = importlib.util.module_from_spec(spec)
    sys.modules["effects_simulation"] = sim
    spec.loader.exec_module(sim)
    runs = sim.simulate(reps=3, n=4000, bootstrap=20, sets=("confounders",), progress=False)
    summary = sim.summarise(runs).set_index("method")
    assert summary["reps"].eq(3).all()
    # the naive difference shows its confounding bias: it has the wrong sign
    assert summary.loc["Unadjusted", "bias_pp"] > 10
    for m in ("Matching", "IPW (ATT)", "Doubly robust AIPW (ATT)"):
        assert abs(summary.loc[m, "bias_pp"]) < summary.loc["Unadjusted", "bias_pp"] / 2, m
    text = sim.markdown(sim.summarise(runs), 3, 4000, 20, 1.0)
    assert "| Doubly robust AIPW (ATT) | ATT |" in text


def test_balance_title_names_covariates_left_imbalanced() -> None:
    from analysis.presentation.effects_plots import balance_title

    balance = pd.DataFrame({
        "covariate": ["age", "sex", "age", "sex", "age", "sex"],
        "sample": ["Unadjusted"] * 2 + ["Matched"] * 2 + ["IPW (ATT)"] * 2,
        "abs_smd": [0.5, 0.3, 0.15, 0.05, 0.02, 0.01],
    })
    title = balance_title(balance, 0.1)
    assert "Matched: Age" in title and "IPW (ATT): none" in title and "Unadjusted" not in title


# --------------------------------------------------------------------------------------------
# The ATE's overlap region, outcome kinds and the cost outcome
# --------------------------------------------------------------------------------------------


def _targeted(n: int = 4000, seed: int = 5) -> pd.DataFrame:
    """A targeted intervention: people without the need are almost never treated."""
    rng = np.random.default_rng(seed)
    need = rng.random(n) < 0.4
    x = rng.normal(size=n)
    t = rng.random(n) < expit(-5 + 4 * need + 0.5 * x)
    y = rng.random(n) < expit(-1 + 0.8 * need + 0.3 * x - 0.5 * t)
    return pd.DataFrame({"need": need.astype(float), "x": x, "treated": t.astype(int),
                         "reoffended": y.astype(int)})


def test_ate_row_is_restricted_to_the_overlap_region_and_says_so() -> None:
    f = _targeted()
    est = ef.binary_estimates(f, "reoffended", ["need", "x"], bootstrap=0, progress=False)
    a = est.ate_alpha
    score = est.propensity.score
    assert a == pytest.approx(crump_alpha(score))
    w = est.weights["IPW (ATE)"]
    inside = (score >= a) & (score <= 1 - a)
    assert (w[~inside] == 0).all() and (w[inside] > 0).all()
    row = est.table.set_index("method").loc["IPW (ATE)"]
    assert f"scores {a:.3f} to {1 - a:.3f}" in row["estimand"]
    assert row["n_treated"] + row["n_comparison"] == int(inside.sum())
    # a fixed limit, and everyone
    fixed = ef.binary_estimates(f, "reoffended", ["need", "x"], bootstrap=0, progress=False,
                                ate_overlap=0.1)
    assert fixed.ate_alpha == 0.1
    everyone = ef.binary_estimates(f, "reoffended", ["need", "x"], bootstrap=0, progress=False,
                                   ate_overlap=None)
    assert (everyone.weights["IPW (ATE)"] > 0).all()
    assert everyone.table.set_index("method").loc["IPW (ATE)", "estimand"] == "ATE"


@pytest.mark.parametrize(("name", "values", "kind"), [
    ("time", [3.0, 5.5], "time"),
    ("reoffended", [0, 1, 1], "binary"),
    ("reoffences", [0, 2, 7], "count"),
    ("score", [0.5, 1.25], "amount"),
    ("reoffence_cost_gbp", [0.0, 1.0], "amount"),
])
def test_outcome_kind(name: str, values: list[float], kind: str) -> None:
    assert ef.outcome_kind(name, pd.Series(values + [np.nan])) == kind


def test_adjusted_contrasts_is_weighted_contrast_per_method() -> None:
    f = _targeted(600, 2)
    w = pd.Series(np.linspace(0.5, 2, len(f)), index=f.index)
    cl = pd.Series(np.arange(len(f)) // 3, index=f.index)
    table = ef.adjusted_contrasts(f, "reoffended", {"A": None, "B": w}, {"B": cl},
                                  ("difference", "ratio"))
    assert table[["method", "scale"]].values.tolist() == [
        ["A", "difference"], ["A", "ratio"], ["B", "difference"], ["B", "ratio"]]
    b = table.iloc[3]
    ref = ef.weighted_contrast(f["reoffended"], f["treated"], w, cl, "ratio")
    assert b["estimate"] == ref["estimate"] and b["se"] == ref["se"]
    assert (table["outcome"] == "reoffended").all()


def test_ate_overlap_limit_is_checked_and_an_empty_group_is_named() -> None:
    f = _targeted()
    with pytest.raises(ValueError, match="ate_overlap"):
        ef.binary_estimates(f, "reoffended", ["need", "x"], bootstrap=0, progress=False,
                            ate_overlap=0.7)
    # a region that keeps no comparison person: scores of at least 0.45 are almost all treated
    est = ef.binary_estimates(f, "reoffended", ["need", "x"], bootstrap=0, progress=False,
                              ate_overlap=0.499)
    row = est.table.set_index("method").loc["IPW (ATE)"]
    assert "not estimable" in row["estimand"] and np.isnan(row["estimate"])
    assert (est.weights["IPW (ATE)"] == 0).all()


def test_att_weights_and_clusters_name_the_matched_and_weighted_samples() -> None:
    est = ef.binary_estimates(_targeted(), "reoffended", ["need", "x"], bootstrap=0,
                              progress=False)
    assert est.att_weights["Matching"] is est.weights["Matched"]
    assert est.att_weights["IPW (ATT)"] is est.weights["IPW (ATT)"]
    assert est.att_clusters["Matching"] is est.clusters is not None
    assert est.att_clusters["IPW (ATT)"] is None


# --------------------------------------------------------------------------------------------
# The analysis sample and the tables the notebook builds from the estimators
# --------------------------------------------------------------------------------------------


def _cohort_frame() -> pd.DataFrame:
    """Ten people by hand: two lack a covariate or outcome; ``empty`` has no values."""
    return pd.DataFrame({
        "treated": [1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
        "area": ["a", "b", "b", "b", "a", "a", "b", "b", None, "b"],
        "age": [20, 30, 40, 50, 60, 25, 35, 45, 55, 65],
        "reoffended": [1, 0, 1, 0, 1, 0, 0, 1, 0, np.nan],
        "reoffences": [2, 0, 1, 0, 3, 0, 0, 4, 0, 1],
        "reoffence_cost_gbp": [10.5, 0, 3, 0, 8, 0, 0, 12, 0, 2],
        "time": [10.0, 365, 20, 365, 30, 365, 365, 40, 365, 50],
        "event": [1, 0, 1, 0, 1, 0, 0, 1, 0, 1],
        "empty": [np.nan] * 10,
    })


def test_prepare_sample_keeps_complete_cases_and_names_outcomes_by_kind() -> None:
    f = _cohort_frame()
    s = ef.prepare_sample(f, ["area", "age"], ["time", "empty", "reoffended", "missing",
                                               "reoffences", "reoffence_cost_gbp"],
                          min_per_group=3)
    assert s.outcomes == ["time", "reoffended", "reoffences", "reoffence_cost_gbp"]
    assert s.kinds == {"time": "time", "reoffended": "binary", "reoffences": "count",
                       "reoffence_cost_gbp": "amount"}
    assert (s.binary, s.count, s.amount, s.has_time) == ("reoffended", "reoffences",
                                                         "reoffence_cost_gbp", True)
    # person 9 lacks area and person 10 lacks the binary outcome
    assert s.dropped == 2 and len(s.frame) == 8
    assert (s.n_treated, s.n_comparison) == (5, 3)
    assert s.references == {"area": "b"}          # 5 of the 8 kept are in area b
    without_time = ef.prepare_sample(f, ["age"], ["reoffences", "reoffended"], min_per_group=4)
    assert not without_time.has_time and without_time.binary == "reoffended"
    assert without_time.dropped == 1 and without_time.first("amount") is None


def test_prepare_sample_says_why_the_effects_cannot_be_estimated() -> None:
    f = _cohort_frame()
    with pytest.raises(NotEstimable) as few:
        ef.prepare_sample(f, ["area", "age"], ["reoffended"])
    assert few.value.statement == (
        "The intervention's effects could not be estimated: too few treated people with "
        "every covariate and outcome recorded (5; at least 10 are needed).")
    with pytest.raises(NotEstimable, match=r"too few comparison people .* \(<5; at least 4 are"):
        ef.prepare_sample(f, ["area", "age"], ["reoffended"], min_per_group=4)
    with pytest.raises(NotEstimable, match=r"no 0/1 outcome among effects.outcomes \(reoffences\)"):
        ef.prepare_sample(f, ["age"], ["reoffences"], min_per_group=1)
    with pytest.raises(NotEstimable, match="empty is blank for everyone"):
        ef.prepare_sample(f, ["age", "empty"], ["reoffended"], min_per_group=1)
    with pytest.raises(NotEstimable, match="could not be estimated: nobody reoffended"):
        ef.prepare_sample(f.assign(reoffended=0), ["age"], ["reoffended"], min_per_group=1)


def test_unadjusted_contrasts_give_counts_a_ratio_and_skip_time() -> None:
    f = _cohort_frame().dropna(subset=["reoffended"])
    kinds = {"time": "time", "reoffended": "binary", "reoffences": "count"}
    table = ef.unadjusted_contrasts(f, kinds)
    assert table[["outcome", "scale"]].values.tolist() == [
        ["reoffended", "difference"], ["reoffences", "difference"], ["reoffences", "ratio"]]
    assert (table["method"] == "Unadjusted").all()
    # treated 3/5 reoffended, comparison 1/4; treated 6/5 reoffences, comparison 4/4
    assert table["estimate"].tolist() == pytest.approx([3 / 5 - 1 / 4, 6 / 5 - 1, 6 / 5])
    ref = ef.weighted_contrast(f["reoffences"], f["treated"], scale="ratio")
    assert table.iloc[2]["se"] == ref["se"]


def test_overdispersion_table_lists_both_tests() -> None:
    tests = {"cameron_trivedi": {"alpha": 0.4, "t": 3.1, "p_value": 0.001, "dispersion": 2.0},
             "lr_alpha": {"statistic": 12.5, "p_value": 0.0002}, "preferred": "negative binomial"}
    table = ef.overdispersion_table(tests)
    assert table["test"].tolist() == ["Cameron-Trivedi regression (alpha > 0)",
                                      "likelihood ratio, alpha = 0 (boundary)"]
    assert table["statistic"].tolist() == [3.1, 12.5]
    assert table["p_value"].tolist() == [0.001, 0.0002]
    assert table["estimate"].iloc[0] == 0.4 and np.isnan(table["estimate"].iloc[1])


def test_estimates_by_method_keeps_each_estimate_and_interval() -> None:
    table = pd.DataFrame({"method": ["Unadjusted", "IPW (ATT)"], "estimate": [0.1, -0.05],
                          "ci_low": [0.0, -0.09], "ci_high": [0.2, -0.01], "se": [0.05, 0.02]})
    assert ef.estimates_by_method(table) == {
        "Unadjusted": {"estimate": 0.1, "ci": [0.0, 0.2]},
        "IPW (ATT)": {"estimate": -0.05, "ci": [-0.09, -0.01]}}


def test_weighted_survival_tables_repeat_the_single_sample_fits(rossi: pd.DataFrame) -> None:
    est = ef.binary_estimates(rossi, "reoffended", ROSSI_COVARIATES, bootstrap=0,
                              progress=False)
    curves = ef.weighted_km_curves(est.frame, est.att_weights)
    assert list(curves) == ["Matching", "IPW (ATT)"]
    pd.testing.assert_frame_equal(curves["IPW (ATT)"],
                                  ef.weighted_km(est.frame, est.att_weights["IPW (ATT)"]))
    table = ef.weighted_cox_table(est.frame, est.att_weights, est.att_clusters)
    assert table["method"].tolist() == ["Matching", "IPW (ATT)"]
    matched = ef.weighted_cox(est.frame, est.att_weights["Matching"],
                              cluster=est.clusters).summary.iloc[0]
    row = table.iloc[0]
    assert row["hazard_ratio"] == matched["hazard_ratio"] and row["se"] == matched["se"]
    assert (row["ci_low"], row["ci_high"]) == (matched["hr_ci_low"], matched["hr_ci_high"])
    assert row["se_type"] == matched["se_type"]
    # without the matched sets the matching row's SE is the person-level robust one
    unclustered = ef.weighted_cox_table(est.frame, est.att_weights)
    assert unclustered["se"].iloc[0] != row["se"]
    assert unclustered["se"].iloc[1] == table["se"].iloc[1]


def test_evalue_table_adds_the_hazard_ratio_when_there_is_one() -> None:
    dr = ef.AIPWResult("ATT", 0.24, 0.30, -0.06, 0.02, -0.1, -0.02, 0.8, 0.6, 0.95, 0.003,
                       400, 100)
    only = ef.evalue_table(dr)
    assert only["measure"].tolist() == ["risk ratio (doubly robust)"]
    assert only["evalue"].iloc[0] == pytest.approx(1.25 + np.sqrt(1.25 * 0.25))
    hr = pd.Series({"hazard_ratio": 0.7, "ci_low": 0.5, "ci_high": 0.98})
    both = ef.evalue_table(dr, hr, common=True)
    assert both["measure"].tolist() == ["risk ratio (doubly robust)", "hazard ratio (IPW ATT)"]
    assert both.iloc[1]["rr"] == pytest.approx((1 - 0.5 ** np.sqrt(0.7))
                                               / (1 - 0.5 ** np.sqrt(1 / 0.7)))
    assert ef.evalue_table(dr, hr, common=False).iloc[1]["rr"] == 0.7
    assert both.iloc[1]["estimate"] == 0.7 and both.iloc[1]["ci_high"] == 0.98


def test_imbalance_flags_name_the_flagged_covariates_of_each_sample() -> None:
    balance = pd.DataFrame({"covariate": ["age", "sex"] * 3,
                            "sample": ["Unadjusted"] * 2 + ["Matched"] * 2 + ["IPW (ATT)"] * 2,
                            "imbalanced": [True, True, True, False, False, False]})
    assert ef.imbalance_flags(balance, ["IPW (ATT)", "Matched"]) == {"IPW (ATT)": [],
                                                                     "Matched": ["age"]}


def test_subgroup_tables_repeat_subgroup_effects_with_holm_across_all() -> None:
    rng = np.random.default_rng(3)
    n = 1500
    f = pd.DataFrame({"treated": rng.binomial(1, 0.4, n), "sex": rng.choice(["f", "m"], n),
                      "band": rng.choice(["a", "b", "c"], n), "one": "x"})
    f["y"] = rng.binomial(1, 0.3 + 0.1 * f["treated"] * (f["sex"] == "m"))
    f["k"] = rng.poisson(1 + f["treated"])
    w = pd.Series(rng.uniform(0.5, 2, n), index=f.index)
    effects, tests = ef.subgroup_tables(f, ["y", None, "k"], ["sex", "one", "absent", "band"], w)
    assert tests[["outcome", "subgroup"]].values.tolist() == [
        ["y", "sex"], ["y", "band"], ["k", "sex"], ["k", "band"]]
    table, test = ef.subgroup_effects(f, "k", "band", w)
    pd.testing.assert_frame_equal(
        effects[(effects["outcome"] == "k") & (effects["subgroup"] == "band")]
        .drop(columns="outcome").reset_index(drop=True), table)
    assert tests.iloc[3]["statistic"] == test["statistic"]
    np.testing.assert_allclose(tests["p_holm"], ef.holm(tests["p_value"]))
    assert (tests["p_holm"] >= tests["p_value"]).all()
    empty, none = ef.subgroup_tables(f, ["y"], ["one"], w)
    assert empty.empty and none.empty
    assert list(none.columns) == ["outcome", "subgroup", "statistic", "df", "p_value", "p_holm"]


# --------------------------------------------------------------------------------------------
# Words and display tables (analysis.presentation.effects_text)
# --------------------------------------------------------------------------------------------


def test_effects_text_lines_by_hand() -> None:
    from analysis.presentation import effects_text as eft

    contrasts = pd.DataFrame({"method": ["Matching", "Matching"], "scale": ["difference", "ratio"],
                              "outcome": ["k", "k"], "mean_treated": [1.2, 1.2],
                              "mean_comparison": [1.0, 1.0], "estimate": [0.2, 1.2],
                              "ci_low": [-0.05, 0.9512], "ci_high": [0.45, 1.5],
                              "p_value": [0.1, 0.1]})
    assert eft.contrast_lines(contrasts).split("\n") == [
        "k (difference): treated 1.200, comparison 1.000, difference 0.200 "
        "(95% CI -0.050 to 0.450)",
        "k (ratio): treated 1.200, comparison 1.000, ratio 1.200 (95% CI 0.951 to 1.500)"]
    assert eft.rate_ratio_lines(contrasts) == "Matching: rate ratio 1.200 (95% CI 0.951 to 1.500)"
    logit = pd.DataFrame({"measure": ["odds ratio"], "estimate": [0.81234], "ci_low": [0.7],
                          "ci_high": [0.9], "p_value": [0.00123]})
    counts = pd.DataFrame({"model": ["Poisson"], "rate_ratio": [0.9], "rr_ci_low": [0.8],
                           "rr_ci_high": [1.01]})
    assert eft.regression_lines(logit) == \
        "odds ratio: 0.8123 (95% CI 0.7000 to 0.9000), p = 0.0012"
    assert eft.regression_lines(logit, counts, {"preferred": "Poisson"}).split("\n")[1:] == [
        "Poisson: rate ratio 0.900 (95% CI 0.800 to 1.010)", "preferred: Poisson"]
    attrition = pd.DataFrame({"step": ["Matched"], "treated": [90], "comparison": ["suppressed"]})
    assert eft.attrition_lines(attrition) == "Matched: 90 treated, suppressed comparison"
    estimates = pd.DataFrame({"method": ["IPW (ATT)"], "estimate": [-0.0512],
                              "ci_low": [-0.1], "ci_high": [0.003]})
    assert eft.estimate_lines(estimates) == "IPW (ATT): -5.12 points (95% CI -10.00 to +0.30)"
    cost = contrasts.iloc[:1].assign(mean_treated=1234.4, mean_comparison=1500.0,
                                     estimate=-265.6, ci_low=-600.0, ci_high=68.9)
    assert eft.cost_lines(cost) == ("Matching: £1,234 treated, £1,500 comparison per person; "
                                    "difference -£266 (95% CI -£600 to £69)")
    cox = pd.DataFrame({"method": ["Matching"], "hazard_ratio": [0.8], "ci_low": [0.64],
                        "ci_high": [1.0]})
    assert eft.hazard_ratio_lines(cox) == "Matching: HR 0.800 (95% CI 0.640 to 1.000)"
    evalues = pd.DataFrame({"measure": ["risk ratio"], "estimate": [0.8], "evalue": [1.809],
                            "evalue_ci": [1.0]})
    assert eft.evalue_lines(evalues) == "risk ratio: 0.800, E-value 1.81 (CI limit 1.00)"
    tests = pd.DataFrame({"outcome": ["y", "y"], "subgroup": ["sex", "band"],
                          "p_value": [0.0123, np.nan], "p_holm": [0.0246, np.nan]})
    assert eft.interaction_lines(tests).split("\n") == [
        "y by sex: interaction p = 0.012, Holm p = 0.025",
        "y by band: not tested (fewer than two levels with 10 people in each group)"]


def test_effects_text_balance_words_and_tables() -> None:
    from analysis.presentation import effects_text as eft

    balance = pd.DataFrame({"covariate": ["age", "sex"] * 2,
                            "sample": ["Unadjusted"] * 2 + ["IPW (ATT)"] * 2,
                            "smd": [0.5, -0.3, 0.05, 0.12], "abs_smd": [0.5, 0.3, 0.05, 0.12],
                            "imbalanced": [True, True, False, True]})
    assert eft.balance_lines(balance).split("\n") == [
        "Unadjusted: largest |SMD| 0.500; imbalanced: age, sex",
        "IPW (ATT): largest |SMD| 0.120; imbalanced: sex"]
    assert eft.balance_lines(balance, ["IPW (ATT)"]) == \
        "IPW (ATT): largest |SMD| 0.120; imbalanced: sex"
    wide = eft.smd_by_sample(balance)
    assert list(wide.columns) == ["Unadjusted", "IPW (ATT)"]
    assert wide.loc["sex", "IPW (ATT)"] == 0.12 and wide.loc["age", "Unadjusted"] == 0.5
    text = eft.imbalance_text({"Matched": ["age", "sex"], "IPW (ATT)": []}, 0.1)
    assert text == ("**Matched:** still imbalanced (|SMD| > 0.1): age, sex.\n\n"
                    "**IPW (ATT):** every covariate within |SMD| 0.1.")


def test_risk_difference_shown_is_in_percentage_points_under_the_small_count_rule() -> None:
    from analysis.presentation import effects_text as eft

    sample = pd.DataFrame({"treated": [1] * 20 + [0] * 20,
                           "y": [1] * 10 + [0] * 10 + [1] * 6 + [0] * 14})
    table = pd.DataFrame({"method": ["Unadjusted"], "mean_treated": [0.5],
                          "mean_comparison": [0.3], "estimate": [0.2], "se": [0.15123],
                          "ci_low": [-0.1], "ci_high": [0.5], "n_treated": [20]})
    shown = eft.risk_difference_shown(table, sample, "y")
    assert list(shown.columns) == ["method", "treated_pct", "comparison_pct", "difference_pp",
                                   "se_pp", "ci_low_pp", "ci_high_pp", "n_treated"]
    assert shown.iloc[0][["treated_pct", "comparison_pct", "difference_pp", "se_pp"]].tolist() \
        == [50.0, 30.0, 20.0, 15.12]
    assert shown["n_treated"].iloc[0] == 20
    # 3 comparison reoffenders: a small count, so both group means are suppressed
    small = sample.assign(y=[1] * 10 + [0] * 10 + [1] * 3 + [0] * 17)
    hidden = eft.risk_difference_shown(table, small, "y")
    assert hidden.iloc[0]["treated_pct"] == "suppressed"
    assert hidden.iloc[0]["difference_pp"] == 20.0
