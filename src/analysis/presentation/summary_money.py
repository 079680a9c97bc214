"""What the intervention is worth in pounds, and how the performance measures stand, in words.

Part of the run's answer (:mod:`analysis.presentation.run_summary`). The value for money is
given as the net present value at the point estimates first, then the range of the Monte Carlo
draws, with the assumptions that carry the figure named beside it: the programme cost, the
offences per proven offence, the unit costs, the years of benefit, and the inputs that move the
figure most (the one-way sensitivities). Inputs the parameter file lists under
``costs.illustrative`` are marked as illustrative. Everything is read from the run's headline
results and published tables (:class:`analysis.presentation.run_files.RunFiles`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from analysis.presentation.answers import gbp, number
from analysis.presentation.run_files import RunFiles

__all__ = ["Measure", "Money", "measures", "money", "rag_rule_text"]

COSTS, PERFORMANCE = "04_cost_of_crime", "05_performance_measures"
#: The one-way sensitivities' inputs in words (``04_cost_of_crime__sensitivities``).
_INPUT_WORDS = {
    "recorded-to-actual multiplier": "offences per proven offence",
    "horizon (years)": "years of benefit",
    "effect (risk difference)": "the effect across its 95% interval",
    "reoffences per reoffender": "reoffences per reoffender",
    "programme cost per person (GBP)": "programme cost per person",
    "unit costs (factor)": "unit costs of crime",
    "discount rate": "discount rate",
}
_RAG_RULES = {
    "ci": "Green: the whole 95% interval meets the target; red: the whole interval misses it; "
          "amber: the interval includes the target, so met and missed cannot be told apart.",
    "estimate": "Green: the estimate meets the target; red: it misses it.",
}


@dataclass(frozen=True)
class Money:
    """The value for money in words: the point value, its range and its assumptions."""

    npv: str
    detail: str
    monte_carlo: str
    assumptions: list[tuple[str, bool]]
    moves_most: str
    key_figures: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Measure:
    """One performance measure, as shown: label, value, interval, target and RAG status."""

    label: str
    value: str
    interval: str
    target: str
    status: str


def _row(run: RunFiles, table: str) -> Mapping[str, Any]:
    df = run.table(table)
    return df.iloc[0].to_dict() if df is not None and len(df) else {}


def _assumptions(run: RunFiles, r: Mapping[str, Any]) -> list[tuple[str, bool]]:
    """The inputs the £ figure rests on, each with whether the parameters call it illustrative."""
    cp = run.section("costs")
    marked = set(cp.get("illustrative") or [])
    rows: list[tuple[str, bool]] = []
    per_person = number(cp.get("programme_cost_per_person"))
    if per_person is not None:
        rows.append((f"Programme cost {gbp(per_person)} per person",
                     "programme_cost_per_person" in marked))
    multiplier, span = number(cp.get("recorded_to_actual")), cp.get("recorded_to_actual_range")
    if multiplier is not None:
        point = ("Proven offences only" if multiplier == 1 else
                 f"{multiplier:g} offences committed per proven offence")
        drawn = f"; {span[0]:g} to {span[1]:g} offences per proven offence in the draws" \
            if span else ""
        rows.append((point + drawn,
                     bool(marked & {"recorded_to_actual", "recorded_to_actual_range"})))
    spread = number(cp.get("unit_cost_uncertainty"))
    rows.append((f"Unit costs of crime at {r.get('price_year', '')} prices"
                 + (f"; ±{spread * 100:.0f}% in the draws" if spread else ""),
                 bool(marked & {"unit_costs", "unit_cost_uncertainty"})))
    years, rate = number(cp.get("horizon_years")), number(cp.get("discount_rate"))
    if years is not None and rate is not None:
        rows.append((f"Benefit of {years:g} year{'s' if years != 1 else ''}, discounted at "
                     f"{rate * 100:.1f}% a year", bool(marked & {"horizon_years", "discount_rate"})))
    return rows


def _moves_most(run: RunFiles, top: int = 2) -> str:
    table = run.table(f"{COSTS}__sensitivities")
    if table is None or table.empty:
        return ""
    table = table.sort_values("swing_gbp", ascending=False, kind="stable").head(top)
    parts = [f"{_INPUT_WORDS.get(str(r.parameter), str(r.parameter))} "
             f"({gbp(r.npv_low_gbp)} to {gbp(r.npv_high_gbp)})" for r in table.itertuples()]
    return "Moves most with: " + "; ".join(parts) + "."


def money(run: RunFiles) -> tuple[Money | None, str]:
    """The value for money in words, or ``None`` with the reason it is not shown."""
    r = run.notebook(COSTS)
    npv, cost = number(r.get("npv_gbp")), number(r.get("programme_cost_gbp"))
    if npv is None:
        return None, "Value for money was not appraised in this run."
    if not cost:
        return None, ("No programme cost in pounds is set for these data, so value for money is "
                      "not appraised.")
    benefit, bcr = number(r.get("pv_benefit_gbp")), number(r.get("bcr"))
    ratio = f": {bcr * 100:.0f}p back for every £1" if bcr is not None and bcr < 1 else (
        f": £{bcr:.2f} back for every £1" if bcr is not None else "")
    detail = (f"{gbp(benefit)} of crime costs averted (present value, {r.get('price_year')} "
              f"prices) for a programme cost of {gbp(cost)}{ratio}.")
    mc = _row(run, f"{COSTS}__monte_carlo")
    low, high, mean = (number(mc.get(k)) for k in ("npv_p5_gbp", "npv_p95_gbp", "npv_mean_gbp"))
    share, draws = number(mc.get("p_benefit_exceeds_cost")), number(mc.get("draws"))
    monte_carlo = ""
    if low is not None and high is not None and draws is not None:
        monte_carlo = (f"Varying the uncertain inputs ({draws:,.0f} draws): 90% of net values "
                       f"between {gbp(low)} and {gbp(high)} (mean {gbp(mean)})"
                       + (f"; benefit exceeds cost in {share * 100:.0f}% of draws." if
                          share is not None else "."))
    key = [("Net present value at the point estimates", gbp(npv)),
           ("Benefit-cost ratio", f"{bcr:.2f}" if bcr is not None else "not computed")]
    if low is not None and high is not None:
        key.append(("Net present value, 90% of Monte Carlo draws", f"{gbp(low)} to {gbp(high)}"))
    return Money(npv=gbp(npv), detail=detail, monte_carlo=monte_carlo,
                 assumptions=_assumptions(run, r), moves_most=_moves_most(run),
                 key_figures=key), ""


def _pct(value: Any) -> str:
    v = number(value)
    return f"{v:.1f}%" if v is not None else "suppressed"


def measures(run: RunFiles) -> list[Measure]:
    """The performance measures with a RAG status, from their published table (all cohorts)."""
    table = run.table(f"{PERFORMANCE}__pan_dorset_measures")
    if table is None or table.empty:
        return []
    rows = table[(table["quarter"] == "All cohorts")
                 & table["status"].isin(["Green", "Amber", "Red"])]
    return [Measure(label=str(r.label), value=_pct(r.value_pct),
                    interval=(f"({_pct(r.ci_low_pct)[:-1]} to {_pct(r.ci_high_pct)})"
                              if number(r.ci_low_pct) is not None else ""),
                    target=str(r.target_text), status=str(r.status)) for r in rows.itertuples()]


def rag_rule_text(rule: Any) -> str:
    """What the RAG statuses mean under the run's rule."""
    return _RAG_RULES.get(str(rule), "")
