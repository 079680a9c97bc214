"""Tests of the proven-reoffending measures (:mod:`analysis.measures.reoffending`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.measures.reoffending import (
    counted_reoffences,
    derive_measures,
    follow_up_window,
    is_eligible,
    reoffences_by_type,
    reoffending_rates,
)

T = pd.Timestamp
OFFENCE_COLUMNS = ["person_id", "offence_date", "proven_date", "offence_type"]


def make_people(rows: list[tuple]) -> pd.DataFrame:
    """People table from (person_id, cohort_start, exit_date, exit_reason, sex) tuples."""
    people = pd.DataFrame(rows, columns=["person_id", "cohort_start", "exit_date", "exit_reason", "sex"])
    people["cohort_start"] = pd.to_datetime(people["cohort_start"])
    people["exit_date"] = pd.to_datetime(people["exit_date"])
    return people


def make_offences(rows: list[tuple]) -> pd.DataFrame:
    """Offences table from (person_id, offence_date, proven_date, offence_type) tuples."""
    offences = pd.DataFrame(rows, columns=OFFENCE_COLUMNS)
    offences["offence_date"] = pd.to_datetime(offences["offence_date"])
    offences["proven_date"] = pd.to_datetime(offences["proven_date"])
    return offences


# Cohort starting 2021-03-01 unless stated (defaults: 12 months follow-up, 6 months waiting):
#   follow_up_end = 2022-03-01 - 1 day = 2022-02-28 (365 days: 2021-03-01 .. 2022-02-28)
#   proven_by     = 2022-09-01 - 1 day = 2022-08-31
@pytest.fixture
def cohort() -> tuple[pd.DataFrame, pd.DataFrame]:
    people = make_people(
        [
            # 1: offence and proof inside follow-up
            (1, "2021-03-01", None, None, "male"),
            # 2: offence inside follow-up, proven during the waiting period
            (2, "2021-03-01", None, None, "female"),
            # 3: offence inside follow-up, proven one day after the waiting period
            (3, "2021-03-01", None, None, "male"),
            # 4: offence on the last day of follow-up, proven on the last waiting day
            (4, "2021-03-01", None, None, "female"),
            # 5: offence on the anniversary
            (5, "2021-03-01", None, None, "male"),
            # 6: offence on the cohort start day
            (6, "2021-03-01", None, None, "male"),
            # 7: no offences, follow-up over 29 February 2020
            (7, "2019-06-01", None, None, "female"),
            # 8: no offences, no leap day
            (8, "2021-06-01", None, None, "female"),
            # 9: long custody before the offence
            (9, "2021-03-01", "2021-04-10", "long_custody", "male"),
            # 10: several offences, listed out of date order
            (10, "2021-03-01", None, None, "male"),
            # 11: exit after follow-up (ignored)
            (11, "2021-03-01", "2022-06-01", "deportation", "female"),
            # 12: offence on the exit date (counts; follow-up ends in a reoffence)
            (12, "2021-03-01", "2021-05-01", "long_custody", "male"),
        ]
    )
    offences = make_offences(
        [
            (1, "2021-05-10", "2021-06-01", "theft"),
            (2, "2022-01-15", "2022-05-20", "violence"),
            (3, "2021-06-01", "2022-09-01", "theft"),
            (4, "2022-02-28", "2022-08-31", "drugs"),
            (5, "2022-03-01", "2022-03-02", "theft"),
            (6, "2021-03-01", "2021-03-01", "violence"),
            (9, "2021-05-01", "2021-06-01", "theft"),
            (10, "2021-04-01", "2021-04-20", "theft"),
            (10, "2021-03-15", "2021-05-01", "violence"),
            (10, "2021-12-01", "2022-10-01", "theft"),  # proven after 2022-08-31: not counted
            (10, "2021-07-01", "2021-08-01", "theft"),
            (11, "2021-03-01", "2021-04-10", "drugs"),
            (12, "2021-05-01", "2021-05-20", "theft"),
        ]
    )
    return people, offences


# Expected per person: (reoffended, reoffences, time_days, event, competing_event)
#   1: 2021-03-01 -> 2021-05-10 = 31 + 30 + 9 = 70 days, +1 = 71
#   2: 2021-03-01 -> 2022-01-15 = 306 + 14 = 320 days, +1 = 321
#   3: proof 2022-09-01 > 2022-08-31: censored, 365
#   4: offence 2022-02-28 = follow_up_end: 364 + 1 = 365, event
#   5: offence 2022-03-01 is the anniversary: censored, 365
#   6: offence on the start day: 0 + 1 = 1
#   7: 2019-06-01 .. 2020-05-31 includes 2020-02-29: 366
#   8: 2021-06-01 .. 2022-05-31: 365
#   9: exit 2021-04-10 before offence 2021-05-01: 31 + 9 = 40, +1 = 41, competing
#  10: counted 2021-03-15, 2021-04-01, 2021-07-01 (3); first 2021-03-15: 14 + 1 = 15
#  11: exit 2022-06-01 outside follow-up is ignored; offence 2021-03-01 counts: time 1
#  12: offence on the exit day 2021-05-01: 31 + 30 = 61, +1 = 62, event, not competing
EXPECTED = {
    1: (1, 1, 71, 1, 0),
    2: (1, 1, 321, 1, 0),
    3: (0, 0, 365, 0, 0),
    4: (1, 1, 365, 1, 0),
    5: (0, 0, 365, 0, 0),
    6: (1, 1, 1, 1, 0),
    7: (0, 0, 366, 0, 0),
    8: (0, 0, 365, 0, 0),
    9: (0, 0, 41, 0, 1),
    10: (1, 3, 15, 1, 0),
    11: (1, 1, 1, 1, 0),
    12: (1, 1, 62, 1, 0),
}
MEASURES = ["reoffended", "reoffences", "time_days", "event", "competing_event"]


def test_derive_measures_hand_cohort(cohort):
    people, offences = cohort
    measures = derive_measures(people, offences)
    assert list(measures.columns) == [
        "person_id",
        "follow_up_end",
        "reoffended",
        "reoffences",
        "time_days",
        "event",
        "competing_event",
        "exit_reason",
    ]
    assert measures["person_id"].tolist() == people["person_id"].tolist()
    got = {row.person_id: tuple(int(getattr(row, c)) for c in MEASURES) for row in measures.itertuples()}
    assert got == EXPECTED
    for col in MEASURES:
        assert measures[col].dtype == np.int64


@pytest.mark.parametrize(
    ("person_id", "reason"),
    [(1, "inside/inside"), (2, "proven in waiting period"), (4, "last day of follow-up"),
     (6, "cohort start day")],
)
def test_counted_cases(cohort, person_id, reason):
    people, offences = cohort
    counted = counted_reoffences(people, offences)
    assert person_id in set(counted["person_id"]), reason


@pytest.mark.parametrize(
    ("person_id", "reason"),
    [(3, "proven after waiting period"), (5, "offence on anniversary"),
     (9, "offence after exit")],
)
def test_not_counted_cases(cohort, person_id, reason):
    people, offences = cohort
    counted = counted_reoffences(people, offences)
    assert person_id not in set(counted["person_id"]), reason


def test_counted_reoffences_keeps_offence_rows(cohort):
    people, offences = cohort
    offences = offences.assign(attempt=0)
    counted = counted_reoffences(people, offences)
    # Counted: persons 1, 2, 4, 6, 10 (three offences), 11, 12 -> 9 rows.
    assert len(counted) == 9
    assert list(counted.columns) == [*OFFENCE_COLUMNS, "attempt"]
    pd.testing.assert_frame_equal(counted, offences.loc[counted.index])
    assert sorted(counted.loc[counted["person_id"] == 10, "offence_date"]) == [
        T("2021-03-15"), T("2021-04-01"), T("2021-07-01")
    ]


def test_follow_up_end_column_and_exit_reason(cohort):
    people, offences = cohort
    measures = derive_measures(people, offences).set_index("person_id")
    assert measures.loc[1, "follow_up_end"] == T("2022-02-28")
    assert measures.loc[7, "follow_up_end"] == T("2020-05-31")
    assert measures["follow_up_end"].dtype == "datetime64[ns]"
    assert measures.loc[9, "exit_reason"] == "long_custody"
    assert pd.isna(measures.loc[1, "exit_reason"])


def test_follow_up_window_month_ends():
    # 2021-01-31 + 12 months = 2022-01-31 -> follow_up_end 2022-01-30;
    #   + 18 months = 2022-07-31 -> proven_by 2022-07-30.
    # 2021-08-31 + 12 months = 2022-08-31 -> follow_up_end 2022-08-30;
    #   + 18 months = 2023-02-31 clipped to 2023-02-28 -> proven_by 2023-02-27.
    # 2019-08-31 + 18 months = 2021-02-28 (2021 not leap) -> proven_by 2021-02-27.
    # 2018-08-31 + 18 months = 2020-02-29 (leap) -> proven_by 2020-02-28.
    starts = pd.Series(pd.to_datetime(["2021-01-31", "2021-08-31", "2019-08-31", "2018-08-31"]))
    window = follow_up_window(starts)
    assert window["follow_up_end"].tolist() == [
        T("2022-01-30"), T("2022-08-30"), T("2020-08-30"), T("2019-08-30")
    ]
    assert window["proven_by"].tolist() == [
        T("2022-07-30"), T("2023-02-27"), T("2021-02-27"), T("2020-02-28")
    ]
    # One-month follow-up from 31 January: 2021-02-28 - 1 = 2021-02-27; 2020-02-29 - 1 = 2020-02-28.
    # Waiting one month: 31 Jan + 2 months = 31 March -> proven_by 30 March.
    short = follow_up_window(pd.Series(pd.to_datetime(["2021-01-31", "2020-01-31"])), 1, 1)
    assert short["follow_up_end"].tolist() == [T("2021-02-27"), T("2020-02-28")]
    assert short["proven_by"].tolist() == [T("2021-03-30"), T("2020-03-30")]


def test_month_end_cohort_measures():
    # Start 2021-01-31 with a one-month follow-up: follow_up_end 2021-02-27, proven_by 2021-03-30.
    people = make_people(
        [(1, "2021-01-31", None, None, "male"), (2, "2021-01-31", None, None, "male"),
         (3, "2021-01-31", None, None, "male")]
    )
    offences = make_offences(
        [
            (1, "2021-02-27", "2021-03-30", "theft"),  # last day, last proof day: counts
            (2, "2021-02-28", "2021-03-01", "theft"),  # 2021-02-28 is the anniversary: outside
            (3, "2021-02-10", "2021-03-31", "theft"),  # proven one day late: outside
        ]
    )
    measures = derive_measures(people, offences, follow_up_months=1, waiting_months=1)
    # Person 1: 2021-01-31 -> 2021-02-27 = 27 days, +1 = 28. Others censored at 28 too.
    assert measures["reoffended"].tolist() == [1, 0, 0]
    assert measures["time_days"].tolist() == [28, 28, 28]
    assert measures["event"].tolist() == [1, 0, 0]


def test_twelve_months_is_365_or_366_days():
    # Leap: 2019-03-01 .. 2020-02-29 is 366 days; 2020-02-29 + 12 months = 2021-02-28,
    # so 2020-02-29 .. 2021-02-27 is 365 days; 2021-03-01 .. 2022-02-28 is 365 days.
    people = make_people(
        [(1, "2019-03-01", None, None, "m"), (2, "2020-02-29", None, None, "m"),
         (3, "2021-03-01", None, None, "m")]
    )
    measures = derive_measures(people, make_offences([]))
    assert measures["time_days"].tolist() == [366, 365, 365]
    assert measures["follow_up_end"].tolist() == [T("2020-02-29"), T("2021-02-27"), T("2022-02-28")]


def test_frequency_and_rates(cohort):
    people, offences = cohort
    measures = derive_measures(people, offences)
    # Reoffenders: 1, 2, 4, 6, 10, 11, 12 = 7 of 12 people; reoffences 1+1+1+1+3+1+1 = 9.
    rates = reoffending_rates(measures)
    assert list(rates.columns) == [
        "group",
        "offenders",
        "reoffenders",
        "reoffences",
        "binary_rate_pct",
        "frequency_per_offender",
        "frequency_per_reoffender",
    ]
    row = rates.iloc[0]
    assert row["group"] == "All"
    assert (row["offenders"], row["reoffenders"], row["reoffences"]) == (12, 7, 9)
    assert row["binary_rate_pct"] == pytest.approx(7 / 12 * 100)
    assert row["frequency_per_offender"] == pytest.approx(9 / 12)
    assert row["frequency_per_reoffender"] == pytest.approx(9 / 7)


def test_rates_by_group(cohort):
    people, offences = cohort
    measures = derive_measures(people, offences).merge(people[["person_id", "sex"]], on="person_id")
    rates = reoffending_rates(measures, by=["sex"]).set_index("sex")
    # female: 2, 4, 7, 8, 11 -> 5 offenders, reoffenders 2, 4, 11 = 3, reoffences 3.
    # male: 1, 3, 5, 6, 9, 10, 12 -> 7 offenders, reoffenders 1, 6, 10, 12 = 4,
    #       reoffences 1 + 1 + 3 + 1 = 6.
    assert rates.loc["female", ["offenders", "reoffenders", "reoffences"]].tolist() == [5, 3, 3]
    assert rates.loc["male", ["offenders", "reoffenders", "reoffences"]].tolist() == [7, 4, 6]
    assert rates.loc["female", "binary_rate_pct"] == pytest.approx(60.0)
    assert rates.loc["male", "frequency_per_offender"] == pytest.approx(6 / 7)
    assert rates.loc["male", "frequency_per_reoffender"] == pytest.approx(1.5)


def test_frequency_per_reoffender_nan_without_reoffenders():
    measures = pd.DataFrame(
        {
            "person_id": [1, 2, 3],
            "reoffended": [0, 0, 1],
            "reoffences": [0, 0, 4],
            "area": ["BCP", "BCP", "Dorset"],
        }
    )
    rates = reoffending_rates(measures, by=["area"]).set_index("area")
    assert rates.loc["BCP", "binary_rate_pct"] == 0.0
    assert rates.loc["BCP", "frequency_per_offender"] == 0.0
    assert np.isnan(rates.loc["BCP", "frequency_per_reoffender"])
    # Dorset: 4 reoffences by 1 reoffender.
    assert rates.loc["Dorset", "frequency_per_reoffender"] == 4.0
    assert rates.loc["Dorset", "binary_rate_pct"] == 100.0


def test_reoffences_by_type(cohort):
    people, offences = cohort
    # Counted: 1 theft, 2 violence, 4 drugs, 6 violence, 10 theft/violence/theft,
    # 11 drugs, 12 theft -> theft 4, violence 3, drugs 2.
    overall = reoffences_by_type(people, offences)
    assert list(overall.columns) == ["offence_type", "reoffences"]
    assert dict(zip(overall["offence_type"], overall["reoffences"], strict=True)) == {
        "drugs": 2, "theft": 4, "violence": 3
    }
    # By sex: female 2 violence, 4 drugs, 11 drugs; male the rest.
    by_sex = reoffences_by_type(people, offences, by=["sex"])
    assert list(by_sex.columns) == ["sex", "offence_type", "reoffences"]
    got = {(r.sex, r.offence_type): r.reoffences for r in by_sex.itertuples()}
    assert got == {
        ("female", "drugs"): 2,
        ("female", "violence"): 1,
        ("male", "theft"): 4,
        ("male", "violence"): 2,
    }


def test_eligibility():
    # proven_by for 2021-03-01 is 2022-08-31; for 2021-08-31 it is 2023-02-27.
    starts = pd.Series(pd.to_datetime(["2021-03-01", "2021-03-01", "2021-08-31"]), index=[5, 6, 7])
    assert is_eligible(starts, "2022-08-31").tolist() == [True, True, False]
    assert is_eligible(starts, T("2022-08-30")).tolist() == [False, False, False]
    assert is_eligible(starts, "2023-02-27").tolist() == [True, True, True]
    assert is_eligible(starts, "2023-02-27").index.tolist() == [5, 6, 7]
    # Shorter periods: 6 + 3 months from 2021-03-01 -> proven_by 2021-11-30.
    assert is_eligible(starts.iloc[:1], "2021-11-30", 6, 3).tolist() == [True]
    assert is_eligible(starts.iloc[:1], "2021-11-29", 6, 3).tolist() == [False]


@pytest.mark.parametrize("typed", [True, False])
def test_empty_offences(cohort, typed):
    people, _ = cohort
    offences = make_offences([]) if typed else pd.DataFrame(columns=OFFENCE_COLUMNS)
    measures = derive_measures(people, offences)
    assert measures["reoffended"].sum() == 0
    assert measures["event"].sum() == 0
    # Person 9 exits on 2021-04-10 (41 days); person 12 exits on 2021-05-01 (62 days);
    # person 7 has 366 days; everyone else 365.
    expected_time = {9: 41, 12: 62, 7: 366}
    assert measures["time_days"].tolist() == [
        expected_time.get(p, 365) for p in people["person_id"]
    ]
    assert measures["competing_event"].tolist() == [int(p in (9, 12)) for p in people["person_id"]]
    assert counted_reoffences(people, offences).empty
    by_type = reoffences_by_type(people, offences, by=["sex"])
    assert by_type.empty
    assert list(by_type.columns) == ["sex", "offence_type", "reoffences"]
    rates = reoffending_rates(measures)
    assert rates.loc[0, "binary_rate_pct"] == 0.0
    assert np.isnan(rates.loc[0, "frequency_per_reoffender"])


def test_people_without_exit_columns_and_order():
    people = pd.DataFrame(
        {"person_id": ["b", "a"], "cohort_start": pd.to_datetime(["2021-03-01", "2021-03-01"])},
        index=[10, 20],
    )
    offences = make_offences([("a", "2021-03-02", "2021-03-03", "theft")])
    measures = derive_measures(people, offences)
    assert "exit_reason" not in measures.columns
    assert measures.index.tolist() == [10, 20]
    assert measures["person_id"].tolist() == ["b", "a"]
    assert measures["time_days"].tolist() == [365, 2]
    assert measures["competing_event"].tolist() == [0, 0]


# ---------------------------------------------------------------------------------------------
# Property test against an independent per-person reference implementation.


def reference_measures(
    people: pd.DataFrame, offences: pd.DataFrame, follow_up_months: int, waiting_months: int
) -> pd.DataFrame:
    """Plain-Python reference: loop over people, scalar Timestamp and DateOffset arithmetic."""
    by_person: dict = {}
    for off in offences.itertuples(index=False):
        by_person.setdefault(off.person_id, []).append(off)
    rows = []
    for person in people.itertuples(index=False):
        start = person.cohort_start
        anniversary = start + pd.DateOffset(months=follow_up_months)
        follow_up_end = anniversary - pd.Timedelta(days=1)
        proof_limit = start + pd.DateOffset(months=follow_up_months + waiting_months)
        exit_date = person.exit_date
        exit_in = not pd.isna(exit_date) and start <= exit_date <= follow_up_end
        counted = []
        for off in by_person.get(person.person_id, []):
            if not (start <= off.offence_date <= follow_up_end):
                continue
            if off.proven_date >= proof_limit:
                continue
            if exit_in and off.offence_date > exit_date:
                continue
            counted.append(off.offence_date)
        if counted:
            end, event, competing = min(counted), 1, 0
        elif exit_in:
            end, event, competing = exit_date, 0, 1
        else:
            end, event, competing = follow_up_end, 0, 0
        rows.append(
            {
                "person_id": person.person_id,
                "follow_up_end": follow_up_end,
                "reoffended": int(bool(counted)),
                "reoffences": len(counted),
                "time_days": (end - start).days + 1,
                "event": event,
                "competing_event": competing,
            }
        )
    return pd.DataFrame(rows)


def random_cohort(seed: int, n: int = 2000) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2018-01-01") + pd.to_timedelta(rng.integers(0, 1500, n), unit="D")
    # Force a share of starts onto month ends (28th to 31st) to exercise day clipping.
    month_end = pd.Series(start).dt.to_period("M").dt.end_time.dt.normalize()
    start = pd.Series(np.where(rng.random(n) < 0.3, month_end, start))
    exit_date = start + pd.to_timedelta(rng.integers(0, 500, n), unit="D")
    exit_date = exit_date.where(rng.random(n) < 0.15)
    people = pd.DataFrame(
        {
            "person_id": rng.permutation(n) + 1000,
            "cohort_start": start,
            "exit_date": exit_date,
            "exit_reason": np.where(exit_date.isna(), None, "death"),
        }
    )
    counts = rng.poisson(1.5, n)
    pid = np.repeat(np.arange(n), counts)
    offence_date = people["cohort_start"].to_numpy()[pid] + pd.to_timedelta(
        rng.integers(0, 450, len(pid)), unit="D"
    ).to_numpy()
    proven_date = offence_date + pd.to_timedelta(rng.integers(0, 300, len(pid)), unit="D").to_numpy()
    offences = pd.DataFrame(
        {
            "person_id": people["person_id"].to_numpy()[pid],
            "offence_date": offence_date,
            "proven_date": proven_date,
            "offence_type": rng.choice(["theft", "violence", "drugs"], len(pid)),
        }
    ).sample(frac=1.0, random_state=seed)
    return people, offences


@pytest.mark.parametrize(("seed", "follow_up_months", "waiting_months"), [(0, 12, 6), (1, 6, 3), (2, 1, 0)])
def test_matches_reference_implementation(seed, follow_up_months, waiting_months):
    people, offences = random_cohort(seed)
    got = derive_measures(people, offences, follow_up_months, waiting_months)
    expected = reference_measures(people, offences, follow_up_months, waiting_months)
    columns = list(expected.columns)
    pd.testing.assert_frame_equal(
        got[columns].reset_index(drop=True), expected, check_dtype=False
    )
    # Both event kinds and censoring occur, so the comparison is informative.
    assert got["event"].sum() > 0
    assert got["competing_event"].sum() > 0
    assert ((got["event"] == 0) & (got["competing_event"] == 0)).sum() > 0
    # The by-type counts add up to the frequency measure.
    by_type = reoffences_by_type(people, offences, follow_up_months, waiting_months)
    assert by_type["reoffences"].sum() == got["reoffences"].sum()
    counted = counted_reoffences(people, offences, follow_up_months, waiting_months)
    assert len(counted) == got["reoffences"].sum()


def test_follow_up_window_matches_date_offset():
    days = pd.Series(pd.date_range("2015-01-01", "2025-12-31", freq="D"))
    for months, wait in [(12, 6), (1, 1), (6, 0), (24, 6)]:
        window = follow_up_window(days, months, wait)
        expected_end = [d + pd.DateOffset(months=months) - pd.Timedelta(days=1) for d in days]
        expected_by = [d + pd.DateOffset(months=months + wait) - pd.Timedelta(days=1) for d in days]
        assert window["follow_up_end"].tolist() == expected_end
        assert window["proven_by"].tolist() == expected_by
