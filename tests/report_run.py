"""A small finished run folder (results, manifest with parameters, published tables) for the
report and board-pack tests."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis.presentation.run_files import RunFiles

RESULTS = {
    "01_cohort": {"people_read": 4000, "people_in_cohort": 3577, "treated": 151,
                  "rates_by_group_pct": {"IOM": 32.45033113, "Not on IOM": 25.94862814},
                  "binary_rate_pct": 26.22309198, "binary_ci_low_pct": 24.8, "binary_ci_high_pct": 27.7,
                  "imbalanced_covariates": ["age", "prior_offences_12m"],
                  "answer": "Of 4,000 people in the data, 3,577 could be measured."},
    "02_survival": {"cox_treated_hr": 0.661236935, "cox_treated_hr_ci": [0.4621, 0.9461],
                    "logrank_p": 0.039, "rmst_difference": -25.9, "time_unit": "days"},
    "03_intervention_effects": {
        "treatment": "Integrated Offender Management", "risk_difference": -0.1170898917,
        "risk_difference_ci": [-0.2070161524, -0.03179424278], "risk_difference_p": 0.007945,
        "risk_difference_method": "Doubly robust AIPW (ATT)", "risk_comparison": 0.4074124724,
        "n_treated": 124, "n_comparison": 2073, "reportable": True, "evalue_rr": 2.155618262,
        "risk_difference_by_method": {"Matching": {"estimate": -0.1322,
                                                   "ci": [-0.2471, -0.0174]}}},
    "04_cost_of_crime": {"npv_gbp": 87717.61265, "pv_benefit_gbp": 465217.6126,
                         "programme_cost_gbp": 377500.0, "bcr": 1.232364537,
                         "price_year": "2023-24", "reoffences_costed": 2025,
                         "reoffences_not_costed": 1200, "mc_npv_mean_gbp": 553878.0054,
                         "unit_costs_checked_against_report": 0},
    "05_performance_measures": {
        "rag_rule": "ci", "form": "records",
        "measures": {"employed_6m": {"ci_pct": [29.0, 34.7], "denominator": 1032,
                                     "status": "Red", "target": ">= 38%", "value_pct": 31.78},
                     "children_reoffending": {"ci_pct": ["suppressed", "suppressed"],
                                              "denominator": 6, "status": "Not rated",
                                              "target": "< 34.2%", "value_pct": "suppressed"}}},
}
PARAMETERS = {
    "title": "Synthetic pan-Dorset cohort (default run)",
    "data": {"form": "records", "name": "Synthetic pan-Dorset cohort",
             "description": "No real person is in it.", "extract_date": "2025-09-30",
             "treatment_labels": {"0": "Not on IOM", "1": "IOM"}},
    "measures": {"follow_up_months": 12},
    "costs": {"programme_cost_per_person": 2500.0, "recorded_to_actual": 1.0,
              "recorded_to_actual_range": [1.0, 3.0], "unit_cost_uncertainty": 0.25,
              "horizon_years": 1, "discount_rate": 0.035,
              "illustrative": ["programme_cost_per_person", "recorded_to_actual_range"]},
}
TABLES = {
    "03_intervention_effects__subgroup_interactions": pd.DataFrame({
        "outcome": ["reoffended"] * 3 + ["reoffences"], "subgroup": ["sex", "age_band", "area", "sex"],
        "p_value": [None, 0.49, 0.10, None], "p_holm": [None, 1.0, 0.6234384193, None]}),
    "04_cost_of_crime__monte_carlo": pd.DataFrame({
        "draws": [10000], "npv_mean_gbp": [553878.0054], "npv_p5_gbp": [-82168.57738],
        "npv_p95_gbp": [1445329.264], "p_benefit_exceeds_cost": [0.9095]}),
    "04_cost_of_crime__sensitivities": pd.DataFrame({
        "parameter": ["horizon (years)", "recorded-to-actual multiplier", "unit costs (factor)"],
        "npv_low_gbp": [87717.6, 87717.6, -28586.8], "npv_high_gbp": [971488.8, 1018152.8, 204022.0],
        "swing_gbp": [883771.2, 930435.2, 232608.8]}),
    "05_performance_measures__pan_dorset_measures": pd.DataFrame({
        "measure": ["employed_6m", "children_reoffending", "employed_6m"],
        "label": ["Adults employed six months after release", "Children who reoffend",
                  "Adults employed six months after release"],
        "quarter": ["All cohorts", "All cohorts", "2022/23 Q1"],
        "value_pct": ["31.78", "suppressed", "29.2"], "ci_low_pct": ["29.01", "suppressed", "20"],
        "ci_high_pct": ["34.69", "suppressed", "40"],
        "target_text": [">= 38%", "< 34.2%", ">= 38%"], "status": ["Red", "Not rated", "Red"]}),
    "01_cohort__reoffending_area": pd.DataFrame({"area": ["BCP", "Dorset"], "offenders": [2014, 1563]}),
    "05_performance_measures__moj_reoffending_by_quarter": pd.DataFrame({
        "quarter": ["2021/22 Q4", "2022/23 Q1", "All cohorts", "2023/24 Q4"]}),
}


def make_run(folder: Path, results: dict = RESULTS, parameters: dict = PARAMETERS,
             tables: dict = TABLES) -> RunFiles:
    """A run folder with the given results, parameters (in the manifest) and published tables."""
    (folder / "tables").mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(results))
    manifest = {"run_name": "t", "finished_utc": "2025-10-01T10:00:00+00:00",
                "parameters": parameters, "parameters_file": "params/t.yaml",
                "parameters_sha256": "ab" * 32, "git": {"commit": "c0ffee", "dirty": False}}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    for name, df in tables.items():
        df.to_csv(folder / "tables" / f"{name}.csv", index=False)
    return RunFiles(folder)
