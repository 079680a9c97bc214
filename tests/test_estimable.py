"""What cannot be estimated from a valid cohort is said in plain words, never a traceback: the
statements, the checks that raise them, the output sink that records them, and the figures and
answers that meet extreme data (rates of 0% or 100%, an empty quarter, no one assessed)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis.data.readers import read_table
from analysis.disclosure import shown_count
from analysis.errors import DataError
from analysis.estimable import NotEstimable, blank_columns_reason, outcome_reason
from analysis.measures.performance import PAN_DORSET_MEASURES
from analysis.models import effects as ef
from analysis.models import survival as sv
from analysis.models.requirements import NOT_CONVERGED, fitting, require_groups
from analysis.presentation import answers
from analysis.presentation import cohort_plots as cp
from analysis.presentation import performance_plots as pp
from analysis.presentation.effects_text import regression_lines, subgroup_gaps
from analysis.presentation.outputs import RunOutput


def _survival_frame(n: int = 40, events: int | None = None, seed: int = 1) -> pd.DataFrame:
    """People with a follow-up time, an event flag, a 0/1 treatment, its label and an age."""
    rng = np.random.default_rng(seed)
    treated = np.arange(n) % 2
    event = rng.integers(0, 2, n) if events is None else np.r_[np.ones(events), np.zeros(n - events)]
    return pd.DataFrame({"time": rng.uniform(10, 365, n), "event": event.astype(int),
                         "treated": treated, "group": np.where(treated == 1, "IOM", "Not on IOM"),
                         "age": rng.integers(18, 60, n).astype(float)})


# --------------------------------------------------------------------------- statements


def test_a_statement_says_what_and_why() -> None:
    err = NotEstimable("The Cox model", "nobody reoffended")
    assert err.statement == "The Cox model could not be estimated: nobody reoffended."
    assert str(err) == err.statement


@pytest.mark.parametrize(("events", "people", "reason"), [
    (0, 10, "nobody reoffended"), (10, 10, "everybody reoffended"), (0, 0, "nobody is left to analyse"),
    (3, 10, None)])
def test_an_outcome_that_never_or_always_happens_has_a_reason(events: int, people: int,
                                                               reason: str | None) -> None:
    assert outcome_reason(events, people) == reason


def test_covariates_blank_for_everyone_are_named() -> None:
    assert blank_columns_reason(["need_drugs"]) == (
        "need_drugs is blank for everyone, so nobody has every covariate recorded (remove them "
        "from data.covariates)")
    assert blank_columns_reason(["a", "b"]).startswith("a, b are blank for everyone")


def test_a_comparison_needs_two_groups_of_at_least_min_cell_people() -> None:
    frame = pd.DataFrame({"treated": [1, 1, 0, 0, 0, 0, 0, 0]})
    with pytest.raises(NotEstimable) as small:
        require_groups(frame, "treated", "The test", {1: "the treated group"})
    assert small.value.statement == ("The test could not be estimated: too few people in the "
                                     "treated group (fewer than 5).")
    with pytest.raises(NotEstimable, match="everybody is in the same group"):
        require_groups(frame.assign(treated=0), "treated", "The test")
    require_groups(frame, "treated", "The test", min_people=2)


def test_a_fit_that_fails_numerically_becomes_a_statement() -> None:
    with pytest.raises(NotEstimable) as err, fitting("The model"):
        np.linalg.solve(np.zeros((2, 2)), np.ones(2))
    assert err.value.statement == f"The model could not be estimated: {NOT_CONVERGED}."


def test_a_headline_count_below_min_cell_reads_less_than_five() -> None:
    assert [shown_count(n) for n in (0, 1, 4, 5, 1234)] == [0, "<5", "<5", 5, 1234]
    assert shown_count(6, min_cell=10) == "<10"


# --------------------------------------------------------------------------- models


def test_survival_models_say_nobody_reoffended() -> None:
    frame = _survival_frame(events=0)
    for fit, what in ((lambda: sv.fit_cox(frame, covariates=["treated", "age"]), "The Cox model"),
                      (lambda: sv.compare_aft(frame, covariates=["treated", "age"]),
                       "The accelerated failure-time models"),
                      (lambda: sv.logrank_tests(frame), "The log-rank tests")):
        with pytest.raises(NotEstimable) as err:
            fit()
        assert err.value.statement == f"{what} could not be estimated: nobody reoffended."


def test_cox_model_says_nobody_has_every_covariate() -> None:
    with pytest.raises(NotEstimable, match="nobody has every covariate and outcome recorded"):
        sv.fit_cox(_survival_frame().iloc[:0], covariates=["treated", "age"])


def test_logrank_tests_are_those_the_parameters_ask_for() -> None:
    frame = _survival_frame(n=60).assign(band=lambda f: np.arange(len(f)) % 3,
                                         area=lambda f: np.where(np.arange(len(f)) < 30, "a", "b"))
    table = sv.logrank_tests(frame, "band", "area")
    assert table["comparison"].tolist() == ["treated vs comparison", "by band",
                                            "treated vs comparison, stratified by area"]
    assert table["p_value"].iloc[0] == pytest.approx(sv.logrank(frame)["p_value"].iloc[0])


def test_rmst_difference_says_why_it_cannot_be_estimated() -> None:
    with pytest.raises(NotEstimable) as none:
        sv.rmst_difference(_survival_frame(events=0).assign(time=400.0), 365.25, "treated", 1, 0)
    assert none.value.statement == ("The difference in restricted mean survival time could not "
                                    "be estimated: nobody reoffended before the horizon (the end "
                                    "of the shorter follow-up of the two groups).")
    with pytest.raises(NotEstimable, match=r"too few people in the comparison group and the "
                                           r"treated group \(fewer than 5\)"):
        sv.rmst_difference(_survival_frame(n=6), 300, "treated", 1, 0)


def test_survival_headline_records_none_for_what_was_not_estimated() -> None:
    frame = _survival_frame(n=8, events=3)
    numbers = sv.headline_numbers(frame, "days", {"IOM": "suppressed"}, None, None, None, None,
                                  None, None)
    assert numbers["events"] == "<5" and numbers["people"] == 8
    assert all(numbers[k] is None for k in ("logrank_p", "cox_treated_hr", "ph_global_p",
                                            "best_aft", "rmst_difference", "time_varying_hr"))


def test_logistic_regression_and_risk_differences_say_everybody_reoffended() -> None:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"treated": np.r_[np.ones(40), np.zeros(160)].astype(int),
                          "age": rng.normal(35, 10, 200), "reoffended": 1})
    with pytest.raises(NotEstimable, match="The logistic regression could not be estimated: "
                                           "everybody reoffended"):
        ef.logistic_adjusted(frame, "reoffended", ["age"])
    estimates = ef.binary_estimates(frame, "reoffended", ["age"], bootstrap=0, progress=False)
    assert estimates.table is None and estimates.aipw is None
    assert set(estimates.weights) == {"Matched", "IPW (ATT)", "IPW (ATE)"}
    with pytest.raises(NotEstimable) as err:
        estimates.risk_differences()
    assert err.value.statement == ("The effect on proven reoffending (risk difference) could "
                                   "not be estimated: everybody reoffended.")


def test_effects_headline_without_an_analysis_sample() -> None:
    numbers = ef.headline_numbers("IOM", 3)
    assert numbers["treatment"] == "IOM" and numbers["n_submitted_treated"] == "<5"
    assert numbers["risk_difference"] is None and numbers["evalue_rr"] is None
    assert numbers["reportable"] is None


def test_subgroups_without_an_estimate_are_named_with_the_reason() -> None:
    table = pd.DataFrame({"subgroup": ["age_band"] * 3 + ["area"] * 2,
                          "level": ["10-14", "18-24", "25-34", "BCP", "Dorset"],
                          "n_treated": [0, 7, 40, 30, 25], "n_comparison": [50, 60, 70, 80, 90],
                          "estimate": [np.nan, np.nan, 0.1, 0.0, -0.1]})
    assert subgroup_gaps(table, ["sex", "age_band", "area"]) == (
        "**Subgroup effects that could not be estimated:** sex (everybody analysed is in one "
        "level of it, or it is not in the data); age_band 10-14 (no treated people); age_band "
        "18-24 (fewer than 10 treated or comparison people).")
    assert subgroup_gaps(table.iloc[2:], ["age_band", "area"]) == ""
    assert regression_lines(None) == ""


# --------------------------------------------------------------------------- output sink


def test_output_sink_records_and_shows_what_could_not_be_estimated(tmp_path: Path) -> None:
    out = RunOutput(tmp_path, "02_survival")

    def nobody() -> None:
        raise NotEstimable("The Cox model", "nobody reoffended")

    assert out.estimate(nobody) is None
    assert out.estimate(lambda x: x + 1, 1) == 2
    out.not_estimated("The Cox model could not be estimated: nobody reoffended.")  # once only
    text = out.answer("By the end of follow-up, 0.0% had reoffended.")
    assert text == ("By the end of follow-up, 0.0% had reoffended. The Cox model could not be "
                    "estimated: nobody reoffended.")
    recorded = json.loads((tmp_path / "results" / "02_survival.json").read_text())
    assert recorded["not_estimated"] == ["The Cox model could not be estimated: nobody reoffended."]
    assert recorded["answer"] == text


def test_output_sink_records_no_statement_when_everything_was_estimated(tmp_path: Path) -> None:
    out = RunOutput(tmp_path, "01_cohort")
    assert out.answer("All measured.") == "All measured."
    assert "not_estimated" not in json.loads((tmp_path / "results" / "01_cohort.json").read_text())


# --------------------------------------------------------------------------- figures and answers


def _rates(rate: float) -> pd.DataFrame:
    # a Wilson limit can differ from a rate of 0% or 100% in its last digit
    return pd.DataFrame({"group": ["IOM", "Not on IOM"], "binary_rate_pct": [rate, rate],
                         "binary_ci_low_pct": [rate + 1e-14, rate - 5.0],
                         "binary_ci_high_pct": [rate + 5.0, rate - 1e-14]})


@pytest.mark.parametrize("rate", [0.0, 100.0])
def test_rate_figures_draw_rates_of_zero_and_one_hundred_percent(rate: float) -> None:
    plt.close(cp.reoffending_rates_figure(_rates(rate), "group"))
    quarterly = _rates(rate).rename(columns={"group": "quarter"}).assign(
        cohort_group=pp.ADULT)
    plt.close(pp.reoffending_trend_figure(quarterly))


def test_needs_that_cannot_be_shown_say_why() -> None:
    nobody = pd.DataFrame({"need": ["need_drugs"], "assessed": [0], "with_need": [0]})
    assert cp.needs_not_shown(nobody) == ("The prevalence of needs could not be estimated: "
                                          "nobody was assessed for any need.")
    few = nobody.assign(assessed=3, with_need=1)
    assert cp.needs_not_shown(few, 5) == ("The prevalence of needs is not shown: each would "
                                          "disclose a count below 5 people.")


def test_trend_figure_leaves_out_a_measure_with_no_one_in_the_quarters_shown() -> None:
    keys = [m.key for m in PAN_DORSET_MEASURES[:2]]
    rows = [{"measure": key, "quarter": q, "denominator": n, "value_pct": 50.0,
             "ci_low_pct": 40.0, "ci_high_pct": 60.0, "status": "Amber", "target_pct": 50.0}
            for key, q, n in [(keys[0], "Q1", 20), (keys[0], "Q2", 20), (keys[1], "Q1", 20),
                              (keys[1], "Q2", 0)]]
    fig = pp.measure_trend_figure(pd.DataFrame(rows), None, ["Q2"])
    assert sum(ax.get_visible() for ax in fig.axes) == 1
    plt.close(fig)


def test_cost_answer_when_nobody_reoffended_and_no_effect_is_available() -> None:
    note = ("No intervention effect is available (the effects notebook recorded no risk "
            "difference in this run and costs.effect is not set), so the costs averted and value "
            "for money are not appraised.")
    text = answers.costs_answer({"price_year": "2023-24", "cost_of_reoffending_gbp": 0.0,
                                 "reoffences_costed": 0, "reoffences_not_costed": 0,
                                 "value_for_money": note})
    assert text == ("Nobody had a proven reoffence within the follow-up, so there is no cost of "
                    f"reoffending. {note}")
    small = answers.costs_answer({"price_year": "2023-24", "cost_of_reoffending_gbp": "<5",
                                  "reoffences_costed": 8, "reoffences_not_costed": "<5"})
    assert "not shown (a small count) of reoffences have no published unit cost" in small


# --------------------------------------------------------------------------- a header-only file


def test_an_offences_file_with_only_a_header_is_read(tmp_path: Path) -> None:
    path = tmp_path / "offences.csv"
    path.write_text("person_id,offence_date\n", encoding="utf-8")
    assert list(read_table(path, header_only=True).columns) == ["person_id", "offence_date"]
    with pytest.raises(DataError, match="the file has no data rows"):
        read_table(path)
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="the file has no data rows"):
        read_table(tmp_path / "empty.csv", header_only=True)
