"""A partnership's cohort of a few hundred people publishes its performance measures.

The people of a quarter without the outcome (the denominator less the numerator) are a cell
too: where a ``"<5"`` numerator beside a shown denominator would pin them to 1 to 4, the
numerator reads ``"suppressed"``, alike in every table that publishes it
(:func:`analysis.disclosure.unpinned_rests`). The cohort of 200 people is cut from the small
bundled one (``tests/extreme_cohorts.py``, ``two_hundred_people``); before this rule its
performance notebook was discarded by the disclosure audit.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from extreme_cohorts import small_counts, write_case

from analysis.disclosure import (
    pinned_totals,
    set_floors,
    set_policy,
    suppress_counts,
    unpinned_rests,
)
from analysis.disclosure.audit import audit_tables
from analysis.disclosure.ledger import table_ledger

ROOT = Path(__file__).resolve().parents[1]


def _rates(offenders: list[int], reoffenders: list[int]) -> pd.DataFrame:
    table = pd.DataFrame({"quarter": [f"Q{i + 1}" for i in range(len(offenders))],
                          "offenders": offenders, "reoffenders": reoffenders})
    table["binary_rate_pct"] = 100 * table["reoffenders"] / table["offenders"]
    return suppress_counts(table, ["offenders", "reoffenders"], ["binary_rate_pct"],
                           complements={"reoffenders": "offenders"})


def _findings(published: pd.DataFrame) -> list[str]:
    text = published.astype(str)
    return [str(f) for f in audit_tables({"rates": text},
                                         {"rates": table_ledger("rates", published)}).findings]


def test_a_small_count_whose_rest_would_be_pinned_reads_suppressed() -> None:
    # 5 offenders, 2 reoffenders: "<5" would say 1 to 4 did not reoffend (5 - 4 to 5 - 1)
    out = _rates([5, 40], [2, 20])
    assert out.loc[0, ["offenders", "reoffenders", "binary_rate_pct"]].tolist() == [
        5, "suppressed", "suppressed"]
    assert out.loc[1, ["offenders", "reoffenders"]].tolist() == [40, 20]
    assert _findings(out) == []
    pinned = out.astype(object).copy()
    pinned.loc[0, "reoffenders"] = "<5"
    assert _findings(pinned) == [
        "rates.csv: offenders not in reoffenders (not printed), row 1 (quarter=Q1): a count of 1 "
        "to 4 can be worked out to lie between 1 and 4 (b: a total minus the shown parts)"]


def test_a_small_rest_is_suppressed_with_its_count() -> None:
    # 7 of 10 reoffended: the 3 who did not follow by subtraction
    out = _rates([10], [7])
    assert out.loc[0, ["offenders", "reoffenders", "binary_rate_pct"]].tolist() == [
        10, "suppressed", "suppressed"]
    assert _findings(out) == []


@pytest.mark.parametrize(("offenders", "reoffenders", "shown"), [
    (6, 2, "<5"),       # 2 to 5 did not reoffend: not pinned to 1 to 4
    (4, 2, "<5"),       # the offenders read "<5" too: 0 to 3 did not reoffend
    (20, 10, 10),       # nothing small: shown as it is
    (5, 0, 0),          # 0 of 5: the 5 who did not reoffend are shown
])
def test_safe_cells_keep_their_marks_and_values(offenders: int, reoffenders: int,
                                                 shown: object) -> None:
    out = _rates([offenders], [reoffenders])
    assert out.loc[0, "reoffenders"] == shown
    assert _findings(out) == []


def test_with_rounding_the_marks_are_left_as_they_are() -> None:
    published = pd.DataFrame({"offenders": [5], "reoffenders": ["<5"]})
    try:
        set_policy(5, rounding=5)
        assert unpinned_rests(published, {"reoffenders": "offenders"}).loc[0, "reoffenders"] == "<5"
    finally:
        set_policy()
    assert unpinned_rests(published, {"reoffenders": "offenders"}).loc[0, "reoffenders"] == (
        "suppressed")


@pytest.mark.slow
def test_two_hundred_people_publish_their_performance_measures(tmp_path: Path) -> None:
    params = write_case("two_hundred_people", tmp_path / "case", ["05_performance_measures"])
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "run", str(params), "--run-name", "two-hundred",
         "--outputs", str(tmp_path / "outputs"), "--quiet", "--jobs", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    log = f"{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, log
    assert "can be worked out" not in log
    tables = tmp_path / "outputs" / "two-hundred" / "tables"
    assert small_counts(tables) == []
    moj = pd.read_csv(tables / "05_performance_measures__moj_reoffending_by_quarter.csv",
                      dtype=str, keep_default_na=False)
    child = moj[moj["cohort_group"] == "Child (10-17)"]
    # 5 children of a quarter, "<5" of them reoffending, would give the rest away
    assert not ((child["offenders"] == "5") & (child["reoffenders"] == "<5")).any()


def test_two_small_areas_make_their_quarter_two_or_more() -> None:
    marks = pd.Series(["<5", "<5", "<5", "0", "<5", "<5"], dtype=object)
    quarter = pd.Series(["Q1", "Q1", "Q1", "Q2", "Q2", "Q2"])
    total = pd.Series([False, False, True, False, False, True])
    assert set_floors(marks, quarter, total).tolist() == [1.0, 1.0, 2.0, 0.0, 1.0, 1.0]


def test_a_total_leaving_too_few_people_beyond_its_quarters_floors_is_pinned() -> None:
    # five "<5" quarters whose areas say 1, 2, 1, 1, 1 or more, and a total of 6: each is pinned
    exact = pd.Series([1, 2, 1, 1, 1, 0, 6])
    marks = pd.Series(["<5"] * 5 + [0, 6], dtype=object)
    floors = pd.Series([1.0, 2.0, 1.0, 1.0, 1.0, 0.0, 0.0])
    sets, total = pd.Series("", index=exact.index), pd.Series([False] * 6 + [True])
    assert pinned_totals(exact, marks, floors, sets, total).tolist() == [False] * 6 + [True]
    # the same total with every quarter shown: nothing hidden to pin
    shown = pd.Series([1, 2, 1, 1, 1, 0, 6], dtype=object)
    assert not pinned_totals(exact, shown, floors, sets, total).any()
    # 7 people leave one beyond the floors: it could be in any of three quarters
    exact_more = pd.Series([1, 3, 1, 1, 1, 0, 7])
    assert not pinned_totals(exact_more, marks, floors, sets, total).any()
    # 20 people in five "<5" quarters are 4 each
    exact_wide = pd.Series([4, 4, 4, 4, 4, 0, 20])
    assert pinned_totals(exact_wide, marks, floors, sets, total).tolist() == [False] * 6 + [True]


def test_a_small_count_whose_parts_floor_pins_its_rest_reads_suppressed() -> None:
    # 7 offenders, "<5" reoffenders of whom three quarters say "<5" each: 3 or 4 did not reoffend
    published = _rates([7], [4])
    floors = {"reoffenders": pd.Series([3.0])}
    assert published.loc[0, "reoffenders"] == "<5"
    assert unpinned_rests(published, {"reoffenders": "offenders"}, floors=floors).loc[
        0, "reoffenders"] == "suppressed"
    # with a floor of 1 the rest is 3 to 6: the mark stays
    assert unpinned_rests(published, {"reoffenders": "offenders"},
                          floors={"reoffenders": pd.Series([1.0])}).loc[0, "reoffenders"] == "<5"


@pytest.mark.parametrize(("counts", "expected"), [
    ([0, 2], ["suppressed", "<5"]),    # the total would be the "<5" cell: the zero is hidden
    ([7, 2], ["suppressed", "<5"]),
    ([0, 0], [0, 0]),
    ([10, 20], [10, 20]),
])
def test_a_lone_small_cell_beside_zeros_hides_a_zero(counts: list[int], expected: list) -> None:
    table = pd.DataFrame({"group": [0, 1], "events": counts})
    assert suppress_counts(table, ["events"], sets=True)["events"].tolist() == expected


def test_a_row_estimated_on_everyone_is_judged_on_everyone() -> None:
    from analysis.models.effects import published_means

    # everyone: 11 of 30 treated and 14 of 52 comparison reoffended; within common support
    # 3 of 14 comparison people did
    everyone = pd.DataFrame({"treated": [1] * 30 + [0] * 52,
                             "reoffended": [1] * 11 + [0] * 19 + [1] * 14 + [0] * 38})
    support = pd.concat([everyone.iloc[:17], everyone.iloc[30:33], everyone.iloc[44:55]])
    table = pd.DataFrame({"method": ["Unadjusted", "IPW (ATT)"],
                          "mean_treated": [11 / 30, 11 / 17], "mean_comparison": [14 / 52, 0.3]})
    out = published_means(table, support, "reoffended", samples={"Unadjusted": everyone})
    assert out["mean_treated"].tolist() == [11 / 30, "suppressed"]
    assert published_means(table, support, "reoffended")["mean_treated"].tolist() == [
        "suppressed", "suppressed"]


def test_the_headline_risks_read_as_their_table_shows_them() -> None:
    from types import SimpleNamespace

    from analysis.models.effects.headline import _shown_risks

    dr = SimpleNamespace(risk_treated=8 / 17, risk_comparison=0.353)
    shown = pd.DataFrame({"method": ["Doubly robust AIPW (ATT)"], "mean_treated": [8 / 17],
                          "mean_comparison": [0.353]})
    hidden = shown.assign(mean_treated="suppressed", mean_comparison="suppressed")
    assert _shown_risks(dr, shown) == [8 / 17, 0.353]  # type: ignore[arg-type]
    assert _shown_risks(dr, hidden) == ["suppressed", "suppressed"]  # type: ignore[arg-type]


@pytest.mark.slow
def test_a_hundred_people_publish_with_no_finding(tmp_path: Path) -> None:
    params = write_case("hundred_people", tmp_path / "case",
                        ["03_intervention_effects", "05_performance_measures"])
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "run", str(params), "--run-name", "hundred",
         "--outputs", str(tmp_path / "outputs"), "--quiet", "--jobs", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    log = f"{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, log
    assert "can be worked out" not in log and "is printed" not in log
    tables = tmp_path / "outputs" / "hundred" / "tables"
    assert small_counts(tables) == []
    report = pd.read_csv(tables / "05_performance_measures__performance_report.csv",
                         dtype=str, keep_default_na=False).set_index("Indicator")
    fte = report.loc["Number of first-time entrants to the youth justice system (local measure)"]
    assert fte["All cohorts"] == "suppressed"  # 6 would pin its five "<5" quarters
