"""Unit costs of crime, price uprating, offence mapping and the costing of offences.

The unit costs are those of the Home Office report "The economic and social costs of crime",
second edition (Heeks, Reed, Tafsiri and Prince 2018, Research Report 99), in 2015/16 prices,
kept in ``data/costs/unit_costs.csv`` with the provenance of every row (see
``data/costs/README.md``). Nothing is ever costed at zero by default:

* a local offence description that is not in the mapping table is **unmapped**;
* a category with no unit cost in the report (handling stolen goods, going equipped, public
  order, breach of an order, drug offences; fraud, whose costs come from a separate source) has
  status ``no_published_unit_cost``;
* a category the report costs but whose figure could not be verified from a stored copy has
  status ``not_transcribed``;

and every such offence is counted and listed by :func:`uncosted_offences` beside the costs.

Prices are uprated with an HM Treasury GDP deflator table (``data/costs/gdp_deflators.csv``):
``cost(price year) = cost(base year) * index(price year) / index(base year)``, where a "year"
is the financial year starting in it (2015 = 2015-16).

Attempts (a ``1`` in the offences' ``attempt`` column, or a mapping row that marks the local
description itself as an attempt, e.g. "attempted dwelling burglary") are costed at
``attempt_fraction`` of the full unit cost (parameter ``costs.attempt_fraction``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.disclosure import suppress_counts
from analysis.errors import DataError, Problem
from analysis.measures.reoffending import counted_reoffences
from analysis.params import COST_OUTCOME, CostParams, RunParams

__all__ = [
    "COSTED",
    "NO_UNIT_COST",
    "NOT_TRANSCRIBED",
    "UNMAPPED",
    "CostTables",
    "cost_files",
    "load_cost_tables",
    "read_unit_costs",
    "read_deflators",
    "read_mapping",
    "read_case_studies",
    "financial_year",
    "uprating_factor",
    "unit_costs_at",
    "provenance_summary",
    "provenance_text",
    "base_price_year",
    "price_label",
    "normalise_description",
    "cost_offences",
    "uncosted_offences",
    "mapping_used",
    "cost_case_studies",
    "case_study_outcomes",
    "case_study_evidence",
    "reoffence_costs",
    "reoffence_cost_outcome",
    "person_costs",
    "group_costs",
    "change_in_offending",
    "average_unit_cost",
    "published_mapping",
    "published_uncosted",
    "published_costs",
    "published_change",
]

COSTED = "costed"
NO_UNIT_COST = "no_published_unit_cost"
NOT_TRANSCRIBED = "not_transcribed"
UNMAPPED = "unmapped"
STATUSES = (COSTED, NO_UNIT_COST, NOT_TRANSCRIBED)

#: Why an offence is not costed, by status, for the tables a run publishes.
REASONS = {
    UNMAPPED: "offence description not in the mapping table",
    NO_UNIT_COST: "no published unit cost",
    NOT_TRANSCRIBED: "unit cost published but not bundled (not verified)",
}

UNIT_COST_COLUMNS = (
    "category", "label", "victim", "status", "anticipation_gbp", "consequence_gbp",
    "response_gbp", "total_gbp", "price_base", "source", "checked_against_report",
    "checked_against", "note",
)
DEFLATOR_COLUMNS = ("financial_year", "year", "index", "release", "checked_against_release", "note")
MAPPING_COLUMNS = ("local_description", "category", "attempt", "note")
CASE_STUDY_COLUMNS = (
    "individual", "period", "offence", "count", "attempt", "published_total_gbp",
    "intervention", "intervention_date", "outcome", "source",
)
BEFORE, AFTER = "before_intervention", "after_intervention"
SPLIT = ("anticipation_gbp", "consequence_gbp", "response_gbp")


# --------------------------------------------------------------------------------------------
# Reading the cost tables
# --------------------------------------------------------------------------------------------


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
        :data:`MAPPING_COLUMNS` plus ``key`` (the normalised description).
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
        ``unit_costs``, ``deflators``, ``offence_mapping`` and ``case_studies``.
    """
    base = Path(root) if root is not None else Path.cwd()
    files = {
        "unit_costs": costs.unit_costs,
        "deflators": costs.deflators,
        "offence_mapping": costs.offence_mapping,
        "case_studies": costs.case_studies,
    }
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
    return CostTables(
        unit_costs=unit_costs,
        deflators=read_deflators(files["deflators"]),
        mapping=read_mapping(files["offence_mapping"], unit_costs["category"]),
        case_studies=read_case_studies(files["case_studies"]),
        files=files,
    )


def _read_csv(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise DataError([Problem(str(path), None, "file not found")])
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError([Problem(path.name, None, f"missing column(s): {', '.join(missing)}")])
    frame = frame.apply(lambda s: s.str.strip())
    return frame.where(frame != "", np.nan)


def _rows(mask: pd.Series) -> tuple[int, ...]:
    return tuple(int(i) + 1 for i in np.flatnonzero(mask.to_numpy()))


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


def normalise_description(text: object) -> str:
    """Return an offence description in the form used to match the mapping table.

    Lower case, surrounding spaces removed and runs of spaces collapsed:
    ``"  Dwelling  Burglary "`` becomes ``"dwelling burglary"``.

    Parameters
    ----------
    text : object
        The description (non-strings are converted with ``str``; missing values give ``""``).

    Returns
    -------
    str
    """
    if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA:
        return ""
    return " ".join(str(text).lower().split())


def read_mapping(path: Path, categories: pd.Series | list[str]) -> pd.DataFrame:
    """Read and check the offence mapping table.

    Rules: each local description appears once (after :func:`normalise_description`), its
    category is a category of the unit-cost table and ``attempt`` is 0 or 1.

    Parameters
    ----------
    path : Path
        ``offence_mapping.csv``.
    categories : sequence of str
        The categories of the unit-cost table.

    Returns
    -------
    DataFrame
        :data:`MAPPING_COLUMNS` with ``attempt`` as bool and ``key`` (normalised description).

    Raises
    ------
    DataError
        One problem per failed rule.
    """
    path = Path(path)
    frame = _read_csv(path, MAPPING_COLUMNS)
    problems: list[Problem] = []
    key = frame["local_description"].map(normalise_description)
    if (key == "").any():
        problems.append(Problem(path.name, "local_description", "must not be empty", _rows(key == "")))
    dup = key.duplicated(keep=False) & (key != "")
    if dup.any():
        problems.append(Problem(path.name, "local_description",
                                "must be unique (ignoring case and spaces)", _rows(dup)))
    unknown = ~frame["category"].isin(list(categories))
    if unknown.any():
        problems.append(Problem(path.name, "category", "must be a category of the unit-cost table",
                                _rows(unknown)))
    attempt = frame["attempt"].fillna("0")
    bad = ~attempt.isin(["0", "1"])
    if bad.any():
        problems.append(Problem(path.name, "attempt", "must be 0 or 1", _rows(bad)))
    if problems:
        raise DataError(problems)
    return frame.assign(attempt=attempt == "1", key=key).reset_index(drop=True)


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


# --------------------------------------------------------------------------------------------
# Uprating and the unit costs at a price year
# --------------------------------------------------------------------------------------------


def uprating_factor(deflators: pd.DataFrame, from_year: int, to_year: int) -> float:
    """Return the factor that converts prices of one financial year into those of another.

    ``index(to_year) / index(from_year)`` of the GDP deflator table.

    Parameters
    ----------
    deflators : DataFrame
        From :func:`read_deflators`.
    from_year, to_year : int
        Financial years by the calendar year they start in (2015 = 2015-16).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If either year is not in the table (the message lists the years it has).
    """
    index = deflators.set_index("year")["index"]
    for y in (from_year, to_year):
        if int(y) not in index.index:
            years = f"{index.index.min()}-{index.index.max()}"
            raise ValueError(f"no GDP deflator for the financial year starting in {y}; the table "
                             f"covers {years}: extend data/costs/gdp_deflators.csv or choose "
                             "another costs.price_year")
    return float(index[int(to_year)] / index[int(from_year)])


def unit_costs_at(tables: CostTables, price_year: int) -> pd.DataFrame:
    """Return the unit costs uprated to a price year, with their provenance.

    Parameters
    ----------
    tables : CostTables
        The run's cost tables.
    price_year : int
        Financial year of the prices wanted (2023 = 2023-24).

    Returns
    -------
    DataFrame
        ``category``, ``label``, ``victim``, ``status``, ``price_base``, ``total_gbp`` (base
        prices), ``uprating_factor``, ``cost_gbp`` (at ``price_year``; NaN unless costed),
        ``anticipation_gbp``, ``consequence_gbp``, ``response_gbp`` (uprated, where published
        and transcribed), ``checked_against_report``, ``checked_against``,
        ``deflators_checked`` (both deflator values checked against their release) and
        ``source``.
    """
    uc = tables.unit_costs
    checked = tables.deflators.set_index("year")["checked_against_release"]
    factors, dchecked = [], []
    for status, base in zip(uc["status"], uc["base_year"], strict=True):
        if status == COSTED:
            factors.append(uprating_factor(tables.deflators, int(base), price_year))
            dchecked.append(bool(checked.get(int(base), False) and checked.get(price_year, False)))
        else:
            factors.append(np.nan)
            dchecked.append(None)
    factor = pd.Series(factors, index=uc.index, dtype=float)
    out = uc[["category", "label", "victim", "status", "price_base", "total_gbp"]].copy()
    out["uprating_factor"] = factor
    out["cost_gbp"] = uc["total_gbp"] * factor
    for col in SPLIT:
        out[col] = uc[col] * factor
    out["checked_against_report"] = uc["checked_against_report"]
    out["checked_against"] = uc["checked_against"]
    out["deflators_checked"] = dchecked
    out["source"] = uc["source"]
    return out


def provenance_summary(tables: CostTables, price_year: int) -> dict[str, object]:
    """Count how many unit costs and deflator values were checked, and against what.

    Parameters
    ----------
    tables : CostTables
        The run's cost tables.
    price_year : int
        The run's price year.

    Returns
    -------
    dict
        ``categories``, ``costed``, ``checked_against_report``, ``checked_secondary`` (costed
        values matched only in a secondary source), ``unverified`` (costed values matched in no
        stored source), ``without_unit_cost`` (no published unit cost or not transcribed),
        ``deflator_release``, ``deflators_checked`` and ``deflators``.
    """
    uc = tables.unit_costs
    costed = uc["status"] == COSTED
    secondary = costed & ~uc["checked_against_report"] & uc["checked_against"].fillna("none").ne("none")
    unverified = costed & ~uc["checked_against_report"] & uc["checked_against"].fillna("none").eq("none")
    d = tables.deflators
    return {
        "categories": len(uc),
        "costed": int(costed.sum()),
        "checked_against_report": int((costed & uc["checked_against_report"]).sum()),
        "checked_secondary": int(secondary.sum()),
        "unverified": int(unverified.sum()),
        "unverified_categories": uc.loc[unverified, "category"].tolist(),
        "without_unit_cost": int((~costed).sum()),
        "deflator_release": "; ".join(sorted(d["release"].unique())),
        "deflators": len(d),
        "deflators_checked": int(d["checked_against_release"].sum()),
        "price_year": int(price_year),
    }


def provenance_text(summary: dict[str, object]) -> str:
    """State in words how far the unit costs and deflators could be checked.

    Parameters
    ----------
    summary : dict
        :func:`provenance_summary`.

    Returns
    -------
    str
    """
    s = summary
    text = (f"{s['costed']} of the {s['categories']} categories have a unit cost; "
            f"{s['without_unit_cost']} have none and their offences are counted, not costed. "
            f"Of the unit costs, {s['checked_against_report']} were checked against the report "
            f"itself, {s['checked_secondary']} match a secondary source quoting it and "
            f"{s['unverified']} are unverified")
    if s["unverified"]:
        text += " (" + ", ".join(str(c).replace("_", " ") for c in s["unverified_categories"]) + ")"
    text += (f". Deflators: {s['deflators_checked']} of {s['deflators']} values checked against "
             f"the release named ({s['deflator_release']}).")
    if s["checked_against_report"] < s["costed"] or s["deflators_checked"] < s["deflators"]:
        text += (" **Values not checked against their source are provisional: check them "
                 "(data/costs/README.md) before quoting a cost.**")
    return text


def base_price_year(tables: CostTables) -> int:
    """Return the price year of the costed unit costs (the earliest, if they differ).

    Parameters
    ----------
    tables : CostTables
        The run's cost tables.

    Returns
    -------
    int
    """
    years = tables.unit_costs["base_year"].dropna()
    return int(years.min())


def price_label(year: int) -> str:
    """Return ``"2023-24"`` for 2023 (the financial year starting in ``year``)."""
    return f"{year}-{(year + 1) % 100:02d}"


# --------------------------------------------------------------------------------------------
# Mapping and costing offences
# --------------------------------------------------------------------------------------------


def cost_offences(
    offences: pd.DataFrame,
    costs_at: pd.DataFrame,
    mapping: pd.DataFrame,
    attempt_fraction: float = 1.0,
    type_column: str = "offence_type",
    attempt_column: str | None = "attempt",
    weight_column: str | None = None,
) -> pd.DataFrame:
    """Map offences to unit-cost categories and cost them; uncosted ones get no cost.

    Parameters
    ----------
    offences : DataFrame
        One row per offence (or per group of identical offences, see ``weight_column``).
    costs_at : DataFrame
        Unit costs at the price year (:func:`unit_costs_at`).
    mapping : DataFrame
        The mapping table (:func:`read_mapping`).
    attempt_fraction : float
        Share of the full unit cost given to an attempt.
    type_column : str
        Column of ``offences`` with the local offence description.
    attempt_column : str or None
        Column with a 0/1 attempt flag (missing values are not attempts); ignored if absent.
    weight_column : str or None
        Column with the number of offences a row stands for (default 1 each).

    Returns
    -------
    DataFrame
        ``offences`` with ``category`` (NaN if unmapped), ``is_attempt``, ``cost_status``
        (``costed``, ``unmapped``, ``no_published_unit_cost`` or ``not_transcribed``),
        ``unit_cost_gbp`` (full cost of one offence of the category at the price year) and
        ``cost_gbp`` (cost of the row: unit cost x attempt share x weight; NaN unless costed).
    """
    out = offences.copy()
    keys = out[type_column].map(normalise_description)
    m = mapping.set_index("key")
    out["category"] = keys.map(m["category"])
    mapped_attempt = keys.map(m["attempt"]).eq(True)
    flag = pd.Series(False, index=out.index)
    if attempt_column is not None and attempt_column in out.columns:
        flag = pd.to_numeric(out[attempt_column], errors="coerce").fillna(0).astype(float) == 1
    out["is_attempt"] = (mapped_attempt | flag).to_numpy()
    c = costs_at.set_index("category")
    status = out["category"].map(c["status"])
    out["cost_status"] = status.where(out["category"].notna(), UNMAPPED)
    unit = out["category"].map(c["cost_gbp"]).where(out["cost_status"] == COSTED)
    out["unit_cost_gbp"] = unit.astype(float)
    share = np.where(out["is_attempt"], attempt_fraction, 1.0)
    weight = out[weight_column].astype(float) if weight_column else 1.0
    out["cost_gbp"] = out["unit_cost_gbp"] * share * weight
    return out


def uncosted_offences(costed: pd.DataFrame, type_column: str = "offence_type",
                      weight_column: str | None = None) -> pd.DataFrame:
    """Count and list the offences that could not be costed, and why.

    Parameters
    ----------
    costed : DataFrame
        Output of :func:`cost_offences`.
    type_column : str
        Column with the local offence description.
    weight_column : str or None
        Column with the number of offences a row stands for.

    Returns
    -------
    DataFrame
        ``offence_type``, ``category`` (empty if unmapped), ``cost_status``, ``reason`` and
        ``offences``, most frequent first; empty (with these columns) when all were costed.
    """
    cols = ["offence_type", "category", "cost_status", "reason", "offences"]
    rows = costed[costed["cost_status"] != COSTED]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    weight = rows[weight_column] if weight_column else pd.Series(1, index=rows.index)
    table = (rows.assign(_w=weight.to_numpy(), _t=rows[type_column].map(normalise_description))
             .groupby(["_t", "cost_status"], dropna=False, sort=True)
             .agg(category=("category", "first"), offences=("_w", "sum")).reset_index()
             .rename(columns={"_t": "offence_type"}))
    table["reason"] = table["cost_status"].map(REASONS)
    table["offences"] = table["offences"].astype(int)
    table["category"] = table["category"].fillna("")
    return (table.sort_values(["offences", "offence_type"], ascending=[False, True], kind="stable")
            [cols].reset_index(drop=True))


def mapping_used(costed: pd.DataFrame, type_column: str = "offence_type",
                 weight_column: str | None = None) -> pd.DataFrame:
    """Summarise how each offence description of the data was mapped and costed.

    Parameters
    ----------
    costed : DataFrame
        Output of :func:`cost_offences`.
    type_column : str
        Column with the local offence description.
    weight_column : str or None
        Column with the number of offences a row stands for.

    Returns
    -------
    DataFrame
        ``offence_type``, ``category``, ``cost_status``, ``offences``, ``attempts``,
        ``unit_cost_gbp`` and ``cost_gbp`` (total; NaN when not costed), by description.
    """
    weight = costed[weight_column] if weight_column else pd.Series(1, index=costed.index)
    frame = costed.assign(_w=weight.to_numpy(), _a=costed["is_attempt"] * weight.to_numpy(),
                          _t=costed[type_column].map(normalise_description))
    table = frame.groupby("_t", sort=True).agg(
        category=("category", "first"), cost_status=("cost_status", "first"),
        offences=("_w", "sum"), attempts=("_a", "sum"), unit_cost_gbp=("unit_cost_gbp", "first"),
        cost_gbp=("cost_gbp", lambda s: s.sum(min_count=1)),
    ).reset_index().rename(columns={"_t": "offence_type"})
    table["category"] = table["category"].fillna("")
    return table.astype({"offences": int, "attempts": int})


# --------------------------------------------------------------------------------------------
# The Pan-Dorset case studies
# --------------------------------------------------------------------------------------------


def cost_case_studies(tables: CostTables, price_year: int, attempt_fraction: float = 1.0) -> pd.DataFrame:
    """Cost each case-study individual's offences with the project's table, beside the published total.

    Parameters
    ----------
    tables : CostTables
        The run's cost tables.
    price_year : int
        Financial year of the prices.
    attempt_fraction : float
        Share of the full unit cost given to an attempt.

    Returns
    -------
    DataFrame
        One row per individual: ``individual``, ``price_year``, ``offences``,
        ``costed_offences``, ``uncosted_offences``, ``not_costed`` (what was not costed and
        why), ``costed_gbp`` (this table, at ``price_year``), ``published_total_gbp``,
        ``difference_gbp`` (costed minus published), ``difference_pct`` and ``explanation``.
    """
    cs = tables.case_studies
    before = cs[(cs["period"] == BEFORE) & (cs["count"] > 0)]
    costed = cost_offences(before, unit_costs_at(tables, price_year), tables.mapping,
                           attempt_fraction, type_column="offence", attempt_column=None,
                           weight_column="count")
    # An explicit attempt flag on a case-study row also marks an attempt.
    costed["is_attempt"] = costed["is_attempt"] | before["attempt"].to_numpy()
    share = np.where(costed["is_attempt"], attempt_fraction, 1.0)
    costed["cost_gbp"] = costed["unit_cost_gbp"] * share * costed["count"]
    rows = []
    for who, g in costed.groupby("individual", sort=True):
        ok = g["cost_status"] == COSTED
        missing = g[~ok]
        not_costed = "; ".join(
            f"{r.count} {r.offence} ({REASONS[r.cost_status]})" for r in missing.itertuples())
        published = float(g["published_total_gbp"].iloc[0])
        value = float(g.loc[ok, "cost_gbp"].sum())
        attempts = int(g.loc[g["is_attempt"], "count"].sum())
        rows.append({
            "individual": who,
            "price_year": price_label(price_year),
            "offences": int(g["count"].sum()),
            "costed_offences": int(g.loc[ok, "count"].sum()),
            "uncosted_offences": int(missing["count"].sum()),
            "attempts": attempts,
            "not_costed": not_costed,
            "costed_gbp": value,
            "published_total_gbp": published,
            "difference_gbp": value - published,
            "difference_pct": 100 * (value - published) / published,
            "explanation": _case_explanation(value, published, missing, attempts, attempt_fraction),
        })
    return pd.DataFrame(rows)


def _case_explanation(value: float, published: float, missing: pd.DataFrame, attempts: int,
                      attempt_fraction: float) -> str:
    """Say why the project's cost differs from the published total of one individual."""
    parts = []
    if value > published:
        parts.append("the offences this table can cost already come to more than the published "
                     "total, so the published figure rests on lower unit costs than the "
                     "2018 Home Office table; no value of the uncosted offences can close the gap")
    elif not missing.empty:
        parts.append("the published total includes costs for offences this table cannot cost "
                     "(" + ", ".join(sorted(set(missing["offence"]))) + "), whose source the "
                     "strategy does not give")
    else:
        parts.append("the published total rests on unit costs or a price year the strategy does "
                     "not state")
    if attempts:
        parts.append(f"{attempts} attempt(s) costed at {attempt_fraction:.0%} of the full cost "
                     "(costs.attempt_fraction)")
    return "; ".join(parts) + "."


def case_study_outcomes(tables: CostTables) -> pd.DataFrame:
    """Return each individual's intervention, its date and the post-intervention outcome as published.

    Parameters
    ----------
    tables : CostTables
        The run's cost tables.

    Returns
    -------
    DataFrame
        ``individual``, ``intervention``, ``intervention_date``, ``offences_after`` (count
        published after the intervention), ``post_intervention_outcome`` (the document's words).
    """
    cs = tables.case_studies
    rows = []
    for who, g in cs.groupby("individual", sort=True):
        after = g[g["period"] == AFTER]
        rows.append({
            "individual": who,
            "intervention": g["intervention"].dropna().iloc[0] if g["intervention"].notna().any() else "",
            "intervention_date": (g["intervention_date"].dropna().iloc[0]
                                  if g["intervention_date"].notna().any() else "not stated"),
            "offences_after": int(after["count"].sum()),
            "post_intervention_outcome": " ".join(after["outcome"].dropna()) or "not stated",
        })
    return pd.DataFrame(rows)


def case_study_evidence(tables: CostTables, price_year: int,
                        category: str = "domestic_burglary") -> pd.DataFrame:
    """Test whether any single unit-cost table can reproduce all the published totals.

    Four checks on the offences of one category shared by the individuals (domestic burglary),
    each with the number behind it:

    1. **This table's cost of that category alone**, for each individual, at the table's base
       prices and at ``price_year``, with attempts costed at zero: a lower bound on what the
       project's table gives whatever the other offences cost; above the published total means
       the table cannot reproduce it.
    2. **Implied cost of one offence**: the published total divided by the number of offences
       of the category (full and attempted), as if every other offence were costed at zero.
    3. **Bounds any single table must meet**: an individual whose other offences cost at least
       zero bounds the unit cost from above by ``total / full offences``; an individual whose
       only other offences have no published unit cost bounds it from below by
       ``(total - c) / (full + attempted)`` for attempts costing at most a full offence, where
       ``c`` is what those other offences were given (zero if they were not costed). The
       bounds conflict when the largest lower bound exceeds the smallest upper bound; the
       value of ``c`` that would remove the conflict is reported.
    4. **What is left for the other offences** under the smallest upper bound.

    Parameters
    ----------
    tables : CostTables
        The run's cost tables.
    price_year : int
        The run's price year.
    category : str
        The shared category (default domestic burglary).

    Returns
    -------
    DataFrame
        ``check``, ``individual``, ``value_gbp``, ``conflict`` (True where the check shows that
        a total cannot be reproduced) and ``finding`` (one sentence each).
    """
    cs = tables.case_studies
    before = cs[(cs["period"] == BEFORE) & (cs["count"] > 0)].copy()
    keys = before["offence"].map(normalise_description)
    m = tables.mapping.set_index("key")
    before["category"] = keys.map(m["category"])
    before["is_attempt"] = keys.map(m["attempt"]).eq(True) | before["attempt"]
    uc = tables.unit_costs.set_index("category")
    status = before["category"].map(uc["status"]).fillna(UNMAPPED)
    at = unit_costs_at(tables, price_year).set_index("category")
    label = uc.loc[category, "label"].lower() if category in uc.index else category
    base_cost = uc.loc[category, "total_gbp"] if category in uc.index else np.nan
    base_name = uc.loc[category, "price_base"] if category in uc.index else ""
    now_cost = at.loc[category, "cost_gbp"] if category in at.index else np.nan
    py = price_label(price_year)
    rows: list[dict[str, object]] = []
    lowers, uppers = {}, {}
    for who, g in before.groupby("individual", sort=True):
        total = float(g["published_total_gbp"].iloc[0])
        is_cat = g["category"] == category
        full = int(g.loc[is_cat & ~g["is_attempt"], "count"].sum())
        att = int(g.loc[is_cat & g["is_attempt"], "count"].sum())
        others = g[~is_cat]
        if full + att == 0:
            continue
        if pd.notna(base_cost):
            floor = full * base_cost
            verdict = ("exceeds" if floor > total else "is below")
            rows.append({
                "check": f"1. this table's {label} cost alone",
                "individual": who, "value_gbp": floor, "conflict": bool(floor > total),
                "finding": (f"{full} {label} offence(s) at £{base_cost:,.0f} ({base_name} prices) "
                            f"= £{floor:,.0f}, which {verdict} the published £{total:,.0f}"
                            + (f"; at {py} prices £{full * now_cost:,.0f}" if pd.notna(now_cost) else "")
                            + (f"; {att} attempt(s) counted at zero" if att else "")),
            })
        implied = total / (full + att)
        exact = full + att > 1 and abs(implied - round(implied)) < 1e-9
        rows.append({
            "check": f"2. implied cost of one {label}",
            "individual": who, "value_gbp": implied, "conflict": False,
            "finding": (f"£{total:,.0f} / {full + att} {label} offence(s)"
                        + (f" (including {att} attempt(s))" if att else "")
                        + f" = £{implied:,.2f}"
                        + (" exactly: consistent with every other offence costed at zero"
                           + (" and attempts at the full cost" if att else "") if exact else "")),
        })
        uppers[who] = total / full if full else np.inf
        others_uncostable = others.empty or bool(
            status[others.index].isin([NO_UNIT_COST, NOT_TRANSCRIBED, UNMAPPED]).all())
        if others_uncostable:
            lowers[who] = (total, full + att, ", ".join(sorted(set(others["offence"]))) or "none")
    if uppers and lowers:
        u_who = min(uppers, key=uppers.get)
        u = uppers[u_who]
        l_who = max(lowers, key=lambda w: lowers[w][0] / lowers[w][1])
        l_total, l_n, l_other = lowers[l_who]
        lo = l_total / l_n
        if lo > u:
            needed = l_total - l_n * u
            finding = (f"{l_who} needs one {label} to cost at least £{lo:,.2f} (attempts at most "
                       f"a full offence, {l_other} at £0) but {u_who} allows at most £{u:,.2f} "
                       f"(other offences at £0 or more): no single table reproduces both unless "
                       f"{l_other} was given at least £{needed:,.0f}")
        else:
            needed = 0.0
            finding = (f"a single {label} cost between £{lo:,.2f} and £{u:,.2f} is consistent "
                       "with these totals")
        rows.append({"check": "3. bounds a single table must meet", "individual": f"{l_who}, {u_who}",
                     "value_gbp": needed, "conflict": bool(lo > u), "finding": finding})
        for who, g in before.groupby("individual", sort=True):
            is_cat = g["category"] == category
            n_cat = int(g.loc[is_cat, "count"].sum())
            if n_cat == 0 or who == u_who or np.isinf(u):
                continue
            total = float(g["published_total_gbp"].iloc[0])
            left = total - n_cat * u
            others = g[~is_cat]
            rows.append({
                "check": "4. left for the other offences at the largest consistent cost",
                "individual": who, "value_gbp": left, "conflict": False,
                "finding": (f"at £{u:,.2f} per {label} ({u_who}'s bound), £{left:,.0f} of "
                            f"{who}'s £{total:,.0f} is left for "
                            + ", ".join(f"{r.count} {r.offence}" for r in others.itertuples())
                            + f", whereas {u_who}'s total leaves £0 for its other offences"),
            })
    return pd.DataFrame(rows, columns=["check", "individual", "value_gbp", "conflict", "finding"])


# --------------------------------------------------------------------------------------------
# The cohort's cost of offending
# --------------------------------------------------------------------------------------------


def reoffence_costs(frame: pd.DataFrame, offences: pd.DataFrame, costs_at: pd.DataFrame,
                    mapping: pd.DataFrame, attempt_fraction: float, follow_up_months: int = 12,
                    waiting_months: int = 6) -> pd.DataFrame:
    """Cost the proven reoffences (Ministry of Justice definition) of the people in a cohort.

    Parameters
    ----------
    frame : DataFrame
        The cohort frame (``person_id``, ``cohort_start``, optional ``exit_date``).
    offences : DataFrame
        The offences table.
    costs_at, mapping : DataFrame
        Unit costs at the price year and the mapping table.
    attempt_fraction : float
        Share of the full unit cost given to an attempt.
    follow_up_months, waiting_months : int
        The measure's periods.

    Returns
    -------
    DataFrame
        The counted reoffences with the columns of :func:`cost_offences`.
    """
    counted = counted_reoffences(frame, offences[offences["person_id"].isin(frame["person_id"])],
                                 follow_up_months, waiting_months)
    return cost_offences(counted, costs_at, mapping, attempt_fraction)


def reoffence_cost_outcome(params: RunParams, frame: pd.DataFrame,
                           offences: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """Each person's cost of proven reoffences, as an outcome of the effects analysis.

    The reoffences of the Ministry of Justice measure (the run's follow-up and waiting periods)
    are mapped and costed with the run's cost files at ``costs.price_year`` prices, attempts at
    ``costs.attempt_fraction``; a reoffence with no unit cost adds nothing and is counted in
    the second table instead.

    Parameters
    ----------
    params : RunParams
        The run's parameters (cost files, price year, measure periods).
    frame : DataFrame
        The cohort frame (``person_id``, ``cohort_start``, optional ``exit_date``).
    offences : DataFrame
        The offences table.

    Returns
    -------
    Series
        Cost in GBP per person, on ``frame``'s index, named :data:`analysis.params.COST_OUTCOME`.
    DataFrame
        The uncosted reoffences by offence type (:func:`uncosted_offences`).
    """
    tables = load_cost_tables(params)
    costs_at = unit_costs_at(tables, params.costs.price_year)
    m = params.measures
    counted = reoffence_costs(frame, offences, costs_at, tables.mapping,
                              params.costs.attempt_fraction, m.follow_up_months, m.waiting_months)
    people = person_costs(frame, counted)
    cost = pd.Series(people["cost_gbp"].to_numpy(dtype=float), index=frame.index,
                     name=COST_OUTCOME)
    return cost, uncosted_offences(counted)


def person_costs(frame: pd.DataFrame, costed: pd.DataFrame) -> pd.DataFrame:
    """Return each person's proven reoffences and their cost (used for summaries, not published).

    Parameters
    ----------
    frame : DataFrame
        The cohort frame (``person_id``, ``group``, ``treated`` and ``reoffended``).
    costed : DataFrame
        Costed reoffences (:func:`reoffence_costs`).

    Returns
    -------
    DataFrame
        ``person_id``, ``group``, ``treated``, ``reoffended``, ``reoffences``,
        ``costed_reoffences``, ``uncosted_reoffences`` and ``cost_gbp`` (sum over costed
        reoffences; uncosted ones add nothing and are counted instead).
    """
    ok = costed["cost_status"] == COSTED
    per = pd.DataFrame({
        "reoffences": costed.groupby("person_id").size(),
        "costed_reoffences": ok.groupby(costed["person_id"]).sum(),
        "cost_gbp": costed["cost_gbp"].where(ok, 0.0).groupby(costed["person_id"]).sum(),
    })
    keep = [c for c in ("person_id", "group", "treated", "reoffended") if c in frame.columns]
    out = frame[keep].merge(per, left_on="person_id", right_index=True, how="left")
    out[["reoffences", "costed_reoffences", "cost_gbp"]] = (
        out[["reoffences", "costed_reoffences", "cost_gbp"]].fillna(0))
    out = out.astype({"reoffences": int, "costed_reoffences": int})
    out["uncosted_reoffences"] = out["reoffences"] - out["costed_reoffences"]
    return out


def group_costs(people: pd.DataFrame, by: str | None = "group") -> pd.DataFrame:
    """Summarise the cost of proven reoffending per person and per group.

    Parameters
    ----------
    people : DataFrame
        Output of :func:`person_costs`.
    by : str or None
        Column to group by; a single ``All`` row when None.

    Returns
    -------
    DataFrame
        ``group``, ``people``, ``reoffenders``, ``reoffences``, ``costed_reoffences``,
        ``uncosted_reoffences``, ``cost_gbp`` (total of the costed reoffences),
        ``cost_per_person_gbp``, ``cost_per_reoffender_gbp``, ``cost_per_costed_reoffence_gbp``
        and ``median_cost_per_reoffender_gbp``.
    """
    key = people[by] if by else pd.Series("All", index=people.index)
    rows = []
    for g, d in people.groupby(key.rename("group"), sort=True, observed=True):
        reo = d[d["reoffences"] > 0]
        cost = float(d["cost_gbp"].sum())
        costed_n = int(d["costed_reoffences"].sum())
        rows.append({
            "group": g,
            "people": len(d),
            "reoffenders": len(reo),
            "reoffences": int(d["reoffences"].sum()),
            "costed_reoffences": costed_n,
            "uncosted_reoffences": int(d["uncosted_reoffences"].sum()),
            "cost_gbp": cost,
            "cost_per_person_gbp": cost / len(d) if len(d) else np.nan,
            "cost_per_reoffender_gbp": cost / len(reo) if len(reo) else np.nan,
            "cost_per_costed_reoffence_gbp": cost / costed_n if costed_n else np.nan,
            "median_cost_per_reoffender_gbp": float(reo["cost_gbp"].median()) if len(reo) else np.nan,
        })
    return pd.DataFrame(rows)


def change_in_offending(frame: pd.DataFrame, people: pd.DataFrame, by: str | None = "group",
                        prior_column: str = "prior_offences_12m") -> pd.DataFrame | None:
    """The IOM "change in offending" measure: offences in the 12 months before and after the start.

    Before: proven offences in the 12 months before cohort start (``prior_offences_12m``).
    After: proven reoffences committed in the 12-month follow-up (MoJ definition). The prior
    offences have no types, so both periods are valued at the group's average cost of a costed
    proven reoffence: the change in cost then mirrors the change in counts.

    Parameters
    ----------
    frame : DataFrame
        The cohort frame, with ``prior_column``.
    people : DataFrame
        Output of :func:`person_costs`.
    by : str or None
        Column to group by.
    prior_column : str
        Column with the prior 12-month offence counts.

    Returns
    -------
    DataFrame or None
        ``group``, ``people`` (with a known prior count), ``offences_before``,
        ``offences_after``, ``change_pct``, ``before_per_person``, ``after_per_person``,
        ``cost_per_offence_gbp``, ``cost_before_gbp``, ``cost_after_gbp`` and
        ``cost_change_gbp``; None when the data have no prior counts.
    """
    if prior_column not in frame.columns or frame[prior_column].isna().all():
        return None
    merged = people.merge(frame[["person_id", prior_column]], on="person_id", how="left")
    merged = merged[merged[prior_column].notna()]
    key = merged[by] if by else pd.Series("All", index=merged.index)
    rows = []
    for g, d in merged.groupby(key.rename("group"), sort=True, observed=True):
        before = float(d[prior_column].astype(float).sum())
        after = float(d["reoffences"].sum())
        costed_n = d["costed_reoffences"].sum()
        unit = float(d["cost_gbp"].sum() / costed_n) if costed_n else np.nan
        rows.append({
            "group": g,
            "people": len(d),
            "offences_before": int(before),
            "offences_after": int(after),
            "change_pct": 100 * (after - before) / before if before else np.nan,
            "before_per_person": before / len(d),
            "after_per_person": after / len(d),
            "cost_per_offence_gbp": unit,
            "cost_before_gbp": before * unit,
            "cost_after_gbp": after * unit,
            "cost_change_gbp": (after - before) * unit,
        })
    return pd.DataFrame(rows)


def average_unit_cost(costs_at: pd.DataFrame, costed: pd.DataFrame | None = None,
                      categories: list[str] | None = None) -> tuple[float, str]:
    """Return the average cost of one offence at the price year, and how it was formed.

    With costed offences (records form): the mean cost of the costed ones (their mix, attempts
    at their share). Otherwise the equal-weight mean of the unit costs of ``categories``.

    Parameters
    ----------
    costs_at : DataFrame
        Unit costs at the price year.
    costed : DataFrame, optional
        Costed offences (:func:`cost_offences`).
    categories : list of str, optional
        Categories to average when ``costed`` is None or has no costed offence.

    Returns
    -------
    (float, str)
        The average (NaN when nothing can be costed) and a sentence saying what it is.
    """
    if costed is not None:
        ok = costed["cost_status"] == COSTED
        if ok.any():
            return (float(costed.loc[ok, "cost_gbp"].mean()),
                    f"mean cost of the cohort's {int(ok.sum()):,} costed proven reoffences "
                    f"(their offence mix; {int((~ok).sum()):,} uncosted reoffences left out)")
    c = costs_at.set_index("category")
    cats = [k for k in (categories or []) if k in c.index and c.loc[k, "status"] == COSTED]
    missing = [k for k in (categories or []) if k not in cats]
    if not cats:
        return float("nan"), "no costed category to average"
    text = ("equal-weight mean of the unit costs of " + ", ".join(cats)
            + " (an assumption: the data record no offence types)")
    if missing:
        text += "; not costed and left out: " + ", ".join(missing)
    return float(c.loc[cats, "cost_gbp"].mean()), text


# --------------------------------------------------------------------------------------------
# Published tables (the small-count rule of analysis.disclosure)
# --------------------------------------------------------------------------------------------


def published_mapping(used: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """A :func:`mapping_used` table under the small-count rule.

    The descriptions' offences add up to the counted total, so secondary suppression runs down
    the column. A description's attempts and complete offences (offences minus attempts, not
    shown) add up to its offences, so they protect each other across the row. The total cost
    gives the attempts back with the unit cost, so it is hidden where either count is.
    """
    return suppress_counts(used, ["offences", "attempts"], {"cost_gbp": ["offences", "attempts"]},
                           min_cell, sets=True, complements={"attempts": "offences"})


def published_uncosted(uncosted: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """An :func:`uncosted_offences` table under the small-count rule (its rows add up to the
    uncosted total)."""
    return suppress_counts(uncosted, ["offences"], None, min_cell, sets=True)


#: Count columns of :func:`group_costs`.
COST_COUNTS = ("people", "reoffenders", "reoffences", "costed_reoffences", "uncosted_reoffences")
#: Each derived column of :func:`group_costs` and the counts it comes from.
COST_DERIVED = {"cost_gbp": ["reoffenders", "costed_reoffences"],
                "cost_per_person_gbp": ["people", "reoffenders", "costed_reoffences"],
                "cost_per_reoffender_gbp": ["reoffenders", "costed_reoffences"],
                "cost_per_costed_reoffence_gbp": ["costed_reoffences"],
                "median_cost_per_reoffender_gbp": ["reoffenders"]}


def published_costs(overall: pd.DataFrame, by_group: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """The cohort's cost of reoffending (:func:`group_costs`, overall then by group) under the rule.

    The groups add up to the overall row (secondary suppression down the columns), and a row's
    costed and uncosted reoffences add up to its reoffences (across the row). A cost is hidden
    wherever a count it comes from is (:data:`COST_DERIVED`).
    """
    def one(table: pd.DataFrame, sets: bool) -> pd.DataFrame:
        return suppress_counts(table, COST_COUNTS, COST_DERIVED, min_cell, sets=sets or None,
                               row_sets=[["costed_reoffences", "uncosted_reoffences"]])

    return pd.concat([one(overall, False), one(by_group, True)], ignore_index=True)


def published_change(change: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """A :func:`change_in_offending` table under the small-count rule.

    The groups add up to the whole cohort (secondary suppression down the columns). Every
    per-person value, percent change and cost comes from the people and both offence counts, so
    it is hidden wherever any of them is.
    """
    counts = ["people", "offences_before", "offences_after"]
    derived = [c for c in change.columns if c not in ("group", *counts)]
    return suppress_counts(change, counts, derived, min_cell, sets=True)
