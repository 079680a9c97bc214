"""Notebook 03 (intervention effects) prints, tabulates and draws no count of 1 to 4 people.

The counts are those of a partnership's cohort of 40 measurable people, 20 on IOM
(``measurable_people(..., 40)`` of ``tests/extreme_cohorts.py``): 14 treated and 18 comparison
people have every covariate and outcome recorded, and 1 of each lies within common support. The
doubly robust case is that of ``tests/test_effects_headline_disclosure.py``: 3 of 14 comparison
people in its common support reoffended, so its risks, and the risk ratio that would give them
back, are withheld.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from test_effects_headline_disclosure import EVERYONE, SUPPORT, _aipw, _table

from analysis.disclosure import undrawn_bars
from analysis.measures.cohort import published_flow
from analysis.models import effects as ef
from analysis.models.effects import matching as mt
from analysis.presentation import effects_plots as efp
from analysis.presentation import effects_text as eft


def _flags(treated: int, comparison: int) -> pd.Series:
    return pd.Series([1] * treated + [0] * comparison)


def _attrition(support: tuple[int, int] = (1, 1)) -> pd.DataFrame:
    return mt.published_attrition(mt.attrition_table([
        ("Submitted (analysis cohort)", _flags(20, 20)),
        ("Covariates and outcomes recorded", _flags(14, 18)),
        ("Within common support", _flags(*support)),
        ("Matched", _flags(0, 0)),
        ("Analysed", _flags(0, 0)),
    ]))


def test_the_reportability_reason_prints_no_small_count() -> None:
    reasons = ef.reportability(1, 0).set_index("measure")["reason"]
    assert reasons["one-year proven reoffending"] == "<5 treated people, fewer than the minimum 60"
    # 1 treated person, none reoffending: the number of reoffenders would give the one who did not
    assert reasons["time to first proven reoffence"] == (
        "<5 treated people, fewer than the minimum 60; fewer treated reoffenders than the "
        "minimum 30")
    assert ef.reportability(14, 3).loc[2, "reason"] == (
        "14 treated people, fewer than the minimum 60; <5 treated reoffenders, fewer than the "
        "minimum 30")
    assert ef.reportability(40, 12).loc[2, "reason"] == (
        "40 treated people, fewer than the minimum 60; 12 treated reoffenders, fewer than the "
        "minimum 30")


def test_a_loss_beside_a_small_count_left_reads_suppressed() -> None:
    attrition = _attrition()
    # 14 - 13 = 1 treated and 18 - 17 = 1 comparison person within common support
    assert attrition.loc[2, ["treated", "comparison", "treated_lost", "comparison_lost"]].tolist() == [
        "<5", "<5", "suppressed", "suppressed"]
    # a small loss between two shown totals stays (policy item 6): 18 of 20 recorded
    assert attrition.loc[1, ["comparison", "comparison_lost"]].tolist() == [18, "<5"]
    assert eft.attrition_lines(attrition).splitlines()[2] == (
        "Within common support: <5 treated, <5 comparison")
    support = attrition.iloc[1:3]
    assert eft.support_lines(support) == "within common support: <5 treated, <5 comparison"
    assert eft.support_left_out(support) == (
        "Left out: suppressed treated and suppressed comparison people.")
    assert eft.support_title(0.996, 30, support) == "Propensity scores: c-statistic 1.00"


def test_losses_beside_shown_counts_are_printed() -> None:
    support = _attrition((11, 8)).iloc[1:3]
    assert support.iloc[1][["treated_lost", "comparison_lost"]].tolist() == ["<5", 10]
    assert eft.support_lines(support) == "within common support: 11 treated, 8 comparison"
    assert eft.support_left_out(support) == "Left out: <5 treated and 10 comparison people."
    assert eft.support_title(0.8123, 13, support) == (
        "Propensity scores: c-statistic 0.81; 13 people outside common support")


def test_the_record_flow_hides_an_exclusion_beside_a_small_count_kept() -> None:
    flow = pd.DataFrame({"step": ["records", "measurable", "released"],
                         "people": [40, 38, 3], "excluded": [0, 2, 35]})
    assert published_flow(flow)[["people", "excluded"]].values.tolist() == [
        [40, 0], [38, "<5"], ["<5", "suppressed"]]


def _published(dr: ef.AIPWResult) -> pd.DataFrame:
    return ef.published_means(_table(dr), SUPPORT, "reoffended", samples={"Unadjusted": EVERYONE})


def test_the_evalues_of_a_withheld_risk_ratio_read_suppressed() -> None:
    dr = _aipw()
    evalues = ef.evalue_table(dr, {"hazard_ratio": 0.8, "ci_low": 0.6, "ci_high": 1.1})
    shown = ef.published_evalues(evalues, dr, _published(dr))
    assert shown.loc[0, ["estimate", "ci_low", "rr", "evalue", "evalue_ci"]].tolist() == [
        "suppressed"] * 5
    assert shown.loc[1, "estimate"] == 0.8
    assert eft.evalue_lines(shown) == (
        "risk ratio (doubly robust): suppressed\n"
        "hazard ratio (IPW ATT): 0.800, E-value 1.81 (CI limit 1.00)")


def _not_significant(dr: ef.AIPWResult) -> ef.AIPWResult:
    return replace(dr, ci_low=-0.1, p_value=0.3)


def test_the_statement_and_title_use_only_what_the_table_shows() -> None:
    dr = _not_significant(_aipw())
    published = _published(dr)
    summary = ef.published_summary(dr, published, "IOM")
    # the treated people needed for a difference of this size would give the treated risk back
    assert summary == ("For every 100 people like those treated, the number who "
                              "reoffended within one year could be anywhere from 10 fewer to "
                              "58 more than without IOM. This is not a statistically "
                              "significant result (p = 0.300): the analysis cannot say whether "
                              "IOM changed proven reoffending; it does not show that it had no "
                              "effect.")
    assert efp.estimates_title("IOM", ef.shown_estimate(dr, published)) == (
        "IOM: doubly robust risk difference +34.7 points")
    # a doubly robust row the table hides: no statement, and a title without its estimate
    hidden = published.assign(estimate="suppressed", ci_low="suppressed", ci_high="suppressed")
    assert ef.published_summary(dr, hidden, "IOM") is None
    assert efp.estimates_title("IOM", ef.shown_estimate(dr, hidden)) == (
        "IOM: risk difference by method")
    assert eft.estimate_lines(published).splitlines()[1] == "IPW (ATT): suppressed"


def test_shown_risks_keep_the_sample_size_sentence() -> None:
    dr = _not_significant(_aipw(11 / 17, 14 / 31))
    support = pd.concat([EVERYONE.iloc[:17], EVERYONE.iloc[30:44], EVERYONE.iloc[55:]])
    published = ef.published_means(_table(dr), support, "reoffended",
                                   samples={"Unadjusted": EVERYONE})
    summary = ef.published_summary(dr, published, "IOM")
    assert summary is not None and summary.endswith(
        "(this analysis has 17) with 1 matched comparison each would be needed.")
    evalues = ef.evalue_table(dr)
    assert ef.published_evalues(evalues, dr, published) is evalues


@pytest.mark.parametrize(("counts", "hidden"), [
    ([0, 2, 7, 30, 1, 0], [False, True, True, False, True, False]),  # 2 + 1: the 7 too
    ([0, 3, 20], [False, True, True]),                                # 23 - 20 would give 3
    ([6, 5, 2, 2], [False, True, True, True]),                        # 2 + 2: the 5 too
    ([6, 0, 40], [False, False, False]),
])
def test_the_bars_not_drawn_hold_none_or_at_least_five(counts: list[int],
                                                      hidden: list[bool]) -> None:
    assert undrawn_bars(np.array(counts)).tolist() == hidden


def test_a_shown_whole_number_printed_with_decimals_is_not_a_hidden_value() -> None:
    from analysis.disclosure.text import Hidden, printed_elsewhere

    # a withheld E-value of 2.0000002 and a shown mean of 2 reoffences, printed 2.000
    hidden = [Hidden("evalues", "evalue, row 1", "derived", 2.000000236, 0)]
    text = {"notebook": "2  IPW (ATT)  ratio  reoffences  2.000  0.8839  2.2628"}
    assert len(printed_elsewhere(hidden, text)) == 1
    assert printed_elsewhere(hidden, text, [Hidden("frequency", "mean", "derived", 2.0)]) == []
