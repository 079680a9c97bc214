"""Tests of the propensity-score model, overlap diagnostics and common support
(:mod:`analysis.models.effects.propensity`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.models.effects import propensity as pps

ROSSI_COVARIATES = ["age", "race", "wexp", "mar", "paro", "prio"]


@pytest.fixture(scope="module")
def rossi(request) -> pd.DataFrame:
    return pd.read_csv(request.config.rootpath / "data/public/rossi.csv").rename(
        columns={"fin": "treated"})


def test_logit() -> None:
    np.testing.assert_allclose(pps.logit(np.array([0.5, 0.8])), [0.0, np.log(4)])
    assert np.isfinite(pps.logit(np.array([0.0, 1.0]))).all()


def test_fit_logistic_agrees_with_statsmodels(rossi: pd.DataFrame) -> None:
    X = sm.add_constant(rossi[ROSSI_COVARIATES].astype(float))
    ref = sm.Logit(rossi["arrest"], X).fit(disp=0).params.to_numpy()
    np.testing.assert_allclose(pps.fit_logistic(X.to_numpy(), rossi["arrest"].to_numpy()), ref,
                               rtol=1e-8)
    # frequency weights equal duplicated rows
    w = np.where(np.arange(len(X)) % 3 == 0, 2.0, 1.0)
    dup = np.repeat(np.arange(len(X)), w.astype(int))
    ref_w = sm.Logit(rossi["arrest"].to_numpy()[dup], X.to_numpy()[dup]).fit(disp=0).params
    np.testing.assert_allclose(pps.fit_logistic(X.to_numpy(), rossi["arrest"].to_numpy(), w),
                               ref_w, rtol=1e-8)


def test_fit_propensity_on_randomised_rossi(rossi: pd.DataFrame) -> None:
    ps = pps.fit_propensity(rossi, ROSSI_COVARIATES)
    X = sm.add_constant(rossi[ROSSI_COVARIATES].astype(float))
    ref = sm.Logit(rossi["treated"], X).fit(disp=0)
    np.testing.assert_allclose(ps.score, ref.predict(X), rtol=1e-8)
    np.testing.assert_allclose(ps.logit, np.log(ps.score / (1 - ps.score)))
    # randomised: the covariates barely predict treatment
    assert 0.5 < ps.c_statistic < 0.6
    assert list(ps.coefficients.columns) == ["covariate", "coef", "se", "odds_ratio", "p_value"]


def test_text_covariates_are_dummy_coded_against_the_most_common_level() -> None:
    rng = np.random.default_rng(3)
    f = pd.DataFrame({"area": rng.choice(["Poole", "Dorset", "Dorset"], 300),
                      "age": rng.normal(30, 5, 300)})
    f["treated"] = (rng.random(300) < 0.3).astype(int)
    ps = pps.fit_propensity(f, ["area", "age"])
    assert ps.references == {"area": "Dorset"}
    assert list(ps.design.columns) == ["area[Poole]", "age"]


def test_c_statistic_by_hand() -> None:
    # treated 0.35 and 0.8 against comparison 0.1 and 0.4: 3 of 4 pairs ordered -> 0.75;
    # a tie counts one half
    assert pps.c_statistic(np.array([0.1, 0.4, 0.35, 0.8]), np.array([0, 0, 1, 1])) == 0.75
    assert pps.c_statistic(np.array([0.1, 0.4, 0.4, 0.8]), np.array([0, 0, 1, 1])) == 0.875


def test_common_support_rules_by_hand() -> None:
    score = pd.Series([0.2, 0.5, 0.9, 0.05, 0.3, 0.6, 0.95])
    treated = pd.Series([1, 1, 1, 0, 0, 0, 0])
    # min-max: [max(0.2, 0.05), min(0.9, 0.95)] = [0.2, 0.9]
    assert pps.common_support(score, treated, "minmax").tolist() == [
        True, True, True, False, True, True, False]
    # Crump: [0.1, 0.9]
    assert pps.common_support(score, treated, "crump").tolist() == [
        True, True, True, False, True, True, False]
    assert pps.common_support(score, treated, "none").all()
    with pytest.raises(ValueError):
        pps.common_support(score, treated, "other")
    for rule in pps.SUPPORT_RULES:
        assert pps.support_rule_text(rule)


def test_overlap_table() -> None:
    score = pd.Series([0.2, 0.4, 0.1, 0.3])
    treated = pd.Series([1, 1, 0, 0])
    t = pps.overlap_table(score, treated, {0: "No", 1: "Yes"})
    assert t["group"].tolist() == ["Yes", "No"]
    assert t["mean"].tolist() == pytest.approx([0.3, 0.2])
    assert t["min"].tolist() == [0.2, 0.1] and t["max"].tolist() == [0.4, 0.3]


def test_crump_alpha_hand_computed() -> None:
    # g = 1 / (e (1 - e)) = 4, 4, 4 and 1 / 0.0099 = 101.01: max g > 2 mean g (56.5), so trim.
    # gamma solves gamma = 2 E[g | g <= gamma]: between 4 and 101 that mean is 4, so gamma = 8,
    # and a = 1/2 - sqrt(1/4 - 1/8).
    a = pps.crump_alpha(np.array([0.5, 0.5, 0.5, 0.01]))
    assert a == pytest.approx(0.5 - np.sqrt(0.125), abs=1e-12)
    assert 0.01 < a < 0.5  # the 0.01 score is left out, the 0.5 scores kept


def test_crump_alpha_is_zero_when_no_one_needs_leaving_out() -> None:
    assert pps.crump_alpha(np.array([0.3, 0.5, 0.6, 0.7])) == 0.0  # max g 4.8 <= 2 mean g


def test_crump_alpha_solves_its_defining_equation() -> None:
    rng = np.random.default_rng(3)
    e = 1 / (1 + np.exp(-rng.normal(-2.5, 1.5, 5000)))
    a = pps.crump_alpha(e)
    gamma = 1 / (a * (1 - a))
    g = 1 / (e * (1 - e))
    assert gamma == pytest.approx(2 * g[g <= gamma].mean(), rel=1e-10)
    assert 0 < a < 0.5


def test_crump_alpha_refuses_missing_scores() -> None:
    with pytest.raises(ValueError, match="none missing"):
        pps.crump_alpha(np.array([0.5, np.nan, 0.01]))
