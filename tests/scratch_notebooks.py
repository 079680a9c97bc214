"""Scratch projects for end-to-end tests: a notebook of one code cell, and a project with the
small bundled cohort, to run through the runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

KERNELSPEC = {"name": "python3", "language": "python", "display_name": "Python 3"}


def write_notebook(path: Path, body: str) -> None:
    """A notebook with the papermill parameters cell and one code cell, ``body``."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [nbformat.v4.new_code_cell("params_file = ''\noutput_dir = ''",
                                          metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, path)


def small_project(folder: Path, root: Path) -> Path:
    """A scratch project in ``folder`` with the small bundled cohort, the reference figures and
    ``params/fast.yaml`` (returned); its ``notebooks/`` folder is empty."""
    (folder / "pyproject.toml").write_text("[project]\nname = 'scratch'\n")
    shutil.copytree(root / "data/synthetic_small", folder / "data/synthetic_small")
    shutil.copytree(root / "data/reference", folder / "data/reference")
    (folder / "params").mkdir()
    shutil.copy(root / "params/fast.yaml", folder / "params/fast.yaml")
    (folder / "notebooks").mkdir()
    return folder / "params/fast.yaml"
