"""Missing data: the data-quality tables, Rubin's rules, chained-equation imputation and the
imputed logistic and Cox estimates, with a tiny run of the simulation study."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.estimable import NotEstimable
from analysis.measures import missingness as miss
from analysis.models.effects.imputed import complete_and_imputed, imputed_logistic
from analysis.models.effects.outcome_models import logistic_adjusted
from analysis.models.imputation import imputed_frames, rubin
from analysis.models.survival.imputed import cox_complete_and_imputed, imputed_cox
from analysis.params import load_params
from analysis.presentation.missing_data_text import imputation_sentence

ROOT = Path(__file__).resolve().parents[1]


def _study():
    spec = importlib.util.spec_from_file_location(
        "missing_data_simulation", ROOT / "studies" / "missing_data_simulation.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["missing_data_simulation"] = module
    spec.loader.exec_module(module)
    return module


def test_rubin_matches_a_hand_computed_case() -> None:
    # Q = 1, 2, 3, U = 0.5 each: mean 2, W 0.5, B 1, T = 0.5 + (4/3) 1 = 11/6,
    # r = (4/3) / 0.5 = 8/3, df = 2 (1 + 3/8)^2 = 3.78125
    p = rubin([1.0, 2.0, 3.0], [0.5, 0.5, 0.5])
    assert p.estimate == 2.0
    assert p.within == 0.5 and p.between == 1.0
    assert p.se == pytest.approx(math.sqrt(11 / 6), abs=1e-12)
    assert p.df == pytest.approx(3.78125, abs=1e-12)
    # qt(0.975, 3.78125) = 2.840953
    assert p.ci_low == pytest.approx(2 - 2.840953 * math.sqrt(11 / 6), abs=1e-5)
    assert p.ci_high == pytest.approx(2 + 2.840953 * math.sqrt(11 / 6), abs=1e-5)
    r = 8 / 3
    assert p.fmi == pytest.approx((r + 2 / (3.78125 + 3)) / (r + 1), abs=1e-12)


def test_rubin_with_identical_imputations_is_the_normal_interval() -> None:
    p = rubin([0.4, 0.4], [0.01, 0.01])
    assert p.df == math.inf and p.between == 0.0
    assert p.ci_high - p.estimate == pytest.approx(1.959964 * 0.1, abs=1e-6)


def test_rubin_needs_two_estimates() -> None:
    with pytest.raises(ValueError, match="at least two estimates"):
        rubin([1.0], [0.1])


def _frame(n: int = 300, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    z = rng.binomial(1, 0.5, n).astype(float)
    t = rng.binomial(1, 0.4, n)
    y = rng.binomial(1, 1 / (1 + np.exp(-(-0.5 - 0.5 * t + x + z))))
    time = rng.exponential(1 / np.exp(0.3 * x + 0.5 * z - 0.3 * t))
    f = pd.DataFrame({"x": x, "z": z, "treated": t, "y": y, "time": np.minimum(time, 2.0),
                      "event": (time <= 2.0).astype(int),
                      "area": rng.choice(["North", "South"], n), "group": np.where(t, "IOM", "Not")})
    f.loc[rng.random(n) < 0.25, "z"] = np.nan
    return f


def test_imputed_frames_fill_flags_with_observed_values_and_are_reproducible() -> None:
    f = _frame()
    a = imputed_frames(f, ["z"], ["treated", "y", "area"], m=3, seed=7, burn_in=2, between=1)
    b = imputed_frames(f, ["z"], ["treated", "y", "area"], m=3, seed=7, burn_in=2, between=1)
    assert len(a) == 3
    for fa, fb in zip(a, b, strict=True):
        assert fa["z"].notna().all() and set(fa["z"].unique()) <= {0.0, 1.0}
        pd.testing.assert_frame_equal(fa, fb)
        observed = f["z"].notna()
        assert (fa.loc[observed, "z"] == f.loc[observed, "z"]).all()
    assert not a[0]["z"].equals(a[1]["z"])


def test_imputation_refuses_a_text_covariate_with_missing_values() -> None:
    f = _frame()
    f.loc[0, "area"] = None
    with pytest.raises(NotEstimable, match="the text covariate 'area' has missing values"):
        imputed_frames(f, ["z", "area"], ["treated", "y"], m=2)


def test_imputed_logistic_pools_the_three_measures() -> None:
    f = _frame()
    mi = imputed_logistic(f, "y", ["x", "z"], m=3, seed=3)
    assert list(mi["measure"]) == ["odds ratio", "risk difference (ATT)", "risk difference (ATE)"]
    assert (mi["n"] == 300).all() and (mi["fmi"].between(0, 1)).all()
    cc = logistic_adjusted(f.dropna(subset=["z"]), "y", ["x", "z"])[0]
    both = complete_and_imputed(cc, mi, 3)
    assert list(both["method"][:2]) == ["Complete cases", "Multiple imputation (3 imputations)"]
    assert both["df"].isna().sum() == 3
    text = imputation_sentence(both, "measure", "odds ratio", "The odds ratio")
    assert text.startswith("The odds ratio: ")
    assert f"on complete cases ({len(f.dropna(subset=['z'])):,} people)" in text
    assert "with multiple imputation (3 imputations, 300 people; fraction of missing" in text


def test_imputed_cox_pools_every_coefficient() -> None:
    f = _frame()
    mi = imputed_cox(f, ["treated", "x", "z"], m=3, seed=3)
    assert list(mi["covariate"]) == ["treated", "x", "z"]
    assert mi["fmi"].iloc[2] > mi["fmi"].iloc[1]  # z, the imputed one, loses most information
    from analysis.models.survival.cox import fit_cox
    cc = fit_cox(f.dropna(subset=["z"]), covariates=["treated", "x", "z"])
    both = cox_complete_and_imputed(cc.summary, cc.n, mi, 3)
    assert list(both["covariate"]) == ["treated", "treated", "x", "x", "z", "z"]
    assert both.loc[0, "n"] == cc.n and both.loc[1, "n"] == 300


def test_missingness_and_samples_by_group() -> None:
    f = _frame(40, seed=2)
    f.loc[:, "z"] = 1.0
    f.loc[f.index[:3], "z"] = np.nan
    table = miss.missingness_by_group(f, {"x": "covariate", "z": "covariate"})
    z = table[table["variable"] == "z"].set_index("group")
    assert z.loc["All", "not_recorded"] == 3 and z.loc["All", "people"] == 40
    published = miss.published_missingness(table, 5).set_index(["variable", "group"])
    assert published.loc[("z", "All"), "not_recorded"] == "<5"
    assert published.loc[("x", "All"), "not_recorded"] == 0
    samples = miss.analysis_samples(f, {"Cox model": ["treated", "x", "z"]})
    row = samples.set_index("group").loc["All"]
    assert (row["analysed"], row["excluded"]) == (37, 3)
    assert miss.published_samples(samples, 5).set_index("group").loc["All", "excluded"] == "<5"


def test_effects_columns_add_the_event_to_the_time() -> None:
    f = _frame(10)
    assert miss.effects_columns(f, ["x"], ["y", "time", "cost"]) == ["x", "y", "time", "event"]
    assert miss.variable_roles(["x"], ["x", "need_a"], ["y"]) == {
        "x": "covariate", "need_a": "need", "y": "outcome"}


def test_missing_parameter_defaults_to_complete_cases() -> None:
    p = load_params(ROOT / "params" / "default.yaml")
    assert p.models.missing == "complete_case" and p.models.imputations == 20


def test_tiny_simulation_runs_and_reports_each_model_and_method() -> None:
    study = _study()
    table = study.simulate(reps=1, n=300, m=2, seed=11)
    assert list(table["method"]) == ["complete cases", "multiple imputation"] * 2
    assert list(table["truth"].round(4)) == [-0.5108, -0.5108, -0.2877, -0.2877]
    assert (table["replications"] == 1).all()
