"""Power before commissioning against R: Cohen's arcsine calculation and power.prop.test."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.design_spec import DesignParams
from analysis.models.effects import power as pw

#: R 4: the arcsine (Cohen's h) calculation, two-sided with both tails, solved by uniroot:
#: ``s <- h * sqrt(n / (1 + 1 / k)); pnorm(s - qnorm(.975)) + pnorm(-s - qnorm(.975)) = 0.8``,
#: then the treated rate ``p`` with ``2 asin(sqrt(0.26)) - 2 asin(sqrt(p)) = h``.
#: (treated n, comparison ratio k) -> MDE in points from a 26% base rate.
R_ARCSINE_MDE = {(150, 1): 12.6986564471604, (60, 1): 18.398701849581, (300, 3): 7.7275265586422}
#: The same calculation solved for n: (p0, p1, k, power, alpha) -> treated people.
R_ARCSINE_N = {(0.26, 0.21, 1, 0.8, 0.05): 1125.97361592519,
               (0.26, 0.21, 3, 0.8, 0.05): 750.64907728346,
               (0.30, 0.20, 1, 0.9, 0.01): 552.965442969312}
#: R ``power.prop.test(p2 = 0.26, n = 150, power = 0.8)$p1`` (pooled normal approximation).
R_PROP_TEST_P1 = 0.13207225393098
#: R ``power.prop.test(p1 = 0.26, p2 = 0.21, power = 0.8)$n`` and
#: ``power.prop.test(p1 = 0.30, p2 = 0.20, power = 0.9, sig.level = 0.01)$n``.
R_PROP_TEST_N = {(0.26, 0.21, 0.8, 0.05): 1127.64622880628, (0.30, 0.20, 0.9, 0.01): 555.499763812833}


@pytest.mark.parametrize(("n", "k"), list(R_ARCSINE_MDE))
def test_mde_matches_r_arcsine(n: int, k: int) -> None:
    assert pw.minimum_detectable_effect(n, 0.26, k) == pytest.approx(R_ARCSINE_MDE[(n, k)],
                                                                      rel=1e-8)


@pytest.mark.parametrize("key", list(R_ARCSINE_N))
def test_people_needed_match_r_arcsine(key: tuple[float, float, int, float, float]) -> None:
    p0, p1, k, power, alpha = key
    got = pw.treated_needed(100 * (p0 - p1), p0, k, power, alpha)
    assert got == pytest.approx(R_ARCSINE_N[key], rel=1e-8)


def test_close_to_r_power_prop_test() -> None:
    # power.prop.test uses the pooled normal approximation, not the arcsine: within 1%
    assert pw.minimum_detectable_effect(150, 0.26) == pytest.approx(
        100 * (0.26 - R_PROP_TEST_P1), rel=0.01)
    for (p0, p1, power, alpha), n in R_PROP_TEST_N.items():
        assert pw.treated_needed(100 * (p0 - p1), p0, 1, power, alpha) == pytest.approx(n, rel=0.01)


def test_years_and_table() -> None:
    assert pw.years_needed(5, 150, 0.26) == 8.0          # 1,126 people at 150 a year
    assert pw.years_needed(5, 150, 0.26, ratio=3) == 6.0  # 751 people
    assert math.isnan(pw.years_needed(30, 150, 0.26))     # below a rate of 0
    table = pw.design_by_year(67.1, 0.26, 3)
    assert table["treated_expected"].tolist() == [67, 134, 201]
    assert table["treated_reoffenders_expected"].tolist() == [17, 34, 52]
    assert table["jdl_reportable"].tolist() == [True, True, True]
    assert table["jdl_time_reportable"].tolist() == [False, True, True]
    assert table["mde_pp"].is_monotonic_decreasing
    assert table["detectable_rate_pct"].iloc[0] == pytest.approx(26 - table["mde_pp"].iloc[0])
    assert math.isnan(pw.minimum_detectable_effect(4, 0.05))


def test_mde_curve_falls_with_size() -> None:
    curve = pw.mde_curve(0.26, sizes=[150, 60])
    assert curve["mde_pp"].tolist() == pytest.approx([R_ARCSINE_MDE[(150, 1)],
                                                     R_ARCSINE_MDE[(60, 1)]], rel=1e-8)
    assert pw.mde_curve(0.26)["mde_pp"].dropna().is_monotonic_decreasing


def test_intake_from_cohort() -> None:
    frame = pd.DataFrame({
        "treated": [1, 1, 1, 0, 0, 0, 0],
        "reoffended": [1, 0, 0, 1, 0, 0, 0],
        "cohort_start": pd.to_datetime(["2022-01-01", "2023-01-01", "2024-01-01", "2022-01-01",
                                        "2022-06-01", "2023-01-01", "2024-01-01"]),
    })
    per_year, base, how = pw.intake_from_cohort(frame)
    assert per_year == pytest.approx(3 / (731 / 365.25))
    assert base == 0.25
    assert how == "the treated people of the cohort over its 2.00 years of cohort starts"
    per_year, _, how = pw.intake_from_cohort(frame.drop(columns="cohort_start"))
    assert per_year == 3.0 and "no dates" in how


def test_design_parameters() -> None:
    d = DesignParams()
    assert (d.people_per_year, d.base_rate, d.comparison_ratio, d.power, d.alpha, d.years,
            d.target_effect_pp) == (None, None, 1.0, 0.8, 0.05, 5, 5.0)
    with pytest.raises(ValueError, match="base_rate"):
        DesignParams(base_rate=1.5)


def _frame(n_treated: int) -> pd.DataFrame:
    return pd.DataFrame({
        "treated": [1] * n_treated + [0] * 4,
        "reoffended": [0] * n_treated + [1, 0, 0, 0],
        "cohort_start": pd.Timestamp("2023-01-01"),
    })


def test_plan_from_data_parameters_and_small_counts() -> None:
    p = pw.plan(DesignParams(), _frame(10))
    assert (p.people_per_year, p.base_rate, p.ready) == (10.0, 0.25, True)
    assert p.base_source == "the comparison group's one-year proven reoffending rate"
    given = pw.plan(DesignParams(people_per_year=150, base_rate=0.26, comparison_ratio=3), None)
    assert (given.people_per_year, given.base_rate, given.ratio) == (150, 0.26, 3)
    assert given.intake_source == "the parameters (design.people_per_year)"
    small = pw.plan(DesignParams(), _frame(3))
    assert not small.ready and small.intake_source == "not shown: fewer than 5 treated people"
    assert not pw.plan(DesignParams(), None).ready


def test_design_words() -> None:
    from analysis.presentation import design_text as dt

    p = pw.plan(DesignParams(people_per_year=150, base_rate=0.26), None)
    assert dt.inputs_text(p) == (
        "**Intake:** 150 people a year on the intervention (from the parameters "
        "(design.people_per_year)). **Base rate:** 26.0% reoffend within a year without it (from "
        "the parameters (design.base_rate)). **Design:** 1 comparison person per treated person, "
        "80% power, two-sided 5% significance.")
    people = pw.treated_needed(5, 0.26)
    assert dt.target_text(p, pw.years_needed(5, 150, 0.26), people) == (
        "A fall of 5 points (from 26.0% to 21.0%) needs 1,126 treated people and 1,126 "
        "comparison people: **8 years of intake** at 150.0 a year.")
    by_year = pw.design_by_year(150, 0.26, 3)
    assert dt.mde_title(by_year) == "Detectable fall: 12.7 points after 1 year, 7.7 after 3"
    results = {"people_per_year": 150.0, "base_rate_pct": 26.0, "power_pct": 80.0,
               "alpha_pct": 5.0, "years": 3, "mde_year1_pp": 12.6986, "mde_last_year_pp": 7.6,
               "target_effect_pp": 5.0, "years_for_target": 8.0, "first_jdl_year": 1}
    assert dt.design_answer(results) == (
        "With 150 people a year on the intervention and a base rate of 26.0%, one year of "
        "intake can detect a fall in one-year proven reoffending of 12.7 percentage points or "
        "more, and 3 years one of 7.6 points (80% power, two-sided 5%). A fall of 5 points needs "
        "8 years of intake. The Justice Data Lab minimum of treated people is reached in year 1.")
    assert dt.design_answer({}).startswith("The power calculation needs")


def test_answer_says_one_year() -> None:
    from analysis.presentation.design_text import design_answer

    text = design_answer({"people_per_year": 672.0, "base_rate_pct": 12.9, "power_pct": 80.0,
                          "alpha_pct": 5.0, "years": 5, "mde_year1_pp": 4.68,
                          "mde_last_year_pp": 2.2, "target_effect_pp": 5.0,
                          "years_for_target": 1.0, "first_jdl_year": None})
    assert "A fall of 5 points needs 1 year of intake. The Justice Data Lab minimum of treated " \
           "people is not reached in the years shown." in text
