"""The package's shape: layers import downward only, modules are small and say their concern,
notebooks are thin and end with their answer."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "analysis"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MAX_LINES = 600


def test_layers_import_downward_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The import-linter contracts of pyproject.toml hold (exit code 0 means every contract kept)."""
    monkeypatch.chdir(ROOT)
    assert lint_imports(no_cache=True) == 0


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_module_is_small_and_states_its_concern(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_LINES, f"{path.relative_to(ROOT)} is over {MAX_LINES} lines"
    doc = ast.get_docstring(ast.parse(text))
    assert doc and doc.strip(), f"{path.relative_to(ROOT)} has no opening docstring"


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_ends_with_its_answer(path: Path) -> None:
    cells = _cells(path)
    markdown = [c for c in cells if c["cell_type"] == "markdown"]
    assert _source(markdown[-1]).startswith("## Answer"), "the last markdown cell is not the Answer"
    last = cells[-1]
    assert last["cell_type"] == "code" and "answer" in _source(last), \
        "the notebook does not end with its generated answer"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_sets_up_with_one_call(path: Path) -> None:
    code = [_source(c) for c in _cells(path) if c["cell_type"] == "code"]
    assert sum("= start(" in c for c in code) == 1
    assert not any("load_params(" in c or "load_data(" in c or "RunOutput(" in c for c in code)


@pytest.mark.parametrize("stem", ["03_intervention_effects", "05_performance_measures"])
def test_notebook_has_no_loops_or_definitions(stem: str) -> None:
    path = ROOT / "notebooks" / f"{stem}.ipynb"
    for cell in _cells(path):
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse(_source(cell))
        banned = (ast.For, ast.While, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                  ast.Lambda)
        found = [type(n).__name__ for n in ast.walk(tree) if isinstance(n, banned)]
        assert not found, f"{stem} cell {cell.get('id')}: {found}"
