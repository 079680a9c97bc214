"""The columns to read from each input table: its mapped roles and the parameters' analysis columns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from analysis.contract import ROLES, Role
from analysis.data.parsing import ColumnKind
from analysis.errors import ParameterError
from analysis.params import RunParams, TableParams

__all__ = ["ColumnSpec", "table_params", "table_specs"]


@dataclass(frozen=True)
class ColumnSpec:
    """One column to read from an input table.

    Attributes
    ----------
    name : str
        Column name after reading (the role name, or the user's name for non-role columns).
    source : str
        The user's column name in the file.
    kind : str
        Expected type (see :data:`analysis.contract.Kind`), or ``"auto"`` for a covariate that
        is numeric when every value parses as a number and text otherwise.
    nullable : bool
        Whether blank cells are allowed.
    label : str
        How messages name the column, e.g. ``'release_dt' (role cohort_start)``.
    origin : str
        Where the parameters name the column: ``role`` (``data.<table>.columns``), ``needs``,
        ``interventions``, ``covariates`` or ``treatment``.
    required : bool
        Whether a missing column is an error (False only for a covariate ``age`` that can be
        derived from ``date_of_birth``).
    """

    name: str
    source: str
    kind: ColumnKind
    nullable: bool
    label: str
    origin: str = "role"
    required: bool = True


def table_specs(table: str, params: RunParams) -> list[ColumnSpec]:
    """Return the columns to read from ``table``: mapped roles, then analysis columns.

    Parameters
    ----------
    table : {"survival", "people", "offences"}
        The table.
    params : RunParams
        The run parameters.

    Returns
    -------
    list of ColumnSpec
        Mapped roles in contract order, then (survival and people tables) the treatment,
        needs, intervention flag and date columns and covariates named in the parameters.
        A name already produced by a mapped role is not repeated (the mapped column wins).
    """
    tparams = table_params(params, table)
    needed = _needed_roles(table, tparams)
    specs = [_role_spec(r, tparams.columns[r.name], r.name in needed)
             for r in ROLES[table] if r.name in tparams.columns]
    if table == "offences":
        return specs
    taken = {s.name for s in specs}
    for spec in _extra_specs(table, params):
        if spec.name not in taken:
            specs.append(spec)
            taken.add(spec.name)
    return specs


def table_params(params: RunParams, table: str) -> TableParams:
    """Return ``params.data.<table>``, raising ParameterError if it is not given."""
    tparams = getattr(params.data, table)
    if tparams is None:
        raise ParameterError(f"data.{table}: required when data.form is '{params.data.form}'")
    return tparams


def _needed_roles(table: str, tparams: TableParams) -> set[str]:
    """Return nullable roles that must nevertheless be filled in this mapping.

    The people table needs ``age`` or ``date_of_birth`` for everyone: when only one of them is
    mapped, blanks in it are not allowed.
    """
    pair = {"age", "date_of_birth"}
    mapped = pair & set(tparams.columns)
    return mapped if table == "people" and len(mapped) == 1 else set()


def _role_spec(r: Role, source: str, needed: bool = False) -> ColumnSpec:
    """Return the spec of a mapped role (``needed``: blanks not allowed even if the role allows)."""
    return ColumnSpec(r.name, source, r.kind, r.nullable and not needed, f"'{source}' (role {r.name})")


def _extra_specs(table: str, params: RunParams) -> Iterable[ColumnSpec]:
    """Yield the non-role columns the parameters use: treatment, needs, interventions, covariates."""
    d = params.data
    if table == "survival":
        yield ColumnSpec(d.treatment, d.treatment, "flag", False, f"'{d.treatment}' (treatment)",
                         "treatment")
    for need in d.needs:
        yield ColumnSpec(need, need, "flag", True, f"'{need}' (need)", "needs")
    for iv in d.interventions:
        is_treatment = iv.name == d.treatment
        what = "treatment" if is_treatment else "intervention"
        yield ColumnSpec(iv.flag, iv.flag, "flag", not is_treatment,
                         f"'{iv.flag}' ({what} flag of {iv.name})", "interventions")
        if iv.date is not None:
            yield ColumnSpec(iv.date, iv.date, "date", True, f"'{iv.date}' (start date of {iv.name})",
                             "interventions")
    dob_mapped = "date_of_birth" in (table_params(params, table).columns)
    for cov in d.covariates:
        derivable = cov == "age" and dob_mapped
        yield ColumnSpec(cov, cov, "auto", True, f"'{cov}' (covariate)", "covariates",
                         required=not derivable)
