"""Bootstrap confidence bands of the weighted Kaplan-Meier curves of the matched and weighted samples."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.models.bootstrap import normal_band

__all__ = ["weighted_km_bands", "weighted_km_bands_by_sample"]


def _weighted_cumulative(time: np.ndarray, event: np.ndarray, weight: np.ndarray,
                         grid: np.ndarray) -> np.ndarray:
    """Weighted Kaplan-Meier cumulative percent at ``grid`` (the product-limit estimate with
    weighted numbers at risk and of events, as lifelines computes it)."""
    order = np.argsort(time, kind="stable")
    t, e, w = time[order], event[order], weight[order]
    times, first = np.unique(t, return_index=True)
    deaths = np.add.reduceat(w * e, first)
    at_risk = np.cumsum(np.add.reduceat(w, first)[::-1])[::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(at_risk > 0, 1 - deaths / at_risk, 1.0)
    survival = np.cumprod(factor)
    at = np.searchsorted(times, grid, side="right") - 1
    s = np.where(at >= 0, survival[np.clip(at, 0, None)], 1.0)
    return np.where(grid > times[-1], np.nan, 100 * (1 - s))


def weighted_km_bands(
    frame: pd.DataFrame,
    weights: pd.Series,
    grid: Sequence[float],
    replicates: int = 200,
    seed: int = 0,
    alpha: float = 0.05,
    group_col: str = "treated",
    time_col: str = "time",
    event_col: str = "event",
) -> pd.DataFrame:
    """Normal bootstrap bands of the weighted Kaplan-Meier curve of each group.

    The people of each group with a positive weight are drawn with replacement, keeping their
    weights (the weights are taken as given: the uncertainty of the propensity model is not
    included), with numpy's generator seeded by ``seed``; the band is the curve plus and minus
    the normal quantile times the standard deviation of the replicates, within 0-100%.

    Parameters
    ----------
    frame : DataFrame
        The people, with ``group_col``, ``time_col`` and ``event_col``.
    weights : Series
        Weights aligned with ``frame`` (people with weight 0 are left out).
    grid : sequence of float
        Times (data's unit) at which the bands are given.
    replicates : int
        Bootstrap samples.
    seed : int
        Seed of the resampling (the run's ``seed``).
    alpha : float
        1 - confidence level.

    Returns
    -------
    DataFrame
        ``group``, ``time``, ``cumulative_reoffended_pct``, ``cumulative_ci_low_pct``,
        ``cumulative_ci_high_pct`` (NaN beyond the group's last time).
    """
    g = np.asarray(grid, dtype=float)
    rng = np.random.default_rng(seed)
    keep = weights > 0
    rows = []
    for group, d in frame.loc[keep].groupby(group_col, sort=True):
        time = d[time_col].to_numpy(float)
        event = d[event_col].to_numpy(float)
        weight = weights.loc[d.index].to_numpy(float)
        estimate = _weighted_cumulative(time, event, weight, g)
        n = len(d)
        draws = []
        for _ in range(replicates):
            pick = rng.integers(0, n, n)
            draws.append(_weighted_cumulative(time[pick], event[pick], weight[pick], g))
        low, high = normal_band(estimate, draws, alpha)
        rows.append(pd.DataFrame({
            "group": group, "time": g, "cumulative_reoffended_pct": estimate,
            "cumulative_ci_low_pct": low, "cumulative_ci_high_pct": high}))
    return pd.concat(rows, ignore_index=True)


def weighted_km_bands_by_sample(
    frame: pd.DataFrame,
    weights: Mapping[str, pd.Series],
    grid: Sequence[float],
    replicates: int = 200,
    seed: int = 0,
) -> dict[str, pd.DataFrame]:
    """:func:`weighted_km_bands` of each sample (``{sample: weights}``, e.g.
    ``Estimates.att_weights``), each seeded with ``seed``."""
    return {name: weighted_km_bands(frame, w, grid, replicates, seed)
            for name, w in weights.items()}
