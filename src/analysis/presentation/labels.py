"""Column and variable names in plain English, with units: one mapping for figures and tables.

:func:`label` turns a column of a table or a term of a model into the words a reader sees
(``prior_offences_12m`` -> ``Prior offences in last 12 months``, ``cost_per_person_gbp`` ->
``Cost per person (£)``, ``sex[female]`` -> ``Female (vs male)``, ``area[Dorset]`` ->
``Area: Dorset``). Figures label their axes and rows with it, and the notebooks show tables with
their column headers in these words (:func:`display_headers`); the CSV files keep their names.
Names the mapping does not list are put in words from their parts and unit suffix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from analysis.measures.needs import need_label

__all__ = ["VARIABLES", "FLAGS", "COLUMNS", "label", "variable_label", "level_label",
           "term_label", "references_text", "display_headers", "in_sentence"]

#: The characteristics of people (covariates, subgroups) in words, with their units.
VARIABLES: dict[str, str] = {
    "treated": "Treated",
    "group": "Group",
    "age": "Age",
    "age_band": "Age band (years)",
    "sex": "Sex",
    "area": "Area",
    "cohort_group": "Cohort group",
    "prior_offences_12m": "Prior offences in last 12 months",
    "prior_offences": "Prior proven offences",
    "cohort_start_type": "Start of follow-up",
    "substance_treatment_need": "Substance-misuse treatment need on release",
    "housed_release_night": "Housed on the night of release",
    # Rossi et al. (1980)
    "fin": "Financial aid",
    "race": "Black",
    "wexp": "Full-time work experience before prison",
    "mar": "Married at release",
    "paro": "Released on parole",
    "prio": "Prior convictions",
    # Chung, Schmidt and Witte (1991)
    "workprg": "Work programme",
    "priors": "Prior convictions",
    "tserved": "Time served (months)",
    "felon": "Felony sentence",
    "alcohol": "Alcohol problems",
    "drugs": "Drug use history",
    "black": "Black",
    "married": "Married",
    "educ": "Years of schooling",
}

#: Variables that are 0/1 flags, with what a model's term compares (the reference level last).
FLAGS: dict[str, str] = {
    "treated": "vs comparison",
    "fin": "vs none",
    "race": "vs other",
    "black": "vs other",
    "workprg": "vs none",
}

#: Table columns in words, with units.
COLUMNS: dict[str, str] = {
    "n": "People",
    "n_treated": "People treated",
    "n_comparison": "People in the comparison group",
    "people": "People",
    "events": "People who reoffended",
    "reoffenders": "Reoffenders",
    "reoffences": "Proven reoffences",
    "offenders": "Offenders",
    "at_risk": "Number at risk",
    "binary_rate_pct": "Proven reoffending rate (%)",
    "binary_ci_low_pct": "Rate, 95% CI lower (%)",
    "binary_ci_high_pct": "Rate, 95% CI upper (%)",
    "frequency_per_offender": "Proven reoffences per person",
    "frequency_per_reoffender": "Proven reoffences per reoffender",
    "cumulative_reoffended_pct": "Cumulative % reoffended",
    "cumulative_ci_low_pct": "Cumulative %, 95% CI lower",
    "cumulative_ci_high_pct": "Cumulative %, 95% CI upper",
    "survival": "Proportion not yet reoffended",
    "estimate": "Estimate",
    "se": "Standard error",
    "ci_low": "95% CI lower",
    "ci_high": "95% CI upper",
    "p_value": "p-value",
    "p_holm": "p-value (Holm)",
    "coef": "Coefficient",
    "z": "z",
    "hazard_ratio": "Hazard ratio",
    "hr_ci_low": "Hazard ratio, 95% CI lower",
    "hr_ci_high": "Hazard ratio, 95% CI upper",
    "odds_ratio": "Odds ratio",
    "time_ratio": "Time ratio",
    "smd": "Standardised mean difference",
    "abs_smd": "Absolute standardised mean difference",
    "variance_ratio": "Variance ratio",
    "mean_treated": "Mean, treated",
    "mean_comparison": "Mean, comparison",
    "covariate": "Characteristic",
    "subgroup": "Subgroup",
    "level": "Level",
    "sample": "Sample",
    "method": "Method",
    "time": "Time",
    "months": "Months",
    "rmst": "Restricted mean time free of reoffending",
    "npv_gbp": "Net present value (£)",
    "npv_mean_gbp": "Net present value, Monte Carlo mean (£)",
    "p_benefit_exceeds_cost": "Probability benefits exceed cost",
    "fte_12m": "First-time entrants, 12 months",
    "aic": "AIC",
    "bic": "BIC",
    "df": "Degrees of freedom",
}

_UNITS = {"pct": "%", "gbp": "£", "pts": "percentage points", "days": "days", "pp": "percentage points"}
_WORDS = {"ci": "95% CI", "low": "lower", "high": "upper", "se": "standard error", "sd": "SD",
          "hr": "hazard ratio", "rr": "rate ratio", "npv": "net present value", "pv": "present value",
          "smd": "standardised mean difference", "km": "Kaplan-Meier", "aj": "Aalen-Johansen",
          "cif": "cumulative incidence", "mc": "Monte Carlo", "rmst": "RMST", "fte": "first-time entrants",
          "n": "people", "12m": "in last 12 months", "aic": "AIC", "bic": "BIC", "moj": "MoJ",
          "iom": "IOM", "nb": "negative binomial", "ete": "education, training, employment"}
_TERM = re.compile(r"^(?P<col>[^\[\]]+)\[(?:T\.)?(?P<level>[^\[\]]+)\]$")
_FUNCTION = re.compile(r"^(?P<fn>log1p|bands|ns|bs)\((?P<col>[^()]+)\)(?:\[(?P<i>\d+)\])?$")
_SEXES = {"female": "male", "male": "female"}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _from_parts(name: str) -> str:
    """A name not in the mapping put in words from its parts, its unit suffix in brackets."""
    parts = [p for p in name.split("_") if p]
    unit = _UNITS.get(parts[-1]) if len(parts) > 1 else None
    if unit:
        parts = parts[:-1]
    text = " ".join(_WORDS.get(p.lower(), p) for p in parts) or name
    return _capital(text) + (f" ({unit})" if unit else "")


def variable_label(name: str) -> str:
    """A characteristic in words, without the contrast a model term makes
    (``need_drugs`` -> ``Drugs need``, ``prior_offences_12m`` -> ``Prior offences in last 12 months``)."""
    if name in VARIABLES:
        return VARIABLES[name]
    if name.startswith("need_"):
        return f"{need_label(name)} need"
    return _from_parts(name)


def level_label(name: str, level: Any) -> str:
    """A level of a characteristic in words (``("sex", "female")`` -> ``Sex: female``; a 0/1
    flag reads no or yes: ``("need_drugs", 1.0)`` -> ``Drugs need: yes``)."""
    text = str(level)
    if text in ("0", "0.0", "1", "1.0", "False", "True"):
        text = "yes" if text in ("1", "1.0", "True") else "no"
    return f"{variable_label(name)}: {text}"


def term_label(name: str, references: Mapping[str, Any] | None = None) -> str:
    """A model term in words with the level it is compared with.

    Parameters
    ----------
    name : str
        A covariate (``age``, ``need_drugs``), a level of a text covariate in patsy's form
        (``area[Dorset]``, ``sex[T.female]``) or a transformed covariate (``log1p(age)``,
        ``ns(age)[2]``, ``bands(age)[25-34]``).
    references : mapping, optional
        The reference level of each text covariate (:func:`analysis.models.design.default_references`),
        named after the level: ``area[Dorset]`` -> ``Area: Dorset (vs BCP)``.

    Returns
    -------
    str
        E.g. ``Female (vs male)``, ``Drugs need (yes vs no)``, ``Prior offences in last 12 months``.
    """
    references = references or {}
    term = _TERM.match(name)
    if term and not _FUNCTION.match(name):
        col, level = term["col"], term["level"].replace("_", " ")
        ref = references.get(col, _SEXES.get(level.lower()) if col == "sex" else None)
        ref = None if ref is None else str(ref).replace("_", " ")
        if col == "sex":
            return _capital(level) + (f" (vs {ref})" if ref is not None else "")
        return f"{term_label(col)}: {level}" + (f" (vs {ref})" if ref is not None else "")
    function = _FUNCTION.match(name)
    if function:
        col, fn, i = function["col"], function["fn"], function["i"]
        words = variable_label(col)
        if fn == "log1p":
            return f"{words}, log(1 + value)"
        if fn == "bands":
            ref = references.get(name)
            return f"{words} band" + (f" (vs {ref})" if ref is not None else "")
        return f"{words}, spline term {i}"
    if name in FLAGS:
        return f"{variable_label(name)} ({FLAGS[name]})"
    if name.startswith("need_") or name in VARIABLES and name not in (
            "age", "age_band", "sex", "area", "cohort_group", "group", "prio", "priors",
            "tserved", "educ", "prior_offences_12m", "prior_offences", "cohort_start_type"):
        return f"{variable_label(name)} (yes vs no)"
    return variable_label(name)


def label(name: str) -> str:
    """A column or variable name in plain English, with its unit.

    Table columns come from :data:`COLUMNS`, characteristics and model terms from
    :func:`term_label` (``sex[female]`` -> ``Female (vs male)``, ``area[Dorset]`` ->
    ``Area: Dorset``); other names are put in words from their parts, a unit suffix becoming a
    unit in brackets (``cost_per_person_gbp`` -> ``Cost per person (£)``).
    """
    if name in COLUMNS:
        return COLUMNS[name]
    if name in VARIABLES or name.startswith("need_") or _TERM.match(name) or _FUNCTION.match(name):
        return term_label(name)
    return _from_parts(name)


def in_sentence(name: str) -> str:
    """A characteristic in words for the middle of a sentence: no unit, no capital unless the
    first word is an abbreviation (``age_band`` -> ``age band``, ``iom`` -> ``IOM``)."""
    text = re.sub(r" \([^()]*\)$", "", variable_label(name))
    first = text.split(" ", 1)[0]
    return text if first.isupper() else text[:1].lower() + text[1:]


def references_text(references: Mapping[str, Any] | None) -> str:
    """The reference levels of the text covariates as a phrase (``Sex: male; Area: BCP``), or ``none``."""
    if not references:
        return "none"
    return "; ".join(f"{variable_label(col)}: {ref}" for col, ref in references.items())


def display_headers(table: pd.DataFrame) -> pd.DataFrame:
    """The table with its column headers in words, for showing (the CSV keeps the names).

    Headers that are not text (years, numbers) are left as they are, and so is a header whose
    words would repeat another's.
    """
    names = {c: label(c) for c in table.columns if isinstance(c, str)}
    seen: dict[str, int] = {}
    for words in names.values():
        seen[words] = seen.get(words, 0) + 1
    return table.rename(columns={c: w for c, w in names.items() if seen[w] == 1})
