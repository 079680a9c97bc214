"""Words and display tables of the intervention-effects analysis: one line per row of each
effects table (the summaries a reader, and the notebook's output checks, read), the balance
verdicts, the common support in words, and the estimates table in percentage points.

Lines read from a published table print its marks (``"<5"``, ``"suppressed"``) as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.costs.money import gbp
from analysis.disclosure import count_text, shows_number
from analysis.models.effects.published import published_means

__all__ = ["attrition_lines", "balance_lines", "contrast_lines", "cost_lines", "estimate_lines",
           "evalue_lines", "hazard_ratio_lines", "imbalance_text", "interaction_lines",
           "rate_ratio_lines", "regression_lines", "risk_difference_shown", "smd_by_sample",
           "subgroup_gaps", "support_lines", "support_left_out", "support_title"]

PERCENT_COLUMNS = {"mean_treated": "treated_pct", "mean_comparison": "comparison_pct",
                   "estimate": "difference_pp", "se": "se_pp", "ci_low": "ci_low_pp",
                   "ci_high": "ci_high_pp"}


def _number(value: Any, spec: str = "", scale: float = 1.0) -> str:
    """A published cell for a sentence: a number formatted by ``spec`` (times ``scale``), a
    mark as it reads."""
    if isinstance(value, str):
        return value
    return format(value if scale == 1 else scale * value, spec)


def support_lines(flow: pd.DataFrame) -> str:
    """The people within common support, as the last row of a published attrition table
    (:func:`analysis.models.effects.matching.published_attrition`) shows them."""
    row = flow.iloc[-1]
    return f"within common support: {row['treated']} treated, {row['comparison']} comparison"


def support_left_out(flow: pd.DataFrame) -> str:
    """The people left out by the common-support rule, as the last row of a published attrition
    table shows them (a loss beside a ``"<5"`` count left reads ``"suppressed"``)."""
    row = flow.iloc[-1]
    return (f"Left out: {_number(row['treated_lost'], ',')} treated and "
            f"{_number(row['comparison_lost'], ',')} comparison people.")


def support_title(c_statistic: float, outside: int, flow: pd.DataFrame,
                  min_cell: int = 5) -> str:
    """The propensity-score figure's title: the c-statistic and the ``outside`` people outside
    common support, given only where the published attrition table ``flow`` (its last two
    rows: before and within common support) gives each group's loss already, as a number or as
    the difference of two numbers; otherwise the total would give a hidden loss back."""
    before, within = flow.iloc[-2], flow.iloc[-1]
    title = f"Propensity scores: c-statistic {c_statistic:.2f}"
    for group in ("treated", "comparison"):
        if not (shows_number(within[f"{group}_lost"])
                or (shows_number(before[group]) and shows_number(within[group]))):
            return title
    return f"{title}; {count_text(outside, min_cell)} people outside common support"


def contrast_lines(table: pd.DataFrame) -> str:
    """One line per contrast of :func:`analysis.models.effects.contrasts.adjusted_contrasts`:
    the outcome and scale, both group means and the estimate with its interval (3 decimals)."""
    return "\n".join(
        f"{r.outcome} ({r.scale}): treated {r.mean_treated:.3f}, comparison "
        f"{r.mean_comparison:.3f}, {r.scale} {r.estimate:.3f} (95% CI {r.ci_low:.3f} to "
        f"{r.ci_high:.3f})" for r in table.itertuples())


def regression_lines(logistic: pd.DataFrame | None, counts: pd.DataFrame | None = None,
                     tests: Mapping[str, Any] | None = None) -> str:
    """The measures of the logistic regression and, when fitted, the rate ratios of the count
    models and the preferred one (:mod:`analysis.models.effects.outcome_models`).

    Parameters
    ----------
    logistic : DataFrame or None
        The table of ``logistic_adjusted`` (None when not estimated).
    counts : DataFrame, optional
        The table of ``count_models``.
    tests : mapping, optional
        The tests of ``count_models`` (for the preferred model).
    """
    lines = [f"{r.measure}: {r.estimate:.4f} (95% CI {r.ci_low:.4f} to {r.ci_high:.4f}), "
             f"p = {r.p_value:.4f}" for r in (logistic.itertuples() if logistic is not None
                                              else [])]
    if counts is not None:
        lines += [f"{r.model}: rate ratio {r.rate_ratio:.3f} (95% CI {r.rr_ci_low:.3f} to "
                  f"{r.rr_ci_high:.3f})" for r in counts.itertuples()]
        if tests is not None:
            lines.append(f"preferred: {tests['preferred']}")
    return "\n".join(lines)


def attrition_lines(attrition: pd.DataFrame) -> str:
    """One line per step of an attrition table: the treated and comparison people left."""
    return "\n".join(f"{r.step}: {r.treated} treated, {r.comparison} comparison"
                     for r in attrition.itertuples())


def balance_lines(balance: pd.DataFrame, samples: Sequence[str] | None = None) -> str:
    """One line per sample of a balance table: its largest absolute SMD and the covariates
    flagged as imbalanced.

    Parameters
    ----------
    balance : DataFrame
        :func:`analysis.measures.balance.balance_table` output.
    samples : sequence of str, optional
        The samples, in order (default: those of the table, in its order).
    """
    samples = list(dict.fromkeys(balance["sample"])) if samples is None else list(samples)
    lines = []
    for s in samples:
        part = balance[balance["sample"] == s]
        flagged = ", ".join(part.loc[part["imbalanced"], "covariate"]) or "none"
        lines.append(f"{s}: largest |SMD| {part['abs_smd'].max():.3f}; imbalanced: {flagged}")
    return "\n".join(lines)


def imbalance_text(flags: Mapping[str, Sequence[str]], threshold: float) -> str:
    """A Markdown paragraph per sample saying which covariates are still imbalanced.

    Parameters
    ----------
    flags : mapping of str to sequence of str
        ``{sample: imbalanced covariates}`` (:func:`analysis.models.effects.reporting.imbalance_flags`).
    threshold : float
        The |SMD| above which a covariate counts as imbalanced.
    """
    return "\n\n".join(
        f"**{s}:** " + (f"still imbalanced (|SMD| > {threshold:g}): {', '.join(covs)}."
                        if covs else f"every covariate within |SMD| {threshold:g}.")
        for s, covs in flags.items())


def smd_by_sample(published: pd.DataFrame) -> pd.DataFrame:
    """The SMD of each covariate (rows) in each sample (columns, in the table's order), from a
    published balance table."""
    wide = published.pivot(index="covariate", columns="sample", values="smd")
    return wide[list(dict.fromkeys(published["sample"]))]


def estimate_lines(table: pd.DataFrame) -> str:
    """One line per method of a risk-difference estimates table, in percentage points (a
    published table's marks as they read)."""
    return "\n".join(
        f"{r.method}: {r.estimate}" if isinstance(r.estimate, str) else
        f"{r.method}: {_number(r.estimate, '+.2f', 100)} points (95% CI "
        f"{_number(r.ci_low, '+.2f', 100)} to {_number(r.ci_high, '+.2f', 100)})"
        for r in table.itertuples())


def risk_difference_shown(table: pd.DataFrame, sample: pd.DataFrame, outcome: str,
                          min_cell: int = 5,
                          samples: Mapping[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """A risk-difference estimates table for reading: percentages and percentage points under
    the small-count rule, the columns named with their unit (``_pct``, ``_pp``), 2 decimals.

    Parameters
    ----------
    table : DataFrame
        The estimates (fractions), e.g. ``Estimates.table``.
    sample : DataFrame
        The people the table was estimated on.
    outcome : str
        The binary outcome.
    min_cell : int
        Smallest count shown.
    samples : mapping of str to DataFrame, optional
        The people of the rows not estimated on ``sample``, by method
        (:func:`~analysis.models.effects.published.published_means`).
    """
    scaled = table.assign(**{c: 100 * table[c] for c in PERCENT_COLUMNS})
    return published_means(scaled, sample, outcome, min_cell, samples).rename(
        columns=PERCENT_COLUMNS).round(2)


def rate_ratio_lines(table: pd.DataFrame) -> str:
    """One line per method of the ratio rows of a contrasts table: the rate ratio and interval."""
    ratios = table[table["scale"] == "ratio"]
    return "\n".join(f"{r.method}: rate ratio {r.estimate:.3f} (95% CI {r.ci_low:.3f} to "
                     f"{r.ci_high:.3f})" for r in ratios.itertuples())


def cost_lines(table: pd.DataFrame) -> str:
    """One line per method of a cost contrasts table: the mean cost per person of each group and
    the difference with its interval, in pounds."""
    return "\n".join(
        f"{r.method}: {gbp(r.mean_treated)} treated, {gbp(r.mean_comparison)} comparison per "
        f"person; difference {gbp(r.estimate)} (95% CI {gbp(r.ci_low)} to {gbp(r.ci_high)})"
        for r in table.itertuples())


def hazard_ratio_lines(table: pd.DataFrame) -> str:
    """One line per method of a weighted Cox table: the hazard ratio and its interval."""
    return "\n".join(f"{r.method}: HR {r.hazard_ratio:.3f} (95% CI {r.ci_low:.3f} to "
                     f"{r.ci_high:.3f})" for r in table.itertuples())


def evalue_lines(table: pd.DataFrame) -> str:
    """One line per measure of an E-value table: the estimate and the two E-values (a
    published table's marks as they read)."""
    return "\n".join(f"{r.measure}: {r.estimate}" if isinstance(r.estimate, str) else
                     f"{r.measure}: {_number(r.estimate, '.3f')}, E-value "
                     f"{_number(r.evalue, '.2f')} (CI limit {_number(r.evalue_ci, '.2f')})"
                     for r in table.itertuples())


def interaction_lines(interactions: pd.DataFrame) -> str:
    """One line per outcome and subgroup: the interaction p-value and its Holm adjustment, or
    that the subgroup could not be tested."""
    return "\n".join(
        f"{r.outcome} by {r.subgroup}: interaction p = {r.p_value:.3f}, Holm p = {r.p_holm:.3f}"
        if np.isfinite(r.p_value) else
        f"{r.outcome} by {r.subgroup}: not tested (fewer than two levels with 10 people in each "
        "group)" for r in interactions.itertuples())


def subgroup_gaps(subgroups: pd.DataFrame, requested: Sequence[str],
                  min_per_group: int = 10) -> str:
    """Which subgroups, and which of their levels, have no estimate, and why (Markdown; empty
    when every level of every subgroup was estimated).

    Parameters
    ----------
    subgroups : DataFrame
        The effects of :func:`analysis.models.effects.subgroup_tables` (``subgroup``, ``level``,
        ``n_treated``, ``n_comparison``, ``estimate``).
    requested : sequence of str
        The subgroups asked for (``effects.subgroups``).
    min_per_group : int
        Fewest treated and comparison people a level needs.
    """
    found = set(subgroups["subgroup"]) if "subgroup" in subgroups else set()
    parts = [f"{g} (everybody analysed is in one level of it, or it is not in the data)"
             for g in requested if g not in found]
    if "estimate" in subgroups:
        first = subgroups.drop_duplicates(["subgroup", "level"])
        missing = first[pd.to_numeric(first["estimate"], errors="coerce").isna()]
        for (g, none_treated), rows in missing.groupby(
                [missing["subgroup"], pd.to_numeric(missing["n_treated"], errors="coerce").eq(0)],
                sort=False):
            why = ("no treated people" if none_treated else
                   f"fewer than {min_per_group} treated or comparison people")
            parts.append(f"{g} {', '.join(map(str, rows['level']))} ({why})")
    if not parts:
        return ""
    return ("**Subgroup effects that could not be estimated:** " + "; ".join(parts) + ".")
