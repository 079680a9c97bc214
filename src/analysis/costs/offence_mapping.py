"""Mapping local offence descriptions and codes to unit-cost categories and costing the offences.

A description or Home Office code is matched to the mapping table by
:func:`analysis.costs.offence_matching.lookup` (ignoring case, spaces, punctuation and a
trailing statute reference); tables list each description in the form of
:func:`normalise_description`. Attempts (a
``1`` in the offences' ``attempt`` column, or a mapping row that marks the local description
itself as an attempt, e.g. "attempted dwelling burglary") are costed at ``attempt_fraction`` of
the full unit cost. An offence that cannot be costed gets no cost and is counted and listed by
:func:`uncosted_offences` instead.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.costs.offence_matching import lookup
from analysis.costs.statuses import COSTED, OUTSIDE, REASONS, UNCOSTED_PREFIX, UNMAPPED

__all__ = [
    "normalise_description",
    "cost_offences",
    "uncosted_offences",
    "mapping_used",
]


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
        (``costed``, ``unmapped``, ``outside_unit_costs``, ``no_published_unit_cost`` or
        ``not_transcribed``),
        ``unit_cost_gbp`` (full cost of one offence of the category at the price year) and
        ``cost_gbp`` (cost of the row: unit cost x attempt share x weight; NaN unless costed).
    """
    out = offences.copy()
    found = lookup(out[type_column], mapping)
    out["category"] = found["category"]
    mapped_attempt = found["attempt"]
    flag = pd.Series(False, index=out.index)
    if attempt_column is not None and attempt_column in out.columns:
        flag = pd.to_numeric(out[attempt_column], errors="coerce").fillna(0).astype(float) == 1
    out["is_attempt"] = (mapped_attempt | flag).to_numpy()
    c = costs_at.set_index("category")
    outside = out["category"].map(lambda v: isinstance(v, str) and v.startswith(UNCOSTED_PREFIX))
    status = out["category"].map(c["status"]).mask(outside, OUTSIDE)
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
