"""The report's front page and every-number table, written from a small run folder made here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_run import PARAMETERS, RESULTS, make_run

from analysis.presentation.report_front import ANSWER_ID, front_page
from analysis.presentation.report_numbers import format_value, headline_rows, numbers_section
from analysis.presentation.run_files import RunFiles
from analysis.presentation.run_summary import per_hundred, summarise
from analysis.presentation.summary_money import money


@pytest.fixture
def run(tmp_path: Path) -> RunFiles:
    return make_run(tmp_path)


@pytest.mark.parametrize(("rd", "ci", "expected"), [
    (-0.117, (-0.207, -0.032), ("about 12 fewer people", "(95% CI 3 to 21)")),
    (-0.083, (-0.162, 0.0006), ("about 8 fewer people", "(95% CI from 16 fewer to 0.1 more)")),
    (0.009, (-0.048, 0.083), ("about 1 more person", "(95% CI from 5 fewer to 8 more)")),
    (0.004, (-0.048, 0.083), ("about 0.4 more people", "(95% CI from 5 fewer to 8 more)")),
    (0.012, (0.004, 0.02), ("about 1 more person", "(95% CI 0.4 to 2)")),
])
def test_effect_per_hundred_people(rd: float, ci: tuple[float, float],
                                   expected: tuple[str, str]) -> None:
    assert per_hundred(rd, ci) == expected


def test_front_page_answers_the_question_from_results_and_tables(run: RunFiles) -> None:
    s = summarise(run)
    assert s.question == ("Did Integrated Offender Management reduce reoffending, and is it worth "
                          "what it costs?")
    assert s.verdict == "Yes, it reduced reoffending."
    assert s.effect == ("About 12 fewer people in every 100 given Integrated Offender Management "
                        "reoffended within 12 months than would have without it (95% CI 3 to 21).")
    assert s.certainty.startswith("How sure: p = 0.008; the 95% interval does not include zero")
    assert s.raw_vs_adjusted == (
        "IOM's raw rate looks worse (IOM 32.5%, Not on IOM 25.9%) because IOM takes higher-risk "
        "people: people like them reoffended at an estimated 40.7% without it.")
    assert s.for_whom == ("No subgroup stands out: the effect did not differ by age band and area "
                          "beyond chance (Holm-adjusted p ≥ 0.62). Not testable (too few people): "
                          "sex.")
    assert s.data.startswith("Synthetic pan-Dorset cohort: 3,577 people measured (of 4,000 read), "
                             "151 in the IOM group, cohorts starting 2021/22 Q4 to 2023/24 Q4 in "
                             "BCP and Dorset; each followed for 12 months; extract of 2025-09-30.")
    # only measures with a status from their published table, never a suppressed value
    assert [(m.label, m.value, m.interval, m.status) for m in s.measures] == [
        ("Adults employed six months after release", "31.8%", "(29.0 to 34.7%)", "Red")]


def test_money_names_point_value_first_then_range_and_illustrative_inputs(run: RunFiles) -> None:
    m, note = money(run)
    assert m is not None and note == ""
    assert m.npv == "£87,718"
    assert m.detail == ("£465,218 of crime costs averted (present value, 2023-24 prices) for a "
                        "programme cost of £377,500: £1.23 back for every £1.")
    assert m.monte_carlo == ("Varying the uncertain inputs (10,000 draws): 90% of net values "
                             "between -£82,169 and £1,445,329 (mean £553,878); benefit exceeds "
                             "cost in 91% of draws.")
    assert m.assumptions == [
        ("Programme cost £2,500 per person", True),
        ("Proven offences only; 1 to 3 offences per proven offence in the draws", True),
        ("Unit costs of crime at 2023-24 prices; ±25% in the draws", False),
        ("Benefit of 1 year, discounted at 3.5% a year", False)]
    assert m.moves_most == ("Moves most with: offences per proven offence (£87,718 to "
                            "£1,018,153); years of benefit (£87,718 to £971,489).")


def test_no_programme_cost_means_no_value_for_money(tmp_path: Path) -> None:
    results = {**RESULTS, "04_cost_of_crime": {**RESULTS["04_cost_of_crime"],
                                               "programme_cost_gbp": 0.0}}
    m, note = money(make_run(tmp_path, results=results))
    assert m is None and note.startswith("No programme cost in pounds is set")


def test_survival_form_front_page_has_time_to_reoffence_and_no_money(tmp_path: Path) -> None:
    params = {**PARAMETERS, "data": {**PARAMETERS["data"], "form": "survival",
                                     "treatment_labels": {"0": "No aid", "1": "Aid"}}}
    results = {**RESULTS, "03_intervention_effects": {
        **RESULTS["03_intervention_effects"], "treatment": "Financial aid",
        "risk_difference": -0.083, "risk_difference_ci": [-0.162, 0.0006],
        "risk_difference_p": 0.05006}}
    s = summarise(make_run(tmp_path, results=results, parameters=params))
    assert s.money is None and s.measures == []
    assert s.question == "Did Financial aid reduce reoffending?"
    assert s.verdict == "Not proven: the data cannot tell."
    assert "p = 0.050; the 95% interval includes zero" in s.certainty
    page = front_page(s, "")
    assert "Time to reoffence" in page and "What it is worth" not in page
    assert "Hazard ratio 0.66 (95% CI 0.46 to 0.95): a 34% lower rate" in page


def test_front_page_html_has_the_answer_and_rag_statuses(run: RunFiles) -> None:
    page = front_page(summarise(run), '<a href="#numbers">Every number</a>')
    assert f'id="{ANSWER_ID}"' in page
    assert '<span class="rag rag-red">Red</span>' in page
    assert "≥ 38%" in page and ">= 38%" not in page
    assert page.count('<span class="tag">illustrative</span>') == 2


@pytest.mark.parametrize(("value", "kind", "expected"), [
    (53370.0, "gbp", "£53,370"), (-82168.6, "gbp", "-£82,169"), (0.00012, "p", "p < 0.001"),
    (0.0389, "p", "p = 0.039"), (-0.117, "pp", "-11.7 points"), (26.2231, "pct", "26.2%"),
    ([0.4621, 0.9461], "ratio", "0.46 to 0.95"), (0, "n", "0"), (None, "num", "not available"),
    ("suppressed", "pct", "not shown (a small count)"), (True, "yesno", "Yes"),
    (["prior_offences_12m"], "names", "prior offences 12m"), (15497367.92, "num", "15,497,368"),
    (2023, "text", "2023"),
])
def test_headline_values_are_written_with_units(value: object, kind: str, expected: str) -> None:
    if kind == "names":  # the words of a variable come from the labels mapping when present
        assert "_" not in format_value(value, kind)
        return
    assert format_value(value, kind) == expected


def test_every_number_has_a_plain_label_and_no_exponent(run: RunFiles) -> None:
    section = numbers_section(run.results)
    cells = re.findall(r"<td>(.*?)</td>", section)
    assert cells and not any(re.search(r"\de[+-]\d", c) for c in cells)
    labels = [label for values in RESULTS.values() for label, _, _ in headline_rows(values)]
    assert not any("_" in label for label in labels), labels
    rows = {label: (value, note) for label, value, note in headline_rows(RESULTS["04_cost_of_crime"])}
    assert rows["Net present value at the point estimates"][0] == "£87,718"
    assert rows["Unit costs checked against the published report"] == (
        "0", "provenance flag: the others are transcribed and not yet checked against the report "
             "itself, so provisional")
    effects = {label: value for label, value, _ in headline_rows(RESULTS["03_intervention_effects"])}
    assert effects["Effect by method: Matching"] == "-13.2 points (95% CI -24.7 to -1.7 points)"


def test_illustrative_inputs_must_be_keys_of_costs() -> None:
    import yaml

    from analysis.errors import ParameterError
    from analysis.params import load_params

    path = Path(__file__).resolve().parents[1] / "params/default.yaml"
    costs = yaml.safe_load(path.read_text())["costs"]
    assert load_params(path).costs.illustrative == [
        "programme_cost_per_person", "recorded_to_actual_range", "unit_cost_uncertainty"]
    with pytest.raises(ParameterError, match="costs.illustrative: Value error, not a key of "
                                             "costs: nope"):
        load_params(path, {"costs": {**costs, "illustrative": ["nope"]}})


def test_a_run_with_nothing_estimated_still_gets_a_front_page(tmp_path: Path) -> None:
    results = {"01_cohort": {"people_read": 12, "people_in_cohort": 0, "treated": None,
                             "rates_by_group_pct": {"IOM": "suppressed"}},
               "03_intervention_effects": {"risk_difference": None, "treatment": "IOM"},
               "04_cost_of_crime": {"npv_gbp": None}}
    s = summarise(make_run(tmp_path, results=results, parameters={}, tables={}))
    assert s.verdict == "Not estimated in this run." and s.money is None
    assert s.raw_vs_adjusted == "" and s.for_whom == "" and s.measures == []
    page = front_page(s, "")
    assert "Not estimated in this run." in page and "Value for money was not appraised" in page
