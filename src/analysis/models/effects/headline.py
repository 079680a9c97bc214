"""The headline numbers of the intervention-effects analysis, as ``results.json`` records them,
and the doubly robust estimate as the notebook publishes it (its E-values, its Justice Data Lab
statement, its figure's title).

What could not be estimated (passed here as None) is recorded as None, counts of people below
the disclosure threshold as ``"<5"``, and what the published risk-difference table hides (a
method's estimate, the doubly robust risks, with the risk ratio and E-values that would give
them back) as ``"suppressed"``, in ``results.json`` and in every table and sentence alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from analysis.disclosure import SUPPRESSED, shown_count, shows_number, suppress_where
from analysis.models.effects.doubly_robust import AIPWResult
from analysis.models.effects.estimates import estimates_by_method
from analysis.models.effects.matching import MatchResult
from analysis.models.effects.reporting import jdl_sentence

__all__ = ["headline_numbers", "published_evalues", "published_summary", "ratio_withheld",
           "shown_estimate"]

RR_MEASURE = "risk ratio (doubly robust)"
#: The method of the doubly robust row of a risk-difference table.
DR_METHOD = "Doubly robust AIPW (ATT)"


def _as_shown(row: pd.DataFrame, pairs: Sequence[tuple[Any, str]]) -> list[Any]:
    """Each value as the published row shows its column: ``"suppressed"`` where the row hides
    it (or shows no number), the value itself where it shows one or where there is no row."""
    return [value if not len(row) or shows_number(row[col].iloc[0]) else SUPPRESSED
            for value, col in pairs]


def _dr_row(published: pd.DataFrame | None) -> pd.DataFrame:
    """The doubly robust row of a published risk-difference table (no rows without one)."""
    if published is None:
        return pd.DataFrame()
    return published[published["method"].eq(DR_METHOD)]


def _shown_risks(dr: AIPWResult, published: pd.DataFrame | None) -> list[Any]:
    """The doubly robust row's risks of the treated and the comparison as its published table
    shows them: ``"suppressed"`` where it hides them (:func:`published_means`)."""
    return _as_shown(_dr_row(published), [(dr.risk_treated, "mean_treated"),
                                          (dr.risk_comparison, "mean_comparison")])


def ratio_withheld(dr: AIPWResult, published: pd.DataFrame | None) -> bool:
    """Whether the risk ratio is withheld: beside the risk difference it gives back both risks
    (``RD / (RR - 1)`` is the comparison's risk), so it is shown only where they are."""
    return not all(shows_number(v) for v in _shown_risks(dr, published))


def shown_estimate(dr: AIPWResult, published: pd.DataFrame | None) -> float | None:
    """The doubly robust risk difference where its published table shows it and its interval
    and p-value, None where the table hides any of them."""
    shown = _as_shown(_dr_row(published), [(dr.estimate, "estimate"), (dr.ci_low, "ci_low"),
                                           (dr.ci_high, "ci_high"), (dr.p_value, "p_value")])
    return dr.estimate if all(shows_number(v) for v in shown) else None


#: The columns of an E-value table that give its ratio back.
_EVALUE_COLUMNS = ("estimate", "ci_low", "ci_high", "rr", "evalue", "evalue_ci")


def published_evalues(evalues: pd.DataFrame, dr: AIPWResult | None,
                      published: pd.DataFrame | None) -> pd.DataFrame:
    """An E-value table (:func:`analysis.models.effects.reporting.evalue_table`) as published:
    the doubly robust risk ratio's row reads ``"suppressed"`` where the ratio is withheld
    (:func:`ratio_withheld`; an E-value gives its ratio back), other rows as they are."""
    if dr is None or evalues.empty or not ratio_withheld(dr, published):
        return evalues
    columns = [c for c in _EVALUE_COLUMNS if c in evalues.columns]
    return suppress_where(evalues, columns, evalues["measure"].eq(RR_MEASURE).to_numpy())


def published_summary(dr: AIPWResult | None, published: pd.DataFrame | None, treatment: str,
                      ratio: int = 1, min_cell: int = 5) -> str | None:
    """The Justice Data Lab statement of the doubly robust estimate as its table publishes it.

    None where the table hides the estimate (:func:`shown_estimate`); without the treated
    people a difference of its size would need where it hides the risks (that number, beside
    the difference, gives the treated risk back).
    """
    if dr is None or shown_estimate(dr, published) is None:
        return None
    p_treated = None if ratio_withheld(dr, published) else dr.risk_treated
    return jdl_sentence(dr.estimate, dr.ci_low, dr.ci_high, dr.p_value, treatment,
                        p_treated=p_treated, ratio=ratio, n_treated=dr.n_treated,
                        min_cell=min_cell)


def _by_method(table: pd.DataFrame, published: pd.DataFrame | None) -> dict[str, dict[str, Any]]:
    """Each method's estimate and interval as the published table shows them (``"suppressed"``
    in the rows it hides)."""
    return estimates_by_method(table if published is None else published)


def _risk_difference(table: pd.DataFrame | None, dr: AIPWResult | None,
                     published: pd.DataFrame | None = None) -> dict[str, Any]:
    keys = ["risk_difference_method", "risk_difference", "risk_difference_ci",
            "risk_difference_se", "risk_difference_p", "risk_difference_ci_method",
            "risk_treated", "risk_comparison", "risk_ratio", "risk_ratio_ci",
            "risk_difference_by_method"]
    if table is None or dr is None:
        return dict.fromkeys(keys)
    estimate, low, high, se, p = _as_shown(_dr_row(published), [
        (dr.estimate, "estimate"), (dr.ci_low, "ci_low"), (dr.ci_high, "ci_high"),
        (dr.se, "se"), (dr.p_value, "p_value")])
    hide = ratio_withheld(dr, published)
    ratio = SUPPRESSED if hide else dr.risk_ratio
    ratio_ci = [SUPPRESSED] * 2 if hide else [dr.rr_ci_low, dr.rr_ci_high]
    return dict(zip(keys, [
        table["method"].iloc[-1], estimate, [low, high], se, p, dr.ci_method,
        *_shown_risks(dr, published), ratio, ratio_ci, _by_method(table, published)],
        strict=True))


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


def _evalues(evalues: pd.DataFrame | None, ratio_hidden: bool = False) -> dict[str, Any]:
    """The E-values; those of the risk ratio ``"suppressed"`` where the ratio is (an E-value
    gives its risk ratio back)."""
    out: dict[str, Any] = dict(evalue_rr=None, evalue_rr_ci=None, evalue_hr=None,
                               evalue_hr_ci=None)
    for r in ([] if evalues is None else evalues.itertuples()):
        key = "rr" if r.measure == RR_MEASURE else "hr"
        hide = key == "rr" and ratio_hidden
        out[f"evalue_{key}"], out[f"evalue_{key}_ci"] = ((SUPPRESSED, SUPPRESSED) if hide
                                                         else (r.evalue, r.evalue_ci))
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
        The risk-difference table as published: what it hides (a method's estimate and
        interval, the doubly robust risks of the treated and the comparison) is recorded as
        ``"suppressed"``, and so are the risk ratio and its E-values where the risks are
        hidden (beside the risk difference they would give the risks back).
    """
    return dict(
        treatment=treatment, estimand="ATT",
        **_risk_difference(table, dr, published), **_contrasts(freq, cost, hr, price_year),
        **_evalues(evalues, dr is not None and ratio_withheld(dr, published)),
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
