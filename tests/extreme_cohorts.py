"""Extreme but valid records-form cohorts, derived from the small bundled cohort (params/fast.yaml).

Each case writes a people file, an offences file and a parameter file (absolute paths) into a
folder; ``tests/test_extreme_cohorts.py`` runs them end to end. To look at one by hand::

    .venv/bin/python tests/extreme_cohorts.py /tmp/cases
    .venv/bin/python -m analysis run /tmp/cases/few_treated/params.yaml --outputs /tmp/cases/out
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
FAST = ROOT / "params" / "fast.yaml"
NEEDS = ["need_relationships", "need_thinking_behaviour", "need_lifestyle", "need_attitudes",
         "need_ete", "need_accommodation", "need_drugs", "need_alcohol", "need_finance",
         "need_emotional_wellbeing"]
#: People whose 12-month follow-up and 6-month waiting period ended by the extract date.
MEASURABLE_BY = "2024-03-30"

Frames = tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]


def _untreat(people: pd.DataFrame, rows: pd.Series) -> pd.DataFrame:
    """Take the people of ``rows`` off IOM (flag 0, no start date)."""
    people = people.copy()
    people.loc[rows, "iom"] = "0"
    people.loc[rows, "iom_start_date"] = ""
    return people


def _only(people: pd.DataFrame, offences: pd.DataFrame, keep: pd.Series) -> Frames:
    people = people[keep]
    return people, offences[offences["person_id"].isin(people["person_id"])], {}


def five_people(people: pd.DataFrame, offences: pd.DataFrame) -> Frames:
    """Five measurable people: two on IOM, three not."""
    measurable = people["cohort_start"] <= MEASURABLE_BY
    treated = people.index[measurable & (people["iom"] == "1")][:2]
    others = people.index[measurable & (people["iom"] == "0")][:3]
    return _only(people, offences, people.index.isin(treated.union(others)))


def nobody_reoffends(people: pd.DataFrame, offences: pd.DataFrame) -> Frames:
    """Only offences committed after the 12-month follow-up: no one reoffends within it."""
    starts = offences["person_id"].map(people.set_index("person_id")["cohort_start"])
    late = pd.to_datetime(offences["offence_date"]) > pd.to_datetime(starts) + pd.DateOffset(months=13)
    return people, offences[late], {}


def no_offences(people: pd.DataFrame, offences: pd.DataFrame) -> Frames:
    """An offences file with its header and no rows."""
    return people, offences.iloc[:0], {}


def everybody_reoffends(people: pd.DataFrame, offences: pd.DataFrame) -> Frames:
    """One more offence for everybody, a month after cohort start, proven a month later."""
    start = pd.to_datetime(people["cohort_start"])
    extra = pd.DataFrame({
        "person_id": people["person_id"],
        "offence_date": (start + pd.DateOffset(months=1)).dt.strftime("%Y-%m-%d"),
        "proven_date": (start + pd.DateOffset(months=2)).dt.strftime("%Y-%m-%d"),
        "offence_type": "shoplifting",
        "attempt": "0",
    })
    return people, pd.concat([offences, extra], ignore_index=True), {}


def few_treated(people: pd.DataFrame, offences: pd.DataFrame) -> Frames:
    """Eight people on IOM, far below the Justice Data Lab minimum of 60."""
    treated = people.index[people["iom"] == "1"]
    return _untreat(people, people.index.isin(treated[8:])), offences, {}


def subgroup_without_treated(people: pd.DataFrame, offences: pd.DataFrame) -> Frames:
    """No woman on IOM (sex is a subgroup of the effects notebook and matched exactly)."""
    return _untreat(people, people["sex"] == "female"), offences, {}


def empty_area_and_quarter(people: pd.DataFrame, offences: pd.DataFrame) -> Frames:
    """Nobody starts in July-September 2023, nor in Dorset in October-December 2023; the
    performance report keeps the four most recent quarters."""
    start = people["cohort_start"]
    gap = start.between("2023-07-01", "2023-09-30")
    dorset_gap = start.between("2023-10-01", "2023-12-31") & (people["area"] == "Dorset")
    people, offences, _ = _only(people, offences, ~(gap | dorset_gap))
    return people, offences, {"performance": {"quarters": 4}}


def needs_blank(people: pd.DataFrame, offences: pd.DataFrame) -> Frames:
    """No needs assessed: every need flag blank."""
    people = people.copy()
    people[NEEDS] = ""
    people["needs_assessed"] = "0"
    return people, offences, {}


def measurable_people(people: pd.DataFrame, offences: pd.DataFrame, size: int) -> Frames:
    """``size`` measurable people, the first in the file: up to half of them on IOM (every one
    on IOM measurable, 37, where half is more), the rest not."""
    measurable = people["cohort_start"] <= MEASURABLE_BY
    on_iom = people.index[measurable & (people["iom"] == "1")][:size // 2]
    others = people.index[measurable & (people["iom"] == "0")][:size - len(on_iom)]
    return _only(people, offences, people.index.isin(on_iom.union(others)))


def two_hundred_people(people: pd.DataFrame, offences: pd.DataFrame) -> Frames:
    """A local partnership's cohort of 200 measurable people, 37 of them on IOM: most quarters
    of each measure hold 5 to 15 people."""
    return measurable_people(people, offences, 200)


def hundred_people(people: pd.DataFrame, offences: pd.DataFrame) -> Frames:
    """A partnership's cohort of 100 measurable people, half of them on IOM: most quarters of
    each measure hold fewer than 5 people, and the first-time entrants are a handful."""
    return measurable_people(people, offences, 100)


CASES: dict[str, Callable[[pd.DataFrame, pd.DataFrame], Frames]] = {
    f.__name__: f for f in (five_people, nobody_reoffends, no_offences, everybody_reoffends,
                            few_treated, subgroup_without_treated, empty_area_and_quarter,
                            needs_blank, two_hundred_people, hundred_people)
}


#: Columns of the published tables that count people (or their offences).
COUNT_COLUMNS = {
    "people", "excluded", "assessed", "with_need", "both", "offenders", "reoffenders",
    "reoffences", "offences", "attempts", "costed_reoffences", "uncosted_reoffences",
    "offences_before", "offences_after", "n", "n_0", "count_0", "n_1", "count_1", "n_treated",
    "n_comparison", "treated", "comparison", "treated_lost", "comparison_lost", "at_risk",
    "events", "censored", "not_recorded", "denominator", "numerator", "observed", "released",
    "fte_quarter", "fte_12m", "custody_quarter", "custody_12m", "needs_counted",
}
#: Tables of published reference figures, not of the cohort.
REFERENCE_TABLES = ("04_cost_of_crime__case_stud", "04_cost_of_crime__unit_costs")


def small_counts(tables: Path, min_cell: int = 5) -> list[str]:
    """Cells of the run's tables that show a count from 1 to ``min_cell - 1``: ``file:column``."""
    found = []
    for path in sorted(tables.glob("*.csv")):
        if path.name.startswith(REFERENCE_TABLES):
            continue
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in COUNT_COLUMNS.intersection(table.columns):
            values = pd.to_numeric(table[column], errors="coerce")
            if values.between(1, min_cell - 1).any():
                found.append(f"{path.name}:{column}")
    return found


#: Words that make a key of results.json a count of people (or their offences).
COUNT_WORDS = ("people", "treated", "comparison", "events", "offenders", "reoffences",
               "denominator", "numerator", "assessed")


def small_results(results: Any, min_cell: int = 5, key: str = "") -> list[str]:
    """Keys of ``results.json`` (dotted paths) whose count is from 1 to ``min_cell - 1``."""
    if isinstance(results, dict):
        return [hit for k, v in results.items()
                for hit in small_results(v, min_cell, f"{key}.{k}" if key else str(k))]
    if isinstance(results, list):
        return [hit for i, v in enumerate(results)
                for hit in small_results(v, min_cell, f"{key}[{i}]")]
    last = key.rsplit(".", 1)[-1]
    is_count = isinstance(results, int) and not isinstance(results, bool)
    if is_count and any(w in last for w in COUNT_WORDS) and 0 < results < min_cell:
        return [key]
    return []


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and key in out else value
    return out


def _bundled(path: str) -> Path:
    """A path of the fast parameter file, absolute (relative to its folder, else the project)."""
    beside = (FAST.parent / path).resolve()
    return beside if beside.exists() else ROOT / path


def _absolute(section: dict[str, Any], keys: list[str]) -> None:
    for key in keys:
        if section.get(key) is not None:
            section[key] = str(_bundled(section[key]))


def write_case(name: str, folder: Path, notebooks: list[str] | None = None) -> Path:
    """Write case ``name`` into ``folder`` (created) and return its parameter file.

    Parameters
    ----------
    name : str
        A key of :data:`CASES`.
    folder : Path
        Where the people, offences and parameter files are written.
    notebooks : list of str, optional
        Run only these notebooks (``notebooks`` key of the parameter file).

    Returns
    -------
    Path
        ``folder / "params.yaml"``, whose input paths are absolute.
    """
    params = yaml.safe_load(FAST.read_text(encoding="utf-8"))
    data = params["data"]
    read = {"dtype": str, "keep_default_na": False}
    people = pd.read_csv(_bundled(data["people"]["file"]), **read)
    offences = pd.read_csv(_bundled(data["offences"]["file"]), **read)
    people, offences, extra = CASES[name](people, offences)
    folder.mkdir(parents=True, exist_ok=True)
    people.to_csv(folder / "people.csv", index=False)
    offences.to_csv(folder / "offences.csv", index=False)
    data.pop("metadata", None)
    data["people"]["file"] = str(folder / "people.csv")
    data["offences"]["file"] = str(folder / "offences.csv")
    data["name"] = f"Extreme cohort: {name.replace('_', ' ')}"
    _absolute(params["costs"], ["unit_costs", "deflators", "offence_mapping", "case_studies"])
    _absolute(params["performance"], ["population"])
    params["run_name"] = f"extreme-{name.replace('_', '-')}"
    params["effects"]["bootstrap"] = 20         # the cases test what runs, not precision
    params["costs"]["monte_carlo_draws"] = 1000
    if notebooks:
        params["notebooks"] = notebooks
    params = _merge(params, extra)
    path = folder / "params.yaml"
    path.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    return path


if __name__ == "__main__":
    for case in CASES:
        print(write_case(case, Path(sys.argv[1]) / case))
