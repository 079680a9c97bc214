"""The Pan-Dorset measures against their targets: values, intervals, red/amber/green status, trends.

Status (RAG) rule
-----------------
``rule="ci"`` (default): **Green** when the whole 95% interval meets the target, **Red** when
the whole interval misses it, **Amber** when the interval contains the target (met or missed
cannot be told apart from chance). ``rule="estimate"``: Green when the estimate meets the
target, Amber when it misses but the interval still reaches the target, Red when the whole
interval misses. A measure with no one measured, or whose counts are suppressed by the
small-count rule, is **Not rated**.

Trends use the linear-by-linear association test over the quarters (:func:`trend_test`).
:func:`pan_dorset` computes the measures of a run overall and by quarter, with their trends and
published (small-count) forms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from statsmodels.stats.contingency_tables import Table

from analysis.disclosure import is_shown, is_small, is_withheld, least_counts
from analysis.measures.performance.frame import ADULT, ALL, CHILD
from analysis.measures.performance.published import publish
from analysis.measures.performance.targets import PAN_DORSET_MEASURES, Measure
from analysis.measures.proportions import wilson

__all__ = [
    "RAG_RULES",
    "NOT_RATED",
    "MEASURE_COUNTS",
    "MEASURE_DERIVED",
    "MEASURE_COMPLEMENTS",
    "rag_status",
    "pan_dorset_measures",
    "trend_test",
    "measure_trends",
    "PanDorset",
    "pan_dorset",
]

#: The two status rules (see the module docstring).
RAG_RULES = ("ci", "estimate")
NOT_RATED = "Not rated"


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


#: Count columns of :func:`pan_dorset_measures`, and the columns derived from them.
MEASURE_COUNTS = ("people", "not_recorded", "denominator", "numerator")
MEASURE_DERIVED = ("value_pct", "ci_low_pct", "ci_high_pct")
#: The people of a measure's denominator not in its numerator follow by subtraction: a cell too.
MEASURE_COMPLEMENTS = {"numerator": "denominator"}


@dataclass(frozen=True)
class PanDorset:
    """The six measures of a run, exact and as published.

    Attributes
    ----------
    overall, by_quarter : DataFrame
        :func:`pan_dorset_measures` overall and by quarter.
    trends : DataFrame
        :func:`measure_trends` of ``by_quarter``.
    published, by_quarter_published : DataFrame
        ``overall`` and ``by_quarter`` under the small-count rule (the quarters of a measure
        add up to its total, so secondary suppression applies across them).
    shown, shown_published : DataFrame
        The measures these data can give (no ``note``), exact and published.
    min_cell : int
        Smallest count shown.
    """

    overall: pd.DataFrame
    by_quarter: pd.DataFrame
    trends: pd.DataFrame
    published: pd.DataFrame
    by_quarter_published: pd.DataFrame
    shown: pd.DataFrame
    shown_published: pd.DataFrame
    min_cell: int

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables to publish, by name."""
        return {"pan_dorset_measures": self.published,
                "pan_dorset_measures_by_quarter": self.by_quarter_published,
                "pan_dorset_trends": self.trends}

    def plotted(self) -> pd.DataFrame:
        """Rows of ``shown`` whose value is published and measured someone."""
        return self.shown[is_shown(self.shown_published["value_pct"]) & (self.shown["denominator"] > 0)]

    def plotted_by_quarter(self) -> pd.DataFrame:
        """Rows of ``by_quarter`` of the measures these data give whose value is published."""
        q = self.by_quarter
        return q[(q["note"] == "") & is_shown(self.by_quarter_published["value_pct"])]


def _published_measures(table: pd.DataFrame, min_cell: int, sets: Sequence[str] | None = None,
                        quarters: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`publish` for the measures; a measure whose rate is hidden is Not rated, since its
    status would tell on which side of the target the hidden rate lies. The overall measures are
    at least what their published ``quarters`` add up to (``"<5"`` read as 1)."""
    floors = None
    if quarters is not None:
        floors = {c: table["measure"].map(least_counts(quarters[c], min_cell)
                                          .groupby(quarters["measure"]).sum()).fillna(0.0)
                  for c in MEASURE_COUNTS}
    out = publish(table, list(MEASURE_COUNTS), MEASURE_DERIVED, min_cell, sets=sets,
                  complements=MEASURE_COMPLEMENTS, floors=floors)
    out["status"] = out["status"].where(~is_withheld(out["value_pct"]), NOT_RATED)
    return out


def pan_dorset(
    frame: pd.DataFrame,
    targets: pd.DataFrame,
    extract_date: pd.Timestamp | str | None,
    rule: str = "ci",
    min_cell: int = 5,
) -> PanDorset:
    """The six measures overall and by quarter, their trends, and their published forms.

    Parameters
    ----------
    frame : DataFrame
        A performance frame (:func:`analysis.measures.performance.frame.run_frame`).
    targets : DataFrame
        :func:`analysis.measures.performance.targets.pan_dorset_targets`.
    extract_date : Timestamp, str or None
        Date of the extract.
    rule : {"ci", "estimate"}
        Status rule (:func:`rag_status`).
    min_cell : int
        Smallest count shown.

    Returns
    -------
    PanDorset
    """
    overall = pan_dorset_measures(frame, targets, extract_date, rule=rule, min_cell=min_cell)
    by_quarter = pan_dorset_measures(frame, targets, extract_date, by_quarter=True, rule=rule,
                                     min_cell=min_cell)
    shown = overall[overall["note"] == ""]
    quarters = _published_measures(by_quarter, min_cell, sets=["measure"])
    return PanDorset(overall, by_quarter, measure_trends(by_quarter),
                     _published_measures(overall, min_cell, quarters=quarters), quarters,
                     shown, _published_measures(shown, min_cell, quarters=quarters), min_cell)
