"""Each notebook's answer in plain words, written from the headline numbers it recorded.

One function per notebook takes the results the notebook recorded (published values only: a
suppressed value is text or missing, and the sentence then says it is not shown) and returns a
short Markdown paragraph: what was found, how sure, what it means. The notebook shows it as its
last output and records it as ``answer`` in ``results.json``, where the report reads it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from analysis.costs import money

__all__ = [
    "cohort_answer",
    "survival_answer",
    "effects_answer",
    "costs_answer",
    "performance_answer",
    "number",
    "decimal",
    "pct",
    "gbp",
    "p_text",
]

NOT_SHOWN = "not shown (a small count)"


def number(value: Any) -> float | None:
    """``value`` as a float, or ``None`` when it is missing, suppressed (text) or not finite."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def decimal(value: Any, digits: int = 1, unit: str = "") -> str:
    """A number with ``digits`` decimals and thousands separators, then ``unit``, or the
    not-shown text (``decimal(1.346, 2)`` -> ``1.35``; ``decimal(26.23, unit="%")`` -> ``26.2%``)."""
    v = number(value)
    return NOT_SHOWN if v is None else f"{v:,.{digits}f}{unit}"


def pct(value: Any, digits: int = 1) -> str:
    """A percentage for people (``26.2%``), or the not-shown text."""
    return decimal(value, digits, "%")


def gbp(value: Any) -> str:
    """Pounds with thousands separators (``£15,497,368``; ``-£2,251``), or the not-shown text."""
    v = number(value)
    return NOT_SHOWN if v is None else money.gbp(v)


def p_text(p: Any) -> str:
    """A p-value as people read it: ``p < 0.001`` below one in a thousand, else three decimals."""
    v = number(p)
    if v is None:
        return "p not available"
    return "p < 0.001" if v < 0.001 else f"p = {v:.3f}"


def _interval(ci: Any, scale: float = 1.0, digits: int = 1, unit: str = "") -> str:
    if not isinstance(ci, Sequence) or len(ci) != 2:
        return ""
    low, high = number(ci[0]), number(ci[1])
    if low is None or high is None:
        return ""
    return f" (95% CI {low * scale:.{digits}f}{unit} to {high * scale:.{digits}f}{unit})"


def cohort_answer(results: Mapping[str, Any], labels: Mapping[int, str],
                  follow_up_months: int) -> str:
    """The answer of ``01_cohort``: who is in the cohort and how many reoffended.

    Parameters
    ----------
    results : mapping
        What the notebook recorded (``people_read``, ``people_in_cohort``, ``treated``,
        ``binary_rate_pct`` and its interval, ``frequency_per_offender``,
        ``rates_by_group_pct``, ``imbalanced_covariates``).
    labels : mapping
        ``{0: comparison label, 1: treated label}``.
    follow_up_months : int
        The follow-up period of the proven reoffending measure.
    """
    people = number(results.get("people_in_cohort"))
    read = number(results.get("people_read"))
    ci = [results.get("binary_ci_low_pct"), results.get("binary_ci_high_pct")]
    text = [f"Of {read:,.0f} people in the data, {people:,.0f} could be measured."
            if read is not None and people is not None else ""]
    frequency = number(results.get("frequency_per_offender"))
    per_person = (f", with {frequency:.2f} proven reoffences per person"
                  if frequency is not None else "")
    text.append(f"{pct(results.get('binary_rate_pct'))}{_interval(ci, unit='%')} had a proven "
                f"reoffence within {follow_up_months} months{per_person}.")
    rates = results.get("rates_by_group_pct") or {}
    treated, comparison = labels.get(1, "Treated"), labels.get(0, "Comparison")
    if treated in rates or comparison in rates:
        text.append(f"{treated}: {pct(rates.get(treated))}; {comparison}: "
                    f"{pct(rates.get(comparison))}.")
    imbalanced = results.get("imbalanced_covariates") or []
    if imbalanced:
        text.append(f"These raw rates compare different people: the groups differ on "
                    f"{len(imbalanced)} baseline characteristics (standardised difference above "
                    "0.1), so the gap between them is not the effect of the intervention; "
                    "notebook 03 compares like with like.")
    return " ".join(t for t in text if t)


def _ratio_words(ratio: float, noun: str) -> str:
    change = (1 - ratio) * 100
    return f"{abs(change):.0f}% {'lower' if change > 0 else 'higher'} {noun}"


def survival_answer(results: Mapping[str, Any], labels: Mapping[int, str]) -> str:
    """The answer of ``02_survival``: how quickly people reoffend and what changes the hazard."""
    treated, comparison = labels.get(1, "Treated"), labels.get(0, "Comparison")
    at_end = results.get("cumulative_reoffended_pct_at_follow_up") or {}
    text = [f"By the end of follow-up, {pct(at_end.get(treated))} of {treated} and "
            f"{pct(at_end.get(comparison))} of {comparison} had reoffended (Kaplan-Meier; "
            f"log-rank {p_text(results.get('logrank_p'))})."]
    hr = number(results.get("cox_treated_hr"))
    if hr is not None:
        ci = _interval(results.get("cox_treated_hr_ci"), digits=2)
        failing = results.get("ph_failing") or []
        check = ("the proportional-hazards check found no covariate whose effect changes over "
                 "time" if not failing else
                 f"the proportional-hazards check flags {', '.join(failing)}")
        text.append(f"Allowing for the covariates, {treated} had a hazard ratio of {hr:.2f}{ci} "
                    f"against {comparison}: a {_ratio_words(hr, 'rate of reoffending')} at any "
                    f"moment; {check}.")
    diff = number(results.get("rmst_difference"))
    if diff is not None:
        unit = results.get("time_unit", "days")
        ci = _interval(results.get("rmst_difference_ci"), digits=0, unit=f" {unit}")
        text.append(f"Over the follow-up, {treated} spent on average {abs(diff):.0f} "
                    f"{'more' if diff > 0 else 'fewer'} {unit} free of proven reoffending than "
                    f"{comparison}{ci}, before adjustment.")
    return " ".join(text)


def effects_answer(results: Mapping[str, Any]) -> str:
    """The answer of ``03_intervention_effects``: did it work, by how much, how sure."""
    treatment = results.get("treatment", "the intervention")
    rd = number(results.get("risk_difference"))
    if rd is None:
        return (f"The effect of {treatment} on proven reoffending could not be estimated from "
                "these data.")
    ci = results.get("risk_difference_ci") or [None, None]
    low, high = number(ci[0]), number(ci[1])
    method = results.get("risk_difference_method", "")
    text = [f"Best estimate ({method}): {treatment} changed the one-year proven reoffending "
            f"rate by {rd * 100:+.1f} percentage points{_interval(ci, scale=100)}, "
            f"{p_text(results.get('risk_difference_p'))}."]
    sentence = str(results.get("jdl_summary") or "").rstrip(". ")
    if sentence:
        text.append(f"{sentence}.")
    elif low is not None and high is not None:
        text.append("The 95% interval does not include zero, so chance alone is an unlikely "
                    "explanation." if high < 0 or low > 0 else
                    "The 95% interval includes zero, so the data cannot rule out no effect.")
    evalue = number(results.get("evalue_rr"))
    if evalue is not None:
        text.append(f"An unmeasured confounder would need to be associated with both treatment "
                    f"and reoffending by a risk ratio of {evalue:.2f} to explain the estimate "
                    "away (E-value).")
    raw = results.get("risk_difference_by_method", {}).get("Unadjusted", {})
    raw_rd = number(raw.get("estimate")) if isinstance(raw, Mapping) else None
    if raw_rd is not None and (raw_rd > 0) != (rd > 0):
        text.append(f"The raw difference ({raw_rd * 100:+.1f} points) points the other way "
                    "because the people given the intervention were at higher risk to begin "
                    "with; the adjusted estimate compares them with similar people.")
    if results.get("reportable") is False:
        text.append("The treated group is below the Justice Data Lab's reporting minimums, so "
                    "the estimate is for internal use only.")
    return " ".join(text)


def costs_answer(results: Mapping[str, Any]) -> str:
    """The answer of ``04_cost_of_crime``: what the offending costs and what a programme averts."""
    price_year = results.get("price_year", "")
    text = []
    cost = results.get("cost_of_reoffending_gbp")
    counts = [number(results.get(k)) for k in ("reoffences_costed", "reoffences_not_costed")]
    if cost is not None and counts == [0.0, 0.0]:
        text.append("Nobody had a proven reoffence within the follow-up, so there is no cost of "
                    "reoffending.")
    elif cost is not None:
        costed, uncosted = counts
        share = (NOT_SHOWN if costed is None or uncosted is None else
                 f"{100 * uncosted / (costed + uncosted):.0f}%" if costed + uncosted else "none")
        text.append(f"The cohort's proven reoffences cost an estimated {gbp(cost)} at "
                    f"{price_year} prices ({gbp(results.get('cost_per_person_gbp'))} per person); "
                    f"{share} of reoffences have no published unit cost and are not in that "
                    "figure, so it is a lower bound.")
    npv = number(results.get("npv_gbp"))
    if npv is not None:
        effect = number(results.get("effect"))
        effect_text = f" of {effect * 100:+.1f} points" if effect is not None else ""
        text.append(f"At the estimated effect{effect_text}, a programme costing "
                    f"{gbp(results.get('programme_cost_gbp'))} averts "
                    f"{gbp(results.get('pv_benefit_gbp'))} of crime costs in present value: a net "
                    f"present value of {gbp(npv)} and a benefit-cost ratio of "
                    f"{decimal(results.get('bcr'), 2)}.")
        p_gain = number(results.get("p_benefit_exceeds_cost"))
        if p_gain is not None:
            text.append(f"Varying the uncertain inputs, the benefit exceeds the cost in "
                        f"{p_gain * 100:.0f}% of draws. The £ figures rest on the programme cost "
                        "per person and the unit costs of crime named in the parameters.")
    elif results.get("value_for_money"):
        text.append(str(results["value_for_money"]))
    if not text:
        text.append("No reoffences could be costed from these data; the case studies and unit "
                    "costs above stand on their own.")
    return " ".join(text)


def performance_answer(results: Mapping[str, Any]) -> str:
    """The answer of ``05_performance_measures``: are the targets met, how do areas compare."""
    measures = results.get("measures") or {}
    statuses: dict[str, list[str]] = {}
    for key, m in measures.items():
        statuses.setdefault(str(m.get("status", "Not rated")), []).append(key.replace("_", " "))
    text = []
    if measures:
        parts = [f"{len(v)} {k.lower()}" for k, v in sorted(statuses.items())]
        text.append(f"Of the {len(measures)} Pan-Dorset measures that could be computed: "
                    f"{', '.join(parts)}.")
        if statuses.get("Red"):
            text.append(f"Missing target beyond chance: {', '.join(statuses['Red'])}.")
        if statuses.get("Amber"):
            text.append("Amber means the 95% interval includes the target, so met and missed "
                        "cannot be told apart.")
    ratios = results.get("standardised_ratio") or {}
    overall = number(ratios.get("All"))
    if overall is not None:
        text.append(f"Allowing for age and sex, reoffending is {overall:.2f} times the national "
                    "rate for the whole cohort.")
    positions = results.get("funnel_positions") or {}
    outside = [a for a, pos in positions.items() if "within" not in str(pos)]
    if positions:
        text.append("Every area lies within the funnel's 95% limits." if not outside else
                    f"Outside the 95% limits: {', '.join(outside)}.")
    return " ".join(text) or "No performance measure could be computed from these data."
