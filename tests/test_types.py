"""The package type-checks: mypy, configured in pyproject.toml, finds no error in src/analysis."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "pyproject.toml"


def _mypy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(CONFIG), *args],
                          cwd=cwd, capture_output=True, text=True, check=False)


def test_package_has_no_type_errors() -> None:
    """The same check as ``.venv/bin/mypy`` run from the project root (the files of the config)."""
    result = _mypy(cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found")


def test_type_check_reports_an_error(tmp_path: Path) -> None:
    """The configuration checks what it should: a wrong return type inside an unannotated
    function (``check_untyped_defs``) and a parameter model called without a required field."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from analysis.params import Intervention\n"
        "\n"
        "def label() -> int:\n"
        "    return 'one'\n"
        "\n"
        "def untyped():\n"
        "    x: int = 'two'\n"
        "    return x\n"
        "\n"
        "Intervention(name='iom')\n",
        encoding="utf-8",
    )
    result = _mypy(str(bad), cwd=tmp_path)
    errors = [line.split(": error: ", 1)[1] for line in result.stdout.splitlines()
              if ": error: " in line]
    assert result.returncode == 1
    assert errors == [
        'Incompatible return value type (got "str", expected "int")  [return-value]',
        'Incompatible types in assignment (expression has type "str", variable has type "int")'
        "  [assignment]",
        'Missing named argument "flag" for "Intervention"  [call-arg]',
    ]
