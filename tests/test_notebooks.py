"""No notebook escapes CI: each is run by the runner, executed under nbval, and fit for both."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from analysis.running.runner import KERNEL, NOTEBOOK_PARAMETERS, notebook_order

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_every_notebook_is_run_by_the_runner() -> None:
    assert NOTEBOOKS, "no notebooks found"
    assert notebook_order(ROOT) == NOTEBOOKS


def test_nbval_collects_the_notebooks_folder() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "notebooks" in config["testpaths"]
    assert "--nbval-lax" in config["addopts"] and "--nbval-current-env" in config["addopts"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_fit_for_papermill_and_nbval(path: Path) -> None:
    assert re.fullmatch(r"\d\d_[a-z0-9_]+", path.stem)
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == KERNEL
    assert set(NOTEBOOK_PARAMETERS) <= set(pm.inspect_notebook(str(path)))
    code = [c for c in nb.cells if c.cell_type == "code"]
    checked = [c for c in code if c.source.lstrip().startswith("# NBVAL_CHECK_OUTPUT")]
    assert checked, "no cell checks its output under nbval"
    for cell in checked:
        assert cell.outputs, "a checked cell has no stored output: refresh the notebook"
        text = "".join(o.get("text", "") for o in cell.outputs)
        assert not re.search(r"0x[0-9a-f]{6,}|\d{4}-\d\d-\d\dT\d\d:\d\d", text), \
            "checked output holds a memory address or timestamp"
    assert all(c.execution_count is not None for c in code), "notebook is not fully executed"
    # No stored output, checked or not, holds a memory address: it would change on every
    # refresh and make the stored notebooks differ for no reason.
    plain = "".join(str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", ""))
                    for c in code for o in c.outputs)
    assert not re.search(r" at 0x[0-9a-f]{6,}", plain), "a stored output holds a memory address"
