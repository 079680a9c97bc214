"""The headline numbers of the intervention-effects analysis, as ``results.json`` records them.

What could not be estimated (passed here as None) is recorded as None, and counts of people
below the disclosure threshold as ``"<5"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from analysis.disclosure import SUPPRESSED, shown_count, shows_number
from analysis.models.effects.doubly_robust import AIPWResult
from analysis.models.effects.estimates import estimates_by_method
from analysis.models.effects.matching import MatchResult

__all__ = ["headline_numbers"]

RR_MEASURE = "risk ratio (doubly robust)"
#: The method of the doubly robust row of a risk-difference table.
DR_METHOD = "Doubly robust AIPW (ATT)"


def _shown_risks(dr: AIPWResult, published: pd.DataFrame | None) -> list[Any]:
    """The doubly robust row's risks of the treated and the comparison as its published table
    shows them: ``"suppressed"`` where it hides them (:func:`published_means`)."""
    risks: list[Any] = [dr.risk_treated, dr.risk_comparison]
    if published is None:
        return risks
    row = published[published["method"].eq(DR_METHOD)]
    return [value if not len(row) or shows_number(row[col].iloc[0]) else SUPPRESSED
            for value, col in zip(risks, ("mean_treated", "mean_comparison"), strict=True)]


def _risk_difference(table: pd.DataFrame | None, dr: AIPWResult | None,
                     published: pd.DataFrame | None = None) -> dict[str, Any]:
    keys = ["risk_difference_method", "risk_difference", "risk_difference_ci",
            "risk_difference_se", "risk_difference_p", "risk_difference_ci_method",
            "risk_treated", "risk_comparison", "risk_ratio", "risk_ratio_ci",
            "risk_difference_by_method"]
    if table is None or dr is None:
        return dict.fromkeys(keys)
    return dict(zip(keys, [
        table["method"].iloc[-1], dr.estimate, [dr.ci_low, dr.ci_high], dr.se, dr.p_value,
        dr.ci_method, *_shown_risks(dr, published), dr.risk_ratio,
        [dr.rr_ci_low, dr.rr_ci_high], estimates_by_method(table)], strict=True))


def _ipw_row(table: pd.DataFrame | None, scale: str | None = None) -> pd.Series | None:
    """The ``IPW (ATT)`` row of a contrasts table (of ``scale``), or None where it has none (its
    published table hides it)."""
    if table is None:
        return None
    rows = table[(table["method"] == "IPW (ATT)")
                 & ((table["scale"] == scale) if scale else True)]
    return None if rows.empty else rows.iloc[0]


def _contrasts(freq: pd.DataFrame | None, cost: pd.DataFrame | None,
               hr: Mapping[str, Any] | None, price_year: int) -> dict[str, Any]:
    rr, cost_row = _ipw_row(freq, "ratio"), _ipw_row(cost)
    weighted = "IPW (ATT), weighted means"
    return dict(
        rate_ratio=None if rr is None else rr["estimate"],
        rate_ratio_ci=None if rr is None else [rr["ci_low"], rr["ci_high"]],
        rate_ratio_method=None if rr is None else weighted,
        reoffence_cost_difference_gbp=None if cost_row is None else cost_row["estimate"],
        reoffence_cost_difference_ci_gbp=(None if cost_row is None
                                          else [cost_row["ci_low"], cost_row["ci_high"]]),
        reoffence_cost_method=None if cost_row is None else weighted,
        reoffence_cost_price_year=None if cost_row is None else price_year,
        hazard_ratio=None if hr is None else hr["hazard_ratio"],
        hazard_ratio_ci=None if hr is None else [hr["ci_low"], hr["ci_high"]],
        hazard_ratio_method=None if hr is None else "IPW (ATT), weighted Cox, robust SE",
    )


def _evalues(evalues: pd.DataFrame | None) -> dict[str, Any]:
    out: dict[str, Any] = dict(evalue_rr=None, evalue_rr_ci=None, evalue_hr=None,
                               evalue_hr_ci=None)
    for r in ([] if evalues is None else evalues.itertuples()):
        key = "rr" if r.measure == RR_MEASURE else "hr"
        out[f"evalue_{key}"], out[f"evalue_{key}_ci"] = r.evalue, r.evalue_ci
    return out


def headline_numbers(treatment: str, submitted_treated: int, table: pd.DataFrame | None = None,
                     dr: AIPWResult | None = None, matching: MatchResult | None = None,
                     freq: pd.DataFrame | None = None, cost: pd.DataFrame | None = None,
                     hr: Mapping[str, Any] | None = None, evalues: pd.DataFrame | None = None,
                     reportable: bool | None = None, reportable_time: bool | None = None,
                     imbalanced: Mapping[str, Sequence[str]] | None = None,
                     summary: str | None = None, price_year: int = 2023,
                     min_cell: int = 5, published: pd.DataFrame | None = None) -> dict[str, Any]:
    """The numbers ``03_intervention_effects`` records.

    Parameters
    ----------
    treatment : str
        The treatment in words.
    submitted_treated : int
        Treated people in the analysis cohort.
    table, dr, matching : optional
        The risk-difference table, doubly robust result and matching (None where not
        estimated).
    freq, cost : DataFrame, optional
        The frequency and cost contrasts (their ``IPW (ATT)`` rows are recorded).
    hr : mapping, optional
        The ``IPW (ATT)`` row of the weighted Cox table.
    evalues : DataFrame, optional
        The E-value table.
    reportable, reportable_time : bool, optional
        Whether the Justice Data Lab minimums are met (overall and for the time measure).
    imbalanced : mapping, optional
        Covariates still imbalanced, by sample.
    summary : str, optional
        The Justice Data Lab style sentence.
    price_year : int
        Price year of the costs.
    min_cell : int
        Smallest count shown.
    published : DataFrame, optional
        The risk-difference table as published: the risks of the treated and the comparison
        it hides are recorded as ``"suppressed"``.
    """
    return dict(
        treatment=treatment, estimand="ATT",
        **_risk_difference(table, dr, published), **_contrasts(freq, cost, hr, price_year),
        **_evalues(evalues),
        reportable=reportable, reportable_time=reportable_time,
        n_submitted_treated=shown_count(submitted_treated, min_cell),
        n_treated=None if dr is None else shown_count(dr.n_treated, min_cell),
        n_comparison=None if dr is None else shown_count(dr.n - dr.n_treated, min_cell),
        n_matched_treated=None if matching is None else shown_count(matching.n_treated, min_cell),
        n_matched_comparison=(None if matching is None
                              else shown_count(matching.n_controls, min_cell)),
        imbalanced_after=None if imbalanced is None else dict(imbalanced),
        jdl_summary=summary,
    )
