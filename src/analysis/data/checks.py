"""Check input tables read as text against the data contract.

:func:`validate_table` checks one table of :mod:`analysis.contract` with
`pandera <https://pandera.readthedocs.io>`_ schemas and returns it with columns renamed to their
role names and parsed to proper dtypes (:mod:`analysis.data.parsing`), with every failed rule as a
:class:`~analysis.errors.Problem`: the file, the column (the user's name and its role), the rule
and the failing data row numbers (1 = first row after the header). Messages never contain a cell
value: the inputs hold personal data. Dates are read in the file's declared ``date_format``
(:mod:`analysis.data.parsing`); a missing column whose name the file has but for capitals,
spaces or underscores is suggested, and a workbook's sheets are named.

Checks run in three stages, each a pandera ``DataFrameSchema`` validated with ``lazy=True``:

1. *types*, on the text as read: required values present, numbers, whole numbers, 0/1 flags
   and dates parse;
2. *values*, on the parsed columns: follow-up longer than zero, exit not before cohort start,
   proven date not before offence date, plausible age (mapped, or derived from the date of
   birth where it is used), date of birth not after cohort start, non-negative counts, unique
   person ids;
3. *cross-table* (records form, :func:`validate_cross`), on the offences: person known in the
   people table, offence not before that person's cohort start.

All checks are vectorised (no Python loop over rows except one pass stripping spaces from
identifiers and text), so a cohort of a million people with five million offences is read and
validated in about half a minute on a two-core machine, of which about ten seconds is reading
the CSV files.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from analysis.data.parsing import (
    DEFAULT_DATE_FORMAT,
    TYPED_KINDS,
    date_format_label,
    other_date_order,
    parse_dates,
    read_column,
)
from analysis.data.readers import (
    DUPLICATE_COLUMN,
    NO_DATA_ROWS,
    SHORT_LINES,
    file_columns,
    sheets_note,
    workbook_sheets,
)
from analysis.data.specs import ColumnSpec, table_params, table_specs
from analysis.errors import Problem
from analysis.params import RunParams

__all__ = [
    "AGE_RANGE",
    "DateReading",
    "RULES",
    "age_at",
    "TableResult",
    "known_people",
    "validate_cross",
    "validate_offences",
    "validate_people",
    "validate_survival",
    "validate_table",
    "whole_column_problems",
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
    "date": "unparseable date (accepted: {accepted}, one format per column)",
    "duration": "zero or negative follow-up (duration must be greater than 0)",
    "exit_before_start": "exit date before cohort start (zero or negative follow-up)",
    "offence_before_start": "offence dated before the person's cohort start (cohort_start in {people})",
    "proven_before_offence": "proven date before offence date",
    "duplicate_id": "duplicate person id (every person must appear once; all rows sharing an id are listed)",
    "unknown_person": "offence for an unknown person (person_id not in {people})",
    "treatment_levels": "treatment column has {n} level(s); two levels (0 and 1) are needed",
    "negative_count": "negative prior offence count",
    "age_range": f"age outside the plausible range {AGE_RANGE[0]} to {AGE_RANGE[1]} years",
    "birth_after_start": "date of birth after cohort start",
    "derived_age_range": (f"age at cohort start derived from the date of birth outside the "
                          f"plausible range {AGE_RANGE[0]} to {AGE_RANGE[1]} years"),
    "duplicate_column": DUPLICATE_COLUMN,
    "short_lines": SHORT_LINES,
    "near_miss": "the file has a column '{name}', which differs only in capitals, spaces or "
                 "underscores: use that name in the parameters",
}

_TYPE_RULE: dict[str, str] = {k: RULES[k] for k in TYPED_KINDS}

#: pandera's own check names mapped to our rule text.
_PANDERA_CHECKS: dict[str, str] = {"not_nullable": RULES["blank"]}

# pandera is imported by the functions that validate, not with the module: the kernels of a
# run, handed data the runner has validated, never import it (0.25 s each).
if TYPE_CHECKING:
    import pandera.pandas as pa


class DateReading(NamedTuple):
    """How a whole date column is read, for validating it a part at a time.

    ``family``: the position in :func:`analysis.data.parsing.date_families` of the format
    family the whole column is read with; ``misordered``: whether values fail and every value
    reads in the other day/month order (the rule then names the setting, and the column's
    dates are compared with none).
    """

    family: int
    misordered: bool


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
    import pandera.pandas as pa

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
    from pandera.errors import SchemaErrors

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


def _missing_columns(raw: pd.DataFrame, specs: list[ColumnSpec], file: str,
                     table: str) -> list[Problem]:
    """Return one problem per required column the file does not have.

    A file column whose name differs only in capitals, spaces or underscores is suggested; a
    workbook of several sheets gets one more problem, first, naming the sheet read and its
    sheets.
    """
    out = []
    names = file_columns(raw)
    for s in specs:
        if s.source in raw.columns or not s.required:
            continue
        rule = RULES["missing_role"] if s.origin == "role" else RULES["missing_extra"].format(
            key=s.origin)
        near = _near_miss(s.source, names)
        if near is not None:
            rule += "; " + RULES["near_miss"].format(name=near)
        out.append(Problem(file, s.label, rule))
    read, sheets = workbook_sheets(raw)
    if out and len(sheets) > 1:
        # first: the wrong sheet is the likeliest reason for every missing column
        out.insert(0, Problem(file, None, f"{sheets_note(read, sheets)} with data.{table}.sheet"))
    return out


def _name_key(name: str) -> str:
    """A column name without capitals, spaces or underscores, to find near misses."""
    return re.sub(r"[\s_]+", "", name).casefold()


def _near_miss(wanted: str, names: list[str]) -> str | None:
    """The file's column named like ``wanted`` but for capitals, spaces or underscores, if any."""
    key = _name_key(wanted)
    return next((n for n in names if n != wanted and _name_key(n) == key), None)


def _date_rules(specs: list[ColumnSpec], text: pd.DataFrame, parsed: pd.DataFrame,
                table: str, date_format: str,
                dates: Mapping[str, DateReading]) -> dict[str, str]:
    """The rule text of each date column: the formats accepted and, where every value of a
    column that fails would read in the other day/month order, the setting that reads it
    (as ``dates`` says for a column read a part at a time)."""
    label = date_format_label(date_format)
    accepted = "YYYY-MM-DD" if label == "YYYY-MM-DD" else f"YYYY-MM-DD or {label}"
    rule = RULES["date"].format(accepted=accepted)
    other = other_date_order(date_format)
    rules = {}
    for s in specs:
        if s.kind != "date":
            continue
        rules[s.name] = rule
        if s.name in dates:
            misordered = dates[s.name].misordered
        else:
            failed = parsed[s.name].isna() & text[s.name].notna()
            misordered = other is not None and bool(failed.any()) and bool(parse_dates(
                text[s.name].dropna(), other).notna().all())
        if other is not None and misordered:
            rules[s.name] = (f"{rule}; the values read as {date_format_label(other)}: "
                             f"set data.{table}.date_format: {other}")
    return rules


def _misordered(date_rules: dict[str, str], date_format: str) -> list[str]:
    """Date columns whose failing values read in the other day/month order (see
    :func:`_date_rules`): the values that did parse there may have day and month swapped."""
    other = other_date_order(date_format)
    return [name for name, rule in date_rules.items()
            if other is not None and rule.endswith(f"date_format: {other}")]


def _parsed(ok: pd.Series) -> Callable[[pd.Series], pd.Series]:
    """A test that passes where a cell was parsed to its type (``ok``)."""
    return lambda values: ok


def _type_schema(specs: list[ColumnSpec], parsed: pd.DataFrame,
                 date_rules: dict[str, str]) -> pa.DataFrameSchema:
    """Schema on the text as read: blanks in non-nullable columns, values of the wrong type."""
    import pandera.pandas as pa

    columns = {}
    for s in specs:
        checks = []
        if s.kind in _TYPE_RULE:
            rule = date_rules[s.name] if s.kind == "date" else _TYPE_RULE[s.kind]
            checks.append(_check(rule, _parsed(parsed[s.name].notna())))
        columns[s.name] = pa.Column(nullable=s.nullable, checks=checks)
    return pa.DataFrameSchema(columns)


def _duplicate_check() -> pa.Check:
    """The check of unique person ids (every row sharing an id fails)."""
    return _check(RULES["duplicate_id"], lambda v: ~v.duplicated(keep=False))


def _value_checks(table: str, parsed: pd.DataFrame,
                  whole_columns: bool = True) -> dict[str, list[pa.Check]]:
    """Return the value checks of a table's parsed columns, by column name (without the unique
    person id check, which needs the whole column, when ``whole_columns`` is False)."""
    lo, hi = AGE_RANGE
    checks: dict[str, list[pa.Check]] = {
        "age": [_check(RULES["age_range"], lambda v: v.between(lo, hi))],
        "prior_offences": [_check(RULES["negative_count"], lambda v: v >= 0)],
        "prior_offences_12m": [_check(RULES["negative_count"], lambda v: v >= 0)],
    }
    if table in ("people", "survival") and whole_columns:
        checks["person_id"] = [_duplicate_check()]
    if table == "survival":
        checks["duration"] = [_check(RULES["duration"], lambda v: v > 0)]
    if "cohort_start" in parsed and "exit_date" in parsed:
        start = parsed["cohort_start"]
        checks["exit_date"] = [_check(RULES["exit_before_start"], lambda v: ~(v < start))]
    if table == "people" and "cohort_start" in parsed and "date_of_birth" in parsed:
        checks["date_of_birth"] = _birth_checks(parsed)
    if "offence_date" in parsed and "proven_date" in parsed:
        offence = parsed["offence_date"]
        checks["proven_date"] = [_check(RULES["proven_before_offence"], lambda v: ~(v < offence))]
    return checks


def _birth_checks(parsed: pd.DataFrame) -> list[pa.Check]:
    """Checks of the date of birth: not after cohort start; where the age at cohort start is
    derived from it (age not mapped, or blank), that age in :data:`AGE_RANGE`."""
    lo, hi = AGE_RANGE
    start = parsed["cohort_start"]
    age = pd.to_numeric(parsed["age"], errors="coerce") if "age" in parsed else None
    derived_used = pd.Series(True, index=parsed.index) if age is None else age.isna()

    def plausible(dob: pd.Series) -> pd.Series:
        born_before = (dob <= start).fillna(False).astype(bool)
        in_range = age_at(start, dob).between(lo, hi).fillna(False).astype(bool)
        return ~(derived_used & born_before & ~in_range)

    return [_check(RULES["birth_after_start"], lambda dob: ~(dob > start)),
            _check(RULES["derived_age_range"], plausible)]


def age_at(start: pd.Series, dob: pd.Series) -> pd.Series:
    """Whole years from date of birth to ``start`` (the age at cohort start), as Float64."""
    years = start.dt.year - dob.dt.year
    before_birthday = (start.dt.month < dob.dt.month) | (
        (start.dt.month == dob.dt.month) & (start.dt.day < dob.dt.day))
    return (years - before_birthday.astype(int)).astype("Float64")


def _value_schema(table: str, specs: list[ColumnSpec], parsed: pd.DataFrame,
                  whole_columns: bool = True) -> pa.DataFrameSchema:
    """Schema on the parsed columns: ranges, follow-up, date order, unique ids."""
    import pandera.pandas as pa

    checks = _value_checks(table, parsed, whole_columns)
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
    if table not in ("survival", "people"):
        return None
    name = params.data.treatment_flag()
    return next((s for s in specs if s.name == name and s.kind == "flag"), None)


def validate_table(table: str, raw: pd.DataFrame, params: RunParams, file: str,
                   whole_columns: bool = True,
                   dates: Mapping[str, DateReading] | None = None) -> TableResult:
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
    whole_columns : bool, default True
        Run the rules that need a whole column (unique person ids, both treatment levels).
        False for a chunk of the table (:mod:`analysis.data.streaming`), which runs them
        once with :func:`whole_column_problems`; row numbers are then ``raw.index + 1``.
    dates : mapping of str to DateReading, optional
        How each date column (by role name) of the whole table is read, for a chunk of it.

    Returns
    -------
    TableResult
        ``frame``: the columns present in the file, renamed to role names and parsed (other
        columns dropped); ``problems``: every failed rule (empty if the table is valid).
    """
    specs = table_specs(table, params)
    problems = _missing_columns(raw, specs, file, table)
    specs = [s for s in specs if s.source in raw.columns]
    labels = {s.name: s.label for s in specs}
    date_format = getattr(table_params(params, table), "date_format", DEFAULT_DATE_FORMAT)
    dates = dates or {}
    columns = {s.name: read_column(raw[s.source], s.kind, date_format,
                                   dates[s.name].family if s.name in dates else None)
               for s in specs}
    text = pd.DataFrame({name: pair[0] for name, pair in columns.items()}, index=raw.index, copy=False)
    parsed = pd.DataFrame({name: pair[1] for name, pair in columns.items()}, index=raw.index, copy=False)
    del columns
    date_rules = _date_rules(specs, text, parsed, table, date_format, dates)
    problems += _schema_problems(_type_schema(specs, parsed, date_rules), text, file, labels)
    del text
    for name in _misordered(date_rules, date_format):
        parsed[name] = pd.NaT  # its values that did parse may be misread: compare none of them
    problems += _schema_problems(_value_schema(table, specs, parsed, whole_columns), parsed,
                                 file, labels)
    if whole_columns:
        problems += _treatment_problems(parsed, _treatment_spec(table, specs, params), file)
    order = {s.label: i for i, s in enumerate(specs)}
    problems.sort(key=lambda p: order.get(p.column or "", -1))
    return TableResult(parsed, problems)


def whole_column_problems(table: str, parsed: pd.DataFrame, params: RunParams,
                          file: str) -> list[Problem]:
    """The rules of a table that need whole columns: unique person ids, both treatment levels.

    Parameters
    ----------
    table : {"survival", "people", "offences"}
        Which table ``parsed`` is.
    parsed : pandas.DataFrame
        The whole table as parsed by :func:`validate_table` (``whole_columns=False``), data
        row ``i`` at index ``i - 1``.
    params : RunParams
        The run parameters.
    file : str
        The file's name for messages.

    Returns
    -------
    list of Problem
        Duplicate person ids, then a treatment flag without both levels.
    """
    import pandera.pandas as pa

    specs = [s for s in table_specs(table, params) if s.name in parsed]
    labels = {s.name: s.label for s in specs}
    problems = []
    if table in ("people", "survival") and "person_id" in labels:
        schema = pa.DataFrameSchema({"person_id": pa.Column(nullable=True,
                                                            checks=[_duplicate_check()])})
        problems += _schema_problems(schema, parsed[["person_id"]], file, labels)
    return problems + _treatment_problems(parsed, _treatment_spec(table, specs, params), file)


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


def known_people(people: pd.DataFrame) -> pd.DataFrame:
    """The first row of each person id of the people table (``person_id`` and
    ``cohort_start``), indexed by id: what :func:`validate_cross` looks offences up in."""
    unique = people[[c for c in ("person_id", "cohort_start") if c in people]]
    unique = unique.drop_duplicates("person_id").dropna(subset=["person_id"])
    return unique.set_index(pd.Index(unique["person_id"]))


def validate_cross(people: pd.DataFrame, offences: pd.DataFrame, params: RunParams,
                   files: dict[str, str], known: pd.DataFrame | None = None) -> list[Problem]:
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
    known : pandas.DataFrame, optional
        :func:`known_people` of ``people``, made once for offences checked in chunks.

    Returns
    -------
    list of Problem
        Offences of unknown people and offences dated before the person's cohort start,
        reported on offences-file rows.
    """
    import pandera.pandas as pa

    if "person_id" not in people or "person_id" not in offences:
        return []
    unique = known_people(people) if known is None else known
    position = unique.index.get_indexer(offences["person_id"])
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
