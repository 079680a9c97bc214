"""Comparing two runs (:mod:`analysis.running.compare` and ``python -m analysis compare``) on two
small fake run folders."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from analysis.running import cli
from analysis.running.compare import compare_runs, comparison_lines, largest_change, resolve_run

DIGEST_A, DIGEST_B = "a" * 64, "b" * 64


def _write_run(folder: Path, manifest: dict, results: dict, tables: dict[str, str]) -> Path:
    (folder / "tables").mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (folder / "results.json").write_text(json.dumps(results))
    for name, text in tables.items():
        (folder / "tables" / name).write_text(text)
    return folder


def _manifest(digest: str, seed: int, covariates: list[str], commit: str) -> dict:
    return {"git": {"commit": commit, "dirty": False}, "seed": seed,
            "parameters_file": "params/x.yaml", "rows_read": {"people": 400},
            "packages": {"pandas": "2.2.0", "lifelines": "0.30.3"},
            "inputs": {"people": {"path": "data/people.csv", "sha256": digest},
                       "costs.unit_costs": {"path": "data/costs/unit.csv", "sha256": "c" * 64}},
            "parameters": {"run_name": "x", "seed": seed, "data": {"covariates": covariates}}}


GROUP_A = "group,offenders,rate_pct\nIOM,150,32.5\nNot on IOM,250,25.9\n"
GROUP_B = "group,offenders,rate_pct\nIOM,150,30.0\nNot on IOM,250,26.1\n"


@pytest.fixture()
def runs(tmp_path: Path) -> tuple[Path, Path]:
    a = _write_run(tmp_path / "outputs" / "spring", _manifest(DIGEST_A, 1, ["age"], "1" * 40),
                   {"01_cohort": {"binary_rate_pct": 26.2, "treated": 150, "rr": math.nan,
                                  "best_aft": "lognormal"}},
                   {"01__group.csv": GROUP_A, "01__same.csv": "a,b\n1,2\n",
                    "01__gone.csv": "a\n1\n", "01__rows.csv": "a\n1\n"})
    b = _write_run(tmp_path / "outputs" / "autumn", _manifest(DIGEST_B, 2, ["age", "sex"], "1" * 40),
                   {"01_cohort": {"binary_rate_pct": 27.0, "treated": 150, "rr": math.nan,
                                  "best_aft": "weibull", "new_number": 3.5}},
                   {"01__group.csv": GROUP_B, "01__same.csv": "a,b\n1,2\n",
                    "01__new.csv": "a\n1\n", "01__rows.csv": "a\n1\n2\n"})
    return a, b


def test_every_change_is_one_row(runs: tuple[Path, Path]) -> None:
    table = compare_runs(*runs)
    got = {(r.section, r.item): (r.change, r.run_a, r.run_b) for r in table.itertuples()}
    assert got == {
        ("run", "seed"): ("changed", "1", "2"),
        ("input", "people"): ("changed", "a" * 12, "b" * 12),
        ("parameter", "seed"): ("changed", "1", "2"),
        ("parameter", "data.covariates"): ("changed", '["age"]', '["age", "sex"]'),
        ("result", "01_cohort.binary_rate_pct"): ("changed", "26.2", "27.0"),
        ("result", "01_cohort.best_aft"): ("changed", "lognormal", "weibull"),
        ("result", "01_cohort.new_number"): ("added", "", "3.5"),
        ("table", "01__group.csv"): ("changed", "", ""),
        ("table", "01__rows.csv"): ("changed", "", ""),
        ("table", "01__gone.csv"): ("removed", "", ""),
        ("table", "01__new.csv"): ("added", "", ""),
    }
    result = table.set_index("item").loc["01_cohort.binary_rate_pct"]
    assert result["difference"] == pytest.approx(0.8)
    group = table.set_index("item").loc["01__group.csv"]
    assert group["difference"] == pytest.approx(-2.5)
    assert group["detail"] == "2 cells changed; largest: column 'rate_pct', row 'IOM': 32.5 -> 30.0"
    assert table.set_index("item").loc["01__rows.csv", "detail"] == "rows 1 -> 2"
    assert table.set_index("item").loc["people", "detail"] == "data/people.csv"


def test_readable_lines(runs: tuple[Path, Path]) -> None:
    lines = comparison_lines(compare_runs(*runs), *runs)
    assert lines[0] == f"Comparing run A {runs[0]} with run B {runs[1]} (differences are B - A)"
    assert "Run (1 changed):" in lines and "  seed: 1 -> 2 (+1)" in lines
    assert "  people [data/people.csv]: aaaaaaaaaaaa -> bbbbbbbbbbbb" in lines
    assert "  01_cohort.binary_rate_pct: 26.2 -> 27 (+0.8)" in lines
    assert "  01_cohort.new_number: added (3.5)" in lines
    assert "Tables (2 changed, 1 added, 1 removed):" in lines
    assert ("  ~ 01__group.csv: 2 cells changed; largest: column 'rate_pct', row 'IOM': "
            "32.5 -> 30.0 (-2.5)") in lines
    assert "  - 01__gone.csv" in lines and "  + 01__new.csv" in lines


def test_identical_runs_have_no_differences(runs: tuple[Path, Path]) -> None:
    table = compare_runs(runs[0], runs[0])
    assert table.empty
    assert comparison_lines(table, runs[0], runs[0])[1] == (
        "No differences: the same inputs, parameters, results and tables.")


def test_largest_change_of_columns_and_text_cells() -> None:
    a = pd.DataFrame({"group": ["x", "y"], "n": ["<5", "10"]})
    assert largest_change(a, a.assign(n=["<5", "12"])) == (2.0, "1 cells changed; largest: "
                                                            "column 'n', row 'y': 10 -> 12")
    diff, detail = largest_change(a, a.assign(n=["suppressed", "10"]))
    assert math.isnan(diff) and detail == "1 cells changed"
    diff, detail = largest_change(a, a.assign(m=["1", "2"]))
    assert math.isnan(diff) and detail == "columns added: m"


def test_runs_are_found_by_name_or_path(runs: tuple[Path, Path]) -> None:
    outputs = runs[0].parent
    assert resolve_run("spring", outputs) == runs[0]
    assert resolve_run(runs[1], outputs) == runs[1]


def test_command_prints_and_writes_the_table(runs: tuple[Path, Path], capsys) -> None:
    assert cli.main(["compare", str(runs[0]), str(runs[1])]) == 0
    out = capsys.readouterr().out
    path = runs[1].parent / "compare_spring_vs_autumn.csv"
    assert out.splitlines()[-1] == f"table of the changes: {path}"
    written = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert written.columns.tolist() == ["section", "item", "change", "run_a", "run_b",
                                        "difference", "detail"]
    assert len(written) == 11


def test_a_missing_run_is_bad_input(runs: tuple[Path, Path], tmp_path: Path, capsys) -> None:
    assert cli.main(["compare", str(runs[0]), str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err.startswith(f"error: {tmp_path / 'nowhere'}: no such run folder")
    (tmp_path / "half").mkdir()
    assert cli.main(["compare", str(runs[0]), str(tmp_path / "half")]) == 2
    assert capsys.readouterr().err == (f"error: {tmp_path / 'half'}: not a complete run "
                                       "(no manifest.json)\n")
