"""What the effect analysis reports and whether it may: the Justice Data Lab statement of a
risk difference, the sample size a difference would need, the Justice Data Lab reportability
minimums, the covariates left imbalanced, and E-values for unmeasured confounding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from analysis.disclosure import count_text, is_small
from analysis.measures.balance import imbalanced
from analysis.models.effects.common import z_value
from analysis.models.effects.doubly_robust import AIPWResult

__all__ = ["evalue", "evalue_table", "imbalance_flags", "jdl_sentence", "reportability",
           "sample_size_needed"]


def sample_size_needed(p_treated: float, p_comparison: float, ratio: int = 1,
                       alpha: float = 0.05, power: float = 0.8) -> float:
    """Treated people needed to detect ``p_treated - p_comparison`` (two-sided test, normal
    approximation), with ``ratio`` comparisons per treated person.

    ``n_1 = (z_{1-alpha/2} + z_power)^2 [p_1 (1 - p_1) + p_0 (1 - p_0) / ratio] / (p_1 - p_0)^2``,
    rounded up; infinite when the difference is 0.
    """
    d = p_treated - p_comparison
    if d == 0 or not np.isfinite(d):
        return float("inf")
    var = p_treated * (1 - p_treated) + p_comparison * (1 - p_comparison) / ratio
    return float(np.ceil((z_value(alpha) + stats.norm.ppf(power)) ** 2 * var / d**2))


def _p_text(p: float) -> str:
    """A p-value as people read it: ``p < 0.001`` below one in a thousand, else ``p = 0.008``."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _per100(x: float) -> str:
    v = abs(100 * x)
    return f"{v:.0f}" if v >= 1.5 else f"{v:.1f}"


def jdl_sentence(
    estimate: float,
    ci_low: float,
    ci_high: float,
    p_value: float,
    treatment: str,
    measure: str = "reoffended within one year",
    p_treated: float | None = None,
    ratio: int = 1,
    n_treated: int | None = None,
    alpha: float = 0.05,
    min_cell: int = 5,
) -> str:
    """A Justice Data Lab style statement of a risk difference (fractions, treated minus comparison).

    Significant reduction: "For every 100 people like those treated, between a and b fewer
    reoffended within one year than would have done without <treatment>." followed by the
    significance sentence. When the interval includes 0 the statement gives both directions,
    says the result is not statistically significant and, given ``p_treated``, how many treated
    people would be needed to detect a difference of the estimated size (80% power), beside
    the ``n_treated`` of the analysis (``"<5"`` from 1 to ``min_cell - 1``).
    """
    lo, hi = 100 * ci_low, 100 * ci_high
    significant = p_value < alpha and (ci_high < 0 or ci_low > 0)
    if ci_high < 0:
        body = (f"For every 100 people like those treated, between {_per100(ci_high)} and "
                f"{_per100(ci_low)} fewer {measure} than would have done without {treatment}.")
    elif ci_low > 0:
        body = (f"For every 100 people like those treated, between {_per100(ci_low)} and "
                f"{_per100(ci_high)} more {measure} than would have done without {treatment}.")
    else:
        body = (f"For every 100 people like those treated, the number who {measure} could be "
                f"anywhere from {_per100(ci_low)} fewer to {_per100(ci_high)} more than without "
                f"{treatment}.")
    del lo, hi
    conf = int(round(100 * (1 - alpha)))
    if significant:
        direction = "reduced" if estimate < 0 else "increased"
        sig = (f" This is a statistically significant result ({_p_text(p_value)}; the "
               f"{conf}% confidence interval does not include zero): the analysis gives "
               f"evidence that {treatment} {direction} proven reoffending.")
    else:
        sig = (f" This is not a statistically significant result ({_p_text(p_value)}): the "
               f"analysis cannot say whether {treatment} changed proven reoffending; it does not "
               f"show that it had no effect.")
        if p_treated is not None:
            n = sample_size_needed(p_treated, p_treated - estimate, ratio, alpha)
            if np.isfinite(n):
                have = ("" if n_treated is None
                        else f" (this analysis has {count_text(n_treated, min_cell)})")
                sig += (f" To detect a difference of the estimated size ({100 * estimate:+.1f} "
                        f"percentage points) with 80% power at the 5% level, about {int(n):,} "
                        f"treated people{have} with {ratio} matched comparison"
                        f"{'s' if ratio > 1 else ''} each would be needed.")
            else:
                sig += " The estimated difference is zero, so no sample size would detect it."
    return body + sig


def reportability(n_treated: int, treated_reoffenders: int, min_treated: int = 60,
                  min_reoffenders: int = 30, min_cell: int = 5) -> pd.DataFrame:
    """Whether each headline measure may be reported, by the Justice Data Lab minimums.

    All measures need at least ``min_treated`` treated people; the time to first reoffence also
    needs at least ``min_reoffenders`` treated reoffenders. The reasons give the counts under
    the small-count rule (:func:`analysis.disclosure.count_text`): from 1 to ``min_cell - 1``
    they read ``"<5"``, and the treated reoffenders are not given where the treated people
    without a reoffence are 1 to ``min_cell - 1`` (the two counts would give them).

    Returns
    -------
    DataFrame
        ``measure``, ``reportable`` (bool), ``reason``.
    """
    people = f"{count_text(n_treated, min_cell)} treated people"
    rest = pd.Series([n_treated - treated_reoffenders])
    reoffenders = (f"fewer treated reoffenders than the minimum {min_reoffenders}"
                   if bool(is_small(rest, min_cell).iloc[0]) else
                   f"{count_text(treated_reoffenders, min_cell)} treated reoffenders, fewer "
                   f"than the minimum {min_reoffenders}")
    rows = []
    for measure, need_reoff in (("one-year proven reoffending", False),
                                ("frequency of proven reoffences", False),
                                ("time to first proven reoffence", True)):
        reasons = []
        if n_treated < min_treated:
            reasons.append(f"{people}, fewer than the minimum {min_treated}")
        if need_reoff and treated_reoffenders < min_reoffenders:
            reasons.append(reoffenders)
        rows.append({"measure": measure, "reportable": not reasons,
                     "reason": "; ".join(reasons) or "meets the minimums"})
    return pd.DataFrame(rows)


def imbalance_flags(balance: pd.DataFrame, samples: Sequence[str]) -> dict[str, list[str]]:
    """The covariates each sample leaves imbalanced (:func:`analysis.measures.balance.imbalanced`).

    Parameters
    ----------
    balance : DataFrame
        :func:`analysis.measures.balance.balance_table` of the samples.
    samples : sequence of str
        The samples to report, e.g. the keys of ``Estimates.weights``.

    Returns
    -------
    dict of str to list of str
        ``{sample: covariates with |SMD| above the threshold}``, in the order of ``samples``.
    """
    return {s: imbalanced(balance, s) for s in samples}


def _evalue_rr(rr: float) -> float:
    if not np.isfinite(rr) or rr <= 0:
        return float("nan")
    r = 1 / rr if rr < 1 else rr
    return float(r + np.sqrt(r * (r - 1)))


def evalue(estimate: float, ci_low: float | None = None, ci_high: float | None = None,
           measure: Literal["RR", "HR", "OR"] = "RR", rare: bool = True) -> dict[str, float]:
    """E-value of a ratio and of its confidence limit nearer 1 (VanderWeele and Ding 2017).

    ``E = RR + sqrt(RR (RR - 1))`` for ``RR >= 1`` (``1 / RR`` first when below 1): the
    minimum strength of association, on the risk-ratio scale, that an unmeasured confounder
    would need with both treatment and outcome to explain the estimate away. The interval's
    E-value uses the limit nearer 1, and is 1 when the interval includes 1. A hazard ratio
    (or odds ratio) of a common outcome (``rare=False``; over 15% by the end of follow-up) is
    first converted: ``RR = (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1 / HR))``, ``RR = sqrt(OR)``.

    Returns
    -------
    dict
        ``rr`` (the ratio on the risk-ratio scale), ``evalue``, ``evalue_ci``.
    """
    def to_rr(x: float) -> float:
        if not np.isfinite(x) or rare or measure == "RR":
            return x
        if measure == "HR":
            return float((1 - 0.5 ** np.sqrt(x)) / (1 - 0.5 ** np.sqrt(1 / x)))
        return float(np.sqrt(x))

    rr = to_rr(estimate)
    lo = None if ci_low is None else to_rr(ci_low)
    hi = None if ci_high is None else to_rr(ci_high)
    e = _evalue_rr(rr)
    if lo is None or hi is None:
        e_ci = float("nan")
    elif lo <= 1 <= hi:
        e_ci = 1.0
    else:
        e_ci = _evalue_rr(hi if rr < 1 else lo)
    return {"rr": float(rr), "evalue": e, "evalue_ci": e_ci}


def evalue_table(dr: AIPWResult | None, hazard: Mapping[str, float] | pd.Series | None = None,
                 common: bool = False,
                 hazard_measure: str = "hazard ratio (IPW ATT)") -> pd.DataFrame:
    """E-values of the doubly robust risk ratio and, when given, of a hazard ratio.

    Parameters
    ----------
    dr : AIPWResult or None
        The doubly robust estimate; its risk ratio and bootstrap interval are used (no row
        when it was not estimated).
    hazard : mapping or Series, optional
        A hazard ratio with ``hazard_ratio``, ``ci_low`` and ``ci_high`` (a row of
        :func:`analysis.models.effects.survival_effects.weighted_cox_table`).
    common : bool
        Whether the outcome is common (over 15% by the end of follow-up), so that the hazard
        ratio is converted to the risk-ratio scale first (:func:`evalue`).
    hazard_measure : str
        The hazard ratio's name in the table.

    Returns
    -------
    DataFrame
        ``measure``, ``estimate``, ``ci_low``, ``ci_high`` and the keys of :func:`evalue`.
    """
    rows = [] if dr is None else [
        {"measure": "risk ratio (doubly robust)", "estimate": dr.risk_ratio,
         "ci_low": dr.rr_ci_low, "ci_high": dr.rr_ci_high,
         **evalue(dr.risk_ratio, dr.rr_ci_low, dr.rr_ci_high, "RR")}]
    if hazard is not None:
        rows.append({"measure": hazard_measure, "estimate": hazard["hazard_ratio"],
                     "ci_low": hazard["ci_low"], "ci_high": hazard["ci_high"],
                     **evalue(hazard["hazard_ratio"], hazard["ci_low"], hazard["ci_high"], "HR",
                              rare=not common)})
    return pd.DataFrame(rows)
