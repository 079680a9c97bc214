"""Offence rows of the SYNTHETIC cohort: every offence recorded by the extract date.

Follow-up offences from the calibrated process, further offences after follow-up up to the
extract date, offence types (repeats of the index offence or the group mix) and attempts.
"""

from __future__ import annotations

import numpy as np

from analysis.measures.time_scale import DAYS_PER_YEAR
from analysis.synthetic.constants import (
    ATTEMPT_PROB,
    CANDIDATE_FACTOR,
    IOM_REOFFENCE_MIX,
    OFFENCE_MIX,
    OFFENCE_TYPES,
    REPEAT_INDEX_PROB,
    Arrays,
)
from analysis.synthetic.hazard import _proof_lags
from analysis.synthetic.model import _Model
from analysis.synthetic.numeric import _categorical_from_uniform


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
    counts = rng.poisson(rate * length / DAYS_PER_YEAR)
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
