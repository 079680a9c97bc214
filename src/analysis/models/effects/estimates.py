"""Every estimator of the risk difference of a binary outcome fitted on one cohort (unadjusted,
logistic regression, matching, inverse probability weighting, doubly robust), kept together
for reuse by the later analyses of the same samples.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from analysis.estimable import NotEstimable, outcome_reason
from analysis.models.design import default_references
from analysis.models.effects.contrasts import weighted_contrast
from analysis.models.effects.doubly_robust import AIPWResult, aipw
from analysis.models.effects.matching import MatchResult, match
from analysis.models.effects.outcome_models import logistic_adjusted
from analysis.models.effects.propensity import (
    SupportRule,
    common_support,
    crump_alpha,
    fit_propensity,
)
from analysis.models.effects.weighting import ipw_weights

__all__ = ["Estimates", "binary_estimates", "estimates_by_method", "match_clusters",
           "RISK_DIFFERENCE", "WHOLE_FRAME_METHODS"]

#: The risk difference, as a statement of what could not be estimated names it.
RISK_DIFFERENCE = "The effect on proven reoffending (risk difference)"

#: The rows of :func:`binary_estimates` estimated on everyone; the others are estimated on the
#: people within common support (:attr:`Estimates.frame`).
WHOLE_FRAME_METHODS = ("Unadjusted", "Logistic regression (AME)")


@dataclass
class Estimates:
    """Everything :func:`binary_estimates` fitted, for reuse (balance, survival, subgroups).

    ``frame`` is the people within common support, on which ``propensity`` (refitted there),
    ``matching``, ``weights`` and ``clusters`` are defined; ``propensity_all`` is the model
    fitted on everyone, whose scores decide common support (``support``, on the input index).
    When the outcome is the same for everybody, ``table`` and ``aipw`` are None and
    ``outcome_reason`` says why (see :meth:`risk_differences`).
    """

    table: pd.DataFrame | None
    frame: pd.DataFrame
    propensity: Any
    propensity_all: Any
    support: pd.Series
    matching: MatchResult
    weights: dict[str, pd.Series]
    clusters: pd.Series | None
    aipw: AIPWResult | None
    ate_alpha: float = 0.0
    outcome_reason: str | None = None

    def risk_differences(self) -> pd.DataFrame:
        """The table of risk differences by method.

        Raises
        ------
        NotEstimable
            When the outcome is the same for everybody (nobody or everybody reoffended).
        """
        if self.table is None:
            raise NotEstimable(RISK_DIFFERENCE, self.outcome_reason or "the outcome does not vary")
        return self.table

    @property
    def att_weights(self) -> dict[str, pd.Series]:
        """The matched and the IPW (ATT) samples' weights, by method, for further outcomes."""
        return {"Matching": self.weights["Matched"], "IPW (ATT)": self.weights["IPW (ATT)"]}

    @property
    def att_clusters(self) -> dict[str, pd.Series | None]:
        """Cluster ids for the robust SEs of :attr:`att_weights` (the matched sets, if any)."""
        return {"Matching": self.clusters, "IPW (ATT)": None}


def match_clusters(result: MatchResult, index: pd.Index) -> pd.Series | None:
    """Matched-set id of each matched person (for cluster-robust SEs), or None with replacement.

    With replacement a comparison can sit in several sets, so people are not nested in sets;
    the matched analysis then uses matching weights and person-level robust SEs (Austin and
    Cafri 2020; MatchIt's documentation).
    """
    if result.replacement:
        return None
    p = result.pairs
    ids = pd.Series(-1, index=index, dtype=int)
    ids.loc[p["treated"].to_numpy()] = p["set_id"].to_numpy()
    ids.loc[p["control"].to_numpy()] = p["set_id"].to_numpy()
    return ids


def binary_estimates(
    frame: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    categorical: Mapping[str, Any] | None = None,
    treatment_col: str = "treated",
    caliper_sd: float | None = 0.2,
    ratio: int = 1,
    replacement: bool = False,
    exact: Sequence[str] = (),
    trim_quantile: float | None = None,
    support_rule: SupportRule = "minmax",
    bootstrap: int = 500,
    seed: int = 2024,
    cluster_col: str | None = None,
    progress: bool = True,
    alpha: float = 0.05,
    ate_overlap: float | Literal["optimal"] | None = "optimal",
) -> Estimates:
    """Every estimator of the risk difference on one cohort (complete cases), as one table.

    Methods (rows of ``table``): ``Unadjusted``; ``Logistic regression (AME)`` for the ATT;
    ``Matching`` (nearest neighbour on the logit score, ATT); ``IPW (ATT)``; ``IPW (ATE)``;
    ``Doubly robust AIPW (ATT)``. The propensity model, weights and matching are fitted once
    in the people within common support; the unadjusted and regression rows use everyone.

    ``ate_overlap`` sets the region of the ``IPW (ATE)`` row: ``"optimal"`` keeps the scores in
    ``[a, 1 - a]`` with Crump et al.'s optimal ``a`` (:func:`analysis.models.effects.propensity.crump_alpha`),
    a number sets ``a`` itself, and None keeps everyone within common support. Outside the
    region the ATE weights are 0, and the row's ``estimand`` names the region.

    Returns
    -------
    Estimates
        ``table`` columns: ``method``, ``estimand``, ``mean_treated``, ``mean_comparison``,
        ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p_value``, ``n_treated``,
        ``n_comparison``, ``ci_method``. When the outcome is the same for everybody only the
        propensity model, matching and weights are fitted (``table`` and ``aipw`` are None).
    """
    covariates = list(covariates)
    refs = dict(categorical) if categorical is not None else default_references(frame, covariates)
    y = frame[outcome]
    reason = outcome_reason(int(y.gt(0).sum()), int(y.notna().sum()))
    rows = []
    if reason is None:
        rows += _regression_rows(frame, outcome, covariates, refs, treatment_col, cluster_col,
                                 alpha)
    ps_all = fit_propensity(frame, covariates, treatment_col, refs)
    support = common_support(ps_all.score, ps_all.treated, support_rule)
    sub = frame.loc[support]
    ps = fit_propensity(sub, covariates, treatment_col, refs) if not support.all() else ps_all
    m = match(ps.logit, ps.treated, caliper_sd, ratio, replacement,
              sub[list(exact)] if exact else None)
    clusters = match_clusters(m, sub.index)
    yy, tt = sub[outcome], sub[treatment_col]
    if reason is None:
        mc = weighted_contrast(yy, tt, m.weights, clusters, alpha=alpha)
        rows.append({"method": "Matching", "estimand": "ATT (matched treated)", **mc,
                     "ci_method": "Wald, cluster-robust (matched set)" if clusters is not None
                     else "Wald, robust (matching weights)"})
    weights = {"Matched": m.weights,
               "IPW (ATT)": ipw_weights(ps.score, ps.treated, "ATT", True, trim_quantile)}
    a = crump_alpha(ps.score) if ate_overlap == "optimal" else float(ate_overlap or 0.0)
    if not 0 <= a < 0.5:
        raise ValueError(f"ate_overlap must be 'optimal', None or a number in [0, 0.5), not {a}")
    inside = (ps.score >= a) & (ps.score <= 1 - a)
    ate_label = "ATE" if a == 0 else f"ATE in the overlap region (scores {a:.3f} to {1 - a:.3f})"
    in_groups = ps.treated[inside].astype(int)
    if in_groups.sum() > 0 and (1 - in_groups).sum() > 0:
        weights["IPW (ATE)"] = ipw_weights(ps.score[inside], ps.treated[inside], "ATE", True,
                                           trim_quantile).reindex(sub.index, fill_value=0.0)
    else:
        weights["IPW (ATE)"] = pd.Series(0.0, index=sub.index, name="ipw_ate")
        ate_label += ": not estimable, one group has no one in the region"
    if reason is not None:
        return Estimates(None, sub, ps, ps_all, support, m, weights, clusters, None, a, reason)
    for est, label in (("ATT", "ATT"), ("ATE", ate_label)):
        rows.append({"method": f"IPW ({est})", "estimand": label,
                     **weighted_contrast(yy, tt, weights[f"IPW ({est})"], alpha=alpha),
                     "ci_method": "Wald, robust"})
    dr = None
    if tt.sum() > 1 and (1 - tt).sum() > 1:
        dr = aipw(sub, outcome, covariates, refs, treatment_col, "ATT", bootstrap, seed, alpha,
                  progress)
        rows.append({"method": "Doubly robust AIPW (ATT)", **dr.as_row()})
    table = pd.DataFrame(rows)
    return Estimates(table, sub, ps, ps_all, support, m, weights, clusters, dr, a)


def _regression_rows(frame: pd.DataFrame, outcome: str, covariates: list[str],
                     refs: Mapping[str, Any], treatment_col: str, cluster_col: str | None,
                     alpha: float) -> list[dict[str, Any]]:
    """The ``Unadjusted`` and ``Logistic regression (AME)`` rows of :func:`binary_estimates`."""
    naive = weighted_contrast(frame[outcome], frame[treatment_col], alpha=alpha)
    reg, _ = logistic_adjusted(frame, outcome, covariates, refs, treatment_col, cluster_col, alpha)
    r = reg.set_index("measure").loc["risk difference (ATT)"]
    return [
        {"method": "Unadjusted", "estimand": "difference in observed risks", **naive,
         "ci_method": "Wald (robust)"},
        {"method": "Logistic regression (AME)", "estimand": "ATT",
         "mean_treated": naive["mean_treated"],
         "mean_comparison": naive["mean_treated"] - r["estimate"],
         "estimate": r["estimate"], "se": r["se"], "ci_low": r["ci_low"],
         "ci_high": r["ci_high"], "p_value": r["p_value"],
         "n_treated": naive["n_treated"], "n_comparison": naive["n_comparison"],
         "ci_method": f"delta method, {r['se_type']}"},
    ]


def estimates_by_method(table: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Each method's estimate and confidence interval, from an estimates table.

    Parameters
    ----------
    table : DataFrame
        Rows with ``method``, ``estimate``, ``ci_low`` and ``ci_high`` (e.g. ``Estimates.table``).

    Returns
    -------
    dict
        ``{method: {"estimate": estimate, "ci": [ci_low, ci_high]}}`` in the table's order.
    """
    return {r.method: {"estimate": r.estimate, "ci": [r.ci_low, r.ci_high]}
            for r in table.itertuples()}
