"""Tests of inverse probability weighting (:mod:`analysis.models.effects.weighting`) and the balance helpers
(:mod:`analysis.measures.balance`) on hand-computed examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.measures import balance as bal
from analysis.models.effects import weighted_contrast
from analysis.models.effects import weighting as wt

# Five people: scores e and treatment T; P(T = 1) = 2 / 5 = 0.4.
E = pd.Series([0.5, 0.8, 0.2, 0.5, 0.25])
T = pd.Series([1, 1, 0, 0, 0])


def test_ate_weights_by_hand() -> None:
    # T / e + (1 - T) / (1 - e) = 1/0.5, 1/0.8, 1/0.8, 1/0.5, 1/0.75
    w = wt.ipw_weights(E, T, "ATE", stabilised=False)
    np.testing.assert_allclose(w, [2.0, 1.25, 1.25, 2.0, 4 / 3])
    # stabilised: treated x 0.4, comparison x 0.6
    w = wt.ipw_weights(E, T, "ATE", stabilised=True)
    np.testing.assert_allclose(w, [0.8, 0.5, 0.75, 1.2, 0.8])
    assert w.name == "ipw_ate"


def test_att_weights_by_hand() -> None:
    # treated 1; comparison e / (1 - e) = 0.25, 1, 1/3
    w = wt.ipw_weights(E, T, "ATT", stabilised=False)
    np.testing.assert_allclose(w, [1, 1, 0.25, 1.0, 1 / 3])
    # stabilised: comparison x (1 - P) / P = 1.5
    w = wt.ipw_weights(E, T, "ATT", stabilised=True)
    np.testing.assert_allclose(w, [1, 1, 0.375, 1.5, 0.5])


def test_stabilising_leaves_the_estimate_unchanged() -> None:
    y = pd.Series([1, 0, 1, 0, 1])
    for est in ("ATT", "ATE"):
        a = weighted_contrast(y, T, wt.ipw_weights(E, T, est, stabilised=False))
        b = weighted_contrast(y, T, wt.ipw_weights(E, T, est, stabilised=True))
        assert a["estimate"] == pytest.approx(b["estimate"])
    # ATT by hand: treated mean (1 + 0) / 2 = 0.5; comparison (0.25*1 + 1*0 + (1/3)*1) /
    # (0.25 + 1 + 1/3) = (7/12) / (19/12) = 7/19
    r = weighted_contrast(y, T, wt.ipw_weights(E, T, "ATT"))
    assert r["mean_comparison"] == pytest.approx(7 / 19)
    assert r["estimate"] == pytest.approx(0.5 - 7 / 19)


def test_trimming_truncates_only_the_varying_weights() -> None:
    e = pd.Series(np.linspace(0.05, 0.95, 19))
    t = pd.Series([1] * 5 + [0] * 14)
    raw = wt.ipw_weights(e, t, "ATT", stabilised=False)
    trimmed = wt.ipw_weights(e, t, "ATT", stabilised=False, trim_quantile=0.1)
    lo, hi = np.quantile(raw[t == 0], [0.1, 0.9])
    np.testing.assert_allclose(trimmed[t == 0], np.clip(raw[t == 0], lo, hi))
    assert (trimmed[t == 1] == 1).all()
    ate = wt.ipw_weights(e, t, "ATE", trim_quantile=0.1)
    raw_ate = wt.ipw_weights(e, t, "ATE")
    assert ate.max() == pytest.approx(np.quantile(raw_ate, 0.9))
    with pytest.raises(ValueError):
        wt.ipw_weights(e, t, "ATT", trim_quantile=0.6)


def test_bad_scores_and_estimand_are_rejected() -> None:
    with pytest.raises(ValueError):
        wt.ipw_weights(pd.Series([0.0, 0.5]), pd.Series([1, 0]))
    with pytest.raises(ValueError):
        wt.ipw_weights(E, T, "ATC")


def test_effective_sample_size() -> None:
    assert wt.effective_sample_size([1, 1, 1, 1]) == 4
    # (1 + 2)^2 / (1 + 4) = 9 / 5
    assert wt.effective_sample_size([1, 2]) == pytest.approx(1.8)
    s = wt.weight_summary({"ATT": wt.ipw_weights(E, T, "ATT")}, T)
    comp = s[s["group"] == "Comparison"].iloc[0]
    # comparison weights 0.375, 1.5, 0.5: (2.375)^2 / (0.140625 + 2.25 + 0.25) = 2.136095
    assert comp["effective_n"] == pytest.approx(2.375**2 / 2.640625)
    assert comp["n"] == 3 and comp["sum"] == pytest.approx(2.375)


def test_smd_and_variance_ratio_by_hand() -> None:
    x = pd.Series([1.0, 2.0, 3.0, 4.0])
    t = pd.Series([1, 1, 0, 0])
    # means 1.5 and 3.5, variances 0.5 and 0.5: SMD = -2 / sqrt(0.5) = -2.828427
    assert bal.smd(x, t) == pytest.approx(-2 / np.sqrt(0.5))
    assert bal.variance_ratio(x, t) == pytest.approx(1.0)
    # weights 1, 3 on the treated: mean 1.75, reliability-weighted variance
    # (1 * 0.75^2 + 3 * 0.25^2) / (4 - 10 / 4) = 0.75 / 1.5 = 0.5
    w = pd.Series([1.0, 3.0, 1.0, 1.0])
    assert bal.smd(x, t, w) == pytest.approx(-1.75 / np.sqrt(0.5))
    y = pd.Series([1.0, 3.0, 3.0, 4.0])   # treated variance 2, comparison 0.5
    assert bal.variance_ratio(y, t) == pytest.approx(4.0)


def test_balance_table_flags_imbalance() -> None:
    design = pd.DataFrame({"age": [20.0, 30.0, 40.0, 50.0], "male": [1.0, 1.0, 0.0, 1.0]})
    t = pd.Series([1, 1, 0, 0])
    w = pd.Series([1.0, 1.0, 1.0, 0.0])
    table = bal.balance_table(design, t, {"Unadjusted": None, "Weighted": w}, threshold=0.1)
    assert list(table.columns) == ["covariate", "sample", "mean_treated", "mean_comparison",
                                   "smd", "abs_smd", "variance_ratio", "imbalanced"]
    assert len(table) == 4
    row = table[(table["covariate"] == "male") & (table["sample"] == "Unadjusted")].iloc[0]
    assert np.isnan(row["variance_ratio"])   # binary covariate
    assert row["mean_treated"] == 1 and row["mean_comparison"] == 0.5
    assert bal.imbalanced(table, "Unadjusted") == ["age", "male"]
