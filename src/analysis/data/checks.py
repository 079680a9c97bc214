"""Read and validate the input tables against the data contract.

:func:`load_data` reads the tables named in the parameters (:mod:`analysis.data.readers`), checks
them against the contract of :mod:`analysis.contract` with `pandera <https://pandera.readthedocs.io>`_
schemas, and returns them with columns renamed to their role names and parsed to proper dtypes.
Every failed rule of every table is collected and raised together as one
:class:`~analysis.errors.DataError`, one line per rule, naming the file, the column (the user's
name and its role), the rule and the failing data row numbers (1 = first row after the header).
Messages never contain a cell value: the inputs hold personal data.

Checks run in three stages, each a pandera ``DataFrameSchema`` validated with ``lazy=True``:

1. *types*, on the text as read: required values present, numbers, whole numbers, 0/1 flags
   and dates parse;
2. *values*, on the parsed columns: follow-up longer than zero, exit not before cohort start,
   proven date not before offence date, plausible age, non-negative counts, unique person ids;
3. *cross-table* (records form), on the offences: person known in the people table, offence
   not before that person's cohort start.

All checks are vectorised (no Python loop over rows except one pass stripping spaces from
identifiers and text), so a cohort of a million people with five million offences is read and
validated in about half a minute on a two-core machine, of which about ten seconds is reading
the CSV files.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from analysis.contract import FLAG_FALSE, FLAG_TRUE, ROLES, Kind, Role
from analysis.data.readers import NO_DATA_ROWS, read_table
from analysis.errors import DataError, ParameterError, Problem
from analysis.files import sha256
from analysis.params import RunParams, TableParams

__all__ = [
    "AGE_RANGE",
    "VALIDATED_DATA_ENV",
    "DATE_FORMATS",
    "RULES",
    "ColumnSpec",
    "TableResult",
    "ValidatedData",
    "data_dictionary_markdown",
    "data_fingerprint",
    "display_name",
    "load_data",
    "parse_column",
    "read_column",
    "save_validated",
    "table_specs",
    "validate_cross",
    "validate_offences",
    "validate_people",
    "validate_survival",
    "validate_table",
]

#: Accepted date formats in two families tried in this order: ISO (``YYYY-MM-DD``) first, then the
#: UK day-first form (``DD/MM/YYYY``). The first family that reads every value of a column is
#: used for the whole column. Within a family a date may carry a time of day, as some database
#: and spreadsheet exports write it; the time is dropped.
DATE_FORMATS: tuple[tuple[str, ...], ...] = (
    ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"),
    ("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"),
)

#: Sample size used to choose a date format family quickly (see :func:`parse_dates`).
_SAMPLE = 10_000

#: Plausible age in years at cohort start. Proven-reoffending cohorts start at the age of
#: criminal responsibility in England and Wales (10); an age above 100 is almost surely a
#: keying error (e.g. a year typed as an age).
AGE_RANGE: tuple[int, int] = (10, 100)

ColumnKind = Kind | Literal["auto"]

#: Every rule, by key, with its message text. ``{n}`` in ``treatment_levels`` is the number of
#: levels found; ``{people}`` in the cross-table rules is the people file's name.
RULES: dict[str, str] = {
    "empty": NO_DATA_ROWS,
    "unreadable": "cannot be read as CSV/Parquet/Excel (short reason, e.g. the file is binary, not text)",
    "missing_role": "required column is missing from the file (the parameters map a role to it)",
    "missing_extra": "required column is missing from the file (named in data.{key})",
    "blank": "required value is missing (blank)",
    "number": "wrong type: not a number",
    "integer": "wrong type: not a whole number",
    "flag": "wrong type: not a 0/1 flag (accepted: 1/0, true/false, yes/no, y/n)",
    "date": "unparseable date (accepted: YYYY-MM-DD or DD/MM/YYYY, one format per column)",
    "duration": "zero or negative follow-up (duration must be greater than 0)",
    "exit_before_start": "exit date before cohort start (zero or negative follow-up)",
    "offence_before_start": "offence dated before the person's cohort start (cohort_start in {people})",
    "proven_before_offence": "proven date before offence date",
    "duplicate_id": "duplicate person id (every person must appear once; all rows sharing an id are listed)",
    "unknown_person": "offence for an unknown person (person_id not in {people})",
    "treatment_levels": "treatment column has {n} level(s); two levels (0 and 1) are needed",
    "negative_count": "negative prior offence count",
    "age_range": f"age outside the plausible range {AGE_RANGE[0]} to {AGE_RANGE[1]} years",
}

_TYPE_RULE: dict[str, str] = {k: RULES[k] for k in ("number", "integer", "flag", "date")}

#: pandera's own check names mapped to our rule text.
_PANDERA_CHECKS: dict[str, str] = {"not_nullable": RULES["blank"]}


def _case_variants(word: str) -> set[str]:
    """Return every upper/lower-case spelling of ``word`` (``yes`` → ``YES``, ``Yes``, ...)."""
    out = {""}
    for ch in word:
        out = {p + c for p in out for c in {ch.lower(), ch.upper()}}
    return out


#: Every accepted spelling of a flag value mapped to 1 or 0 (a dict lookup is vectorised by
#: ``Series.map``, which is much faster than lower-casing millions of strings).
_FLAG_VALUES: dict[str, int] = {
    **{v: 1 for w in FLAG_TRUE for v in _case_variants(w)},
    **{v: 0 for w in FLAG_FALSE for v in _case_variants(w)},
}


# --------------------------------------------------------------------------- result types


@dataclass
class ValidatedData:
    """The validated input tables, columns named by role and parsed to proper dtypes.

    Attributes
    ----------
    form : {"survival", "records"}
        The input form.
    survival, people, offences : pandas.DataFrame or None
        The tables of the form (the others are None).
    files : dict of str to Path
        The input file of each table (absolute paths).
    rows_read : dict of str to int
        Number of data rows read from each table.
    """

    form: Literal["survival", "records"]
    survival: pd.DataFrame | None = None
    people: pd.DataFrame | None = None
    offences: pd.DataFrame | None = None
    files: dict[str, Path] = field(default_factory=dict)
    rows_read: dict[str, int] = field(default_factory=dict)


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


class TableResult(NamedTuple):
    """A validated table (columns present in the file, parsed) and the problems found."""

    frame: pd.DataFrame
    problems: list[Problem]


# --------------------------------------------------------------------------- column specs


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
    tparams = _table_params(params, table)
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


def _table_params(params: RunParams, table: str) -> TableParams:
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
    dob_mapped = "date_of_birth" in (_table_params(params, table).columns)
    for cov in d.covariates:
        derivable = cov == "age" and dob_mapped
        yield ColumnSpec(cov, cov, "auto", True, f"'{cov}' (covariate)", "covariates",
                         required=not derivable)


def _missing_columns(raw: pd.DataFrame, specs: list[ColumnSpec],
                     file: str) -> list[Problem]:
    """Return one problem per required column the file does not have."""
    out = []
    for s in specs:
        if s.source in raw.columns or not s.required:
            continue
        rule = RULES["missing_role"] if s.origin == "role" else RULES["missing_extra"].format(
            key=s.origin)
        out.append(Problem(file, s.label, rule))
    return out


# --------------------------------------------------------------------------- parsing


def _clean_text(values: pd.Series) -> pd.Series:
    """Strip surrounding spaces from text; a cell left empty becomes NaN (blank).

    A plain loop over the values: several times faster than ``Series.str.strip`` on millions
    of rows (``str.strip`` returns the same object when there is nothing to strip).
    """
    if values.dtype != object:
        return values
    nan = np.nan
    stripped = [(v.strip() or nan) if v.__class__ is str else v for v in values.to_numpy()]
    out = np.empty(len(stripped), dtype=object)
    out[:] = stripped
    return pd.Series(out, index=values.index, name=values.name)


def parse_numbers(values: pd.Series) -> pd.Series:
    """Return text as float64; values that are not finite numbers become NaN.

    A column in which every value is a number is converted directly (several times faster);
    otherwise ``pd.to_numeric`` turns the values that are not numbers into NaN.
    """
    try:
        num = pd.Series(values.to_numpy(dtype=object).astype(np.float64), index=values.index)
    except (ValueError, TypeError):
        num = pd.to_numeric(values, errors="coerce").astype("float64")
    return num.where(np.isfinite(num))


def parse_integers(values: pd.Series) -> pd.Series:
    """Return text as nullable Int64; values that are not whole numbers become <NA>."""
    num = parse_numbers(values)
    return num.where(num == np.floor(num)).astype("Int64")


def parse_flags(values: pd.Series) -> pd.Series:
    """Return text as nullable Int64 0/1 (see :data:`analysis.contract.FLAG_TRUE`); others <NA>."""
    return values.map(_FLAG_VALUES).astype("Int64")


def parse_dates(values: pd.Series) -> pd.Series:
    """Return text as datetime64[ns] (see :data:`DATE_FORMATS`).

    The first format family that reads every value is used; if none does, the family reading
    most values, the others becoming NaT (reported as unparseable). To keep a column of bad
    dates fast, families are tried in the order of their success on a sample of the values,
    and a family that reads none of the sample is not tried on the whole column once another
    has been.
    """
    present = values.dropna()
    sample = present.iloc[:_SAMPLE]
    hits = [int(_parse_date_family(sample, family).notna().sum()) for family in DATE_FORMATS]
    order = sorted(range(len(DATE_FORMATS)), key=lambda i: -hits[i])
    best: pd.Series | None = None
    for i in order:
        if best is not None and hits[i] == 0:
            break
        parsed = _parse_date_family(values, DATE_FORMATS[i])
        if int(parsed.notna().sum()) == len(present):
            return parsed
        if best is None or parsed.notna().sum() > best.notna().sum():
            best = parsed
    assert best is not None
    return best


def _parse_date_family(values: pd.Series, family: tuple[str, ...]) -> pd.Series:
    """Parse with the first format of ``family``; values it misses are tried with the others.

    When more than :data:`_SAMPLE` values are still unread, a further format is tried on all of
    them only if it reads some of the first :data:`_SAMPLE` (a failing parse is slow).
    """
    parsed = pd.to_datetime(values, format=family[0], errors="coerce")
    for fmt in family[1:]:
        rest = values[parsed.isna() & values.notna()]
        if rest.empty:
            break
        if len(rest) > _SAMPLE and pd.to_datetime(rest.iloc[:_SAMPLE], format=fmt,
                                                  errors="coerce").isna().all():
            continue
        parsed[rest.index] = pd.to_datetime(rest, format=fmt, errors="coerce").dt.normalize()
    return parsed


def parse_auto(values: pd.Series) -> pd.Series:
    """Return a covariate as float64 if every value is a number, else as text."""
    num = parse_numbers(values)
    return num if num.notna().sum() == values.notna().sum() else values


_PARSERS: dict[str, Callable[[pd.Series], pd.Series]] = {
    "number": parse_numbers,
    "integer": parse_integers,
    "flag": parse_flags,
    "date": parse_dates,
    "auto": parse_auto,
}


def parse_column(values: pd.Series, kind: ColumnKind) -> pd.Series:
    """Parse a text column to the dtype of its kind.

    Parameters
    ----------
    values : pandas.Series
        Text as read (object dtype, blanks NaN, spaces stripped).
    kind : str
        ``date`` → datetime64[ns]; ``flag`` and ``integer`` → Int64; ``number`` → float64;
        ``id`` and ``text`` → unchanged text; ``auto`` → float64 if all values are numbers.

    Returns
    -------
    pandas.Series
        The parsed column; values that do not parse are missing (NaN, NaT or <NA>).
    """
    parser = _PARSERS.get(kind)
    return values if parser is None else parser(values)


def read_column(values: pd.Series, kind: ColumnKind) -> tuple[pd.Series, pd.Series]:
    """Clean and parse one column as read.

    Parameters
    ----------
    values : pandas.Series
        Text as read (object dtype, blanks NaN).
    kind : str
        The column's kind (see :func:`parse_column`).

    Returns
    -------
    text : pandas.Series
        The text with surrounding spaces stripped (cells of spaces only become NaN).
    parsed : pandas.Series
        The parsed column.

    Notes
    -----
    Identifiers and text are stripped first. Typed columns are parsed as read and only the
    values that fail are stripped and parsed again (a date column is then parsed again whole, so
    that it keeps one format): stripping millions of values is the slowest step otherwise.
    """
    if kind not in _TYPE_RULE:
        text = _clean_text(values)
        return text, parse_column(text, kind)
    parsed = parse_column(values, kind)
    failed = parsed.isna().to_numpy() & values.notna().to_numpy()
    if not failed.any():
        return values, parsed
    text = values.copy()
    text[failed] = _clean_text(values[failed])
    if kind == "date":
        return text, parse_column(text, kind)
    retry = text[failed].dropna()
    if len(retry):
        parsed[retry.index] = parse_column(retry, kind)
    return text, parsed


# --------------------------------------------------------------------------- pandera plumbing


def _check(rule: str, test: Callable[[pd.Series], pd.Series]) -> pa.Check:
    """Return a vectorised pandera check named by its rule text; blank cells pass.

    ``test`` gets the whole column (pandera's ``ignore_na`` is off so that the column keeps
    its index and can be compared with other columns) and returns a boolean Series; a result
    that is missing (comparison with a blank) counts as passing.
    """

    def run(values: pd.Series) -> pd.Series:
        result = test(values)
        if result.dtype != bool:
            result = result.fillna(True).astype(bool)
        return result | values.isna().to_numpy()

    return pa.Check(run, name=rule, element_wise=False, ignore_na=False)


def _schema_problems(schema: pa.DataFrameSchema, frame: pd.DataFrame, file: str,
                     labels: dict[str, str]) -> list[Problem]:
    """Validate ``frame`` lazily and turn pandera's failure cases into problems.

    Failure cases are grouped by column and check; only their row index is used (the failing
    values are never read), giving data row numbers ``index + 1``.
    """
    try:
        schema.validate(frame, lazy=True, inplace=True)
    except SchemaErrors as err:
        failures = err.failure_cases.loc[:, ["column", "check", "index"]]
    else:
        return []
    return _failures_to_problems(failures, file, labels)


def _failures_to_problems(failures: pd.DataFrame, file: str,
                          labels: dict[str, str]) -> list[Problem]:
    """Group failure cases (columns ``column``, ``check``, ``index``) into problems."""
    out = []
    index = pd.to_numeric(failures["index"], errors="coerce")
    for (column, check), rows in index.groupby([failures["column"], failures["check"]],
                                               sort=False, dropna=False):
        numbers = _sorted_unique(rows.dropna().to_numpy(dtype=np.int64)) + 1
        rule = _PANDERA_CHECKS.get(str(check), str(check))
        out.append(Problem(file, labels.get(str(column), f"'{column}'"), rule,
                           tuple(numbers.tolist())))
    return out


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """Return the sorted distinct values of an integer array (faster than ``np.unique``)."""
    values = np.sort(values)
    if len(values) < 2:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


# --------------------------------------------------------------------------- table checks


def _type_schema(specs: list[ColumnSpec], parsed: pd.DataFrame) -> pa.DataFrameSchema:
    """Schema on the text as read: blanks in non-nullable columns, values of the wrong type."""
    columns = {}
    for s in specs:
        checks = []
        if s.kind in _TYPE_RULE:
            ok = parsed[s.name].notna()
            checks.append(_check(_TYPE_RULE[s.kind], lambda v, ok=ok: ok))
        columns[s.name] = pa.Column(nullable=s.nullable, checks=checks)
    return pa.DataFrameSchema(columns)


def _value_checks(table: str, parsed: pd.DataFrame) -> dict[str, list[pa.Check]]:
    """Return the value checks of a table's parsed columns, by column name."""
    lo, hi = AGE_RANGE
    checks: dict[str, list[pa.Check]] = {
        "age": [_check(RULES["age_range"], lambda v: v.between(lo, hi))],
        "prior_offences": [_check(RULES["negative_count"], lambda v: v >= 0)],
        "prior_offences_12m": [_check(RULES["negative_count"], lambda v: v >= 0)],
    }
    if table in ("people", "survival"):
        checks["person_id"] = [_check(RULES["duplicate_id"], lambda v: ~v.duplicated(keep=False))]
    if table == "survival":
        checks["duration"] = [_check(RULES["duration"], lambda v: v > 0)]
    if "cohort_start" in parsed and "exit_date" in parsed:
        start = parsed["cohort_start"]
        checks["exit_date"] = [_check(RULES["exit_before_start"], lambda v: ~(v < start))]
    if "offence_date" in parsed and "proven_date" in parsed:
        offence = parsed["offence_date"]
        checks["proven_date"] = [_check(RULES["proven_before_offence"], lambda v: ~(v < offence))]
    return checks


def _value_schema(table: str, specs: list[ColumnSpec], parsed: pd.DataFrame) -> pa.DataFrameSchema:
    """Schema on the parsed columns: ranges, follow-up, date order, unique ids."""
    checks = _value_checks(table, parsed)
    role_columns = {s.name for s in specs if s.origin == "role"}
    columns = {
        name: pa.Column(nullable=True, checks=checks[name])
        for name in parsed.columns
        if name in checks and name in role_columns
    }
    return pa.DataFrameSchema(columns)


def _treatment_problems(parsed: pd.DataFrame, spec: ColumnSpec | None, file: str) -> list[Problem]:
    """Return a problem if the treatment flag does not have both levels 0 and 1."""
    if spec is None or spec.name not in parsed:
        return []
    n = int(parsed[spec.name].dropna().nunique())
    if n >= 2:
        return []
    return [Problem(file, spec.label, RULES["treatment_levels"].format(n=n))]


def _treatment_spec(table: str, specs: list[ColumnSpec], params: RunParams) -> ColumnSpec | None:
    """Return the spec of the treatment flag column of ``table``, if the table has it."""
    d = params.data
    if table == "survival":
        name = d.treatment
    elif table == "people":
        name = next((iv.flag for iv in d.interventions if iv.name == d.treatment), None)
    else:
        return None
    return next((s for s in specs if s.name == name and s.kind == "flag"), None)


def validate_table(table: str, raw: pd.DataFrame, params: RunParams, file: str) -> TableResult:
    """Check one table read as text and return it parsed, with its problems.

    Parameters
    ----------
    table : {"survival", "people", "offences"}
        Which table ``raw`` is.
    raw : pandas.DataFrame
        The table as returned by :func:`analysis.data.readers.read_table`.
    params : RunParams
        The run parameters (column roles and analysis columns).
    file : str
        The file's name for messages.

    Returns
    -------
    TableResult
        ``frame``: the columns present in the file, renamed to role names and parsed (other
        columns dropped); ``problems``: every failed rule (empty if the table is valid).
    """
    specs = table_specs(table, params)
    problems = _missing_columns(raw, specs, file)
    specs = [s for s in specs if s.source in raw.columns]
    labels = {s.name: s.label for s in specs}
    columns = {s.name: read_column(raw[s.source], s.kind) for s in specs}
    text = pd.DataFrame({name: pair[0] for name, pair in columns.items()}, index=raw.index, copy=False)
    parsed = pd.DataFrame({name: pair[1] for name, pair in columns.items()}, index=raw.index, copy=False)
    del columns
    problems += _schema_problems(_type_schema(specs, parsed), text, file, labels)
    del text
    problems += _schema_problems(_value_schema(table, specs, parsed), parsed, file, labels)
    problems += _treatment_problems(parsed, _treatment_spec(table, specs, params), file)
    order = {s.label: i for i, s in enumerate(specs)}
    problems.sort(key=lambda p: order.get(p.column or "", -1))
    return TableResult(parsed, problems)


def validate_survival(raw: pd.DataFrame, params: RunParams, file: str) -> TableResult:
    """Validate the survival-form table; add ``person_id`` (row number) if it is not mapped.

    See :func:`validate_table` for the parameters and result.
    """
    frame, problems = validate_table("survival", raw, params, file)
    if "person_id" not in frame:
        frame.insert(0, "person_id", pd.Series(np.arange(1, len(frame) + 1).astype(str),
                                               index=frame.index, dtype=object))
    return TableResult(frame, problems)


def validate_people(raw: pd.DataFrame, params: RunParams, file: str) -> TableResult:
    """Validate the people table. See :func:`validate_table`."""
    return validate_table("people", raw, params, file)


def validate_offences(raw: pd.DataFrame, params: RunParams, file: str) -> TableResult:
    """Validate the offences table. See :func:`validate_table`."""
    return validate_table("offences", raw, params, file)


def validate_cross(people: pd.DataFrame, offences: pd.DataFrame, params: RunParams,
                   files: dict[str, str]) -> list[Problem]:
    """Check the offences against the people table (records form).

    Parameters
    ----------
    people, offences : pandas.DataFrame
        The parsed tables (role names), as returned by :func:`validate_people` and
        :func:`validate_offences`.
    params : RunParams
        The run parameters (for the column labels).
    files : dict of str to str
        The file names for messages, by table (``people``, ``offences``).

    Returns
    -------
    list of Problem
        Offences of unknown people and offences dated before the person's cohort start,
        reported on offences-file rows.
    """
    if "person_id" not in people or "person_id" not in offences:
        return []
    unique = people.drop_duplicates("person_id").dropna(subset=["person_id"])
    position = pd.Index(unique["person_id"]).get_indexer(offences["person_id"])
    known = pd.Series(position >= 0, index=offences.index)
    columns = {"person_id": pa.Column(nullable=True, checks=[_check(
        RULES["unknown_person"].format(people=files["people"]), lambda v: known)])}
    if "cohort_start" in unique and "offence_date" in offences:
        start = unique["cohort_start"].to_numpy()[position]
        start = pd.Series(np.where(position >= 0, start, np.datetime64("NaT")), index=offences.index)
        columns["offence_date"] = pa.Column(nullable=True, checks=[_check(
            RULES["offence_before_start"].format(people=files["people"]), lambda v: ~(v < start))])
    labels = {s.name: s.label for s in table_specs("offences", params)}
    return _schema_problems(pa.DataFrameSchema(columns), offences, files["offences"], labels)


# --------------------------------------------------------------------------- loading


def display_name(path: Path, params: RunParams) -> str:
    """Return a file's name for messages: relative to the project root when inside it."""
    if params.root is not None:
        try:
            return Path(path).relative_to(params.root).as_posix()
        except ValueError:
            pass
    return str(path)


_VALIDATORS: dict[str, Callable[[pd.DataFrame, RunParams, str], TableResult]] = {
    "survival": validate_survival,
    "people": validate_people,
    "offences": validate_offences,
}


#: Set by the runner for the kernels it starts: a file holding the data it has just validated
#: (:func:`save_validated`), in a private temporary folder deleted when the run ends.
VALIDATED_DATA_ENV = "ANALYSIS_VALIDATED_DATA"


def _tables(params: RunParams) -> tuple[str, ...]:
    return ("survival",) if params.data.form == "survival" else ("people", "offences")


def data_fingerprint(params: RunParams) -> str:
    """SHA-256 over everything :func:`load_data` reads: the data parameters and the files' bytes.

    The data parameters hold the files' absolute paths, so the fingerprint does not depend on
    the directory a notebook runs in.
    """
    h = hashlib.sha256(params.data.model_dump_json().encode())
    for table in _tables(params):
        h.update(sha256(_table_params(params, table).file).encode())
    return h.hexdigest()


def save_validated(data: ValidatedData, fingerprint: str, folder: Path) -> Path:
    """Write validated data, with the fingerprint of what they were read from, for the kernels.

    Parameters
    ----------
    data : ValidatedData
        From :func:`load_data`.
    fingerprint : str
        :func:`data_fingerprint` of the parameters, taken before the data were read.
    folder : Path
        A private folder (the runner's, mode 0700, deleted when the run ends).

    Returns
    -------
    Path
        The file to name in :data:`VALIDATED_DATA_ENV`.
    """
    path = folder / "validated.pickle"
    with path.open("wb") as f:
        pickle.dump({"fingerprint": fingerprint, "data": data}, f, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _validated_by_runner(params: RunParams) -> ValidatedData | None:
    """The runner's validated data if it has handed them over and they match ``params``."""
    path = os.environ.get(VALIDATED_DATA_ENV)
    if not path or not Path(path).is_file():
        return None
    with open(path, "rb") as f:
        saved = pickle.load(f)  # written by this run's runner in its private folder
    if saved.get("fingerprint") != data_fingerprint(params):
        return None
    return saved["data"]


def load_data(params: RunParams) -> ValidatedData:
    """Read and validate the input tables of a run.

    In a notebook started by the runner, the data the runner has just validated are used
    instead when they come from the same files (same bytes) with the same data parameters
    (:data:`VALIDATED_DATA_ENV`): a cohort of a million people is then validated once per run,
    not once per notebook.

    Parameters
    ----------
    params : RunParams
        Checked parameters (from :func:`analysis.params.load_params`).

    Returns
    -------
    ValidatedData
        The tables with role names and parsed dtypes; columns the parameters do not use are
        dropped, so that no more personal data than needed is held.

    Raises
    ------
    DataError
        If any table is empty, unreadable or breaks a rule; the message has one line per
        failed rule over all tables.
    """
    validated = _validated_by_runner(params)
    if validated is not None:
        return validated
    tables = _tables(params)
    files = {t: _table_params(params, t).file for t in tables}
    names = {t: display_name(files[t], params) for t in tables}
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    rows_read: dict[str, int] = {}
    for table in tables:
        raw = _read(table, params, names[table], problems)
        if raw is None:
            continue
        rows_read[table] = len(raw)
        frames[table], found = _VALIDATORS[table](raw, params, names[table])
        problems += found
        del raw
    if "people" in frames and "offences" in frames:
        problems += validate_cross(frames["people"], frames["offences"], params, names)
    if problems:
        raise DataError(problems)
    return ValidatedData(form=params.data.form, survival=frames.get("survival"),
                         people=frames.get("people"), offences=frames.get("offences"),
                         files=files, rows_read=rows_read)


def _read(table: str, params: RunParams, name: str, problems: list[Problem]) -> pd.DataFrame | None:
    """Read a table as text; on failure append the problem and return None."""
    tparams = _table_params(params, table)
    wanted = {s.source for s in table_specs(table, params)}
    try:
        return read_table(tparams.file, tparams.sheet, name=name, columns=wanted)
    except DataError as err:
        problems.extend(err.problems)
    return None


# --------------------------------------------------------------------------- data dictionary

_KIND_TEXT: dict[str, str] = {
    "id": "identifier (text)",
    "date": "date",
    "integer": "whole number",
    "number": "number",
    "flag": "0/1 flag",
    "text": "text",
}


def _role_table(roles: Iterable[Role]) -> str:
    """Return a Markdown table of roles."""
    lines = ["| role | type | required | blank allowed | description |",
             "| --- | --- | --- | --- | --- |"]
    for r in roles:
        lines.append(f"| `{r.name}` | {_KIND_TEXT[r.kind]} | {'yes' if r.required else 'no'} | "
                     f"{'yes' if r.nullable else 'no'} | {r.description} |")
    return "\n".join(lines)


def data_dictionary_markdown() -> str:
    """Return the role tables and rule messages of the data contract as Markdown.

    ``docs/data_dictionary.md`` includes this text verbatim; a test checks that it does, so the
    document cannot drift from :mod:`analysis.contract` and :data:`RULES`.
    """
    parts = []
    for table, title in (("survival", "Survival form: the `survival` table"),
                         ("people", "Records form: the `people` table"),
                         ("offences", "Records form: the `offences` table")):
        parts.append(f"### {title}\n\n{_role_table(ROLES[table])}\n")
    rules = ["| rule | message |", "| --- | --- |"]
    rules += [f"| `{key}` | {text} |" for key, text in RULES.items()]
    parts.append("### Rule messages\n\n" + "\n".join(rules) + "\n")
    return "\n".join(parts)
