"""Normal bootstrap bands: a curve plus and minus the normal quantile times the standard
deviation of its bootstrap replicates, kept within 0-100%."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from scipy import stats

__all__ = ["normal_band"]


def normal_band(estimate: np.ndarray, draws: Sequence[np.ndarray], alpha: float = 0.05
                ) -> tuple[np.ndarray, np.ndarray]:
    """The lower and upper limits of a normal bootstrap band of a percentage curve.

    Parameters
    ----------
    estimate : ndarray
        The curve (percent) at each time.
    draws : sequence of ndarray
        The curve recomputed on each bootstrap sample (NaN where a sample has no value); with
        fewer than two the limits are NaN.
    alpha : float
        1 - confidence level.

    Returns
    -------
    tuple of ndarray
        ``estimate -/+ z * sd`` of the replicates, clipped to 0-100.
    """
    if len(draws) > 1:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN beyond the follow-up
            se = np.nanstd(np.vstack(draws), axis=0, ddof=1)
    else:
        se = np.full_like(estimate, np.nan, dtype=float)
    z = float(stats.norm.ppf(1 - alpha / 2))
    return np.clip(estimate - z * se, 0, 100), np.clip(estimate + z * se, 0, 100)
