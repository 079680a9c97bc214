"""The side-by-side benchmark fits every model in Python and R and writes agreeing estimates."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks/r_side_by_side.py"
HEADER = ["people", "model", "Python (s)", "R (s)", "Python / R", "largest abs. difference",
          "largest abs. difference of SE", "compared", "note"]
MODELS = ["Kaplan-Meier by group", "log-rank test", "Cox model (model-based SE)",
          "Cox model (robust SE)", "logistic regression (propensity score)", "negative binomial"]


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed")
def test_side_by_side_table_at_2000_people_agrees_with_r(tmp_path: Path) -> None:
    out = tmp_path / "performance.md"
    out.write_text("# Performance\n\nkept\n")
    proc = subprocess.run([sys.executable, str(SCRIPT), "--sizes", "2000", "--out", str(out),
                           "--one-process", "--jobs", "2"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert text.startswith("# Performance\n\nkept\n\n## Side by side with R\n")
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("| people | model"))
    assert _cells(lines[header]) == HEADER
    rows = [_cells(line) for line in lines[header + 2:] if line.startswith("| 2,000 |")]
    assert [r[1] for r in rows] == MODELS
    for r in rows:
        python_s, r_s, ratio = (float(x) for x in r[2:5])
        assert python_s >= 0 and r_s >= 0 and ratio >= 0
        assert float(r[5]) < 1e-4, r  # coefficients (survival, chi-square, theta) agree
        assert r[8] == "", r  # no failure and every estimate matched by name
    assert float(rows[4][6]) < 1e-4 and float(rows[2][6]) < 1e-4  # logistic and Cox SEs
    assert rows[5][7] == "coefficients and theta (11)"
    assert "Measured with Python" in text and "R 4." in text and "cores" in text


def test_without_r_the_comparison_is_skipped(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}
    proc = subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path / "p.md")],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Rscript was not found: the side-by-side comparison with R is skipped.\n"
    assert not (tmp_path / "p.md").exists()
