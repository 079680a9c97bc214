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
    stages = ["read and validate", "cohort build", "Cox model (robust SE)",
              "end to end: files to estimates, in one process"]
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
    whole = rows[4].split(" | ")[5]
    assert whole.startswith("2,000 people, ") and ", costs; seconds: read and validate " in whole
    parts = [p.rsplit(" ", 1)[0] for p in whole.split("seconds: ")[1].rstrip(" |").split(", ")]
    assert parts == ["read and validate", "cohort", "Kaplan-Meier", "Cox", "Cox robust",
                     "matching", "negative binomial", "costs"]


@pytest.mark.slow
def test_a_national_size_cohort_is_written_in_parquet_chunks_and_read_by_duckdb(
        tmp_path: Path) -> None:
    out = tmp_path / "performance.md"
    stages = ["read and validate", "read and validate (DuckDB engine, in chunks)",
              "derive measures (DuckDB engine)"]
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks/run_benchmarks.py"),
                           "--sizes", "3000", "--one-go", "2000", "--chunk-people", "1000",
                           "--out", str(out), "--stages", *stages],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    rows = [line.split(" | ") for line in out.read_text().splitlines()
            if line.startswith("| 3,000 |")]
    assert [r[1] for r in rows] == ["generate and write", *stages]
    assert rows[0][5].endswith("Parquet, 1,000 people at a time |")
    assert rows[1][2] == "—" and "not run: the offences do not fit" in rows[1][5]
    assert rows[2][5].startswith("3,000 people, ") and "offences not" in rows[2][5]
    assert "3,000 eligible people" in rows[3][5]


def test_parquet_chunks_number_people_on(tmp_path: Path) -> None:
    import pandas as pd

    from analysis.synthetic import write_parquet_chunks

    paths = write_parquet_chunks(45, tmp_path, chunk_people=15)
    people, offences = pd.read_parquet(paths["people"]), pd.read_parquet(paths["offences"])
    assert people["person_id"].tolist() == [f"SYN{i:07d}" for i in range(1, 46)]
    assert offences["person_id"].isin(people["person_id"]).all()
    assert offences["person_id"].str.slice(3).astype(int).max() > 30  # the last chunk's people
