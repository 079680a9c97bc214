"""Survival analysis of the time to first proven reoffence.

Every function takes a plain DataFrame and column names (one row per person unless stated), so
it works on ``Cohort.frame`` and on the public data sets alike, and returns a tidy DataFrame
with explicit column names. Times are in the data's own unit (days for the records form, weeks
for Rossi, months for recid); :func:`months_to_unit`, :func:`horizon` and :func:`horizons`
(from :mod:`analysis.measures.time_scale`) express periods given in months in that unit, and
the functions of :mod:`.calendar_horizons` read horizons at each person's own calendar anniversary.

Estimators come from lifelines (Kaplan-Meier, log-rank, Cox, time-varying Cox, parametric AFT,
Aalen-Johansen, RMST point estimate) and statsmodels (stratified log-rank). Written here,
because neither library offers them: the global proportional-hazards test, the time-varying
(counting-process) data built from dated status changes, the Greenwood variance of the RMST,
g-computation of adjusted survival curves, Gray's test and the Fine-Gray model. ``docs/survival_methods.md`` gives every
formula and convention and the published results the tests reproduce.

Submodules
----------
kaplan_meier
    Kaplan-Meier curves, survival and median at chosen times, numbers at risk.
calendar_horizons
    Survival, cumulative incidence and counts at horizons in months, each person read at the
    end of their own follow-up period (``k`` calendar months from their start).
published
    Numbers at risk, horizons and by-group summaries under the disclosure policy.
logrank
    Log-rank tests, plain and stratified.
headline
    The numbers ``results.json`` records, None where not estimated.
cox
    Cox proportional-hazards models (:class:`CoxResult`) and the stratified refit.
cox_variance
    Robust and cluster-robust Cox variance from the Efron score residuals.
ph_checks
    Proportional-hazards tests, scaled Schoenfeld residuals and the remedies.
time_varying
    Counting-process data from dated status changes and time-varying Cox models.
aft
    Parametric accelerated failure time models.
rmst
    Restricted mean survival time.
competing_risks
    Aalen-Johansen cumulative incidence beside 1 - Kaplan-Meier.
gray_test, fine_gray
    Gray's test of cumulative incidence between groups; the Fine-Gray model (as R's cmprsk).
cause_specific
    Competing causes (e.g. the type of the first reoffence) by group, and their tables.
adjusted
    Covariate-adjusted survival curves by g-computation.
frames
    Column checks, grouping and step-curve look-up shared by the above.

Conventions
-----------
Time origin
    The start of follow-up (``cohort_start``). In the records form ``time`` counts the day of
    the event as a day at risk: an offence on day ``d`` of follow-up, ``d = (date -
    cohort_start).days + 1``, has ``time = d`` (see :mod:`analysis.measures.reoffending`).
Ties
    Cox models use Efron's method (lifelines' default, as R's ``coxph``). Kaplan-Meier and
    log-rank group tied times; at a tied time events come before censorings.
Confidence intervals
    95% unless ``alpha`` says otherwise. Kaplan-Meier intervals are lifelines' log(-log)
    ("exponential Greenwood") intervals; model intervals are Wald intervals.
"""

from analysis.measures.time_scale import horizon, horizons, months_to_unit
from analysis.models.survival.adjusted import adjusted_survival
from analysis.models.survival.aft import (
    AFT_DISTRIBUTIONS,
    AFTComparison,
    AFTResult,
    compare_aft,
    fit_aft,
)
from analysis.models.survival.calendar_horizons import (
    counts_at_horizons,
    cumulative_incidence_at_horizons,
    on_calendar,
    survival_at_horizons,
)
from analysis.models.survival.competing_risks import (
    cumulative_incidence,
    cumulative_incidence_at,
)
from analysis.models.survival.cox import CoxResult, fit_cox, refit_stratified
from analysis.models.survival.headline import headline_numbers
from analysis.models.survival.kaplan_meier import (
    fit_km,
    km_table,
    median_survival,
    number_at_risk,
    survival_at,
)
from analysis.models.survival.logrank import logrank, logrank_tests, stratified_logrank
from analysis.models.survival.ph_checks import (
    TIME_TRANSFORMS,
    fit_cox_time_interaction,
    ph_remedies,
    ph_sentence,
    ph_test,
    scaled_schoenfeld,
)
from analysis.models.survival.published import (
    AT_RISK_COUNTS,
    horizon_masks,
    published_at_risk,
    published_by_group,
    published_horizons,
)
from analysis.models.survival.rmst import rmst, rmst_difference
from analysis.models.survival.time_varying import (
    ever_gained,
    fit_cox_time_varying,
    immortal_time_comparison,
    to_counting_process,
)

__all__ = [
    "AFT_DISTRIBUTIONS",
    "AT_RISK_COUNTS",
    "TIME_TRANSFORMS",
    "AFTComparison",
    "AFTResult",
    "CoxResult",
    "adjusted_survival",
    "compare_aft",
    "counts_at_horizons",
    "cumulative_incidence",
    "cumulative_incidence_at",
    "cumulative_incidence_at_horizons",
    "ever_gained",
    "fit_aft",
    "fit_cox",
    "headline_numbers",
    "fit_cox_time_interaction",
    "fit_cox_time_varying",
    "fit_km",
    "horizon",
    "horizon_masks",
    "horizons",
    "immortal_time_comparison",
    "km_table",
    "logrank",
    "logrank_tests",
    "median_survival",
    "months_to_unit",
    "number_at_risk",
    "on_calendar",
    "ph_remedies",
    "ph_sentence",
    "ph_test",
    "published_at_risk",
    "published_by_group",
    "published_horizons",
    "refit_stratified",
    "rmst",
    "rmst_difference",
    "scaled_schoenfeld",
    "stratified_logrank",
    "survival_at",
    "survival_at_horizons",
    "to_counting_process",
]
