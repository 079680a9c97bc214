"""Calendar and arithmetic helpers of the SYNTHETIC cohort generator.

Epoch-day dates (days since 1970-01-01 as integers), calendar months and years, ages, the
logistic and complementary log-log transforms, intercept solving and categorical draws, shared
by the generator's other modules.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from analysis.measures.reoffending import add_months


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
