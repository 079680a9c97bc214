"""Seeded generator of a SYNTHETIC pan-Dorset-like cohort in records form.

Every person and offence produced here is invented: no real person is represented. The cohort
is calibrated to published figures (``data/reference/seed_figures.csv``; see
``docs/synthetic_cohort.md`` for every target, its source and the assumptions that are not in
any document) and carries planted intervention effects whose true size is recorded in the
metadata, so that estimation code can be checked against a known answer.

Model in brief
--------------
* People start follow-up (custody release, community sentence or out-of-court disposal) on a
  day drawn uniformly from 2022-01-01 to 2024-06-30; the data are "extracted" on 2025-09-30.
* Criminogenic needs follow a latent-factor threshold model (correlated needs).
* Time to the first reoffence follows a proportional-hazards model with a Weibull baseline
  (shape < 1, so the hazard falls after the start) and a linear predictor in age, sex, prior
  offences in the last 12 months, four needs and the start type. Gaining employment and
  settled accommodation are time-varying covariates that lower the hazard from the day they
  are gained; the three interventions lower it from their start date. Times are drawn by
  inverting the piecewise cumulative hazard.
* After the first reoffence, further offences follow a Poisson process with a gamma-distributed
  personal rate; each offence is proven after a log-normal lag.
* The adult and child baseline intercepts, the female coefficient and the further-offence rates
  are solved on the sample's own random draws so that the realised 12-month proven reoffending
  rates and frequencies hit their targets.
* Potential outcomes under treatment and no treatment are computed with common random numbers,
  giving the true risk differences (ATT and ATE) of each intervention.

Run ``python -m analysis.synthetic --out data/synthetic`` to regenerate the bundled files.

Submodules
----------
constants
    Dates, planted hazard ratios, assumed shares, offence mixes and table layouts.
numeric
    Calendar and arithmetic helpers (epoch days, months, ages, logistic, categorical draws).
people
    Demographics, criminogenic needs, prior offences and the index offence.
interventions
    Intervention assignment, dated status changes, assessment and exits.
hazard
    Linear predictor, piecewise Weibull cumulative hazard, offence-process draws and counts.
model
    The outcome model evaluated under observed or replaced change points.
calibration
    Solving intercepts, the female coefficient and frequency multipliers on the sample.
effects
    True intervention effects from potential outcomes.
offences
    Every offence recorded by the extract date, with type and attempt.
tables
    The people and offences tables.
metadata
    Calibration report, IOM profile and the metadata dictionary.
generator
    :func:`generate_cohort`, :func:`write_cohort` and the command line :func:`main`.
"""

from analysis.synthetic.constants import (
    DEFAULT_N,
    DEFAULT_SEED,
    EXTRACT_DATE,
    INTERVENTION_HAZARD_RATIOS,
    OFFENCE_COLUMNS,
    OFFENCE_TYPES,
    PEOPLE_COLUMNS,
    TIME_VARYING_HAZARD_RATIOS,
)
from analysis.synthetic.generator import (
    SyntheticCohort,
    generate_cohort,
    main,
    write_cohort,
    write_parquet_chunks,
)
from analysis.synthetic.hazard import _invert_hazard

__all__ = [
    "DEFAULT_N",
    "DEFAULT_SEED",
    "EXTRACT_DATE",
    "INTERVENTION_HAZARD_RATIOS",
    "TIME_VARYING_HAZARD_RATIOS",
    "PEOPLE_COLUMNS",
    "OFFENCE_COLUMNS",
    "OFFENCE_TYPES",
    "SyntheticCohort",
    "generate_cohort",
    "write_cohort",
    "write_parquet_chunks",
    "main",
    "_invert_hazard",
]
