"""Covariate transforms of a parameter file (``models.transforms``): their syntax and checks.

Each key names a covariate of ``data.covariates``; its value says how the models see it::

    models:
      transforms:
        prior_offences_12m: log1p               # log(1 + x)
        age: {bands: [18, 25, 35, 50]}          # under 18, 18-24, 25-34, 35-49, 50+
        # or  age: {spline: natural, df: 4}     # natural cubic spline, 4 columns
        # or  age: {spline: bspline, df: 5, degree: 3}

The transforms are applied to the model frame by :func:`analysis.models.design.transform_covariates`,
so every model (Cox, AFT, logistic, count, propensity, doubly robust) sees the same columns.
This module checks what can be checked without the data: the syntax, the cut points and that
each key is a covariate.
"""

from __future__ import annotations

import difflib
import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, ValidationError
from pydantic_core import PydanticCustomError

__all__ = ["LOG1P", "Bands", "Spline", "Transform", "ModelParams", "parse_transform",
           "transform_problems"]

LOG1P = "log1p"
SYNTAX = "give log1p, {bands: [cut points]} or {spline: natural|bspline, df: N}"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bands(_Strict):
    """Cut points ``[a, b, ...]`` of bands ``[a, b)``: under a, a to under b, ..., last and over."""

    bands: list[float]

    def labels(self) -> list[str]:
        """The band labels, lowest first.

        Whole-number cut points give ages in completed years: ``[18, 25]`` gives ``"under 18"``,
        ``"18-24"`` and ``"25+"`` (a band of one year is written ``"18"``); other cut points give
        ``"18.5 to under 25"``.
        """
        cuts = self.bands
        whole = all(float(c).is_integer() for c in cuts)

        def num(c: float) -> str:
            return f"{c:g}"

        def middle(lo: float, hi: float) -> str:
            if not whole:
                return f"{num(lo)} to under {num(hi)}"
            top = int(hi) - 1
            return f"{int(lo)}" if top == int(lo) else f"{int(lo)}-{top}"

        return ([f"under {num(cuts[0])}"]
                + [middle(lo, hi) for lo, hi in zip(cuts[:-1], cuts[1:], strict=True)]
                + [f"{num(cuts[-1])}+"])


class Spline(_Strict):
    """A spline basis: ``natural`` (natural cubic, centred) or ``bspline`` of ``degree``."""

    spline: Literal["natural", "bspline"]
    df: int = Field(4, ge=2, le=10)
    degree: int = Field(3, ge=1, le=3)


def _first_error(err: ValidationError) -> str:
    e = err.errors()[0]
    where = ".".join(str(p) for p in e["loc"])
    return f"{where}: {e['msg']}" if where else str(e["msg"])


def _check_cuts(spec: Bands) -> None:
    cuts = spec.bands
    increasing = all(b > a for a, b in zip(cuts[:-1], cuts[1:], strict=True))
    if not cuts or not all(math.isfinite(c) for c in cuts) or not increasing:
        raise PydanticCustomError(
            "transform", "bands: give the cut points as numbers in increasing order, "
                         "e.g. {bands: [18, 25, 35, 50]}")


def _check_spline(spec: Spline) -> None:
    if spec.spline == "natural" and spec.degree != 3:
        raise PydanticCustomError("transform", "degree: a natural spline is cubic (degree 3); "
                                               "give the degree of a bspline only")
    if spec.spline == "bspline" and spec.df < spec.degree:
        raise PydanticCustomError("transform", "df: a bspline needs df of at least its degree")


def parse_transform(value: Any) -> str | Bands | Spline:
    """Read one transform from the parameters; raise one clear message if it is malformed.

    Parameters
    ----------
    value : object
        ``"log1p"``, ``{"bands": [...]}`` or ``{"spline": ..., "df": ..., "degree": ...}``
        (or an already parsed :class:`Bands` or :class:`Spline`).

    Returns
    -------
    str, Bands or Spline

    Raises
    ------
    pydantic_core.PydanticCustomError
        Reported by the parameter loader under the covariate's key.
    """
    if value == LOG1P or isinstance(value, Bands | Spline):
        return value
    if isinstance(value, dict) and ("bands" in value) != ("spline" in value):
        model: type[Bands] | type[Spline] = Bands if "bands" in value else Spline
        try:
            spec = model.model_validate(value)
        except ValidationError as err:
            raise PydanticCustomError("transform", _first_error(err)) from None
        if isinstance(spec, Bands):
            _check_cuts(spec)
        else:
            _check_spline(spec)
        return spec
    raise PydanticCustomError("transform", SYNTAX)


def _serialise(value: str | Bands | Spline) -> Any:
    return value if isinstance(value, str) else value.model_dump(mode="json")


#: One covariate's transform, as the parameter file gives it.
Transform = Annotated[Literal["log1p"] | Bands | Spline, PlainValidator(parse_transform),
                      PlainSerializer(_serialise)]


class ModelParams(_Strict):
    """Settings shared by every model: the covariate transforms and missing covariate values."""

    transforms: dict[str, Transform] = Field(
        default_factory=dict,
        description="{covariate: log1p | {bands: [cut points]} | {spline: natural|bspline, "
                    "df: N}}; the models use the transformed covariate instead of the raw one.")
    missing: Literal["complete_case", "mice"] = Field(
        "complete_case",
        description="complete_case: people with a missing covariate are left out; mice: the "
                    "regression-adjusted effect and the Cox model are also estimated with the "
                    "missing values multiply imputed by chained equations (Rubin's rules).")
    imputations: int = Field(20, ge=2, le=200, description="Imputations when missing is mice.")


def transform_problems(transforms: dict[str, Any], covariates: list[str]) -> list[str]:
    """Check that every transformed column is a covariate; return one message per problem.

    Parameters
    ----------
    transforms : dict
        ``models.transforms``.
    covariates : list of str
        ``data.covariates``.

    Returns
    -------
    list of str
        Messages naming the key, e.g. ``"models.transforms.agee: not one of data.covariates
        (did you mean 'age'?); covariates: age, sex"``.
    """
    problems = []
    for name in transforms:
        if name not in covariates:
            hint = difflib.get_close_matches(name, covariates, n=1)
            extra = f" (did you mean '{hint[0]}'?)" if hint else ""
            problems.append(f"models.transforms.{name}: not one of data.covariates{extra}; "
                            f"covariates: {', '.join(covariates) or 'none'}")
    return problems
