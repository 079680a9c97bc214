"""Bad input through the command line: one test per case, asserting the message and exit status.

Each case builds a small records-form project in a temporary folder (``pyproject.toml``, a
``notebooks/`` folder holding the effects notebook, ``p.yaml`` beside ``data/``), breaks one
thing, and runs ``python -m analysis validate`` (the :func:`analysis.running.cli.main` function,
or a subprocess where the whole process matters). A refused input exits with status 2 and one
line per problem naming the file, the column, the rule and the rows, never a value and never a
traceback; a warning leaves the exit status 0. Personal-looking values are planted in the bad
cells and must not appear in any message.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from scratch_notebooks import write_notebook

from analysis.contract import DATE_FORMAT_NAMES
from analysis.data.loading import load_data
from analysis.data.notices import Notice
from analysis.data.parsing import DATE_CHOICES, DATE_FORMATS, date_families
from analysis.data.readers import read_table
from analysis.errors import DataError
from analysis.params import load_params
from analysis.running.cli import main

N_PEOPLE = 150
EXTRACT = date(2025, 9, 30)

YAML = """\
run_name: bad
data:
  form: records
  name: test cohort
  extract_date: {extract}
  people:
    file: data/{people}
    columns:
      person_id: ref
      cohort_start: release_dt
      sex: gender
      date_of_birth: dob
      age: age_at_start
      exit_date: exit_dt
  offences:
    file: data/offences.csv
    columns: {{person_id: ref, offence_date: off_dt, proven_date: conv_dt, offence_type: off_type}}
  interventions:
    - {{name: iom, flag: iom}}
  treatment: iom
  covariates: [age, sex]
effects:
  outcomes: [reoffended]
"""


def people_frame(n: int = N_PEOPLE) -> pd.DataFrame:
    """A valid people table: cohort starts in 2022-23, ages 20 to 59, every other person treated."""
    rows = []
    for i in range(n):
        start = date(2022, 1, 3) + timedelta(days=3 * i)
        born = date(1963 + i % 40, 1 + i % 12, 1 + (7 * i) % 28)
        age = start.year - born.year - ((start.month, start.day) < (born.month, born.day))
        rows.append({"ref": f"P{i + 1:03d}", "release_dt": start.isoformat(),
                     "gender": "male" if i % 3 else "female", "dob": born.isoformat(),
                     "age_at_start": str(age), "iom": str(i % 2), "exit_dt": "",
                     "notes": "none"})
    return pd.DataFrame(rows)


def offences_frame() -> pd.DataFrame:
    """A valid offences table: one offence a month after cohort start for every fifth person."""
    people = people_frame()
    rows = []
    for i in range(0, N_PEOPLE, 5):
        start = date.fromisoformat(people.loc[i, "release_dt"])
        rows.append({"ref": people.loc[i, "ref"], "off_dt": (start + timedelta(days=30)).isoformat(),
                     "conv_dt": (start + timedelta(days=60)).isoformat(), "off_type": "theft"})
    return pd.DataFrame(rows)


def to_csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


Project = Callable[..., Path]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """Write a scratch project and return its parameter file.

    Keyword arguments: ``people`` and ``offences`` (CSV text or bytes, or a DataFrame),
    ``people_name`` (file name under ``data/``), ``yaml`` (text replacing the parameter file's
    ``{people}``-formatted template) and ``edit`` (``{old: new}`` replacements in the YAML).
    """
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'scratch'\n")
    (tmp_path / "notebooks").mkdir()
    write_notebook(tmp_path / "notebooks" / "03_intervention_effects.ipynb", "print('fine')")
    (tmp_path / "data").mkdir()

    def _make(people: str | bytes | pd.DataFrame | None = None,
              offences: str | bytes | pd.DataFrame | None = None,
              people_name: str = "people.csv", edit: dict[str, str] | None = None) -> Path:
        _write(tmp_path / "data" / people_name, people_frame() if people is None else people)
        _write(tmp_path / "data" / "offences.csv", offences_frame() if offences is None else offences)
        text = YAML.format(people=people_name, extract=EXTRACT.isoformat())
        for old, new in (edit or {}).items():
            assert old in text, old
            text = text.replace(old, new)
        path = tmp_path / "p.yaml"
        path.write_text(text)
        return path

    return _make


def _write(path: Path, content: str | bytes | pd.DataFrame) -> None:
    if isinstance(content, pd.DataFrame):
        if path.suffix == ".xlsx":
            content.to_excel(path, index=False)
            return
        content = to_csv(content)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def validate(params: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``validate`` through the command-line entry point; return status, stdout, stderr."""
    status = main(["validate", str(params)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


def refused(params: Path, capsys: pytest.CaptureFixture[str], *private: str) -> list[str]:
    """Assert that validation exits with status 2; return the message lines after ``error:``."""
    status, out, err = validate(params, capsys)
    assert status == 2, err
    assert err.startswith("error: ") and out == ""
    for value in private:
        assert value.lower() not in err.lower(), f"message shows a value: {value!r}"
    return err[len("error: "):].splitlines()


def warnings_of(params: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Assert that validation passes; return its warning lines (``warning:`` removed)."""
    status, out, err = validate(params, capsys)
    assert status == 0, err
    assert "parameters and data are valid" in out
    return [line.removeprefix("warning: ") for line in err.splitlines()]


def set_cells(frame: pd.DataFrame, column: str, values: dict[int, str]) -> pd.DataFrame:
    """Return ``frame`` with cells of ``column`` replaced, by data row (1 = first row)."""
    out = frame.copy()
    for row, value in values.items():
        out.loc[row - 1, column] = value
    return out


def slash_dates(frame: pd.DataFrame, column: str, fmt: str) -> pd.DataFrame:
    """Return ``frame`` with an ISO date column rewritten in a strftime format."""
    out = frame.copy()
    out[column] = [date.fromisoformat(v).strftime(fmt) if v else v for v in out[column]]
    return out


# --------------------------------------------------------------------------- a valid project


def test_the_valid_project_passes_without_warnings(project: Project, capsys) -> None:
    assert warnings_of(project(), capsys) == []


# --------------------------------------------------------------------------- dates


def test_month_first_dates_contradicting_the_default_format_are_refused(project: Project,
                                                                         capsys) -> None:
    people = slash_dates(people_frame(), "dob", "%m/%d/%Y")
    late = [i + 1 for i, v in enumerate(people["dob"]) if int(v.split("/")[1]) > 12]
    lines = refused(project(people), capsys, *people["dob"][:3])
    assert lines == [
        f"data/people.csv: column 'dob' (role date_of_birth): unparseable date (accepted: "
        f"YYYY-MM-DD or DD/MM/YYYY, one format per column); the values read as MM/DD/YYYY: set "
        f"data.people.date_format: month_first ({len(late)} failing; rows "
        f"{', '.join(map(str, late[:5]))} and {len(late) - 5} more)"]


def test_month_first_cohort_starts_give_no_misread_errors_in_other_checks(project: Project,
                                                                           capsys) -> None:
    # the starts that parse day-first (day 12 or less) are misread: an offence a month after the
    # real start can fall before the misread one, and the offences file would be blamed
    people = slash_dates(people_frame(), "release_dt", "%m/%d/%Y")
    lines = refused(project(people), capsys, *people["release_dt"][:3])
    assert len(lines) == 1 and lines[0].startswith(
        "data/people.csv: column 'release_dt' (role cohort_start): unparseable date"), lines
    assert "set data.people.date_format: month_first" in lines[0]


def test_a_declared_month_first_format_reads_month_first_dates(project: Project) -> None:
    people = slash_dates(people_frame(), "dob", "%m/%d/%Y")
    params = load_params(project(people, edit={"file: data/people.csv":
                                               "file: data/people.csv\n    date_format: month_first"}))
    data = load_data(params)
    expected = pd.to_datetime(people_frame()["dob"])
    assert data.people["date_of_birth"].tolist() == expected.tolist()


def test_dates_valid_in_both_orders_are_read_in_the_declared_order(project: Project) -> None:
    people = people_frame()
    people["dob"] = [date(1980 + i % 20, 1 + (i + 3) % 12, 1 + i % 12).strftime("%d/%m/%Y")
                     for i in range(N_PEOPLE)]
    people["age_at_start"] = ""
    day_first = load_data(load_params(project(people))).people["date_of_birth"]
    month_first = load_data(load_params(project(people, edit={
        "file: data/people.csv": "file: data/people.csv\n    date_format: month_first"}))
    ).people["date_of_birth"]
    assert day_first.iloc[0] == pd.Timestamp(1980, 4, 1)  # 01/04/1980 as DD/MM/YYYY
    assert month_first.iloc[0] == pd.Timestamp(1980, 1, 4)  # 01/04/1980 as MM/DD/YYYY
    assert (day_first.dt.day == month_first.dt.month).all()


def test_a_month_impossible_in_the_declared_format_is_refused(project: Project, capsys) -> None:
    people = slash_dates(people_frame(), "release_dt", "%m/%d/%Y")
    people = set_cells(people, "release_dt", {4: "13/13/2022"})
    lines = refused(project(people, edit={"file: data/people.csv":
                                          "file: data/people.csv\n    date_format: month_first"}),
                    capsys, "13/13/2022")
    assert lines == ["data/people.csv: column 'release_dt' (role cohort_start): unparseable date "
                     "(accepted: YYYY-MM-DD or MM/DD/YYYY, one format per column) (1 failing; row 4)"]


def test_day_first_dates_under_a_month_first_declaration_are_refused(project: Project,
                                                                     capsys) -> None:
    people = slash_dates(people_frame(), "release_dt", "%d/%m/%Y")
    lines = refused(project(people, edit={"file: data/people.csv":
                                          "file: data/people.csv\n    date_format: month_first"}),
                    capsys)
    assert lines[0].startswith(
        "data/people.csv: column 'release_dt' (role cohort_start): unparseable date (accepted: "
        "YYYY-MM-DD or MM/DD/YYYY, one format per column); the values read as DD/MM/YYYY: set "
        "data.people.date_format: day_first (")


def test_iso_dates_read_with_every_declared_format(project: Project) -> None:
    expected = pd.to_datetime(people_frame()["release_dt"]).tolist()
    for fmt in (*DATE_FORMAT_NAMES, "'%d.%m.%Y'"):
        params = load_params(project(edit={"file: data/people.csv":
                                           f"file: data/people.csv\n    date_format: {fmt}"}))
        assert load_data(params).people["cohort_start"].tolist() == expected, fmt


def test_the_iso_declaration_refuses_slash_dates(project: Project, capsys) -> None:
    people = set_cells(people_frame(), "dob", {2: "03/04/1990"})
    lines = refused(project(people, edit={"file: data/people.csv":
                                          "file: data/people.csv\n    date_format: iso"}),
                    capsys, "03/04/1990")
    assert lines == ["data/people.csv: column 'dob' (role date_of_birth): unparseable date "
                     "(accepted: YYYY-MM-DD, one format per column) (1 failing; row 2)"]


def test_a_strptime_date_format_is_read_and_named_in_messages(project: Project, capsys) -> None:
    people = slash_dates(people_frame(), "release_dt", "%d.%m.%Y")
    edit = {"file: data/people.csv": "file: data/people.csv\n    date_format: '%d.%m.%Y'"}
    data = load_data(load_params(project(people, edit=edit)))
    assert data.people["cohort_start"].tolist() == pd.to_datetime(
        people_frame()["release_dt"]).tolist()
    lines = refused(project(set_cells(people, "release_dt", {7: "2022/01/05"}), edit=edit), capsys)
    assert lines == ["data/people.csv: column 'release_dt' (role cohort_start): unparseable date "
                     "(accepted: YYYY-MM-DD or DD.MM.YYYY, one format per column) (1 failing; row 7)"]


def test_an_unknown_date_format_is_refused_by_key(project: Project, capsys) -> None:
    lines = refused(project(edit={"file: data/people.csv":
                                  "file: data/people.csv\n    date_format: US"}), capsys)
    assert lines[1] == ("  data.people.date_format: Value error, give day_first, month_first, iso "
                        "or a strptime format with a day, a month and a year, such as '%d.%m.%Y' "
                        "(got str)")


def test_date_format_names_match_the_parser() -> None:
    assert tuple(DATE_CHOICES) == DATE_FORMAT_NAMES
    assert date_families() == DATE_FORMATS
    assert date_families("iso") == (DATE_CHOICES["iso"],)


# --------------------------------------------------------------------------- duplicate header names


def test_a_duplicate_header_name_in_a_csv_is_refused_by_name(project: Project, capsys) -> None:
    text = to_csv(people_frame()).replace(",notes\n", ",iom\n", 1)
    lines = refused(project(text), capsys)
    assert lines == ["data/people.csv: column 'iom': 2 columns of the header have this name (columns 6 and "
                     "8); every column name must be unique, rename or remove the others"]


def test_a_duplicate_header_name_in_a_workbook_is_refused_by_name(project: Project,
                                                                  capsys) -> None:
    people = people_frame().rename(columns={"notes": "gender"})
    lines = refused(project(people, people_name="people.xlsx"), capsys)
    assert lines == ["data/people.xlsx: column 'gender': 2 columns of the header have this name (columns 3 "
                     "and 8); every column name must be unique, rename or remove the others"]


def test_a_duplicate_name_of_a_column_the_run_does_not_use_is_allowed(project: Project,
                                                                      capsys) -> None:
    people = people_frame().assign(extra="x").rename(columns={"extra": "notes"})
    assert list(people.columns).count("notes") == 2
    assert warnings_of(project(people), capsys) == []


# --------------------------------------------------------------------------- ages


def test_a_date_of_birth_after_cohort_start_is_refused(project: Project, capsys) -> None:
    people = set_cells(people_frame(), "dob", {3: "2023-06-01"})
    lines = refused(project(people), capsys, "2023-06-01")
    assert lines == ["data/people.csv: column 'dob' (role date_of_birth): date of birth after "
                     "cohort start (1 failing; row 3)"]


def test_a_derived_age_outside_the_range_is_refused(project: Project, capsys) -> None:
    people = set_cells(people_frame(), "dob", {2: "2015-01-01", 5: "1900-02-02"})
    edit = {"      age: age_at_start\n": ""}
    lines = refused(project(people, edit=edit), capsys, "2015", "1900")
    assert lines == ["data/people.csv: column 'dob' (role date_of_birth): age at cohort start "
                     "derived from the date of birth outside the plausible range 10 to 100 years "
                     "(2 failing; rows 2, 5)"]


def test_a_derived_age_is_checked_where_the_mapped_age_is_blank(project: Project, capsys) -> None:
    people = set_cells(people_frame(), "dob", {2: "2015-01-01", 5: "2014-01-01"})
    people = set_cells(people, "age_at_start", {5: ""})
    lines = refused(project(people), capsys)
    assert lines == ["data/people.csv: column 'dob' (role date_of_birth): age at cohort start "
                     "derived from the date of birth outside the plausible range 10 to 100 years "
                     "(1 failing; row 5)"]


# --------------------------------------------------------------------------- short lines


def test_a_line_with_fewer_fields_than_the_header_is_refused(project: Project, capsys) -> None:
    lines = to_csv(people_frame()).splitlines()
    for row in (4, 9):
        lines[row] = lines[row].rsplit(",", 1)[0]  # only the unused 'notes' field is lost
    got = refused(project("\n".join(lines) + "\n"), capsys)
    assert got == ["data/people.csv: line has fewer fields than the header (8): a value or its "
                   "separator is missing; write an empty field for a missing value "
                   "(2 failing; rows 4, 9)"]


def test_a_short_line_with_quoted_values_is_refused(project: Project, capsys) -> None:
    people = people_frame()
    people["notes"] = "none, really"
    lines = to_csv(people).splitlines()
    lines[6] = lines[6].rsplit(",", 2)[0]  # loses 'exit_dt' and the quoted 'notes'
    got = refused(project("\n".join(lines) + "\n"), capsys)
    assert got == ["data/people.csv: line has fewer fields than the header (8): a value or its "
                   "separator is missing; write an empty field for a missing value "
                   "(1 failing; row 6)"]


# --------------------------------------------------------------------------- records after the extract date


def test_records_after_the_extract_date_are_a_warning_with_counts(project: Project,
                                                                  capsys) -> None:
    offences = set_cells(offences_frame(), "conv_dt", {3: "2025-10-02", 5: "2026-01-15"})
    people = set_cells(people_frame(), "exit_dt", {8: "2025-12-01"})
    assert warnings_of(project(people, offences), capsys) == [
        "data/people.csv: column 'exit_dt' (role exit_date): dated after the extract date "
        "2025-09-30 (data.extract_date) (1 row; row 8)",
        "data/offences.csv: column 'conv_dt' (role proven_date): dated after the extract date "
        "2025-09-30 (data.extract_date) (2 rows; rows 3, 5)",
    ]


def test_a_warning_is_recorded_without_rows_and_small_counts() -> None:
    notice = Notice("data/offences.csv", "'conv_dt' (role proven_date)", "late", (3, 5))
    assert notice.record(5) == {"file": "data/offences.csv", "column": "'conv_dt' (role proven_date)",
                                "warning": "late", "rows": "<5"}
    assert Notice("f", None, "late", tuple(range(1, 8))).record(5)["rows"] == "7"


def test_a_run_shows_and_records_its_warnings(project: Project, tmp_path: Path) -> None:
    from analysis.running.runner import run

    offences = set_cells(offences_frame(), "off_dt", {2: "2025-10-01"})
    offences = set_cells(offences, "conv_dt", {2: "2025-10-05"})
    params = load_params(project(offences=offences))
    log = io.StringIO()
    result = run(params, outputs_dir=tmp_path / "outputs", log=log, progress_bar=False)
    line = ("data/offences.csv: column 'off_dt' (role offence_date): dated after the extract date "
            "2025-09-30 (data.extract_date)")
    assert f"warning: {line} (1 row; row 2)" in log.getvalue().splitlines()
    manifest = json.loads((result.path / "manifest.json").read_text())
    assert manifest["warnings"][0] == {"file": "data/offences.csv",
                                       "column": "'off_dt' (role offence_date)",
                                       "warning": line.split(": ", 2)[2], "rows": "<5"}


# --------------------------------------------------------------------------- Justice Data Lab minimum


def test_a_treated_group_below_the_justice_data_lab_minimum_is_a_warning(project: Project,
                                                                         capsys) -> None:
    people = people_frame()
    people["iom"] = ["1" if i < 40 else "0" for i in range(N_PEOPLE)]
    assert warnings_of(project(people), capsys) == [
        "data/people.csv: column 'iom' (treatment flag of iom): 40 treated people measured by "
        "the extract date, fewer than the Justice Data Lab minimum of 60 (effects.min_treated): "
        "the effect estimates of 03_intervention_effects cannot be reported"]


def test_a_tiny_treated_group_is_counted_under_the_small_count_rule(project: Project,
                                                                    capsys) -> None:
    people = people_frame()
    people["iom"] = ["1" if i < 3 else "0" for i in range(N_PEOPLE)]
    warnings = warnings_of(project(people), capsys)
    assert len(warnings) == 1 and ": <5 treated people measured by the extract date" in warnings[0]


def test_treated_people_not_yet_measurable_do_not_count(project: Project, capsys) -> None:
    late = project(edit={"extract_date: 2025-09-30": "extract_date: 2023-12-31"})
    warnings = warnings_of(late, capsys)
    assert len(warnings) == 1 and "treated people measured by the extract date" in warnings[0]


# --------------------------------------------------------------------------- disclosure.min_cell


def test_min_cell_below_3_needs_an_acknowledgement(project: Project, capsys) -> None:
    edit = {"effects:\n": "disclosure:\n  min_cell: 2\neffects:\n"}
    lines = refused(project(edit=edit), capsys)
    assert lines[1:] == ["  disclosure.min_cell: 2 lets published tables show counts of 1 or 2 "
                         "people; to accept that, also set "
                         "disclosure.acknowledge_min_cell_below_3: true"]
    ack = {"effects:\n": "disclosure:\n  min_cell: 2\n  acknowledge_min_cell_below_3: true\neffects:\n"}
    assert warnings_of(project(edit=ack), capsys) == []


def test_min_cell_below_1_is_refused(project: Project, capsys) -> None:
    edit = {"effects:\n": "disclosure:\n  min_cell: 0\n  acknowledge_min_cell_below_3: true\neffects:\n"}
    lines = refused(project(edit=edit), capsys)
    assert lines[1:] == ["  disclosure.min_cell: Input should be greater than or equal to 1 (got int)"]


# --------------------------------------------------------------------------- Excel sheets, near names, folders


def _workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> bytes:
    with pd.ExcelWriter(path) as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path.read_bytes()


def test_data_on_another_sheet_names_the_sheets_found(project: Project, tmp_path: Path,
                                                      capsys) -> None:
    notes = pd.DataFrame({"About this extract": ["Prepared by J. Smithers"]})
    book = _workbook(tmp_path / "book.xlsx", {"Notes": notes, "Cohort": people_frame()})
    lines = refused(project(book, people_name="people.xlsx"), capsys, "Smithers")
    assert lines[0] == ("data/people.xlsx: sheet 'Notes' was read; the workbook's sheets are "
                        "'Notes', 'Cohort': name the sheet to read with data.people.sheet")
    assert "data/people.xlsx: column 'ref' (role person_id): required column is missing from the " \
           "file (the parameters map a role to it)" in lines
    edit = {"file: data/people.xlsx": "file: data/people.xlsx\n    sheet: Cohort"}
    assert load_data(load_params(project(book, people_name="people.xlsx", edit=edit))).rows_read[
        "people"] == N_PEOPLE


def test_an_empty_first_sheet_names_the_sheets_found(project: Project, tmp_path: Path,
                                                     capsys) -> None:
    book = _workbook(tmp_path / "book.xlsx", {"Sheet1": pd.DataFrame(), "Cohort": people_frame()})
    lines = refused(project(book, people_name="people.xlsx"), capsys)
    assert lines == ["data/people.xlsx: the file has no data rows (sheet 'Sheet1' was read; the "
                     "workbook's sheets are 'Sheet1', 'Cohort': name the sheet to read)"]


def test_a_sheet_the_workbook_lacks_is_refused_naming_its_sheets(project: Project, tmp_path: Path,
                                                                 capsys) -> None:
    book = _workbook(tmp_path / "book.xlsx", {"Cohort 2023": people_frame()})
    edit = {"file: data/people.xlsx": "file: data/people.xlsx\n    sheet: Cohort"}
    lines = refused(project(book, people_name="people.xlsx", edit=edit), capsys)
    assert lines == ["data/people.xlsx: cannot be read as Excel (no sheet 'Cohort' in the workbook; "
                     "its sheets are 'Cohort 2023')"]


@pytest.mark.parametrize("name", ["people.csv", "people.xlsx"])
def test_a_column_name_differing_in_case_or_spaces_is_suggested(project: Project, name: str,
                                                                capsys) -> None:
    people = people_frame().rename(columns={"release_dt": "Release_DT ", "gender": "Gender"})
    lines = refused(project(people, people_name=name), capsys)
    assert lines == [
        f"data/{name}: column 'release_dt' (role cohort_start): required column is missing from "
        f"the file (the parameters map a role to it); the file has a column 'Release_DT ', which "
        f"differs only in capitals, spaces or underscores: use that name in the parameters",
        f"data/{name}: column 'gender' (role sex): required column is missing from the file (the "
        f"parameters map a role to it); the file has a column 'Gender', which differs only in "
        f"capitals, spaces or underscores: use that name in the parameters",
    ]


def test_a_folder_given_as_a_data_file_is_refused(project: Project, tmp_path: Path,
                                                  capsys) -> None:
    params = project()
    (tmp_path / "data" / "cohort.xlsx").mkdir()
    text = params.read_text().replace("data/people.csv", "data/cohort.xlsx")
    params.write_text(text)
    lines = refused(params, capsys)
    assert lines[1:] == [f"  data.people.file: a folder, not a file: {tmp_path / 'data' / 'cohort.xlsx'}"]


@pytest.mark.parametrize(("name", "fmt"), [("cohort.xlsx", "Excel"), ("cohort.csv", "CSV"),
                                           ("cohort.parquet", "Parquet")])
def test_a_folder_read_as_a_table_is_named_a_folder(tmp_path: Path, name: str, fmt: str) -> None:
    (tmp_path / name).mkdir()
    with pytest.raises(DataError) as exc:
        read_table(tmp_path / name, name=name)
    assert str(exc.value) == f"{name}: cannot be read as {fmt} (it is a directory, not a file)"


# --------------------------------------------------------------------------- cases refused before


@pytest.mark.parametrize(
    ("case", "people", "edit", "expected"),
    [
        ("missing data file", None, {"file: data/people.csv": "file: data/cohort.csv"},
         "  data.people.file: file not found: {root}/data/cohort.csv"),
        ("missing column", people_frame().drop(columns="gender"), None,
         "data/people.csv: column 'gender' (role sex): required column is missing from the file "
         "(the parameters map a role to it)"),
        ("bad code values", set_cells(people_frame(), "iom", {2: "Smithers", 6: "2"}), None,
         "data/people.csv: column 'iom' (treatment flag of iom): wrong type: not a 0/1 flag "
         "(accepted: 1/0, true/false, yes/no, y/n) (2 failing; rows 2, 6)"),
        ("empty file", "", None, "data/people.csv: the file has no data rows"),
        ("header only", "ref,release_dt,gender,dob,age_at_start,iom\n", None,
         "data/people.csv: the file has no data rows"),
        ("binary file", b"\x89PNG\r\n\x1a\n\x00\x00 Smithers" * 20, None,
         "data/people.csv: cannot be read as CSV (the file is binary, not text)"),
        ("UTF-16 text", to_csv(set_cells(people_frame(), "notes", {1: "Smithers"})).encode("utf-16"),
         None, "data/people.csv: cannot be read as CSV (the file is UTF-16 text, as Excel's "
         "\"Unicode Text\" writes it; save it as \"CSV UTF-8\" instead)"),
        ("duplicate ids", set_cells(people_frame(), "ref", {2: "SMITHERS-J", 9: "SMITHERS-J"}), None,
         "data/people.csv: column 'ref' (role person_id): duplicate person id (every person must "
         "appear once; all rows sharing an id are listed) (2 failing; rows 2, 9)"),
        ("unknown key", None, {"effects:\n  outcomes": "effects:\n  outcome"},
         "  effects.outcome: unknown key (did you mean 'outcomes'?); allowed here: "),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 20 else "",
)
def test_cases_refused_before_exit_with_status_2(project: Project, tmp_path: Path, capsys,
                                                case: str, people, edit, expected: str) -> None:
    lines = refused(project(people, edit=edit), capsys, "Smithers")
    expected = expected.format(root=tmp_path)
    assert any(line == expected or (expected.endswith(" ") and line.startswith(expected))
               for line in lines), (case, lines)


def test_a_missing_parameter_file_exits_with_status_2(tmp_path: Path, capsys) -> None:
    lines = refused(tmp_path / "nowhere.yaml", capsys)
    assert lines == [f"{tmp_path / 'nowhere.yaml'}: parameter file not found"]


def test_the_command_exits_with_status_2_and_no_traceback(project: Project, tmp_path: Path) -> None:
    text = to_csv(people_frame()).replace(",notes\n", ",iom\n", 1)
    params = project(text)
    proc = subprocess.run([sys.executable, "-m", "analysis", "validate", str(params)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    assert proc.stderr == ("error: data/people.csv: column 'iom': 2 columns of the header have this name "
                           "(columns 6 and 8); every column name must be unique, rename or remove "
                           "the others\n")
