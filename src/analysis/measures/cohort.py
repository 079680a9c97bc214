"""The analysis cohort: one row per person with outcome measures, and how it was arrived at.

Both input forms end here in the same shape, so every notebook works on either:

``person_id``, ``treated`` (0/1), ``group`` (label), ``time`` (follow-up to first proven
reoffence or censoring, in the data's time unit), ``event`` (1 = reoffended), ``reoffended``
(binary measure within the follow-up period), ``reoffences`` (frequency, records form only),
``age``, ``age_band``, ``cohort_group`` (adult or child) and the covariates and needs named in
the parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.data.checks import age_at
from analysis.data.engine import choose_engine
from analysis.data.loading import ValidatedData
from analysis.disclosure import (
    SUPPRESSED,
    apply_masks,
    flow_losses,
    is_shown,
    is_small,
    share_masks,
    shows_number,
    suppress_counts,
    suppress_where,
)
from analysis.measures.balance import is_binary, smd
from analysis.measures.proportions import wilson
from analysis.measures.reoffending import derive_measures, is_eligible, reoffending_rates
from analysis.measures.reoffending_sql import derive_measures_sql
from analysis.measures.time_scale import months_to_unit
from analysis.params import RunParams

__all__ = [
    "Cohort",
    "AGE_BANDS",
    "build_cohort",
    "age_band",
    "table_one",
    "published_flow",
    "reoffending_shown",
    "reoffending_summary",
    "table_one_display",
    "group_sizes",
    "published_table_one",
    "published_needs",
    "reoffending_published",
    "complete_cases",
]

#: Age bands (years at cohort start) used in tables: the youth justice bands, then adult bands
#: matching the Pan-Dorset caseload profile (largest group 25-34).
AGE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("10-14", 10, 15), ("15-17", 15, 18), ("18-24", 18, 25), ("25-34", 25, 35),
    ("35-44", 35, 45), ("45-54", 45, 55), ("55+", 55, np.inf),
)


@dataclass
class Cohort:
    """The analysis cohort and its provenance.

    Attributes
    ----------
    frame : DataFrame
        One row per person in the analysis cohort (columns in the module docstring).
    flow : DataFrame
        Record flow: ``step``, ``people``, ``excluded`` and ``reason``.
    time_unit : str
        Unit of ``frame.time``.
    treatment : str
        Name of the treatment (intervention or column).
    labels : dict
        ``{0: comparison label, 1: treated label}``.
    covariates, needs : list of str
        Columns named in the parameters.
    offences : DataFrame or None
        The offences table (records form), for counts by type.
    """

    frame: pd.DataFrame
    flow: pd.DataFrame
    time_unit: str
    treatment: str
    labels: dict[int, str]
    covariates: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    offences: pd.DataFrame | None = None


def age_band(age: pd.Series) -> pd.Series:
    """Return the age band label (see :data:`AGE_BANDS`) of ages in years."""
    edges = [b[1] for b in AGE_BANDS] + [np.inf]
    labels = [b[0] for b in AGE_BANDS]
    return pd.cut(age, bins=edges, labels=labels, right=False)


def _add_common(frame: pd.DataFrame, treated: pd.Series, labels: dict[int, str]) -> pd.DataFrame:
    """Add ``treated``, ``group``, ``age_band`` and ``cohort_group`` to ``frame`` in place."""
    frame["treated"] = treated.astype(int).to_numpy()
    frame["group"] = frame["treated"].map(labels)
    if "age" in frame:
        age = frame["age"].astype(float)
        frame["age_band"] = age_band(age)
        names = np.array(["Adult (18+)", "Child (10-17)"], dtype=object)
        frame["cohort_group"] = names[(age < 18).to_numpy(dtype=int)]  # two strings, shared
    return frame


def _flow_rows(steps: list[tuple[str, int, str]]) -> pd.DataFrame:
    rows, previous = [], None
    for step, n, reason in steps:
        rows.append({
            "step": step,
            "people": n,
            "excluded": 0 if previous is None else previous - n,
            "reason": reason,
        })
        previous = n
    return pd.DataFrame(rows)


def _with_age(people: pd.DataFrame) -> None:
    """Fill ``age`` (years at cohort start) from the date of birth where it is missing, in place."""
    if "age" not in people or people["age"].isna().any():
        derived = age_at(people["cohort_start"], people["date_of_birth"])
        people["age"] = people["age"].fillna(derived) if "age" in people else derived


def _measures_in_engine(params: RunParams, data: ValidatedData) -> pd.DataFrame | None:
    """The per-person measures from DuckDB (:func:`derive_measures_sql`), or None for pandas.

    DuckDB reads the files again when ``data.engine`` is ``duckdb``, or when ``auto`` chooses
    it (:func:`choose_engine`) and the offences table is not held in memory; otherwise the
    measures come from the validated tables already in memory (:func:`derive_measures`), which
    is many times faster than reading the files again and gives the same values.
    """
    engine = choose_engine(params, data.rows_read["offences"])
    if engine == "duckdb" and (params.data.engine == "duckdb" or data.offences is None):
        return derive_measures_sql(params)
    return None


def _join_measures(in_cohort: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    """The people in the cohort with their measures (``time_days`` named ``time``).

    The measures come one row per person in the people's order; their columns are then added
    to ``in_cohort`` in place. Otherwise, or when a name is taken, the two are merged on
    ``person_id``.
    """
    measures = measures.drop(columns=["exit_reason"], errors="ignore")
    added = [c for c in measures.columns if c != "person_id"]
    names = ["time" if c == "time_days" else c for c in added]
    aligned = (len(measures) == len(in_cohort)
               and not set(names) & set(in_cohort.columns)
               and bool((measures["person_id"].to_numpy() == in_cohort["person_id"].to_numpy()).all()))
    if not aligned:
        frame = in_cohort.merge(measures, on="person_id", how="left", validate="one_to_one")
        return frame.rename(columns={"time_days": "time"})
    for column, name in zip(added, names, strict=True):
        in_cohort[name] = measures[column].to_numpy()
    return in_cohort


def _records_cohort(params: RunParams, data: ValidatedData) -> Cohort:
    d, m = params.data, params.measures
    assert data.people is not None, "records-form data have a people table"
    people = data.people
    eligible = is_eligible(
        people["cohort_start"], pd.Timestamp(d.extract_date), m.follow_up_months, m.waiting_months
    )
    measures = _measures_in_engine(params, data)  # before the copy: the two do not overlap
    in_cohort = people.take(np.flatnonzero(eligible.to_numpy()))  # a copy of the people kept
    in_cohort.index = pd.RangeIndex(len(in_cohort))
    _with_age(in_cohort)
    if measures is None:
        measures = derive_measures(in_cohort, data.offences, m.follow_up_months, m.waiting_months)
    frame = _join_measures(in_cohort, measures)
    frame = _add_common(frame, frame[d.treatment_flag()], d.treatment_labels)
    flow = _flow_rows([
        ("People read", data.rows_read["people"], ""),
        ("Valid records", len(people), "records breaking the data contract (none: the run stops)"),
        ("Follow-up and waiting period complete", len(in_cohort),
         f"cohort start too recent for {m.follow_up_months} months' follow-up plus "
         f"{m.waiting_months} months' waiting by the extract date {d.extract_date}"),
    ])
    return Cohort(frame, flow, "days", d.treatment, d.treatment_labels,
                  list(d.covariates), list(d.needs), data.offences)


def _survival_cohort(params: RunParams, data: ValidatedData) -> Cohort:
    d, m = params.data, params.measures
    assert data.survival is not None, "survival-form data have a survival table"
    df = data.survival.copy()
    follow_up = float(months_to_unit(m.follow_up_months, d.time_unit))
    frame = df.rename(columns={"duration": "time"})
    frame["event"] = frame["event"].astype(int)
    frame["reoffended"] = ((frame["event"] == 1) & (frame["time"] <= follow_up)).astype(int)
    frame["reoffences"] = np.nan
    frame = _add_common(frame, frame[d.treatment], d.treatment_labels)
    flow = _flow_rows([
        ("People read", data.rows_read["survival"], ""),
        ("Valid records", len(frame), "records breaking the data contract (none: the run stops)"),
    ])
    return Cohort(frame, flow, d.time_unit, d.treatment, d.treatment_labels,
                  list(d.covariates), list(d.needs), None)


def build_cohort(params: RunParams, data: ValidatedData) -> Cohort:
    """Build the analysis cohort from validated data (either form).

    Parameters
    ----------
    params : RunParams
        Checked parameters.
    data : ValidatedData
        Output of :func:`analysis.data.loading.load_data`.

    Returns
    -------
    Cohort
    """
    if params.data.form == "records":
        return _records_cohort(params, data)
    return _survival_cohort(params, data)


def table_one(cohort: Cohort, variables: list[str] | None = None) -> pd.DataFrame:
    """Descriptive table by group with standardised differences (a "Table 1").

    Parameters
    ----------
    cohort : Cohort
        The analysis cohort.
    variables : list of str, optional
        Columns to describe; default: age, sex, area, the covariates and the needs.

    Returns
    -------
    DataFrame
        Tidy rows: ``variable``, ``level`` (for categories and 0/1 flags), ``statistic``
        (``"n (%)"`` or ``"mean (SD)"``), for each group ``n_<g>`` (people with a value),
        ``count_<g>`` (people in the level, for counts), ``value_<g>`` (percent or mean),
        ``sd_<g>``, and ``smd`` (treated minus comparison, see :func:`analysis.measures.balance.smd`).
    """
    f = cohort.frame
    if variables is None:
        variables = []
        for v in ["age", "sex", "area", "cohort_group", *cohort.covariates, *cohort.needs]:
            if v in f and v not in variables:
                variables.append(v)
    rows: list[dict[str, object]] = []
    row: dict[str, object]
    treated = f["treated"]
    for var in variables:
        s = f[var]
        numeric = pd.api.types.is_numeric_dtype(s) and not is_binary(s)
        if numeric:
            row = {"variable": var, "level": "", "statistic": "mean (SD)"}
            for g in (0, 1):
                x = s[treated == g].astype(float)
                row.update({f"n_{g}": int(x.notna().sum()), f"count_{g}": np.nan,
                            f"value_{g}": x.mean(), f"sd_{g}": x.std()})
            row["smd"] = smd(s.astype(float), treated)
            rows.append(row)
            continue
        levels = [1] if is_binary(s) else sorted(pd.unique(s.dropna()).tolist(), key=str)
        for level in levels:
            ind = (s == level).astype(float).where(s.notna())
            row = {"variable": var, "level": str(level) if not is_binary(s) else "yes",
                   "statistic": "n (%)"}
            for g in (0, 1):
                x = ind[treated == g]
                n = int(x.notna().sum())
                row.update({f"n_{g}": n, f"count_{g}": int(x.sum()),
                            f"value_{g}": 100 * x.mean() if n else np.nan, f"sd_{g}": np.nan})
            row["smd"] = smd(ind, treated)
            rows.append(row)
    return pd.DataFrame(rows)


def reoffending_summary(cohort: Cohort, by: list[str] | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """Binary and frequency proven-reoffending measures with Wilson CIs for the binary rate.

    Parameters
    ----------
    cohort : Cohort
        The analysis cohort.
    by : list of str, optional
        Columns to group by (e.g. ``["group"]``); overall when omitted.
    alpha : float
        1 - confidence level.

    Returns
    -------
    DataFrame
        As :func:`analysis.measures.reoffending.reoffending_rates`, plus ``binary_ci_low_pct`` and
        ``binary_ci_high_pct``. The frequency columns are NaN for survival-form data, which
        record only the first reoffence.
    """
    table = reoffending_rates(cohort.frame, by)
    ci = wilson(table["reoffenders"], table["offenders"], alpha)
    pos = table.columns.get_loc("binary_rate_pct") + 1
    table.insert(pos, "binary_ci_low_pct", ci["ci_low_pct"].to_numpy())
    table.insert(pos + 1, "binary_ci_high_pct", ci["ci_high_pct"].to_numpy())
    if cohort.frame["reoffences"].isna().all():
        freq = ["reoffences", "frequency_per_offender", "frequency_per_reoffender"]
        table[freq] = np.nan
    return table


def group_sizes(cohort: Cohort) -> tuple[int, int]:
    """People in the comparison and treated groups (``treated`` 0 and 1)."""
    t = cohort.frame["treated"].astype(int)
    return int((t == 0).sum()), int((t == 1).sum())


def published_table_one(table: pd.DataFrame, sizes: Sequence[int], min_cell: int = 5) -> pd.DataFrame:
    """A :func:`table_one` under the small-count rule.

    Counts of people in a level, and the people with a value, are suppressed by
    :func:`analysis.disclosure.share_masks`: a level's cells across the two groups, the levels
    of a variable within a group, the people in no shown level (the "no" of a yes/no flag) and
    the people without a value are protected from working out by subtraction. A percent is
    suppressed where its count or its base is; a mean and SD where the group's people with a
    value are fewer than ``min_cell``; an SMD wherever either group's percent or mean is.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`table_one`.
    sizes : sequence of int
        People in the comparison and treated groups (:func:`group_sizes`).
    min_cell : int
        Smallest count shown.
    """
    if table.empty:
        return table.copy()
    masks = share_masks(table, ["count_0", "count_1"], ["n_0", "n_1"], sizes, "variable", min_cell)
    out = apply_masks(table, masks, {}, min_cell)
    is_mean = table["statistic"] == "mean (SD)"
    any_hidden = pd.Series(False, index=table.index)
    for g in (0, 1):
        # a percent gives its count with its base; a mean gives no count, only a small group's
        hidden = np.where(is_mean, is_small(table[f"n_{g}"], min_cell),
                          masks[f"count_{g}"] | masks[f"n_{g}"])
        out = suppress_where(out, [f"value_{g}", f"sd_{g}"], hidden)
        any_hidden |= hidden
    return suppress_where(out, ["smd"], any_hidden)


def table_one_display(published: pd.DataFrame, labels: dict[int, str]) -> pd.DataFrame:
    """Format a :func:`published_table_one` for reading: ``n (%)`` or ``mean (SD)`` per group.

    Parameters
    ----------
    published : DataFrame
        Output of :func:`published_table_one`.
    labels : dict
        ``{0: comparison label, 1: treated label}``, used as column names.
    """

    def cell(row: pd.Series, g: int) -> str:
        value, sd, count = row[f"value_{g}"], row[f"sd_{g}"], row[f"count_{g}"]
        if row["statistic"] == "mean (SD)":
            return f"{value:.1f} ({sd:.1f})" if shows_number(value) else SUPPRESSED
        if not shows_number(count):
            return count
        return f"{int(count):,} ({value:.1f}%)" if shows_number(value) else f"{int(count):,} ({SUPPRESSED})"

    smd_value = pd.to_numeric(published["smd"], errors="coerce").round(3)
    if not is_shown(published["smd"]).all():
        smd_value = smd_value.astype(object).where(smd_value.notna(), published["smd"])
    return pd.DataFrame({
        "Variable": published["variable"],
        "Level": published["level"],
        "Statistic": published["statistic"],
        labels[0]: [cell(r, 0) for _, r in published.iterrows()],
        labels[1]: [cell(r, 1) for _, r in published.iterrows()],
        "SMD": smd_value,
    })


def published_needs(prevalence: pd.DataFrame, size: int, min_cell: int = 5) -> pd.DataFrame:
    """A :func:`analysis.measures.needs.needs_prevalence` table (no ``by``) under the small-count rule.

    Each need is a yes/no flag of ``size`` people: the people with the need, without it, and
    not assessed are protected by :func:`analysis.disclosure.share_masks`; percentages and
    intervals are suppressed where ``with_need`` or ``assessed`` is.
    """
    if prevalence.empty:
        return prevalence.copy()
    masks = share_masks(prevalence, ["with_need"], ["assessed"], [size], None, min_cell)
    ties = {c: ["with_need", "assessed"] for c in ("percent", "ci_low_pct", "ci_high_pct")}
    return apply_masks(prevalence, masks, ties, min_cell)


#: Count columns of :func:`reoffending_summary`, and the columns derived from its reoffenders.
REOFFENDING_COUNTS = ("offenders", "reoffenders", "reoffences")
#: Each rate comes from two of the counts; any small count suppresses them all.
REOFFENDING_DERIVED = ("binary_rate_pct", "binary_ci_low_pct", "binary_ci_high_pct",
                       "frequency_per_offender", "frequency_per_reoffender")

#: The offenders who did not reoffend follow from the two counts: they are a cell too.
REOFFENDING_COMPLEMENTS = {"reoffenders": "offenders"}


def reoffending_published(table: pd.DataFrame, min_cell: int = 5, rounded: bool = False) -> pd.DataFrame:
    """Apply the small-count rule to a :func:`reoffending_summary` table, optionally rounded to read.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`reoffending_summary`; with more than one row, the groups add up to the
        overall figures, so secondary suppression applies across them.
    min_cell : int
        Smallest count shown.
    rounded : bool
        Round percentages to one decimal and frequencies to two (for display; CSVs keep full
        precision).
    """
    if rounded:
        table = table.round({c: 1 if c.endswith("_pct") else 2 for c in REOFFENDING_DERIVED})
    by_group = len(table) > 1  # the groups add up to the published overall figures
    return suppress_counts(table, REOFFENDING_COUNTS, REOFFENDING_DERIVED, min_cell,
                           sets=True if by_group else None, complements=REOFFENDING_COMPLEMENTS)


def reoffending_shown(table: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """The rows of a :func:`reoffending_summary` table whose rates :func:`reoffending_published`
    shows (exact values, for figures and headline numbers)."""
    return table[is_shown(reoffending_published(table, min_cell)["binary_rate_pct"]).to_numpy()]


def published_flow(flow: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """The record flow (:attr:`Cohort.flow`) under the small-count rule.

    Counts of people from 1 to ``min_cell - 1`` read ``"<min_cell"``. The people kept at each
    step are shown even when few are excluded, so a small exclusion can be worked out from two
    shown totals: the flow is what a reader needs to judge the cohort, and an exclusion counts
    records failing a rule of the measures, not people with a characteristic. An exclusion
    beside a ``"<5"`` count of people kept reads ``"suppressed"``: with the step before, it
    would give them back (:func:`analysis.disclosure.flow_losses`).
    """
    forced = flow_losses(flow, {"people": "excluded"}, min_cell)
    return suppress_counts(flow, ["people", "excluded"], None, min_cell, forced=forced)


def complete_cases(frame: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, int]:
    """Rows of ``frame`` with a value in every one of ``columns``, and how many were dropped.

    Numeric-like nullable columns (``Int64``) come back as float so that model code can use them.
    """
    keep = frame[columns].notna().all(axis=1).to_numpy()
    out = frame.take(np.flatnonzero(keep))  # one copy, numbered afresh in place
    out.index = pd.RangeIndex(len(out))
    for col in columns:
        if isinstance(out[col].dtype, pd.api.extensions.ExtensionDtype) and \
                pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].astype(float)
    return out, int((~keep).sum())
