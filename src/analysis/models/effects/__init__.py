"""Intervention effects: regression adjustment, weighted contrasts, doubly robust estimation,
survival in the matched or weighted sample, the Justice Data Lab summary, E-values, subgroups
and the reportability rules.

Every estimate is **treated minus comparison**. Risk differences are fractions here (0.05 is
five percentage points); tables made for reading multiply by 100 and say so in the column name.
``docs/effects_methods.md`` gives every formula, convention and reference.

Submodules
----------
propensity
    Propensity score model, common support and overlap.
matching
    Nearest-neighbour matching on the propensity score and the attrition table.
weighting
    Inverse probability weights and their summary.
common
    Normal quantiles, robust standard errors and the treatment design matrix.
samples
    The analysis sample: outcomes present, their kinds and the complete cases.
contrasts
    Weighted contrasts (unadjusted, matched, weighted) and outcome kinds.
outcome_models
    Logistic, Poisson and negative binomial regression adjustment; overdispersion.
doubly_robust
    The augmented IPW risk difference with a bootstrap interval.
estimates
    Every estimator of the binary outcome's risk difference, fitted together.
survival_effects
    Weighted Kaplan-Meier curves and Cox models in the matched and weighted samples.
reporting
    Justice Data Lab statement, sample size, reportability, imbalance and E-values.
subgroups
    Effects within subgroups, interaction tests and Holm's correction.
published
    The effect tables under the small-count rule.
headline
    The numbers ``results.json`` records, None where not estimated, and the doubly robust
    estimate's E-values and statement as published.
"""

from analysis.models.effects.contrasts import (
    adjusted_contrasts,
    outcome_kind,
    unadjusted_contrasts,
    weighted_contrast,
)
from analysis.models.effects.doubly_robust import AIPWResult, aipw
from analysis.models.effects.estimates import (
    WHOLE_FRAME_METHODS,
    Estimates,
    binary_estimates,
    estimates_by_method,
    match_clusters,
)
from analysis.models.effects.headline import (
    headline_numbers,
    published_evalues,
    published_summary,
    shown_estimate,
)
from analysis.models.effects.outcome_models import (
    count_models,
    logistic_adjusted,
    overdispersion_table,
    overdispersion_test,
)
from analysis.models.effects.published import (
    published_means,
    published_sizes,
    published_subgroups,
    published_weights,
)
from analysis.models.effects.reporting import (
    evalue,
    evalue_table,
    imbalance_flags,
    jdl_sentence,
    reportability,
    sample_size_needed,
)
from analysis.models.effects.samples import EffectsSample, prepare_sample
from analysis.models.effects.subgroups import holm, subgroup_effects, subgroup_tables
from analysis.models.effects.survival_effects import (
    samples_with_both_groups,
    weighted_cox,
    weighted_cox_table,
    weighted_km,
    weighted_km_at,
    weighted_km_curves,
)

__all__ = [
    "AIPWResult",
    "EffectsSample",
    "Estimates",
    "adjusted_contrasts",
    "aipw",
    "binary_estimates",
    "samples_with_both_groups",
    "count_models",
    "estimates_by_method",
    "evalue",
    "evalue_table",
    "headline_numbers",
    "holm",
    "imbalance_flags",
    "jdl_sentence",
    "logistic_adjusted",
    "match_clusters",
    "outcome_kind",
    "overdispersion_table",
    "overdispersion_test",
    "prepare_sample",
    "published_evalues",
    "published_means",
    "published_summary",
    "shown_estimate",
    "WHOLE_FRAME_METHODS",
    "published_sizes",
    "published_subgroups",
    "published_weights",
    "reportability",
    "sample_size_needed",
    "subgroup_effects",
    "subgroup_tables",
    "unadjusted_contrasts",
    "weighted_contrast",
    "weighted_cox",
    "weighted_cox_table",
    "weighted_km",
    "weighted_km_at",
    "weighted_km_curves",
]
