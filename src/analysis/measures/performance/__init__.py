"""Performance measures of a reducing-reoffending strategy: targets, RAG status, trends, report.

The measures answer the question a Reducing Reoffending Strategy Group asks each quarter: are we
meeting our targets? Definitions, the red/amber/green rule and the differences from the official
measures are in ``docs/performance_measures.md``; this docstring is the short version.

Inputs
------
Everything works on a *performance frame*: one row per person of the people table (records
form), built by :func:`performance_frame`, with the proven-reoffending measures of
:mod:`analysis.measures.reoffending` for people whose follow-up and waiting period have both ended by the
extract date (``eligible``) and blank for the others. For survival-form data the cohort frame
of :func:`analysis.measures.cohort.build_cohort` is used as it is; only the measures its columns allow
are computed (the binary rate), and the others say what they need.

Quarters
--------
Every person belongs to the quarter of their ``cohort_start`` (release from custody, start of
a community sentence, or an out-of-court disposal). Quarters follow the financial year by
default (``year_start_month = 4``: 2022/23 Q1 is April to June 2022, as in the Appendix 4
performance report of the Safe Durham strategy); ``year_start_month = 1`` gives calendar
quarters ("2022 Q1").

The six Pan-Dorset measures
---------------------------
Five concern adults (18+) released from custody (``cohort_start_type`` equal to
``custody_start_type``); a person counts once the measure's window after release has passed by
the extract date (six weeks, six months, the night of release, three months, three weeks for
treatment engagement), and people whose flag is blank are left out of the denominator and
counted as ``not_recorded``. The sixth is the binary proven-reoffending rate of children
(10-17 at cohort start) among the eligible. Each has a value, a Wilson 95% interval
(``statsmodels.stats.proportion.proportion_confint``), its published target, and a status.

Status (RAG) rule
-----------------
``rule="ci"`` (default): **Green** when the whole 95% interval meets the target, **Red** when
the whole interval misses it, **Amber** when the interval contains the target (met or missed
cannot be told apart from chance). ``rule="estimate"``: Green when the estimate meets the
target, Amber when it misses but the interval still reaches the target, Red when the whole
interval misses. A measure with no one measured, or whose counts are suppressed by the
small-count rule, is **Not rated**.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from IPython.display import HTML
from scipy import stats
from statsmodels.stats.contingency_tables import Table
from statsmodels.stats.proportion import confint_proportions_2indep

from analysis.disclosure import (
    SUPPRESSED,
    apply_masks,
    is_small,
    secondary_around,
    suppress_counts,
    suppression_mask,
)
from analysis.errors import DataError, Problem
from analysis.measures.cohort import (
    REOFFENDING_COMPLEMENTS,
    REOFFENDING_COUNTS,
    REOFFENDING_DERIVED,
    _age_at,
    wilson_ci,
)
from analysis.measures.reoffending import derive_measures, is_eligible, reoffending_rates

__all__ = [
    "ADULT",
    "CHILD",
    "ALL",
    "Measure",
    "PAN_DORSET_MEASURES",
    "RAG_RULES",
    "quarter_table",
    "performance_frame",
    "wilson",
    "rag_status",
    "pan_dorset_targets",
    "pan_dorset_measures",
    "trend_test",
    "measure_trends",
    "reoffending_by_quarter",
    "read_population",
    "first_time_entrants",
    "custody_rate",
    "iom_reoffending",
    "detected_crime_change",
    "iom_detected_crime_change",
    "iom_time_to_reoffence",
    "needs_prevalence",
    "needs_per_person",
    "needs_cooccurrence",
    "compare_needs",
    "published_needs_assessed",
    "REPORT_INDICATORS",
    "report_long",
    "report_layout",
    "publish",
    "availability",
    "availability_text",
    "report_context",
    "report_html",
    "published_iom",
    "published_rolling",
    "report_style",
    "show",
]

#: Cohort-group labels, as in :mod:`analysis.measures.cohort`.
ADULT, CHILD = "Adult (18+)", "Child (10-17)"
#: Label of the row or column that covers every quarter.
ALL = "All cohorts"
#: The two status rules (see the module docstring).
RAG_RULES = ("ci", "estimate")
NOT_RATED = "Not rated"


# ----------------------------------------------------------------------------------------------
# Measures and targets
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """One Pan-Dorset performance measure.

    Attributes
    ----------
    key : str
        Short name (the flag column for the adult measures).
    label : str
        What is measured, in words.
    pathway : str
        Heading of the strategy's performance measures it sits under.
    column : str
        The 0/1 column counted (``reoffended`` for the children's measure).
    population : str
        Who is in the denominator, in words.
    target_figure : str
        Key of the target in ``data/reference/seed_figures.csv``.
    direction : {"at_least", "below"}
        The target is met at or above the target value, or strictly below it.
    window : pandas.DateOffset or None
        Time after cohort start before the flag can be known; None for the reoffending measure,
        whose window is the follow-up plus waiting period (``eligible``).
    window_text : str
        The window in words.
    need_column : str or None
        A 0/1 column restricting the denominator to people with the need.
    """

    key: str
    label: str
    pathway: str
    column: str
    population: str
    target_figure: str
    direction: Literal["at_least", "below"]
    window: pd.DateOffset | None
    window_text: str
    need_column: str | None = None

    @property
    def adult_custody(self) -> bool:
        """True for the five measures of adults released from custody."""
        return self.window is not None


_CUSTODY_ADULTS = "Adults (18+) released from custody"

#: The six measures of the Pan-Dorset Reducing Reoffending Strategy 2024-2027 (Performance
#: Measures section), in published order.
PAN_DORSET_MEASURES: tuple[Measure, ...] = (
    Measure("employed_6w", "Adults employed six weeks after release", "Employment status",
            "employed_6w", _CUSTODY_ADULTS, "target_employed_6w_min", "at_least",
            pd.DateOffset(weeks=6), "six weeks after release"),
    Measure("employed_6m", "Adults employed six months after release", "Employment status",
            "employed_6m", _CUSTODY_ADULTS, "target_employed_6m_min", "at_least",
            pd.DateOffset(months=6), "six months after release"),
    Measure("housed_release_night", "Adults housed on the night of release", "Housing stability",
            "housed_release_night", _CUSTODY_ADULTS, "target_housed_release_night_min", "at_least",
            pd.DateOffset(days=1), "the night of release"),
    Measure("settled_accommodation_3m", "Adults in settled accommodation three months after release",
            "Housing stability", "settled_accommodation_3m", _CUSTODY_ADULTS,
            "target_settled_accommodation_3m_min", "at_least", pd.DateOffset(months=3),
            "three months after release"),
    Measure("engaged_treatment", "Adults with a substance-misuse treatment need engaged in "
            "treatment after release", "Continuity of care", "engaged_treatment",
            _CUSTODY_ADULTS + " with a substance-misuse treatment need",
            "target_engaged_treatment_min", "at_least", pd.DateOffset(weeks=3),
            "three weeks after release", need_column="substance_treatment_need"),
    Measure("children_reoffending", "Children who reoffend (proven reoffending within 12 months)",
            "Youth justice system", "reoffended",
            "Children (10-17) whose follow-up and waiting period have ended", "target_children_reoffending_max",
            "below", None, "follow-up and waiting period"),
)


def pan_dorset_targets(figures: pd.DataFrame) -> pd.DataFrame:
    """The six measures with their published targets.

    Parameters
    ----------
    figures : DataFrame
        The reference figures (:func:`analysis.data.reference.seed_figures`).

    Returns
    -------
    DataFrame
        ``measure``, ``label``, ``pathway``, ``population``, ``target_pct``, ``direction``,
        ``target_text`` (e.g. ``">= 19%"``), ``figure`` and ``source``.
    """
    by_key = figures.set_index("figure")
    rows = []
    for m in PAN_DORSET_MEASURES:
        fig = by_key.loc[m.target_figure]
        target = float(fig["value"])
        rows.append({
            "measure": m.key, "label": m.label, "pathway": m.pathway, "population": m.population,
            "target_pct": target, "direction": m.direction,
            "target_text": _target_text(target, m.direction), "figure": m.target_figure,
            "source": fig["source"],
        })
    return pd.DataFrame(rows)


def _target_text(target: float, direction: str) -> str:
    return f"{'>=' if direction == 'at_least' else '<'} {target:g}%"


# ----------------------------------------------------------------------------------------------
# Quarters and the performance frame
# ----------------------------------------------------------------------------------------------


def quarter_table(dates: pd.Series, year_start_month: int = 4) -> pd.DataFrame:
    """Reporting quarter of each date.

    Parameters
    ----------
    dates : Series of datetime64
        E.g. ``cohort_start``.
    year_start_month : int, default 4
        First month of the reporting year: 4 for the UK financial year (April), 1 for calendar
        years.

    Returns
    -------
    DataFrame
        Same index as ``dates``: ``quarter`` (ordered categorical label, e.g. ``"2022/23 Q1"``
        or ``"2022 Q1"``, with one category for every quarter from the first to the last date),
        ``quarter_start`` and ``quarter_end`` (first and last day, datetime64).
    """
    if not 1 <= year_start_month <= 12:
        raise ValueError("year_start_month must be 1 to 12")
    d = pd.to_datetime(dates)
    months = d.dt.year * 12 + d.dt.month - 1  # months since year 0, NaN for NaT
    offset = year_start_month - 1
    index = np.floor((months - offset) / 3)  # quarter number counted from year 0
    start_months = index * 3 + offset

    def label(k: float) -> str:
        m0 = int(k) * 3 + offset
        fy = (m0 - offset) // 12
        q = ((m0 - offset) % 12) // 3 + 1
        return f"{fy} Q{q}" if year_start_month == 1 else f"{fy}/{(fy + 1) % 100:02d} Q{q}"

    valid = index.dropna()
    ks = np.arange(valid.min(), valid.max() + 1) if len(valid) else np.array([])
    categories = [label(k) for k in ks]
    labels = pd.Categorical([label(k) if pd.notna(k) else None for k in index],
                            categories=categories, ordered=True)

    def first_day(m: pd.Series) -> pd.Series:
        year = (m // 12).astype("Int64")
        month = (m % 12 + 1).astype("Int64")
        return pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}),
                              errors="coerce")

    qs = first_day(start_months)
    qe = first_day(start_months + 3) - pd.Timedelta(days=1)
    return pd.DataFrame({"quarter": labels, "quarter_start": qs.to_numpy(),
                         "quarter_end": qe.to_numpy()}, index=dates.index)


def performance_frame(
    people: pd.DataFrame,
    offences: pd.DataFrame | None,
    extract_date: pd.Timestamp | str,
    follow_up_months: int = 12,
    waiting_months: int = 6,
    year_start_month: int = 4,
    custody_start_type: str = "custody_release",
    iom_flag: str | None = None,
) -> pd.DataFrame:
    """One row per person with what the performance measures need (records form).

    Parameters
    ----------
    people : DataFrame
        The validated people table (role names; see :mod:`analysis.contract`).
    offences : DataFrame or None
        The validated offences table (None: no one has a proven reoffence).
    extract_date : Timestamp or str
        Date of the data extract.
    follow_up_months, waiting_months : int
        Ministry of Justice follow-up and waiting periods.
    year_start_month : int
        First month of the reporting year (see :func:`quarter_table`).
    custody_start_type : str
        Value of ``cohort_start_type`` meaning release from custody.
    iom_flag : str, optional
        The 0/1 column of the Integrated Offender Management intervention.

    Returns
    -------
    DataFrame
        The people columns plus ``age`` (derived from the date of birth where blank),
        ``cohort_group`` (``"Adult (18+)"`` or ``"Child (10-17)"``), ``quarter``,
        ``quarter_start``, ``quarter_end``, ``custody`` (bool), ``eligible`` (bool: follow-up
        and waiting period ended by the extract date for the person *and* for the last day of
        their quarter, so that only whole quarterly cohorts are measured), ``reoffended``, ``reoffences``,
        ``time_days`` (as :func:`analysis.measures.reoffending.derive_measures`; blank when not
        eligible) and ``iom`` (0/1, when ``iom_flag`` is given).
    """
    f = people.copy()
    if "age" not in f or f["age"].isna().any():
        if "date_of_birth" in f:
            derived = _age_at(f["cohort_start"], f["date_of_birth"]).astype(float)
            f["age"] = f["age"].fillna(derived) if "age" in f else derived
    age = f["age"].astype(float) if "age" in f else pd.Series(np.nan, index=f.index)
    f["cohort_group"] = pd.Series(np.where(age < 18, CHILD, ADULT), index=f.index).where(age.notna())
    f = f.join(quarter_table(f["cohort_start"], year_start_month))
    start_type = f["cohort_start_type"] if "cohort_start_type" in f else pd.Series(pd.NA, index=f.index)
    f["custody"] = start_type.eq(custody_start_type).fillna(False).astype(bool)
    # A quarterly cohort is measured once all of it can be: the quarter's last day must be
    # eligible too (otherwise the first days of a quarter would be reported as the quarter).
    eligible = (is_eligible(f["cohort_start"], extract_date, follow_up_months, waiting_months)
                & is_eligible(f["quarter_end"], extract_date, follow_up_months, waiting_months))
    if offences is None:
        offences = pd.DataFrame({"person_id": pd.Series(dtype=object),
                                 "offence_date": pd.Series(dtype="datetime64[ns]"),
                                 "proven_date": pd.Series(dtype="datetime64[ns]")})
    m = derive_measures(f, offences, follow_up_months, waiting_months)
    f["eligible"] = eligible.to_numpy()
    for col in ("reoffended", "reoffences", "time_days"):
        f[col] = m[col].astype(float).where(f["eligible"])
    if iom_flag is not None and iom_flag in f:
        f["iom"] = f[iom_flag].astype(float)
    return f


# ----------------------------------------------------------------------------------------------
# Proportions, status and trend
# ----------------------------------------------------------------------------------------------


def wilson(k: Sequence[float] | float, n: Sequence[float] | float, alpha: float = 0.05) -> pd.DataFrame:
    """Proportions in percent with Wilson score intervals (:func:`analysis.measures.cohort.wilson_ci`).

    Returns
    -------
    DataFrame
        ``value_pct``, ``ci_low_pct``, ``ci_high_pct``; NaN where ``n`` is 0.
    """
    k = np.atleast_1d(np.asarray(k, dtype=float))
    n = np.atleast_1d(np.asarray(n, dtype=float))
    ok = n > 0
    lo, hi = np.full(len(n), np.nan), np.full(len(n), np.nan)
    if ok.any():
        lo[ok], hi[ok] = wilson_ci(k[ok], n[ok], alpha)
    value = np.where(ok, k / np.where(ok, n, 1), np.nan)
    return pd.DataFrame({"value_pct": 100 * value, "ci_low_pct": 100 * lo, "ci_high_pct": 100 * hi})


def rag_status(
    value: float, low: float, high: float, target: float,
    direction: Literal["at_least", "below"], rule: str = "ci",
) -> str:
    """Red/amber/green status of an estimate and its interval against a target.

    Parameters
    ----------
    value, low, high : float
        Estimate and 95% interval (any unit, the same as ``target``).
    target : float
        The target value.
    direction : {"at_least", "below"}
        Met when the value is at or above the target, or strictly below it.
    rule : {"ci", "estimate"}
        ``"ci"``: Green when the whole interval meets the target, Red when the whole interval
        misses it, else Amber. ``"estimate"``: Green when the estimate meets the target, Red
        when the whole interval misses it, else Amber.

    Returns
    -------
    str
        ``"Green"``, ``"Amber"``, ``"Red"``, or ``"Not rated"`` when any input is missing.
    """
    if rule not in RAG_RULES:
        raise ValueError(f"rule must be one of {RAG_RULES}")
    if any(pd.isna(x) for x in (value, low, high, target)):
        return NOT_RATED

    def meets(x: float) -> bool:
        return x >= target if direction == "at_least" else x < target

    # The interval's best and worst ends for the target's direction.
    best, worst = (high, low) if direction == "at_least" else (low, high)
    if not meets(best):
        return "Red"
    if rule == "ci":
        return "Green" if meets(worst) else "Amber"
    return "Green" if meets(value) else "Amber"


def _measure_mask(frame: pd.DataFrame, m: Measure, extract_date: pd.Timestamp) -> tuple[pd.Series, str | None]:
    """People in the measure's population whose window has passed; or why it cannot be computed."""
    if m.adult_custody:
        missing = [c for c in ("cohort_start_type", m.column, m.need_column) if c and c not in frame]
        if missing:
            return pd.Series(False, index=frame.index), f"needs the records form column(s) {', '.join(missing)}"
        # Known once the window has passed for the whole quarter (whole quarterly cohorts only).
        last = frame["quarter_end"] if "quarter_end" in frame else frame["cohort_start"]
        known = last + m.window <= pd.Timestamp(extract_date)
        mask = frame["custody"] & frame["cohort_group"].eq(ADULT) & known
        if m.need_column:
            mask &= frame[m.need_column].eq(1).fillna(False).astype(bool)
        return mask.astype(bool), None
    if "reoffended" not in frame or "cohort_group" not in frame:
        return pd.Series(False, index=frame.index), "needs ages and the binary reoffending measure"
    eligible = frame["eligible"] if "eligible" in frame else pd.Series(True, index=frame.index)
    return (eligible & frame["cohort_group"].eq(CHILD)).fillna(False).astype(bool), None


def pan_dorset_measures(
    frame: pd.DataFrame,
    targets: pd.DataFrame,
    extract_date: pd.Timestamp | str | None,
    by_quarter: bool = False,
    rule: str = "ci",
    alpha: float = 0.05,
    min_cell: int = 5,
) -> pd.DataFrame:
    """The six Pan-Dorset measures, overall or by quarter, with Wilson intervals and status.

    Parameters
    ----------
    frame : DataFrame
        A performance frame (:func:`performance_frame`), or the cohort frame of survival data.
    targets : DataFrame
        Output of :func:`pan_dorset_targets`.
    extract_date : Timestamp, str or None
        Date of the extract, to decide whose window has passed (records form).
    by_quarter : bool
        One row per measure and quarter of cohort start (every quarter of the data, including
        empty ones), else one row per measure with ``quarter = "All cohorts"``.
    rule : {"ci", "estimate"}
        Status rule (:func:`rag_status`).
    alpha : float
        1 - confidence level of the intervals.
    min_cell : int
        Counts from 1 to ``min_cell - 1`` make a row Not rated (its rate would be suppressed).

    Returns
    -------
    DataFrame
        ``measure``, ``label``, ``quarter``, ``people`` (in the population with the window
        passed), ``not_recorded`` (of those, flag blank), ``denominator``, ``numerator``,
        ``value_pct``, ``ci_low_pct``, ``ci_high_pct``, ``target_pct``, ``target_text``,
        ``direction``, ``status`` and ``note`` (why a measure cannot be computed, if so).
    """
    extract = pd.Timestamp(extract_date) if extract_date is not None else pd.Timestamp.max
    rows = []
    for m in PAN_DORSET_MEASURES:
        t = targets.set_index("measure").loc[m.key]
        mask, why = _measure_mask(frame, m, extract)
        sub = frame.loc[mask]
        values = sub[m.column] if why is None else pd.Series(dtype=float)
        if by_quarter and "quarter" in frame:
            groups = [(q, values[sub["quarter"] == q]) for q in frame["quarter"].cat.categories]
        elif by_quarter:
            groups = []
        else:
            groups = [(ALL, values)]
        for quarter, v in groups:
            recorded = v.dropna()
            rows.append({
                "measure": m.key, "label": m.label, "quarter": str(quarter), "people": len(v),
                "not_recorded": int(v.isna().sum()), "denominator": len(recorded),
                "numerator": int(recorded.astype(float).sum()),
                "target_pct": float(t["target_pct"]), "target_text": t["target_text"],
                "direction": m.direction, "note": why or "",
            })
    out = pd.DataFrame(rows, columns=["measure", "label", "quarter", "people", "not_recorded",
                                      "denominator", "numerator", "target_pct", "target_text",
                                      "direction", "note"])
    ci = wilson(out["numerator"], out["denominator"], alpha)
    out = pd.concat([out.reset_index(drop=True), ci], axis=1)
    small = is_small(out["numerator"], min_cell) | is_small(out["denominator"], min_cell)
    out["status"] = [
        NOT_RATED if s else rag_status(r.value_pct, r.ci_low_pct, r.ci_high_pct, r.target_pct,
                                       r.direction, rule)
        for s, r in zip(small, out.itertuples(), strict=True)
    ]
    order = ["measure", "label", "quarter", "people", "not_recorded", "denominator", "numerator",
             "value_pct", "ci_low_pct", "ci_high_pct", "target_pct", "target_text", "direction",
             "status", "note"]
    return out[order]


def trend_test(numerator: Sequence[int], denominator: Sequence[int]) -> dict[str, float]:
    """Test for a linear trend in a proportion over ordered periods.

    The linear-by-linear association test of statsmodels (``Table.test_ordinal_association``)
    on the periods x (yes, no) table with scores 0, 1, 2, ... for the periods: for two columns
    it is the Cochran-Armitage trend test (``z = z_CA * sqrt((N - 1) / N)``). Periods with no
    one are left out.

    Returns
    -------
    dict
        ``periods`` (used), ``z`` (positive: the proportion rises), ``p_value`` (two-sided).
    """
    k = np.asarray(numerator, dtype=float)
    n = np.asarray(denominator, dtype=float)
    scores = np.arange(len(n), dtype=float)
    keep = n > 0
    k, n, scores = k[keep], n[keep], scores[keep]
    if len(n) < 3 or k.sum() in (0, n.sum()):
        return {"periods": int(len(n)), "z": np.nan, "p_value": np.nan}
    table = Table(np.column_stack([k, n - k]), shift_zeros=False)
    res = table.test_ordinal_association(row_scores=scores, col_scores=np.array([1.0, 0.0]))
    return {"periods": int(len(n)), "z": float(res.zscore), "p_value": float(res.pvalue)}


def measure_trends(by_quarter: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Direction of each measure's quarterly trend, from :func:`trend_test`.

    Parameters
    ----------
    by_quarter : DataFrame
        Output of :func:`pan_dorset_measures` with ``by_quarter=True``.
    alpha : float
        Significance level for calling a trend rising or falling.

    Returns
    -------
    DataFrame
        ``measure``, ``periods``, ``first_quarter``, ``last_quarter``, ``z``, ``p_value``,
        ``trend`` (``"rising"``, ``"falling"``, ``"no clear trend"`` or ``"too few quarters"``)
        and ``meaning`` (``"improving"``, ``"worsening"`` or ``""``, by the target's direction).
    """
    rows = []
    for key, g in by_quarter.groupby("measure", sort=False):
        used = g[g["denominator"] > 0]
        res = trend_test(g["numerator"], g["denominator"])
        if np.isnan(res["z"]):
            trend, meaning = "too few quarters", ""
        elif res["p_value"] >= alpha:
            trend, meaning = "no clear trend", ""
        else:
            trend = "rising" if res["z"] > 0 else "falling"
            good = (res["z"] > 0) == (g["direction"].iloc[0] == "at_least")
            meaning = "improving" if good else "worsening"
        rows.append({"measure": key, "periods": res["periods"],
                     "first_quarter": used["quarter"].iloc[0] if len(used) else "",
                     "last_quarter": used["quarter"].iloc[-1] if len(used) else "",
                     "z": res["z"], "p_value": res["p_value"], "trend": trend, "meaning": meaning})
    return pd.DataFrame(rows, columns=["measure", "periods", "first_quarter", "last_quarter", "z",
                                       "p_value", "trend", "meaning"])


# ----------------------------------------------------------------------------------------------
# Ministry of Justice and youth justice measures
# ----------------------------------------------------------------------------------------------


def reoffending_by_quarter(
    frame: pd.DataFrame,
    by: Sequence[str] = ("cohort_group",),
    alpha: float = 0.05,
    subset: pd.Series | None = None,
) -> pd.DataFrame:
    """Binary and frequency proven-reoffending measures by quarterly cohort.

    Parameters
    ----------
    frame : DataFrame
        A performance frame; only ``eligible`` people are counted.
    by : sequence of str
        Groups within each quarter (default adults and children).
    alpha : float
        1 - confidence level of the Wilson interval of the binary rate.
    subset : Series of bool, optional
        Restrict to these people (e.g. the IOM cohort).

    Returns
    -------
    DataFrame
        The ``by`` columns, ``quarter`` (every quarter with an eligible person, then
        ``"All cohorts"``), ``offenders``, ``reoffenders``, ``reoffences``,
        ``binary_rate_pct``, ``binary_ci_low_pct``, ``binary_ci_high_pct``,
        ``frequency_per_offender`` and ``frequency_per_reoffender`` (as
        :func:`analysis.measures.reoffending.reoffending_rates`).
    """
    by = [b for b in by if b in frame]
    keep = frame["eligible"] if "eligible" in frame else pd.Series(True, index=frame.index)
    if subset is not None:
        keep = keep & subset.fillna(False).astype(bool)
    f = frame.loc[keep.astype(bool)].copy()
    f["reoffended"] = f["reoffended"].astype(int)
    has_frequency = "reoffences" in f and f["reoffences"].notna().all()
    f["reoffences"] = f["reoffences"].fillna(0).astype(int) if has_frequency else 0
    parts = []
    if "quarter" in f:
        q = f.assign(quarter=f["quarter"].astype(str))
        order = [c for c in frame["quarter"].cat.categories if c in set(q["quarter"])]
        table = reoffending_rates(q, [*by, "quarter"])
        table["quarter"] = pd.Categorical(table["quarter"], categories=order, ordered=True)
        parts.append(table.sort_values([*by, "quarter"]).assign(quarter=lambda t: t["quarter"].astype(str)))
    overall = reoffending_rates(f, by) if by else reoffending_rates(f).drop(columns="group")
    parts.append(overall.assign(quarter=ALL))
    out = pd.concat(parts, ignore_index=True)
    ci = wilson(out["reoffenders"], out["offenders"], alpha)
    out["binary_ci_low_pct"] = ci["ci_low_pct"].to_numpy()
    out["binary_ci_high_pct"] = ci["ci_high_pct"].to_numpy()
    if not has_frequency:
        out[["reoffences", "frequency_per_offender", "frequency_per_reoffender"]] = np.nan
    cols = [*by, "quarter", "offenders", "reoffenders", "reoffences", "binary_rate_pct",
            "binary_ci_low_pct", "binary_ci_high_pct", "frequency_per_offender",
            "frequency_per_reoffender"]
    return out[cols].sort_values([*by], kind="stable").reset_index(drop=True) if by else out[cols]


#: Required columns of a population table.
POPULATION_COLUMNS = ("area", "year", "population_10_17")


def read_population(path: Path | str) -> pd.DataFrame:
    """Read and check a table of population aged 10-17 by area and year.

    Parameters
    ----------
    path : Path or str
        CSV with columns ``area``, ``year`` (calendar year of the mid-year estimate) and
        ``population_10_17``; other columns (source, notes) are kept.

    Returns
    -------
    DataFrame
        The table, ``year`` and ``population_10_17`` as integers.

    Raises
    ------
    DataError
        When a column is missing, a value is not a positive whole number, or an (area, year)
        pair appears twice; the message names the file, column, rule and rows (never values).
    """
    path = Path(path)
    name = path.name
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataError([Problem(name, None, f"cannot be read as CSV ({exc.__class__.__name__})")]) from None
    problems: list[Problem] = []
    for col in POPULATION_COLUMNS:
        if col not in table:
            problems.append(Problem(name, col, "required column is missing from the file"))
    if problems:
        raise DataError(problems)
    rows = np.arange(1, len(table) + 1)
    blank = table["area"].str.strip().eq("")
    if blank.any():
        problems.append(Problem(name, "area", "required value is missing (blank)", tuple(rows[blank])))
    for col, low in (("year", 1900), ("population_10_17", 1)):
        num = pd.to_numeric(table[col].str.strip(), errors="coerce")
        bad = num.isna() | (num % 1 != 0) | (num < low)
        if bad.any():
            problems.append(Problem(name, col, f"not a whole number of at least {low}", tuple(rows[bad])))
    if problems:
        raise DataError(problems)
    table["area"] = table["area"].str.strip()
    table["year"] = table["year"].astype(float).astype(int)
    table["population_10_17"] = table["population_10_17"].astype(float).astype(int)
    dup = table.duplicated(["area", "year"], keep=False)
    if dup.any():
        raise DataError([Problem(name, "area, year", "an area and year appear more than once",
                                 tuple(rows[dup]))])
    return table


def _rolling_rate(
    frame: pd.DataFrame,
    counted: pd.Series,
    population: pd.DataFrame | None,
    per: int,
    name: str,
) -> pd.DataFrame:
    """Counts per quarter and per rolling 12 months, by area and for all areas, per population."""
    quarters = list(frame["quarter"].cat.categories)
    first_start = frame["quarter_start"].min()
    areas = sorted(frame["area"].dropna().unique().tolist()) if "area" in frame else []
    units = [(a, frame["area"].eq(a)) for a in areas] + [("All areas", pd.Series(True, index=frame.index))]
    rows = []
    for area, in_area in units:
        per_quarter = (frame.loc[counted & in_area, "quarter"].value_counts()
                       .reindex(quarters, fill_value=0))
        for i, q in enumerate(quarters):
            end = first_start + pd.DateOffset(months=3 * (i + 1)) - pd.Timedelta(days=1)
            complete = i >= 3
            rows.append({"area": area, "quarter": q, "quarter_end": end,
                         f"{name}_quarter": int(per_quarter.iloc[i]),
                         f"{name}_12m": int(per_quarter.iloc[i - 3:i + 1].sum()) if complete else np.nan,
                         "window_complete": complete, "population_year": int(end.year)})
    out = pd.DataFrame(rows)
    pop = None
    if population is not None:
        pop = population.groupby(["area", "year"])["population_10_17"].sum()
        total = population.groupby("year")["population_10_17"].sum()
        covered = set(areas) <= set(population["area"])

        def lookup(area: str, year: int) -> float:
            if area == "All areas":
                return float(total.get(year, np.nan)) if covered else np.nan
            return float(pop.get((area, year), np.nan))

        out["population_10_17"] = [lookup(a, y) for a, y in zip(out["area"], out["population_year"], strict=True)]
    else:
        out["population_10_17"] = np.nan
    out[f"rate_per_{per}"] = out[f"{name}_12m"] / out["population_10_17"] * per
    return out


def first_time_entrants(frame: pd.DataFrame, population: pd.DataFrame | None) -> pd.DataFrame:
    """First-time entrants (FTE) to the youth justice system, per 100,000 aged 10-17.

    Definition from the records form: a child (10-17 at cohort start) with ``prior_offences``
    equal to 0, counted in the quarter of ``cohort_start``. The rate is the count over the 12
    months ending with the quarter, per 100,000 of the population aged 10-17 of the area in the
    calendar year in which the quarter ends. See ``docs/performance_measures.md`` for how this
    differs from the official measure.

    Parameters
    ----------
    frame : DataFrame
        A performance frame (every person, eligible or not).
    population : DataFrame or None
        Output of :func:`read_population`; without it only counts are given.

    Returns
    -------
    DataFrame
        ``area`` (each area, then ``"All areas"``), ``quarter``, ``quarter_end``,
        ``fte_quarter``, ``fte_12m`` (blank for the first three quarters of the data),
        ``window_complete``, ``population_year``, ``population_10_17``, ``rate_per_100000``.
        The number of children with a blank ``prior_offences`` is in ``attrs["unknown"]``.
    """
    child = frame["cohort_group"].eq(CHILD).fillna(False).astype(bool)
    prior = frame["prior_offences"] if "prior_offences" in frame else pd.Series(pd.NA, index=frame.index)
    counted = child & prior.eq(0).fillna(False).astype(bool)
    out = _rolling_rate(frame, counted, population, 100_000, "fte")
    out.attrs["unknown"] = int((child & prior.isna()).sum())
    return out


def custody_rate(frame: pd.DataFrame, population: pd.DataFrame | None) -> pd.DataFrame:
    """Children released from custody per 1,000 population aged 10-17.

    Definition from the records form: a child (10-17 at cohort start) whose ``cohort_start_type``
    is the custody release type, counted in the quarter of release; the rate is the count over
    the 12 months ending with the quarter per 1,000 of the area's population aged 10-17 (the
    official measure counts custodial sentences, not releases; see
    ``docs/performance_measures.md``).

    Returns
    -------
    DataFrame
        As :func:`first_time_entrants` with ``custody_quarter``, ``custody_12m`` and
        ``rate_per_1000``.
    """
    child = frame["cohort_group"].eq(CHILD).fillna(False).astype(bool)
    return _rolling_rate(frame, child & frame["custody"], population, 1_000, "custody")


# ----------------------------------------------------------------------------------------------
# Integrated Offender Management indicators (Safe Durham strategy, Appendices 2 and 4)
# ----------------------------------------------------------------------------------------------


def iom_reoffending(frame: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Proportion of the IOM cohort reoffending, and of IOM people released from prison.

    Returns
    -------
    DataFrame
        ``cohort`` (``"IOM cohort"`` or ``"IOM, released from custody"``) and the columns of
        :func:`reoffending_by_quarter` (no other grouping).
    """
    iom = frame["iom"].eq(1).fillna(False).astype(bool)
    parts = [reoffending_by_quarter(frame, by=(), alpha=alpha, subset=iom).assign(cohort="IOM cohort")]
    parts.append(reoffending_by_quarter(frame, by=(), alpha=alpha, subset=iom & frame["custody"])
                 .assign(cohort="IOM, released from custody"))
    out = pd.concat(parts, ignore_index=True)
    return out[["cohort", *[c for c in out.columns if c != "cohort"]]]


def detected_crime_change(before: Sequence[float], after: Sequence[float], alpha: float = 0.05) -> dict[str, float]:
    """Percentage change in offences from a before period to an after period, for one cohort.

    ``change_pct = 100 (A / B - 1)`` with ``A`` and ``B`` the cohort's total offences after and
    before. The interval treats each person's pair of counts as one observation: the variance
    of ``log(A / B)`` is estimated by the delta method for a ratio of two correlated means,
    ``var(a)/(n mean(a)^2) + var(b)/(n mean(b)^2) - 2 cov(a, b)/(n mean(a) mean(b))``, and the
    interval is back-transformed.

    Returns
    -------
    dict
        ``people``, ``before``, ``after``, ``change_pct``, ``ci_low_pct``, ``ci_high_pct``
        (NaN when either total is 0 or fewer than two people).
    """
    a = np.asarray(after, dtype=float)
    b = np.asarray(before, dtype=float)
    n = len(a)
    out = {"people": n, "before": float(b.sum()), "after": float(a.sum()),
           "change_pct": np.nan, "ci_low_pct": np.nan, "ci_high_pct": np.nan}
    if n == 0 or b.sum() == 0:
        return out
    ratio = a.sum() / b.sum()
    out["change_pct"] = 100 * (ratio - 1)
    if n < 2 or a.sum() == 0:
        return out
    ma, mb = a.mean(), b.mean()
    cov = np.cov(a, b, ddof=1)
    var = cov[0, 0] / (n * ma**2) + cov[1, 1] / (n * mb**2) - 2 * cov[0, 1] / (n * ma * mb)
    z = stats.norm.ppf(1 - alpha / 2)
    se = np.sqrt(max(var, 0.0))
    out["ci_low_pct"] = 100 * (ratio * np.exp(-z * se) - 1)
    out["ci_high_pct"] = 100 * (ratio * np.exp(z * se) - 1)
    return out


def iom_detected_crime_change(frame: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Percentage change in proven offences of the IOM cohort, 12 months before vs after start.

    Before: ``prior_offences_12m`` (proven offences in the 12 months before cohort start).
    After: the proven reoffences counted by the Ministry of Justice rules in the 12 months
    from cohort start (offences before cohort start are not in the offences table). Only
    eligible IOM people with a known ``prior_offences_12m`` count.

    Returns
    -------
    DataFrame
        ``quarter`` (each quarter with eligible IOM people, then ``"All cohorts"``) and the
        keys of :func:`detected_crime_change`.
    """
    iom = frame["iom"].eq(1).fillna(False) & frame["eligible"] & frame["prior_offences_12m"].notna()
    f = frame.loc[iom.astype(bool)]
    rows = []
    for q in frame["quarter"].cat.categories:
        g = f[f["quarter"] == q]
        if len(g):
            rows.append({"quarter": q, **detected_crime_change(g["prior_offences_12m"], g["reoffences"], alpha)})
    rows.append({"quarter": ALL, **detected_crime_change(f["prior_offences_12m"], f["reoffences"], alpha)})
    return pd.DataFrame(rows)


def iom_time_to_reoffence(frame: pd.DataFrame) -> pd.DataFrame:
    """Time from release from custody to the first proven reoffence, IOM cohort.

    Among eligible IOM people released from custody who reoffended: days from the release date
    to the offence date of the first proven reoffence (0 = an offence on the day of release,
    i.e. ``time_days - 1``).

    Returns
    -------
    DataFrame
        ``quarter`` (each quarter, then ``"All cohorts"``), ``released``, ``reoffenders``,
        ``median_days``, ``q1_days``, ``q3_days``, ``mean_days``.
    """
    keep = frame["iom"].eq(1).fillna(False) & frame["custody"] & frame["eligible"]
    f = frame.loc[keep.astype(bool)]
    rows = []
    groups = [(q, f[f["quarter"] == q]) for q in frame["quarter"].cat.categories]
    for q, g in [*[(q, g) for q, g in groups if len(g)], (ALL, f)]:
        days = (g.loc[g["reoffended"] == 1, "time_days"] - 1).astype(float)
        rows.append({"quarter": q, "released": len(g), "reoffenders": len(days),
                     "median_days": days.median() if len(days) else np.nan,
                     "q1_days": days.quantile(0.25) if len(days) else np.nan,
                     "q3_days": days.quantile(0.75) if len(days) else np.nan,
                     "mean_days": days.mean() if len(days) else np.nan})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------------------------
# Criminogenic needs profile
# ----------------------------------------------------------------------------------------------


def _assessed(frame: pd.DataFrame, needs: Sequence[str]) -> pd.DataFrame:
    """Need flags of people with at least one flag recorded; blanks among them count as 0."""
    flags = frame[list(needs)]
    return flags[flags.notna().any(axis=1)].fillna(0).astype(int)


def needs_prevalence(frame: pd.DataFrame, needs: Sequence[str], by: str | None = None,
                     alpha: float = 0.05) -> pd.DataFrame:
    """Prevalence of each need among assessed people with Wilson intervals.

    People with every need flag blank were not assessed and are left out; among the assessed,
    a blank flag counts as no need.

    Returns
    -------
    DataFrame
        (``by``), ``need``, ``assessed``, ``with_need``, ``percent``, ``ci_low_pct``,
        ``ci_high_pct``.
    """
    groups = [(None, frame)] if by is None else list(frame.groupby(by, observed=True, sort=True))
    rows = []
    for key, g in groups:
        a = _assessed(g, needs)
        for need in needs:
            row = {by: key} if by is not None else {}
            rows.append({**row, "need": need, "assessed": len(a), "with_need": int(a[need].sum())})
    out = pd.DataFrame(rows)
    ci = wilson(out["with_need"], out["assessed"], alpha)
    out["percent"], out["ci_low_pct"], out["ci_high_pct"] = (
        ci["value_pct"].to_numpy(), ci["ci_low_pct"].to_numpy(), ci["ci_high_pct"].to_numpy())
    return out


def needs_per_person(frame: pd.DataFrame, needs: Sequence[str], alpha: float = 0.05) -> dict[str, float]:
    """Mean number of needs per assessed person with a t interval, and its spread.

    Returns
    -------
    dict
        ``assessed``, ``mean``, ``ci_low``, ``ci_high``, ``sd``, ``median``, ``needs_counted``
        (how many need flags are summed).
    """
    counts = _assessed(frame, needs).sum(axis=1).astype(float)
    n = len(counts)
    out = {"assessed": n, "mean": np.nan, "ci_low": np.nan, "ci_high": np.nan, "sd": np.nan,
           "median": np.nan, "needs_counted": len(needs)}
    if n:
        out.update(mean=counts.mean(), median=counts.median())
    if n > 1:
        sd = counts.std(ddof=1)
        half = stats.t.ppf(1 - alpha / 2, n - 1) * sd / np.sqrt(n)
        out.update(sd=sd, ci_low=counts.mean() - half, ci_high=counts.mean() + half)
    return out


def needs_cooccurrence(frame: pd.DataFrame, needs: Sequence[str]) -> pd.DataFrame:
    """How often each pair of needs occurs together among assessed people.

    Returns
    -------
    DataFrame
        Tidy: ``need_a``, ``need_b``, ``both`` (people with both; the diagonal is the need's
        count), ``assessed``, ``percent`` (of assessed) and ``conditional_pct`` (percent of
        people with ``need_a`` who also have ``need_b``).
    """
    a = _assessed(frame, needs)
    joint = a.T @ a
    rows = []
    for na in needs:
        for nb in needs:
            both = int(joint.loc[na, nb])
            with_a = int(joint.loc[na, na])
            rows.append({"need_a": na, "need_b": nb, "both": both, "assessed": len(a),
                         "percent": 100 * both / len(a) if len(a) else np.nan,
                         "conditional_pct": 100 * both / with_a if with_a else np.nan})
    return pd.DataFrame(rows)


def published_needs_assessed(figures: pd.DataFrame) -> int:
    """People assessed in the published Dorset needs table: the assessed share of the caseload.

    ``round(needs_total_cases * needs_share_assessed / 100)`` = round(1,651 x 83%) = 1,370, the
    denominator of the table's percentages.
    """
    v = figures.set_index("figure")["value"]
    return int(round(v["needs_total_cases"] * v["needs_share_assessed"] / 100))


def compare_needs(prevalence: pd.DataFrame, published: pd.DataFrame, published_assessed: int,
                  alpha: float = 0.05) -> pd.DataFrame:
    """Cohort prevalence beside a published needs table, with the difference and its interval.

    Parameters
    ----------
    prevalence : DataFrame
        Output of :func:`needs_prevalence` (no ``by``) for the comparable group.
    published : DataFrame
        :func:`analysis.data.reference.needs_table` (``need`` keys without the ``need_`` prefix,
        ``label``, ``count``, ``percent_of_assessed``).
    published_assessed : int
        People assessed in the published table (the denominator of its percentages).
    alpha : float
        1 - confidence level.

    Returns
    -------
    DataFrame
        One row per published need: ``need``, ``label``, the cohort's ``assessed``,
        ``with_need``, ``percent``, ``ci_low_pct``, ``ci_high_pct``; the published
        ``published_count``, ``published_pct``, ``published_ci_low_pct``,
        ``published_ci_high_pct`` (Wilson); ``difference_pts`` (cohort percent minus ``100 * published_count /
        published_assessed``, i.e. before the published rounding) and its
        Newcombe hybrid-score interval ``difference_ci_low_pts``, ``difference_ci_high_pts``.
        Needs of the table that the data lack are left out.
    """
    pub = published.assign(need="need_" + published["need"])
    merged = pub.merge(prevalence, on="need", how="inner")
    ci = wilson(merged["count"], np.full(len(merged), published_assessed), alpha)
    merged["published_count"] = merged["count"]
    merged["published_pct"] = merged["percent_of_assessed"]
    merged["published_ci_low_pct"] = ci["ci_low_pct"].to_numpy()
    merged["published_ci_high_pct"] = ci["ci_high_pct"].to_numpy()
    diffs = [confint_proportions_2indep(r.with_need, r.assessed, r.count, published_assessed,
                                        method="newcombe", compare="diff", alpha=alpha)
             if r.assessed else (np.nan, np.nan) for r in merged.itertuples()]
    merged["difference_pts"] = merged["percent"] - 100 * merged["count"] / published_assessed
    merged["difference_ci_low_pts"] = [100 * float(d[0]) for d in diffs]
    merged["difference_ci_high_pts"] = [100 * float(d[1]) for d in diffs]
    cols = ["need", "label", "assessed", "with_need", "percent", "ci_low_pct", "ci_high_pct",
            "published_count", "published_pct", "published_ci_low_pct", "published_ci_high_pct",
            "difference_pts", "difference_ci_low_pts", "difference_ci_high_pts"]
    return merged[cols]


# ----------------------------------------------------------------------------------------------
# The performance report (layout of Appendix 4 of the Safe Durham strategy)
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One row of the performance report."""

    key: str
    label: str
    unit: Literal["pct", "count", "per_100000", "per_1000", "ratio", "days", "change_pct"]
    note: str


#: Rows of the performance report in order: the six Pan-Dorset measures, then the indicators of
#: the Safe Durham Appendix 4 framework. Notes say how each is defined from the records form.
REPORT_INDICATORS: tuple[Indicator, ...] = (
    *(Indicator(m.key, f"{m.label} (%)", "pct",
                f"{m.population}; known once {m.window_text} has passed; blank flags left out."
                if m.adult_custody else
                "Binary measure (MoJ); quarter = cohort start; only cohorts whose 12-month "
                "follow-up and 6-month waiting period have ended.")
      for m in PAN_DORSET_MEASURES),
    Indicator("fte_count", "Number of first-time entrants to the youth justice system "
              "(local measure)", "count",
              "Children with no previous proven offence entering the cohort in the quarter "
              "(proxy for PNC first reprimand, warning, caution or conviction)."),
    Indicator("fte_rate", "Rate of first-time entrants per 100,000 10-17 population "
              "(national measure)", "per_100000",
              "12 months to the quarter's end; population from the performance.population table."),
    Indicator("child_frequency", "Number of offences per young re-offender (frequency measure)",
              "ratio", "Proven reoffences per reoffending child; same cohorts as the binary measure."),
    Indicator("custody_rate", "Custody rate per 1,000 10-17 population", "per_1000",
              "Children released from custody in the 12 months to the quarter's end (official "
              "measure counts custodial sentences)."),
    Indicator("iom_reoffending", "Proportion of IOM offenders re-offending (%)", "pct",
              "Proven reoffending (MoJ binary) of the IOM cohort; Durham counted cautions and "
              "convictions."),
    Indicator("iom_crime_change", "Percentage change in detected crimes for offenders in the IOM "
              "cohort (12 months after vs before)", "change_pct",
              "Proven offences in the 12 months from cohort start vs prior_offences_12m; "
              "negative = reduction. Not an effect estimate (selection on recent offending)."),
    Indicator("iom_custody_reoffending", "Proportion of IOM offenders re-offending after prison "
              "release (%)", "pct", "IOM cohort released from custody; MoJ binary measure."),
    Indicator("all_reoffending", "Proportion of all offenders (adults & juveniles) re-offending "
              "in a 12-month period (%)", "pct", "MoJ binary measure, whole eligible cohort."),
    Indicator("adult_reoffending", "Proportion of adults re-offending in a 12-month period (%)",
              "pct", "MoJ binary measure, adults (18+)."),
    Indicator("adult_frequency", "Number of offences per adult re-offender (frequency measure)",
              "ratio", "Proven reoffences per reoffending adult."),
    Indicator("iom_time_to_reoffence", "Time lapsed from custody release to re-offending for the "
              "IOM cohort (median days)", "days",
              "Among IOM custody leavers who reoffended: days from release to the first proven "
              "reoffence."),
    Indicator("iom_drr_change", "Change in offending (detected crimes) for offenders in the IOM "
              "cohort during Drug Rehabilitation Requirements for Class A drugs", "change_pct",
              "Not computable: the records form holds no DRR dates."),
    Indicator("iom_supervision_reoffending", "Proportion of IOM offenders re-offending under "
              "statutory supervision (%)", "pct",
              "Not computable: the records form holds no supervision periods."),
)


def _rows(indicator: str, table: pd.DataFrame, value: str, numerator: str | None,
          denominator: str | None, quarter: str = "quarter", target: float | None = None,
          target_text: str = "", status: str | None = None) -> list[dict]:
    out = []
    for r in table.to_dict("records"):
        out.append({
            "indicator": indicator, "quarter": str(r[quarter]), "value": r[value],
            "numerator": r[numerator] if numerator else np.nan,
            "denominator": r[denominator] if denominator else np.nan,
            "ci_low": r.get("ci_low_pct", r.get("binary_ci_low_pct", np.nan)),
            "ci_high": r.get("ci_high_pct", r.get("binary_ci_high_pct", np.nan)),
            "target": target, "target_text": target_text,
            "status": r[status] if status else "",
        })
    return out


def report_long(
    measures_overall: pd.DataFrame,
    measures_by_quarter: pd.DataFrame,
    reoffending: pd.DataFrame | None = None,
    fte: pd.DataFrame | None = None,
    custody: pd.DataFrame | None = None,
    iom: pd.DataFrame | None = None,
    iom_change: pd.DataFrame | None = None,
    iom_time: pd.DataFrame | None = None,
    context: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Every indicator of the report by quarter, in one tidy table (exact values).

    Parameters
    ----------
    measures_overall, measures_by_quarter : DataFrame
        :func:`pan_dorset_measures` overall and by quarter.
    reoffending : DataFrame, optional
        :func:`reoffending_by_quarter` by ``cohort_group`` (adults and children).
    fte, custody : DataFrame, optional
        :func:`first_time_entrants` and :func:`custody_rate` (the ``"All areas"`` rows are used).
    iom, iom_change, iom_time : DataFrame, optional
        :func:`iom_reoffending`, :func:`iom_detected_crime_change`, :func:`iom_time_to_reoffence`.
    context : dict, optional
        Extra text per indicator key appended to its notes (e.g. published comparators).

    Returns
    -------
    DataFrame
        ``indicator`` (key), ``label``, ``unit``, ``quarter`` (a quarter label or
        ``"All cohorts"``), ``value``, ``numerator``, ``denominator`` (the counts the value
        is computed from, for the small-count rule), ``ci_low``, ``ci_high``, ``target``,
        ``target_text``, ``status`` and ``notes``.
    """
    rows: list[dict] = []
    for m in PAN_DORSET_MEASURES:
        for t in (measures_by_quarter, measures_overall):
            sub = t[t["measure"] == m.key]
            if sub["note"].ne("").all() and len(sub):
                continue
            rows += _rows(m.key, sub, "value_pct", "numerator", "denominator",
                          target=float(sub["target_pct"].iloc[0]) if len(sub) else None,
                          target_text=sub["target_text"].iloc[0] if len(sub) else "",
                          status="status")
    if reoffending is not None and "cohort_group" in reoffending:
        child = reoffending[reoffending["cohort_group"] == CHILD]
        adult = reoffending[reoffending["cohort_group"] == ADULT]
        if child["reoffences"].notna().any():
            rows += _rows("child_frequency", child, "frequency_per_reoffender", "reoffenders", "reoffenders")
            rows += _rows("adult_frequency", adult, "frequency_per_reoffender", "reoffenders", "reoffenders")
        rows += _rows("adult_reoffending", adult, "binary_rate_pct", "reoffenders", "offenders")
    if reoffending is not None:
        total = reoffending.groupby("quarter", sort=False)[["offenders", "reoffenders"]].sum().reset_index()
        ci = wilson(total["reoffenders"], total["offenders"])
        total["binary_rate_pct"] = ci["value_pct"].to_numpy()
        total["ci_low_pct"], total["ci_high_pct"] = ci["ci_low_pct"].to_numpy(), ci["ci_high_pct"].to_numpy()
        rows += _rows("all_reoffending", total, "binary_rate_pct", "reoffenders", "offenders")
    for key, table, value, count in (("fte", fte, "rate_per_100000", "fte"),
                                     ("custody_rate", custody, "rate_per_1000", "custody")):
        if table is None:
            continue
        t = table[table["area"] == "All areas"]
        if key == "fte":
            total = pd.DataFrame({"quarter": [ALL], "fte_quarter": [t["fte_quarter"].sum()]})
            rows += _rows("fte_count", pd.concat([t, total], ignore_index=True), "fte_quarter",
                          "fte_quarter", None)
            key = "fte_rate"
        rows += _rows(key, t[t["window_complete"]], value, f"{count}_12m", None)
    if iom is not None:
        rows += _rows("iom_reoffending", iom[iom["cohort"] == "IOM cohort"], "binary_rate_pct",
                      "reoffenders", "offenders")
        rows += _rows("iom_custody_reoffending", iom[iom["cohort"] != "IOM cohort"],
                      "binary_rate_pct", "reoffenders", "offenders")
    if iom_change is not None:
        rows += _rows("iom_crime_change", iom_change, "change_pct", "after", "before")
    if iom_time is not None:
        rows += _rows("iom_time_to_reoffence", iom_time, "median_days", "reoffenders", "reoffenders")
    out = pd.DataFrame(rows, columns=["indicator", "quarter", "value", "numerator", "denominator",
                                      "ci_low", "ci_high", "target", "target_text", "status"])
    meta = {i.key: i for i in REPORT_INDICATORS}
    context = context or {}
    out.insert(1, "label", out["indicator"].map(lambda k: meta[k].label))
    out.insert(2, "unit", out["indicator"].map(lambda k: meta[k].unit))
    out["notes"] = out["indicator"].map(lambda k: " ".join(filter(None, [meta[k].note, context.get(k, "")])))
    return out


_FORMATS = {"pct": "{:.1f}%", "count": "{:,.0f}", "per_100000": "{:.0f}", "per_1000": "{:.2f}",
            "ratio": "{:.2f}", "days": "{:.0f}", "change_pct": "{:+.0f}%"}


def _suppress_report(long: pd.DataFrame, min_cell: int) -> pd.Series:
    """True where a cell's value must be suppressed: small counts, with secondary suppression.

    The quarters of an indicator add up to its "All cohorts" figure, so secondary suppression is
    applied across each indicator's quarters (see :mod:`analysis.disclosure`).
    """
    mask = pd.Series(False, index=long.index)
    numerator = pd.to_numeric(long["numerator"], errors="coerce")
    denominator = pd.to_numeric(long["denominator"], errors="coerce")
    sets = long["indicator"] + "|" + long["quarter"].eq(ALL).map({True: "all", False: "q"})
    # the people of the denominator not in the numerator follow by subtraction: a cell too
    for counts in (numerator, denominator, denominator - numerator):
        mask |= suppression_mask(counts.fillna(0), min_cell, sets, secondary=True)
    return mask


def report_layout(
    long: pd.DataFrame,
    min_cell: int = 5,
    quarters: int | None = None,
) -> pd.DataFrame:
    """The performance report laid out like Appendix 4 of the Safe Durham strategy.

    Parameters
    ----------
    long : DataFrame
        Output of :func:`report_long`.
    min_cell : int
        Smallest count shown; values computed from smaller counts read ``"suppressed"`` and
        counts read ``"<5"``.
    quarters : int, optional
        Show only the most recent quarters (all if None).

    Returns
    -------
    DataFrame
        One row per indicator of :data:`REPORT_INDICATORS` (those not computable say so):
        ``Indicator``, ``All cohorts``, one column per quarter (oldest first; ``"n/a"`` where
        the quarter is not yet measurable or has no one), ``Target``, ``Status (all cohorts)``
        and ``Notes``. Cells are formatted text.
    """
    suppressed = _suppress_report(long, min_cell)
    labels = [q for q in long["quarter"].unique() if q != ALL]
    order = sorted(labels, key=_quarter_key)
    if quarters is not None:
        order = order[-quarters:]

    def cell(r: pd.Series, hidden: bool) -> str:
        if hidden:
            return f"<{min_cell}" if r["unit"] == "count" else SUPPRESSED
        if pd.isna(r["value"]):
            return "n/a"
        return _FORMATS[r["unit"]].format(r["value"])

    text = pd.Series([cell(r, s) for (_, r), s in zip(long.iterrows(), suppressed, strict=True)],
                     index=long.index)
    rows = []
    for ind in REPORT_INDICATORS:
        sub = long[long["indicator"] == ind.key]
        cells = dict(zip(sub["quarter"], text[sub.index], strict=True))
        overall = sub[sub["quarter"] == ALL]
        row = {"Indicator": ind.label, ALL: cells.get(ALL, "n/a")}
        row.update({q: cells.get(q, "n/a") for q in order})
        row["Target"] = overall["target_text"].iloc[0] if len(overall) and overall["target_text"].iloc[0] else ""
        # A status read from a suppressed value is not shown either.
        row["Status (all cohorts)"] = ("" if not len(overall)
                                       else NOT_RATED if suppressed[overall.index[0]]
                                       else overall["status"].iloc[0])
        row["Notes"] = sub["notes"].iloc[0] if len(sub) else ind.note
        rows.append(row)
    return pd.DataFrame(rows)


def _quarter_key(label: str) -> tuple[int, int]:
    """Sort key of a quarter label (``"2022/23 Q1"`` or ``"2022 Q1"``)."""
    year, q = label.split(" Q")
    return int(year.split("/")[0]), int(q)


# ----------------------------------------------------------------------------------------------
# Publishing: suppression, what can be computed, published comparators
# ----------------------------------------------------------------------------------------------


def publish(
    table: pd.DataFrame,
    counts: Sequence[str],
    derived: Sequence[str],
    min_cell: int = 5,
    sets: Sequence[str] | bool | None = None,
    complements: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Display copy of a table under the small-count rule (:mod:`analysis.disclosure`).

    Unlike :func:`analysis.disclosure.suppress_counts`, a derived value (rate, percentage,
    interval, mean) is suppressed when *any* of the counts it comes from is suppressed (a rate
    of 0 out of 3 discloses as much as 3 out of 3).

    Parameters
    ----------
    table : DataFrame
        Exact table.
    counts : sequence of str
        Count columns (people or offences); blanks are ignored.
    derived : sequence of str
        Columns computed from the counts of the same row.
    min_cell : int
        Smallest count shown.
    sets : sequence of str or True, optional
        Columns labelling sets of rows whose counts add up to a published total: secondary
        suppression is applied within each set; ``True``: all rows form one set (quarters
        and their "All cohorts" total). None: primary suppression only.
    complements : mapping of str to str, optional
        ``{count: total}`` pairs whose difference follows by subtraction (see
        :func:`analysis.disclosure.suppress_counts`).

    Returns
    -------
    DataFrame
        Same shape; suppressed counts read ``"<min_cell"`` (or ``"suppressed"`` where
        suppressed only to protect another cell) and suppressed derived values
        ``"suppressed"``.
    """
    if sets is not True:
        sets = list(sets) if sets else None
    return suppress_counts(table, counts, list(derived), min_cell, sets=sets,
                           complements=complements)


def published_rolling(table: pd.DataFrame, name: str, derived: Sequence[str],
                      min_cell: int = 5) -> pd.DataFrame:
    """A table of counts per quarter and per rolling 12 months under the small-count rule.

    For :func:`first_time_entrants` (``name="fte"``) and :func:`custody_rate`
    (``name="custody"``). Besides the rule of :func:`publish` (the areas add up to "All
    areas" in each quarter), a 12-month count is the sum of four quarterly counts, so one
    suppressed quarter could be worked out from the window's total and the other three: every
    12-month count whose window holds a suppressed quarter is suppressed too (with its rate),
    and secondary suppression is applied to the 12-month counts across the areas again.
    """
    quarter_col, window_col = f"{name}_quarter", f"{name}_12m"
    if table.empty:
        return table.copy()
    labels = table["quarter"].astype(str)
    q_counts = pd.to_numeric(table[quarter_col], errors="coerce").fillna(0)
    q_mask = suppression_mask(q_counts, min_cell, labels, secondary=True)
    order = sorted(table["quarter"].astype(str).unique(), key=_quarter_key)
    position = labels.map({q: i for i, q in enumerate(order)})
    w_counts = pd.to_numeric(table[window_col], errors="coerce")
    in_window = pd.Series(False, index=table.index)
    for rows in table.groupby("area", sort=False).groups.values():
        hidden_at = position[rows][q_mask[rows]].tolist()
        in_window[rows] = [any(p - 3 <= h <= p for h in hidden_at) for p in position[rows]]
    w_mask = secondary_around(w_counts, in_window, min_cell, labels) & w_counts.notna()
    # The rates come from the 12-month counts.
    return apply_masks(table, {quarter_col: q_mask, window_col: w_mask},
                       {col: [window_col] for col in derived}, min_cell)


def published_iom(iom: pd.DataFrame | None, change: pd.DataFrame | None,
                  time: pd.DataFrame | None, min_cell: int = 5) -> dict[str, pd.DataFrame]:
    """The IOM indicators' tables under the small-count rule, as they are published.

    In each table the quarters add up to its "All cohorts" row, so secondary suppression
    applies across them (within each cohort of :func:`iom_reoffending`). Headline numbers are
    read from these tables, so they never show what a table withholds.

    Parameters
    ----------
    iom, change, time : DataFrame or None
        :func:`iom_reoffending`, :func:`iom_detected_crime_change`,
        :func:`iom_time_to_reoffence` (None: left out).
    min_cell : int
        Smallest count shown.

    Returns
    -------
    dict of str to DataFrame
        ``iom_reoffending``, ``iom_detected_crime_change``, ``iom_time_to_reoffence``.
    """
    out = {}
    if iom is not None:
        out["iom_reoffending"] = publish(iom, REOFFENDING_COUNTS, REOFFENDING_DERIVED, min_cell,
                                         sets=["cohort"], complements=REOFFENDING_COMPLEMENTS)
    if change is not None:
        out["iom_detected_crime_change"] = publish(
            change, ["people", "before", "after"], ["change_pct", "ci_low_pct", "ci_high_pct"],
            min_cell, sets=True)
    if time is not None:
        out["iom_time_to_reoffence"] = publish(
            time, ["released", "reoffenders"], ["median_days", "q1_days", "q3_days", "mean_days"],
            min_cell, sets=True)
    return out


def availability(
    frame: pd.DataFrame,
    form: str,
    population_given: bool,
    iom_flag: str | None,
    funnel_by: str,
    needs: Sequence[str],
) -> pd.DataFrame:
    """Which parts of the analysis these data allow, and why not where they do not.

    Returns
    -------
    DataFrame
        ``key`` (short name), ``part`` (in words), ``available`` (bool) and ``reason`` (what
        is missing).
    """
    records = form == "records"
    has = frame.columns.__contains__

    def row(key: str, part: str, ok: bool, reason: str) -> dict:
        return {"key": key, "part": part, "available": bool(ok), "reason": "" if ok else reason}

    flags = [m.column for m in PAN_DORSET_MEASURES if m.adult_custody]
    missing = [c for c in ["cohort_start_type", *flags, "substance_treatment_need"] if not has(c)]
    rows = [
        row("adult_measures", "Five adult custody-leaver measures (employment, housing, treatment)",
            records and not missing,
            "need the records form with cohort_start_type and the outcome flags "
            + ", ".join(missing or flags)),
        row("children_measure", "Children's reoffending measure", has("cohort_group") and has("reoffended"),
            "needs ages (the age or date_of_birth role)"),
        row("quarters", "Quarterly cohorts and trends", records, "need dated cohort starts (records form)"),
        row("frequency", "Frequency measures (reoffences per offender and per reoffender)", records,
            "need every proven reoffence (records form); survival data hold only the first"),
        row("fte_custody", "First-time entrants and custody rate", records and has("prior_offences"),
            "need the records form with prior_offences and cohort_start_type"),
        row("population_rates", "Rates per population (FTE per 100,000, custody per 1,000)",
            records and population_given, "need performance.population (population aged 10-17)"),
        row("iom", "IOM indicators", records and iom_flag is not None and has("iom"),
            "need an IOM intervention (performance.iom_intervention) in the records form"),
        row("funnel", f"Funnel plot of units of '{funnel_by}'", has(funnel_by) and has("reoffended"),
            f"needs a '{funnel_by}' column"),
        row("standardisation", "Indirect standardisation by age band and sex", has("age") and has("sex"),
            "needs age and sex"),
        row("needs", "Criminogenic needs profile", bool(needs), "needs need flags (data.needs)"),
    ]
    return pd.DataFrame(rows)


def availability_text(table: pd.DataFrame) -> str:
    """One Markdown sentence per part that cannot be computed (empty if all can)."""
    missing = table[~table["available"]]
    if missing.empty:
        return "Every part of this notebook can be computed from these data."
    lines = [f"- **{r.part}**: not computed; {r.reason}." for r in missing.itertuples()]
    return "These data do not allow every measure:\n\n" + "\n".join(lines)


def report_context(figures: pd.DataFrame) -> dict[str, str]:
    """Published comparators for the notes of the performance report, from the seed figures.

    Parameters
    ----------
    figures : DataFrame
        :func:`analysis.data.reference.seed_figures`.

    Returns
    -------
    dict
        Indicator key to a sentence quoting the published figures it can be read against.
    """
    v = figures.set_index("figure")["value"]

    def g(key: str) -> str:
        return f"{v[key]:g}"

    return {
        "children_reoffending": f"Published: pan-Dorset {g('child_binary_reoffending_pan_dorset_2021')}% "
                                f"and England & Wales {g('child_binary_reoffending_england_wales_2021')}% "
                                "(2021).",
        "child_frequency": f"Published (2021): pan-Dorset {g('child_further_offences_per_reoffender_pan_dorset_2021')}, "
                           f"England & Wales {g('child_further_offences_per_reoffender_england_wales_2021')}.",
        "fte_rate": f"Published pan-Dorset (per 100,000 under 18s): {g('child_fte_rate_per_100k_2020')} "
                    f"(year to Sep 2020), {g('child_fte_rate_per_100k_2022')} (2022), "
                    f"{g('child_fte_rate_per_100k_2023')} (2023). The bundled population is SYNTHETIC.",
        "custody_rate": "The bundled population is SYNTHETIC.",
        "iom_reoffending": f"Durham IOM (cautioned & convicted): {g('durham_iom_reoffending_2013_14')}% "
                           f"in 2013/14, {g('durham_iom_reoffending_avg')}% average.",
        "iom_crime_change": f"Durham IOM: {g('durham_iom_detected_crime_change_2013_14')}% in 2013/14, "
                            f"{g('durham_iom_detected_crime_change_avg')}% average 2010/11-2013/14.",
        "engaged_treatment": f"Published continuity of care: Dorset {g('continuity_of_care_dorset')}%, "
                             f"BCP {g('continuity_of_care_bcp')}%, national {g('continuity_of_care_national')}%.",
        "all_reoffending": f"National {g('proven_reoffending_overall_national')}% (Jan-Mar 2022).",
        "adult_reoffending": f"National {g('proven_reoffending_adults_national')}% (Jan-Mar 2022).",
    }


def report_style(report: pd.DataFrame, long: pd.DataFrame) -> pd.io.formats.style.Styler:
    """The performance report as a formatted table: cells coloured by their own status.

    Parameters
    ----------
    report : DataFrame
        Output of :func:`report_layout`.
    long : DataFrame
        The :func:`report_long` table it was made from (for each cell's status).

    Returns
    -------
    pandas Styler
        Green, amber and red backgrounds for rated cells of the six measures (suppressed and
        not-rated cells are left white), notes left-aligned and wrapped, no index.
    """
    colours = {"Green": "#c8e6c9", "Amber": "#ffe0b2", "Red": "#ffcdd2"}
    label_key = {i.label: i.key for i in REPORT_INDICATORS}
    status = {(r.indicator, r.quarter): r.status for r in long.itertuples()}
    styles = pd.DataFrame("", index=report.index, columns=report.columns)
    for i, row in report.iterrows():
        key = label_key[row["Indicator"]]
        for col in report.columns:
            quarter = ALL if col == "Status (all cohorts)" else col
            s = status.get((key, quarter), "")
            shown = str(row[col])
            if col == "Status (all cohorts)" and shown != s:
                continue  # the layout withheld the status of a suppressed value
            if s in colours and shown not in (SUPPRESSED, "n/a") and not shown.startswith("<"):
                styles.loc[i, col] = f"background-color: {colours[s]}"
    return (report.style.set_uuid("performance_report").apply(lambda _: styles, axis=None)
            .hide(axis="index")
            .set_properties(subset=["Notes"], **{"text-align": "left", "white-space": "normal",
                                                 "min-width": "320px", "font-size": "85%"})
            .set_properties(subset=["Indicator"], **{"text-align": "left", "min-width": "260px"}))


def report_html(report: pd.DataFrame, long: pd.DataFrame) -> HTML:
    """:func:`report_style` as an HTML display object, for showing in a notebook.

    A Styler shown in a notebook also stores a plain-text form that holds its memory address,
    which changes on every execution; the HTML object's plain-text form does not.

    Parameters
    ----------
    report : DataFrame
        Output of :func:`report_layout`.
    long : DataFrame
        The :func:`report_long` table it was made from.

    Returns
    -------
    IPython.display.HTML
    """
    return HTML(report_style(report, long).to_html())


def show(value: object, fmt: str = "{:.1f}") -> str:
    """Format a number for a sentence; suppression markers (text) pass through, blanks read n/a."""
    if isinstance(value, str):
        return value
    if value is None or pd.isna(value):
        return "n/a"
    return fmt.format(value)
