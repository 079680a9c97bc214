"""The small-count rule of analysis.disclosure on hand-made tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.disclosure import suppress_counts
from analysis.measures.cohort import (
    published_needs,
    published_table_one,
    reoffending_published,
    table_one_display,
)


def test_a_derived_value_tied_to_several_counts_is_hidden_by_any_of_them() -> None:
    df = pd.DataFrame({"offenders": [3, 40, 60], "reoffenders": [0, 2, 30],
                       "rate": [0.0, 5.0, 50.0]})
    # Tied to every count (a sequence): 0 out of 3 discloses as much as 3 out of 3.
    out = suppress_counts(df, ["offenders", "reoffenders"], ["rate"])
    assert out["rate"].tolist() == ["suppressed", "suppressed", 50.0]
    assert out["offenders"].tolist() == ["<5", 40, 60]
    assert out["reoffenders"].tolist() == [0, "<5", 30]
    # A mapping may tie a derived column to one count or to a list of them.
    one = suppress_counts(df, ["offenders", "reoffenders"], {"rate": "reoffenders"})
    assert one["rate"].tolist() == [0.0, "suppressed", 50.0]
    both = suppress_counts(df, ["offenders", "reoffenders"], {"rate": ["offenders", "reoffenders"]})
    assert both["rate"].tolist() == out["rate"].tolist()


def test_row_sets_protect_a_cell_that_the_rest_of_its_row_reveals() -> None:
    # at risk + events + censored = 20 in every row: a lone "<5" could be worked out.
    df = pd.DataFrame({"time": [0, 6, 12], "at_risk": [20, 15, 9], "events": [0, 3, 8],
                       "censored": [0, 2, 3]})
    plain = suppress_counts(df, ["at_risk", "events", "censored"])
    assert plain.loc[1, "censored"] == "<5" and plain.loc[1, "events"] == "<5"
    out = suppress_counts(df, ["at_risk", "events", "censored"], row_sets=True)
    assert out.loc[0].tolist() == [0, 20, 0, 0]  # nothing small: nothing hidden
    assert out.loc[1].tolist() == [6, 15, "<5", "<5"]  # two small cells protect each other
    # Row 12: censored 3 alone would be 20 - 9 - 8; the smaller other cell (8) is hidden too.
    assert out.loc[2].tolist() == [12, 9, "suppressed", "<5"]
    assert (df["censored"] == [0, 2, 3]).all()  # the input is not changed


def test_row_and_column_sets_together_reach_a_fixed_point() -> None:
    # Columns a and b each add up to a published total, and so does each row.
    df = pd.DataFrame({"g": ["x", "x", "x"], "a": [3, 50, 60], "b": [40, 70, 80]})
    out = suppress_counts(df, ["a", "b"], sets="g", row_sets=True)
    hidden = out.isin(["<5", "suppressed"])
    # No row and no column is left with exactly one hidden cell.
    assert (hidden[["a", "b"]].sum(axis=1) != 1).all()
    assert (hidden[["a", "b"]].sum(axis=0) != 1).all()
    assert out["a"].tolist() == ["<5", "suppressed", 60]
    assert out["b"].tolist() == ["suppressed", "suppressed", 80]


def test_reoffending_rates_are_hidden_when_the_offenders_are_few() -> None:
    table = pd.DataFrame({"group": ["A", "B"], "offenders": [3, 97], "reoffenders": [0, 25],
                          "reoffences": [0, 60], "binary_rate_pct": [0.0, 25.8],
                          "binary_ci_low_pct": [0.0, 18.0], "binary_ci_high_pct": [56.1, 35.4],
                          "frequency_per_offender": [0.0, 0.62],
                          "frequency_per_reoffender": [float("nan"), 2.4]})
    out = reoffending_published(table).set_index("group")
    assert out.loc["A", "offenders"] == "<5"
    assert out.loc["A", "binary_rate_pct"] == "suppressed"  # 0 of 3 is not shown either
    assert out.loc["A", "binary_ci_high_pct"] == "suppressed"
    # Secondary suppression across the groups: B's offenders would give A's from the total.
    assert out.loc["B", "offenders"] == "suppressed"


def _survival_frame() -> pd.DataFrame:
    # Group A: 3 people (too few to show); group B: 40 people, 10 reoffending by day 100.
    a = pd.DataFrame({"group": "A", "time": [50.0, 200.0, 400.0], "event": [1, 0, 0]})
    b = pd.DataFrame({"group": "B", "time": [float(10 * i + 5) for i in range(40)],
                      "event": [1] * 10 + [0] * 30})
    return pd.concat([a, b], ignore_index=True)


def test_survival_tables_hide_small_groups_and_what_their_counts_reveal() -> None:
    from analysis.models import survival as sv

    frame = _survival_frame()
    times = [100.0, 365.0]
    at_risk = sv.number_at_risk(frame, [0.0, *times], group_col="group")
    shown = sv.published_at_risk(at_risk, 5).set_index(["group", "time"])
    assert list(shown.columns) == ["at_risk", "events"]  # censored counts are not published
    assert shown.loc[("A", 0.0)].tolist() == ["<5", 0]
    # The cohort's 43 people are published, so B's 40 would give A's 3: hidden too.
    assert shown.loc[("B", 0.0)].tolist() == ["suppressed", 0]
    # Day 100: A has 2 at risk and 1 event (both small); B's 10 events would give A's from the
    # cohort's reoffenders: hidden. B's 30 at risk stay: the cohort's number is not published.
    assert shown.loc[("A", 100.0)].tolist() == ["<5", "<5"]
    assert shown.loc[("B", 100.0)].tolist() == [30, "suppressed"]
    horizons = sv.published_horizons(sv.survival_at(frame, times, group_col="group"), at_risk, 5)
    h = horizons.set_index(["group", "time"])
    assert (h.loc[("A", 100.0), ["survival", "cumulative_reoffended_pct"]] == "suppressed").all()
    # B's survival rests on counts hidden to protect A's, so it is hidden as well.
    assert h.loc[("B", 100.0), "survival"] == "suppressed"
    one = sv.published_horizons(sv.survival_at(frame[frame["group"] == "B"], times, group_col="group"),
                                sv.number_at_risk(frame[frame["group"] == "B"], [0.0, *times],
                                                  group_col="group"), 5).set_index("time")
    assert one.loc[100.0, "survival"] == pytest.approx(0.75)  # 30 of 40 left, none censored
    assert one.loc[100.0, "at_risk"] == 30
    medians = sv.published_by_group(sv.median_survival(frame, group_col="group"), at_risk, 5)
    m = medians.set_index("group")
    assert m.loc["A", "people"] == "<5" and m.loc["A", "median_reached"] == "suppressed"
    assert m.loc["B", "people"] == 40 and m.loc["B", "events"] == 10


def test_a_rolling_window_does_not_give_away_a_suppressed_quarter() -> None:
    from analysis.measures import performance as pf

    quarters = ["2022/23 Q1", "2022/23 Q2", "2022/23 Q3", "2022/23 Q4", "2023/24 Q1", "2023/24 Q2"]
    counts = {"A": [0, 3, 5, 0, 6, 7], "B": [10, 10, 10, 10, 10, 10]}
    rows = []
    for area, c in [*counts.items(), ("All areas", [a + b for a, b in zip(*counts.values(), strict=True)])]:
        for i, q in enumerate(quarters):
            w = sum(c[i - 3:i + 1]) if i >= 3 else None
            rows.append({"area": area, "quarter": q, "custody_quarter": c[i], "custody_12m": w,
                         "rate_per_1000": None if w is None else w / 10})
    table = pd.DataFrame(rows)
    out = pf.published_rolling(table, "custody", ["rate_per_1000"], 5).set_index(["area", "quarter"])
    assert out.loc[("A", "2022/23 Q2"), "custody_quarter"] == "<5"
    # A's windows to 2022/23 Q4 (0 + 3 + 5 + 0 = 8) and to 2023/24 Q1 (3 + 5 + 0 + 6) hold the
    # suppressed quarter: both hidden, with their rates; the window to 2023/24 Q2 does not.
    for q in ("2022/23 Q4", "2023/24 Q1"):
        assert out.loc[("A", q), "custody_12m"] == "suppressed"
        assert out.loc[("A", q), "rate_per_1000"] == "suppressed"
    assert out.loc[("A", "2023/24 Q2"), "custody_12m"] == 18
    # The areas add up to All areas: B's windows are hidden with A's, so A's are not B's
    # subtracted from the total.
    assert out.loc[("B", "2022/23 Q4"), "custody_12m"] == "suppressed"
    assert out.loc[("B", "2022/23 Q2"), "custody_quarter"] == "suppressed"


def test_flow_and_figure_rows_follow_the_rule() -> None:
    from analysis.measures.cohort import published_flow, reoffending_shown

    flow = pd.DataFrame({"step": ["read", "valid", "eligible"], "people": [100, 97, 3],
                         "excluded": [0, 3, 94], "reason": ["", "x", "y"]})
    out = published_flow(flow)
    assert out["people"].tolist() == [100, 97, "<5"]
    # 97 - 94 would give the 3 people kept
    assert out["excluded"].tolist() == [0, "<5", "suppressed"]
    table = pd.DataFrame({"group": ["A", "B", "C"], "offenders": [3, 50, 60],
                          "reoffenders": [1, 10, 0], "reoffences": [1, 20, 0],
                          "binary_rate_pct": [33.3, 20.0, 0.0], "binary_ci_low_pct": [1.0, 11.0, 0.0],
                          "binary_ci_high_pct": [80.0, 33.0, 6.0],
                          "frequency_per_offender": [0.3, 0.4, 0.0],
                          "frequency_per_reoffender": [1.0, 2.0, float("nan")]})
    # A is small; B is hidden as the secondary cell (the smallest other offenders count).
    assert reoffending_shown(table)["group"].tolist() == ["C"]


def _one_table(rows: list[tuple]) -> pd.DataFrame:
    """A table_one from (variable, level, statistic, n_0, count_0, n_1, count_1) rows."""
    df = pd.DataFrame(rows, columns=["variable", "level", "statistic", "n_0", "count_0", "n_1",
                                     "count_1"])
    for g in (0, 1):
        df[f"value_{g}"] = np.where(df[f"count_{g}"].notna(),
                                    100 * df[f"count_{g}"] / df[f"n_{g}"], 30.0)
        df[f"sd_{g}"] = np.where(df[f"count_{g}"].notna(), np.nan, 5.0)
    df["smd"] = 0.1
    return df


def test_table_one_protects_the_no_of_a_flag_and_its_row_across_groups() -> None:
    # 97 of 100 comparison people have the flag: the 3 without follow from 100 - 97.
    t = _one_table([("flag", "yes", "n (%)", 100, 97, 50, 20)])
    out = published_table_one(t, (100, 50))
    assert out.loc[0, "count_0"] == "suppressed" and out.loc[0, "value_0"] == "suppressed"
    # The overall count of the flag is published elsewhere: 20 would give the 97 away.
    assert out.loc[0, "count_1"] == "suppressed" and out.loc[0, "smd"] == "suppressed"
    assert out.loc[0, "n_0"] == 100 and out.loc[0, "n_1"] == 50
    shown = table_one_display(out, {0: "C", 1: "T"})
    assert shown[["C", "T", "SMD"]].iloc[0].tolist() == ["suppressed"] * 3


def test_table_one_protects_a_small_number_without_a_value() -> None:
    # 3 of 100 comparison people have no area: n_0 = 97 would give them away, and with n_0
    # hidden, the levels would add back up to it unless one is hidden too.
    t = _one_table([("area", "A", "n (%)", 97, 60, 50, 30), ("area", "B", "n (%)", 97, 37, 50, 20)])
    out = published_table_one(t, (100, 50))
    assert out["n_0"].tolist() == ["suppressed"] * 2
    assert out["value_0"].tolist() == ["suppressed"] * 2
    assert "suppressed" in out["count_0"].tolist()
    # the people without a value of each group add up across groups: treated side hidden too
    assert out["n_1"].tolist() == [50, 50]
    ages = _one_table([("age", "", "mean (SD)", 4, np.nan, 50, np.nan)])
    out = published_table_one(ages, (4, 50))
    assert out.loc[0, ["n_0", "value_0", "sd_0", "smd"]].tolist() == ["<5"] + ["suppressed"] * 3
    assert out.loc[0, "value_1"] == 30.0


def test_table_one_with_nothing_small_is_unchanged() -> None:
    t = _one_table([("sex", "female", "n (%)", 100, 40, 50, 20),
                    ("sex", "male", "n (%)", 100, 60, 50, 30),
                    ("age", "", "mean (SD)", 100, np.nan, 50, np.nan)])
    out = published_table_one(t, (100, 50))
    pd.testing.assert_frame_equal(out.astype(str), t.astype(str))


def test_needs_prevalence_protects_people_without_the_need_and_not_assessed() -> None:
    prev = pd.DataFrame({"need": ["a", "b", "c"], "assessed": [100, 100, 98],
                         "with_need": [98, 40, 40]})
    prev["percent"] = 100 * prev["with_need"] / prev["assessed"]
    prev["ci_low_pct"], prev["ci_high_pct"] = prev["percent"] - 5, prev["percent"] + 5
    out = published_needs(prev, 100)
    assert out.loc[0, ["assessed", "with_need", "percent"]].tolist() == [100, "suppressed", "suppressed"]
    assert out.loc[1, ["assessed", "with_need"]].tolist() == [100, 40]
    # c: 2 people not assessed; the 98 assessed would give them away
    assert out.loc[2, ["assessed", "percent"]].tolist() == ["suppressed", "suppressed"]


def test_balance_hides_the_share_of_a_flag_held_by_few_people() -> None:
    from analysis.measures.balance import balance_table, published_balance

    rng = np.random.default_rng(3)
    treated = pd.Series([1] * 40 + [0] * 60)
    design = pd.DataFrame({"rare": [1] * 3 + [0] * 37 + [1] * 20 + [0] * 40,
                           "age": rng.normal(30, 5, 100)})
    # matched weights leave out the three treated people with the flag
    matched = pd.Series([0.0] * 3 + [1.0] * 97)
    weights = {"Unadjusted": None, "Matched": matched}
    table = balance_table(design, treated, weights)
    out = published_balance(table, design, treated, weights).set_index(["sample", "covariate"])
    assert out.loc[("Unadjusted", "rare"), ["mean_treated", "smd"]].tolist() == ["suppressed"] * 2
    assert out.loc[("Matched", "rare"), "mean_treated"] == 0.0
    assert out.loc[("Unadjusted", "age"), "smd"] == pytest.approx(
        table.set_index(["sample", "covariate"]).loc[("Unadjusted", "age"), "smd"])
    assert out["imbalanced"].tolist() == table["imbalanced"].tolist()


def test_overlap_figure_leaves_out_bars_of_few_people() -> None:
    import matplotlib.pyplot as plt

    from analysis.presentation.effects_plots import overlap_figure

    score = pd.Series([0.9, 0.91, 0.5] + [0.1] * 20 + [0.2] * 3)
    treated = pd.Series([1, 1, 1] + [0] * 23)
    fig = overlap_figure(score, treated, {0: "C", 1: "T"})
    heights = sorted(round(abs(p.get_height()), 6) for p in fig.axes[0].patches if p.get_height())
    # the bars of 1, 2 and 3 people are not drawn, nor the comparison's bar of 20: beside the
    # group's 23 people it would give the 3 not drawn
    assert heights == []
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["T (n = <5)", "C (n = 23)"]
    plt.close(fig)


def test_row_sets_can_name_the_columns_that_add_up() -> None:
    df = pd.DataFrame({"people": [3, 50], "total": [40, 60], "costed": [38, 40], "uncosted": [2, 20]})
    out = suppress_counts(df, ["people", "total", "costed", "uncosted"],
                          row_sets=[["costed", "uncosted"]])
    # costed + uncosted = total: the 2 uncosted would be 40 - 38; people is not in the set
    assert out.loc[0].tolist() == ["<5", 40, "suppressed", "<5"]
    assert out.loc[1].tolist() == [50, 60, 40, 20]


def test_cost_tables_follow_the_rule() -> None:
    from analysis import costs

    used = pd.DataFrame({"offence_type": ["burglary", "theft", "assault"],
                         "offences": [40, 30, 20], "attempts": [38, 2, 0],
                         "cost_gbp": [4000.0, 300.0, 2000.0]})
    out = costs.published_mapping(used)
    # burglary: 40 - 38 = 2 complete offences, so the attempts are hidden (and its cost);
    # theft: 2 attempts hidden, its cost with them; the complete offences' second hidden cell is
    # assault's 20, so its 0 attempts (which would give the 20 back) are hidden too
    assert out["attempts"].tolist() == ["suppressed", "<5", "suppressed"]
    assert out["cost_gbp"].tolist() == ["suppressed", "suppressed", "suppressed"]
    assert out["offences"].tolist() == [40, 30, 20] and "_complete" not in out

    def group(name: str, people: int, reoffenders: int, costed: int, uncosted: int) -> dict:
        return {"group": name, "people": people, "reoffenders": reoffenders,
                "reoffences": costed + uncosted, "costed_reoffences": costed,
                "uncosted_reoffences": uncosted, "cost_gbp": 1000.0 * costed,
                "cost_per_person_gbp": 1000.0 * costed / people,
                "cost_per_reoffender_gbp": 1000.0 * costed / reoffenders,
                "cost_per_costed_reoffence_gbp": 1000.0,
                "median_cost_per_reoffender_gbp": 900.0}

    overall = pd.DataFrame([group("All", 150, 60, 110, 23)])
    by_group = pd.DataFrame([group("A", 100, 40, 70, 20), group("B", 50, 20, 40, 3)])
    pub = costs.published_costs(overall, by_group)
    assert pub.loc[0, "uncosted_reoffences"] == 23
    # B: 3 uncosted hidden, so its costed (40) is too (40 + 3 = its reoffences); A's follow
    # down the columns (the groups add up to All)
    assert pub.loc[2, ["costed_reoffences", "uncosted_reoffences"]].tolist() == ["suppressed", "<5"]
    assert pub.loc[1, ["costed_reoffences", "uncosted_reoffences"]].tolist() == ["suppressed"] * 2
    assert pub.loc[2, "cost_per_person_gbp"] == "suppressed"
    assert pub.loc[0, "cost_per_person_gbp"] == pytest.approx(1000 * 110 / 150)

    change = pd.DataFrame({"group": ["A", "B"], "people": [100, 50], "offences_before": [90, 3],
                           "offences_after": [60, 2]})
    change["change_pct"] = 100 * (change["offences_after"] / change["offences_before"] - 1)
    change["after_per_person"] = change["offences_after"] / change["people"]
    out = costs.published_change(change)
    assert out.loc[1, ["change_pct", "after_per_person"]].tolist() == ["suppressed"] * 2
    # A's counts are hidden too: the groups add up to the cohort's totals
    assert out.loc[0, ["offences_before", "offences_after"]].tolist() == ["suppressed"] * 2
    assert out.loc[0, "people"] == 100


def test_group_means_that_give_a_small_count_are_hidden() -> None:
    from analysis.models.effects import published_means

    frame = pd.DataFrame({"treated": [1] * 40 + [0] * 60,
                          "reoffended": [1] * 3 + [0] * 37 + [1] * 30 + [0] * 30,
                          "reoffences": [1] * 10 + [0] * 30 + [2] * 30 + [0] * 30})
    table = pd.DataFrame({"outcome": ["reoffended", "reoffences"], "mean_treated": [0.075, 0.25],
                          "mean_comparison": [0.5, 1.0], "estimate": [-0.425, -0.75]})
    out = published_means(table, frame)
    # 3 of 40 treated reoffended: 0.075 x 40 gives them
    assert out.loc[0, ["mean_treated", "mean_comparison", "estimate"]].tolist() == [
        "suppressed", "suppressed", -0.425]
    assert out.loc[1, ["mean_treated", "mean_comparison"]].tolist() == [0.25, 1.0]
    # a table with nothing to hide keeps its numeric columns
    assert published_means(table.iloc[[1]], frame)["mean_treated"].dtype == float


def test_the_people_not_counted_are_a_cell_too() -> None:
    # 97 of 100 reoffended: the 3 who did not follow from 100 - 97
    df = pd.DataFrame({"group": ["A", "B"], "offenders": [100, 80], "reoffenders": [97, 40],
                       "rate": [97.0, 50.0]})
    out = suppress_counts(df, ["offenders", "reoffenders"], ["rate"], sets=True,
                          complements={"reoffenders": "offenders"})
    assert out.loc[0, ["offenders", "reoffenders", "rate"]].tolist() == [100, "suppressed", "suppressed"]
    # down the column, A's hidden reoffenders would be the total less B's: B's are hidden too
    assert out.loc[1, "reoffenders"] == "suppressed"
    assert list(out.columns) == list(df.columns)
    published = reoffending_published(pd.DataFrame({
        "offenders": [100], "reoffenders": [98], "reoffences": [300],
        "binary_rate_pct": [98.0], "binary_ci_low_pct": [93.0], "binary_ci_high_pct": [99.5],
        "frequency_per_offender": [3.0], "frequency_per_reoffender": [3.06]}))
    assert published.loc[0, "binary_rate_pct"] == "suppressed"
