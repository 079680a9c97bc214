"""The DuckDB engine of the records form's measures gives the pandas path's per-person measures."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from analysis.data import engine as data_engine
from analysis.data.loading import load_data
from analysis.errors import ParameterError
from analysis.measures.cohort import build_cohort
from analysis.measures.reoffending import (
    add_months,
    derive_measures,
    is_eligible,
    reoffences_by_type,
)
from analysis.measures.reoffending_sql import (
    add_months_sql,
    derive_measures_sql,
    reoffences_by_type_sql,
)
from analysis.params import RunParams, load_params

EDGE = """
run_name: edge
data:
  form: records
  name: Edge cases
  extract_date: 2026-04-30
  engine: {engine}
  people:
    file: people.{ext}
    date_format: day_first
    columns: {{person_id: id, cohort_start: start, sex: sex, age: age, exit_date: exit,
               exit_reason: reason}}
  offences:
    file: offences.{ext}
    columns: {{person_id: id, offence_date: committed, proven_date: proven, offence_type: type}}
  interventions: [{{name: iom, flag: iom}}]
  treatment: iom
measures: {{follow_up_months: {follow_up}, waiting_months: {waiting}}}
"""

# id, cohort start, exit date, exit reason (day-first, as the parameters declare).
PEOPLE = [
    ("P01", "31/01/2023", "", ""),            # offence on the anniversary day
    ("P02", "31/01/2023", "", ""),            # proofs on either side of the waiting period's end
    ("P03", "29/02/2024", "", ""),            # leap day start
    ("P04", "28/02/2023", "", ""),            # offence on the start day
    ("P05", "31/08/2023", "", ""),            # censored over 29 February 2024
    ("P06", "30/11/2023", "15/03/2024", "death"),        # offence on the exit day
    ("P07", "31/03/2023", "10/05/2023", "deportation"),  # offence after the exit
    ("P08", "31/05/2023", "31/05/2024", "long_custody"),  # exit on the anniversary: ignored
    ("P09", "31/10/2024", "", ""),            # proven_by = extract date: eligible
    ("P10", "02/11/2024", "", ""),            # proven_by after the extract date
    ("P11", "15/06/2023", "", ""),            # several reoffences
    ("P12", "31/12/2023", "", ""),            # year end; time of day in offence dates
]
OFFENCES = [
    ("P01", "31/01/2024", "01/02/2024", "theft"),
    ("P01", "28/02/2023", "31/03/2023", "burglary"),
    ("P02", "30/01/2024", "31/07/2024", "theft"),
    ("P02", "29/01/2024", "30/07/2024", "robbery"),
    ("P02", "28/02/2023", "29/02/2024", "theft"),
    ("P03", "28/02/2025", "01/03/2025", "theft"),
    ("P03", "27/02/2025", "27/02/2025", "fraud"),
    ("P03", "31/03/2024", "30/04/2024", "fraud"),
    ("P04", "28/02/2023", "28/02/2023", "theft"),
    ("P06", "15/03/2024", "16/03/2024", "assault"),
    ("P07", "11/05/2023", "12/05/2023", "assault"),
    ("P07", "10/05/2023", "31/12/2024", "assault"),
    ("P08", "01/06/2023", "29/11/2024", "drugs"),
    ("P08", "02/06/2023", "30/11/2024", "drugs"),   # 31 May 2023 + 18 months = 30 Nov 2024
    ("P09", "30/10/2025", "29/04/2026", "theft"),
    ("P10", "03/11/2024", "04/11/2024", "theft"),
    ("P11", "16/06/2023", "17/06/2023", "theft"),
    ("P11", "20/07/2023", "01/08/2023", "theft"),
    ("P11", "20/07/2023", "01/09/2023", "criminal damage"),
    ("P11", "14/06/2024", "15/12/2024", "theft"),
    ("P12", "31/12/2023 23:59", "02/01/2024 09:00", "robbery"),
    ("P12", "29/02/2024 00:00:01", "31/03/2024", "robbery"),
]
MEASURES = [(12, 6), (1, 1), (13, 0), (24, 3)]


def _people_frame() -> pd.DataFrame:
    frame = pd.DataFrame(PEOPLE, columns=["id", "start", "exit", "reason"])
    return frame.assign(sex="male", age=30, iom=[i % 2 for i in range(len(PEOPLE))])


def _offences_frame() -> pd.DataFrame:
    return pd.DataFrame(OFFENCES, columns=["id", "committed", "proven", "type"])


def _edge_params(write_params, engine: str = "auto", ext: str = "csv",
                 follow_up: int = 12, waiting: int = 6) -> RunParams:
    """Write the edge-case tables (CSV, or Parquet with typed dates) and load their parameters."""
    path = write_params(EDGE.format(engine=engine, ext=ext, follow_up=follow_up, waiting=waiting))
    people, offences = _people_frame(), _offences_frame()
    if ext == "csv":
        people.to_csv(path.parent / "people.csv", index=False)
        offences.to_csv(path.parent / "offences.csv", index=False)
    else:
        for frame, cols in ((people, ["start", "exit"]), (offences, ["committed", "proven"])):
            for col in cols:
                frame[col] = pd.to_datetime(frame[col], format="mixed", dayfirst=True)
        people.to_parquet(path.parent / "people.parquet", index=False)
        offences.to_parquet(path.parent / "offences.parquet", index=False)
    return load_params(path)


def _pandas_measures(params: RunParams) -> pd.DataFrame:
    """The pandas path: validated tables, eligible people, then ``derive_measures``."""
    data = load_data(params)
    assert data.people is not None and data.offences is not None
    m = params.measures
    eligible = is_eligible(data.people["cohort_start"], pd.Timestamp(params.data.extract_date),
                           m.follow_up_months, m.waiting_months)
    in_cohort = data.people.loc[eligible.to_numpy()].reset_index(drop=True)
    return derive_measures(in_cohort, data.offences, m.follow_up_months, m.waiting_months)


def test_bundled_small_data_same_measures(root: Path) -> None:
    params = load_params(root / "params/fast.yaml")
    expected = _pandas_measures(params)
    got = derive_measures_sql(params)
    pd.testing.assert_frame_equal(got, expected)
    assert (len(got), int(got["reoffended"].sum()), int(got["competing_event"].sum())) == (909, 236, 13)


def test_bundled_small_data_same_counts_by_type(root: Path) -> None:
    params = load_params(root / "params/fast.yaml")
    data = load_data(params)
    assert data.people is not None
    m = params.measures
    eligible = is_eligible(data.people["cohort_start"], pd.Timestamp(params.data.extract_date),
                           m.follow_up_months, m.waiting_months)
    in_cohort = data.people.loc[eligible.to_numpy()]
    expected = reoffences_by_type(in_cohort, data.offences, m.follow_up_months, m.waiting_months)
    pd.testing.assert_frame_equal(reoffences_by_type_sql(params), expected)


@pytest.mark.parametrize("ext", ["csv", "parquet"])
@pytest.mark.parametrize(("follow_up", "waiting"), MEASURES)
def test_edge_cases_same_measures(write_params, ext: str, follow_up: int, waiting: int) -> None:
    params = _edge_params(write_params, ext=ext, follow_up=follow_up, waiting=waiting)
    pd.testing.assert_frame_equal(derive_measures_sql(params), _pandas_measures(params))


def test_edge_cases_expected_values(write_params) -> None:
    got = derive_measures_sql(_edge_params(write_params)).set_index("person_id")
    assert "P10" not in got.index  # proven_by 1 May 2026 is after the extract date
    rows = got[["reoffences", "time_days", "event", "competing_event"]].T.to_dict("list")
    assert rows == {
        "P01": [1, 29, 1, 0],    # 31 Jan 2024 is the anniversary: outside
        "P02": [2, 29, 1, 0],    # proven 31 Jul 2024 is past proven_by (30 Jul 2024)
        "P03": [2, 32, 1, 0],    # 28 Feb 2025 is the anniversary of 29 Feb 2024
        "P04": [1, 1, 1, 0],
        "P05": [0, 366, 0, 0],
        "P06": [1, 107, 1, 0],
        "P07": [0, 41, 0, 1],
        "P08": [1, 2, 1, 0],     # proven_by 29 Nov 2024 (31 May + 18 months, clipped, - 1 day)
        "P09": [1, 365, 1, 0],
        "P11": [3, 2, 1, 0],
        "P12": [2, 1, 1, 0],
    }
    assert got.loc["P05", "follow_up_end"] == pd.Timestamp("2024-08-30")
    assert got.loc["P03", "follow_up_end"] == pd.Timestamp("2025-02-27")


def test_month_arithmetic_matches_dateoffset() -> None:
    days = np.arange(np.datetime64("2019-01-01"), np.datetime64("2025-01-01"), dtype="datetime64[D]")
    frame = pd.DataFrame({"day": days.astype("datetime64[ns]")})
    con = duckdb.connect()
    con.register("days", frame)
    for months in (-13, -1, 1, 2, 6, 12, 18, 24, 25):
        got = con.execute(f"SELECT {add_months_sql('CAST(day AS DATE)', months)} FROM days").df()
        expected = add_months(days, months)
        np.testing.assert_array_equal(got.iloc[:, 0].to_numpy(dtype="datetime64[D]"), expected)
    con.close()
    assert add_months(np.array(["2024-01-31", "2023-01-31"], dtype="datetime64[D]"), 1).tolist() == [
        np.datetime64("2024-02-29").item(), np.datetime64("2023-02-28").item()]


def test_engine_parameter_accepted_and_refused(write_params) -> None:
    assert _edge_params(write_params).data.engine == "auto"
    assert _edge_params(write_params, engine="duckdb").data.engine == "duckdb"
    with pytest.raises(ParameterError) as exc:
        _edge_params(write_params, engine="spark")
    assert "data.engine: Input should be 'auto', 'pandas' or 'duckdb'" in str(exc.value)


def test_engine_choice(write_params, monkeypatch: pytest.MonkeyPatch) -> None:
    auto = _edge_params(write_params)
    assert data_engine.choose_engine(auto, 9_999_999) == "pandas"
    assert data_engine.choose_engine(auto, 10_000_000) == "duckdb"
    assert data_engine.choose_engine(_edge_params(write_params, engine="pandas"), 10**9) == "pandas"
    assert data_engine.choose_engine(_edge_params(write_params, engine="duckdb"), 1) == "duckdb"
    monkeypatch.setattr(data_engine, "readable", lambda path: path.suffix == ".parquet")
    assert data_engine.choose_engine(auto, 10**9) == "pandas"
    with pytest.raises(ParameterError) as exc:
        data_engine.choose_engine(_edge_params(write_params, engine="duckdb"), 1)
    assert str(exc.value) == ("data.engine: 'duckdb' reads CSV and Parquet files only; "
                              "data.people.file is a '.csv' file")


def test_cohort_same_on_either_engine(root: Path) -> None:
    params = load_params(root / "params/fast.yaml")
    data = load_data(params)
    frames = {}
    for engine in ("pandas", "duckdb"):
        chosen = params.model_copy(update={"data": params.data.model_copy(update={"engine": engine})})
        frames[engine] = build_cohort(chosen, data).frame
    pd.testing.assert_frame_equal(frames["duckdb"], frames["pandas"])


def test_auto_engine_derives_from_the_tables_in_memory(root: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """``auto`` reads the files again only when the offences table is not held in memory."""
    from dataclasses import replace

    from analysis.measures import cohort

    params = load_params(root / "params/fast.yaml")
    data = load_data(params)
    monkeypatch.setattr(data_engine, "DUCKDB_MIN_OFFENCE_ROWS", 1)  # auto chooses DuckDB
    read: list[str] = []

    def from_files(p: RunParams) -> pd.DataFrame:
        read.append(p.data.engine)
        return derive_measures_sql(p)

    monkeypatch.setattr(cohort, "derive_measures_sql", from_files)
    in_memory = build_cohort(params, data).frame
    assert read == []
    duck = params.model_copy(update={"data": params.data.model_copy(update={"engine": "duckdb"})})
    pd.testing.assert_frame_equal(build_cohort(duck, data).frame, in_memory)
    assert read == ["duckdb"]
    on_disk = build_cohort(params, replace(data, offences=None)).frame
    assert read == ["duckdb", "auto"]
    pd.testing.assert_frame_equal(on_disk, in_memory)
