"""The standard runs from a reader's side: no count of 1 to 4 recoverable, headlines shown.

The default, Rossi and recid runs are made once for this module. A run the disclosure audit
refuses fails both tests with the audit's findings (table and cell, never a value). For a run
that is published, a reader's tools are applied to every published file: the tables with their
ledger (``disclosure_ledger.json``), and the headline numbers of ``results.json`` (those the
report names), which must all be shown unless their group is smaller than 100 people.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from scratch_notebooks import small_project, write_notebook

from analysis.disclosure.audit import audit_tables
from analysis.disclosure.cells import read_cell
from analysis.disclosure.ledger import TableLedger
from analysis.params import load_params
from analysis.running.audit import LEDGER_FILE
from analysis.running.runner import RunFailed, run

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
RUNS = ("default", "rossi", "recid")
#: A headline estimate for a group of this many people or more is never suppressed.
HEADLINE_GROUP = 100


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | str]:
    """Each standard run's folder, or the message of the runner that refused it."""
    outputs = tmp_path_factory.mktemp("disclosure_runs")
    done: dict[str, Path | str] = {}
    for name in RUNS:
        params = load_params(ROOT / f"params/{name}.yaml")
        try:
            done[name] = run(params, outputs_dir=outputs, progress_bar=False, jobs=2).path
        except RunFailed as err:
            done[name] = str(err)
    return done


def published(runs: dict[str, Path | str], name: str) -> Path:
    result = runs[name]
    if isinstance(result, str):
        pytest.fail(f"the {name} run was refused:\n{result}")
    return result


@pytest.mark.parametrize("name", RUNS)
def test_no_count_of_1_to_4_is_recoverable(runs: dict[str, Path | str], name: str) -> None:
    path = published(runs, name)
    assert not (path / ".disclosure").exists()
    ledger = json.loads((path / LEDGER_FILE).read_text())
    tables = {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False)
              for p in sorted((path / "tables").glob("*.csv"))}
    assert sorted(ledger["tables"]) == sorted(f"{t}.csv" for t in tables)
    ledgers = {t: TableLedger.from_json(t, ledger["tables"][f"{t}.csv"]) for t in tables}
    audit = audit_tables(tables, ledgers, min_cell=ledger["min_cell"])
    assert [str(f) for f in audit.findings] == []
    assert audit.unchecked == ledger["sums_not_used"] == []


def _leaves(obj: Any, path: tuple[str, ...] = (), holder: dict | None = None
            ) -> Iterator[tuple[tuple[str, ...], Any, dict]]:
    """Every value of a results tree with its path and the mapping that holds it (or its list)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _leaves(v, (*path, k), obj)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _leaves(v, (*path, str(i)), holder)
    else:
        yield path, obj, holder or {}


def _count(text: object) -> float:
    cell = read_cell(text)
    return cell.value if cell.state == "shown" else 0.0


def _group_size(path: Path, key: tuple[str, ...], holder: dict) -> float | None:
    """The people a headline number is about, where a published table or its neighbours say."""
    tables = path / "tables"
    for size in ("denominator", "people", "n"):
        if size in holder:
            return _count(holder[size])
    if "reoffending_all_cohorts" in key:
        t = pd.read_csv(tables / "05_performance_measures__moj_reoffending_by_quarter.csv", dtype=str)
        every = t[t["quarter"] == "All cohorts"]
        row = every[every["cohort_group"] == key[-1]]
        others = every[every["cohort_group"] != key[-1]]
        if (others["reoffenders"] == "<5").any():
            # the whole cohort's rate is published: beside it, this group's rate would give the
            # other group's small count back by subtraction, so it is the one estimate hidden
            # (not a headline the rule keeps)
            return 0.0
        return _count(row["offenders"].iloc[0]) if len(row) else 0.0
    if "rates_by_group_pct" in key:
        t = pd.read_csv(tables / "01_cohort__reoffending_group.csv", dtype=str)
        return _count(t.loc[t["group"] == key[-1], "offenders"].iloc[0])
    if "cumulative_reoffended_pct_at_follow_up" in key:
        t = pd.read_csv(tables / "02_survival__median_time.csv", dtype=str)
        return _count(t.loc[t["group"] == key[-1], "people"].iloc[0])
    return None


@pytest.mark.parametrize("name", RUNS)
def test_headline_numbers_are_shown(runs: dict[str, Path | str], name: str) -> None:
    path = published(runs, name)
    results = json.loads((path / "results.json").read_text())
    hidden = []
    for key, value, holder in _leaves(results):
        if isinstance(value, str) and read_cell(value).state in ("small", "hidden"):
            size = _group_size(path, key, holder)
            if size is None or size >= HEADLINE_GROUP:
                hidden.append(".".join(key))
    km = pd.read_csv(path / "tables/02_survival__km_at_horizons.csv", dtype=str)
    sizes = pd.read_csv(path / "tables/02_survival__median_time.csv", dtype=str)
    large = {g for g, n in zip(sizes["group"], sizes["people"], strict=True)
             if _count(n) >= HEADLINE_GROUP}
    hidden += [f"02_survival__km_at_horizons.csv: survival of {r.group} at {r.time}"
               for r in km.itertuples() if r.group in large and read_cell(r.survival).state != "shown"]
    assert hidden == []


def test_default_run_shows_survival_at_3_6_and_12_months(runs: dict[str, Path | str]) -> None:
    km = pd.read_csv(published(runs, "default") / "tables/02_survival__km_at_horizons.csv",
                     dtype=str)
    shown = km[[read_cell(v).state == "shown" for v in km["survival"]]]
    assert sorted(zip(shown["group"], shown["months"].astype(int), strict=True)) == [
        (g, m) for g in ("IOM", "Not on IOM") for m in (3, 6, 12)]


def test_run_whose_table_leaks_by_arithmetic_is_discarded(tmp_path: Path, root: Path) -> None:
    """A notebook that publishes a table whose small count follows from its total fails the
    run, naming the table and the cell, and nothing is moved into place."""
    small_project(tmp_path, root)
    write_notebook(tmp_path / "notebooks/01_leak.ipynb",
                   "import pandas as pd\nfrom analysis.disclosure import suppress_counts\n"
                   "from analysis.presentation.outputs import RunOutput\n"
                   "out = RunOutput(output_dir, '01_leak')\n"
                   "exact = pd.DataFrame({'area': ['BCP', 'Dorset', 'All areas'], "
                   "'people': [3, 17, 20]})\n"
                   "out.table('areas', suppress_counts(exact, ['people'], None))")
    params = load_params(tmp_path / "params/fast.yaml")
    with pytest.raises(RunFailed) as exc:
        run(params, progress_bar=False)
    assert str(exc.value).splitlines()[1:] == [
        "  01_leak__areas.csv: people, row 1 (area=BCP): a count of 1 to 4 can be worked out "
        "exactly (b: a total minus the shown parts)"]
    assert not (tmp_path / "outputs/fast").exists()
    assert not list((tmp_path / "outputs").glob(".*partial"))
