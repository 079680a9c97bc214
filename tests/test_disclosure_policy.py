"""The disclosure policy from the reader's side: no value withheld by one table is printed by
another, horizons end where the follow-up period does, headline estimates of large groups are
shown, and counts can be rounded to 5.

Every case is a hand-made table or cohort whose expected cells are worked out in the comments.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from analysis import disclosure as dc
from analysis.data.reference import seed_figures
from analysis.measures import performance as pf
from analysis.measures.performance.report_sources import withheld
from analysis.measures.time_scale import calendar_months, horizon_time
from analysis.models import survival as sv
from analysis.params import DisclosureParams
from analysis.presentation import survival_plots as sp
from analysis.presentation import survival_text as svt

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def rounding_to_5() -> Iterator[None]:
    dc.set_policy(5, 5)
    yield
    dc.set_policy()


# ----------------------------------------------------------------------------------------------
# Leak 1: a rate per 1,000 printed by the performance report whose count the custody table hides
# ----------------------------------------------------------------------------------------------

QUARTERS = {"2022/23 Q1": "2022-05-01", "2022/23 Q2": "2022-08-01", "2022/23 Q3": "2022-11-01",
            "2022/23 Q4": "2023-02-01"}


def _custody_cohort() -> pd.DataFrame:
    """Children released from custody (North only): 3 in 2022/23 Q1, 5 in Q2, none in Q3 and Q4,
    and 10 adults on community sentences in each quarter so that every quarter has people."""
    rows = [(f"K{q}{i}", start, "custody_release", 16.0)
            for q, (start, n) in enumerate(zip(QUARTERS.values(), [3, 5, 0, 0], strict=True))
            for i in range(n)]
    rows += [(f"A{q}{i}", start, "community_sentence", 30.0)
             for q, start in enumerate(QUARTERS.values()) for i in range(10)]
    raw = pd.DataFrame(rows, columns=["person_id", "cohort_start", "cohort_start_type", "age"])
    people = raw.assign(cohort_start=pd.to_datetime(raw["cohort_start"]), sex="male", area="North",
                        prior_offences=pd.array([1] * len(raw), dtype="Int64"),
                        prior_offences_12m=pd.array([1] * len(raw), dtype="Int64"))
    for col in ("employed_6w", "employed_6m", "housed_release_night", "settled_accommodation_3m",
                "substance_treatment_need", "engaged_treatment"):
        people[col] = pd.array([None] * len(raw), dtype="Int64")
    return people


def test_the_report_withholds_a_custody_rate_its_table_withholds() -> None:
    extract = pd.Timestamp("2024-12-31")
    frame = pf.performance_frame(_custody_cohort(), None, extract, 12, 6, 4, "custody_release")
    population = pd.DataFrame({"area": ["North", "North"], "year": [2022, 2023],
                               "population_10_17": [71_500, 72_000]})
    youth = pf.youth_justice(frame, population, 5)
    custody = youth.custody.set_index(["area", "quarter"])
    published = youth.custody_published.set_index(["area", "quarter"])
    # The 12 months to 2022/23 Q4 hold 3 + 5 = 8 children: not small, but the window holds
    # Q1's 3, so the custody table hides it (8 - 5 would give the 3 back).
    assert custody.loc[("All areas", "2022/23 Q4"), "custody_12m"] == 8
    assert published.loc[("All areas", "2022/23 Q4"), "rate_per_1000"] == "suppressed"
    targets = pf.pan_dorset_targets(seed_figures())
    report = pf.performance_report(pf.pan_dorset(frame, targets, extract, min_cell=5),
                                   pf.quarterly_reoffending(frame, 5), youth, None, {}, min_cell=5)
    label = "Custody rate per 1,000 10-17 population"
    row = report.layout.set_index("Indicator").loc[label]
    # 8 / 72,000 x 1,000 = 0.11 would give the 8 back from the published population.
    assert row["2022/23 Q4"] == "suppressed"
    long = report.tables()["performance_report_long"]
    cell = long[(long["indicator"] == "custody_rate") & (long["quarter"] == "2022/23 Q4")].iloc[0]
    assert cell["value"] == "suppressed" and cell["numerator"] == "suppressed"
    assert "withheld" not in long.columns


def test_withheld_reads_the_marks_of_the_quoted_table() -> None:
    long = pd.DataFrame({"indicator": ["custody_rate"] * 3 + ["fte_rate"],
                         "quarter": ["Q1", "Q2", "Q3", "Q1"], "numerator": [8, 9, 40, 7]})
    custody = pd.DataFrame({"quarter": ["Q1", "Q2", "Q3"],
                            "rate_per_1000": ["suppressed", "<5", 0.5]})
    hidden = withheld(long, [("custody_rate", custody, "rate_per_1000")])
    assert hidden.tolist() == [True, True, False, False]
    assert dc.is_withheld(pd.Series(["<5", "suppressed", 3, None, "n/a"])).tolist() == [
        True, True, False, False, False]


# ----------------------------------------------------------------------------------------------
# Leak 2: notebook 02's sentences and figures read the published horizons only
# ----------------------------------------------------------------------------------------------


def _hidden_six_months() -> pd.DataFrame:
    """A published horizons table whose 6-month row of group A is withheld."""
    return pd.DataFrame({
        "group": ["A", "A", "B", "B"], "time": [182.0, 366.0, 182.0, 366.0], "months": [6, 12, 6, 12],
        "survival": ["suppressed", 0.7, 0.8, 0.75],
        "cumulative_reoffended_pct": ["suppressed", 30.0, 20.0, 25.0],
        "cumulative_ci_low_pct": ["suppressed", 22.5, 18.0, 23.0],
        "cumulative_ci_high_pct": ["suppressed", 38.0, 22.0, 27.0],
        "at_risk": ["suppressed", 40, 300, 280], "events": ["<5", 20, 80, 100]})


def test_horizon_sentences_never_print_a_withheld_value() -> None:
    text = svt.horizon_lines(_hidden_six_months())
    assert text.splitlines() == [
        "A at 6 months: not shown (small numbers)",
        "A at 12 months: 30.0% reoffended (95% CI 22.5 to 38.0)",
        "B at 6 months: 20.0% reoffended (95% CI 18.0 to 22.0)",
        "B at 12 months: 25.0% reoffended (95% CI 23.0 to 27.0)"]


def test_notebook_02_prints_horizons_from_the_published_table() -> None:
    cells = json.loads((ROOT / "notebooks" / "02_survival.ipynb").read_text())["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    printed = [c for c in code if "cumulative_reoffended_pct" in c and "print(" in c]
    assert printed == [], "a sentence prints estimates from an unpublished table"
    assert any("svt.horizon_lines(published_horizons)" in c for c in code)
    figures = [c for c in code if "svp.km_figure(" in c]
    assert figures and all(c.count("horizons=published_horizons") == c.count("svp.km_figure(")
                           for c in figures)


def _two_groups() -> pd.DataFrame:
    # group A: 10 people reoffending on days 10, 20, ..., 100; group B: 10 people, none.
    return pd.DataFrame({"time": [10.0 * i for i in range(1, 11)] + [366.0] * 10,
                         "event": [1] * 10 + [0] * 10, "group": ["A"] * 10 + ["B"] * 10})


def test_km_figure_draws_no_curve_whose_horizon_values_are_withheld() -> None:
    published = _hidden_six_months()
    at_risk = pd.DataFrame({"group": ["A", "A", "B", "B"], "months": [0, 6, 0, 6],
                            "time": [0.0, 182.0, 0.0, 182.0], "at_risk": [60, "suppressed", 400, 300],
                            "events": [0, "<5", 0, 80]})
    fig = sp.km_figure(_two_groups(), group_col="group", horizons=published, at_risk=at_risk,
                       horizon_label="12 months")
    ax = fig.axes[0]
    drawn = [line.get_label() for line in ax.get_lines() if len(line.get_xdata())]
    assert drawn == ["B"]
    assert "A (not drawn: small numbers)" in [t.get_text() for t in ax.get_legend().get_texts()]
    # The title and the numbers at risk are the table's.
    assert ax.get_title(loc="left") == "Reoffended within 12 months: A 30.0% vs B 25.0%"
    texts = [t.get_text() for t in ax.texts]
    assert {"60", "suppressed", "400", "300"} <= set(texts)
    plt.close(fig)


def test_cumulative_incidence_title_reads_the_published_table() -> None:
    frame = pd.DataFrame({"time": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "event": [1, 0, 1, 0, 1, 0],
                          "competing_event": [0, 1, 0, 0, 0, 0]})
    published = pd.DataFrame({"group": ["All"], "time": [6.0], "months": [12],
                              "aj_cif_pct": [41.2], "one_minus_km_pct": [45.0], "events": [3]})
    fig = sp.cumulative_incidence_figure(sv.cumulative_incidence(frame), horizon=6,
                                         horizon_label="12 months", horizons=published)
    assert fig.axes[0].get_title(loc="left").startswith("41.2% reoffended within 12 months; 1 - KM")
    withheld = published.assign(aj_cif_pct=["suppressed"], one_minus_km_pct=["suppressed"])
    fig2 = sp.cumulative_incidence_figure(sv.cumulative_incidence(frame), horizon=6,
                                          horizon_label="12 months", horizons=withheld)
    assert "not shown" in fig2.axes[0].get_title(loc="left")
    assert not any(len(line.get_xdata()) for line in fig2.axes[0].get_lines())
    plt.close(fig)
    plt.close(fig2)


# ----------------------------------------------------------------------------------------------
# Horizons at the end of the follow-up period: k calendar months from each person's start
# ----------------------------------------------------------------------------------------------


def _records_cohort() -> pd.DataFrame:
    """Six people of the records form (time in days, the start day counted as day 1)."""
    return pd.DataFrame({
        "person_id": ["P1", "P2", "P3", "P4", "P5", "P6"],
        "cohort_start": pd.to_datetime(["2023-01-31", "2023-03-01", "2023-06-15", "2023-02-10",
                                        "2023-05-31", "2023-01-01"]),
        # P1: 12 months from 31 Jan 2023 end on 30 Jan 2024, day 365: completed.
        # P2: 1 Mar 2023 to 29 Feb 2024 is 366 days: completed.
        # P3: reoffended on day 200. P4: left follow-up (competing exit) on day 100.
        # P5: reoffended on day 366, the last day of its year (over 29 Feb 2024).
        # P6: 1 Jan to 31 Dec 2023, 365 days: completed.
        "time": [365, 366, 200, 100, 366, 365],
        "event": [0, 0, 1, 0, 1, 0],
        "group": "all"})


def test_calendar_months_end_on_each_persons_anniversary() -> None:
    frame = _records_cohort()
    months = calendar_months(frame, "days")
    assert months[[0, 1, 4, 5]].tolist() == [12.0, 12.0, 12.0, 12.0]
    # 31 January + 3 months is 30 April: day 89 is the end of P1's third month.
    p1 = frame.iloc[[0]].assign(time=89)
    assert calendar_months(p1, "days").tolist() == [3.0]
    assert horizon_time(frame, 12, "days") == 366.0  # the longest year of the cohort
    assert horizon_time(frame, 3, "days") == 92.0
    # Without start dates a month is 30.4375 days (7-day weeks).
    weeks = pd.DataFrame({"time": [52.0]})
    assert calendar_months(weeks, "weeks")[0] == pytest.approx(52 * 7 / 30.4375)


def test_at_risk_at_12_months_is_the_people_who_completed_the_follow_up() -> None:
    frame = _records_cohort()
    counts = sv.counts_at_horizons(frame, [0, 12], "days", group_col="group").set_index("months")
    # Completed without reoffending: P1, P2, P6; reoffended within 12 months: P3 and P5 (on the
    # last day); follow-up ended earlier: P4. At 365.25 days P1 and P6 would count as censored
    # and P5's reoffence would be missed.
    assert counts.loc[12.0, ["at_risk", "events", "censored"]].tolist() == [3, 2, 1]
    assert counts.loc[0.0, ["at_risk", "events", "censored"]].tolist() == [6, 0, 0]
    assert counts.loc[12.0, "time"] == 366.0
    at = sv.survival_at_horizons(frame, [12], "days", group_col="group").iloc[0]
    # Kaplan-Meier on each person's calendar: P4 censored (3.3 months), P3 reoffends with 5 at
    # risk (4/5), P5 reoffends at 12 with 4 at risk (3/4): S = 0.6.
    assert at["survival"] == pytest.approx(0.6)
    assert at["months"] == 12 and at["time"] == 366.0


def test_survival_form_horizons_are_unchanged() -> None:
    # Weekly follow-up to 52 weeks: the 12-month horizon is cut to 52 weeks and all are at risk.
    frame = pd.DataFrame({"time": [5.0, 20.0, 52.0, 52.0, 52.0], "event": [1, 1, 0, 0, 0]})
    at = sv.survival_at_horizons(frame, [3, 12], "weeks")
    old = sv.survival_at(frame, [3 * 30.4375 / 7, 52.0])
    assert at["survival"].tolist() == old["survival"].tolist()
    assert at["time"].tolist() == [pytest.approx(3 * 30.4375 / 7), 52.0]
    counts = sv.counts_at_horizons(frame, [12], "weeks").iloc[0]
    assert [counts["at_risk"], counts["events"], counts["censored"]] == [3, 2, 0]


# ----------------------------------------------------------------------------------------------
# A headline estimate of a group of 100 or more is not suppressed for a small count elsewhere
# ----------------------------------------------------------------------------------------------


def _horizon_tables(size: int, events: int, censored: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    at_risk = size - events - censored
    counts = pd.DataFrame({"group": ["G", "G"], "time": [0.0, 182.0], "at_risk": [size, at_risk],
                           "events": [0, events], "censored": [0, censored]})
    s = at_risk / (at_risk + censored) * (1 - events / size)
    at_times = pd.DataFrame({"group": ["G"], "time": [182.0], "survival": [s],
                             "cumulative_reoffended_pct": [100 * (1 - s)]})
    return at_times, counts


def test_headline_survival_of_a_large_group_is_shown_beside_a_small_censored_count() -> None:
    # 3,426 people, 610 reoffended by 6 months, 2 left follow-up earlier (not printed, but the
    # size minus the two printed counts): at risk is hidden to protect the 2, the estimate stays.
    at_times, counts = _horizon_tables(3426, 610, 2)
    row = sv.published_horizons(at_times, counts, 5).iloc[0]
    assert row["survival"] == pytest.approx(at_times["survival"].iloc[0])
    assert row["events"] == 610 and row["at_risk"] == "suppressed"
    assert "censored" not in sv.published_horizons(at_times, counts, 5).columns
    # Exactly 100 people: still a headline estimate.
    at_times, counts = _horizon_tables(100, 20, 3)
    assert dc.shows_number(sv.published_horizons(at_times, counts, 5).iloc[0]["survival"])


def test_estimates_of_small_groups_or_from_small_counts_stay_hidden() -> None:
    # 99 people with 2 censored: the smaller group's estimate is hidden with the counts.
    at_times, counts = _horizon_tables(99, 20, 2)
    assert sv.published_horizons(at_times, counts, 5).iloc[0]["survival"] == dc.SUPPRESSED
    # 3,000 people but 3 reoffended: the estimate gives its own small numerator back.
    at_times, counts = _horizon_tables(3000, 3, 0)
    row = sv.published_horizons(at_times, counts, 5).iloc[0]
    assert row["survival"] == dc.SUPPRESSED and row["events"] == "<5"
    # 3,000 people, all but 2 reoffended: hidden too (the people without the event).
    at_times, counts = _horizon_tables(3000, 2998, 0)
    assert sv.published_horizons(at_times, counts, 5).iloc[0]["survival"] == dc.SUPPRESSED


# ----------------------------------------------------------------------------------------------
# Rounding to the nearest 5
# ----------------------------------------------------------------------------------------------


def test_counts_round_to_5_on_top_of_the_threshold(rounding_to_5: None) -> None:
    df = pd.DataFrame({"offenders": [3, 40, 62, 0], "reoffenders": [0, 7, 38, 0],
                       "rate": [0.0, 17.5, 61.3, np.nan]})
    out = dc.suppress_counts(df, ["offenders", "reoffenders"], ["rate"])
    assert out["offenders"].tolist() == ["<5", 40, 60, 0]
    assert out["reoffenders"].tolist() == [0, 5, 40, 0]  # 7 reads 5, 38 reads 40
    assert out["rate"].tolist()[:3] == ["suppressed", 17.5, 61.3]  # from the exact counts
    assert dc.policy() == dc.Policy(5, 5)


def test_round_counts_halves_up_and_leaves_marks() -> None:
    values = pd.Series([1, 2, 3, 7, 8, 12, 13, "<5", "suppressed", None], dtype=object)
    assert dc.round_counts(values, 5).tolist()[:7] == [0, 0, 5, 5, 10, 10, 15]
    assert dc.round_counts(values, 5).tolist()[7:9] == ["<5", "suppressed"]
    assert dc.round_counts(values, None) is values
    assert dc.policy().rounding is None  # off unless a run asks for it


def test_rounding_is_a_parameter() -> None:
    assert DisclosureParams().rounding is None
    assert DisclosureParams(rounding=5).rounding == 5
    with pytest.raises(ValidationError):
        DisclosureParams(rounding=1)


def test_the_report_rounds_the_counts_it_shows(rounding_to_5: None) -> None:
    long = pd.DataFrame({"indicator": "fte_count", "label": "FTE", "unit": "count",
                         "quarter": ["2022/23 Q1", "2022/23 Q2", pf.ALL], "value": [19.0, 23.0, 42.0],
                         "numerator": [19.0, 23.0, 42.0], "denominator": np.nan, "ci_low": np.nan,
                         "ci_high": np.nan, "target": None, "target_text": "", "status": "",
                         "notes": ""})
    row = pf.report_layout(long, 5).set_index("Indicator").iloc[
        [i.key for i in pf.REPORT_INDICATORS].index("fte_count")]
    assert [row["2022/23 Q1"], row["2022/23 Q2"], row[pf.ALL]] == ["20", "25", "40"]


def _quarters(counts: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"quarter": [f"Q{i}" for i in range(len(counts))] + ["All cohorts"],
                         "n": counts + [sum(counts)]})


@pytest.mark.parametrize(("counts", "unpinned"), [
    ([1, 1, 1, 1, 1, 1, 0, 0], True),   # six "<5" of a total of 6: each is 1
    ([4, 4], True),                     # two "<5" of 8, nothing else hidden: each is 4
    ([4, 4, 20], True),                 # the same beside a shown part
    ([2, 3, 20], False),                # 1 to 4 each, several ways: the marks stay
    ([1, 1, 7, 30], True),              # two "<5" of the 2 the shown parts leave: each is 1
    ([1, 7, 30], False),                # a "suppressed" 7 beside it: the "<5" is 1 to 4
])
def test_small_marks_a_shown_total_would_pin_read_suppressed(counts: list[int],
                                                             unpinned: bool) -> None:
    exact = _quarters(counts)
    published = pf.published.publish(exact, ["n"], [], 5, sets=True)
    small = [i for i, c in enumerate(counts) if 0 < c < 5]
    marks = published.loc[small, "n"].tolist()
    assert marks == (["suppressed"] * len(small) if unpinned else ["<5"] * len(small))
    assert published["n"].iloc[-1] == sum(counts)   # the total stays shown


def test_no_status_is_published_beside_a_hidden_rate() -> None:
    # 8 of 10 adults in work at six weeks in each quarter: the 2 without are hidden, and so is
    # the rate, whose Red/Amber/Green status would say on which side of the target it lies
    people = _custody_cohort()
    adults = people["person_id"].str.startswith("A")
    people.loc[adults, "employed_6w"] = [1 if int(p[2:]) < 8 else 0
                                         for p in people.loc[adults, "person_id"]]
    extract = pd.Timestamp("2024-12-31")
    frame = pf.performance_frame(people, None, extract, 12, 6, 4, "custody_release")
    targets = pf.pan_dorset_targets(seed_figures())
    measures = pf.pan_dorset(frame, targets, extract, min_cell=5)
    population = pd.DataFrame({"area": ["North", "North"], "year": [2022, 2023],
                               "population_10_17": [71_500, 72_000]})
    report = pf.performance_report(measures, pf.quarterly_reoffending(frame, 5),
                                   pf.youth_justice(frame, population, 5), None, {}, min_cell=5)
    tables = {**measures.tables(), **report.tables()}
    checked = 0
    for name, value in (("pan_dorset_measures", "value_pct"),
                        ("pan_dorset_measures_by_quarter", "value_pct"),
                        ("performance_report_long", "value")):
        table = tables[name]
        hidden = dc.is_withheld(table[value]) & table["status"].fillna("").ne("")
        assert (table.loc[hidden, "status"] == "Not rated").all(), name
        checked += int(hidden.sum())
    assert checked >= 3
