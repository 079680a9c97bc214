"""Data quality: how many values of each analysed variable are missing, by group, and who each
complete-case analysis leaves out.

A model fitted on complete cases leaves out everyone with a missing value in any of its
columns; :func:`analysis_samples` counts them per analysis and group, so a reader sees who the
estimates describe. The columns of the effect analysis are :func:`effects_columns` (the same
rule :func:`analysis.models.effects.prepare_sample` applies), those of the Cox model the
treatment and the covariates. Covariate transforms keep a missing value missing, so the raw
covariates decide who is left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.disclosure import suppress_counts

__all__ = ["missingness_by_group", "analysis_samples", "effects_columns", "variable_roles",
           "analysis_columns",
           "published_missingness", "published_samples", "ALL"]

#: Label of the rows counting both groups.
ALL = "All"


def effects_columns(frame: pd.DataFrame, covariates: Sequence[str],
                    outcomes: Sequence[str]) -> list[str]:
    """The columns a person needs recorded to be in the effect analysis.

    The covariates and every outcome of ``outcomes`` that ``frame`` holds with at least one
    value (``time`` with ``event``).
    """
    present = [c for c in outcomes if c in frame and frame[c].notna().any()]
    timed = ["time", "event"] if "time" in present else []
    return list(dict.fromkeys([*covariates, *(c for c in present if c != "time"), *timed]))


def _groups(frame: pd.DataFrame, group_col: str) -> list[tuple[str, pd.DataFrame]]:
    levels = frame[group_col].dropna().unique().tolist()
    return [*((str(g), frame[frame[group_col] == g]) for g in sorted(levels, key=str)),
            (ALL, frame)]


def missingness_by_group(frame: pd.DataFrame, variables: Mapping[str, str],
                         group_col: str = "group") -> pd.DataFrame:
    """Missing values of each variable, in each group and overall.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    variables : mapping of str to str
        ``{column: role}``, e.g. ``{"need_drugs": "covariate", "need_ete": "need"}``.
    group_col : str
        Column of the group labels.

    Returns
    -------
    DataFrame
        ``variable``, ``role``, ``group`` (each group, then ``"All"``), ``people``,
        ``not_recorded`` and ``not_recorded_pct`` (percent of ``people``).
    """
    rows = []
    for col, role in variables.items():
        for label, part in _groups(frame, group_col):
            missing = int(part[col].isna().sum())
            rows.append({"variable": col, "role": role, "group": label, "people": len(part),
                         "not_recorded": missing,
                         "not_recorded_pct": 100 * missing / len(part) if len(part) else None})
    return pd.DataFrame(rows, columns=["variable", "role", "group", "people", "not_recorded",
                                       "not_recorded_pct"])


def analysis_samples(frame: pd.DataFrame, analyses: Mapping[str, Sequence[str]],
                     group_col: str = "group") -> pd.DataFrame:
    """People each complete-case analysis keeps and leaves out, in each group and overall.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    analyses : mapping of str to sequence of str
        ``{analysis name: columns it needs recorded}``.
    group_col : str
        Column of the group labels.

    Returns
    -------
    DataFrame
        ``model``, ``group`` (each group, then ``"All"``), ``people``, ``analysed`` (every
        column recorded), ``excluded`` and ``excluded_pct`` (percent of ``people``).
    """
    rows = []
    for name, columns in analyses.items():
        for label, part in _groups(frame, group_col):
            kept = int(part[list(columns)].notna().all(axis=1).sum())
            rows.append({"model": name, "group": label, "people": len(part), "analysed": kept,
                         "excluded": len(part) - kept,
                         "excluded_pct": 100 * (len(part) - kept) / len(part) if len(part) else None})
    return pd.DataFrame(rows, columns=["model", "group", "people", "analysed", "excluded",
                                       "excluded_pct"])


def published_missingness(table: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """:func:`missingness_by_group` under the disclosure policy.

    The people with a value (``people - not_recorded``, not printed) are a cell too, and the
    groups of each variable add up to its ``All`` row.
    """
    return suppress_counts(table, ["people", "not_recorded"], {"not_recorded_pct": "not_recorded"},
                           min_cell, sets="variable", complements={"not_recorded": "people"})


def published_samples(table: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """:func:`analysis_samples` under the disclosure policy (analysed + excluded = people; the
    groups of each analysis add up to its ``All`` row)."""
    return suppress_counts(table, ["people", "analysed", "excluded"],
                           {"excluded_pct": "excluded"}, min_cell, sets="model",
                           row_sets=[["analysed", "excluded"]])


def variable_roles(covariates: Sequence[str], needs: Sequence[str],
                   outcomes: Sequence[str]) -> dict[str, str]:
    """``{column: role}`` of the variables the data-quality table reports: the covariates
    (``"covariate"``), the needs not among them (``"need"``) and the outcomes (``"outcome"``)."""
    roles = {c: "covariate" for c in covariates}
    roles.update({c: "need" for c in needs if c not in roles})
    roles.update({c: "outcome" for c in outcomes if c not in roles})
    return roles


def analysis_columns(frame: pd.DataFrame, covariates: Sequence[str],
                     outcomes: Sequence[str], treatment_col: str = "treated") -> dict[str, list[str]]:
    """The columns each complete-case analysis needs: ``"Intervention effects"`` (notebook 03,
    :func:`effects_columns`) and ``"Cox model"`` (notebook 02: the treatment and covariates)."""
    return {"Intervention effects": effects_columns(frame, covariates, outcomes),
            "Cox model": list(dict.fromkeys([treatment_col, *covariates]))}
