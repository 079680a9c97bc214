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
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd

from analysis.data.reference import seed_figure
from analysis.measures.reoffending import add_months

__all__ = [
    "DEFAULT_N",
    "DEFAULT_SEED",
    "EXTRACT_DATE",
    "INTERVENTION_HAZARD_RATIOS",
    "TIME_VARYING_HAZARD_RATIOS",
    "PEOPLE_COLUMNS",
    "OFFENCE_COLUMNS",
    "SyntheticCohort",
    "generate_cohort",
    "write_cohort",
    "main",
]

DEFAULT_N = 4000
DEFAULT_SEED = 2024
EXTRACT_DATE = "2025-09-30"
COHORT_FIRST = "2022-01-01"
COHORT_LAST = "2024-06-30"
FOLLOW_UP_MONTHS = 12
WAITING_MONTHS = 6
YEAR_DAYS = 365.25
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


@dataclass
class SyntheticCohort:
    """A generated SYNTHETIC cohort in records form.

    Attributes
    ----------
    people : pandas.DataFrame
        One row per person, columns :data:`PEOPLE_COLUMNS` (dates as datetime64, flags as
        nullable Int64 with missing values where a flag does not apply).
    offences : pandas.DataFrame
        One row per proven offence after cohort start, columns :data:`OFFENCE_COLUMNS`.
    metadata : dict
        Seed, sizes, dates, measure settings, planted hazard ratios, true effects,
        calibration targets with realised values and the assumptions.
    potential_outcomes : pandas.DataFrame
        The truth no analysis can see, for simulation studies: one row per person (same order
        as ``people``), ``person_id`` and, per intervention, ``<name>_y1`` and ``<name>_y0``,
        the one-year proven reoffending flag (0/1) with the intervention given at the person's
        drawn delay and withheld, all other random numbers unchanged. Not written to disk.
    """

    people: pd.DataFrame
    offences: pd.DataFrame
    metadata: dict
    potential_outcomes: pd.DataFrame | None = None


# --------------------------------------------------------------------------------------------
# Small numeric helpers
# --------------------------------------------------------------------------------------------


def _day(iso: str) -> int:
    """Return an ISO date as days since 1970-01-01.

    Parameters
    ----------
    iso : str
        Date as ``YYYY-MM-DD``.

    Returns
    -------
    int
        Days since the epoch.
    """
    return int(np.datetime64(iso, "D").astype(np.int64))


def _add_months(days: np.ndarray, months: int) -> np.ndarray:
    """Add calendar months to epoch-day integers (see :func:`analysis.measures.reoffending.add_months`)."""
    return add_months(days.astype("datetime64[D]"), months).astype(np.int64)


def _age_years(birth: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Return completed years of age on given days.

    Parameters
    ----------
    birth, on : numpy.ndarray of int
        Dates of birth and reference dates as days since the epoch.

    Returns
    -------
    numpy.ndarray of int64
        Age in completed years.
    """
    def parts(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        d = days.astype("datetime64[D]")
        year = d.astype("datetime64[Y]").astype(np.int64)
        month = d.astype("datetime64[M]")
        month_day = (month.astype(np.int64) % 12) * 100 + (
            d - month.astype("datetime64[D]")).astype(np.int64)
        return year, month_day

    by, bmd = parts(birth)
    oy, omd = parts(on)
    return oy - by - (omd < bmd).astype(np.int64)


def _logistic(x: np.ndarray) -> np.ndarray:
    """Return the logistic function of ``x``.

    Parameters
    ----------
    x : numpy.ndarray
        Log-odds.

    Returns
    -------
    numpy.ndarray
        Probabilities.
    """
    return 1.0 / (1.0 + np.exp(-x))


def _solve_intercept(score: np.ndarray, target: float, mask: np.ndarray | None = None,
                     weight: np.ndarray | None = None) -> float:
    """Find the intercept ``a`` with (weighted) mean ``logistic(a + score)`` equal to ``target``.

    Parameters
    ----------
    score : numpy.ndarray
        Person-level log-odds without intercept.
    target : float
        Required mean probability, in (0, 1).
    mask : numpy.ndarray of bool, optional
        Only these people count in the mean.
    weight : numpy.ndarray of float, optional
        Weights of the mean (default equal).

    Returns
    -------
    float
        The intercept (bisection to about 1e-12).
    """
    sel = np.ones(score.size, dtype=bool) if mask is None else mask
    s = score[sel]
    w = np.ones(s.size) if weight is None else weight[sel]
    if s.size == 0 or w.sum() <= 0:
        return 0.0
    lo, hi = -30.0, 30.0
    for _ in range(48):
        mid = 0.5 * (lo + hi)
        if np.average(_logistic(mid + s), weights=w) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _cloglog(p: float) -> float:
    """Return the complementary log-log of a probability.

    Parameters
    ----------
    p : float
        Probability, clipped to (1e-6, 1 - 1e-6).

    Returns
    -------
    float
        ``log(-log(1 - p))``.
    """
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(-np.log1p(-p)))


def _categorical(rng: np.random.Generator, probs: Sequence[float], size: int) -> np.ndarray:
    """Draw category indices with the given probabilities.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    probs : sequence of float
        Category probabilities (normalised here).
    size : int
        Number of draws.

    Returns
    -------
    numpy.ndarray of int64
        Indices into ``probs``.
    """
    cum = np.cumsum(np.asarray(probs, dtype=float))
    cum /= cum[-1]
    return np.minimum(np.searchsorted(cum, rng.random(size), side="right"), len(cum) - 1)


# --------------------------------------------------------------------------------------------
# Baseline characteristics
# --------------------------------------------------------------------------------------------


def _draw_demographics(rng: np.random.Generator, n: int) -> Arrays:
    """Draw start dates, start types, sex, age, date of birth and area.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    n : int
        Number of people.

    Returns
    -------
    dict of numpy.ndarray
        ``start`` (epoch days), ``child``, ``female``, ``bcp`` (bool), ``start_type`` (index
        into START_TYPES), ``birth`` (epoch days) and ``age`` (completed years at start).
    """
    first, last = _day(COHORT_FIRST), _day(COHORT_LAST)
    start = rng.integers(first, last + 1, size=n)
    child = rng.random(n) < ASSUMED["child_share"]
    female_p = np.where(child, seed_figure("child_fte_female_share") / 100,
                        ASSUMED["adult_female_share"])
    female = rng.random(n) < female_p
    bcp = rng.random(n) < ASSUMED["bcp_share"]
    u = rng.random(n)
    start_type = np.where(
        child,
        _categorical_from_uniform(u, START_TYPE_PROBS["child"]),
        _categorical_from_uniform(u, START_TYPE_PROBS["adult"]),
    )
    age = _draw_age(rng, child)
    since_birthday = rng.integers(0, 365, size=n)
    birth = _shift_years(start - since_birthday, -age)
    return {
        "start": start, "child": child, "female": female, "bcp": bcp,
        "start_type": start_type, "birth": birth, "age": _age_years(birth, start),
    }


def _categorical_from_uniform(u: np.ndarray, probs: Sequence[float]) -> np.ndarray:
    """Map uniforms to category indices.

    Parameters
    ----------
    u : numpy.ndarray
        Uniform(0, 1) draws.
    probs : sequence of float
        Category probabilities.

    Returns
    -------
    numpy.ndarray of int64
        Category indices.
    """
    cum = np.cumsum(np.asarray(probs, dtype=float))
    cum /= cum[-1]
    return np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)


def _draw_age(rng: np.random.Generator, child: np.ndarray) -> np.ndarray:
    """Draw integer ages: adults from ADULT_AGE_BANDS, children from CHILD_AGE_PROBS.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    child : numpy.ndarray of bool
        Whether each person is a child.

    Returns
    -------
    numpy.ndarray of int64
        Age in years.
    """
    n = child.size
    band = _categorical(rng, [b[2] for b in ADULT_AGE_BANDS], n)
    low = np.array([b[0] for b in ADULT_AGE_BANDS])[band]
    high = np.array([b[1] for b in ADULT_AGE_BANDS])[band]
    adult_age = low + np.floor(rng.random(n) * (high - low + 1)).astype(np.int64)
    child_age = 10 + _categorical(rng, CHILD_AGE_PROBS, n)
    return np.where(child, child_age, adult_age)


def _shift_years(days: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Shift epoch days by whole calendar years (29 February clips to 28 February).

    Parameters
    ----------
    days : numpy.ndarray of int
        Epoch days.
    years : numpy.ndarray of int
        Years to add per element.

    Returns
    -------
    numpy.ndarray of int64
        Shifted epoch days.
    """
    d = days.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    day_of_month = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = month + (12 * years).astype("timedelta64[M]")
    length = ((target + np.timedelta64(1, "M")).astype("datetime64[D]")
              - target.astype("datetime64[D]")).astype(np.int64)
    return (target.astype("datetime64[D]") + np.minimum(day_of_month, length - 1)).astype(np.int64)


def _draw_needs(rng: np.random.Generator, child: np.ndarray, latent: np.ndarray) -> Arrays:
    """Draw the ten true needs by a latent-factor threshold model.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    child : numpy.ndarray of bool
        Whether each person is a child.
    latent : numpy.ndarray
        Standard-normal latent risk factor.

    Returns
    -------
    dict of numpy.ndarray of bool
        One array per need key. Among adults the prevalence of each need is its published
        percentage (or the assumed one for finance and emotional wellbeing).
    """
    normal = NormalDist()
    needs: Arrays = {}
    for key in NEED_KEYS:
        if key in EXTRA_NEED_PREVALENCE:
            prevalence = EXTRA_NEED_PREVALENCE[key]
        else:
            prevalence = seed_figure(f"need_{key}_pct") / 100
        threshold = normal.inv_cdf(1 - prevalence)
        load = NEED_LOADINGS[key]
        value = load * latent + np.sqrt(1 - load**2) * rng.standard_normal(child.size)
        value = value + np.where(child, CHILD_NEED_SHIFT.get(key, 0.0), 0.0)
        needs[key] = value > threshold
    return needs


def _draw_priors(rng: np.random.Generator, base: Arrays, latent: np.ndarray) -> Arrays:
    """Draw proven offences before cohort start (all time and last 12 months).

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    base : dict of numpy.ndarray
        Demographics from :func:`_draw_demographics`.
    latent : numpy.ndarray
        Latent risk factor.

    Returns
    -------
    dict of numpy.ndarray of int64
        ``prior_12m`` and ``prior`` (``prior >= prior_12m``).
    """
    n = latent.size
    custody = base["start_type"] == 0
    ooc = base["start_type"] == 2
    child = base["child"]
    log_mu12 = -0.2 + 0.6 * latent + 0.4 * custody - 0.5 * ooc - 0.6 * child
    mu12 = np.exp(log_mu12) * rng.gamma(2.0, 0.5, n)
    prior_12m = rng.poisson(mu12)
    years_offending = np.clip(base["age"] - 16, 1, 30)
    mu_old = np.exp(-0.6 + 0.6 * latent - 0.6 * ooc) * years_offending * rng.gamma(1.5, 1 / 1.5, n)
    prior = prior_12m + rng.poisson(np.where(child, 0.3 * mu_old, mu_old))
    return {"prior_12m": prior_12m.astype(np.int64), "prior": prior.astype(np.int64)}


def _draw_index_offence(rng: np.random.Generator, child: np.ndarray, iom: np.ndarray) -> np.ndarray:
    """Draw the index offence (offence type index) by group.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    child, iom : numpy.ndarray of bool
        Group membership.

    Returns
    -------
    numpy.ndarray of int64
        Index into OFFENCE_TYPES.
    """
    u = rng.random(child.size)
    out = _categorical_from_uniform(u, OFFENCE_MIX["adult"])
    out = np.where(child, _categorical_from_uniform(u, OFFENCE_MIX["child"]), out)
    return np.where(iom, _categorical_from_uniform(u, OFFENCE_MIX["iom"]), out)


# --------------------------------------------------------------------------------------------
# Interventions and dated status changes
# --------------------------------------------------------------------------------------------


def _assign_interventions(rng: np.random.Generator, base: Arrays, needs: Arrays,
                          priors: Arrays) -> Arrays:
    """Assign IOM, restorative justice and accommodation support with confounding.

    IOM (adults only) is likelier with more recent priors, a substance-misuse need, an
    accommodation need, age 18-33, male sex and custody release, and covers 5% of adults in
    expectation. Restorative justice is likelier for children, out-of-court disposals and
    fewer priors (so its naive comparison flatters it). Accommodation support (adults only) is
    likelier with an accommodation need, custody release and a drug need.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    base, needs, priors : dict of numpy.ndarray
        Demographics, true needs and prior offences.

    Returns
    -------
    dict of numpy.ndarray
        Boolean flags per intervention and ``<name>_delay`` (days from cohort start to the
        start date, drawn for everyone so the date under treatment is defined for all).
    """
    adult = ~base["child"]
    age = base["age"]
    custody = base["start_type"] == 0
    ooc = base["start_type"] == 2
    lp12 = np.log1p(priors["prior_12m"])
    substance = needs["drugs"] | needs["alcohol"]
    iom_score = (0.8 * lp12 + 4.0 * substance + 0.95 * needs["accommodation"] + 0.8 * needs["ete"]
                 + 1.8 * ((age >= 18) & (age <= 33)) + 1.2 * ~base["female"] + 0.8 * custody)
    a = _solve_intercept(iom_score, ASSUMED["iom_share_of_adults"], adult)
    iom = adult & (rng.random(age.size) < _logistic(a + iom_score))
    rj_score = -2.9 + 1.8 * base["child"] - 0.3 * lp12 + 0.5 * ooc + 0.3 * base["female"]
    rj = rng.random(age.size) < _logistic(rj_score)
    acc_score = -3.9 + 2.4 * needs["accommodation"] + 0.8 * custody + 0.4 * needs["drugs"]
    acc = adult & (rng.random(age.size) < _logistic(acc_score))
    out: Arrays = {"iom": iom, "restorative_justice": rj, "accommodation_support": acc}
    for name, (low, high) in INTERVENTION_DELAY_DAYS.items():
        out[f"{name}_delay"] = rng.integers(low, high + 1, size=age.size).astype(float)
    return out


def _gain_times(rng: np.random.Generator, at_start: np.ndarray, gain_p: np.ndarray,
                rate: np.ndarray) -> np.ndarray:
    """Draw the day a status is first held: 0 if held at start, later, or never (inf).

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    at_start : numpy.ndarray of float
        Probability the status is held on the start day.
    gain_p : numpy.ndarray of float
        Probability it is gained later (if not held at start).
    rate : numpy.ndarray of float
        Daily rate of gaining it for those who will.

    Returns
    -------
    numpy.ndarray of float
        Whole days from start (inf if never within STATUS_HORIZON_DAYS).
    """
    n = at_start.size
    held = rng.random(n) < at_start
    gains = rng.random(n) < gain_p
    wait = np.ceil(rng.exponential(1.0, n) / rate)
    day = np.where(held, 0.0, np.where(gains, wait, np.inf))
    return np.where(day > STATUS_HORIZON_DAYS, np.inf, day)


def _employment_days(rng: np.random.Generator, base: Arrays, needs: Arrays,
                     priors: Arrays) -> np.ndarray:
    """Draw the day employment is first held after cohort start (adults; children never).

    Custody leavers are never employed on release; the share employed by 6 weeks and
    6 months is ASSUMED (17% and 33%). Of other adults 35% are employed at the start.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    base, needs, priors : dict of numpy.ndarray
        Demographics, true needs and prior offences.

    Returns
    -------
    numpy.ndarray of float
        Days from start (0 = at start, inf = never or a child).
    """
    custody = base["start_type"] == 0
    adult = ~base["child"]
    score = (-1.2 * needs["ete"] - 2.0 * (needs["drugs"] | needs["alcohol"])
             - 1.2 * needs["accommodation"] - 1.0 * np.log1p(priors["prior_12m"]))
    ratio = ASSUMED["employed_6w"] / ASSUMED["employed_6m"]
    rate_custody = _rate_for_ratio(ratio, 42, 182)
    gain_share = ASSUMED["employed_6m"] / (1 - np.exp(-182 * rate_custody))
    p_start = _logistic(_solve_intercept(score, ASSUMED["employed_at_start_non_custody"],
                                         adult & ~custody) + score)
    p_gain_custody = _logistic(_solve_intercept(score, gain_share, adult & custody) + score)
    p_gain_other = _logistic(-1.0 + score)  # ASSUMPTION: later gains of other adults
    at_start = np.where(adult & ~custody, p_start, 0.0)
    gain = np.where(custody, p_gain_custody, p_gain_other) * adult
    rate = np.where(custody, rate_custody, 0.006)  # daily rates of gaining employment
    return _gain_times(rng, at_start, gain, rate)


def _rate_for_ratio(ratio: float, early: float, late: float) -> float:
    """Find the exponential rate with ``F(early) / F(late) == ratio``.

    Parameters
    ----------
    ratio : float
        Required ratio of cumulative probabilities, in (early/late, 1).
    early, late : float
        The two times, in days.

    Returns
    -------
    float
        Daily rate (bisection on a log scale).
    """
    lo, hi = 1e-6, 1.0
    for _ in range(100):
        mid = np.sqrt(lo * hi)
        value = (1 - np.exp(-early * mid)) / (1 - np.exp(-late * mid))
        if value < ratio:
            lo = mid
        else:
            hi = mid
    return float(np.sqrt(lo * hi))


def _accommodation_days(rng: np.random.Generator, base: Arrays, needs: Arrays,
                        priors: Arrays) -> tuple[np.ndarray, np.ndarray]:
    """Draw the day settled accommodation is first held and housing on the release night.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    base, needs, priors : dict of numpy.ndarray
        Demographics, true needs and prior offences.

    Returns
    -------
    settled_day : numpy.ndarray of float
        Days from start (0 = settled at start, inf = never within the horizon).
    housed_night : numpy.ndarray of bool
        Housed on the night of release (settled at release or temporarily housed); only
        meaningful for custody leavers.
    """
    custody = base["start_type"] == 0
    child = base["child"]
    score = -1.6 * needs["accommodation"] - 0.5 * needs["drugs"] - 0.2 * np.log1p(priors["prior_12m"])
    p_custody = _logistic(_solve_intercept(score, ASSUMED["settled_at_release_custody"],
                                           custody & ~child) + score)
    p_adult = _logistic(_solve_intercept(
        score, ASSUMED["settled_at_start_non_custody_adult"], ~custody & ~child) + score)
    p_child = _logistic(_solve_intercept(score, ASSUMED["settled_at_start_child"], child) + score)
    at_start = np.where(child, p_child, np.where(custody, p_custody, p_adult))
    rate = 0.012  # daily rate of gaining settled accommodation for those who will (ASSUMPTION)
    sel = custody & ~child
    if not sel.any():  # tiny samples: no adult custody leavers to tune on
        sel = np.ones(score.size, dtype=bool)
    # P(settled by 3 months) = p + (1 - p) * q * (1 - exp(-91 * rate)); solve q's intercept.
    needed = (ASSUMED["settled_accommodation_3m"] - p_custody[sel].mean()) / (1 - np.exp(-91 * rate))
    q_custody = _logistic(_solve_intercept(score, needed / (1 - p_custody[sel]).mean(), sel,
                                           1 - p_custody) + score)
    gain = np.where(sel, q_custody, 0.6)
    day = _gain_times(rng, at_start, gain, np.full(score.size, rate))
    p_temp = (ASSUMED["housed_release_night"] - p_custody[sel].mean()) / (1 - p_custody[sel].mean())
    housed = (day == 0) | (rng.random(score.size) < p_temp)
    return day, housed


def _draw_exits(rng: np.random.Generator, base: Arrays, anniversary: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Draw competing exits (death, deportation, long custody) within follow-up.

    Exits fall between day 92 and the last day of follow-up (ASSUMPTION: after the
    intervention start dates, so no intervention starts after an exit).

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    base : dict of numpy.ndarray
        Demographics.
    anniversary : numpy.ndarray of int
        Days from start to the first day after follow-up.

    Returns
    -------
    exit_day : numpy.ndarray of float
        Days from start of the exit (inf if none).
    reason : numpy.ndarray of object
        Exit reason, or None.
    """
    n = anniversary.size
    child = base["child"]
    share = np.where(child, ASSUMED["exit_child"], ASSUMED["exit_adult"])
    exits = rng.random(n) < share
    day = 92 + np.floor(rng.random(n) * (anniversary - 92)).astype(float)
    u = rng.random(n)
    reasons = np.full(n, None, dtype=object)
    for group, mask in (("adult", ~child), ("child", child)):
        names = np.array([r[0] for r in EXIT_REASONS[group]], dtype=object)
        idx = _categorical_from_uniform(u, [r[1] for r in EXIT_REASONS[group]])
        reasons = np.where(mask & exits, names[idx], reasons)
    return np.where(exits, day, np.inf), reasons


# --------------------------------------------------------------------------------------------
# Hazard model and offence process
# --------------------------------------------------------------------------------------------


def _linear_predictor(base: Arrays, needs: Arrays, priors: Arrays) -> np.ndarray:
    """Return the fixed part of the log hazard (no intercepts, sex or time-varying terms).

    Parameters
    ----------
    base, needs, priors : dict of numpy.ndarray
        Demographics, true needs and prior offences.

    Returns
    -------
    numpy.ndarray of float
        Log hazard contribution per person.
    """
    c = LOG_HAZARD
    child = base["child"]
    age = base["age"].astype(float)
    lp = np.where(child, c["age_child_per_year"] * (age - 15), c["age_adult_per_year"] * (age - 30))
    lp = lp + c["log1p_prior_offences_12m"] * np.log1p(priors["prior_12m"])
    for key in ("drugs", "lifestyle", "attitudes", "accommodation"):
        lp = lp + c[f"need_{key}"] * needs[key]
    lp = lp + c["custody_release"] * (base["start_type"] == 0)
    return lp + c["out_of_court"] * (base["start_type"] == 2)


def _change_logs() -> np.ndarray:
    """Return the log hazard ratios of the change points in CHANGE_KEYS order.

    Returns
    -------
    numpy.ndarray of float
        Log hazard ratios.
    """
    ratios = {**TIME_VARYING_HAZARD_RATIOS, **INTERVENTION_HAZARD_RATIOS}
    return np.log(np.array([ratios[k] for k in CHANGE_KEYS]))


@dataclass
class _Piecewise:
    """Piecewise cumulative baseline hazard of each person, with covariate changes.

    Attributes
    ----------
    base_cum : numpy.ndarray, shape (n, k + 1)
        Weibull cumulative baseline ``(t / 365.25) ** shape`` at each segment start.
    log_mult : numpy.ndarray, shape (n, k + 1)
        Sum of the log hazard ratios switched on in each segment.
    cum : numpy.ndarray, shape (n, k + 1)
        Cumulative hazard (before the person's log rate) at each segment start.
    """

    base_cum: np.ndarray
    log_mult: np.ndarray
    cum: np.ndarray


def _piecewise(change_days: np.ndarray, change_logs: np.ndarray) -> _Piecewise:
    """Build the piecewise cumulative hazard for given change points.

    Parameters
    ----------
    change_days : numpy.ndarray, shape (n, k)
        Day each covariate switches on (inf if never).
    change_logs : numpy.ndarray, shape (k,)
        Log hazard ratio of each covariate.

    Returns
    -------
    _Piecewise
        Segment starts, multipliers and cumulative hazards, sorted by time per person.
    """
    n, k = change_days.shape
    order = np.argsort(change_days, axis=1, kind="stable")
    points = np.take_along_axis(change_days, order, axis=1)
    steps = np.take_along_axis(np.broadcast_to(change_logs, (n, k)), order, axis=1)
    zeros = np.zeros((n, 1))
    base_cum = (np.concatenate([zeros, points], axis=1) / YEAR_DAYS) ** WEIBULL_SHAPE
    log_mult = np.concatenate([zeros, np.cumsum(steps, axis=1)], axis=1)
    with np.errstate(invalid="ignore"):
        width = base_cum[:, 1:] - base_cum[:, :-1]
    mass = np.exp(log_mult[:, :-1]) * np.where(np.isnan(width), 0.0, width)
    cum = np.concatenate([zeros, np.cumsum(mass, axis=1)], axis=1)
    return _Piecewise(base_cum=base_cum, log_mult=log_mult, cum=cum)


def _invert(pw: _Piecewise, target: np.ndarray, log_rate: np.ndarray) -> np.ndarray:
    """Return the time at which ``exp(log_rate) * cumulative hazard`` reaches ``target``.

    Parameters
    ----------
    pw : _Piecewise
        Piecewise cumulative hazard.
    target : numpy.ndarray
        Exponential(1) draws.
    log_rate : numpy.ndarray
        Person log hazard multiplier (intercept and fixed covariates).

    Returns
    -------
    numpy.ndarray of float
        Event time in days (inf if never reached).
    """
    scaled = target * np.exp(-log_rate)
    seg = (pw.cum[:, 1:] <= scaled[:, None]).sum(axis=1)
    rows = np.arange(scaled.size)
    level = pw.base_cum[rows, seg] + (scaled - pw.cum[rows, seg]) * np.exp(-pw.log_mult[rows, seg])
    return YEAR_DAYS * level ** (1 / WEIBULL_SHAPE)


def _invert_hazard(target: np.ndarray, log_rate: np.ndarray, change_days: np.ndarray,
                   change_logs: np.ndarray) -> np.ndarray:
    """Invert a piecewise proportional-hazards cumulative hazard with a Weibull baseline.

    The hazard is ``exp(log_rate + sum of change_logs of the change points passed) *
    h0(t)`` with ``H0(t) = (t / 365.25) ** WEIBULL_SHAPE``; each change point switches its
    log hazard ratio on from that day. Fully vectorised over people and segments.

    Parameters
    ----------
    target : numpy.ndarray
        Exponential(1) draws (the cumulative hazard at the event).
    log_rate : numpy.ndarray
        Baseline log hazard multiplier per person.
    change_days : numpy.ndarray, shape (n, k)
        Day each covariate switches on (inf if never).
    change_logs : numpy.ndarray, shape (k,)
        Log hazard ratio of each covariate.

    Returns
    -------
    numpy.ndarray of float
        Event time in days (inf if the cumulative hazard never reaches the target).
    """
    return _invert(_piecewise(change_days, change_logs), target, log_rate)


def _proof_lags(rng: np.random.Generator, size: int) -> np.ndarray:
    """Draw whole-day proof lags (log-normal; median 60 days, 8% beyond six months).

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    size : int
        Number of lags.

    Returns
    -------
    numpy.ndarray of float
        Days from offence to proof (whole days, >= 0).
    """
    median = ASSUMED["proof_lag_median_days"]
    sigma = np.log(182.5 / median) / NormalDist().inv_cdf(1 - ASSUMED["proof_lag_beyond_waiting"])
    return np.floor(median * np.exp(sigma * rng.standard_normal(size)))


@dataclass
class _Process:
    """Random numbers of the offence process, shared by every scenario (common random numbers).

    Attributes
    ----------
    target : numpy.ndarray
        Exponential(1) draw per person for the first reoffence.
    first_lag : numpy.ndarray
        Proof lag of the first reoffence.
    rate : numpy.ndarray
        Personal further-offence rate per year before the group multiplier.
    cand_person, cand_offset, cand_keep, cand_lag : numpy.ndarray
        Candidate further offences within follow-up: person index, days after the first
        reoffence, thinning uniform and proof lag.
    """

    target: np.ndarray
    first_lag: np.ndarray
    rate: np.ndarray
    cand_person: np.ndarray
    cand_offset: np.ndarray
    cand_keep: np.ndarray
    cand_lag: np.ndarray


def _draw_process(rng: np.random.Generator, child: np.ndarray, anniversary: np.ndarray) -> _Process:
    """Draw the random numbers of the offence process within follow-up.

    Candidate further offences are a Poisson process of rate ``CANDIDATE_FACTOR`` times the
    personal rate on ``[0, anniversary)``; shifted by the first-reoffence time and thinned by
    the calibrated multiplier they give the further offences in follow-up.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    child : numpy.ndarray of bool
        Whether each person is a child.
    anniversary : numpy.ndarray of int
        Days from start to the first day after follow-up.

    Returns
    -------
    _Process
        The draws.
    """
    n = child.size
    group_rate = np.where(child, FURTHER_RATE_PER_YEAR["child"], FURTHER_RATE_PER_YEAR["adult"])
    rate = group_rate * rng.gamma(FURTHER_RATE_SHAPE, 1 / FURTHER_RATE_SHAPE, n)
    counts = rng.poisson(CANDIDATE_FACTOR * rate * anniversary / YEAR_DAYS)
    person = np.repeat(np.arange(n), counts)
    offset = rng.random(person.size) * anniversary[person]
    return _Process(
        target=rng.exponential(1.0, n),
        first_lag=_proof_lags(rng, n),
        rate=rate,
        cand_person=person,
        cand_offset=offset,
        cand_keep=rng.random(person.size),
        cand_lag=_proof_lags(rng, person.size),
    )


def _counted(first: np.ndarray, proc: _Process, keep_share: np.ndarray, window: Arrays
             ) -> tuple[np.ndarray, np.ndarray]:
    """Count proven reoffences (committed in follow-up, proven by the end of waiting).

    Parameters
    ----------
    first : numpy.ndarray
        First-reoffence time in days from start (inf if none).
    proc : _Process
        Offence-process draws.
    keep_share : numpy.ndarray
        Per-person thinning share (calibrated multiplier / CANDIDATE_FACTOR).
    window : dict of numpy.ndarray
        ``anniversary``, ``proof_limit`` (days from start, exclusive) and ``exit_day``
        (last day offences count; inf if no exit).

    Returns
    -------
    reoffended : numpy.ndarray of bool
        At least one proven reoffence.
    count : numpy.ndarray of int64
        Number of proven reoffences (frequency measure).
    """
    day = np.floor(first)
    ok = ((first < window["anniversary"]) & (day <= window["exit_day"])
          & (day + proc.first_lag < window["proof_limit"]))
    p = proc.cand_person
    t = first[p] + proc.cand_offset
    cand_day = np.floor(t)
    cand_ok = ((proc.cand_keep < keep_share[p]) & (t < window["anniversary"][p])
               & (cand_day <= window["exit_day"][p])
               & (cand_day + proc.cand_lag < window["proof_limit"][p]))
    count = ok.astype(np.int64) + np.bincount(p[cand_ok], minlength=first.size)
    return count > 0, count


# --------------------------------------------------------------------------------------------
# Calibration and potential outcomes
# --------------------------------------------------------------------------------------------


@dataclass
class _Model:
    """Everything needed to evaluate the outcome under any scenario.

    Attributes
    ----------
    base_lp : numpy.ndarray
        Fixed log-hazard part per person.
    child, female, eligible : numpy.ndarray of bool
        Groups; ``eligible`` marks people measured by the extract date.
    change_days : numpy.ndarray, shape (n, 5)
        Observed change points (CHANGE_KEYS order).
    proc : _Process
        Offence-process draws.
    window : dict of numpy.ndarray
        Follow-up windows.
    params : dict of float
        ``adult``, ``child`` (intercepts), ``female`` (coefficient), ``freq_adult`` and
        ``freq_child`` (further-offence rate multipliers).
    observed : _Piecewise or None
        Cached piecewise hazard of the observed change points.
    """

    base_lp: np.ndarray
    child: np.ndarray
    female: np.ndarray
    eligible: np.ndarray
    change_days: np.ndarray
    proc: _Process
    window: Arrays
    params: dict[str, float]
    observed: _Piecewise | None = None

    def log_rate(self) -> np.ndarray:
        """Return the full baseline log hazard multiplier per person.

        Returns
        -------
        numpy.ndarray of float
            Intercept + female coefficient + fixed part.
        """
        p = self.params
        return (np.where(self.child, p["child"], p["adult"]) + p["female"] * self.female
                + self.base_lp)

    def keep_share(self) -> np.ndarray:
        """Return the per-person thinning share of candidate further offences.

        Returns
        -------
        numpy.ndarray of float
            Multiplier / CANDIDATE_FACTOR.
        """
        p = self.params
        return np.where(self.child, p["freq_child"], p["freq_adult"]) / CANDIDATE_FACTOR

    def first_time(self, change_days: np.ndarray | None = None) -> np.ndarray:
        """Return the first-reoffence time under the given (or observed) change points.

        Parameters
        ----------
        change_days : numpy.ndarray, optional
            Change points replacing the observed ones.

        Returns
        -------
        numpy.ndarray of float
            Days from start.
        """
        if change_days is None:
            if self.observed is None:
                self.observed = _piecewise(self.change_days, _change_logs())
            pw = self.observed
        else:
            pw = _piecewise(change_days, _change_logs())
        return _invert(pw, self.proc.target, self.log_rate())

    def outcome(self, change_days: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Return (reoffended, count) under the given (or observed) change points.

        Parameters
        ----------
        change_days : numpy.ndarray, optional
            Change points replacing the observed ones.

        Returns
        -------
        tuple of numpy.ndarray
            Binary and frequency measures per person.
        """
        return _counted(self.first_time(change_days), self.proc, self.keep_share(), self.window)


def _rates(model: _Model) -> dict[str, float]:
    """Return realised binary rates (percent) and frequencies among eligible people.

    Parameters
    ----------
    model : _Model
        The model at its current parameters.

    Returns
    -------
    dict of float
        ``adult``, ``child``, ``male``, ``female`` (percent reoffending) and ``freq_adult``,
        ``freq_child`` (proven reoffences per reoffender).
    """
    y, count = model.outcome()
    e = model.eligible
    out: dict[str, float] = {}
    for name, mask in (("adult", ~model.child), ("child", model.child),
                       ("male", ~model.female), ("female", model.female)):
        sel = e & mask
        out[name] = 100 * float(y[sel].mean()) if sel.any() else float("nan")
    for name, mask in (("freq_adult", ~model.child), ("freq_child", model.child)):
        sel = e & mask & y
        out[name] = float(count[sel].mean()) if sel.any() else float("nan")
    return out


def _targets() -> dict[str, float]:
    """Return the calibration targets.

    Returns
    -------
    dict of float
        ``adult`` and ``child`` binary rates (percent), ``sex_gap`` (female minus male,
        percentage points) and the frequencies per reoffender.
    """
    return {
        "adult": seed_figure("proven_reoffending_adults_national"),
        "child": seed_figure("proven_reoffending_children_national"),
        "sex_gap": seed_figure("proven_reoffending_female_national")
        - seed_figure("proven_reoffending_male_national"),
        "freq_child": seed_figure("child_further_offences_per_reoffender_pan_dorset_2021"),
        "freq_adult": ASSUMED["adult_frequency_per_reoffender"],
    }


def _calibrate(model: _Model, max_rounds: int = 30) -> dict[str, float]:
    """Solve intercepts, female coefficient and frequency multipliers on the sample's draws.

    A fixed-point iteration: intercepts move by the difference in complementary log-log of
    target and realised rate, the female coefficient so the female rate sits ``sex_gap``
    below the realised male rate, and the frequency multipliers in proportion to the further
    offences needed. Stops when every rate is within one person (at least 0.1 points) of its
    target and every frequency within 0.02 (see :func:`_calibrated`).

    Parameters
    ----------
    model : _Model
        Model whose ``params`` are updated in place.
    max_rounds : int
        Maximum number of rounds.

    Returns
    -------
    dict of float
        Realised rates at the solution (as :func:`_rates`).
    """
    t = _targets()
    p = model.params
    for round_ in range(max_rounds):
        r = _rates(model)
        if _calibrated(model, r, t):
            return r
        _update_params(p, r, t, damping=1.0 if round_ < 3 else 0.5)
    return _rates(model)


def _update_params(p: dict[str, float], r: dict[str, float], t: dict[str, float],
                   damping: float = 1.0) -> None:
    """Take one fixed-point step of the calibration (groups without data are left alone).

    Steps on the log-hazard scale are limited to +-1 and the frequency multipliers kept within
    (0.05, CANDIDATE_FACTOR), so that tiny samples cannot make the iteration diverge.

    Parameters
    ----------
    p : dict of float
        Parameters, updated in place.
    r, t : dict of float
        Realised rates and targets.
    damping : float
        Share of the full step taken on the log-hazard parameters (below 1 damps the
        oscillation that the discreteness of small groups can cause).
    """
    def step(target: float, realised: float) -> float:
        full = _cloglog(target / 100) - _cloglog(realised / 100)
        return damping * float(np.clip(full, -1.0, 1.0))

    for g in ("adult", "child"):
        if np.isfinite(r[g]):
            p[g] += step(t[g], r[g])
    if np.isfinite(r["male"]) and np.isfinite(r["female"]):
        p["female"] += step(r["male"] + t["sex_gap"], r["female"])
    for g in ("adult", "child"):
        key = f"freq_{g}"
        if np.isfinite(r[key]) and r[key] > 1:
            p[key] = float(np.clip(p[key] * (t[key] - 1) / (r[key] - 1), 0.05, CANDIDATE_FACTOR))


def _calibrated(model: _Model, r: dict[str, float], t: dict[str, float]) -> bool:
    """Whether the realised rates are as close to the targets as the sample allows.

    Parameters
    ----------
    model : _Model
        The model (for group sizes).
    r, t : dict of float
        Realised rates and targets.

    Returns
    -------
    bool
        True when each binary rate (and the sex gap) is within one person of its group, or
        0.1 points if that is larger, of its target and each frequency within 0.02.
    """
    e = model.eligible

    def close(value: float, target: float, mask: np.ndarray) -> bool:
        if not np.isfinite(value):
            return True
        return abs(value - target) <= max(0.1, 100.0 / max(1, int((e & mask).sum())))

    ok = close(r["adult"], t["adult"], ~model.child)
    ok &= close(r["child"], t["child"], model.child)
    ok &= close(r["female"] - r["male"], t["sex_gap"], model.female)
    for g in ("adult", "child"):
        value = r[f"freq_{g}"]
        ok &= (not np.isfinite(value)) or abs(value - t[f"freq_{g}"]) <= 0.02
    return bool(ok)


def _pct(values: np.ndarray, mask: np.ndarray) -> float | None:
    """Return 100 times the mean of ``values`` within ``mask``, or None if the mask is empty.

    Parameters
    ----------
    values : numpy.ndarray
        Values (0/1 outcomes or their differences).
    mask : numpy.ndarray of bool
        Selection.

    Returns
    -------
    float or None
        Percentage (4 decimals).
    """
    return round(100 * float(values[mask].mean()), 4) if mask.any() else None


def _true_effects(model: _Model, interventions: Arrays) -> tuple[dict[str, dict[str, float]], Arrays]:
    """Compute each intervention's true 12-month risk differences from potential outcomes.

    Each person's binary outcome is computed with the intervention given (start date at the
    person's drawn delay) and withheld, all other inputs and random numbers unchanged.

    Parameters
    ----------
    model : _Model
        The calibrated model.
    interventions : dict of numpy.ndarray
        Flags and delays from :func:`_assign_interventions`.

    Returns
    -------
    dict of dict
        Per intervention: population, sizes, mean risks under treatment and control among
        the treated and among everyone eligible, ``att_risk_difference_pp`` and
        ``ate_risk_difference_pp`` (percentage points), and the naive observed difference.
    dict of numpy.ndarray
        Each person's potential outcomes, ``<name>_y1`` and ``<name>_y0`` (0/1).
    """
    out: dict[str, dict[str, float]] = {}
    potential: Arrays = {}
    observed, _ = model.outcome()
    for j, name in enumerate(CHANGE_KEYS):
        if name not in INTERVENTION_HAZARD_RATIOS:
            continue
        days_on = model.change_days.copy()
        days_on[:, j] = interventions[f"{name}_delay"]
        days_off = model.change_days.copy()
        days_off[:, j] = np.inf
        y1 = model.outcome(days_on)[0].astype(float)
        y0 = model.outcome(days_off)[0].astype(float)
        potential[f"{name}_y1"], potential[f"{name}_y0"] = y1.astype(np.int8), y0.astype(np.int8)
        population = model.eligible & (True if name == "restorative_justice" else ~model.child)
        treated = population & interventions[name]
        control = population & ~interventions[name]
        out[name] = {
            "population": "eligible people" + ("" if name == "restorative_justice" else " (adults)"),
            "n_population": int(population.sum()),
            "n_treated": int(treated.sum()),
            "risk_treated_under_treatment_pct": _pct(y1, treated),
            "risk_treated_under_control_pct": _pct(y0, treated),
            "att_risk_difference_pp": _pct(y1 - y0, treated),
            "risk_all_under_treatment_pct": _pct(y1, population),
            "risk_all_under_control_pct": _pct(y0, population),
            "ate_risk_difference_pp": _pct(y1 - y0, population),
            "naive_risk_difference_pp": (
                None if not (treated.any() and control.any())
                else round(100 * (observed[treated].mean() - observed[control].mean()), 4)),
        }
    return out, potential


# --------------------------------------------------------------------------------------------
# Offences table
# --------------------------------------------------------------------------------------------


def _later_offences(rng: np.random.Generator, first: np.ndarray, model: _Model,
                    horizon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Draw further offences after follow-up, up to the extract date.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    first : numpy.ndarray
        First-reoffence time (days from start).
    model : _Model
        The calibrated model (for rates and multipliers).
    horizon : numpy.ndarray
        Exclusive end of offending time (days from start: day after the extract date).

    Returns
    -------
    person : numpy.ndarray of int64
        Person index per offence.
    time : numpy.ndarray of float
        Offence time in days from start.
    """
    begin = np.maximum(first, model.window["anniversary"])
    length = np.where(begin < horizon, horizon - begin, 0.0)
    rate = model.proc.rate * model.keep_share() * CANDIDATE_FACTOR
    counts = rng.poisson(rate * length / YEAR_DAYS)
    person = np.repeat(np.arange(first.size), counts)
    return person, begin[person] + rng.random(person.size) * length[person]


def _offence_types(rng: np.random.Generator, person: np.ndarray, index_offence: np.ndarray,
                   child: np.ndarray, iom: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Draw offence types (repeat of the index offence or the group mix) and attempt flags.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    person : numpy.ndarray of int
        Person index per offence.
    index_offence : numpy.ndarray of int
        Index offence per person.
    child, iom : numpy.ndarray of bool
        Group per person.

    Returns
    -------
    types : numpy.ndarray of int64
        Index into OFFENCE_TYPES.
    attempt : numpy.ndarray of int64
        0/1 attempt flags.
    """
    u = rng.random(person.size)
    mix = _categorical_from_uniform(u, OFFENCE_MIX["adult"])
    mix = np.where(child[person], _categorical_from_uniform(u, OFFENCE_MIX["child"]), mix)
    mix = np.where(iom[person], _categorical_from_uniform(u, IOM_REOFFENCE_MIX), mix)
    types = np.where(rng.random(person.size) < REPEAT_INDEX_PROB, index_offence[person], mix)
    attempt_p = np.array([ATTEMPT_PROB.get(t, 0.0) for t in OFFENCE_TYPES])[types]
    return types, (rng.random(person.size) < attempt_p).astype(np.int64)


def _offence_rows(rng: np.random.Generator, model: _Model, start: np.ndarray,
                  extract: int) -> Arrays:
    """Build every observed offence: follow-up offences and later ones, proven by extract.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    model : _Model
        The calibrated model.
    start : numpy.ndarray of int
        Cohort start (epoch days).
    extract : int
        Extract date (epoch days).

    Returns
    -------
    dict of numpy.ndarray
        ``person`` (index), ``offence_day`` and ``proven_day`` (epoch days), sorted by
        person, offence day and proven day.
    """
    first = model.first_time()
    proc = model.proc
    horizon = (extract - start + 1).astype(float)
    n = first.size
    p_cand = proc.cand_person
    t_cand = first[p_cand] + proc.cand_offset
    keep = (proc.cand_keep < model.keep_share()[p_cand]) & (t_cand < model.window["anniversary"][p_cand])
    p_late, t_late = _later_offences(rng, first, model, horizon)
    person = np.concatenate([np.arange(n), p_cand[keep], p_late])
    t = np.concatenate([first, t_cand[keep], t_late])
    lag = np.concatenate([proc.first_lag, proc.cand_lag[keep], _proof_lags(rng, p_late.size)])
    with np.errstate(invalid="ignore"):
        day = np.floor(np.where(np.isfinite(t), t, -1.0))
    ok = (np.isfinite(t) & (t < horizon[person]) & (day <= model.window["exit_day"][person])
          & (start[person] + day + lag <= extract))
    person, day, lag = person[ok], day[ok].astype(np.int64), lag[ok].astype(np.int64)
    offence_day = start[person] + day
    order = np.lexsort((lag, offence_day, person))
    return {"person": person[order], "offence_day": offence_day[order],
            "proven_day": (offence_day + lag)[order]}


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


def _dates(days: np.ndarray) -> pd.Series:
    """Return epoch days (float with inf/nan for missing) as a datetime64 Series.

    Parameters
    ----------
    days : numpy.ndarray
        Epoch days; non-finite values become NaT.

    Returns
    -------
    pandas.Series
        datetime64[ns] values.
    """
    values = np.asarray(days, dtype=float)
    finite = np.isfinite(values)
    out = np.full(values.size, np.datetime64("NaT"), dtype="datetime64[D]")
    out[finite] = values[finite].astype(np.int64).astype("datetime64[D]")
    return pd.Series(out.astype("datetime64[ns]"))


def _flag(values: np.ndarray, applies: np.ndarray | None = None) -> pd.Series:
    """Return a nullable 0/1 flag, missing where it does not apply.

    Parameters
    ----------
    values : numpy.ndarray of bool
        Flag values.
    applies : numpy.ndarray of bool, optional
        Where the flag applies (elsewhere it is missing).

    Returns
    -------
    pandas.Series
        Int64 values 0/1 or <NA>.
    """
    out = pd.Series(np.asarray(values).astype(np.int64), dtype="Int64")
    if applies is not None:
        out = out.mask(~pd.Series(np.asarray(applies, dtype=bool)))
    return out


def _person_ids(n: int) -> np.ndarray:
    """Return identifiers ``SYN0000001`` ... in order.

    Parameters
    ----------
    n : int
        Number of people.

    Returns
    -------
    numpy.ndarray of object
        Identifiers.
    """
    return np.array([f"SYN{i:07d}" for i in range(1, n + 1)], dtype=object)


def _people_table(ids: np.ndarray, base: Arrays, needs: Arrays, priors: Arrays,
                  interventions: Arrays, status: Arrays, extract: int) -> pd.DataFrame:
    """Assemble the people table in PEOPLE_COLUMNS order.

    Parameters
    ----------
    ids : numpy.ndarray of object
        Person identifiers.
    base, needs, priors, interventions, status : dict of numpy.ndarray
        Generated arrays (``status`` holds ``employment_day``, ``settled_day``,
        ``housed_night``, ``exit_day``, ``exit_reason``, ``assessed``, ``treatment_need``,
        ``engaged``, ``index_offence``).
    extract : int
        Extract date (epoch days): later status dates are not yet known and left blank.

    Returns
    -------
    pandas.DataFrame
        The people table.
    """
    start = base["start"]
    adult_custody = (base["start_type"] == 0) & ~base["child"]
    limit = np.minimum(status["exit_day"], extract - start)
    emp = np.where(status["employment_day"] <= limit, status["employment_day"], np.inf)
    settled = np.where(status["settled_day"] <= limit, status["settled_day"], np.inf)
    six_weeks, six_months = 42, _add_months(start, 6) - start
    three_months = _add_months(start, 3) - start
    cols: dict[str, pd.Series | np.ndarray] = {
        "person_id": ids,
        "cohort_start": _dates(start),
        "cohort_start_type": np.array(START_TYPES, dtype=object)[base["start_type"]],
        "sex": np.where(base["female"], "female", "male").astype(object),
        "date_of_birth": _dates(base["birth"]),
        "age": base["age"],
        "area": np.where(base["bcp"], "BCP", "Dorset").astype(object),
        "index_offence": np.array(OFFENCE_TYPES, dtype=object)[status["index_offence"]],
        "prior_offences": priors["prior"],
        "prior_offences_12m": priors["prior_12m"],
        "needs_assessed": _flag(status["assessed"]),
    }
    for key in NEED_KEYS:
        cols[f"need_{key}"] = _flag(needs[key], status["assessed"])
    for name in INTERVENTIONS:
        flag = interventions[name]
        cols[name] = _flag(flag)
        day_col = "iom_start_date" if name == "iom" else f"{name}_date"
        cols[day_col] = _dates(np.where(flag, start + interventions[f"{name}_delay"], np.nan))
    need = status["treatment_need"]
    cols.update({
        "employed_6w": _flag(emp <= six_weeks, adult_custody),
        "employed_6m": _flag(emp <= six_months, adult_custody),
        "housed_release_night": _flag(status["housed_night"], adult_custody),
        "settled_accommodation_3m": _flag(settled <= three_months, adult_custody),
        "substance_treatment_need": _flag(need, adult_custody),
        "engaged_treatment": _flag(status["engaged"], adult_custody & need),
        "employment_date": _dates(start + emp),
        "settled_accommodation_date": _dates(start + settled),
        "exit_date": _dates(start + status["exit_day"]),
        "exit_reason": status["exit_reason"],
    })
    frame = {c: v if isinstance(v, pd.Series) else pd.Series(v) for c, v in cols.items()}
    return pd.DataFrame(frame)[list(PEOPLE_COLUMNS)]


def _offences_table(ids: np.ndarray, rows: Arrays, types: np.ndarray,
                    attempt: np.ndarray) -> pd.DataFrame:
    """Assemble the offences table in OFFENCE_COLUMNS order.

    Parameters
    ----------
    ids : numpy.ndarray of object
        Person identifiers.
    rows : dict of numpy.ndarray
        From :func:`_offence_rows`.
    types, attempt : numpy.ndarray of int
        Offence type indices and attempt flags.

    Returns
    -------
    pandas.DataFrame
        The offences table sorted by person, offence date, proven date, offence type (by
        name) and attempt.
    """
    alphabetical = np.argsort(np.argsort(np.array(OFFENCE_TYPES)))[types]
    order = np.lexsort((attempt, alphabetical, rows["proven_day"], rows["offence_day"], rows["person"]))
    return pd.DataFrame({
        "person_id": ids[rows["person"][order]],
        "offence_date": _dates(rows["offence_day"][order]),
        "proven_date": _dates(rows["proven_day"][order]),
        "offence_type": np.array(OFFENCE_TYPES, dtype=object)[types[order]],
        "attempt": attempt[order],
    })


# --------------------------------------------------------------------------------------------
# Summaries for the metadata
# --------------------------------------------------------------------------------------------


def _share(values: np.ndarray, mask: np.ndarray) -> float | None:
    """Return the percentage of ``values`` true within ``mask`` (None if empty), 2 decimals.

    Parameters
    ----------
    values, mask : numpy.ndarray of bool
        Values and selection.

    Returns
    -------
    float or None
        Percentage.
    """
    return round(100 * float(values[mask].mean()), 2) if mask.any() else None


def _calibration_rows(model: _Model, rates: dict[str, float], base: Arrays, needs: Arrays,
                      status: Arrays, people: pd.DataFrame, extras: dict[str, float]
                      ) -> list[dict]:
    """List calibration targets with their sources and realised values.

    Parameters
    ----------
    model : _Model
        The calibrated model.
    rates : dict of float
        Realised rates from :func:`_rates`.
    base, needs, status : dict of numpy.ndarray
        Generated arrays.
    people : pandas.DataFrame
        The people table (for the post-release measures as recorded).
    extras : dict of float
        Other realised figures (age-band rates).

    Returns
    -------
    list of dict
        One entry per target: ``figure``, ``description``, ``target``, ``realised``,
        ``source`` (seed figure key, or ``ASSUMPTION``).
    """
    adult_assessed = ~base["child"] & status["assessed"]
    rows = [
        ("proven_reoffending_adults_national", "12-month proven reoffending, adults (%)", rates["adult"]),
        ("proven_reoffending_children_national", "12-month proven reoffending, children (%)", rates["child"]),
        ("proven_reoffending_male_national", "12-month proven reoffending, males (%; gap calibrated)", rates["male"]),
        ("proven_reoffending_female_national", "12-month proven reoffending, females (%; gap calibrated)", rates["female"]),
        ("child_further_offences_per_reoffender_pan_dorset_2021", "Proven reoffences per reoffending child", rates["freq_child"]),
    ]
    out = [_row(k, d, seed_figure(k), v) for k, d, v in rows]
    out.append(_row("ASSUMPTION", "Proven reoffences per adult reoffender",
                    ASSUMED["adult_frequency_per_reoffender"], rates["freq_adult"]))
    out.append(_row("needs_share_assessed", "Adults with a needs assessment (%)",
                    seed_figure("needs_share_assessed"), _share(status["assessed"], ~base["child"]),
                    "sampled"))
    for key in NEED_KEYS:
        value = _share(needs[key], adult_assessed)
        if key in EXTRA_NEED_PREVALENCE:
            out.append(_row("ASSUMPTION", f"need_{key} among assessed adults (%)",
                            100 * EXTRA_NEED_PREVALENCE[key], value, "sampled"))
        else:
            out.append(_row(f"need_{key}_pct", f"need_{key} among assessed adults (%)",
                            seed_figure(f"need_{key}_pct"), value, "sampled"))
    mean_needs = float(np.sum([needs[k][adult_assessed] for k in NEED_KEYS], axis=0).mean())
    out.append(_row("needs_mean_per_assessed", "Mean needs per assessed adult",
                    seed_figure("needs_mean_per_assessed"), mean_needs, "sampled"))
    out.extend(_post_release_rows(people))
    for key, (desc, value) in extras.items():
        out.append(_row(key, desc, seed_figure(key), value, "reported"))
    return out


def _row(figure: str, description: str, target: float, realised: float | None,
         method: str = "solved") -> dict:
    """Return one calibration entry with rounded numbers.

    Parameters
    ----------
    figure : str
        Seed figure key or ``ASSUMPTION``.
    description : str
        What is measured.
    target : float
        Target value.
    realised : float or None
        Realised value (None or NaN when the group is empty).
    method : {"solved", "sampled", "reported"}
        ``solved``: hit on the sample's own draws by calibration; ``sampled``: the generating
        probability equals the target, so the realised value differs by sampling error;
        ``reported``: not a target, shown for comparison.

    Returns
    -------
    dict
        The entry.
    """
    value = None if realised is None or not np.isfinite(realised) else round(float(realised), 4)
    return {"figure": figure, "description": description, "target": round(float(target), 4),
            "realised": value, "method": method}


def _flag_pct(flags: pd.Series) -> float | None:
    """Return the percentage of 1s among the non-missing values of a flag (None if none).

    Parameters
    ----------
    flags : pandas.Series
        Nullable 0/1 flag.

    Returns
    -------
    float or None
        Percentage.
    """
    known = flags.dropna()
    return 100 * float(known.astype(float).mean()) if len(known) else None


def _post_release_rows(people: pd.DataFrame) -> list[dict]:
    """Return the post-release performance measures as recorded, against their assumptions.

    Parameters
    ----------
    people : pandas.DataFrame
        The people table.

    Returns
    -------
    list of dict
        Calibration entries (targets are the ASSUMED shares, near the published targets).
    """
    out = []
    for col in ("employed_6w", "employed_6m", "housed_release_night", "settled_accommodation_3m"):
        value = _flag_pct(people[col])
        out.append(_row("ASSUMPTION", f"{col} among adult custody leavers (%)",
                        100 * ASSUMED[col], value, "sampled"))
    for area, key in (("Dorset", "continuity_of_care_dorset"), ("BCP", "continuity_of_care_bcp")):
        sel = people["area"] == area
        value = _flag_pct(people.loc[sel, "engaged_treatment"])
        out.append(_row(key, f"engaged_treatment among custody leavers with a need, {area} (%)",
                        seed_figure(key), value, "sampled"))
    return out


def _iom_profile(base: Arrays, needs: Arrays, interventions: Arrays, status: Arrays,
                 y: np.ndarray, eligible: np.ndarray) -> dict[str, float]:
    """Summarise the synthetic IOM cohort against the Durham and Dorset IOM profiles.

    Parameters
    ----------
    base, needs, interventions, status : dict of numpy.ndarray
        Generated arrays.
    y : numpy.ndarray of bool
        Observed binary outcome.
    eligible : numpy.ndarray of bool
        Measured people.

    Returns
    -------
    dict of float
        Percentages among IOM people.
    """
    iom = interventions["iom"]
    age = base["age"]
    emp_12m = status["employment_day"] <= 365
    return {
        "n_iom": int(iom.sum()),
        "pct_of_adults": _share(iom, ~base["child"]),
        "pct_male": _share(~base["female"], iom),
        "pct_aged_18_33": _share((age >= 18) & (age <= 33), iom),
        "pct_substance_misuse_need": _share(needs["drugs"] | needs["alcohol"], iom),
        "pct_accommodation_need": _share(needs["accommodation"], iom),
        "pct_employed_within_12m": _share(emp_12m, iom),
        "pct_index_dwelling_burglary": _share(status["index_offence"] == 0, iom),
        "proven_reoffending_pct_eligible": _share(y, iom & eligible),
    }


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def generate_cohort(n_people: int = DEFAULT_N, seed: int = DEFAULT_SEED,
                    extract_date: str = EXTRACT_DATE) -> SyntheticCohort:
    """Generate the SYNTHETIC pan-Dorset-like cohort in records form.

    Parameters
    ----------
    n_people : int, default 4000
        Number of people (at least 10).
    seed : int, default 2024
        Seed of ``numpy.random.default_rng``; the same seed and size give identical output.
    extract_date : str, default :data:`EXTRACT_DATE`
        ISO date the data are "extracted": offences are recorded up to it (proven by it). A
        later date observes people for longer after their follow-up, so each has more recorded
        offences (about 2.7 per person at the default date). The calibration targets are met
        among the people eligible for the measures at that date.

    Returns
    -------
    SyntheticCohort
        People and offences tables and the metadata (planted effects, true risk differences,
        calibration targets with realised values).

    Raises
    ------
    ValueError
        If ``n_people`` is below 10, or ``extract_date`` is before :data:`EXTRACT_DATE`.
    """
    if n_people < 10:
        raise ValueError("n_people must be at least 10")
    extract = _day(extract_date)
    if extract < _day(EXTRACT_DATE):
        raise ValueError(f"extract_date must be on or after {EXTRACT_DATE}")
    rng = np.random.default_rng(seed)
    base = _draw_demographics(rng, n_people)
    latent = rng.standard_normal(n_people)
    needs = _draw_needs(rng, base["child"], latent)
    priors = _draw_priors(rng, base, latent)
    interventions = _assign_interventions(rng, base, needs, priors)
    status = _draw_status(rng, base, needs, priors, interventions)
    model = _build_model(rng, base, needs, priors, interventions, status, extract)
    rates = _calibrate(model)
    effects, potential = _true_effects(model, interventions)
    rows = _offence_rows(rng, model, base["start"], extract)
    types, attempt = _offence_types(rng, rows["person"], status["index_offence"],
                                    base["child"], interventions["iom"])
    ids = _person_ids(n_people)
    people = _people_table(ids, base, needs, priors, interventions, status, extract)
    offences = _offences_table(ids, rows, types, attempt)
    y, _ = model.outcome()
    extras = _age_band_rates(base, y, model.eligible)
    metadata = _metadata(seed, n_people, model, rates, effects, base, needs, status, people,
                         offences, interventions, y, extras, extract_date)
    outcomes = pd.DataFrame({"person_id": ids, **potential})
    return SyntheticCohort(people=people, offences=offences, metadata=metadata,
                           potential_outcomes=outcomes)


def _draw_status(rng: np.random.Generator, base: Arrays, needs: Arrays, priors: Arrays,
                 interventions: Arrays) -> Arrays:
    """Draw assessment, index offence, dated status changes, treatment need and exits.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    base, needs, priors, interventions : dict of numpy.ndarray
        Generated arrays.

    Returns
    -------
    dict of numpy.ndarray
        ``assessed``, ``index_offence``, ``employment_day``, ``settled_day``,
        ``housed_night``, ``treatment_need``, ``engaged``, ``exit_day``, ``exit_reason``.
    """
    n = base["age"].size
    child = base["child"]
    share = np.where(child, ASSUMED["child_assessed_share"], seed_figure("needs_share_assessed") / 100)
    assessed = rng.random(n) < share
    index_offence = _draw_index_offence(rng, child, interventions["iom"])
    employment_day = _employment_days(rng, base, needs, priors)
    settled_day, housed = _accommodation_days(rng, base, needs, priors)
    engage_p = np.where(base["bcp"], seed_figure("continuity_of_care_bcp"),
                        seed_figure("continuity_of_care_dorset")) / 100
    engaged = rng.random(n) < engage_p
    anniversary = _add_months(base["start"], FOLLOW_UP_MONTHS) - base["start"]
    exit_day, exit_reason = _draw_exits(rng, base, anniversary)
    return {
        "assessed": assessed, "index_offence": index_offence, "employment_day": employment_day,
        "settled_day": settled_day, "housed_night": housed,
        "treatment_need": needs["drugs"] | needs["alcohol"], "engaged": engaged,
        "exit_day": exit_day, "exit_reason": exit_reason,
    }


def _build_model(rng: np.random.Generator, base: Arrays, needs: Arrays, priors: Arrays,
                 interventions: Arrays, status: Arrays, extract: int) -> _Model:
    """Set up the hazard model with observed change points and the offence-process draws.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    base, needs, priors, interventions, status : dict of numpy.ndarray
        Generated arrays.
    extract : int
        Extract date (epoch days).

    Returns
    -------
    _Model
        Model with starting parameters (before calibration).
    """
    start = base["start"]
    anniversary = _add_months(start, FOLLOW_UP_MONTHS) - start
    proof_limit = _add_months(start, FOLLOW_UP_MONTHS + WAITING_MONTHS) - start
    eligible = start + proof_limit - 1 <= extract
    change = {"employment": status["employment_day"], "settled_accommodation": status["settled_day"]}
    for name in INTERVENTIONS:
        change[name] = np.where(interventions[name], interventions[f"{name}_delay"], np.inf)
    proc = _draw_process(rng, base["child"], anniversary)
    return _Model(
        base_lp=_linear_predictor(base, needs, priors),
        child=base["child"], female=base["female"], eligible=eligible,
        change_days=np.column_stack([change[k] for k in CHANGE_KEYS]).astype(float),
        proc=proc,
        window={"anniversary": anniversary.astype(float), "proof_limit": proof_limit.astype(float),
                "exit_day": status["exit_day"]},
        params={"adult": -1.5, "child": -1.0, "female": -0.3, "freq_adult": 1.0, "freq_child": 1.0},
    )


def _age_band_rates(base: Arrays, y: np.ndarray, eligible: np.ndarray) -> dict[str, tuple[str, float]]:
    """Return the realised children's age-band rates (reported, not calibrated).

    Parameters
    ----------
    base : dict of numpy.ndarray
        Demographics.
    y : numpy.ndarray of bool
        Observed binary outcome.
    eligible : numpy.ndarray of bool
        Measured people.

    Returns
    -------
    dict
        Seed figure key -> (description, realised percent).
    """
    age = base["age"]
    return {
        "proven_reoffending_age_10_14_national": (
            "12-month proven reoffending, aged 10-14 (%; not calibrated)",
            _share(y, eligible & (age <= 14))),
        "proven_reoffending_age_15_17_national": (
            "12-month proven reoffending, aged 15-17 (%; not calibrated)",
            _share(y, eligible & (age >= 15) & (age <= 17))),
        "proven_reoffending_overall_national": (
            "12-month proven reoffending, everyone (%; not calibrated)", _share(y, eligible)),
    }


def _metadata(seed: int, n: int, model: _Model, rates: dict[str, float],
              effects: dict[str, dict[str, float]], base: Arrays, needs: Arrays, status: Arrays,
              people: pd.DataFrame, offences: pd.DataFrame, interventions: Arrays,
              y: np.ndarray, extras: dict[str, tuple[str, float]],
              extract_date: str = EXTRACT_DATE) -> dict:
    """Assemble the metadata dictionary (no timestamps, so it is reproducible).

    Parameters
    ----------
    seed, n : int
        Seed and number of people.
    model : _Model
        Calibrated model.
    rates : dict of float
        Realised calibration rates.
    effects : dict
        True effects from :func:`_true_effects`.
    base, needs, status, interventions : dict of numpy.ndarray
        Generated arrays.
    people, offences : pandas.DataFrame
        The tables.
    y : numpy.ndarray of bool
        Observed binary outcome.
    extras : dict
        Reported, not calibrated, figures.
    extract_date : str
        ISO date of the extract.

    Returns
    -------
    dict
        The metadata.
    """
    p = model.params
    return {
        "synthetic": True,
        "statement": ("SYNTHETIC data generated by analysis.synthetic: no real person or offence "
                      "is represented. Figures are calibrated to published statistics only."),
        "generator": "analysis.synthetic.generate_cohort",
        "seed": seed,
        "n_people": n,
        "n_offences": int(len(offences)),
        "n_eligible": int(model.eligible.sum()),
        "extract_date": extract_date,
        "cohort_start_range": [COHORT_FIRST, COHORT_LAST],
        "eligibility": "cohort_start + (follow_up_months + waiting_months) months - 1 day <= extract_date",
        "follow_up_months": FOLLOW_UP_MONTHS,
        "waiting_months": WAITING_MONTHS,
        "planted_hazard_ratios": {
            "interventions": dict(INTERVENTION_HAZARD_RATIOS),
            "time_varying_covariates": dict(TIME_VARYING_HAZARD_RATIOS),
        },
        "hazard_model": {
            "baseline": "Weibull, cumulative hazard (t / 365.25 days) ** shape",
            "weibull_shape": WEIBULL_SHAPE,
            "log_hazard_coefficients": dict(LOG_HAZARD),
            "calibrated_intercept_adult": round(p["adult"], 6),
            "calibrated_intercept_child": round(p["child"], 6),
            "calibrated_log_hr_female": round(p["female"], 6),
            "further_offence_rate_per_year": {g: round(FURTHER_RATE_PER_YEAR[g] * p[f"freq_{g}"], 6)
                                              for g in ("adult", "child")},
            "confounders": ["age", "sex", "prior_offences_12m (as log1p)", "need_drugs",
                            "need_lifestyle", "need_attitudes", "need_accommodation",
                            "cohort_start_type"],
            "intervention_effect_starts": "on the intervention's start date",
            "time_varying_effect_starts": "on employment_date / settled_accommodation_date",
        },
        "true_effects": effects,
        "calibration": _calibration_rows(model, rates, base, needs, status, people, extras),
        "iom_profile": _iom_profile(base, needs, interventions, status, y, model.eligible),
        "assumptions": dict(ASSUMED),
    }


def write_cohort(cohort: SyntheticCohort, out_dir: str | Path) -> dict[str, Path]:
    """Write ``people.csv``, ``offences.csv`` and ``metadata.json`` (byte-reproducible).

    Dates are ISO ``YYYY-MM-DD``, missing values are empty cells, line endings are ``\\n`` and
    the JSON is written with sorted keys and an indent of 2.

    Parameters
    ----------
    cohort : SyntheticCohort
        The cohort to write.
    out_dir : str or pathlib.Path
        Directory (created if needed).

    Returns
    -------
    dict of pathlib.Path
        Paths written, keyed ``people``, ``offences`` and ``metadata``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"people": out / "people.csv", "offences": out / "offences.csv",
             "metadata": out / "metadata.json"}
    for key in ("people", "offences"):
        frame = getattr(cohort, key)
        frame.to_csv(paths[key], index=False, lineterminator="\n", na_rep="",
                     date_format="%Y-%m-%d")
    text = json.dumps(cohort.metadata, sort_keys=True, indent=2, ensure_ascii=False)
    paths["metadata"].write_text(text + "\n", encoding="utf-8", newline="\n")
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry: ``python -m analysis.synthetic --out DIR [--n N --seed S]``.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (defaults to ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status (0).
    """
    parser = argparse.ArgumentParser(
        prog="python -m analysis.synthetic",
        description="Generate the SYNTHETIC pan-Dorset-like cohort (records form).")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="number of people")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    cohort = generate_cohort(args.n, args.seed)
    generated = time.perf_counter() - began
    paths = write_cohort(cohort, args.out)
    written = time.perf_counter() - began - generated
    print(f"{args.n} people, {len(cohort.offences)} offences: generated in {generated:.1f} s, "
          f"written in {written:.1f} s to {paths['people'].parent}")
    return 0

