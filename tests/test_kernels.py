"""A kernel that runs notebook after notebook gives each the state a new kernel would."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from scratch_notebooks import write_notebook

from analysis.running.kernels import kernel_pool
from analysis.running.runner import KERNEL, _execute_one, _NotebookFailed

pytestmark = pytest.mark.slow

#: Changes a notebook can make to its kernel that must not reach the next notebook.
CHANGES = """\
import os, random, warnings
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from analysis.disclosure import set_policy
from analysis.presentation.kernel_output import withhold_kernel_output
leftover = 1
plt.rcParams["font.size"] = 31
plt.figure()
set_policy(11, 5)
pd.set_option("display.max_rows", 3)
np.seterr(all="raise")
np.random.seed(1)
random.seed(1)
os.environ["LEFTOVER"] = "1"
os.chdir("/")
warnings.warn("shown once per location", UserWarning)
withhold_kernel_output()
print("not shown")
"""

#: What the next notebook sees of those changes (and a warning a new kernel shows), and whether
#: the objects the kernel's imports made are out of the garbage collector's passes.
STATE = """\
import gc, os, sys, warnings
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from analysis.disclosure import policy
from analysis.presentation.kernel_output import is_withholding
print("leftover" in globals(), plt.rcParams["font.size"], plt.get_fignums(), policy(),
      pd.get_option("display.max_rows"), np.geterr()["divide"], os.environ.get("LEFTOVER"),
      os.getcwd() == NOTEBOOKS, is_withholding(), gc.get_freeze_count() > 0)
warnings.warn("shown once per location", UserWarning)
"""


def _outputs(path: Path) -> list[tuple[int | None, str]]:
    """Each code cell's execution count and outputs (the kernel's process id left out)."""
    nb = nbformat.read(path, as_version=4)
    return [(c.execution_count, re.sub(r"ipykernel_\d+", "ipykernel", json.dumps(c.outputs)))
            for c in nb.cells if c.cell_type == "code"]


def _project(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    write_notebook(folder / "01_changes.ipynb", CHANGES)
    state = STATE.replace("NOTEBOOKS", repr(str(folder.resolve())))
    write_notebook(folder / "02_state.ipynb", state)
    write_notebook(folder / "03_broken.ipynb", "raise ValueError('boom')")
    (tmp_path / "out" / "notebooks").mkdir(parents=True)
    return folder


def test_a_notebook_after_another_in_the_same_kernel_sees_a_new_kernel(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    params = {"params_file": "", "output_dir": str(tmp_path / "out")}
    state, out = folder / "02_state.ipynb", tmp_path / "out"
    with kernel_pool(1, KERNEL, folder) as idle:  # a kernel of its own
        _execute_one(state, out, params, False, idle)
    alone = _outputs(out / "notebooks" / state.name)
    with kernel_pool(1, KERNEL, folder) as idle:  # after a notebook that changes everything
        _execute_one(folder / "01_changes.ipynb", out, params, False, idle)
        _execute_one(state, out, params, False, idle)
    after = _outputs(out / "notebooks" / state.name)
    assert after == alone
    printed = "".join(outputs for _, outputs in after)
    assert ("False 10.0 [] Policy(min_cell=5, rounding=None) 60 warn None True False True"
            in printed)  # the libraries' objects frozen out of the garbage collector's passes
    assert "shown once per location" in printed
    assert [count for count, _ in after] == [1, 2, 3]  # parameters, injected, body


def test_a_failing_notebook_in_a_shared_kernel_is_named(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    params = {"params_file": "", "output_dir": str(tmp_path / "out")}
    with kernel_pool(1, KERNEL, folder) as idle:
        _execute_one(folder / "01_changes.ipynb", tmp_path / "out", params, False, idle)
        with pytest.raises(_NotebookFailed) as failed:
            _execute_one(folder / "03_broken.ipynb", tmp_path / "out", params, False, idle)
    assert failed.value.notebook.name == "03_broken.ipynb"
    assert (failed.value.error.ename, failed.value.error.evalue) == ("ValueError", "boom")
    executed = json.loads((tmp_path / "out/notebooks/03_broken.ipynb").read_text())
    assert executed["cells"][-1]["outputs"][0]["ename"] == "ValueError"
