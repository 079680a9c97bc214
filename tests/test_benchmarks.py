"""The benchmark script runs its stages on a small cohort and writes its table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_benchmark_script_times_stages_and_writes_the_table(tmp_path: Path) -> None:
    out = tmp_path / "performance.md"
    out.write_text("# Performance\n\nkept\n\n<!-- benchmark table start -->\n"
                   "<!-- benchmark table end -->\n\nalso kept\n")
    stages = ["read and validate", "cohort build", "Cox model (robust SE)"]
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks/run_benchmarks.py"),
                           "--sizes", "2000", "--out", str(out), "--stages", *stages],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert "kept" in text and "also kept" in text
    rows = [line for line in text.splitlines() if line.startswith("| 2,000 |")]
    assert [r.split(" | ")[1] for r in rows] == ["generate and write", *stages]
    assert "failed" not in text
    per_person = float(rows[0].split("(")[1].split(" per person")[0])
    assert 4.0 <= per_person <= 6.0  # about five offences each, to 2026-12-31
    assert "2,000 people" in rows[1]
