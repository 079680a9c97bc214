"""Tests of the SYNTHETIC cohort generator (analysis.synthetic) and the reference figures."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.data.reference import needs_table, seed_figure, seed_figures
from analysis.files import project_root
from analysis.measures.reoffending import is_eligible
from analysis.synthetic import (
    DEFAULT_N,
    DEFAULT_SEED,
    EXTRACT_DATE,
    INTERVENTION_HAZARD_RATIOS,
    OFFENCE_COLUMNS,
    PEOPLE_COLUMNS,
    TIME_VARYING_HAZARD_RATIOS,
    SyntheticCohort,
    _invert_hazard,
    generate_cohort,
    write_cohort,
)

try:
    from analysis.measures.reoffending import derive_measures, is_eligible
except ImportError:  # pragma: no cover - the measures module is part of the package
    derive_measures = is_eligible = None

needs_measures = pytest.mark.skipif(derive_measures is None, reason="analysis.measures.reoffending missing")

# Tolerances. The binary rates and frequencies are solved on the sample's own draws, so for any
# seed they land within about half a person of the target; the tolerances below are what an
# analyst would accept as "calibrated" and leave room for the discreteness of small groups
# (about 440 eligible children in the default cohort: one child is 0.23 points).
ADULT_RATE_TOL_PP = 2.0
CHILD_RATE_TOL_PP = 4.0
# Male 26.1% and female 21.1% cannot both be met together with adults 25.1%, children 34.2% and
# 12% children (the overall rate is then above 26.1%): the gap is calibrated, the levels drift.
SEX_GAP_TOL_PP = 1.0
SEX_LEVEL_TOL_PP = 2.0
# Needs are drawn with the published prevalences as probabilities (about 2,900 assessed adults:
# one standard error is under 1 point), so 3 points is a 3-standard-error band.
NEED_TOL_PP = 3.0
MEAN_NEEDS_TOL = 0.15
ASSESSED_TOL_PP = 3.0
CHILD_FREQ_TOL = 0.4
ADULT_FREQ_TOL = 0.4
# Post-release shares are assumptions drawn as probabilities among about 1,000 adult custody
# leavers (standard error about 1.5 points); engagement by area rests on 80-250 people.
POST_RELEASE_TOL_PP = 5.0
ENGAGED_TOL_PP = 12.0

DATA_DIR = project_root() / "data" / "synthetic"
FLAG_COLUMNS = [
    "needs_assessed", *[c for c in PEOPLE_COLUMNS if c.startswith("need_")], "iom",
    "restorative_justice", "accommodation_support", "employed_6w", "employed_6m",
    "housed_release_night", "settled_accommodation_3m", "substance_treatment_need",
    "engaged_treatment",
]


@pytest.fixture(scope="module")
def cohort() -> SyntheticCohort:
    """Return the default cohort (4,000 people, seed 2024)."""
    return generate_cohort()


@pytest.fixture(scope="module")
def measured(cohort: SyntheticCohort) -> pd.DataFrame:
    """Return eligible people with their derived measures (requires analysis.measures.reoffending)."""
    if derive_measures is None:
        pytest.skip("analysis.measures.reoffending missing")
    people = cohort.people
    measures = derive_measures(people, cohort.offences, 12, 6)
    eligible = is_eligible(people["cohort_start"], EXTRACT_DATE, 12, 6)
    out = people.join(measures.drop(columns=["person_id", "exit_reason"], errors="ignore"))
    return out.loc[eligible.to_numpy()]


def _rate(frame: pd.DataFrame) -> float:
    """Return the binary proven reoffending rate of a group, in percent."""
    return 100 * float(frame["reoffended"].mean())


def _frequency(frame: pd.DataFrame) -> float:
    """Return proven reoffences per reoffender of a group."""
    reoffenders = frame[frame["reoffended"] == 1]
    return float(reoffenders["reoffences"].mean())


def _calibration(cohort: SyntheticCohort, figure: str, description: str | None = None) -> dict:
    """Return one calibration entry of the metadata."""
    for row in cohort.metadata["calibration"]:
        if row["figure"] == figure and (description is None or row["description"] == description):
            return row
    raise KeyError(figure)


# ------------------------------------------------------------------------------------------
# Reproducibility
# ------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_frames_and_bytes(cohort: SyntheticCohort, tmp_path: Path) -> None:
    again = generate_cohort(DEFAULT_N, DEFAULT_SEED)
    pd.testing.assert_frame_equal(cohort.people, again.people)
    pd.testing.assert_frame_equal(cohort.offences, again.offences)
    assert cohort.metadata == again.metadata
    first = write_cohort(cohort, tmp_path / "a")
    second = write_cohort(again, tmp_path / "b")
    for key in ("people", "offences", "metadata"):
        assert first[key].read_bytes() == second[key].read_bytes()


def test_different_seed_gives_different_data() -> None:
    a, b = generate_cohort(500, 1), generate_cohort(500, 2)
    assert not a.people.equals(b.people)
    assert not a.offences.equals(b.offences)


def test_bundled_files_match_the_generator(cohort: SyntheticCohort, tmp_path: Path) -> None:
    written = write_cohort(cohort, tmp_path)
    for key, path in written.items():
        bundled = DATA_DIR / path.name
        assert bundled.is_file(), f"{bundled} missing: run python -m analysis.synthetic --out data/synthetic"
        assert bundled.read_bytes() == path.read_bytes(), f"{bundled} differs from generate_cohort() ({key})"


def test_written_files_are_canonical(cohort: SyntheticCohort, tmp_path: Path) -> None:
    paths = write_cohort(cohort, tmp_path)
    header = paths["people"].read_text().splitlines()[0]
    assert header == ",".join(PEOPLE_COLUMNS)
    assert paths["offences"].read_text().splitlines()[0] == ",".join(OFFENCE_COLUMNS)
    assert b"\r" not in paths["people"].read_bytes()
    meta = json.loads(paths["metadata"].read_text())
    assert paths["metadata"].read_text() == json.dumps(meta, sort_keys=True, indent=2) + "\n"
    assert meta["synthetic"] is True
    reread = pd.read_csv(paths["people"], dtype=str, keep_default_na=False)
    assert reread["cohort_start"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()


# ------------------------------------------------------------------------------------------
# Records-form integrity
# ------------------------------------------------------------------------------------------


def test_records_form_integrity(cohort: SyntheticCohort) -> None:
    people, offences = cohort.people, cohort.offences
    assert list(people.columns) == list(PEOPLE_COLUMNS)
    assert list(offences.columns) == list(OFFENCE_COLUMNS)
    assert people["person_id"].is_unique
    assert people["person_id"].str.fullmatch(r"SYN\d{7}").all()
    assert people["person_id"].is_monotonic_increasing
    assert offences["person_id"].isin(people["person_id"]).all()
    start = offences["person_id"].map(people.set_index("person_id")["cohort_start"])
    assert (offences["offence_date"] >= start).all()
    assert (offences["proven_date"] >= offences["offence_date"]).all()
    assert (offences["proven_date"] <= pd.Timestamp(EXTRACT_DATE)).all()
    keys = ["person_id", "offence_date", "proven_date", "offence_type", "attempt"]
    assert offences.equals(offences.sort_values(keys, kind="stable").reset_index(drop=True))


def test_flags_are_zero_one_or_blank(cohort: SyntheticCohort) -> None:
    for column in FLAG_COLUMNS:
        values = set(cohort.people[column].dropna().astype(int).unique())
        assert values <= {0, 1}, column
    assert set(cohort.offences["attempt"].unique()) <= {0, 1}


def test_blank_patterns(cohort: SyntheticCohort) -> None:
    people = cohort.people
    assessed = people["needs_assessed"] == 1
    for column in (c for c in PEOPLE_COLUMNS if c.startswith("need_")):
        assert people.loc[assessed, column].notna().all()
        assert people.loc[~assessed, column].isna().all()
    adult_custody = (people["cohort_start_type"] == "custody_release") & (people["age"] >= 18)
    for column in ("employed_6w", "employed_6m", "housed_release_night", "settled_accommodation_3m",
                   "substance_treatment_need"):
        assert people.loc[adult_custody, column].notna().all()
        assert people.loc[~adult_custody, column].isna().all()
    need = people["substance_treatment_need"] == 1
    assert people.loc[need, "engaged_treatment"].notna().all()
    assert people.loc[~need.fillna(False), "engaged_treatment"].isna().all()
    for flag, date in (("iom", "iom_start_date"), ("restorative_justice", "restorative_justice_date"),
                       ("accommodation_support", "accommodation_support_date")):
        treated = people[flag] == 1
        assert people.loc[treated, date].notna().all() and people.loc[~treated, date].isna().all()
        assert (people.loc[treated, date] >= people.loc[treated, "cohort_start"]).all()


def test_dated_status_changes_agree_with_flags(cohort: SyntheticCohort) -> None:
    people = cohort.people
    start = people["cohort_start"]
    for column in ("employment_date", "settled_accommodation_date"):
        known = people[column].notna()
        assert (people.loc[known, column] >= start[known]).all()
        assert (people.loc[known, column] <= pd.Timestamp(EXTRACT_DATE)).all()
    custody = people["employed_6w"].notna()
    emp = people["employment_date"]
    assert ((emp <= start + pd.Timedelta(days=42)).astype(int)[custody]
            == people.loc[custody, "employed_6w"].astype(int)).all()
    six_months = start + pd.DateOffset(months=6)
    assert ((emp <= six_months).astype(int)[custody] == people.loc[custody, "employed_6m"].astype(int)).all()
    three_months = start + pd.DateOffset(months=3)
    settled = (people["settled_accommodation_date"] <= three_months).astype(int)
    assert (settled[custody] == people.loc[custody, "settled_accommodation_3m"].astype(int)).all()
    assert (people.loc[custody, "employed_6m"] >= people.loc[custody, "employed_6w"]).all()
    assert people.loc[people["age"] < 18, "employment_date"].isna().all()


def test_competing_exits(cohort: SyntheticCohort) -> None:
    people, offences = cohort.people, cohort.offences
    exits = people["exit_date"].notna()
    assert 1.5 <= 100 * exits.mean() <= 3.5
    assert set(people.loc[exits, "exit_reason"]) <= {"death", "deportation", "long_custody"}
    assert people.loc[~exits, "exit_reason"].isna().all()
    anniversary = people["cohort_start"] + pd.DateOffset(months=12)
    assert (people.loc[exits, "exit_date"] < anniversary[exits]).all()
    exit_of = offences["person_id"].map(people.set_index("person_id")["exit_date"])
    assert not (offences["offence_date"] > exit_of).any()


@needs_measures
def test_offences_beyond_the_windows_exist(cohort: SyntheticCohort) -> None:
    people, offences = cohort.people, cohort.offences
    start = offences["person_id"].map(people.set_index("person_id")["cohort_start"])
    after_follow_up = offences["offence_date"] >= start + pd.DateOffset(months=12)
    in_follow_up = ~after_follow_up
    late_proof = in_follow_up & (offences["proven_date"] >= start + pd.DateOffset(months=18))
    assert after_follow_up.sum() > 100
    assert late_proof.sum() > 10
    lag = (offences["proven_date"] - offences["offence_date"]).dt.days
    assert 40 <= lag.median() <= 80
    eligible = is_eligible(people["cohort_start"], EXTRACT_DATE)
    assert 0.85 <= eligible.mean() <= 0.95
    assert people.loc[eligible, "cohort_start"].max() <= pd.Timestamp("2024-04-01")


@needs_measures
def test_a_later_extract_records_more_offences_and_stays_calibrated() -> None:
    """Observed to 2026-12-31, people have about five offences each; targets still hold."""
    later = generate_cohort(4000, DEFAULT_SEED, extract_date="2026-12-31")
    people, offences = later.people, later.offences
    assert later.metadata["extract_date"] == "2026-12-31"
    assert 4.5 <= len(offences) / len(people) <= 5.5
    assert offences["proven_date"].max() <= pd.Timestamp("2026-12-31")
    assert offences["offence_date"].max() > pd.Timestamp(EXTRACT_DATE)
    eligible = is_eligible(people["cohort_start"], "2026-12-31", 12, 6)
    assert eligible.all()  # the last starts (2024-06-30) are measured by 2025-12-30
    m = people.join(derive_measures(people, offences, 12, 6).drop(
        columns=["person_id", "exit_reason"], errors="ignore"))
    adults, children = m[m["age"] >= 18], m[m["age"] < 18]
    assert abs(_rate(adults) - seed_figure("proven_reoffending_adults_national")) <= ADULT_RATE_TOL_PP
    assert abs(_rate(children) - seed_figure("proven_reoffending_children_national")) <= CHILD_RATE_TOL_PP
    with pytest.raises(ValueError, match="extract_date"):
        generate_cohort(100, DEFAULT_SEED, extract_date="2025-06-30")


# ------------------------------------------------------------------------------------------
# Calibration (derived with analysis.measures.reoffending on eligible people)
# ------------------------------------------------------------------------------------------


@needs_measures
def test_binary_rates_hit_targets(measured: pd.DataFrame, cohort: SyntheticCohort) -> None:
    adults, children = measured[measured["age"] >= 18], measured[measured["age"] < 18]
    assert abs(_rate(adults) - seed_figure("proven_reoffending_adults_national")) <= ADULT_RATE_TOL_PP
    assert abs(_rate(children) - seed_figure("proven_reoffending_children_national")) <= CHILD_RATE_TOL_PP
    male = _rate(measured[measured["sex"] == "male"])
    female = _rate(measured[measured["sex"] == "female"])
    gap = seed_figure("proven_reoffending_female_national") - seed_figure("proven_reoffending_male_national")
    assert abs((female - male) - gap) <= SEX_GAP_TOL_PP
    assert abs(male - seed_figure("proven_reoffending_male_national")) <= SEX_LEVEL_TOL_PP
    assert abs(female - seed_figure("proven_reoffending_female_national")) <= SEX_LEVEL_TOL_PP
    # The generator's own figures agree with the measures module.
    entry = _calibration(cohort, "proven_reoffending_adults_national")
    assert entry["realised"] == pytest.approx(_rate(adults), abs=1e-3)
    assert cohort.metadata["n_eligible"] == len(measured)


@needs_measures
def test_frequencies_hit_targets(measured: pd.DataFrame) -> None:
    children, adults = measured[measured["age"] < 18], measured[measured["age"] >= 18]
    target_child = seed_figure("child_further_offences_per_reoffender_pan_dorset_2021")
    assert abs(_frequency(children) - target_child) <= CHILD_FREQ_TOL
    assert abs(_frequency(adults) - 3.5) <= ADULT_FREQ_TOL  # ASSUMPTION, not published


def test_needs_prevalences_and_mean(cohort: SyntheticCohort) -> None:
    people = cohort.people
    adults = people[people["age"] >= 18]
    assert abs(100 * adults["needs_assessed"].mean() - seed_figure("needs_share_assessed")) <= ASSESSED_TOL_PP
    assessed = adults[adults["needs_assessed"] == 1]
    for row in needs_table().itertuples():
        realised = 100 * assessed[f"need_{row.need}"].astype(float).mean()
        assert abs(realised - row.percent_of_assessed) <= NEED_TOL_PP, row.need
    need_columns = [c for c in PEOPLE_COLUMNS if c.startswith("need_")]
    assert len(need_columns) == 10
    mean_needs = assessed[need_columns].astype(float).sum(axis=1).mean()
    assert abs(mean_needs - seed_figure("needs_mean_per_assessed")) <= MEAN_NEEDS_TOL
    correlation = assessed[["need_drugs", "need_lifestyle"]].astype(float).corr().iloc[0, 1]
    assert correlation > 0.05  # needs are correlated through the latent risk factor


def test_demographics(cohort: SyntheticCohort) -> None:
    people = cohort.people
    adults, children = people[people["age"] >= 18], people[people["age"] < 18]
    bands = pd.cut(adults["age"], [17, 24, 34, 44, 54, 120]).value_counts()
    assert bands.index[0].right == 34 and bands.index[1].right == 44  # 25-34, then 35-44
    assert children["age"].between(10, 17).all()
    assert (children["age"] >= 15).mean() > 0.5
    assert abs(100 * (children["sex"] == "female").mean() - seed_figure("child_fte_female_share")) <= 4
    assert 0.10 <= len(children) / len(people) <= 0.14
    assert 0.52 <= (people["area"] == "BCP").mean() <= 0.58
    child_types = children["cohort_start_type"].value_counts(normalize=True)
    assert child_types.get("custody_release", 0) < 0.06
    dob_age = (people["cohort_start"].dt.year - people["date_of_birth"].dt.year
               - ((people["cohort_start"].dt.month * 100 + people["cohort_start"].dt.day)
                  < (people["date_of_birth"].dt.month * 100 + people["date_of_birth"].dt.day)))
    assert (dob_age == people["age"]).all()


def test_post_release_measures(cohort: SyntheticCohort) -> None:
    people = cohort.people
    assumed = {"employed_6w": 17, "employed_6m": 33, "housed_release_night": 88,
               "settled_accommodation_3m": 76}
    for column, value in assumed.items():
        assert abs(100 * people[column].dropna().astype(float).mean() - value) <= POST_RELEASE_TOL_PP
    for area, key in (("Dorset", "continuity_of_care_dorset"), ("BCP", "continuity_of_care_bcp")):
        engaged = people.loc[people["area"] == area, "engaged_treatment"].dropna().astype(float)
        assert abs(100 * engaged.mean() - seed_figure(key)) <= ENGAGED_TOL_PP


def test_iom_profile(cohort: SyntheticCohort) -> None:
    people = cohort.people
    iom = people[people["iom"] == 1]
    adults = people[people["age"] >= 18]
    assert (iom["age"] >= 18).all()
    assert 3.5 <= 100 * len(iom) / len(adults) <= 6.5
    assert (iom["sex"] == "male").mean() > 0.8
    assert iom["age"].between(18, 33).mean() > 0.7
    assert iom["index_offence"].value_counts().index[0] == "dwelling burglary"
    profile = cohort.metadata["iom_profile"]
    assert profile["pct_substance_misuse_need"] > 95
    assert abs(profile["pct_accommodation_need"] - 69) <= 10
    assert profile["pct_employed_within_12m"] < 15


# ------------------------------------------------------------------------------------------
# Planted effects
# ------------------------------------------------------------------------------------------


def test_metadata_records_planted_and_true_effects(cohort: SyntheticCohort) -> None:
    meta = cohort.metadata
    assert meta["synthetic"] is True
    assert (meta["seed"], meta["n_people"], meta["extract_date"]) == (DEFAULT_SEED, DEFAULT_N, EXTRACT_DATE)
    assert (meta["follow_up_months"], meta["waiting_months"]) == (12, 6)
    planted = meta["planted_hazard_ratios"]
    assert planted["interventions"] == INTERVENTION_HAZARD_RATIOS
    assert planted["time_varying_covariates"] == TIME_VARYING_HAZARD_RATIOS
    for name in INTERVENTION_HAZARD_RATIOS:
        effect = meta["true_effects"][name]
        assert effect["att_risk_difference_pp"] < 0 and effect["ate_risk_difference_pp"] < 0
    iom = meta["true_effects"]["iom"]
    assert iom["naive_risk_difference_pp"] > iom["att_risk_difference_pp"] + 5  # confounded
    assert "timestamp" not in json.dumps(meta)


def test_hazard_inversion_matches_the_cumulative_hazard() -> None:
    rng = np.random.default_rng(0)
    n = 200_000
    target = rng.exponential(1.0, n)
    change = np.column_stack([np.full(n, 50.0), np.full(n, np.inf)])
    times = _invert_hazard(target, np.full(n, 0.2), change, np.log([0.5, 0.7]))
    shape = 0.7

    def cumulative(t: float) -> float:
        h = lambda s: (s / 365.25) ** shape  # noqa: E731
        before = np.exp(0.2) * h(min(t, 50.0))
        return before + (np.exp(0.2) * 0.5 * (h(t) - h(50.0)) if t > 50 else 0.0)

    for t in (20.0, 50.0, 200.0):
        assert (times <= t).mean() == pytest.approx(1 - np.exp(-cumulative(t)), abs=0.005)


def _time_varying_rows(measured: pd.DataFrame) -> pd.DataFrame:
    """Build start/stop rows (one per covariate pattern) for eligible assessed adults."""
    frame = measured[(measured["age"] >= 18) & (measured["needs_assessed"] == 1)]
    stop = frame["time_days"].to_numpy(float)
    covariates = pd.DataFrame({
        "id": np.arange(len(frame)),
        "age": frame["age"].to_numpy(float),
        "female": (frame["sex"] == "female").to_numpy(float),
        "log1p_prior_12m": np.log1p(frame["prior_offences_12m"].to_numpy(float)),
        **{k: frame[f"need_{k}"].to_numpy(float) for k in ("drugs", "lifestyle", "attitudes", "accommodation")},
        "custody": (frame["cohort_start_type"] == "custody_release").to_numpy(float),
        "out_of_court": (frame["cohort_start_type"] == "out_of_court").to_numpy(float),
    })
    dated = {"employed": "employment_date", "settled": "settled_accommodation_date",
             "iom": "iom_start_date", "rj": "restorative_justice_date",
             "accommodation_support": "accommodation_support_date"}
    # A status gained on day d (days after cohort start) applies to offences from day d on,
    # i.e. to time_days > d on the measures' scale (time_days counts the day of the event).
    change = np.column_stack([
        (frame[col] - frame["cohort_start"]).dt.days.to_numpy(float) for col in dated.values()])
    change = np.where(np.isnan(change), np.inf, change)
    cuts = np.sort(np.column_stack([np.zeros(len(frame)), change, stop]), axis=1)
    pieces = []
    for j in range(cuts.shape[1] - 1):
        lo, hi = cuts[:, j], np.minimum(cuts[:, j + 1], stop)
        keep = (hi > lo) & (lo < stop)
        piece = covariates[keep].copy()
        piece["start"], piece["stop"] = lo[keep], hi[keep]
        for k, name in enumerate(dated):
            piece[name] = (change[keep, k] <= lo[keep]).astype(float)
        piece["event"] = ((hi[keep] == stop[keep]) & (frame["event"].to_numpy()[keep] == 1)).astype(int)
        pieces.append(piece)
    return pd.concat(pieces, ignore_index=True)


@needs_measures
def test_planted_iom_hazard_ratio_is_recovered(measured: pd.DataFrame) -> None:
    from lifelines import CoxPHFitter, CoxTimeVaryingFitter

    rows = _time_varying_rows(measured)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        adjusted = CoxTimeVaryingFitter().fit(rows, id_col="id", start_col="start",
                                              stop_col="stop", event_col="event")
    row = adjusted.summary.loc["iom"]
    planted = INTERVENTION_HAZARD_RATIOS["iom"]
    assert row["exp(coef) lower 95%"] <= planted <= row["exp(coef) upper 95%"]
    for name, ratio in (("employed", TIME_VARYING_HAZARD_RATIOS["employment"]),
                        ("settled", TIME_VARYING_HAZARD_RATIOS["settled_accommodation"])):
        tv = adjusted.summary.loc[name]
        assert tv["exp(coef) lower 95%"] <= ratio <= tv["exp(coef) upper 95%"], name
    # The naive comparison (IOM flag only, time-fixed) is biased: IOM people are higher risk.
    adults = measured[(measured["age"] >= 18) & (measured["needs_assessed"] == 1)]
    naive_data = pd.DataFrame({"time": adults["time_days"].to_numpy(float),
                               "event": adults["event"].to_numpy(int),
                               "iom": adults["iom"].to_numpy(float)})
    naive = CoxPHFitter().fit(naive_data, "time", "event").summary.loc["iom"]
    assert naive["exp(coef) lower 95%"] > planted
    assert naive["exp(coef)"] > row["exp(coef)"]


# ------------------------------------------------------------------------------------------
# Reference figures
# ------------------------------------------------------------------------------------------


def test_seed_figures_table() -> None:
    table = seed_figures()
    assert list(table.columns) == ["figure", "value", "unit", "population", "period", "source", "note"]
    assert table["figure"].is_unique
    assert (table["source"].str.len() > 0).all()
    expected = {
        "proven_reoffending_overall_national": 25.5, "proven_reoffending_adults_national": 25.1,
        "proven_reoffending_children_national": 34.2, "proven_reoffending_male_national": 26.1,
        "proven_reoffending_female_national": 21.1, "proven_reoffending_age_15_17_national": 33.4,
        "proven_reoffending_age_10_14_national": 28.8, "needs_mean_per_assessed": 4.77,
        "target_children_reoffending_max": 34.2, "durham_iom_cohort_size": 195,
        "durham_iom_offences_2012_13": 889, "case_study_individual_a_cost_gbp": 39933,
        "case_study_individual_b_cost_gbp": 13065, "case_study_individual_c_cost_gbp": 14953,
    }
    for key, value in expected.items():
        assert seed_figure(key) == value, key
    with pytest.raises(KeyError):
        seed_figure("no_such_figure")


def test_needs_table() -> None:
    table = needs_table()
    assert list(table.columns) == ["need", "label", "count", "percent_of_assessed"]
    assert table["percent_of_assessed"].tolist() == [77, 68, 67, 62, 39, 38, 35, 30]
    assert table["count"].sum() == 5701
    # Percentages are of the ~1,370 assessed (83% of 1,651), not of the caseload.
    assessed = 0.83 * 1651
    assert np.allclose(100 * table["count"] / assessed, table["percent_of_assessed"], atol=0.6)


def test_repository_root_raises_outside_a_repository(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="pyproject.toml"):
        project_root(tmp_path / "x.py")


def test_bundled_small_cohort_matches_the_generator(tmp_path: Path) -> None:
    """data/synthetic_small (used by params/fast.yaml) is generate_cohort(1000, 2024)."""
    small = DATA_DIR.parent / "synthetic_small"
    for key, path in write_cohort(generate_cohort(1000, 2024), tmp_path).items():
        bundled = small / path.name
        assert bundled.read_bytes() == path.read_bytes(), (
            f"{bundled} differs from generate_cohort(1000, 2024) ({key}): run "
            "python -m analysis.synthetic --out data/synthetic_small --n 1000 --seed 2024"
        )


def test_potential_outcomes_give_the_true_effects_of_the_metadata(cohort: SyntheticCohort) -> None:
    po = cohort.potential_outcomes
    assert list(po["person_id"]) == list(cohort.people["person_id"])
    people = cohort.people
    eligible = is_eligible(people["cohort_start"], EXTRACT_DATE, 12, 6).to_numpy()
    for name in INTERVENTION_HAZARD_RATIOS:
        effect = (po[f"{name}_y1"] - po[f"{name}_y0"]).to_numpy()
        population = eligible & (True if name == "restorative_justice" else people["age"].to_numpy() >= 18)
        treated = population & people[name].fillna(0).eq(1).to_numpy()
        truth = cohort.metadata["true_effects"][name]
        assert 100 * effect[treated].mean() == pytest.approx(truth["att_risk_difference_pp"], abs=1e-3)
        assert 100 * effect[population].mean() == pytest.approx(truth["ate_risk_difference_pp"], abs=1e-3)
