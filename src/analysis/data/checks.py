"""Check input tables read as text against the data contract.

:func:`validate_table` checks one table of :mod:`analysis.contract` with
`pandera <https://pandera.readthedocs.io>`_ schemas and returns it with columns renamed to their
role names and parsed to proper dtypes (:mod:`analysis.data.parsing`), with every failed rule as a
:class:`~analysis.errors.Problem`: the file, the column (the user's name and its role), the rule
and the failing data row numbers (1 = first row after the header). Messages never contain a cell
value: the inputs hold personal data.

Checks run in three stages, each a pandera ``DataFrameSchema`` validated with ``lazy=True``:

1. *types*, on the text as read: required values present, numbers, whole numbers, 0/1 flags
   and dates parse;
2. *values*, on the parsed columns: follow-up longer than zero, exit not before cohort start,
   proven date not before offence date, plausible age, non-negative counts, unique person ids;
3. *cross-table* (records form, :func:`validate_cross`), on the offences: person known in the
   people table, offence not before that person's cohort start.

All checks are vectorised (no Python loop over rows except one pass stripping spaces from
identifiers and text), so a cohort of a million people with five million offences is read and
validated in about half a minute on a two-core machine, of which about ten seconds is reading
the CSV files.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from analysis.data.parsing import TYPED_KINDS, read_column
from analysis.data.readers import NO_DATA_ROWS
from analysis.data.specs import ColumnSpec, table_specs
from analysis.errors import Problem
from analysis.params import RunParams

__all__ = [
    "AGE_RANGE",
    "RULES",
    "TableResult",
    "validate_cross",
    "validate_offences",
    "validate_people",
    "validate_survival",
    "validate_table",
]

#: Plausible age in years at cohort start. Proven-reoffending cohorts start at the age of
#: criminal responsibility in England and Wales (10); an age above 100 is almost surely a
#: keying error (e.g. a year typed as an age).
AGE_RANGE: tuple[int, int] = (10, 100)

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

_TYPE_RULE: dict[str, str] = {k: RULES[k] for k in TYPED_KINDS}

#: pandera's own check names mapped to our rule text.
_PANDERA_CHECKS: dict[str, str] = {"not_nullable": RULES["blank"]}


class TableResult(NamedTuple):
    """A validated table (columns present in the file, parsed) and the problems found."""

    frame: pd.DataFrame
    problems: list[Problem]


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
