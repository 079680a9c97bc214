"""Model matrices: covariate transforms, and numeric columns with categorical covariates coded
against a reference.

Used by every regression of the models layer (Cox, AFT, logistic, propensity, outcome models), so
each names its reference levels the same way (``"<column>[<level>]"``) and sees the same
transformed covariates (:func:`transform_covariates`, from ``models.transforms`` of the
parameters; syntax in :mod:`analysis.transform_spec`):

* ``log1p`` gives the column ``"log1p(<column>)"`` = log(1 + value);
* ``{bands: [a, b, ...]}`` gives the text column ``"bands(<column>)"`` with the bands
  ``under a``, ``a-(b-1)``, ..., ``<last>+`` (each band holds values from its lower cut point up
  to, not including, the next), dummy-coded against the most common band like any text
  covariate;
* ``{spline: natural, df: k}`` gives ``"ns(<column>)[1]"`` ... ``[k]``, the centred natural
  cubic regression spline basis of formulaic (the ``cr`` basis of mgcv and patsy; ``k + 1``
  knots at quantiles of the values, the outer two at the smallest and largest), which spans
  the same functions as R's ``splines::ns(x, df = k)`` beside a constant;
* ``{spline: bspline, df: k, degree: d}`` gives ``"bs(<column>)[1]"`` ... ``[k]``, the B-spline
  basis of formulaic (as R's ``splines::bs`` and patsy's ``bs``, without the intercept column).

Knots are placed on the people with a value; people without one keep a missing value, so the
complete-case rules of the models apply to them as to the raw covariate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from formulaic.transforms import basis_spline, natural_cubic_spline

from analysis.errors import ParameterError
from analysis.transform_spec import LOG1P, Bands, Spline

__all__ = ["design_matrix", "default_references", "transform_covariates", "transformed_columns"]


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
            if counts.empty:  # blank for everyone: no level to refer to
                continue
            top = counts[counts == counts.max()].index
            refs[col] = sorted(top, key=str)[0]
    return refs


def _numeric(frame: pd.DataFrame, col: str, what: str) -> pd.Series:
    s = frame[col]
    if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
        raise ParameterError(f"models.transforms.{col}: {what} needs a numeric covariate; "
                             f"{col} is not numeric")
    return s.astype(float)


def _log1p(frame: pd.DataFrame, col: str) -> pd.DataFrame:
    x = _numeric(frame, col, LOG1P)
    low = int((x <= -1).sum())
    if low:
        raise ParameterError(f"models.transforms.{col}: log1p needs values above -1; {low:,} "
                             f"people have -1 or less")
    return pd.DataFrame({f"log1p({col})": np.log1p(x)}, index=frame.index)


def _bands(frame: pd.DataFrame, col: str, spec: Bands) -> pd.DataFrame:
    x = _numeric(frame, col, "bands")
    edges = [-np.inf, *spec.bands, np.inf]
    banded = pd.cut(x, edges, right=False, labels=spec.labels())
    text = banded.astype(object).where(banded.notna(), np.nan)
    return pd.DataFrame({f"bands({col})": text}, index=frame.index)


def _spline(frame: pd.DataFrame, col: str, spec: Spline) -> pd.DataFrame:
    kind = "natural spline" if spec.spline == "natural" else "B-spline"
    x = _numeric(frame, col, f"a {kind}")
    known = x.dropna()
    distinct = int(known.nunique())
    knots_needed = spec.df + 1 if spec.spline == "natural" else spec.df - spec.degree + 2
    if distinct < knots_needed + 1:
        raise ParameterError(f"models.transforms.{col}: a {kind} with df "
                             f"{spec.df} needs more than {knots_needed} distinct values; {col} "
                             f"has {distinct}")
    try:
        if spec.spline == "natural":
            basis = natural_cubic_spline(known.to_numpy(), df=spec.df, constraints="center")
        else:
            basis = basis_spline(known.to_numpy(), df=spec.df, degree=spec.degree)
    except ValueError as err:
        raise ParameterError(f"models.transforms.{col}: the {kind} cannot be "
                             f"built on these values ({err})") from None
    prefix = "ns" if spec.spline == "natural" else "bs"
    columns = {f"{prefix}({col})[{i + 1}]": np.asarray(v, dtype=float)
               for i, v in enumerate(basis.values())}
    matrix = np.column_stack(list(columns.values()))
    if np.linalg.matrix_rank(np.column_stack([np.ones(len(known)), matrix])) < len(columns) + 1:
        raise ParameterError(f"models.transforms.{col}: the {kind}'s knots (at "
                             f"quantiles of {col}) coincide where many people share a value; "
                             f"give a smaller df, or bands")
    out = pd.DataFrame(np.nan, index=frame.index, columns=list(columns))
    out.loc[known.index, list(columns)] = matrix
    return out


def transformed_columns(frame: pd.DataFrame, col: str, spec: str | Bands | Spline) -> pd.DataFrame:
    """The model columns of one transformed covariate (see the module's docstring for names).

    Parameters
    ----------
    frame : DataFrame
        Source data.
    col : str
        The covariate.
    spec : str, Bands or Spline
        Its transform (``"log1p"``, :class:`~analysis.transform_spec.Bands` or
        :class:`~analysis.transform_spec.Spline`).

    Returns
    -------
    DataFrame
        The new columns, on ``frame``'s index (missing where the covariate is missing).

    Raises
    ------
    ParameterError
        If the covariate is not numeric, a log1p covariate has values of -1 or less, or a spline
        has too few distinct values for its knots.
    """
    if isinstance(spec, Bands):
        return _bands(frame, col, spec)
    if isinstance(spec, Spline):
        return _spline(frame, col, spec)
    return _log1p(frame, col)


def transform_covariates(
    frame: pd.DataFrame,
    covariates: Sequence[str],
    transforms: Mapping[str, str | Bands | Spline] | None,
) -> tuple[pd.DataFrame, list[str]]:
    """Apply ``models.transforms`` once, for every model of a notebook to use.

    Parameters
    ----------
    frame : DataFrame
        The cohort (or model) frame.
    covariates : sequence of str
        The covariates, raw (``data.covariates``, possibly with the treatment in front).
    transforms : mapping, optional
        ``{covariate: transform}`` (``params.models.transforms``).

    Returns
    -------
    frame : DataFrame
        ``frame`` itself when there are no transforms; otherwise a copy with the transformed
        columns added (the raw columns are kept for the tables that describe them).
    covariates : list of str
        The covariates with each transformed one replaced, in place, by its columns.

    Raises
    ------
    ParameterError
        As :func:`transformed_columns`.
    """
    transforms = dict(transforms or {})
    if not transforms:
        return frame, list(covariates)
    parts, names = [], []
    for col in covariates:
        if col in transforms:
            part = transformed_columns(frame, col, transforms[col])
            parts.append(part)
            names += list(part.columns)
        else:
            names.append(col)
    extra = pd.concat(parts, axis=1)
    out = pd.concat([frame.drop(columns=[c for c in extra.columns if c in frame]), extra], axis=1)
    return out, names
