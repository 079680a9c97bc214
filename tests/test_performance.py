"""Performance measures: Wilson intervals, the RAG rule, quarters, and every measure on a hand-made cohort.

The tiny cohort below is laid out by hand with the expected counts worked out by hand (in the
comments and the literals of each test), including the waiting-period edge cases: an offence
inside follow-up but proven a day after the waiting period (not counted), an offence on the last
day of follow-up (counted), on the anniversary (not counted), and proofs on the last day of the
waiting period (counted).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.data.reference import needs_table, seed_figures
from analysis.errors import DataError
from analysis.measures import performance as pf
from analysis.params import load_params

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
    table = pf.wilson(ks, ns)
    for (key, (lo, hi)), row in zip(published.items(), table.itertuples(), strict=True):
        assert row.ci_low_pct / 100 == pytest.approx(lo, abs=5e-5), key
        assert row.ci_high_pct / 100 == pytest.approx(hi, abs=5e-5), key
        hand = _wilson_by_hand(*key)
        assert row.ci_low_pct / 100 == pytest.approx(max(hand[0], 0), abs=1e-12)
        assert row.ci_high_pct / 100 == pytest.approx(hand[1], abs=1e-12)
        assert row.value_pct == pytest.approx(100 * key[0] / key[1])


def test_wilson_of_nobody_is_blank() -> None:
    row = pf.wilson([0], [0]).iloc[0]
    assert np.isnan(row["value_pct"]) and np.isnan(row["ci_low_pct"])


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
        "need_b": [1, 0, 0, None, None],   # person 5: b blank among assessed -> counts as 0
        "cohort_group": [pf.ADULT] * 5,
    }).astype({"need_a": "Int64", "need_b": "Int64"})


def test_needs_profile_by_hand() -> None:
    f = _needs_frame()   # person 4 not assessed (all blank)
    prev = pf.needs_prevalence(f, ["need_a", "need_b"]).set_index("need")
    assert prev.loc["need_a", ["assessed", "with_need"]].tolist() == [4, 3]
    assert prev.loc["need_b", ["assessed", "with_need"]].tolist() == [4, 1]
    per = pf.needs_per_person(f, ["need_a", "need_b"])
    # needs per assessed person: 2, 1, 0, 1 -> mean 1, sd sqrt(2/3)
    assert per["assessed"] == 4 and per["mean"] == pytest.approx(1.0)
    assert per["sd"] == pytest.approx(math.sqrt(2 / 3))
    half = 3.182446305284263 * math.sqrt(2 / 3) / 2   # t(0.975, 3) * sd / sqrt(4)
    assert per["ci_low"] == pytest.approx(1 - half) and per["ci_high"] == pytest.approx(1 + half)
    co = pf.needs_cooccurrence(f, ["need_a", "need_b"]).set_index(["need_a", "need_b"])
    assert co.loc[("need_a", "need_b"), "both"] == 1
    assert co.loc[("need_a", "need_a"), "both"] == 3
    assert co.loc[("need_a", "need_b"), "percent"] == pytest.approx(25.0)
    assert co.loc[("need_b", "need_a"), "conditional_pct"] == pytest.approx(100.0)


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
        iom_time=pf.iom_time_to_reoffence(frame), context=pf.report_context(seed_figures()))
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
    styled = pf.report_style(wide, long)
    html = styled.to_html()
    status = long.set_index(["indicator", "quarter"])["status"]
    assert status[("employed_6w", pf.ALL)] in {"Green", "Amber", "Red"}
    colour = {"Green": "#c8e6c9", "Amber": "#ffe0b2", "Red": "#ffcdd2"}[
        status[("employed_6w", pf.ALL)]]
    assert f"background-color: {colour}" in html
    assert set(hidden["Status (all cohorts)"]) <= {pf.NOT_RATED, ""}  # no status of hidden values
    hidden_html = pf.report_style(hidden.reset_index(), long).to_html()
    assert "background-color" not in hidden_html  # everything suppressed: nothing rated
    # Shown in a notebook, the plain-text form holds no memory address (it would change on
    # every execution of the stored notebook).
    shown = pf.report_html(wide, long)
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
    assert "not computed" in pf.availability_text(pf.availability(f, "survival", False, None, "area", []))
