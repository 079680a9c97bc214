"""Parameter files: every bundled one loads; typos, wrong types, missing files and bad roles are rejected."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.errors import ParameterError
from analysis.params import load_params

ROSSI = """
run_name: r
data:
  form: survival
  name: Rossi
  survival:
    file: data/rossi.csv
    columns: {duration: week, event: arrest}
  time_unit: weeks
  treatment: fin
  covariates: [age, prio]
"""


@pytest.fixture
def rossi_params(write_params, root: Path):
    def _make(text: str = ROSSI) -> Path:
        path = write_params(text)
        (path.parent / "data").mkdir(exist_ok=True)
        shutil.copy(root / "data/public/rossi.csv", path.parent / "data/rossi.csv")
        return path

    return _make


def error_of(path: Path) -> str:
    with pytest.raises(ParameterError) as exc:
        load_params(path)
    return str(exc.value)


@pytest.mark.parametrize("name", sorted(p.name for p in (Path(__file__).parents[1] / "params").glob("*.yaml")))
def test_bundled_parameter_files_load(root: Path, name: str) -> None:
    p = load_params(root / "params" / name)
    for file in p.input_files().values():
        assert file.is_file()


def test_good_file_resolves_paths_against_its_own_folder(rossi_params, root: Path) -> None:
    path = rossi_params()
    p = load_params(path)
    assert p.data.survival.file == path.parent / "data/rossi.csv"
    assert p.resolved()["data"]["survival"]["file"] == str(path.parent / "data/rossi.csv")
    assert p.root == root  # a folder without notebooks/ runs the installed project's notebooks


def test_unknown_key_is_named_with_a_suggestion(rossi_params) -> None:
    msg = error_of(rossi_params(ROSSI.replace("run_name: r", "run_name: r\nseeed: 3")))
    assert "seeed: unknown key (did you mean 'seed'?)" in msg


def test_nested_unknown_key(rossi_params) -> None:
    msg = error_of(rossi_params(ROSSI.replace("columns:", "colums:")))
    assert "data.survival.colums: unknown key (did you mean 'columns'?)" in msg


def test_wrong_type_names_the_key(rossi_params) -> None:
    msg = error_of(rossi_params(ROSSI.replace("run_name: r", "run_name: r\nseed: many")))
    assert "seed:" in msg and "integer" in msg


def test_wrong_choice_names_the_key(rossi_params) -> None:
    msg = error_of(rossi_params(ROSSI.replace("time_unit: weeks", "time_unit: fortnights")))
    assert "data.time_unit:" in msg


def test_missing_file_names_the_key(rossi_params) -> None:
    msg = error_of(rossi_params(ROSSI.replace("data/rossi.csv", "data/nowhere.csv")))
    assert "data.survival.file: file not found" in msg


def test_unknown_role_is_named(rossi_params) -> None:
    msg = error_of(rossi_params(ROSSI.replace("event: arrest", "evnt: arrest")))
    assert "data.survival.columns.evnt: unknown role (did you mean 'event'?)" in msg
    assert "data.survival.columns.event: required role is not mapped" in msg


def test_column_mapped_twice_is_rejected(rossi_params) -> None:
    msg = error_of(rossi_params(ROSSI.replace("event: arrest", "event: week")))
    assert "data.survival.columns.event: column 'week' is already mapped to role 'duration'" in msg


def test_treatment_among_covariates_is_rejected(rossi_params) -> None:
    msg = error_of(rossi_params(ROSSI.replace("[age, prio]", "[age, fin]")))
    assert "data.covariates: contains the treatment column 'fin'" in msg


def test_records_form_needs_its_tables_and_a_known_treatment(write_params) -> None:
    path = write_params("""
run_name: x
data:
  form: records
  name: x
  treatment: iom
  extract_date: 2025-01-01
""")
    msg = error_of(path)
    assert "data.people: required when data.form is 'records'" in msg
    assert "data.offences: required" in msg
    assert "data.treatment: 'iom' is not one of data.interventions" in msg


def test_bad_run_name_and_unparseable_yaml(rossi_params, write_params) -> None:
    assert "run_name:" in error_of(rossi_params(ROSSI.replace("run_name: r", "run_name: ../up")))
    assert "not valid YAML at line" in error_of(write_params("run_name: [x\n"))
    assert "parameter file not found" in error_of(Path("/nonexistent/p.yaml"))


def test_unknown_notebook_is_rejected(rossi_params) -> None:
    msg = error_of(rossi_params(ROSSI + "notebooks: [99_nothing]\n"))
    assert "notebooks.0: no notebook notebooks/99_nothing.ipynb" in msg
