"""Reading and checking the cost tables of a run: unit costs, deflators, mapping, case studies.

The unit costs are those of the Home Office report "The economic and social costs of crime",
second edition (Heeks, Reed, Tafsiri and Prince 2018, Research Report 99), in 2015/16 prices,
kept in ``data/costs/unit_costs.csv`` with the provenance of every row (see
``data/costs/README.md``); the GDP deflators are in ``data/costs/gdp_deflators.csv``, the
offence mapping in ``data/reference/offence_mapping.csv`` (with the rows of a user's own mapping
file, :mod:`analysis.costs.mapping_table`) and the Pan-Dorset case studies in
``data/costs/case_studies.csv``. Each reader raises a :class:`analysis.errors.DataError` with
one problem per failed rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.costs.cost_csv import read_cost_csv as _read_csv
from analysis.costs.cost_csv import rows_of as _rows
from analysis.costs.mapping_table import LOCAL, MAPPING_COLUMNS, merge_mappings, read_mapping
from analysis.costs.statuses import COSTED, STATUSES
from analysis.errors import DataError, Problem
from analysis.params import CostParams, RunParams

__all__ = [
    "UNIT_COST_COLUMNS",
    "DEFLATOR_COLUMNS",
    "MAPPING_COLUMNS",
    "CASE_STUDY_COLUMNS",
    "BEFORE",
    "AFTER",
    "SPLIT",
    "CostTables",
    "cost_files",
    "load_cost_tables",
    "financial_year",
    "read_unit_costs",
    "read_deflators",
    "read_mapping",
    "read_case_studies",
]

UNIT_COST_COLUMNS = (
    "category", "label", "victim", "status", "anticipation_gbp", "consequence_gbp",
    "response_gbp", "total_gbp", "price_base", "source", "checked_against_report",
    "checked_against", "note",
)
DEFLATOR_COLUMNS = ("financial_year", "year", "index", "release", "checked_against_release", "note")
CASE_STUDY_COLUMNS = (
    "individual", "period", "offence", "count", "attempt", "published_total_gbp",
    "intervention", "intervention_date", "outcome", "source",
)
BEFORE, AFTER = "before_intervention", "after_intervention"
SPLIT = ("anticipation_gbp", "consequence_gbp", "response_gbp")


@dataclass(frozen=True)
class CostTables:
    """The cost data of a run, read and checked.

    Attributes
    ----------
    unit_costs : DataFrame
        :data:`UNIT_COST_COLUMNS` plus ``base_year`` (int, NaN-free for costed rows as Int64).
    deflators : DataFrame
        :data:`DEFLATOR_COLUMNS`, one row per financial year.
    mapping : DataFrame
        :data:`MAPPING_COLUMNS` plus ``origin`` and ``key`` (the form descriptions are matched
        in): the bundled mapping with the rows of ``costs.offence_mapping_local`` added.
    case_studies : DataFrame
        :data:`CASE_STUDY_COLUMNS`.
    files : dict of str to Path
        The file each table was read from.
    """

    unit_costs: pd.DataFrame
    deflators: pd.DataFrame
    mapping: pd.DataFrame
    case_studies: pd.DataFrame
    files: dict[str, Path] = field(default_factory=dict)


def cost_files(costs: CostParams, root: Path | None) -> dict[str, Path]:
    """Return the cost data files of the parameters, relative paths resolved against ``root``.

    Parameters
    ----------
    costs : CostParams
        The ``costs`` section of the parameters.
    root : Path or None
        The project root (``params.root``); the current directory when None.

    Returns
    -------
    dict of str to Path
        ``unit_costs``, ``deflators``, ``offence_mapping`` and ``case_studies``, and
        ``offence_mapping_local`` when the parameters name one.
    """
    base = Path(root) if root is not None else Path.cwd()
    files = {
        "unit_costs": costs.unit_costs,
        "deflators": costs.deflators,
        "offence_mapping": costs.offence_mapping,
        "case_studies": costs.case_studies,
    }
    if costs.offence_mapping_local is not None:
        files["offence_mapping_local"] = costs.offence_mapping_local
    return {k: (p if Path(p).is_absolute() else base / p) for k, p in files.items()}


def load_cost_tables(params: RunParams) -> CostTables:
    """Read and check the unit costs, deflators, offence mapping and case studies of a run.

    Parameters
    ----------
    params : RunParams
        Checked parameters; paths in ``params.costs`` are resolved against ``params.root``.

    Returns
    -------
    CostTables

    Raises
    ------
    DataError
        If a file is missing or breaks one of its rules (one line per rule and file).
    """
    files = cost_files(params.costs, params.root)
    unit_costs = read_unit_costs(files["unit_costs"])
    mapping = read_mapping(files["offence_mapping"], unit_costs["category"])
    if "offence_mapping_local" in files:
        mapping = merge_mappings(mapping, read_mapping(files["offence_mapping_local"],
                                                       unit_costs["category"], LOCAL))
    return CostTables(
        unit_costs=unit_costs,
        deflators=read_deflators(files["deflators"]),
        mapping=mapping,
        case_studies=read_case_studies(files["case_studies"]),
        files=files,
    )


def _flag(values: pd.Series, name: str, path: Path, problems: list[Problem]) -> pd.Series:
    text = values.fillna("").str.lower()
    ok = text.isin(["true", "false", "1", "0"])
    if not ok.all():
        problems.append(Problem(path.name, name, "must be true or false", _rows(~ok)))
    return text.isin(["true", "1"])


def _number(values: pd.Series, name: str, path: Path, problems: list[Problem]) -> pd.Series:
    num = pd.to_numeric(values, errors="coerce")
    bad = values.notna() & num.isna()
    if bad.any():
        problems.append(Problem(path.name, name, "must be a number", _rows(bad)))
    return num


def financial_year(text: str | float) -> int | None:
    """Return the starting calendar year of a financial year written ``2015/16`` or ``2015-16``.

    Parameters
    ----------
    text : str
        The financial year.

    Returns
    -------
    int or None
        The year it starts in (2015), or None when ``text`` is missing or not of that form.
    """
    if not isinstance(text, str):
        return None
    m = re.fullmatch(r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})", text.strip())
    if not m:
        return None
    start, end = int(m.group(1)), int(m.group(2))
    if end % 100 != (start + 1) % 100:
        return None
    return start


def read_unit_costs(path: Path) -> pd.DataFrame:
    """Read and check the unit-cost table.

    Rules: categories unique; ``status`` one of :data:`STATUSES`; a ``costed`` row has a
    positive ``total_gbp`` and a ``price_base`` financial year; other rows have no total (never
    a zero); where anticipation, consequence and response are all given they add up to the total
    (to within £1); ``checked_against_report`` is true or false.

    Parameters
    ----------
    path : Path
        ``unit_costs.csv``.

    Returns
    -------
    DataFrame
        The table with numeric cost columns, boolean ``checked_against_report`` and
        ``base_year`` (Int64, the financial year the prices are in).

    Raises
    ------
    DataError
        One problem per failed rule.
    """
    path = Path(path)
    frame = _read_csv(path, UNIT_COST_COLUMNS)
    problems: list[Problem] = []
    if frame["category"].isna().any():
        problems.append(Problem(path.name, "category", "must not be empty", _rows(frame["category"].isna())))
    dup = frame["category"].duplicated(keep=False) & frame["category"].notna()
    if dup.any():
        problems.append(Problem(path.name, "category", "must be unique", _rows(dup)))
    bad_status = ~frame["status"].isin(STATUSES)
    if bad_status.any():
        problems.append(Problem(path.name, "status", f"must be one of {', '.join(STATUSES)}",
                                _rows(bad_status)))
    for col in (*SPLIT, "total_gbp"):
        frame[col] = _number(frame[col], col, path, problems)
    frame["checked_against_report"] = _flag(frame["checked_against_report"],
                                            "checked_against_report", path, problems)
    costed = frame["status"] == COSTED
    bad_total = costed & ~(frame["total_gbp"] > 0)
    if bad_total.any():
        problems.append(Problem(path.name, "total_gbp", "a costed category needs a positive total",
                                _rows(bad_total)))
    given = ~costed & frame["total_gbp"].notna()
    if given.any():
        problems.append(Problem(path.name, "total_gbp",
                                "leave the total empty unless status is costed (never enter 0)",
                                _rows(given)))
    base = frame["price_base"].map(financial_year)
    bad_base = costed & base.isna()
    if bad_base.any():
        problems.append(Problem(path.name, "price_base",
                                "a costed category needs a financial year such as 2015/16",
                                _rows(bad_base)))
    split = frame[list(SPLIT)]
    full = split.notna().all(axis=1) & frame["total_gbp"].notna()
    off = full & ((split.sum(axis=1) - frame["total_gbp"]).abs() > 1)
    if off.any():
        problems.append(Problem(path.name, "total_gbp",
                                "anticipation + consequence + response must equal the total",
                                _rows(off)))
    if problems:
        raise DataError(problems)
    frame["base_year"] = pd.array(base.where(costed), dtype="Int64")
    return frame.reset_index(drop=True)


def read_deflators(path: Path) -> pd.DataFrame:
    """Read and check the GDP deflator table (one row per financial year, positive index).

    Parameters
    ----------
    path : Path
        ``gdp_deflators.csv``.

    Returns
    -------
    DataFrame
        ``financial_year``, ``year`` (int), ``index`` (float), ``release``,
        ``checked_against_release`` (bool) and ``note``, sorted by year.

    Raises
    ------
    DataError
        One problem per failed rule.
    """
    path = Path(path)
    frame = _read_csv(path, DEFLATOR_COLUMNS)
    problems: list[Problem] = []
    year = _number(frame["year"], "year", path, problems)
    index = _number(frame["index"], "index", path, problems)
    if (year.isna() | (year % 1 != 0)).any():
        problems.append(Problem(path.name, "year", "must be a whole year", _rows(year.isna() | (year % 1 != 0))))
    if year.duplicated().any():
        problems.append(Problem(path.name, "year", "must be unique", _rows(year.duplicated(keep=False))))
    if not (index > 0).all():
        problems.append(Problem(path.name, "index", "must be positive", _rows(~(index > 0))))
    if frame["release"].isna().any():
        problems.append(Problem(path.name, "release", "name the release of every value",
                                _rows(frame["release"].isna())))
    starts = frame["financial_year"].map(financial_year)
    mismatch = starts.isna() | (starts != year)
    if mismatch.any():
        problems.append(Problem(path.name, "financial_year",
                                "must be the financial year starting in 'year' (e.g. 2015-16)",
                                _rows(mismatch)))
    checked = _flag(frame["checked_against_release"], "checked_against_release", path, problems)
    if problems:
        raise DataError(problems)
    out = frame.assign(year=year.astype(int), index=index.astype(float),
                       checked_against_release=checked)
    return out.sort_values("year", kind="stable").reset_index(drop=True)


def read_case_studies(path: Path) -> pd.DataFrame:
    """Read and check the case-study table (offence lists, published totals and outcomes).

    Parameters
    ----------
    path : Path
        ``case_studies.csv``.

    Returns
    -------
    DataFrame
        :data:`CASE_STUDY_COLUMNS` with ``count`` (int), ``attempt`` (bool) and
        ``published_total_gbp`` (float).

    Raises
    ------
    DataError
        One problem per failed rule.
    """
    path = Path(path)
    frame = _read_csv(path, CASE_STUDY_COLUMNS)
    problems: list[Problem] = []
    bad_period = ~frame["period"].isin([BEFORE, AFTER])
    if bad_period.any():
        problems.append(Problem(path.name, "period", f"must be {BEFORE} or {AFTER}", _rows(bad_period)))
    count = _number(frame["count"], "count", path, problems)
    if (count.isna() | (count < 0) | (count % 1 != 0)).any():
        problems.append(Problem(path.name, "count", "must be a whole number >= 0",
                                _rows(count.isna() | (count < 0) | (count % 1 != 0))))
    total = _number(frame["published_total_gbp"], "published_total_gbp", path, problems)
    before = frame["period"] == BEFORE
    if (before & total.isna()).any():
        problems.append(Problem(path.name, "published_total_gbp",
                                "give the published total on every row before the intervention",
                                _rows(before & total.isna())))
    one_total = total[before].groupby(frame.loc[before, "individual"]).nunique()
    if (one_total > 1).any():
        problems.append(Problem(path.name, "published_total_gbp",
                                "must be the same on every row of an individual",
                                _rows(before & frame["individual"].isin(one_total[one_total > 1].index))))
    if problems:
        raise DataError(problems)
    return frame.assign(count=count.astype(int), attempt=frame["attempt"].fillna("0") == "1",
                        published_total_gbp=total).reset_index(drop=True)
