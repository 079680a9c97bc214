"""Interventions, dated status changes and exits of the SYNTHETIC cohort.

Confounded assignment of the three interventions with their start delays; the days employment
and settled accommodation are first held; needs assessment, treatment need and engagement;
competing exits within follow-up.
"""

from __future__ import annotations

import numpy as np

from analysis.data.reference import seed_figure
from analysis.synthetic.constants import (
    ASSUMED,
    EXIT_REASONS,
    FOLLOW_UP_MONTHS,
    INTERVENTION_DELAY_DAYS,
    STATUS_HORIZON_DAYS,
    Arrays,
)
from analysis.synthetic.numeric import (
    _add_months,
    _categorical_from_uniform,
    _logistic,
    _solve_intercept,
)
from analysis.synthetic.people import _draw_index_offence


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
