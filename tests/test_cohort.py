"""Cohort description: SMDs, Wilson intervals, Table 1, needs and the small-count rule, by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.disclosure import suppress_counts
from analysis.measures.balance import smd, weighted_mean_var
from analysis.measures.cohort import (
    Cohort,
    age_band,
    published_table_one,
    reoffending_summary,
    table_one,
    table_one_display,
)
from analysis.measures.needs import need_counts, needs_prevalence
from analysis.measures.proportions import wilson_ci


def small_cohort() -> Cohort:
    """Six people, three treated; values chosen so every statistic can be done by hand."""
    frame = pd.DataFrame({
        "person_id": list("abcdef"),
        "treated": [1, 1, 1, 0, 0, 0],
        "group": ["T", "T", "T", "C", "C", "C"],
        "age": [20.0, 30.0, 40.0, 20.0, 20.0, 50.0],
        "sex": ["male", "male", "female", "male", "female", "female"],
        "need_drugs": pd.array([1, 1, pd.NA, 0, 1, 0], dtype="Int64"),
        "need_alcohol": pd.array([0, 1, pd.NA, 0, 0, 0], dtype="Int64"),
        "reoffended": [1, 0, 1, 0, 0, 1],
        "reoffences": [3, 0, 1, 0, 0, 2],
        "time": [10, 365, 40, 365, 365, 200],
        "event": [1, 0, 1, 0, 0, 1],
    })
    flow = pd.DataFrame({"step": ["read"], "people": [6], "excluded": [0], "reason": [""]})
    return Cohort(frame, flow, "days", "x", {0: "C", 1: "T"}, ["age"],
                  ["need_drugs", "need_alcohol"])


def test_smd_by_hand() -> None:
    # treated ages 20, 30, 40: mean 30, var 100; comparison 20, 20, 50: mean 30, var 300
    c = small_cohort().frame
    assert smd(c["age"], c["treated"]) == 0.0
    # sex male: treated 2/3, comparison 1/3; sample variances 1/3 each -> (1/3) / sqrt(1/3)
    male = (c["sex"] == "male").astype(float)
    assert smd(male, c["treated"]) == pytest.approx((1 / 3) / math.sqrt(1 / 3))


def test_weighted_variance_reduces_to_sample_variance() -> None:
    x = pd.Series([1.0, 2.0, 4.0])
    assert weighted_mean_var(x) == pytest.approx((7 / 3, np.var([1, 2, 4], ddof=1)))
    # integer frequency weights 2,1,1 are reliability weights, not replication: check by formula
    m, v = weighted_mean_var(x, pd.Series([2.0, 1.0, 1.0]))
    assert m == pytest.approx(2.0)
    assert v == pytest.approx((2 * 1 + 0 + 4) / (4 - 6 / 4))


def test_wilson_interval_by_hand() -> None:
    # 3 of 10 at 95%: Wilson (0.1078, 0.6032) (Newcombe 1998, Table I, case 3/10 rounded)
    lo, hi = wilson_ci(3, 10)
    assert (round(lo, 4), round(hi, 4)) == (0.1078, 0.6032)


def test_table_one_counts_and_means() -> None:
    t = table_one(small_cohort(), ["age", "sex", "need_drugs"]).set_index(["variable", "level"])
    assert t.loc[("age", ""), "value_1"] == 30 and t.loc[("age", ""), "sd_0"] == pytest.approx(math.sqrt(300))
    assert t.loc[("sex", "male"), "count_1"] == 2 and t.loc[("sex", "male"), "value_1"] == pytest.approx(200 / 3)
    # need_drugs: treated 2 of 2 assessed (one blank), comparison 1 of 3
    row = t.loc[("need_drugs", "yes")]
    assert (row["n_1"], row["count_1"], row["value_1"]) == (2, 2, 100.0)
    assert (row["n_0"], row["count_0"]) == (3, 1)


def test_table_one_display_suppresses_small_counts() -> None:
    def shown(variables: list[str]) -> pd.DataFrame:
        return table_one_display(published_table_one(table_one(small_cohort(), variables), (3, 3)),
                                 {0: "C", 1: "T"})

    assert set(shown(["sex"])["T"]) == {"<5"} and set(shown(["sex"])["C"]) == {"<5"}
    # a mean of three people is not shown
    assert shown(["age"])["T"][0] == "suppressed"
    big = pd.DataFrame({"variable": ["age"], "level": [""], "statistic": ["mean (SD)"],
                        "n_0": [5], "count_0": [np.nan], "value_0": [30.0], "sd_0": [10.0],
                        "n_1": [5], "count_1": [np.nan], "value_1": [31.0], "sd_1": [6.0],
                        "smd": [0.1]})
    assert table_one_display(published_table_one(big, (5, 5)), {0: "C", 1: "T"})["T"][0] == "31.0 (6.0)"


def test_needs_prevalence_leaves_unassessed_out() -> None:
    cohort = small_cohort()
    prev = needs_prevalence(cohort.frame, cohort.needs).set_index("need")
    assert prev.loc["need_drugs", "assessed"] == 5 and prev.loc["need_drugs", "with_need"] == 3
    assert prev.loc["need_drugs", "percent"] == 60.0
    lo, hi = wilson_ci(3, 5)
    assert prev.loc["need_drugs", "ci_low_pct"] == pytest.approx(100 * lo)
    # needs per assessed person: a 1, b 2, d 0, e 1, f 0 (c unassessed)
    assert need_counts(cohort.frame, cohort.needs).tolist() == [1, 2, 0, 1, 0]


def test_reoffending_summary_by_group() -> None:
    s = reoffending_summary(small_cohort(), ["group"]).set_index("group")
    assert s.loc["T", "binary_rate_pct"] == pytest.approx(200 / 3)
    assert s.loc["T", "frequency_per_reoffender"] == 2.0
    assert s.loc["C", "frequency_per_offender"] == pytest.approx(2 / 3)
    lo, _ = wilson_ci(2, 3)
    assert s.loc["T", "binary_ci_low_pct"] == pytest.approx(100 * lo)


def test_suppression_rule() -> None:
    df = pd.DataFrame({"n": [0, 1, 4, 5, 12], "pct": [0.0, 10.0, 40.0, 50.0, 60.0]})
    out = suppress_counts(df, ["n"], {"pct": "n"}, min_cell=5)
    assert out["n"].tolist() == [0, "<5", "<5", 5, 12]
    assert out["pct"].tolist() == [0.0, "suppressed", "suppressed", 50.0, 60.0]
    assert df["n"].tolist() == [0, 1, 4, 5, 12]  # the input is not changed


def test_age_bands() -> None:
    bands = age_band(pd.Series([10, 14.9, 15, 17, 18, 24, 25, 34, 35, 54, 55, 90]))
    assert bands.astype(str).tolist() == ["10-14", "10-14", "15-17", "15-17", "18-24", "18-24",
                                          "25-34", "25-34", "35-44", "45-54", "55+", "55+"]


def test_secondary_suppression_protects_the_complement() -> None:
    # a variable with two levels: 3 and 200 -> both hidden (200 + the total would give the 3)
    df = pd.DataFrame({"variable": ["v", "v", "w", "w", "w"], "n": [3, 200, 0, 50, 60],
                       "pct": [1.5, 98.5, 0.0, 45.5, 54.5]})
    out = suppress_counts(df, ["n"], {"pct": "n"}, min_cell=5, sets="variable")
    assert out["n"].tolist() == ["<5", "suppressed", 0, 50, 60]
    assert out["pct"].tolist() == ["suppressed", "suppressed", 0.0, 45.5, 54.5]
    # two small cells in one set protect each other: nothing more is hidden
    two = pd.DataFrame({"n": [2, 3, 40]})
    assert suppress_counts(two, ["n"], sets=True)["n"].tolist() == ["<5", "<5", 40]


def test_table_one_display_applies_secondary_suppression() -> None:
    table = pd.DataFrame({
        "variable": ["age", "group", "group"], "level": ["", "adult", "child"],
        "statistic": ["mean (SD)", "n (%)", "n (%)"],
        "n_0": [100, 100, 100], "count_0": [np.nan, 97, 3], "value_0": [30.0, 97.0, 3.0],
        "sd_0": [5.0, np.nan, np.nan],
        "n_1": [50, 50, 50], "count_1": [np.nan, 25, 25], "value_1": [31.0, 50.0, 50.0],
        "sd_1": [6.0, np.nan, np.nan], "smd": [0.1, 0.2, -0.2],
    })
    shown = table_one_display(published_table_one(table, (100, 50)), {0: "C", 1: "T"})
    assert shown["C"].tolist() == ["30.0 (5.0)", "suppressed", "<5"]
    # the overall count of children (published by cohort group) less 25 would give the 3
    assert shown["T"].tolist() == ["31.0 (6.0)", "suppressed", "suppressed"]
    assert shown["SMD"].tolist() == [0.1, "suppressed", "suppressed"]


def test_measures_join_in_any_order_and_leave_the_unmeasured_empty() -> None:
    from analysis.measures.cohort import _join_measures

    people = pd.DataFrame({"person_id": ["a", "b", "c"], "age": [20.0, 30.0, 40.0]})
    measures = pd.DataFrame({"person_id": ["a", "b", "c"], "reoffended": [1, 0, 1],
                             "time_days": [10, 365, 40], "exit_reason": ["x", None, None]})
    aligned = _join_measures(people.copy(), measures)
    assert aligned.columns.tolist() == ["person_id", "age", "reoffended", "time"]
    assert aligned["time"].tolist() == [10, 365, 40] and aligned["reoffended"].dtype == np.int64
    shuffled = _join_measures(people.copy(), measures.iloc[[2, 0, 1]].reset_index(drop=True))
    pd.testing.assert_frame_equal(shuffled, aligned)
    partial = _join_measures(people.copy(), measures.iloc[[2, 0]])
    assert partial["time"].tolist()[:1] == [10] and np.isnan(partial["time"].iloc[1])
    clash = _join_measures(people.assign(reoffended=0), measures)
    assert clash.columns.tolist() == ["person_id", "age", "reoffended_x", "reoffended_y", "time"]
