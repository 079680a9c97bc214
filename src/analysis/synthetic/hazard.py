"""Hazard model and offence process of the SYNTHETIC cohort.

The proportional-hazards linear predictor, the piecewise Weibull cumulative hazard with
time-varying covariates and its inversion, proof lags, the random numbers of the offence
process (shared by every scenario) and the count of proven reoffences in follow-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from analysis.measures.time_scale import DAYS_PER_YEAR
from analysis.synthetic.constants import (
    ASSUMED,
    CANDIDATE_FACTOR,
    CHANGE_KEYS,
    FURTHER_RATE_PER_YEAR,
    FURTHER_RATE_SHAPE,
    INTERVENTION_HAZARD_RATIOS,
    LOG_HAZARD,
    TIME_VARYING_HAZARD_RATIOS,
    WEIBULL_SHAPE,
    Arrays,
)


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
    base_cum = (np.concatenate([zeros, points], axis=1) / DAYS_PER_YEAR) ** WEIBULL_SHAPE
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
    return DAYS_PER_YEAR * level ** (1 / WEIBULL_SHAPE)


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
    counts = rng.poisson(CANDIDATE_FACTOR * rate * anniversary / DAYS_PER_YEAR)
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
