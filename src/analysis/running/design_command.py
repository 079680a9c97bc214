"""The command ``python -m analysis design``: notebook 00_design's question without a run.

Given a base rate, the treated people a year and the comparison people per treated person, it
prints, for each year of intake asked for, the treated and comparison people expected, the
treated reoffenders expected, the minimum detectable effect (MDE) in percentage points and
whether the Justice Data Lab minimums are met, then the design notebook's answer. The numbers
are those of :func:`analysis.models.effects.power.design_by_year` and the words those of
:mod:`analysis.presentation.design_text`, as in the notebook. The arguments are checked by the
rules of the ``design:`` parameters (:class:`analysis.design_spec.DesignParams`).
"""

from __future__ import annotations

import argparse
import math
from typing import Any

import pandas as pd
from pydantic import ValidationError

from analysis.design_spec import DesignParams
from analysis.errors import AnalysisInputError
from analysis.models.effects import power as pw
from analysis.params import EffectsParams
from analysis.presentation import design_text

__all__ = ["OPTIONS", "add_design_parser", "design_lines", "design_plan", "design_table",
           "parse_years"]

#: Each ``design:`` parameter's command-line option.
OPTIONS = {"base_rate": "--base-rate", "people_per_year": "--treated-per-year",
           "comparison_ratio": "--comparison-ratio", "power": "--power", "alpha": "--alpha",
           "years": "--years"}
#: The Justice Data Lab minimums (``effects.min_treated`` and ``effects.min_reoffenders``).
MIN_TREATED = int(EffectsParams.model_fields["min_treated"].default)
MIN_REOFFENDERS = int(EffectsParams.model_fields["min_reoffenders"].default)
#: Columns of the printed table, by column of :func:`~analysis.models.effects.power.design_by_year`.
TABLE_COLUMNS = {"year": "year", "treated_expected": "treated people",
                 "comparison_expected": "comparison people",
                 "treated_reoffenders_expected": "treated reoffenders",
                 "mde_pp": "MDE (points)", "detectable_rate_pct": "detectable rate (%)",
                 "jdl_reportable": "JDL minimum",
                 "jdl_time_reportable": "JDL time minimum"}


def _number(option: str, text: str) -> float:
    """An option's value as a finite number."""
    try:
        value = float(text)
    except ValueError:
        raise AnalysisInputError(f"{option}: '{text}' is not a number") from None
    if not math.isfinite(value):
        raise AnalysisInputError(f"{option}: '{text}' is not a finite number")
    return value


def parse_years(text: str) -> list[int]:
    """The years of intake asked for (``"1,2,3"``), in increasing order without repeats."""
    try:
        years = sorted({int(part) for part in text.split(",")})
    except ValueError:
        raise AnalysisInputError(f"--years: '{text}' is not a list of whole years separated by "
                                 "commas (e.g. 1,2,3,4,5)") from None
    if years[0] < 1:
        raise AnalysisInputError(f"--years: '{text}': years of intake start at 1")
    return years


def design_plan(args: argparse.Namespace) -> tuple[pw.Plan, list[int]]:
    """The design's inputs from the command's arguments, checked as the ``design:`` parameters.

    Raises
    ------
    AnalysisInputError
        Naming the option at fault and the rule it breaks.
    """
    years = parse_years(args.years)
    given: dict[str, Any] = {key: _number(OPTIONS[key], getattr(args, key))
                             for key in OPTIONS if key != "years"}
    try:
        design = DesignParams(**given, years=years[-1], target_effect_pp=None)
    except ValidationError as err:
        first = err.errors()[0]
        key = str(first["loc"][0])
        value = args.years if key == "years" else getattr(args, key)
        raise AnalysisInputError(f"{OPTIONS[key]}: {first['msg'].lower()} (got {value})"
                                 ) from None
    assert design.people_per_year is not None and design.base_rate is not None
    return pw.Plan(design.people_per_year, design.base_rate, design.comparison_ratio,
                   design.power, design.alpha, design.years, None,
                   "the command line, --treated-per-year", "the command line, --base-rate"
                   ), years


def design_table(plan: pw.Plan, years: list[int]) -> pd.DataFrame:
    """The notebook's year-by-year design (:func:`~analysis.models.effects.power.design_by_year`
    with the Justice Data Lab minimums), for the years asked for."""
    by_year = pw.design_by_year(plan.people_per_year, plan.base_rate, plan.years, plan.ratio,
                                plan.power, plan.alpha, MIN_TREATED, MIN_REOFFENDERS)
    return by_year[by_year["year"].isin(years)].reset_index(drop=True)


def _results(plan: pw.Plan, full: pd.DataFrame) -> dict[str, Any]:
    """The headline numbers the design notebook records (for its answer)."""
    jdl_years = full.loc[full["jdl_reportable"], "year"]
    return {"people_per_year": round(plan.people_per_year, 1),
            "base_rate_pct": round(100 * plan.base_rate, 1), "power_pct": 100 * plan.power,
            "alpha_pct": 100 * plan.alpha, "years": plan.years,
            "mde_year1_pp": float(full["mde_pp"].iloc[0]),
            "mde_last_year_pp": float(full["mde_pp"].iloc[-1]),
            "first_jdl_year": int(jdl_years.min()) if len(jdl_years) else None}


def design_lines(plan: pw.Plan, years: list[int]) -> list[str]:
    """What the command prints: the inputs, the table by year, the minimums and the answer."""
    table = design_table(plan, years)
    shown = table[list(TABLE_COLUMNS)].rename(columns=TABLE_COLUMNS)
    for column in ("JDL minimum", "JDL time minimum"):
        shown[column] = shown[column].map({True: "yes", False: "no"})
    full = design_table(plan, list(range(1, plan.years + 1)))
    return [
        design_text.inputs_text(plan).replace("**", ""),
        "",
        shown.to_string(index=False, float_format=lambda v: f"{v:.2f}"),
        "",
        f"Justice Data Lab minimums: an estimate needs at least {MIN_TREATED} treated people, "
        f"the time to reoffence also at least {MIN_REOFFENDERS} treated reoffenders "
        "(effects.min_treated, effects.min_reoffenders).",
        design_text.design_answer(_results(plan, full)),
    ]


def _cmd_design(args: argparse.Namespace) -> int:
    plan, years = design_plan(args)
    for line in design_lines(plan, years):
        print(line)
    return 0


def add_design_parser(sub: Any, epilog: str) -> None:
    """Add the ``design`` command to the command line's subcommands."""
    p = sub.add_parser(
        "design", help="the effect an evaluation could detect, by years of intake (no data)",
        description="Notebook 00_design's power calculation: per year of intake, the treated "
                    "and comparison people expected, the minimum detectable effect in "
                    "percentage points and the Justice Data Lab minimums.",
        epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base-rate", dest="base_rate", required=True, metavar="RATE",
                   help="one-year reoffending rate without the intervention (0-1), e.g. 0.26")
    p.add_argument("--treated-per-year", dest="people_per_year", required=True, metavar="N",
                   help="people a year starting the intervention, e.g. 150")
    p.add_argument("--comparison-ratio", dest="comparison_ratio", default="1", metavar="K",
                   help="comparison people per treated person (default 1)")
    p.add_argument("--power", default="0.8", help="chance of detecting the effect (default 0.8)")
    p.add_argument("--alpha", default="0.05", help="two-sided significance level (default 0.05)")
    p.add_argument("--years", default="1,2,3,4,5", metavar="LIST",
                   help="years of intake, separated by commas (default 1,2,3,4,5; at most 20)")
    p.set_defaults(func=_cmd_design)
