"""The report's section "Changes since the previous run" and ``comparison_with_previous.csv``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from analysis.files import project_root
from analysis.params import load_params
from analysis.presentation.report_changes import (
    CHANGES_FILE,
    NO_PREVIOUS,
    changes_section,
    result_label,
    write_changes,
)
from analysis.running.runner import run


def _run_folder(path: Path, manifest: dict[str, Any], results: dict[str, Any],
                tables: dict[str, str]) -> Path:
    (path / "tables").mkdir(parents=True)
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (path / "results.json").write_text(json.dumps(results), encoding="utf-8")
    (path / "params.yaml").write_text("seed: 1\n", encoding="utf-8")
    for name, text in tables.items():
        (path / "tables" / f"{name}.csv").write_text(text, encoding="utf-8")
    return path


def _manifest(seed: int, people_digest: str, follow_up: int) -> dict[str, Any]:
    return {"run_name": "demo", "finished_utc": "2026-01-02T03:04:05+00:00", "seed": seed,
            "git": {"commit": "abcdef0123456789", "dirty": False},
            "inputs": {"people": {"path": "data/people.csv", "sha256": people_digest},
                       "offences": {"path": "data/offences.csv", "sha256": "c" * 64}},
            "parameters": {"run_name": "demo", "seed": seed,
                           "measures": {"follow_up_months": follow_up}}}


@pytest.fixture
def two_runs(tmp_path: Path) -> tuple[Path, Path]:
    old = _run_folder(
        tmp_path / "old", _manifest(1, "a" * 64, 12),
        {"01_cohort": {"binary_rate_pct": 26.5, "people_read": 1000, "answer": "Old answer."}},
        {"01_cohort__rates": "group,rate_pct\nall,26.5\n", "01_cohort__same": "a\n1\n"})
    new = _run_folder(
        tmp_path / "new", _manifest(2, "b" * 64, 12),
        {"01_cohort": {"binary_rate_pct": 27.75, "people_read": 1000, "answer": "Old answer.",
                       "treated": 120}},
        {"01_cohort__rates": "group,rate_pct\nall,27.75\n", "01_cohort__same": "a\n1\n"})
    return old, new


def test_section_lists_inputs_parameters_and_headline_numbers(two_runs: tuple[Path, Path]
                                                              ) -> None:
    old, new = two_runs
    table = write_changes(new, old)
    assert table is not None
    html = changes_section(new, table, old)
    assert html.startswith('<h2 id="changes">Changes since the previous run</h2>')
    assert "finished 2026-01-02T03:04:05+00:00, commit <code>abcdef012345</code>" in html
    # the input whose SHA-256 differs, and only it
    assert ("<tr><td>people</td><td>changed</td><td><code>aaaaaaaaaaaa</code></td>"
            "<td><code>bbbbbbbbbbbb</code></td><td>data/people.csv</td></tr>") in html
    assert "<td>offences</td>" not in html
    # the parameter that differs (the run's name aside), with its difference
    assert ("<tr><td><code>seed</code></td><td>changed</td><td>1</td><td>2</td>"
            "<td>+1</td></tr>") in html
    assert "follow_up_months" not in html
    # headline numbers: changed with their difference, added, and how many are the same
    assert ("Proven reoffending rate <span class=\"note\">(The cohort and its reoffending)"
            "</span><br><code>01_cohort.binary_rate_pct</code></td><td>changed</td>"
            "<td>26.5</td><td>27.75</td><td>+1.25</td></tr>") in html
    assert ("<code>01_cohort.treated</code></td><td>added</td><td>—</td><td>120</td>"
            "<td></td></tr>") in html
    assert "2 of the 4 headline numbers of this run are the same as in the previous run." in html
    assert "people_read" not in html and "Old answer" not in html
    assert "<li><code>01_cohort__rates.csv</code>: changed (1 cells changed; largest: column " \
           "'rate_pct', row 'all': 26.5 -&gt; 27.75)</li>" in html
    assert "01_cohort__same" not in html


def test_table_written_at_the_top_of_the_run(two_runs: tuple[Path, Path]) -> None:
    old, new = two_runs
    write_changes(new, old)
    assert not (new / "tables" / CHANGES_FILE).exists()
    table = pd.read_csv(new / CHANGES_FILE, dtype=str, keep_default_na=False)
    assert table[["section", "item", "change"]].values.tolist() == [
        ["run", "seed", "changed"],
        ["input", "people", "changed"],
        ["parameter", "seed", "changed"],
        ["result", "01_cohort.binary_rate_pct", "changed"],
        ["result", "01_cohort.treated", "added"],
        ["table", "01_cohort__rates.csv", "changed"],
    ]
    assert table.loc[3, "difference"] == "1.25"


def test_without_a_previous_run_the_section_says_so(two_runs: tuple[Path, Path]) -> None:
    _, new = two_runs
    assert write_changes(new, None) is None
    assert not (new / CHANGES_FILE).exists()
    assert changes_section(new, None, None) == (
        '<h2 id="changes">Changes since the previous run</h2><p>There was no previous complete '
        "run of this name in the outputs folder, so there is nothing to compare this run with."
        "</p>")
    assert NO_PREVIOUS in changes_section(new, None, None)


def test_identical_runs_have_no_changes(two_runs: tuple[Path, Path]) -> None:
    old, _ = two_runs
    html = changes_section(old, write_changes(old, old), old)
    for text in ("No commit, seed, rows read or package version changed.",
                 "No input file changed: every SHA-256 is the same.",
                 "No parameter changed.", "No headline number changed.",
                 "3 of the 3 headline numbers of this run are the same",
                 "No published table changed."):
        assert text in html


def test_result_labels() -> None:
    assert result_label("01_cohort.binary_rate_pct") == "Proven reoffending rate"
    assert result_label("05_performance_measures.measures.binary_all.value_pct") == (
        "Performance measure: Binary all value (%)")


def test_second_run_of_a_name_reports_the_changes(tmp_path: Path) -> None:
    """Two real runs of ``params/fast.yaml`` (``01_cohort`` only), the second with a new title."""
    fast = project_root() / "params" / "fast.yaml"
    keep = tmp_path / "first"

    def once(title: str) -> Path:
        params = load_params(fast, {"run_name": "h16-changes", "notebooks": ["01_cohort"],
                                    "title": title})
        return run(params, outputs_dir=tmp_path / "outputs", progress_bar=False).path

    first = once("First title")
    first_index = (first / "report" / "index.html").read_text(encoding="utf-8")
    assert NO_PREVIOUS in first_index
    assert not (first / CHANGES_FILE).exists()
    shutil.copytree(first, keep)

    second = once("Second title")
    index = (second / "report" / "index.html").read_text(encoding="utf-8")
    assert "Changes since the previous run" in index and NO_PREVIOUS not in index
    assert ("<tr><td><code>title</code></td><td>changed</td><td>First title</td>"
            "<td>Second title</td><td></td></tr>") in index
    assert "No input file changed" in index and "No headline number changed." in index
    table = pd.read_csv(second / CHANGES_FILE, dtype=str, keep_default_na=False)
    assert ["parameter", "title"] in table[["section", "item"]].values.tolist()
    assert (second / "report" / "run" / CHANGES_FILE).read_bytes() == \
        (second / CHANGES_FILE).read_bytes()
    # the published outputs do not depend on the previous run
    assert (second / "results.json").read_bytes() == (keep / "results.json").read_bytes()
    for sub in ("tables", "figures"):
        names = sorted(p.name for p in (keep / sub).iterdir())
        assert names == sorted(p.name for p in (second / sub).iterdir())
        for name in names:
            assert (second / sub / name).read_bytes() == (keep / sub / name).read_bytes(), name
