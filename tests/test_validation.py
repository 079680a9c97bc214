"""Data contract: one test per rule, good inputs in every format, templates and the data dictionary.

Every failing test input plants a distinctive personal-looking value (a fake name, a date of
birth, an identifier) in the bad cell and checks that the error message does not show it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.contract import ROLES
from analysis.data.checks import AGE_RANGE, RULES
from analysis.data.dictionary import data_dictionary_markdown
from analysis.data.loading import ValidatedData, load_data
from analysis.data.readers import read_table
from analysis.errors import DataError
from analysis.params import RunParams, load_params

PEOPLE = """\
ref,release_dt,gender,dob,age_at_start,priors,exit_dt,exit_why,need_drugs,iom,iom_dt,risk_band,full_name
P1,2023-01-05,male,1990-02-03,32,2,,,yes,1,2023-01-10,high,Alice Example
P2,2023-02-05,female,1985-02-03,38,0,,,no,0,,low,Bob Example
P3,2023-03-05,male,1999-12-31,23,7,2023-06-01,death,Y,1,2023-03-06,medium,Carol Example
P4,2023-04-05,female,1970-07-07,52,,,,,0,,low,Dan Example
P5,2023-05-05,male,2001-01-01,22,1,,,n,1,2023-05-05,high,Eve Example
"""

OFFENCES = """\
ref,off_dt,conv_dt,off_type,attempted
P1,2023-02-01,2023-03-01,theft,0
P1,2023-05-01,2023-08-01,burglary,1
P3,2023-03-10,2023-04-10,criminal damage,0
P5,2023-06-01,2023-06-01,theft,no
"""

RECORDS_YAML = """\
run_name: t
data:
  form: records
  name: test cohort
  extract_date: 2025-09-30
  people:
    file: data/{people}
    columns:
      person_id: ref
      cohort_start: release_dt
      sex: gender
      date_of_birth: dob
      age: age_at_start
      prior_offences: priors
      exit_date: exit_dt
      exit_reason: exit_why
  offences:
    file: data/{offences}
    columns:
      person_id: ref
      offence_date: off_dt
      proven_date: conv_dt
      offence_type: off_type
      attempt: attempted
  needs: [need_drugs]
  interventions:
    - {{name: iom, flag: iom, date: iom_dt}}
  treatment: iom
  covariates: [age, sex, need_drugs, risk_band]
"""

SURVIVAL = """\
weeks,arrested,fin,age,prio,name
20,1,0,27,3,Alice Example
52,0,1,18,8,Bob Example
17,1,1,44,0,Carol Example
52,0,0,23,2,Dan Example
"""

SURVIVAL_YAML = """\
run_name: s
data:
  form: survival
  name: test survival
  survival:
    file: data/{survival}
    columns: {{duration: weeks, event: arrested, age: age}}
  time_unit: weeks
  treatment: fin
  covariates: [age, prio]
"""

MakeRecords = Callable[..., RunParams]


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


@pytest.fixture
def records(write_params, tmp_path: Path) -> MakeRecords:
    """Write people and offences files (CSV text or bytes) and return loaded parameters."""

    def _make(people: str | bytes = PEOPLE, offences: str | bytes = OFFENCES,
              people_name: str = "people.csv", offences_name: str = "offences.csv",
              edit: dict[str, str] | None = None) -> RunParams:
        _write(tmp_path / "data" / people_name, people)
        _write(tmp_path / "data" / offences_name, offences)
        text = RECORDS_YAML.format(people=people_name, offences=offences_name)
        for old, new in (edit or {}).items():
            assert old in text
            text = text.replace(old, new)
        return load_params(write_params(text))

    return _make


@pytest.fixture
def survival(write_params, tmp_path: Path) -> Callable[..., RunParams]:
    """Write a survival-form file and return loaded parameters."""

    def _make(content: str | bytes = SURVIVAL, name: str = "survival.csv") -> RunParams:
        _write(tmp_path / "data" / name, content)
        return load_params(write_params(SURVIVAL_YAML.format(survival=name)))

    return _make


def replace_cell(csv: str, row: int, column: str, value: str) -> str:
    """Return ``csv`` with the cell of data row ``row`` (1 = first after the header) replaced."""
    lines = csv.splitlines()
    header = lines[0].split(",")
    cells = lines[row].split(",")
    cells[header.index(column)] = value
    lines[row] = ",".join(cells)
    return "\n".join(lines) + "\n"


def rename_column(csv: str, old: str, new: str) -> str:
    """Return ``csv`` with a header name replaced."""
    head, _, rest = csv.partition("\n")
    names = [new if n == old else n for n in head.split(",")]
    return ",".join(names) + "\n" + rest


def message(params: RunParams) -> str:
    """Return the DataError message raised by load_data."""
    with pytest.raises(DataError) as exc:
        load_data(params)
    return str(exc.value)


def assert_private(text: str, *values: str) -> None:
    """Assert that no planted personal value appears in a message."""
    for value in values:
        assert value.lower() not in text.lower(), f"message shows a value: {value!r}"


# --------------------------------------------------------------------------- rule 1: missing column


def test_missing_mapped_column_is_reported(records) -> None:
    people = rename_column(PEOPLE, "release_dt", "release_date")
    msg = message(records(people=people))
    assert msg == ("data/people.csv: column 'release_dt' (role cohort_start): " + RULES["missing_role"])


def test_missing_needs_and_covariate_columns_are_reported(records) -> None:
    people = rename_column(rename_column(PEOPLE, "need_drugs", "needs_drugs"), "risk_band", "band")
    msg = message(records(people=people))
    assert "data/people.csv: column 'need_drugs' (need): required column is missing from the file " \
           "(named in data.needs)" in msg.splitlines()
    assert "data/people.csv: column 'risk_band' (covariate): required column is missing from the file " \
           "(named in data.covariates)" in msg.splitlines()


# --------------------------------------------------------------------------- rule 2: wrong type


def test_wrong_type_in_integer_and_flag_columns(records) -> None:
    people = replace_cell(PEOPLE, 2, "priors", "Jane Smithers")
    people = replace_cell(people, 4, "priors", "2.5")
    people = replace_cell(people, 3, "need_drugs", "Smithers-maybe")
    msg = message(records(people=people))
    assert msg.splitlines() == [
        "data/people.csv: column 'priors' (role prior_offences): wrong type: not a whole number "
        "(2 failing; rows 2, 4)",
        "data/people.csv: column 'need_drugs' (need): wrong type: not a 0/1 flag "
        "(accepted: 1/0, true/false, yes/no, y/n) (1 failing; row 3)",
    ]
    assert_private(msg, "Jane", "Smithers", "2.5")


def test_wrong_type_in_number_column(records) -> None:
    people = replace_cell(PEOPLE, 5, "age_at_start", "twenty-two (J. Smithers)")
    msg = message(records(people=people))
    assert msg == "data/people.csv: column 'age_at_start' (role age): wrong type: not a number (1 failing; row 5)"
    assert_private(msg, "twenty", "Smithers")


# --------------------------------------------------------------------------- rule 3: unparseable date


def test_unparseable_date_is_reported_without_the_value(records) -> None:
    people = replace_cell(PEOPLE, 3, "dob", "31.03.1983")
    people = replace_cell(people, 4, "dob", "1983-02-30")
    msg = message(records(people=people))
    assert msg == ("data/people.csv: column 'dob' (role date_of_birth): unparseable date "
                   "(accepted: YYYY-MM-DD or DD/MM/YYYY, one format per column) (2 failing; rows 3, 4)")
    assert_private(msg, "31.03.1983", "1983")


def test_day_first_dates_parse(records) -> None:
    people = PEOPLE
    for row in range(1, 6):
        iso = people.splitlines()[row].split(",")[1]
        year, month, day = iso.split("-")
        people = replace_cell(people, row, "release_dt", f"{day}/{month}/{year}")
    data = load_data(records(people=people))
    assert data.people["cohort_start"].tolist() == list(pd.to_datetime(
        ["2023-01-05", "2023-02-05", "2023-03-05", "2023-04-05", "2023-05-05"]))


def test_mixed_date_formats_in_a_column_are_reported(records) -> None:
    offences = replace_cell(OFFENCES, 2, "off_dt", "01/05/2023")
    msg = message(records(offences=offences))
    assert msg == ("data/offences.csv: column 'off_dt' (role offence_date): unparseable date "
                   "(accepted: YYYY-MM-DD or DD/MM/YYYY, one format per column) (1 failing; row 2)")


# --------------------------------------------------------------------------- rule 4: follow-up


def test_zero_or_negative_duration_is_reported(survival) -> None:
    content = replace_cell(replace_cell(SURVIVAL, 2, "weeks", "0"), 4, "weeks", "-3")
    msg = message(survival(content))
    assert msg == ("data/survival.csv: column 'weeks' (role duration): zero or negative follow-up "
                   "(duration must be greater than 0) (2 failing; rows 2, 4)")
    assert_private(msg, "-3", "Bob", "Dan")


def test_exit_before_cohort_start_is_reported(records) -> None:
    people = replace_cell(PEOPLE, 3, "exit_dt", "2022-12-25")
    msg = message(records(people=people))
    assert msg == ("data/people.csv: column 'exit_dt' (role exit_date): exit date before cohort start "
                   "(zero or negative follow-up) (1 failing; row 3)")
    assert_private(msg, "2022-12-25")


# --------------------------------------------------------------------------- rule 5: offence before start


def test_offence_before_cohort_start_is_reported_on_offence_rows(records) -> None:
    offences = replace_cell(OFFENCES, 3, "off_dt", "2021-11-17")
    msg = message(records(offences=offences))
    assert msg == ("data/offences.csv: column 'off_dt' (role offence_date): offence dated before the "
                   "person's cohort start (cohort_start in data/people.csv) (1 failing; row 3)")
    assert_private(msg, "2021-11-17", "P3")


# --------------------------------------------------------------------------- rule 6: proven before offence


def test_proven_before_offence_is_reported(records) -> None:
    offences = replace_cell(OFFENCES, 2, "conv_dt", "2023-04-30")
    msg = message(records(offences=offences))
    assert msg == ("data/offences.csv: column 'conv_dt' (role proven_date): proven date before offence "
                   "date (1 failing; row 2)")
    assert_private(msg, "2023-04-30")


# --------------------------------------------------------------------------- rule 7: duplicate ids


def test_duplicate_person_ids_report_every_row(records) -> None:
    people = replace_cell(replace_cell(PEOPLE, 2, "ref", "JSMITH19750314"), 5, "ref", "JSMITH19750314")
    offences = OFFENCES.replace("P5", "P1")
    msg = message(records(people=people, offences=offences))
    assert msg == ("data/people.csv: column 'ref' (role person_id): duplicate person id (every person "
                   "must appear once; all rows sharing an id are listed) (2 failing; rows 2, 5)")
    assert_private(msg, "JSMITH", "19750314")


# --------------------------------------------------------------------------- rule 8: unknown people


def test_offences_of_unknown_people_are_reported(records) -> None:
    offences = replace_cell(replace_cell(OFFENCES, 1, "ref", "SMITHERS-J-1983"), 4, "ref", "SMITHERS-J-1983")
    msg = message(records(offences=offences))
    assert msg == ("data/offences.csv: column 'ref' (role person_id): offence for an unknown person "
                   "(person_id not in data/people.csv) (2 failing; rows 1, 4)")
    assert_private(msg, "SMITHERS")


# --------------------------------------------------------------------------- rule 9: treatment levels


def test_records_treatment_with_one_level(records) -> None:
    people = PEOPLE
    for row in range(1, 6):
        people = replace_cell(people, row, "iom", "1")
    msg = message(records(people=people))
    assert msg == ("data/people.csv: column 'iom' (treatment flag of iom): treatment column has 1 "
                   "level(s); two levels (0 and 1) are needed")


def test_survival_treatment_with_one_level_and_bad_flag(survival) -> None:
    content = SURVIVAL
    for row in range(1, 5):
        content = replace_cell(content, row, "fin", "0")
    content = replace_cell(content, 3, "fin", "2")
    msg = message(survival(content))
    assert msg.splitlines() == [
        "data/survival.csv: column 'fin' (treatment): wrong type: not a 0/1 flag "
        "(accepted: 1/0, true/false, yes/no, y/n) (1 failing; row 3)",
        "data/survival.csv: column 'fin' (treatment): treatment column has 1 level(s); "
        "two levels (0 and 1) are needed",
    ]


# --------------------------------------------------------------------------- rule 10: empty file


@pytest.mark.parametrize("content", ["", "ref,release_dt,gender\n", "\n\n"], ids=["0 bytes", "header", "blank"])
def test_empty_file_is_reported(records, content: str) -> None:
    msg = message(records(people=content))
    assert msg.splitlines()[0] == "data/people.csv: the file has no data rows"


def test_empty_files_in_both_tables_are_reported_together(records) -> None:
    msg = message(records(people="", offences=""))
    assert msg.splitlines() == ["data/people.csv: the file has no data rows",
                                "data/offences.csv: the file has no data rows"]


# --------------------------------------------------------------------------- rule 11: unreadable file


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("people.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "cannot be read as CSV (the file is binary, not text)"),
        ("people.csv", b"ref,name\nP1,Smithers\n\x81\x8d\xc3\x28\n",
         "cannot be read as CSV (the text is neither UTF-8 nor Windows-1252 encoded; save it as CSV UTF-8)"),
        ("people.csv", b'ref,release_dt\nP1,2023-01-01\nP2,2023-01-01,Smithers,x\n',
         "cannot be read as CSV (line 3 has 4 fields, the header has 2)"),
        ("people.parquet", b"PAR1 Jane Smithers garbage" * 10, "cannot be read as Parquet (not a valid Parquet file)"),
        ("people.xlsx", b"PK\x03\x04 Jane Smithers garbage" * 10, "cannot be read as Excel (not a valid Excel workbook)"),
        ("people.json", b'{"name": "Jane Smithers"}', "cannot be read (unknown file type '.json'; "
                                                      "use .csv, .txt, .parquet, .pq, .xlsx, .xls)"),
    ],
    ids=["binary", "encoding", "ragged", "parquet", "excel", "extension"],
)
def test_unreadable_file_is_reported(records, name: str, content: bytes, reason: str) -> None:
    msg = message(records(people=content, people_name=name))
    assert msg.splitlines()[0] == f"data/{name}: {reason}"
    assert_private(msg, "Smithers")


def test_permission_denied_is_reported(records, monkeypatch: pytest.MonkeyPatch) -> None:
    params = records()
    real_open = Path.open

    def denied(self: Path, *args, **kwargs):
        if self.name == "people.csv":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", denied)
    assert message(params).splitlines()[0] == "data/people.csv: cannot be read as CSV (permission denied)"


def test_windows_1252_csv_is_read(records) -> None:
    people = PEOPLE.replace("Alice Example", "Zoë Example").replace("male,1990", "mâle,1990")
    data = load_data(records(people=people.encode("cp1252")))
    assert data.people.loc[0, "sex"] == "mâle"


# --------------------------------------------------------------------------- other rules


def test_tab_separated_text_file_is_read(records) -> None:
    data = load_data(records(people=PEOPLE.replace(",", "\t"), people_name="people.txt"))
    assert data.rows_read["people"] == 5 and data.people.loc[4, "person_id"] == "P5"


def test_blank_required_value_is_reported(records) -> None:
    people = replace_cell(replace_cell(PEOPLE, 2, "release_dt", ""), 4, "gender", "  ")
    msg = message(records(people=people))
    assert msg.splitlines() == [
        "data/people.csv: column 'release_dt' (role cohort_start): required value is missing (blank) "
        "(1 failing; row 2)",
        "data/people.csv: column 'gender' (role sex): required value is missing (blank) (1 failing; row 4)",
    ]


def test_age_needed_when_date_of_birth_is_not_mapped(records) -> None:
    people = replace_cell(PEOPLE, 2, "age_at_start", "")
    assert load_data(records(people=people)).people["age"].isna().sum() == 1  # dob fills the gap
    msg = message(records(people=people, edit={"      date_of_birth: dob\n": ""}))
    assert msg == ("data/people.csv: column 'age_at_start' (role age): required value is missing (blank) "
                   "(1 failing; row 2)")


def test_event_flag_not_0_1_is_reported(survival) -> None:
    content = replace_cell(replace_cell(SURVIVAL, 1, "arrested", "2"), 2, "arrested", "Smithers")
    msg = message(survival(content))
    assert msg == ("data/survival.csv: column 'arrested' (role event): wrong type: not a 0/1 flag "
                   "(accepted: 1/0, true/false, yes/no, y/n) (2 failing; rows 1, 2)")
    assert_private(msg, "Smithers")


def test_negative_prior_offence_count_is_reported(records) -> None:
    msg = message(records(people=replace_cell(PEOPLE, 5, "priors", "-4")))
    assert msg == ("data/people.csv: column 'priors' (role prior_offences): negative prior offence count "
                   "(1 failing; row 5)")
    assert_private(msg, "-4")


def test_age_outside_plausible_range_is_reported(records) -> None:
    people = replace_cell(replace_cell(PEOPLE, 1, "age_at_start", "1983"), 3, "age_at_start", "9")
    msg = message(records(people=people))
    lo, hi = AGE_RANGE
    assert msg == (f"data/people.csv: column 'age_at_start' (role age): age outside the plausible range "
                   f"{lo} to {hi} years (2 failing; rows 1, 3)")
    assert_private(msg, "1983")


def test_several_problems_in_one_file_are_all_reported(records) -> None:
    people = replace_cell(PEOPLE, 1, "priors", "many")
    people = replace_cell(people, 2, "release_dt", "yesterday")
    people = replace_cell(people, 3, "age_at_start", "150")
    people = replace_cell(people, 4, "ref", "P5")
    offences = replace_cell(OFFENCES, 2, "attempted", "perhaps")
    msg = message(records(people=people, offences=offences))
    lines = msg.splitlines()
    assert lines == [
        "data/people.csv: column 'ref' (role person_id): duplicate person id (every person must appear "
        "once; all rows sharing an id are listed) (2 failing; rows 4, 5)",
        "data/people.csv: column 'release_dt' (role cohort_start): unparseable date (accepted: YYYY-MM-DD "
        "or DD/MM/YYYY, one format per column) (1 failing; row 2)",
        "data/people.csv: column 'age_at_start' (role age): age outside the plausible range 10 to 100 "
        "years (1 failing; row 3)",
        "data/people.csv: column 'priors' (role prior_offences): wrong type: not a whole number "
        "(1 failing; row 1)",
        "data/offences.csv: column 'attempted' (role attempt): wrong type: not a 0/1 flag (accepted: 1/0, "
        "true/false, yes/no, y/n) (1 failing; row 2)",
    ]
    assert_private(msg, "many", "yesterday", "150", "perhaps")


def test_many_failing_rows_are_summarised(survival) -> None:
    rows = "\n".join(f"{-i},1,{i % 2},30,1,Person {i}" for i in range(1, 13))
    msg = message(survival("weeks,arrested,fin,age,prio,name\n" + rows + "\n"))
    assert msg.endswith("(12 failing; rows 1, 2, 3, 4, 5 and 7 more)")


def test_blank_lines_inside_a_csv_keep_row_numbers(records) -> None:
    lines = PEOPLE.splitlines()
    people = "\n".join(lines[:3] + [""] + lines[3:]) + "\n\n\n"
    msg = message(records(people=people))
    assert "data/people.csv: column 'release_dt' (role cohort_start): required value is missing (blank) " \
           "(1 failing; row 3)" in msg.splitlines()


# --------------------------------------------------------------------------- good inputs


def test_good_records_pass_with_role_names_and_dtypes(records) -> None:
    data = load_data(records())
    assert isinstance(data, ValidatedData) and data.form == "records" and data.survival is None
    assert data.rows_read == {"people": 5, "offences": 4}
    people, offences = data.people, data.offences
    assert list(people.columns) == ["person_id", "cohort_start", "sex", "date_of_birth", "age",
                                    "prior_offences", "exit_date", "exit_reason", "need_drugs", "iom",
                                    "iom_dt", "risk_band"]
    assert "full_name" not in people  # columns the parameters do not use are dropped
    assert list(offences.columns) == ["person_id", "offence_date", "proven_date", "offence_type", "attempt"]
    for col in ("cohort_start", "date_of_birth", "exit_date", "iom_dt"):
        assert people[col].dtype == "datetime64[ns]"
    for col in ("prior_offences", "need_drugs", "iom"):
        assert people[col].dtype == "Int64"
    assert people["age"].dtype == "float64"
    assert people["person_id"].dtype == object and people["risk_band"].dtype == object
    assert people["need_drugs"].tolist() == [1, 0, 1, pd.NA, 0]
    assert people["prior_offences"].isna().tolist() == [False, False, False, True, False]
    assert offences["attempt"].tolist() == [0, 1, 0, 0]
    assert offences["proven_date"].dtype == "datetime64[ns]"


def test_good_survival_passes_with_row_number_ids(survival) -> None:
    data = load_data(survival())
    frame = data.survival
    assert data.form == "survival" and data.people is None and data.rows_read == {"survival": 4}
    assert list(frame.columns) == ["person_id", "duration", "event", "age", "fin", "prio"]
    assert frame["person_id"].tolist() == ["1", "2", "3", "4"]
    assert frame["duration"].dtype == "float64" and frame["event"].dtype == "Int64"
    assert frame["fin"].dtype == "Int64" and frame["prio"].dtype == "float64"


def test_spaces_around_values_are_ignored(records) -> None:
    people = replace_cell(PEOPLE, 1, "ref", "  P1 ")
    people = replace_cell(people, 2, "release_dt", " 2023-02-05 ")
    people = replace_cell(people, 3, "priors", " 7 ")
    people = replace_cell(people, 4, "need_drugs", "  ")
    people = replace_cell(people, 5, "need_drugs", " No ")
    data = load_data(records(people=people))
    assert data.people["person_id"].tolist() == ["P1", "P2", "P3", "P4", "P5"]
    assert data.people.loc[1, "cohort_start"] == pd.Timestamp("2023-02-05")
    assert data.people.loc[2, "prior_offences"] == 7
    assert data.people["need_drugs"].tolist() == [1, 0, 1, pd.NA, 0]


def test_mapped_column_wins_over_a_user_column_with_the_role_name(records) -> None:
    people = PEOPLE.replace("full_name", "sex")  # an unmapped column called like the role
    data = load_data(records(people=people))
    assert data.people["sex"].tolist() == ["male", "female", "male", "female", "male"]


def _typed_people() -> pd.DataFrame:
    frame = pd.read_csv(pd.io.common.StringIO(PEOPLE), dtype=str)
    out = frame.copy()
    for col in ("release_dt", "dob", "exit_dt", "iom_dt"):
        out[col] = pd.to_datetime(frame[col])
    for col in ("age_at_start", "priors", "iom"):
        out[col] = pd.to_numeric(frame[col])
    return out


def test_csv_parquet_and_excel_give_the_same_frame(records, tmp_path: Path) -> None:
    typed = _typed_people()
    (tmp_path / "data").mkdir(exist_ok=True)
    typed.to_parquet(tmp_path / "data" / "people.parquet", index=False)
    typed.to_excel(tmp_path / "data" / "people.xlsx", index=False)
    frames = {}
    for name in ("people.csv", "people.parquet", "people.xlsx"):
        content = PEOPLE if name.endswith(".csv") else (tmp_path / "data" / name).read_bytes()
        frames[name] = load_data(records(people=content, people_name=name)).people
    pd.testing.assert_frame_equal(frames["people.csv"], frames["people.parquet"])
    pd.testing.assert_frame_equal(frames["people.csv"], frames["people.xlsx"])


def test_readers_return_text_only(tmp_path: Path) -> None:
    typed = _typed_people()
    typed.to_parquet(tmp_path / "p.parquet", index=False)
    typed.to_excel(tmp_path / "p.xlsx", index=False)
    from_csv = read_table(_csv(tmp_path / "p.csv", PEOPLE))
    for path in (tmp_path / "p.parquet", tmp_path / "p.xlsx"):
        frame = read_table(path)
        assert all(frame[c].dtype == object for c in frame)
        assert frame["release_dt"].tolist() == from_csv["release_dt"].tolist()
        assert frame["iom_dt"].isna().tolist() == from_csv["iom_dt"].isna().tolist()


def _csv(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_excel_bad_value_reports_sheet_row_numbers(records, tmp_path: Path) -> None:
    typed = _typed_people().astype({"priors": object})
    typed.loc[2, "priors"] = "Smithers"
    (tmp_path / "data").mkdir(exist_ok=True)
    typed.to_excel(tmp_path / "data" / "people.xlsx", index=False)
    msg = message(records(people=(tmp_path / "data" / "people.xlsx").read_bytes(), people_name="people.xlsx"))
    assert msg == ("data/people.xlsx: column 'priors' (role prior_offences): wrong type: not a whole number "
                   "(1 failing; row 3)")


# --------------------------------------------------------------------------- templates and documentation


def test_templates_pass_validation(root: Path) -> None:
    data = load_data(load_params(root / "params" / "templates.yaml"))
    assert data.rows_read == {"people": 3, "offences": 3}
    assert data.people["person_id"].str.startswith("EXAMPLE-").all()
    assert set(data.people["iom"]) == {0, 1}


def test_survival_template_passes_validation(write_params, root: Path) -> None:
    template = root / "data" / "templates" / "survival_template.csv"
    text = SURVIVAL_YAML.format(survival="x").replace("data/x", template.as_posix())
    text = text.replace("{duration: weeks, event: arrested, age: age}",
                        "{person_id: person_id, duration: duration, event: event, sex: sex, age: age, area: area}")
    text = text.replace("treatment: fin", "treatment: treated").replace("[age, prio]", "[age, prior_offences]")
    data = load_data(load_params(write_params(text)))
    assert data.survival["person_id"].tolist() == ["EXAMPLE-001", "EXAMPLE-002", "EXAMPLE-003"]
    assert set(data.survival["treated"]) == {0, 1}


def test_data_dictionary_is_generated_from_the_contract(root: Path) -> None:
    generated = data_dictionary_markdown()
    doc = (root / "docs" / "data_dictionary.md").read_text(encoding="utf-8")
    assert generated in doc, "docs/data_dictionary.md is out of date: paste data_dictionary_markdown()"
    for table, roles in ROLES.items():
        for r in roles:
            assert f"| `{r.name}` |" in generated, (table, r.name)
    for text in RULES.values():
        assert text in generated


def test_public_data_mappings_validate(root: Path) -> None:
    for name in ("rossi", "recid"):
        path = root / "params" / f"{name}.yaml"
        if not path.is_file():
            pytest.skip(f"params/{name}.yaml not present")
        data = load_data(load_params(path))
        assert data.survival["event"].isin([0, 1]).all()
        assert np.all(data.survival["duration"] > 0)


# --------------------------------------------------------------------------- runner handover


def test_data_handed_over_by_the_runner_are_used_only_for_the_same_files_and_parameters(
        records, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.data.handover import serve
    from analysis.data.loading import data_fingerprint

    params = records()
    fresh = load_data(params)
    marked = dataclasses.replace(fresh, rows_read={"people": -1})  # tells the copy apart
    folder = tmp_path / "handover"
    folder.mkdir()
    with serve(marked, data_fingerprint(params), folder) as handed:
        for key, value in handed.items():
            monkeypatch.setenv(key, value)
        assert load_data(params).rows_read == {"people": -1}
        pd.testing.assert_frame_equal(load_data(params).people, fresh.people)
        assert [p.name for p in folder.iterdir()] in (["data.sock"], [])  # no copy of the data
        # other data parameters: validated afresh
        other = records(edit={"extract_date: 2025-09-30": "extract_date: 2025-10-31"})
        assert load_data(other).rows_read["people"] > 0
        # the same file changed after the runner read it: validated afresh, errors reported
        records(people=replace_cell(PEOPLE, 2, "dob", "not a date"))
        with pytest.raises(DataError, match="date"):
            load_data(params)
        records()
    # a hand-over that has ended: validated afresh
    assert load_data(params).rows_read["people"] > 0
