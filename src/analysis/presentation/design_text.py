"""Words of the design notebook: the inputs of the power calculation, the years of intake a
target effect needs, the figure's title and the notebook's answer."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from analysis.models.effects.power import Plan
from analysis.presentation.answers import decimal, number

__all__ = ["inputs_text", "target_text", "mde_title", "design_answer"]


def _people(value: Any) -> str:
    """People a year: whole as given (``150``), one decimal where the data give a mean (``67.1``)."""
    v = number(value)
    return decimal(v, 0 if v is not None and v == round(v) else 1)


def inputs_text(p: Plan) -> str:
    """What the calculation assumes, and where each input comes from."""
    per_year = "not known" if not math.isfinite(p.people_per_year) else _people(p.people_per_year)
    return (f"**Intake:** {per_year} people a year on the intervention (from {p.intake_source}). "
            f"**Base rate:** {100 * p.base_rate:.1f}% reoffend within a year without it (from "
            f"{p.base_source}). **Design:** {p.ratio:g} comparison "
            f"{'person' if p.ratio == 1 else 'people'} per treated person, "
            f"{100 * p.power:g}% power, two-sided {100 * p.alpha:g}% significance.")


def target_text(p: Plan, years: float, people: float) -> str:
    """How many years of intake detect the target effect (``design.target_effect_pp``)."""
    if p.target_effect_pp is None:
        return "No target effect is set (`design.target_effect_pp`)."
    goal = (f"A fall of {p.target_effect_pp:g} points (from {100 * p.base_rate:.1f}% to "
            f"{100 * p.base_rate - p.target_effect_pp:.1f}%)")
    if not math.isfinite(years):
        return f"{goal} is not possible from this base rate."
    return (f"{goal} needs {math.ceil(people):,} treated people and {math.ceil(people * p.ratio):,} "
            f"comparison people: **{years:.0f} year{'s' if years != 1 else ''} of intake** at "
            f"{p.people_per_year:,.1f} a year.")


def mde_title(by_year: pd.DataFrame) -> str:
    """The figure's title: the effect detectable after the first and the last year."""
    first, last = by_year.iloc[0], by_year.iloc[-1]
    return (f"Detectable fall: {first['mde_pp']:.1f} points after 1 year, "
            f"{last['mde_pp']:.1f} after {int(last['year'])}")


def design_answer(results: Mapping[str, Any]) -> str:
    """The answer of ``00_design`` from its recorded results."""
    mde1, mde_last = number(results.get("mde_year1_pp")), number(results.get("mde_last_year_pp"))
    if mde1 is None or mde_last is None:
        return ("The power calculation needs the people a year on the intervention and a base "
                "rate: set `design.people_per_year` and `design.base_rate`.")
    text = (f"With {_people(results.get('people_per_year'))} people a year on the intervention "
            f"and a base rate of {decimal(results.get('base_rate_pct'), unit='%')}, one year of "
            f"intake can detect a fall in one-year proven reoffending of "
            f"{decimal(mde1)} percentage points or more, and {results.get('years')} years one "
            f"of {decimal(mde_last)} points ({decimal(results.get('power_pct'), 0, '%')} power, "
            f"two-sided {decimal(results.get('alpha_pct'), 0, '%')}).")
    years = number(results.get("years_for_target"))
    target = number(results.get("target_effect_pp"))
    if target is not None:
        text += (f" A fall of {target:g} points needs {years:.0f} year{'s' if years != 1 else ''}"
                 " of intake." if years is not None else
                 f" A fall of {target:g} points is not possible from this base rate.")
    first_jdl = number(results.get("first_jdl_year"))
    text += (f" The Justice Data Lab minimum of treated people is reached in year {first_jdl:.0f}."
             if first_jdl is not None else
             " The Justice Data Lab minimum of treated people is not reached in the years shown.")
    return text
