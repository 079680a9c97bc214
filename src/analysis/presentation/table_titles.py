"""What each published table is: a title, a note, and the units of its columns.

Used by the report's list of tables and the board pack's workbook contents. A table named
``<notebook>__<name>`` that is not listed is titled from its name. Units are read from the
column names' suffixes (``_pct`` percent, ``_gbp`` pounds, ``_pp`` / ``_pts`` percentage points,
``_days`` days), so they stay right when a table gains a column.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["TABLE_TITLES", "column_unit", "table_title", "table_units"]

TABLE_TITLES: dict[str, tuple[str, str]] = {
    "01_cohort__record_flow": ("Record flow", "People read, kept and left out, with reasons."),
    "01_cohort__table_one": ("Baseline characteristics by group (Table 1)",
                             "_0 = comparison, _1 = treated; smd = standardised difference."),
    "01_cohort__needs_prevalence": ("Criminogenic needs of assessed people", ""),
    "01_cohort__reoffending_overall": ("Proven reoffending, whole cohort",
                                       "MoJ binary and frequency measures."),
    "01_cohort__reoffending_group": ("Proven reoffending by group",
                                     "Raw rates: the groups are different people."),
    "01_cohort__reoffending_cohort_group": ("Proven reoffending, adults and children", ""),
    "01_cohort__reoffending_sex": ("Proven reoffending by sex", ""),
    "01_cohort__reoffending_area": ("Proven reoffending by area", ""),
    "01_cohort__reoffences_by_type": ("Proven reoffences by offence type", ""),
    "02_survival__km_at_horizons": ("Reoffended by 3, 6 and 12 months (Kaplan-Meier)", ""),
    "02_survival__median_time": ("Median time to reoffence", "In the run's time unit."),
    "02_survival__number_at_risk": ("Number at risk", ""),
    "02_survival__logrank": ("Log-rank tests", ""),
    "02_survival__cox": ("Cox model of time to reoffence",
                         "Hazard ratios below 1: a lower rate of reoffending."),
    "02_survival__cox_ph_remedy": ("Cox model with the proportional-hazards remedy", ""),
    "02_survival__ph_tests": ("Proportional-hazards checks (Schoenfeld residuals)", ""),
    "02_survival__time_varying_vs_naive": ("Statuses gained after release: time-varying against "
                                           "naive hazard ratios", ""),
    "02_survival__aft_comparison": ("Accelerated failure time models compared (AIC)", ""),
    "02_survival__aft_best": ("Best accelerated failure time model",
                              "Time ratios above 1: longer to reoffence."),
    "02_survival__rmst": ("Restricted mean time free of reoffending", ""),
    "02_survival__rmst_difference": ("Difference in restricted mean time", "Before adjustment."),
    "02_survival__cumulative_incidence": ("Cumulative incidence with competing events", ""),
    "02_survival__adjusted_survival": ("Covariate-adjusted survival", ""),
    "03_intervention_effects__unadjusted": ("Unadjusted comparisons", ""),
    "03_intervention_effects__logistic_regression": ("Logistic regression", ""),
    "03_intervention_effects__count_regression": ("Count models of reoffences", ""),
    "03_intervention_effects__overdispersion": ("Overdispersion tests", ""),
    "03_intervention_effects__propensity_model": ("Propensity score model", ""),
    "03_intervention_effects__propensity_overlap": ("Propensity score overlap", ""),
    "03_intervention_effects__attrition": ("Treated and comparison people at each step", ""),
    "03_intervention_effects__balance": ("Balance before and after adjustment",
                                         "imbalanced: |SMD| above the threshold."),
    "03_intervention_effects__weights": ("Inverse probability weights", ""),
    "03_intervention_effects__risk_difference_estimates": (
        "Effect on one-year proven reoffending, by method",
        "Fractions: estimate = treated minus comparison."),
    "03_intervention_effects__frequency": ("Effect on the number of reoffences", ""),
    "03_intervention_effects__reoffence_cost": ("Effect on the cost of reoffences", ""),
    "03_intervention_effects__weighted_cox": ("Weighted Cox hazard ratios", ""),
    "03_intervention_effects__weighted_km": ("Weighted Kaplan-Meier at the horizons", ""),
    "03_intervention_effects__reportability": ("Justice Data Lab reporting minimums", ""),
    "03_intervention_effects__evalues": ("E-values (sensitivity to unmeasured confounding)", ""),
    "03_intervention_effects__subgroups": ("Effect by subgroup (IPW, ATT)",
                                           "Blank: too few people to estimate."),
    "03_intervention_effects__subgroup_interactions": ("Subgroup interaction tests",
                                                       "p_holm: Holm-adjusted p-value."),
    "04_cost_of_crime__unit_costs": ("Unit costs of crime with provenance", ""),
    "04_cost_of_crime__offence_mapping": ("Offence types mapped to unit-cost categories", ""),
    "04_cost_of_crime__uncosted_offences": ("Offences without a unit cost", ""),
    "04_cost_of_crime__case_studies": ("Case studies costed against their published totals", ""),
    "04_cost_of_crime__case_study_evidence": ("Case studies: checks of the published totals", ""),
    "04_cost_of_crime__case_study_outcomes": ("Case studies: outcomes after the intervention", ""),
    "04_cost_of_crime__cohort_costs": ("Cost of the cohort's proven reoffences",
                                       "A lower bound: uncosted offences are left out."),
    "04_cost_of_crime__change_in_offending": ("Change in offending and its cost",
                                              "Not an effect estimate."),
    "04_cost_of_crime__appraisal": ("Value for money at the point estimates", ""),
    "04_cost_of_crime__monte_carlo": ("Value for money over the uncertain inputs (Monte Carlo)",
                                      ""),
    "04_cost_of_crime__sensitivities": ("One-way sensitivities of the net present value", ""),
    "05_performance_measures__pan_dorset_measures": ("Pan-Dorset measures against their targets",
                                                     "All cohorts, with RAG status."),
    "05_performance_measures__pan_dorset_measures_by_quarter": ("Pan-Dorset measures by quarter",
                                                                ""),
    "05_performance_measures__pan_dorset_trends": ("Trends of the Pan-Dorset measures", ""),
    "05_performance_measures__moj_reoffending_by_quarter": (
        "Proven reoffending by quarterly cohort (MoJ measures)", ""),
    "05_performance_measures__first_time_entrants": ("First-time entrants to youth justice", ""),
    "05_performance_measures__custody_rate": ("Custody rate of children", ""),
    "05_performance_measures__iom_reoffending": ("IOM cohort reoffending", ""),
    "05_performance_measures__iom_detected_crime_change": ("IOM cohort: change in detected crime",
                                                           "Not an effect estimate."),
    "05_performance_measures__iom_time_to_reoffence": ("IOM cohort: time to reoffence", ""),
    "05_performance_measures__funnel_areas": ("Funnel plot: areas against the national rate", ""),
    "05_performance_measures__funnel_area_quarters": ("Funnel plot: areas by quarter", ""),
    "05_performance_measures__indirect_standardisation": (
        "Reoffending standardised for age and sex", ""),
    "05_performance_measures__needs_prevalence": ("Criminogenic needs by cohort group", ""),
    "05_performance_measures__needs_per_person": ("Needs per assessed person", ""),
    "05_performance_measures__needs_cooccurrence": ("Needs that occur together", ""),
    "05_performance_measures__needs_vs_published": ("Needs against the published Dorset table",
                                                    ""),
    "05_performance_measures__performance_report": ("Performance report (strategy layout)", ""),
    "05_performance_measures__performance_report_long": ("Performance report, one row per value",
                                                         ""),
}

_UNITS = (("_pct", "percent"), ("_gbp", "pounds (GBP)"), ("_pp", "percentage points"),
          ("_pts", "percentage points"), ("_days", "days"), ("per_100000", "per 100,000"),
          ("per_1000", "per 1,000"))


def table_title(name: str) -> tuple[str, str]:
    """``(title, note)`` of a published table, from the catalogue or from its name."""
    if name in TABLE_TITLES:
        return TABLE_TITLES[name]
    short = name.split("__", 1)[-1].replace("_", " ")
    return short[:1].upper() + short[1:], ""


def column_unit(column: str) -> str:
    """The unit a column's name states, or ``""``."""
    for suffix, unit in _UNITS:
        if column.endswith(suffix) or f"{suffix}_" in column:
            return unit
    return ""


def table_units(columns: Iterable[str]) -> str:
    """The units of a table's columns, e.g. ``"percent; pounds (GBP)"``."""
    units = dict.fromkeys(u for c in columns if (u := column_unit(str(c))))
    return "; ".join(units) or "counts and numbers as labelled"
