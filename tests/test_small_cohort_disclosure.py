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

from analysis.disclosure import set_policy, suppress_counts, unpinned_rests
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
