"""Valid but extreme cohorts run end to end: every notebook completes, says in plain words what
could not be estimated and why, and publishes no count of 1 to 4 people.

Each case is derived from the small bundled cohort (tests/extreme_cohorts.py) and runs only the
notebooks it puts to the test, with the command a user types.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from extreme_cohorts import small_counts, small_results, write_case

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]

#: case: (notebooks run, {notebook: statements its executed notebook and results must hold})
CASES: dict[str, tuple[list[str], dict[str, list[str]]]] = {
    "nobody_reoffends": (
        ["02_survival"],
        {"02_survival": ["The log-rank tests could not be estimated: nobody reoffended.",
                         "The Cox model could not be estimated: nobody reoffended.",
                         "The accelerated failure-time models could not be estimated: nobody "
                         "reoffended."]}),
    "no_offences": (
        ["03_intervention_effects", "04_cost_of_crime"],
        {"03_intervention_effects": ["The intervention's effects could not be estimated: nobody "
                                     "reoffended."],
         "04_cost_of_crime": ["Nobody had a proven reoffence within the follow-up, so there is "
                              "no cost of reoffending.",
                              "so the costs averted and value for money are not appraised."]}),
    "everybody_reoffends": (
        ["03_intervention_effects", "05_performance_measures"],
        {"03_intervention_effects": ["The logistic regression could not be estimated: everybody "
                                     "reoffended.",
                                     "The effect on proven reoffending (risk difference) could "
                                     "not be estimated: everybody reoffended."]}),
    "few_treated": (
        ["03_intervention_effects"],
        {"03_intervention_effects": ["The intervention's effects could not be estimated: too few "
                                     "treated people with every covariate and outcome recorded "
                                     "(5; at least 10 are needed)."]}),
    "subgroup_without_treated": (
        ["03_intervention_effects"],
        {"03_intervention_effects": ["Subgroup effects that could not be estimated:** sex "
                                     "(everybody analysed is in one level of it"]}),
    "empty_area_and_quarter": (["05_performance_measures"], {}),
    "needs_blank": (
        ["01_cohort", "02_survival"],
        {"01_cohort": ["The prevalence of needs could not be estimated: nobody was assessed for "
                       "any need."],
         "02_survival": ["The Cox model could not be estimated: nobody has every covariate and "
                         "outcome recorded."]}),
}


#: A cohort so small that every breakdown gives a count of 1 to 4 away: every notebook runs and
#: publishes only the number of people measured and why nothing else.
TOO_SMALL = {"five_people": ["00_design", "01_cohort", "02_survival", "03_intervention_effects",
                             "04_cost_of_crime", "05_performance_measures"]}
WITHHELD = ("Nothing could be estimated for publication: the cohort has 5 people measured, fewer "
            "than the 10 any rate, table or figure needs")


def _run(params: Path, run_name: str, outputs: Path) -> str:
    """Run a parameter file as a user would (one notebook at a time); return what it printed."""
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "run", str(params), "--run-name", run_name,
         "--outputs", str(outputs), "--quiet", "--jobs", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    return f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """Every case run once, two at a time: its run folder and what the command printed."""
    base = tmp_path_factory.mktemp("extreme")
    params = {case: write_case(case, base / case, notebooks)
              for case, (notebooks, _) in CASES.items()}
    params |= {case: write_case(case, base / case, notebooks) for case, notebooks in TOO_SMALL.items()}
    with ThreadPoolExecutor(max_workers=2) as pool:
        logs = dict(zip(params, pool.map(_run, params.values(),
                                         [f"h4-{case}" for case in params],
                                         [base / "outputs"] * len(params)), strict=True))
    return {case: (base / "outputs" / f"h4-{case}", logs[case]) for case in params}


@pytest.mark.parametrize("case", list(CASES))
def test_extreme_cohort_runs_and_says_what_could_not_be_estimated(
        runs: dict[str, tuple[Path, str]], case: str) -> None:
    folder, log = runs[case]
    assert (folder / "results.json").is_file(), log
    assert "Traceback" not in log
    notebooks, statements = CASES[case]
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert sorted(results) == sorted(notebooks)
    for notebook, expected in statements.items():
        executed = (folder / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8")
        recorded = json.dumps(results[notebook], ensure_ascii=False)
        for statement in expected:
            assert statement in executed, (notebook, statement)
            if "could not be estimated" in statement and "Subgroup" not in statement:
                assert statement in results[notebook]["answer"], (notebook, statement)
            assert statement in recorded or "Subgroup" in statement, (notebook, statement)


@pytest.mark.parametrize("case", list(CASES))
def test_extreme_cohort_publishes_no_count_of_one_to_four(
        runs: dict[str, tuple[Path, str]], case: str) -> None:
    folder, log = runs[case]
    assert (folder / "tables").is_dir(), log
    assert small_counts(folder / "tables") == []
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert small_results(results) == []


@pytest.mark.parametrize("case", list(TOO_SMALL))
def test_a_cohort_too_small_to_publish_runs_and_publishes_only_its_size_and_why(
        runs: dict[str, tuple[Path, str]], case: str) -> None:
    folder, log = runs[case]
    assert log.startswith("exit 0\n"), log
    assert "Traceback" not in log
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert sorted(results) == TOO_SMALL[case]
    for notebook in TOO_SMALL[case]:
        assert f"{notebook} done in" in log, notebook
        assert sorted(results[notebook]) == ["answer", "not_estimated", "people_in_cohort"]
        assert results[notebook]["answer"].startswith(WITHHELD)
        assert results[notebook]["not_estimated"] == [results[notebook]["answer"]]
        assert results[notebook]["people_in_cohort"] == 5
        executed = json.loads((folder / "notebooks" / f"{notebook}.ipynb").read_text("utf-8"))
        shown = [output for cell in executed["cells"] if cell["cell_type"] == "code"
                 for output in cell["outputs"]]
        assert shown and all(
            "".join(output["data"]["text/markdown"]).strip("*").startswith(WITHHELD)
            for output in shown), notebook
    assert list((folder / "tables").glob("*.csv")) == []
    assert list((folder / "figures").iterdir()) == []
    report = (folder / "report" / "index.html").read_text(encoding="utf-8")
    assert WITHHELD in report
