"""The runner end to end: outputs, provenance, reproducibility, and what a failure leaves behind."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from scratch_notebooks import write_notebook

from analysis.params import load_params
from analysis.running.runner import (
    KERNEL_THREADS,
    RunFailed,
    dependencies,
    kernel_environment,
    notebook_order,
    run,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The fast parameter file run twice, under two run names: one notebook at a time, then two."""
    root = Path(__file__).resolve().parents[1]
    outputs = tmp_path_factory.mktemp("outputs")
    paths = []
    for name, jobs in (("first", 1), ("second", 2)):
        params = load_params(root / "params/fast.yaml", {"run_name": name})
        paths.append(run(params, outputs_dir=outputs, progress_bar=False, jobs=jobs).path)
    return paths[0], paths[1]


def test_run_writes_every_kind_of_output(two_runs: tuple[Path, Path], root: Path) -> None:
    first, _ = two_runs
    for nb in notebook_order(root):
        assert (first / "notebooks" / nb.name).is_file()
    pngs = sorted(p.stem for p in (first / "figures").glob("*.png"))
    svgs = sorted(p.stem for p in (first / "figures").glob("*.svg"))
    assert pngs and pngs == svgs
    assert list((first / "tables").glob("*.csv"))
    results = json.loads((first / "results.json").read_text())
    assert results["01_cohort"]["people_in_cohort"] > 0
    assert (first / "params.yaml").is_file()
    assert not list(first.parent.glob(".*partial"))


def test_manifest_records_what_produced_the_run(two_runs: tuple[Path, Path], root: Path) -> None:
    manifest = json.loads((two_runs[0] / "manifest.json").read_text())
    for key in ("started_utc", "finished_utc", "duration_seconds", "seed", "parameters",
                "inputs", "git", "environment", "packages", "notebooks", "kernel",
                "kernel_threads", "start_order"):
        assert key in manifest, key
    assert sorted(manifest["start_order"]) == sorted(manifest["notebooks"])
    assert manifest["environment"]["python"].startswith("3.")
    assert {"pandas", "lifelines", "statsmodels", "papermill"} <= set(manifest["packages"])
    assert set(manifest["git"]) == {"commit", "dirty"}
    for entry in manifest["inputs"].values():
        assert len(entry["sha256"]) == 64
        assert not Path(entry["path"]).is_absolute()
    assert manifest["parameters"]["run_name"] == "first"
    assert "01_cohort" in manifest["duration_seconds"]


def test_cost_notebook_waits_for_the_effects_notebook(root: Path) -> None:
    deps = dependencies(notebook_order(root))
    assert deps["04_cost_of_crime"] == {"03_intervention_effects"}
    assert deps["01_cohort"] == set()


def test_same_inputs_give_byte_identical_tables_figures_and_results(
    two_runs: tuple[Path, Path],
) -> None:
    first, second = two_runs
    files = [p.relative_to(first) for p in first.rglob("*")
             if p.suffix in {".csv", ".png", ".svg"} or p.name == "results.json"]
    assert len(files) > 5
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def _failing_project(tmp_path: Path, root: Path) -> Path:
    """A scratch project whose second notebook fails, with the Rossi data."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'scratch'\n")
    for sub in ("notebooks", "params", "data"):
        (tmp_path / sub).mkdir()
    shutil.copy(root / "data/public/rossi.csv", tmp_path / "data/rossi.csv")
    for name, body in (("01_ok", "print('fine')"), ("02_broken", "x = 1\nraise ValueError('boom')")):
        write_notebook(tmp_path / "notebooks" / f"{name}.ipynb", body)
    params = tmp_path / "params/p.yaml"
    params.write_text((root / "params/rossi.yaml").read_text()
                      .replace("../data/public/rossi.csv", "../data/rossi.csv"))
    return params


def test_failed_run_names_notebook_and_cell_and_keeps_earlier_run(tmp_path: Path, root: Path) -> None:
    params = load_params(_failing_project(tmp_path, root))
    earlier = tmp_path / "outputs" / params.run_name
    earlier.mkdir(parents=True)
    (earlier / "results.json").write_text('{"earlier": true}')
    with pytest.raises(RunFailed) as exc:
        run(params, progress_bar=False, jobs=2)
    msg = str(exc.value)
    assert "02_broken.ipynb failed in cell" in msg and "ValueError: boom" in msg
    assert (earlier / "results.json").read_text() == '{"earlier": true}'
    failed = tmp_path / "outputs" / f"{params.run_name}.failed"
    partial = nbformat.read(failed / "notebooks/02_broken.ipynb", as_version=4)
    assert any(o.get("ename") == "ValueError" for c in partial.cells for o in c.get("outputs", []))
    assert not list((tmp_path / "outputs").glob(".*partial"))


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_cli_failed_run_exits_nonzero(tmp_path: Path, root: Path) -> None:
    params = _failing_project(tmp_path, root)
    proc = _cli("run", str(params), "--quiet", cwd=tmp_path)
    assert proc.returncode == 1
    assert "02_broken.ipynb failed in cell" in proc.stderr


def test_cli_bad_parameters_exit_2_without_traceback(tmp_path: Path, root: Path) -> None:
    params = _failing_project(tmp_path, root)
    params.write_text(params.read_text().replace("seed:", "sead:"))
    proc = _cli("run", str(params), cwd=tmp_path)
    assert proc.returncode == 2
    assert "sead: unknown key (did you mean 'seed'?)" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_bad_data_exit_2_naming_file_column_and_rows(tmp_path: Path, root: Path) -> None:
    params = _failing_project(tmp_path, root)
    csv = tmp_path / "data/rossi.csv"
    lines = csv.read_text().splitlines()
    lines[3] = "0," + lines[3].split(",", 1)[1]  # week = 0 on data row 3
    csv.write_text("\n".join(lines) + "\n")
    proc = _cli("run", str(params), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "rossi.csv" in proc.stderr and "'week'" in proc.stderr and "row 3" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "outputs" / "rossi").exists()


def test_kernels_get_one_numerical_thread_unless_the_environment_says_otherwise(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for key in KERNEL_THREADS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    with kernel_environment() as threads:
        assert threads == {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "3",
                           "MKL_NUM_THREADS": "1"}
        assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    assert "OPENBLAS_NUM_THREADS" not in os.environ
    assert os.environ["OMP_NUM_THREADS"] == "3"


def test_a_page_that_fails_to_render_is_left_to_the_report(tmp_path: Path) -> None:
    from analysis.running.runner import _render_page

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_x.ipynb").write_text("not a notebook")
    assert _render_page(tmp_path, tmp_path / "notebooks" / "01_x.ipynb") is False


def test_kernels_use_the_data_the_runner_validated_and_the_copy_is_deleted(
        tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The notebooks get the validated data; the private copy is gone after success and failure."""
    import tempfile

    scratch_tmp = tmp_path / "tmp"
    scratch_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_tmp))
    (tmp_path / "project").mkdir()
    params_path = _failing_project(tmp_path / "project", root)
    check = nbformat.read(params_path.parents[1] / "notebooks/01_ok.ipynb", as_version=4)
    check.cells[1].source = (
        "from analysis.running.parameters import read_parameters\n"
        "from analysis.data.loading import _handed_over\n"
        "print('handed over:', _handed_over(read_parameters(params_file)) is not None)")
    nbformat.write(check, params_path.parents[1] / "notebooks/01_ok.ipynb")
    params = load_params(params_path, {"notebooks": ["01_ok"]})
    result = run(params, progress_bar=False)
    executed = nbformat.read(result.path / "notebooks/01_ok.ipynb", as_version=4)
    assert "handed over: True" in executed.cells[-1].outputs[0]["text"]
    assert list(scratch_tmp.iterdir()) == []
    with pytest.raises(RunFailed):
        run(load_params(params_path), progress_bar=False)
    assert list(scratch_tmp.iterdir()) == []
