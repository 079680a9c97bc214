"""Tests of the intervention-effect estimators (:mod:`analysis.models.effects`).

References: statsmodels fits of the same models, hand-computed numbers in the comments,
VanderWeele and Ding's (2017) published E-values, simulations with planted effects, the
randomised Rossi experiment (adjusted, matched and weighted estimates must agree with the
unadjusted difference within sampling error) and a fast run of the simulation study
``validation/effects_simulation.py``.
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
    path = ROOT / "validation" / "effects_simulation.py"
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
    assert "Matched: age" in title and "IPW (ATT): none" in title and "Unadjusted" not in title


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
