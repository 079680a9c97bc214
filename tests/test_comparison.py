"""Funnel limits and indirect standardisation against hand computations; the derived national table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.data.reference import seed_figure
from analysis.measures import national as cmp

Z975 = 1.959963984540054


# ----------------------------------------------------------------------------------------------
# Funnel limits
# ----------------------------------------------------------------------------------------------


def test_exact_binomial_limits_by_hand() -> None:
    """Binomial(10, 0.5), 95% limits, Spiegelhalter (2005) interpolation.

    CDF in 1024ths: F(1) = 11, F(2) = 56, F(7) = 968, F(8) = 1013; P(2) = P(8) = 45.
    Lower: r = 2 (F(2) >= 0.025 > F(1)), alpha = (56/1024 - 0.025) / (45/1024), limit (2 - alpha)/10.
    Upper: r = 8 (F(8) >= 0.975 > F(7)), alpha = (1013/1024 - 0.975) / (45/1024), limit (8 - alpha)/10.
    """
    lower = (2 - (56 / 1024 - 0.025) / (45 / 1024)) / 10
    upper = (8 - (1013 / 1024 - 0.975) / (45 / 1024)) / 10
    assert lower == pytest.approx(0.1324444, abs=1e-7)
    assert upper == pytest.approx(0.7675556, abs=1e-7)
    lim = cmp.funnel_limits(0.5, [10], levels=[0.95]).iloc[0]
    assert lim["lower"] == pytest.approx(lower, abs=1e-12)
    assert lim["upper"] == pytest.approx(upper, abs=1e-12)


def _poisson_cdf(r: int, mu: float) -> float:
    return sum(math.exp(-mu) * mu**k / math.factorial(k) for k in range(r + 1))


def test_exact_poisson_ratio_limits_by_hand() -> None:
    """O/E limits at E = 4 (target 1): Poisson(4) quantiles with the same interpolation."""
    upper_r = next(r for r in range(50) if _poisson_cdf(r, 4) >= 0.975)
    lower_r = next(r for r in range(50) if _poisson_cdf(r, 4) >= 0.025)
    assert (lower_r, upper_r) == (1, 8)

    def limit(r: int, p: float) -> float:
        f_r, f_prev = _poisson_cdf(r, 4), _poisson_cdf(r - 1, 4) if r else 0.0
        return (r - (f_r - p) / (f_r - f_prev)) / 4

    lim = cmp.funnel_limits(1.0, [4], levels=[0.95], distribution="poisson").iloc[0]
    assert lim["upper"] == pytest.approx(limit(upper_r, 0.975), abs=1e-12)
    assert lim["lower"] == pytest.approx(limit(lower_r, 0.025), abs=1e-12)
    assert lim["upper"] == pytest.approx(1.969461, abs=1e-6)


def test_normal_approximation_by_hand() -> None:
    # 25.5% national, 400 people: 0.255 +/- 1.96 sqrt(0.255 x 0.745 / 400) = 0.255 +/- 0.042714
    lim = cmp.funnel_limits(0.255, [400], levels=[0.95, 0.998], method="normal")
    half95 = Z975 * math.sqrt(0.255 * 0.745 / 400)
    half998 = 3.090232306167813 * math.sqrt(0.255 * 0.745 / 400)
    assert lim.loc[0, "lower"] == pytest.approx(0.255 - half95)
    assert lim.loc[0, "upper"] == pytest.approx(0.255 + half95)
    assert half95 == pytest.approx(0.042714, abs=1e-6)
    assert lim.loc[1, "upper"] == pytest.approx(0.255 + half998)
    pois = cmp.funnel_limits(1.0, [25], levels=[0.95], distribution="poisson", method="normal").iloc[0]
    assert pois["upper"] == pytest.approx(1 + Z975 / 5)


def test_exact_and_normal_agree_for_large_cohorts() -> None:
    exact = cmp.funnel_limits(0.255, [20_000])
    normal = cmp.funnel_limits(0.255, [20_000], method="normal")
    assert np.allclose(exact[["lower", "upper"]], normal[["lower", "upper"]], atol=2e-4)


def test_limits_are_clipped_and_sizes_checked() -> None:
    lim = cmp.funnel_limits(0.05, [3], levels=[0.998])
    assert lim["lower"].iloc[0] == 0.0 and lim["upper"].iloc[0] <= 1.0
    with pytest.raises(ValueError):
        cmp.funnel_limits(0.2, [0])
    with pytest.raises(ValueError):
        cmp.funnel_limits(0.2, [10], distribution="gamma")


def test_funnel_table_positions() -> None:
    units = pd.DataFrame({"unit": ["a", "b", "c", "d"], "people": [1000, 1000, 1000, 1000],
                          "observed": [255, 290, 200, 320]})
    t = cmp.funnel_table(units, "observed", "people", 0.255).set_index("unit")
    assert t.loc["a", "position"] == "within 95%"
    assert t.loc["b", "position"] == "above 95% (alert)"       # 29.0%: 2.5 standard errors above
    assert t.loc["c", "position"] == "below 99.8% (alarm)"     # 20.0%
    assert t.loc["d", "position"] == "above 99.8% (alarm)"     # 32.0%
    assert {"lower_95", "upper_95", "lower_99.8", "upper_99.8"} <= set(t.columns)


def test_funnel_units() -> None:
    f = pd.DataFrame({"area": ["x", "x", "y", "y", "y"], "q": ["1", "2", "1", "1", "2"],
                      "reoffended": [1, 0, 1, 1, np.nan]})
    u = cmp.funnel_units(f, ["area"]).set_index("unit")
    assert u.loc["x", ["people", "observed"]].tolist() == [2, 1]
    assert u.loc["y", ["people", "observed"]].tolist() == [2, 2]   # the blank outcome left out
    assert cmp.funnel_units(f, ["area", "q"])["unit"].tolist() == ["x 1", "x 2", "y 1"]


# ----------------------------------------------------------------------------------------------
# Indirect standardisation
# ----------------------------------------------------------------------------------------------


RATES = pd.DataFrame({"age_band": ["10-14", "10-14", "15-17", "15-17", "18+", "18+"],
                      "sex": ["male", "female"] * 3,
                      "percent": [40.0, 40.0, 40.0, 40.0, 20.0, 20.0]})


def _area_frame() -> pd.DataFrame:
    # Area A: 100 adults (national rate 20%) and 50 children aged 15-17 (40%), 45 reoffenders.
    # Area B: 50 adults, 10 reoffenders, plus one person of unknown sex (left out of O and E).
    rows = ([("A", 30, "male", 1)] * 30 + [("A", 30, "female", 0)] * 70
            + [("A", 16, "M", 1)] * 15 + [("A", 16, "F", 0)] * 35
            + [("B", 40, "male", 1)] * 10 + [("B", 40, "male", 0)] * 40 + [("B", 40, "unknown", 1)])
    return pd.DataFrame(rows, columns=["area", "age", "sex", "reoffended"])


def test_indirect_standardisation_by_hand() -> None:
    t = cmp.indirect_standardisation(_area_frame(), RATES, by="area", reference_pct=25.0).set_index("unit")
    a = t.loc["A"]
    # E = 100 x 0.20 + 50 x 0.40 = 40; O = 45; O/E = 1.125; standardised rate 1.125 x 25% = 28.125%.
    assert (a["people"], a["excluded"], a["observed"]) == (150, 0, 45)
    assert a["expected"] == pytest.approx(40.0)
    assert a["ratio"] == pytest.approx(1.125)
    assert a["standardised_pct"] == pytest.approx(28.125)
    assert a["crude_pct"] == pytest.approx(30.0)
    # Exact Poisson interval for O = 45: P(X >= 45 | low) = 0.025 and P(X <= 45 | high) = 0.025.
    low, high = a["ratio_ci_low"] * 40, a["ratio_ci_high"] * 40
    assert 1 - _poisson_cdf(44, low) == pytest.approx(0.025, abs=1e-9)
    assert _poisson_cdf(45, high) == pytest.approx(0.025, abs=1e-9)
    assert (low, high) == pytest.approx((32.8233, 60.2135), abs=1e-4)
    assert a["standardised_ci_low_pct"] == pytest.approx(25.0 * low / 40)
    b = t.loc["B"]
    assert (b["people"], b["excluded"], b["observed"], b["expected"]) == (51, 1, 10, pytest.approx(10.0))
    everyone = t.loc["All"]
    assert everyone["observed"] == 55 and everyone["expected"] == pytest.approx(50.0)


def test_standard_bands_and_sexes() -> None:
    ages = pd.Series([10, 14.9, 15, 17, 18, 80, np.nan])
    assert cmp.standard_age_band(ages).tolist() == ["10-14", "10-14", "15-17", "15-17", "18+", "18+", None]
    sexes = pd.Series(["Male", " f ", "woman", "x", None])
    assert cmp.standard_sex(sexes).tolist() == ["male", "female", "female", np.nan, np.nan]


# ----------------------------------------------------------------------------------------------
# The derived national rates by age band and sex
# ----------------------------------------------------------------------------------------------


def test_derive_age_sex_rates_by_hand_and_margins() -> None:
    ages = {"10-14": 28.8, "15-17": 33.4, "18+": 25.1}
    sexes = {"male": 26.1, "female": 21.1}
    t = cmp.derive_age_sex_rates(ages, sexes, 25.5).set_index(["age_band", "sex"])["percent"]
    assert t[("10-14", "male")] == pytest.approx(28.8 * 26.1 / 25.5)
    assert t[("18+", "female")] == pytest.approx(25.1 * 21.1 / 25.5)
    # The male:female ratio is the published one in every band.
    for band in ages:
        assert t[(band, "male")] / t[(band, "female")] == pytest.approx(26.1 / 21.1)
    # With the sex mix the published rates imply (12% female), every age margin is reproduced.
    female = (26.1 - 25.5) / (26.1 - 21.1)
    assert female == pytest.approx(0.12)
    for band, rate in ages.items():
        assert (1 - female) * t[(band, "male")] + female * t[(band, "female")] == pytest.approx(rate)


def test_bundled_national_table_is_the_derivation_and_marked_derived() -> None:
    bundled = cmp.national_age_sex_rates()
    derived = cmp.derive_national_age_sex_from_seed()
    merged = bundled.merge(derived, on=["age_band", "sex"], suffixes=("", "_derived"))
    assert len(merged) == 6
    assert np.allclose(merged["percent"], merged["percent_derived"], atol=1e-6)
    assert (bundled["derived"] == "yes").all()
    assert bundled["method"].str.startswith("DERIVED").all()
    assert bundled["source"].str.contains("Pan-Dorset Reducing Reoffending Strategy").all()
    # It is built from the published national figures.
    assert derived.set_index(["age_band", "sex"]).loc[("15-17", "male"), "percent"] == pytest.approx(
        seed_figure("proven_reoffending_age_15_17_national") * seed_figure("proven_reoffending_male_national")
        / seed_figure("proven_reoffending_overall_national"))


def test_bad_national_table_is_rejected(tmp_path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("age_band,sex,percent\n18+,male,25\n")
    with pytest.raises(ValueError, match="one row per age band"):
        cmp.national_age_sex_rates(path)
