"""Settings of the SYNTHETIC cohort generator: dates, planted effects, assumed shares, layouts.

Every number the generator draws from that is not a published figure (read at run time with
:func:`analysis.data.reference.seed_figure`) is set here, together with the column layouts of
the people and offences tables. ``docs/synthetic_cohort.md`` gives the source or assumption
behind each value.
"""

from __future__ import annotations

import numpy as np

DEFAULT_N = 4000
DEFAULT_SEED = 2024
EXTRACT_DATE = "2025-09-30"
COHORT_FIRST = "2022-01-01"
COHORT_LAST = "2024-06-30"
FOLLOW_UP_MONTHS = 12
WAITING_MONTHS = 6
STATUS_HORIZON_DAYS = 730  # employment / settled accommodation gained later than this: never

#: Planted conditional hazard ratios of the interventions (from their start date).
INTERVENTION_HAZARD_RATIOS: dict[str, float] = {
    "iom": 0.70,
    "restorative_justice": 0.85,
    "accommodation_support": 0.80,
}
#: Planted hazard ratios of the time-varying covariates (from the date the status is gained).
TIME_VARYING_HAZARD_RATIOS: dict[str, float] = {
    "employment": 0.65,
    "settled_accommodation": 0.75,
}
WEIBULL_SHAPE = 0.7

#: Fixed log-hazard coefficients of the first-reoffence model (intercepts and the female
#: coefficient are solved by calibration). Ages are centred at 30 (adults) and 15 (children).
LOG_HAZARD: dict[str, float] = {
    "age_adult_per_year": -0.02,
    "age_child_per_year": 0.06,
    "log1p_prior_offences_12m": 0.40,
    "need_drugs": 0.35,
    "need_lifestyle": 0.25,
    "need_attitudes": 0.20,
    "need_accommodation": 0.25,
    "custody_release": 0.25,
    "out_of_court": -0.30,
}

NEED_KEYS: tuple[str, ...] = (
    "relationships", "thinking_behaviour", "lifestyle", "attitudes", "ete",
    "accommodation", "drugs", "alcohol", "finance", "emotional_wellbeing",
)
#: Prevalence among assessed adults of the two needs that are NOT in the published table
#: (ASSUMPTION): chosen so that the mean number of needs is 4.77 as published.
EXTRA_NEED_PREVALENCE: dict[str, float] = {"finance": 0.27, "emotional_wellbeing": 0.34}
#: Loadings of each need on the latent risk factor (ASSUMPTION).
NEED_LOADINGS: dict[str, float] = {
    "relationships": 0.45, "thinking_behaviour": 0.60, "lifestyle": 0.65, "attitudes": 0.60,
    "ete": 0.50, "accommodation": 0.50, "drugs": 0.55, "alcohol": 0.35, "finance": 0.45,
    "emotional_wellbeing": 0.40,
}
#: Shift of children's need thresholds on the probit scale (ASSUMPTION; the table is adult).
CHILD_NEED_SHIFT: dict[str, float] = {
    "accommodation": -0.8, "alcohol": -0.7, "drugs": -0.3, "ete": 0.3, "finance": -1.0,
}

#: Assumptions that are not in the source documents (values are shares unless stated).
ASSUMED: dict[str, float] = {
    "child_share": 0.12,
    "adult_female_share": 0.15,
    "bcp_share": 0.55,
    "child_assessed_share": 0.60,
    "iom_share_of_adults": 0.05,
    "adult_frequency_per_reoffender": 3.5,
    "employed_6w": 0.17,
    "employed_6m": 0.33,
    "housed_release_night": 0.88,
    "settled_accommodation_3m": 0.76,
    "settled_at_release_custody": 0.55,
    "employed_at_start_non_custody": 0.35,
    "settled_at_start_non_custody_adult": 0.85,
    "settled_at_start_child": 0.93,
    "exit_adult": 0.025,
    "exit_child": 0.01,
    "proof_lag_median_days": 60.0,
    "proof_lag_beyond_waiting": 0.08,
}

START_TYPES: tuple[str, ...] = ("custody_release", "community_sentence", "out_of_court")
START_TYPE_PROBS = {"adult": (0.30, 0.45, 0.25), "child": (0.03, 0.35, 0.62)}

#: Adult age bands (low, high inclusive, probability): 25-34 largest, then 35-44 (published
#: order); the shape otherwise is an ASSUMPTION.
ADULT_AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    (18, 20, 0.07), (21, 24, 0.13), (25, 29, 0.18), (30, 34, 0.18), (35, 39, 0.14),
    (40, 44, 0.10), (45, 49, 0.08), (50, 54, 0.05), (55, 59, 0.03), (60, 64, 0.02),
    (65, 79, 0.02),
)
#: Children's ages 10-17 (ASSUMPTION: 15-17 most common, as among first-time entrants).
CHILD_AGE_PROBS: tuple[float, ...] = (0.02, 0.03, 0.06, 0.10, 0.16, 0.20, 0.22, 0.21)

OFFENCE_TYPES: tuple[str, ...] = (
    "dwelling burglary", "non-dwelling burglary", "shoplifting", "theft from vehicle",
    "theft of vehicle", "violence with injury", "violence without injury", "criminal damage",
    "drug possession", "drug supply", "fraud", "handling stolen goods", "public order",
    "breach of order", "robbery", "going equipped",
)
#: Offence-type mix (ASSUMPTION) for adults, children and IOM people, in OFFENCE_TYPES order.
OFFENCE_MIX: dict[str, tuple[float, ...]] = {
    "adult": (0.05, 0.03, 0.12, 0.03, 0.02, 0.14, 0.15, 0.07, 0.08, 0.05, 0.05, 0.03,
              0.07, 0.08, 0.02, 0.01),
    "child": (0.03, 0.03, 0.12, 0.03, 0.03, 0.12, 0.18, 0.12, 0.12, 0.03, 0.01, 0.01,
              0.10, 0.02, 0.05, 0.00),
    "iom": (0.70, 0.05, 0.10, 0.04, 0.03, 0.00, 0.00, 0.00, 0.00, 0.03, 0.00, 0.02,
            0.00, 0.00, 0.02, 0.01),
}
#: Reoffences of IOM people: acquisitive mix (Durham IOM: shop theft, burglary, drugs, vehicle).
IOM_REOFFENCE_MIX: tuple[float, ...] = (
    0.25, 0.07, 0.25, 0.07, 0.05, 0.03, 0.03, 0.03, 0.07, 0.04, 0.02, 0.04, 0.02, 0.02,
    0.00, 0.01,
)
ATTEMPT_PROB: dict[str, float] = {
    "dwelling burglary": 0.15, "non-dwelling burglary": 0.15, "robbery": 0.10,
    "theft of vehicle": 0.10, "theft from vehicle": 0.10,
}
REPEAT_INDEX_PROB = 0.35
FURTHER_RATE_PER_YEAR = {"adult": 3.5, "child": 3.0}
FURTHER_RATE_SHAPE = 2.0
CANDIDATE_FACTOR = 2.0
INTERVENTION_DELAY_DAYS = {
    "iom": (0, 14), "restorative_justice": (14, 90), "accommodation_support": (0, 28),
}
EXIT_REASONS = {
    "adult": (("death", 0.30), ("deportation", 0.15), ("long_custody", 0.55)),
    "child": (("death", 0.15), ("long_custody", 0.85)),
}

PEOPLE_COLUMNS: tuple[str, ...] = (
    "person_id", "cohort_start", "cohort_start_type", "sex", "date_of_birth", "age", "area",
    "index_offence", "prior_offences", "prior_offences_12m", "needs_assessed",
    *(f"need_{k}" for k in NEED_KEYS),
    "iom", "iom_start_date", "restorative_justice", "restorative_justice_date",
    "accommodation_support", "accommodation_support_date",
    "employed_6w", "employed_6m", "housed_release_night", "settled_accommodation_3m",
    "substance_treatment_need", "engaged_treatment", "employment_date",
    "settled_accommodation_date", "exit_date", "exit_reason",
)
OFFENCE_COLUMNS: tuple[str, ...] = (
    "person_id", "offence_date", "proven_date", "offence_type", "attempt",
)
DATE_COLUMNS_PEOPLE: tuple[str, ...] = (
    "cohort_start", "date_of_birth", "iom_start_date", "restorative_justice_date",
    "accommodation_support_date", "employment_date", "settled_accommodation_date", "exit_date",
)
INTERVENTIONS: tuple[str, ...] = tuple(INTERVENTION_HAZARD_RATIOS)
CHANGE_KEYS: tuple[str, ...] = ("employment", "settled_accommodation", *INTERVENTIONS)

Arrays = dict[str, np.ndarray]
