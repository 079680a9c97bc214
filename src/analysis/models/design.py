"""Model matrices: numeric covariate columns with categorical covariates coded against a reference.

Used by every regression of the models layer (Cox, AFT, logistic, propensity, outcome models), so
each names its reference levels the same way (``"<column>[<level>]"``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

__all__ = ["design_matrix", "default_references"]


def design_matrix(
    frame: pd.DataFrame,
    covariates: Sequence[str],
    categorical: Mapping[str, Any] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Numeric covariate columns, with categorical covariates dummy-coded against a reference.

    Parameters
    ----------
    frame : DataFrame
        Source data.
    covariates : sequence of str
        Columns to include. Numeric and boolean columns are used as they are.
    categorical : mapping, optional
        ``{column: reference level}`` for categorical columns (e.g. ``{"sex": "Male",
        "area": "Bournemouth"}``). Each other level gets an indicator named
        ``"<column>[<level>]"``. A non-numeric covariate without a reference is an error, so
        the reference is always explicit.

    Returns
    -------
    design : DataFrame
        Same index as ``frame``; float columns.
    references : dict
        ``{column: reference level}`` of the dummy-coded columns.
    """
    categorical = dict(categorical or {})
    parts, references = [], {}
    for col in covariates:
        s = frame[col]
        if s.isna().any():
            raise ValueError(f"{col} has {int(s.isna().sum())} missing values: drop or impute first")
        if col in categorical:
            ref = categorical[col]
            levels = sorted(pd.unique(s).tolist(), key=str)
            if ref not in levels:
                raise ValueError(f"reference level {ref!r} of {col} is not in the data {levels}")
            parts += [(s == lv).astype(float).rename(f"{col}[{lv}]") for lv in levels if lv != ref]
            references[col] = ref
        elif pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            parts.append(s.astype(float))
        else:
            raise ValueError(f"{col} is not numeric: give its reference level in `categorical`")
    design = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=frame.index)
    return design, references


def default_references(frame: pd.DataFrame, covariates: Sequence[str]) -> dict[str, Any]:
    """Reference levels for the text covariates: the most common level of each.

    Parameters
    ----------
    frame : DataFrame
        Source data.
    covariates : sequence of str
        Covariate columns; numeric and boolean ones are left out.

    Returns
    -------
    dict
        ``{column: most common level}`` (ties broken by the level's text), ready for the
        ``categorical`` argument of :func:`fit_cox` and :func:`fit_aft`.
    """
    refs = {}
    for col in covariates:
        s = frame[col]
        if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
            counts = s.value_counts()
            top = counts[counts == counts.max()].index
            refs[col] = sorted(top, key=str)[0]
    return refs
