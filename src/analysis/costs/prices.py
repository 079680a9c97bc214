"""Uprating unit costs to a price year, their provenance and the names of price years.

Prices are uprated with an HM Treasury GDP deflator table (``data/costs/gdp_deflators.csv``):
``cost(price year) = cost(base year) * index(price year) / index(base year)``, where a "year"
is the financial year starting in it (2015 = 2015-16).
"""

from __future__ import annotations

from typing import TypedDict

import numpy as np
import pandas as pd

from analysis.costs.statuses import COSTED
from analysis.costs.unit_costs import SPLIT, CostTables

__all__ = [
    "Provenance",
    "uprating_factor",
    "unit_costs_at",
    "provenance_summary",
    "provenance_text",
    "base_price_year",
    "price_label",
]


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
    factors: list[float] = []
    dchecked: list[bool | None] = []
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


class Provenance(TypedDict):
    """How far the unit costs and deflators were checked (:func:`provenance_summary`)."""

    categories: int
    costed: int
    checked_against_report: int
    checked_secondary: int
    unverified: int
    unverified_categories: list[str]
    without_unit_cost: int
    deflator_release: str
    deflators: int
    deflators_checked: int
    price_year: int


def provenance_summary(tables: CostTables, price_year: int) -> Provenance:
    """Count how many unit costs and deflator values were checked, and against what.

    Parameters
    ----------
    tables : CostTables
        The run's cost tables.
    price_year : int
        The run's price year.

    Returns
    -------
    Provenance
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


def provenance_text(summary: Provenance) -> str:
    """State in words how far the unit costs and deflators could be checked.

    Parameters
    ----------
    summary : Provenance
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
