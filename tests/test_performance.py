"""Performance measures: Wilson intervals, the RAG rule, quarters, every measure on a hand-made cohort,
and what notebook 05 records and shows of them.

The tiny cohort below is laid out by hand with the expected counts worked out by hand (in the
comments and the literals of each test), including the waiting-period edge cases: an offence
inside follow-up but proven a day after the waiting period (not counted), an offence on the last
day of follow-up (counted), on the anniversary (not counted), and proofs on the last day of the
waiting period (counted).
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from IPython.display import Markdown

from analysis.data.reference import needs_table, seed_figures
from analysis.errors import DataError
from analysis.measures import needs as nd
from analysis.measures import performance as pf
from analysis.measures.proportions import wilson, wilson_ci
from analysis.params import RunParams, load_params
from analysis.presentation import performance_report as pr
from analysis.presentation import performance_sections as ps
from analysis.presentation.outputs import RunOutput

ROOT = Path(__file__).resolve().parents[1]
EXTRACT = pd.Timestamp("2024-06-30")

# ----------------------------------------------------------------------------------------------
# Wilson intervals
# ----------------------------------------------------------------------------------------------


def _wilson_by_hand(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_wilson_matches_newcombe_1998_and_the_formula() -> None:
    """Newcombe (1998), Statistics in Medicine 17:857-872, Table II, method 3 (score)."""
    published = {(81, 263): (0.2553, 0.3662), (15, 148): (0.0624, 0.1605),
                 (0, 20): (0.0000, 0.1611), (1, 29): (0.0061, 0.1718)}
    ks, ns = zip(*published, strict=True)
    table = wilson(ks, ns)
    for (key, (lo, hi)), row in zip(published.items(), table.itertuples(), strict=True):
        assert row.ci_low_pct / 100 == pytest.approx(lo, abs=5e-5), key
        assert row.ci_high_pct / 100 == pytest.approx(hi, abs=5e-5), key
        hand = _wilson_by_hand(*key)
        assert row.ci_low_pct / 100 == pytest.approx(max(hand[0], 0), abs=1e-12)
        assert row.ci_high_pct / 100 == pytest.approx(hand[1], abs=1e-12)
        assert row.value_pct == pytest.approx(100 * key[0] / key[1])


def test_wilson_of_nobody_is_blank() -> None:
    row = wilson([0], [0]).iloc[0]
    assert np.isnan(row["value_pct"]) and np.isnan(row["ci_low_pct"])


def test_wilson_ci_is_the_interval_of_wilson() -> None:
    lo, hi = wilson_ci(np.array([3, 0]), np.array([10, 4]))
    table = wilson([3, 0], [10, 4])
    assert np.allclose(table["ci_low_pct"], 100 * lo) and np.allclose(table["ci_high_pct"], 100 * hi)
    assert (round(lo[0], 4), round(hi[0], 4)) == (0.1078, 0.6032)  # Newcombe (1998), 3 of 10
    assert lo[1] == 0 and hi[1] == pytest.approx(_wilson_by_hand(0, 4)[1])


# ----------------------------------------------------------------------------------------------
# The status rule
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "low", "high", "rule", "expected"),
    [
        # target: at least 19
        (25, 20, 30, "ci", "Green"),      # whole interval meets
        (25, 19, 30, "ci", "Green"),      # lower end exactly on the target meets
        (20, 15, 25, "ci", "Amber"),      # interval contains the target
        (17, 15, 19, "ci", "Amber"),      # upper end exactly on the target: could be met
        (15, 10, 18.9, "ci", "Red"),      # whole interval misses
        (20, 15, 25, "estimate", "Green"),  # estimate meets
        (17, 15, 25, "estimate", "Amber"),  # estimate misses, interval reaches the target
        (15, 10, 18.9, "estimate", "Red"),
        (np.nan, 1, 2, "ci", "Not rated"),
    ],
)
def test_rag_status_at_least(value: float, low: float, high: float, rule: str, expected: str) -> None:
    assert pf.rag_status(value, low, high, 19, "at_least", rule) == expected


@pytest.mark.parametrize(
    ("value", "low", "high", "rule", "expected"),
    [
        # target: strictly below 34.2
        (30, 25, 34.1, "ci", "Green"),
        (30, 25, 34.2, "ci", "Amber"),    # the upper end equals the target: not strictly below
        (36, 34.2, 40, "ci", "Red"),      # lower end on the target: nowhere strictly below
        (36, 34.1, 40, "ci", "Amber"),
        (34.2, 30, 38, "estimate", "Amber"),  # estimate equal to the target misses "below"
        (34.0, 30, 38, "estimate", "Green"),
    ],
)
def test_rag_status_below(value: float, low: float, high: float, rule: str, expected: str) -> None:
    assert pf.rag_status(value, low, high, 34.2, "below", rule) == expected


def test_rag_rule_is_checked() -> None:
    with pytest.raises(ValueError, match="rule"):
        pf.rag_status(1, 0, 2, 1, "at_least", "vibes")


def test_targets_are_the_published_ones() -> None:
    t = pf.pan_dorset_targets(seed_figures()).set_index("measure")
    assert t["target_pct"].to_dict() == {
        "employed_6w": 19, "employed_6m": 38, "housed_release_night": 90,
        "settled_accommodation_3m": 80, "engaged_treatment": 75, "children_reoffending": 34.2}
    assert t.loc["children_reoffending", "target_text"] == "< 34.2%"
    assert t.loc["employed_6w", "target_text"] == ">= 19%"
    assert t["source"].str.contains("Pan-Dorset Reducing Reoffending Strategy").all()


# ----------------------------------------------------------------------------------------------
# Quarters
# ----------------------------------------------------------------------------------------------


def test_financial_and_calendar_quarters() -> None:
    dates = pd.Series(pd.to_datetime(["2022-03-31", "2022-04-01", "2023-01-15", "2022-12-31"]))
    fin = pf.quarter_table(dates, 4)
    assert fin["quarter"].astype(str).tolist() == ["2021/22 Q4", "2022/23 Q1", "2022/23 Q4", "2022/23 Q3"]
    assert fin["quarter_start"].dt.strftime("%Y-%m-%d").tolist() == [
        "2022-01-01", "2022-04-01", "2023-01-01", "2022-10-01"]
    assert fin["quarter_end"].dt.strftime("%Y-%m-%d").tolist() == [
        "2022-03-31", "2022-06-30", "2023-03-31", "2022-12-31"]
    # Every quarter from the first to the last is a category, in time order, even if empty.
    assert list(fin["quarter"].cat.categories) == [
        "2021/22 Q4", "2022/23 Q1", "2022/23 Q2", "2022/23 Q3", "2022/23 Q4"]
    cal = pf.quarter_table(dates, 1)
    assert cal["quarter"].astype(str).tolist() == ["2022 Q1", "2022 Q2", "2023 Q1", "2022 Q4"]
    with pytest.raises(ValueError):
        pf.quarter_table(dates, 13)


def test_quarter_labels_sort_in_time_order() -> None:
    labels = ["2023/24 Q1", "2022/23 Q4", "2022/23 Q1", "2022/23 Q2"]
    assert sorted(labels, key=pf.quarter_key) == ["2022/23 Q1", "2022/23 Q2", "2022/23 Q4", "2023/24 Q1"]
    assert pf.quarter_key("2022/23 Q3") == (2022, 3) and pf.quarter_key("2023 Q1") == (2023, 1)


# ----------------------------------------------------------------------------------------------
# The hand-made cohort
# ----------------------------------------------------------------------------------------------
#
# Extract 2024-06-30; follow-up 12 months, waiting 6 months. A quarterly cohort is measured once
# its last day's waiting period has ended: quarter_end + 18 months - 1 day <= 2024-06-30, i.e.
# quarters up to 2022/23 Q3 (Oct-Dec 2022). Financial quarters.

P = ["id", "start", "type", "age", "sex", "area", "prior", "prior12", "iom",
     "e6w", "e6m", "housed", "settled", "need", "engaged"]
PEOPLE = [
    # 2022/23 Q1 (Apr-Jun 2022)
    ("A1", "2022-04-10", "custody_release", 30, "male", "North", 5, 3, 1, 1, 1, 1, 1, 1, 1),
    ("A2", "2022-04-15", "custody_release", 41, "female", "North", 2, 1, 0, 0, 0, 1, 0, 1, 0),
    ("A3", "2022-05-20", "custody_release", 25, "male", "North", 9, 2, 1, 0, 1, 0, 1, 0, None),
    ("A4", "2022-06-30", "community_sentence", 52, "male", "South", 1, 0, 0, *[None] * 6),
    ("C1", "2022-05-05", "out_of_court", 15, "male", "North", 0, 0, 0, *[None] * 6),
    ("C2", "2022-06-10", "custody_release", 16, "female", "North", 2, 1, 0, *[None] * 6),
    # 2022/23 Q2 (Jul-Sep 2022)
    ("A5", "2022-07-01", "custody_release", 33, "male", "North", 3, 1, 0, *[None] * 6),
    ("C3", "2022-08-15", "out_of_court", 12, "female", "North", 0, 0, 0, *[None] * 6),
    # 2022/23 Q3 (Oct-Dec 2022): the last measurable quarter
    ("A6", "2022-12-31", "custody_release", 28, "male", "North", 4, 2, 0, 1, 0, 1, 1, 1, 1),
    # 2022/23 Q4 (Jan-Mar 2023): reoffending not yet measurable; flags known
    ("A7", "2023-01-02", "custody_release", 36, "male", "North", 6, 4, 1, 0, 0, 1, 1, 1, None),
    # 2024/25 Q1 (Apr-Jun 2024): no window has passed for the whole quarter by the extract date
    ("A8", "2024-04-20", "custody_release", 22, "male", "North", 1, 1, 0, 1, 1, 1, 1, 1, 1),
]
OFFENCES = [
    ("A1", "2022-06-01", "2022-07-01"),   # counted (first: 52 days after release)
    ("A1", "2022-09-01", "2022-10-01"),   # counted
    ("A2", "2023-01-10", "2023-10-15"),   # in follow-up, proven a day after proven_by 2023-10-14
    ("A3", "2023-05-19", "2023-08-01"),   # last day of follow-up (2022-05-20 + 12m - 1 day)
    ("A3", "2023-05-20", "2023-06-01"),   # the anniversary: outside follow-up
    ("A4", "2022-12-01", "2023-12-29"),   # proven on the last day of waiting (2022-06-30 + 18m - 1)
    ("C1", "2022-07-01", "2022-08-01"),   # counted
    ("C1", "2022-08-01", "2022-09-01"),   # counted
    # Last day of follow-up, proven on the last waiting day: 2022-12-31 + 18 months is clipped to
    # 2024-06-30, so proven_by is 2024-06-29; a proof on 2024-06-30 would not count.
    ("A6", "2023-12-30", "2024-06-29"),
    ("A6", "2023-06-01", "2024-06-30"),   # in follow-up, proven the day after proven_by
    ("A7", "2023-02-01", "2023-03-01"),   # A7's quarter is not yet measurable
]


def _people() -> pd.DataFrame:
    raw = pd.DataFrame(PEOPLE, columns=P)
    people = pd.DataFrame({
        "person_id": raw["id"], "cohort_start": pd.to_datetime(raw["start"]),
        "cohort_start_type": raw["type"], "age": raw["age"].astype(float), "sex": raw["sex"],
        "area": raw["area"], "prior_offences": raw["prior"].astype("Int64"),
        "prior_offences_12m": raw["prior12"].astype("Int64"), "iom": raw["iom"].astype("Int64"),
    })
    for col, src in (("employed_6w", "e6w"), ("employed_6m", "e6m"), ("housed_release_night", "housed"),
                     ("settled_accommodation_3m", "settled"), ("substance_treatment_need", "need"),
                     ("engaged_treatment", "engaged")):
        people[col] = pd.array(raw[src].tolist(), dtype="Int64")
    return people


def _offences() -> pd.DataFrame:
    o = pd.DataFrame(OFFENCES, columns=["person_id", "offence_date", "proven_date"])
    o["offence_date"] = pd.to_datetime(o["offence_date"])
    o["proven_date"] = pd.to_datetime(o["proven_date"])
    o["offence_type"] = "theft"
    return o


@pytest.fixture
def frame() -> pd.DataFrame:
    return pf.performance_frame(_people(), _offences(), EXTRACT, 12, 6, 4, "custody_release", "iom")


def test_frame_eligibility_and_measures_by_hand(frame: pd.DataFrame) -> None:
    f = frame.set_index("person_id")
    eligible = {"A1", "A2", "A3", "A4", "C1", "C2", "A5", "C3", "A6"}
    assert set(f.index[f["eligible"]]) == eligible
    expected = {"A1": (1, 2), "A2": (0, 0), "A3": (1, 1), "A4": (1, 1), "C1": (1, 2), "C2": (0, 0),
                "A5": (0, 0), "C3": (0, 0), "A6": (1, 1)}
    for pid, (reoffended, reoffences) in expected.items():
        assert (f.loc[pid, "reoffended"], f.loc[pid, "reoffences"]) == (reoffended, reoffences), pid
    assert f.loc[["A7", "A8"], "reoffended"].isna().all()
    assert f.loc[["C1", "C2", "C3"], "cohort_group"].eq(pf.CHILD).all()
    assert f.loc["A1", "quarter"] == "2022/23 Q1" and f.loc["A6", "quarter"] == "2022/23 Q3"


def test_pan_dorset_measures_by_hand(frame: pd.DataFrame) -> None:
    targets = pf.pan_dorset_targets(seed_figures())
    overall = pf.pan_dorset_measures(frame, targets, EXTRACT, min_cell=1).set_index("measure")
    # Adults released from custody whose quarter's window has passed: A1 A2 A3 A5 A6 A7
    # (A8's quarter is too recent; C2 is a child; A4 was not in custody). A5's flags are blank.
    expected = {  # people, not_recorded, denominator, numerator
        "employed_6w": (6, 1, 5, 2),           # A1, A6
        "employed_6m": (6, 1, 5, 2),           # A1, A3
        "housed_release_night": (6, 1, 5, 4),  # all but A3
        "settled_accommodation_3m": (6, 1, 5, 4),  # all but A2
        "engaged_treatment": (4, 1, 3, 2),     # need: A1 A2 A6 A7; A7 not recorded; A1, A6 engaged
        "children_reoffending": (3, 0, 3, 1),  # eligible children C1 C2 C3; C1 reoffended
    }
    for key, counts in expected.items():
        row = overall.loc[key]
        assert (row["people"], row["not_recorded"], row["denominator"], row["numerator"]) == counts, key
        assert row["value_pct"] == pytest.approx(100 * counts[3] / counts[2])
    by_q = pf.pan_dorset_measures(frame, targets, EXTRACT, by_quarter=True, min_cell=1)
    e6w = by_q[by_q["measure"] == "employed_6w"].set_index("quarter")
    assert e6w.loc["2022/23 Q1", ["denominator", "numerator"]].tolist() == [3, 1]
    assert e6w.loc["2022/23 Q2", ["people", "not_recorded", "denominator"]].tolist() == [1, 1, 0]
    assert e6w.loc["2022/23 Q3", ["denominator", "numerator"]].tolist() == [1, 1]
    assert e6w.loc["2022/23 Q4", ["denominator", "numerator"]].tolist() == [1, 0]
    assert e6w.loc["2024/25 Q1", "people"] == 0  # A8: window not passed for the whole quarter
    assert e6w.loc["2023/24 Q2", "status"] == "Not rated"  # an empty quarter
    # The quarters add up to the overall figures.
    assert e6w["denominator"].sum() == 5 and e6w["numerator"].sum() == 2


def test_small_counts_are_not_rated(frame: pd.DataFrame) -> None:
    targets = pf.pan_dorset_targets(seed_figures())
    overall = pf.pan_dorset_measures(frame, targets, EXTRACT, min_cell=5)
    assert (overall["status"] == "Not rated").all()


def test_moj_measures_by_quarter_by_hand(frame: pd.DataFrame) -> None:
    t = pf.reoffending_by_quarter(frame).set_index(["cohort_group", "quarter"])
    expected = {  # offenders, reoffenders, reoffences
        (pf.ADULT, "2022/23 Q1"): (4, 3, 4),    # A1 (2), A2, A3 (1), A4 (1)
        (pf.ADULT, "2022/23 Q2"): (1, 0, 0),    # A5
        (pf.ADULT, "2022/23 Q3"): (1, 1, 1),    # A6
        (pf.ADULT, pf.ALL): (6, 4, 5),
        (pf.CHILD, "2022/23 Q1"): (2, 1, 2),    # C1 (2), C2
        (pf.CHILD, "2022/23 Q2"): (1, 0, 0),    # C3
        (pf.CHILD, pf.ALL): (3, 1, 2),
    }
    assert len(t) == len(expected)
    for key, counts in expected.items():
        assert tuple(t.loc[key, ["offenders", "reoffenders", "reoffences"]]) == counts, key
    adults = t.loc[(pf.ADULT, pf.ALL)]
    assert adults["binary_rate_pct"] == pytest.approx(400 / 6)
    assert adults["frequency_per_offender"] == pytest.approx(5 / 6)
    assert adults["frequency_per_reoffender"] == pytest.approx(5 / 4)
    lo, hi = _wilson_by_hand(4, 6)
    assert adults["binary_ci_low_pct"] == pytest.approx(100 * lo)
    assert adults["binary_ci_high_pct"] == pytest.approx(100 * hi)


def _population() -> pd.DataFrame:
    return pd.DataFrame({"area": ["North", "North", "South", "South"], "year": [2022, 2023, 2022, 2023],
                         "population_10_17": [9_000, 10_000, 4_000, 5_000]})


def test_first_time_entrants_and_custody_by_hand(frame: pd.DataFrame) -> None:
    fte = pf.first_time_entrants(frame, _population())
    north = fte[fte["area"] == "North"].set_index("quarter")
    # FTE: C1 (2022/23 Q1) and C3 (Q2), both North, prior offences 0.
    assert north.loc["2022/23 Q1", "fte_quarter"] == 1 and north.loc["2022/23 Q2", "fte_quarter"] == 1
    assert not north.loc["2022/23 Q3", "window_complete"]  # only 3 quarters of data so far
    # 12 months to 2022/23 Q4 (ends 2023-03-31): 2 FTE per 10,000 (North, 2023) = 20 per 100,000.
    q4 = north.loc["2022/23 Q4"]
    assert q4["fte_12m"] == 2 and q4["population_year"] == 2023
    assert q4["rate_per_100000"] == pytest.approx(20.0)
    everyone = fte[fte["area"] == "All areas"].set_index("quarter").loc["2022/23 Q4"]
    assert everyone["population_10_17"] == 15_000
    assert everyone["rate_per_100000"] == pytest.approx(2 / 15_000 * 100_000)
    assert fte.attrs["unknown"] == 0
    custody = pf.custody_rate(frame, _population())
    c = custody[custody["area"] == "North"].set_index("quarter").loc["2022/23 Q4"]
    assert c["custody_12m"] == 1  # C2, released from custody in 2022/23 Q1
    assert c["rate_per_1000"] == pytest.approx(0.1)
    no_pop = pf.first_time_entrants(frame, None)
    assert no_pop["rate_per_100000"].isna().all() and no_pop["fte_12m"].notna().any()


def test_iom_indicators_by_hand(frame: pd.DataFrame) -> None:
    # Eligible IOM people: A1 and A3, both released from custody (A7 is IOM but not eligible).
    rates = pf.iom_reoffending(frame)
    for cohort in ("IOM cohort", "IOM, released from custody"):
        row = rates[(rates["cohort"] == cohort) & (rates["quarter"] == pf.ALL)].iloc[0]
        assert (row["offenders"], row["reoffenders"], row["reoffences"]) == (2, 2, 3)
    change = pf.iom_detected_crime_change(frame).set_index("quarter").loc[pf.ALL]
    # before: prior_offences_12m 3 + 2 = 5; after: 2 + 1 = 3 proven reoffences; -40%.
    assert (change["people"], change["before"], change["after"]) == (2, 5, 3)
    assert change["change_pct"] == pytest.approx(-40.0)
    time = pf.iom_time_to_reoffence(frame).set_index("quarter").loc[pf.ALL]
    # A1: 2022-06-01 - 2022-04-10 = 52 days; A3: 2023-05-19 - 2022-05-20 = 364 days.
    assert (time["released"], time["reoffenders"]) == (2, 2)
    assert time["median_days"] == 208 and time["mean_days"] == 208


def test_detected_crime_change_interval_by_hand() -> None:
    # after a = [2, 0, 1], before b = [3, 2, 1]: A/B = 3/6; var(a) = var(b) = 1, cov = 0.5;
    # var(log R) = 1/(3*1) + 1/(3*4) - 2*0.5/(3*1*2) = 0.25, se = 0.5.
    out = pf.detected_crime_change([3, 2, 1], [2, 0, 1])
    z = 1.959963984540054
    assert out["change_pct"] == pytest.approx(-50.0)
    assert out["ci_low_pct"] == pytest.approx(100 * (0.5 * math.exp(-z * 0.5) - 1))
    assert out["ci_high_pct"] == pytest.approx(100 * (0.5 * math.exp(z * 0.5) - 1))
    assert np.isnan(pf.detected_crime_change([0, 0], [1, 2])["change_pct"])


def test_trend_test_is_cochran_armitage() -> None:
    k, n = np.array([10, 15, 25]), np.array([100, 100, 100])
    res = pf.trend_test(k, n)
    # Cochran-Armitage by hand with scores 0, 1, 2; linear-by-linear = CA * sqrt((N - 1) / N).
    s = np.arange(3.0)
    big_n, p = n.sum(), k.sum() / n.sum()
    t = np.sum(s * (k - n * p))
    var = p * (1 - p) * (np.sum(n * s**2) - np.sum(n * s) ** 2 / big_n)
    ca = t / math.sqrt(var)
    assert res["z"] == pytest.approx(ca * math.sqrt((big_n - 1) / big_n), rel=1e-10)
    assert res["z"] > 0 and res["p_value"] < 0.01
    assert np.isnan(pf.trend_test([1, 2], [10, 10])["z"])  # fewer than three periods


def test_measure_trends_reads_direction(frame: pd.DataFrame) -> None:
    rows = [{"measure": "m", "quarter": f"q{i}", "numerator": k, "denominator": 100, "direction": d}
            for d in ("at_least",) for i, k in enumerate([10, 20, 30, 40])]
    up = pf.measure_trends(pd.DataFrame(rows)).iloc[0]
    assert (up["trend"], up["meaning"]) == ("rising", "improving")
    down = pf.measure_trends(pd.DataFrame(rows).assign(direction="below")).iloc[0]
    assert (down["trend"], down["meaning"]) == ("rising", "worsening")


# ----------------------------------------------------------------------------------------------
# Population table
# ----------------------------------------------------------------------------------------------


def test_bundled_population_is_synthetic_and_covers_the_synthetic_cohort() -> None:
    pop = pf.read_population(ROOT / "data/reference/population_10_17.csv")
    assert (pop["synthetic"] == "yes").all()
    assert pop["source"].str.contains("SYNTHETIC").all()
    assert pop["source"].str.contains("ONS mid-year population estimates").all()
    people = pd.read_csv(ROOT / "data/synthetic/people.csv", usecols=["area", "cohort_start"])
    years = set(pd.to_datetime(people["cohort_start"]).dt.year)
    for area in people["area"].unique():
        assert years <= set(pop.loc[pop["area"] == area, "year"]), area


def test_default_and_fast_runs_use_the_population_table() -> None:
    for name in ("default", "fast"):
        p = load_params(ROOT / f"params/{name}.yaml")
        assert p.performance.population == ROOT / "data/reference/population_10_17.csv"
        assert p.input_files()["population"] == p.performance.population
        assert p.resolved()["performance"]["population"] == "data/reference/population_10_17.csv"


@pytest.mark.parametrize(
    ("text", "column", "rule"),
    [
        ("area,year\nNorth,2022\n", "population_10_17", "missing"),
        ("area,year,population_10_17\nNorth,2022,12.5\nNorth,2023,-4\n", "population_10_17", "whole number"),
        ("area,year,population_10_17\nNorth,20x2,100\n", "year", "whole number"),
        ("area,year,population_10_17\n,2022,100\n", "area", "blank"),
        ("area,year,population_10_17\nNorth,2022,100\nNorth,2022,200\n", "area, year", "more than once"),
    ],
)
def test_population_errors_name_column_rule_and_rows(tmp_path: Path, text: str, column: str, rule: str) -> None:
    path = tmp_path / "pop.csv"
    path.write_text(text)
    with pytest.raises(DataError) as exc:
        pf.read_population(path)
    message = str(exc.value)
    assert "pop.csv" in message and column in message and rule in message
    assert "12.5" not in message and "20x2" not in message  # never the values


# ----------------------------------------------------------------------------------------------
# Needs profile
# ----------------------------------------------------------------------------------------------


def _needs_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "need_a": [1, 1, 0, None, 1],
        "need_b": [1, 0, 0, None, None],   # person 5 was not assessed for b
        "cohort_group": [pf.ADULT] * 4 + [pf.CHILD],
    }).astype({"need_a": "Int64", "need_b": "Int64"})


def test_a_blank_need_is_not_assessed_never_no_need() -> None:
    f = _needs_frame()   # person 4 not assessed at all
    prev = nd.needs_prevalence(f, ["need_a", "need_b"]).set_index("need")
    assert prev.loc["need_a", ["assessed", "with_need"]].tolist() == [4, 3]
    assert prev.loc["need_b", ["assessed", "with_need"]].tolist() == [3, 1]   # not 1 of 4
    assert prev.loc["need_b", "percent"] == pytest.approx(100 / 3)
    lo, hi = _wilson_by_hand(1, 3)
    assert prev.loc["need_b", "ci_low_pct"] == pytest.approx(100 * lo)
    assert prev.loc["need_b", "ci_high_pct"] == pytest.approx(100 * hi)
    by = nd.needs_prevalence(f, ["need_a", "need_b"], by="cohort_group")
    assert list(by.columns[:2]) == ["cohort_group", "need"]
    child = by[by["cohort_group"] == pf.CHILD].set_index("need")
    assert child.loc["need_a", ["assessed", "with_need"]].tolist() == [1, 1]
    assert child.loc["need_b", "assessed"] == 0 and np.isnan(child.loc["need_b", "percent"])


def test_needs_per_person_counts_people_assessed_for_every_need() -> None:
    f = _needs_frame()
    # persons 1-3 were assessed for both needs: 2, 1 and 0 needs
    assert nd.need_counts(f, ["need_a", "need_b"]).tolist() == [2, 1, 0]
    assert nd.need_counts(f, ["need_a"]).tolist() == [1, 1, 0, 1]
    assert nd.need_counts(f, []).empty
    per = nd.needs_per_person(f, ["need_a", "need_b"])
    assert per["assessed"] == 3 and per["mean"] == pytest.approx(1.0) and per["median"] == 1.0
    assert per["sd"] == pytest.approx(1.0) and per["needs_counted"] == 2
    half = 4.302652729911275 / math.sqrt(3)   # t(0.975, 2) * sd / sqrt(3)
    assert per["ci_low"] == pytest.approx(1 - half) and per["ci_high"] == pytest.approx(1 + half)
    one = nd.needs_per_person(f.iloc[:1], ["need_a", "need_b"])
    assert one["mean"] == 2 and np.isnan(one["ci_low"]) and np.isnan(one["sd"])


def test_needs_cooccur_among_people_assessed_for_both() -> None:
    co = nd.needs_cooccurrence(_needs_frame(), ["need_a", "need_b"]).set_index(["need_a", "need_b"])
    assert co.loc[("need_a", "need_b"), ["both", "assessed"]].tolist() == [1, 3]   # persons 1-3
    assert co.loc[("need_a", "need_b"), "percent"] == pytest.approx(100 / 3)
    assert co.loc[("need_a", "need_a"), ["both", "assessed"]].tolist() == [3, 4]
    assert co.loc[("need_a", "need_a"), "percent"] == pytest.approx(75.0)
    # of the people with a and assessed for b (persons 1 and 2), one has b
    assert co.loc[("need_a", "need_b"), "conditional_pct"] == pytest.approx(50.0)
    assert co.loc[("need_b", "need_a"), "conditional_pct"] == pytest.approx(100.0)
    assert co.loc[("need_b", "need_b"), ["both", "assessed"]].tolist() == [1, 3]


def _profile_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "need_drugs": [1, 1, 0, 0, 1, None, 1],
        "need_alcohol": [0, 1, 0, 1, 0, None, 0],
        "need_finance": [1, 0, 0, 0, 0, None, 1],   # not in the published table
        "cohort_group": [pf.ADULT] * 6 + [pf.CHILD],
    }).astype({"need_drugs": "Int64", "need_alcohol": "Int64", "need_finance": "Int64"})


def test_needs_profile_of_a_run() -> None:
    needs = ["need_drugs", "need_alcohol", "need_finance"]
    profile = pf.needs_profile(_profile_frame(), needs, needs_table(), 1370, min_cell=5)
    assert profile.tabulated == ["need_drugs", "need_alcohol"]   # in the published order
    prev = profile.prevalence.set_index(["cohort_group", "need"])
    assert prev.loc[(pf.ADULT, "need_drugs"), ["assessed", "with_need"]].tolist() == [5, 3]
    assert prev.loc[(pf.CHILD, "need_drugs"), ["assessed", "with_need"]].tolist() == [1, 1]
    # five adults assessed: needs 2, 2, 0, 1, 1 over all three; 1, 2, 0, 1, 1 over the two tabulated
    assert profile.per_person["assessed"] == 5 and profile.per_person["mean"] == pytest.approx(1.2)
    assert profile.per_person_tabulated["mean"] == pytest.approx(1.0)
    comparison = profile.comparison.set_index("need")
    assert comparison.index.tolist() == ["need_drugs", "need_alcohol"]   # finance left out
    assert comparison.loc["need_drugs", "percent"] == pytest.approx(60.0)
    assert comparison.loc["need_drugs", "difference_pts"] == pytest.approx(60 - 100 * 477 / 1370)
    assert profile.enough_assessed
    tables = profile.tables()
    assert list(tables) == ["needs_prevalence", "needs_vs_published", "needs_cooccurrence", "needs_per_person"]
    per_person = tables["needs_per_person"]
    assert per_person["needs"].tolist() == ["all 3 recorded needs", "the 2 needs of the published table"]
    assert per_person["assessed"].tolist() == [5, 5]
    # 3 of 5 adults have the drugs need: the 3 and the 2 without it are both small, and "<5"
    # of 5 would say that 1 to 4 are without it
    published = tables["needs_vs_published"].set_index("need")
    assert published.loc["need_drugs", ["with_need", "percent"]].tolist() == ["suppressed",
                                                                              "suppressed"]
    assert profile.plotted_comparison().empty
    assert not pf.needs_profile(_profile_frame(), needs, needs_table(), 1370, min_cell=6).enough_assessed


def test_compare_needs_with_the_published_table() -> None:
    published = needs_table()
    assert pf.published_needs_assessed(seed_figures()) == 1370   # round(1,651 x 83%)
    prevalence = pd.DataFrame({"need": ["need_drugs"], "assessed": [1000], "with_need": [350],
                               "percent": [35.0], "ci_low_pct": [0.0], "ci_high_pct": [0.0]})
    out = pf.compare_needs(prevalence, published, 1370).iloc[0]
    assert out["published_count"] == 477 and out["published_pct"] == 35
    assert out["difference_pts"] == pytest.approx(35.0 - 100 * 477 / 1370)
    assert out["difference_ci_low_pts"] < out["difference_pts"] < out["difference_ci_high_pts"]
    lo, hi = _wilson_by_hand(477, 1370)
    assert out["published_ci_low_pct"] == pytest.approx(100 * lo)
    assert out["published_ci_high_pct"] == pytest.approx(100 * hi)


# ----------------------------------------------------------------------------------------------
# Suppression and the report
# ----------------------------------------------------------------------------------------------


def test_publish_suppresses_rates_from_any_small_count() -> None:
    t = pd.DataFrame({"set": ["x", "x", "x"], "numerator": [0, 3, 40], "denominator": [3, 50, 60],
                      "rate": [0.0, 6.0, 66.7]})
    out = pf.publish(t, ["numerator", "denominator"], ["rate"], 5)
    assert out["rate"].tolist() == ["suppressed", "suppressed", 66.7]  # 0 of 3 discloses too
    assert out["denominator"].tolist() == ["<5", 50, 60]
    assert out["numerator"].tolist() == [0, "<5", 40]
    secondary = pf.publish(t.iloc[1:], ["numerator"], ["rate"], 5, sets=["set"])
    assert secondary["numerator"].tolist() == ["<5", "suppressed"]  # the only other cell


def test_report_long_and_layout(frame: pd.DataFrame) -> None:
    targets = pf.pan_dorset_targets(seed_figures())
    overall = pf.pan_dorset_measures(frame, targets, EXTRACT, min_cell=1)
    by_q = pf.pan_dorset_measures(frame, targets, EXTRACT, by_quarter=True, min_cell=1)
    long = pf.report_long(
        overall, by_q, reoffending=pf.reoffending_by_quarter(frame),
        fte=pf.first_time_entrants(frame, _population()), custody=pf.custody_rate(frame, _population()),
        iom=pf.iom_reoffending(frame), iom_change=pf.iom_detected_crime_change(frame),
        iom_time=pf.iom_time_to_reoffence(frame), context=pr.report_context(seed_figures()))
    value = long.set_index(["indicator", "quarter"])["value"]
    assert value[("all_reoffending", pf.ALL)] == pytest.approx(100 * 5 / 9)  # 4 adults + 1 child of 9
    assert value[("fte_count", pf.ALL)] == 2
    assert value[("iom_crime_change", pf.ALL)] == pytest.approx(-40.0)
    assert value[("child_frequency", pf.ALL)] == pytest.approx(2.0)
    wide = pf.report_layout(long, min_cell=1)
    assert wide["Indicator"].tolist() == [i.label for i in pf.REPORT_INDICATORS]
    quarters = [c for c in wide.columns if " Q" in c]
    assert quarters == sorted(quarters, key=lambda q: (int(q[:4]), int(q[-1])))
    assert list(wide.columns[:2]) == ["Indicator", pf.ALL]
    assert list(wide.columns[-3:]) == ["Target", "Status (all cohorts)", "Notes"]
    row = wide.set_index("Indicator").loc["Adults employed six weeks after release (%)"]
    assert row[pf.ALL] == "40.0%" and row["Target"] == ">= 19%"
    assert row["2022/23 Q2"] == "n/a"   # nobody recorded
    drr = wide.set_index("Indicator").iloc[-2]
    assert drr["Notes"].startswith("Not computable")
    # With the project's rule (counts under 5) everything in this tiny cohort is hidden.
    hidden = pf.report_layout(long, min_cell=5).set_index("Indicator")
    assert hidden.loc["Adults employed six weeks after release (%)", pf.ALL] == "suppressed"
    assert hidden.loc["Number of first-time entrants to the youth justice system (local measure)",
                      pf.ALL] == "<5"
    assert list(pf.report_layout(long, min_cell=1, quarters=2).columns[2:4]) == quarters[-2:]
    # Rated cells are coloured by their own status; suppressed and unrated cells stay white.
    styled = pr.report_style(wide, long)
    html = styled.to_html()
    status = long.set_index(["indicator", "quarter"])["status"]
    assert status[("employed_6w", pf.ALL)] in {"Green", "Amber", "Red"}
    colour = {"Green": "#c8e6c9", "Amber": "#ffe0b2", "Red": "#ffcdd2"}[
        status[("employed_6w", pf.ALL)]]
    assert f"background-color: {colour}" in html
    assert set(hidden["Status (all cohorts)"]) <= {pf.NOT_RATED, ""}  # no status of hidden values
    hidden_html = pr.report_style(hidden.reset_index(), long).to_html()
    assert "background-color" not in hidden_html  # everything suppressed: nothing rated
    # Shown in a notebook, the plain-text form holds no memory address (it would change on
    # every execution of the stored notebook).
    shown = pr.report_html(wide, long)
    assert shown.data == html and "0x" not in repr(shown)


def test_survival_form_frame_gives_what_it_can() -> None:
    """A survival-form cohort frame: only the children's measure and the binary rates."""
    f = pd.DataFrame({"reoffended": [1, 0, 0, 1, 1, 0], "cohort_group": [pf.CHILD] * 2 + [pf.ADULT] * 4,
                      "time": [10, 365, 365, 20, 30, 365]})
    targets = pf.pan_dorset_targets(seed_figures())
    overall = pf.pan_dorset_measures(f, targets, None, min_cell=1).set_index("measure")
    assert overall.loc["employed_6w", "note"].startswith("needs the records form")
    assert overall.loc["children_reoffending", ["denominator", "numerator"]].tolist() == [2, 1]
    moj = pf.reoffending_by_quarter(f).set_index("cohort_group")
    assert moj.loc[pf.ADULT, "binary_rate_pct"] == pytest.approx(50.0)
    assert moj["frequency_per_reoffender"].isna().all()
    avail = pf.availability(f, "survival", False, None, "area", []).set_index("key")["available"]
    assert avail["children_measure"] and not avail["adult_measures"] and not avail["iom"]
    assert "not computed" in pr.availability_text(pf.availability(f, "survival", False, None, "area", []))


# ----------------------------------------------------------------------------------------------
# A run's sections: the frame, each section's results, the report and the headline numbers
# ----------------------------------------------------------------------------------------------


def _targets() -> pd.DataFrame:
    return pf.pan_dorset_targets(seed_figures())


def test_run_frame_by_form() -> None:
    p = load_params(ROOT / "params/default.yaml")   # records: 12 + 6 months, financial quarters
    p = p.model_copy(update={"data": p.data.model_copy(update={"extract_date": date(2024, 6, 30)})})
    f = pf.run_frame(p, _people(), _offences(), pd.DataFrame(), "iom").set_index("person_id")
    assert set(f.index[f["eligible"]]) == {"A1", "A2", "A3", "A4", "C1", "C2", "A5", "C3", "A6"}
    assert set(f.index[f["iom"] == 1]) == {"A1", "A3", "A7"}
    assert f.loc["A6", "quarter"] == "2022/23 Q3"
    survival: RunParams = load_params(ROOT / "params/rossi.yaml")
    cohort_frame = pd.DataFrame({"reoffended": [1, 0]})
    assert pf.run_frame(survival, None, None, cohort_frame) is cohort_frame


def test_pan_dorset_of_a_run(frame: pd.DataFrame) -> None:
    pan = pf.pan_dorset(frame, _targets(), EXTRACT, min_cell=5)
    assert list(pan.tables()) == ["pan_dorset_measures", "pan_dorset_measures_by_quarter", "pan_dorset_trends"]
    assert len(pan.shown) == 6 and len(pan.trends) == 6   # every measure can be computed here
    # employed_6w: 6 people, 1 not recorded, 2 of 5 employed: the 2 (and the 3 not) are small;
    # "<5" of 5 would say that 1 to 4 are not employed
    row = pan.published.set_index("measure").loc["employed_6w"]
    assert row[["people", "not_recorded", "denominator", "numerator", "value_pct"]].tolist() == [
        6, "<5", 5, "suppressed", "suppressed"]
    assert pan.plotted().empty
    shown = pf.pan_dorset(frame, _targets(), EXTRACT, min_cell=1)
    assert len(shown.plotted()) == 6
    # employed_6w has someone recorded in 2022/23 Q1 (3), Q3 (1) and Q4 (1); Q2's one is blank
    e6w = shown.plotted_by_quarter().query("measure == 'employed_6w'")
    assert e6w["quarter"].tolist() == ["2022/23 Q1", "2022/23 Q3", "2022/23 Q4"]


def test_quarterly_reoffending_of_a_run(frame: pd.DataFrame) -> None:
    moj = pf.quarterly_reoffending(frame, min_cell=1)
    assert moj.by_group and len(moj.plotted()) == 7   # 3 + 1 adult and 2 + 1 child rows
    everyone = moj.rounded(2).set_index(["cohort_group", "quarter"])
    assert everyone.loc[(pf.ADULT, pf.ALL), "binary_rate_pct"] == 66.67   # 4 of 6
    assert everyone.loc[(pf.CHILD, pf.ALL), "frequency_per_reoffender"] == 2.0   # C1's 2
    hidden = pf.quarterly_reoffending(frame, min_cell=5).published.set_index(["cohort_group", "quarter"])
    assert hidden.loc[(pf.ADULT, pf.ALL), ["reoffenders", "binary_rate_pct"]].tolist() == ["<5", "suppressed"]
    assert not pf.quarterly_reoffending(frame.drop(columns="cohort_group")).by_group


def test_youth_justice_of_a_run(frame: pd.DataFrame) -> None:
    youth = pf.youth_justice(frame, _population(), min_cell=1)
    assert list(youth.tables()) == ["first_time_entrants", "custody_rate"] and youth.population_given
    # Populations are known for 2022 and 2023 only: the latest rate shown is the window to
    # 2023/24 Q3 (ends 2023-12-31), which holds no first-time entrant (C1 and C3 are in 2022/23).
    latest = youth.latest_fte().iloc[0]
    assert (latest["quarter"], latest["fte_12m"], latest["rate_per_100000"]) == ("2023/24 Q3", 0, 0.0)
    no_population = pf.youth_justice(frame, None, min_cell=1)
    assert not no_population.population_given and no_population.latest_fte().empty
    assert ps.fte_figure(no_population) is None


def test_iom_indicators_of_a_run(frame: pd.DataFrame) -> None:
    iom = pf.iom_indicators(frame, min_cell=5)
    assert list(iom.published) == ["iom_reoffending", "iom_detected_crime_change", "iom_time_to_reoffence"]
    everyone = iom.rates[iom.rates["quarter"] == pf.ALL]
    assert everyone["offenders"].tolist() == [2, 2]   # A1 and A3, both released from custody
    published = iom.published["iom_reoffending"]
    assert set(published.loc[published["quarter"] == pf.ALL, "offenders"]) == {"<5"}


def _units_frame() -> pd.DataFrame:
    """North: 5 of 20 reoffended; South: 8 of 10; one East person not yet measurable."""
    return pd.DataFrame({
        "area": ["North"] * 20 + ["South"] * 10 + ["East"],
        "reoffended": [1] * 5 + [0] * 15 + [1] * 8 + [0] * 2 + [0],
        "age": 30.0, "sex": "male", "eligible": [True] * 30 + [False],
    })


def test_fair_comparison_by_hand() -> None:
    fair = pf.fair_comparison(_units_frame(), "area", True, True, min_cell=5, national_pct=25.5)
    crude = fair.crude.set_index("unit")
    assert crude.index.tolist() == ["North", "South"]   # East's only person is not eligible
    assert crude[["people", "observed"]].values.tolist() == [[20, 5], [10, 8]]
    assert crude["value"].tolist() == pytest.approx([0.25, 0.8])
    # All are men aged 30: expected = people x the national rate of adult men.
    rate = fair.rates.set_index(["age_band", "sex"]).loc[("18+", "male"), "percent"] / 100
    std = fair.standardised.set_index("unit")
    assert std.loc["North", "expected"] == pytest.approx(20 * rate)
    assert std.loc["South", "ratio"] == pytest.approx(8 / (10 * rate))
    assert list(fair.tables()) == ["indirect_standardisation", "funnel_areas"]   # no quarters
    assert fair.small is None and fair.small_plot() is None
    assert len(fair.crude_plot()) == 2 and len(fair.std_plot()) == 2
    lines = ps.fair_comparison_lines(fair).split("\n")
    assert lines[:2] == ["North: 25.0% of 20; within 95%", "South: 80.0% of 10; above 99.8% (alarm)"]
    assert lines[3].startswith(f"South: O/E = {8 / (10 * rate):.3f} (95% CI ")
    views = ps.fair_comparison_views(fair, "area")
    assert len(views) == 3 and all(isinstance(v, pd.DataFrame) for v in views)
    fig = ps.funnel_plot(fair)
    assert isinstance(fig, plt.Figure)
    plt.close(fig)
    no_units = pf.fair_comparison(_units_frame().assign(area=None), "area", True, False, national_pct=25.5)
    assert no_units.crude is None and no_units.standardised is None and no_units.tables() == {}
    assert ps.funnel_plot(no_units) is None
    assert isinstance(ps.fair_comparison_views(no_units, "area")[-1], Markdown)
    overall = pf.fair_comparison(_units_frame(), "area", False, True, national_pct=25.5)
    assert overall.crude is None and overall.standardised["unit"].tolist() == ["All"]


def test_performance_report_of_a_run(frame: pd.DataFrame) -> None:
    pan = pf.pan_dorset(frame, _targets(), EXTRACT, min_cell=1)
    moj = pf.quarterly_reoffending(frame, min_cell=1)
    youth = pf.youth_justice(frame, _population(), min_cell=1)
    iom = pf.iom_indicators(frame, min_cell=1)
    report = pf.performance_report(pan, moj, youth, iom, {"fte_count": "Note."}, min_cell=1)
    value = report.long.set_index(["indicator", "quarter"])["value"]
    assert value[("all_reoffending", pf.ALL)] == pytest.approx(100 * 5 / 9)
    assert value[("fte_count", pf.ALL)] == 2 and value[("iom_crime_change", pf.ALL)] == pytest.approx(-40.0)
    assert report.long.set_index("indicator").loc["fte_count", "notes"].iloc[0].endswith("Note.")
    assert report.layout["Indicator"].tolist() == [i.label for i in pf.REPORT_INDICATORS]
    assert list(report.tables()) == ["performance_report", "performance_report_long"]
    # Without a population no youth justice rates; without IOM no IOM rows.
    bare = pf.performance_report(pan, moj, pf.youth_justice(frame, None, 1), None, min_cell=1)
    assert not set(bare.long["indicator"]) & {"fte_count", "fte_rate", "custody_rate", "iom_reoffending"}


def test_report_notes_say_why_adult_measures_are_missing(frame: pd.DataFrame) -> None:
    figures = seed_figures()
    survival = pd.DataFrame({"reoffended": [1, 0], "cohort_group": [pf.CHILD, pf.ADULT]})
    notes = pr.report_notes(figures, pf.availability(survival, "survival", False, None, "area", []))
    assert notes["employed_6w"].startswith("Not computable here: need the records form")
    assert notes["children_reoffending"] == pr.report_context(figures)["children_reoffending"]
    records = pf.availability(frame, "records", True, "iom", "area", [])
    assert pr.report_notes(figures, records) == pr.report_context(figures)


def test_headline_results_read_the_published_tables(frame: pd.DataFrame, tmp_path: Path) -> None:
    available = pf.availability(frame, "records", True, "iom", "area", [])

    def headline(min_cell: int) -> dict:
        return pr.headline_results(
            frame, "records", "ci", available, pf.pan_dorset(frame, _targets(), EXTRACT, min_cell=min_cell),
            pf.quarterly_reoffending(frame, min_cell), pf.youth_justice(frame, _population(), min_cell),
            pf.iom_indicators(frame, min_cell), pf.fair_comparison(frame, "area", True, True, min_cell=min_cell))

    shown = headline(1)
    assert shown["people"] == 11 and shown["form"] == "records" and shown["rag_rule"] == "ci"
    e6w = shown["measures"]["employed_6w"]
    assert (e6w["value_pct"], e6w["denominator"], e6w["target"], e6w["status"]) == (40.0, 5, ">= 19%", "Amber")
    assert shown["reoffending_all_cohorts"] == pytest.approx({pf.ADULT: 400 / 6, pf.CHILD: 100 / 3})
    assert shown["fte_rate_per_100000_latest"] == 0.0
    assert shown["iom_reoffending_pct"] == 100.0 and shown["iom_detected_crime_change_pct"] == pytest.approx(-40.0)
    assert set(shown["funnel_positions"]) == {"North", "South"} and shown["mean_needs_adults"] is None
    assert shown["unavailable"] == ["Criminogenic needs profile"]
    hidden = headline(5)
    assert hidden["measures"]["employed_6w"]["value_pct"] == "suppressed"
    assert hidden["iom_reoffending_pct"] == "suppressed"
    recorded = RunOutput(tmp_path, "05_test").record(**hidden)
    assert json.loads((tmp_path / "results/05_test.json").read_text())["people"] == recorded["people"] == 11


def test_save_tables_and_figures(tmp_path: Path) -> None:
    out = RunOutput(tmp_path, "nb")
    pr.save_tables(out, {"a": pd.DataFrame({"x": [1, 2]})})
    assert (tmp_path / "tables/nb__a.csv").read_text() == "x\n1\n2\n"
    fig, _ = plt.subplots()
    pr.save_figures(out, {"f": fig, "g": None})
    assert (tmp_path / "figures/nb__f.png").exists() and not (tmp_path / "figures/nb__g.png").exists()


def test_section_lines_by_hand(frame: pd.DataFrame) -> None:
    pan = pf.pan_dorset(frame, _targets(), EXTRACT, min_cell=1)
    lines = ps.measure_lines(pan).split("\n")
    lo, hi = _wilson_by_hand(2, 5)   # employed six weeks: 2 of 5, interval across the 19% target
    assert lines[0] == f"employed_6w: 40.0% (95% CI {100 * lo:.1f} to {100 * hi:.1f}), target >= 19%: Amber"
    lo, hi = _wilson_by_hand(1, 3)   # children: C1 of three
    assert lines[-1] == (f"children_reoffending: 33.3% (95% CI {100 * lo:.1f} to {100 * hi:.1f}), "
                         "target < 34.2%: Amber")
    trends = pd.DataFrame({"measure": ["m1", "m2"], "trend": ["rising", "too few quarters"],
                           "meaning": ["improving", ""], "z": [2.345, np.nan]})
    assert ps.trend_lines(trends) == "m1: rising improving (z = 2.35)\nm2: too few quarters"
    assert ps.reoffending_lines(pf.quarterly_reoffending(frame, min_cell=1)) == (
        "Adult (18+): 66.7% of 6 reoffended, 1.25 per reoffender\n"
        "Child (10-17): 33.3% of 3 reoffended, 2.00 per reoffender")
    assert ps.fte_lines(pf.youth_justice(frame, _population(), min_cell=1)) == (
        "FTE in the 12 months to 2023/24 Q3: 0; rate per 100,000: 0.0\n"
        "children with unknown prior offences: 0")
    assert ps.fte_lines(None) == "" and ps.iom_lines(None) == "" and ps.needs_lines(None) == ""
    # IOM: after a = (2, 1), before b = (3, 2): ratio 3/5; var(a) = var(b) = cov = 0.5, so
    # var(log R) = 0.5/(2*1.5^2) + 0.5/(2*2.5^2) - 2*0.5/(2*1.5*2.5).
    se = math.sqrt(0.5 / 4.5 + 0.5 / 12.5 - 1 / 7.5)
    z = 1.959963984540054
    low, high = 100 * (0.6 * math.exp(-z * se) - 1), 100 * (0.6 * math.exp(z * se) - 1)
    assert ps.iom_lines(pf.iom_indicators(frame, min_cell=1)).split("\n") == [
        "IOM cohort: 100.0% of 2 reoffended", "IOM, released from custody: 100.0% of 2 reoffended",
        f"detected crimes, 12 months after vs before: -40.0% (95% CI {low:+.1f} to {high:+.1f})",
        "median days from release to first proven reoffence: 208 (2 reoffenders)"]


def test_needs_lines_and_views_by_hand() -> None:
    needs = ["need_drugs", "need_alcohol", "need_finance"]
    profile = pf.needs_profile(_profile_frame(), needs, needs_table(), 1370, min_cell=1)
    first, drugs, alcohol = ps.needs_lines(profile).split("\n")
    # needs per adult 2, 2, 0, 1, 1: mean 1.2, sd sqrt(0.7); t(0.975, 4) = 2.7764451051977987
    half = 2.7764451051977987 * math.sqrt(0.7) / math.sqrt(5)
    assert first == (f"adults assessed: 5; mean needs per person 1.20 (95% CI {1.2 - half:.2f} to "
                     f"{1.2 + half:.2f}) over 3 needs; 1.00 over the 2 tabulated (published: 4.77 over "
                     "all needs, 4.16 over the eight)")
    assert drugs.startswith(f"need_drugs: 60% vs published 35% (difference {60 - 100 * 477 / 1370:+.1f}, 95% CI ")
    assert alcohol.startswith("need_alcohol: 40% vs published 30%")
    assert "label" not in ps.needs_view(profile)
    assert ps.needs_lines(pf.needs_profile(_profile_frame(), needs, needs_table(), 1370, min_cell=6)) == ""


def test_section_views_and_figures(frame: pd.DataFrame) -> None:
    pan = pf.pan_dorset(frame, _targets(), EXTRACT, min_cell=1)
    view = ps.pan_dorset_view(pan).set_index("measure")
    assert "note" not in view and view.loc["employed_6w", "value_pct"] == 40.0
    assert isinstance(ps.trends_view(pan.trends, False), Markdown)
    assert ps.trends_view(pan.trends, True).equals(pan.trends.round(3))
    youth = ps.youth_views(pf.youth_justice(frame, _population(), min_cell=1))
    assert [set(t["area"]) for t in youth] == [{"All areas"}, {"All areas"}]
    iom = ps.iom_views(pf.iom_indicators(frame, min_cell=1))
    assert iom[0]["cohort"].tolist() == ["IOM cohort", "IOM, released from custody"]
    figures = {
        "summary": ps.pan_dorset_figure(pan),
        "trends": ps.pan_dorset_trend_figure(pan, frame),
        "reoffending": ps.reoffending_figure(pf.quarterly_reoffending(frame, min_cell=1)),
        "fte": ps.fte_figure(pf.youth_justice(frame, _population(), min_cell=1)),
        **ps.needs_figures(pf.needs_profile(_profile_frame(), ["need_drugs", "need_alcohol"], needs_table(),
                                            1370, min_cell=1)),
    }
    assert all(isinstance(f, plt.Figure) for f in figures.values()), figures
    for fig in figures.values():
        plt.close(fig)
    # Nothing published, nothing drawn.
    assert ps.pan_dorset_figure(pf.pan_dorset(frame, _targets(), EXTRACT, min_cell=5)) is None
    assert ps.pan_dorset_trend_figure(pan, frame.drop(columns="quarter")) is None
    assert ps.reoffending_figure(pf.quarterly_reoffending(frame.drop(columns="cohort_group"))) is None
    hidden = ps.needs_figures(pf.needs_profile(_profile_frame(), ["need_drugs"], needs_table(), 1370, min_cell=6))
    assert hidden == {"needs_vs_published": None, "needs_cooccurrence": None}
