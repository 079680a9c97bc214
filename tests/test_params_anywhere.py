"""Parameter files anywhere: relative paths resolve against the file's folder, the notebooks get
the parameters the runner checked, and a records extract with its own column names runs from a
folder outside the project with the installed command and with ``python -m analysis``."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from scratch_notebooks import write_notebook

from analysis.params import load_params, notebook_project
from analysis.running.parameters import read_parameters, write_resolved
from analysis.running.runner import default_outputs, run

ROOT = Path(__file__).resolve().parents[1]

#: The synthetic extract's column names and the names "our own" extract gives them.
RENAMED = {"person_id": "Offender ID", "cohort_start": "release_date", "sex": "gender",
           "date_of_birth": "dob", "offence_date": "off_dt", "proven_date": "conviction_date",
           "offence_type": "offence_desc"}


def _own_extract(folder: Path) -> None:
    """The small synthetic cohort with its own file names and column names, in ``folder``."""
    folder.mkdir(parents=True)
    for source, target in (("people.csv", "people_2024.csv"), ("offences.csv", "offences.csv")):
        header, rest = (ROOT / "data/synthetic_small" / source).read_text().split("\n", 1)
        names = [RENAMED.get(c, c) for c in header.split(",")]
        (folder / target).write_text(",".join(names) + "\n" + rest)


def _own_params(fast: str, extract: str = "../extract") -> str:
    """params/fast.yaml pointed at the extract (relative to the new file) and its column names."""
    text = re.sub(r"(?m)^#.*\n", "", fast)  # the bundled file's comments
    text = text.replace("../data/synthetic_small/people.csv", f"{extract}/people_2024.csv")
    text = text.replace("../data/synthetic_small/offences.csv", f"{extract}/offences.csv")
    # no metadata or population files; the project's bundled cost files (keys left out)
    text = re.sub(r"(?m)^  (metadata|population|unit_costs|deflators|offence_mapping|"
                  r"case_studies): \.\./data/.*\n", "", text)
    for role, own in RENAMED.items():
        text = text.replace(f"      {role}: {role}\n", f"      {role}: {own}\n")
    assert "../data/" not in text, "a path still points into the project"
    return text


@pytest.fixture
def own_folder(tmp_path: Path) -> Path:
    """A folder outside the project: extract/ with its own column names, partnership/my.yaml."""
    _own_extract(tmp_path / "extract")
    (tmp_path / "partnership").mkdir()
    params = tmp_path / "partnership/my.yaml"
    params.write_text(_own_params((ROOT / "params/fast.yaml").read_text()))
    return params


def test_relative_paths_resolve_against_the_file_folder_whatever_the_working_directory(
        own_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path / "extract")
    p = load_params(own_folder)
    assert p.data.people is not None and p.data.offences is not None
    assert p.data.people.file == tmp_path / "extract/people_2024.csv"
    assert p.data.offences.file == tmp_path / "extract/offences.csv"
    assert p.root == ROOT  # the installed project's notebooks, not the working directory's
    assert p.costs.deflators == ROOT / "data/costs/gdp_deflators.csv"  # bundled, not written
    assert default_outputs(p) == tmp_path / "partnership/outputs"


def test_cost_files_written_in_the_file_resolve_against_its_folder(
        own_folder: Path, tmp_path: Path) -> None:
    shutil.copy(ROOT / "data/costs/gdp_deflators.csv", tmp_path / "partnership/deflators.csv")
    own_folder.write_text(own_folder.read_text().replace("\ncosts:\n",
                                                         "\ncosts:\n  deflators: deflators.csv\n"))
    assert load_params(own_folder).costs.deflators == tmp_path / "partnership/deflators.csv"


def test_bundled_files_run_the_project_and_write_to_its_outputs() -> None:
    p = load_params(ROOT / "params/fast.yaml")
    assert p.data.people is not None
    assert p.data.people.file == ROOT / "data/synthetic_small/people.csv"
    assert p.resolved()["data"]["people"]["file"] == "data/synthetic_small/people.csv"
    assert notebook_project(ROOT / "params/fast.yaml") == ROOT
    assert default_outputs(p) == ROOT / "outputs"


def test_a_missing_file_is_named_as_resolved(own_folder: Path, tmp_path: Path) -> None:
    own_folder.write_text(own_folder.read_text().replace("../extract/offences.csv",
                                                         "../extract/nowhere.csv"))
    from analysis.errors import ParameterError

    with pytest.raises(ParameterError) as exc:
        load_params(own_folder)
    assert f"data.offences.file: file not found: {tmp_path / 'extract/nowhere.csv'}" in str(exc.value)


def test_resolved_parameters_read_back_as_the_runner_checked_them(
        own_folder: Path, tmp_path: Path) -> None:
    p = load_params(own_folder, {"run_name": "renamed", "notebooks": ["01_cohort"]})
    path = write_resolved(p, tmp_path / "parameters.json")
    back = read_parameters(path)
    assert back == p
    assert (back.root, back.source, back.run_name, back.notebooks) == (
        ROOT, own_folder.resolve(), "renamed", ["01_cohort"])
    assert read_parameters(own_folder) == load_params(own_folder)  # an ordinary parameter file


def _echo_project(tmp_path: Path) -> Path:
    """A scratch project whose one notebook prints the parameters it was given."""
    tmp_path.mkdir()
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'scratch'\n")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "params").mkdir()
    shutil.copy(ROOT / "data/public/rossi.csv", tmp_path / "data/rossi.csv")
    write_notebook(tmp_path / "notebooks/01_echo.ipynb",
                   "from analysis.running.parameters import read_parameters\n"
                   "p = read_parameters(params_file)\n"
                   "print(p.run_name, p.notebooks, p.data.survival.file)")
    params = tmp_path / "params/p.yaml"
    params.write_text((ROOT / "params/rossi.yaml").read_text()
                      .replace("../data/public/rossi.csv", "../data/rossi.csv"))
    return params


@pytest.mark.slow
def test_overrides_and_resolved_paths_reach_the_notebooks(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    params_path = _echo_project(tmp_path / "project")
    monkeypatch.chdir(tmp_path)  # not the project: the notebook's paths must not depend on it
    params = load_params(params_path, {"run_name": "echoed", "notebooks": ["01_echo"]})
    result = run(params, progress_bar=False)
    assert result.path == tmp_path / "project/outputs/echoed"
    executed = nbformat.read(result.path / "notebooks/01_echo.ipynb", as_version=4)
    printed = executed.cells[-1].outputs[0]["text"].strip()
    assert printed == f"echoed ['01_echo'] {tmp_path / 'project/data/rossi.csv'}"


def _command(name: str) -> list[str]:
    script = Path(sys.executable).parent / name
    assert script.is_file(), f"{script} is missing: install the package (pip install -e .)"
    return [str(script)]


@pytest.mark.slow
def test_own_extract_runs_from_a_folder_outside_the_project(own_folder: Path,
                                                            tmp_path: Path) -> None:
    """The installed command runs every notebook; python -m analysis runs one with overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANALYSIS_")}
    checked = subprocess.run([*_command("reoffending"), "validate", "partnership/my.yaml"],
                             cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert checked.returncode == 0, checked.stderr
    assert "parameters and data are valid (people: 1,000 rows" in checked.stdout
    done = subprocess.run([*_command("reoffending"), "run", "partnership/my.yaml", "--quiet",
                           "--run-name", "own"],
                          cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    own = tmp_path / "partnership/outputs/own"
    results = json.loads((own / "results.json").read_text())
    assert results["01_cohort"]["people_in_cohort"] > 0
    assert set(results) == {p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    one = subprocess.run([sys.executable, "-m", "analysis", "run", "partnership/my.yaml", "--quiet",
                          "--run-name", "one", "--notebooks", "01_cohort"],
                         cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert one.returncode == 0, one.stderr
    manifest = json.loads((tmp_path / "partnership/outputs/one/manifest.json").read_text())
    assert manifest["parameters"]["run_name"] == "one"
    assert list(manifest["notebooks"]) == ["01_cohort"]
    assert manifest["inputs"]["people"]["path"] == str(tmp_path / "extract/people_2024.csv")
    first = json.loads((tmp_path / "partnership/outputs/one/results.json").read_text())
    assert first["01_cohort"] == results["01_cohort"]  # validate and both runs read the same
