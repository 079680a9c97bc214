"""Baseline characteristics of the SYNTHETIC cohort: demographics, needs and prior offences.

Start dates and types, sex, age, date of birth and area; the ten criminogenic needs from a
latent-factor threshold model; proven offences before cohort start; the index offence.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from analysis.data.reference import seed_figure
from analysis.synthetic.constants import (
    ADULT_AGE_BANDS,
    ASSUMED,
    CHILD_AGE_PROBS,
    CHILD_NEED_SHIFT,
    COHORT_FIRST,
    COHORT_LAST,
    EXTRA_NEED_PREVALENCE,
    NEED_KEYS,
    NEED_LOADINGS,
    OFFENCE_MIX,
    START_TYPE_PROBS,
    Arrays,
)
from analysis.synthetic.numeric import (
    _age_years,
    _categorical,
    _categorical_from_uniform,
    _day,
    _shift_years,
)


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
