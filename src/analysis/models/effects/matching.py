"""Nearest-neighbour propensity-score matching on the logit of the score, and its bookkeeping.

Method
------
* **Distance**: the absolute difference in the logit of the propensity score.
* **Caliper**: a treated person is matched only to comparisons within ``caliper_sd`` standard
  deviations of the logit score (default 0.2, Austin 2011), the SD being the pooled SD of the
  two groups, ``sqrt((var_1 + var_0) / 2)`` (``ddof = 1``). ``caliper_sd=None`` turns it off.
* **k:1**: up to ``ratio`` comparisons per treated person. Without replacement the matching is
  greedy and goes in rounds (as R's MatchIt): in round ``r`` every treated person who found a
  match in every earlier round takes the nearest comparison still available. With replacement
  each treated person takes its ``ratio`` nearest comparisons, which may be reused.
* **Order**: treated people are processed from the largest score down (``order="largest"``,
  MatchIt's default for greedy matching), or ``"smallest"``, or ``"data"`` (row order).
* **Ties**: between comparisons at the same distance, the one earlier in the data (lower row
  position) is taken, so results do not depend on sort stability.
* **Exact matching**: on chosen covariates (e.g. sex, area), treated people are matched only
  within their own combination of values; the caliper is still computed on the whole sample.
* **Matching weights** (for the ATT): 1 for each matched treated person; a comparison gets
  ``sum over the matched sets it is in of 1 / (comparisons in that set)``; 0 if unmatched.

Scaling
-------
Comparisons are sorted once by score; each search is a binary search (``numpy.searchsorted``)
plus a union-find "next available neighbour" structure that skips comparisons already used, so
matching n people costs O(n log n) time and O(n) memory: no all-pairs distance matrix is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from analysis.disclosure import flow_losses, suppress_counts

__all__ = [
    "MatchResult",
    "attrition_table",
    "published_attrition",
    "caliper_width",
    "match",
    "matched_sample",
]

Order = Literal["largest", "smallest", "data"]


def caliper_width(logit_score: pd.Series | np.ndarray, treated: pd.Series | np.ndarray,
                  caliper_sd: float = 0.2) -> float:
    """Caliper on the logit scale: ``caliper_sd`` times the pooled SD of the two groups' logits."""
    x = np.asarray(logit_score, dtype=float)
    t = np.asarray(treated).astype(int)
    v1 = np.var(x[t == 1], ddof=1) if (t == 1).sum() > 1 else 0.0
    v0 = np.var(x[t == 0], ddof=1) if (t == 0).sum() > 1 else 0.0
    return float(caliper_sd * np.sqrt((v1 + v0) / 2))


@dataclass
class MatchResult:
    """The outcome of :func:`match`.

    Attributes
    ----------
    pairs : DataFrame
        One row per (treated, comparison) match: ``set_id`` (matched set, one per matched
        treated person), ``treated`` and ``control`` (index labels of the data), ``distance``
        (absolute logit difference) and ``round`` (1 = first-choice comparison).
    weights : Series
        Matching weights (ATT) for every person of the data, 0 for the unmatched.
    caliper : float or None
        Caliper on the logit scale.
    ratio : int
        Comparisons sought per treated person.
    replacement : bool
        Whether comparisons could be reused.
    """

    pairs: pd.DataFrame
    weights: pd.Series
    caliper: float | None
    ratio: int
    replacement: bool

    @property
    def n_treated(self) -> int:
        """Matched treated people."""
        return int(self.pairs["treated"].nunique())

    @property
    def n_controls(self) -> int:
        """Distinct matched comparisons."""
        return int(self.pairs["control"].nunique())

    @property
    def matched(self) -> pd.Series:
        """True for people in the matched sample (weight above 0)."""
        return self.weights > 0


class _Available:
    """Union-find over sorted positions: nearest still-available position to the left/right."""

    def __init__(self, m: int) -> None:
        self.right = np.arange(m + 1)  # right[m] is the "none" sentinel
        self.left = np.arange(m + 1)   # left position p is stored at p + 1; left[0] = "none"

    def find_right(self, i: int) -> int:
        r = self.right
        root = i
        while r[root] != root:
            root = r[root]
        while r[i] != root:
            r[i], i = root, r[i]
        return int(root)

    def find_left(self, i: int) -> int:
        lf = self.left
        j = i + 1
        root = j
        while lf[root] != root:
            root = lf[root]
        while lf[j] != root:
            lf[j], j = root, lf[j]
        return int(root) - 1

    def remove(self, i: int) -> None:
        self.right[i] = i + 1
        self.left[i + 1] = i


def _nearest_available(v: float, cv: np.ndarray, cpos: np.ndarray, avail: _Available
                       ) -> tuple[int, float]:
    """Sorted position of the nearest available comparison to ``v`` (ties: lowest data row)."""
    m = len(cv)
    r = int(np.searchsorted(cv, v, side="left"))
    right = avail.find_right(r) if r < m else m
    left = avail.find_left(r - 1) if r > 0 else -1
    d_right = cv[right] - v if right < m else np.inf
    d_left = v - cv[left] if left >= 0 else np.inf
    d = min(d_left, d_right)
    if not np.isfinite(d):
        return -1, np.inf
    cands = []
    if d_left == d:
        # the first available comparison in the run of equal scores (lowest data row)
        start = int(np.searchsorted(cv, cv[left], side="left"))
        cands.append(avail.find_right(start))
    if d_right == d:
        cands.append(right)
    best = min(cands, key=lambda j: cpos[j])
    return best, float(d)


def _k_nearest(v: float, cv: np.ndarray, cpos: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted positions and distances of the ``k`` nearest comparisons (ties: lowest data row)."""
    m = len(cv)
    r = int(np.searchsorted(cv, v, side="left"))
    lo, hi = max(0, r - k), min(m, r + k)
    d = np.abs(cv[lo:hi] - v)
    dk = np.sort(d)[min(k, len(d)) - 1]
    # widen to every comparison tied with the k-th distance, wherever it sits
    lo = int(np.searchsorted(cv, v - dk - 1e-12 * (1 + abs(v)), side="left"))
    hi = int(np.searchsorted(cv, v + dk + 1e-12 * (1 + abs(v)), side="right"))
    idx = np.arange(lo, hi)
    d = np.abs(cv[idx] - v)
    keep = d <= dk
    idx, d = idx[keep], d[keep]
    order = np.lexsort((cpos[idx], d))[:k]
    return idx[order], d[order]


def _match_stratum(tv: np.ndarray, tpos: np.ndarray, cv: np.ndarray, cpos: np.ndarray,
                   caliper: float, ratio: int, replacement: bool) -> list[tuple[int, int, float, int]]:
    """Match treated (values ``tv`` in processing order) to comparisons; return position tuples."""
    order = np.lexsort((cpos, cv))
    cv, cpos = cv[order], cpos[order]
    out: list[tuple[int, int, float, int]] = []
    if len(cv) == 0:
        return out
    if replacement:
        for v, p in zip(tv, tpos, strict=True):
            idx, d = _k_nearest(v, cv, cpos, ratio)
            for rnd, (j, dj) in enumerate(zip(idx, d, strict=True), 1):
                if dj <= caliper:
                    out.append((int(p), int(cpos[j]), float(dj), rnd))
        return out
    avail = _Available(len(cv))
    active = list(zip(tv, tpos, strict=True))
    left = len(cv)
    for rnd in range(1, ratio + 1):
        still = []
        for v, p in active:
            if left == 0:
                break
            j, dj = _nearest_available(v, cv, cpos, avail)
            if j >= 0 and dj <= caliper:
                out.append((int(p), int(cpos[j]), dj, rnd))
                avail.remove(j)
                left -= 1
                still.append((v, p))
        active = still
    return out


def match(
    logit_score: pd.Series,
    treated: pd.Series,
    caliper_sd: float | None = 0.2,
    ratio: int = 1,
    replacement: bool = False,
    exact: pd.DataFrame | pd.Series | None = None,
    order: Order = "largest",
) -> MatchResult:
    """Greedy nearest-neighbour matching of treated to comparison people (see module docstring).

    Parameters
    ----------
    logit_score : Series
        Logit of the propensity score (any distance on one axis works).
    treated : Series
        0/1 flag, same index.
    caliper_sd : float or None
        Caliper in pooled SDs of ``logit_score``; None for no caliper.
    ratio : int
        Comparisons per treated person (k:1).
    replacement : bool
        Allow a comparison to be matched to more than one treated person.
    exact : DataFrame or Series, optional
        Columns (same index) on which people must agree exactly.
    order : {"largest", "smallest", "data"}
        Order in which treated people choose.

    Returns
    -------
    MatchResult
    """
    if ratio < 1:
        raise ValueError("ratio must be at least 1")
    x = logit_score.to_numpy(dtype=float)
    t = treated.astype(int).to_numpy()
    if np.isnan(x).any():
        raise ValueError("the score has missing values")
    caliper = caliper_width(x, t, caliper_sd) if caliper_sd is not None else None
    cal = np.inf if caliper is None else caliper
    pos = np.arange(len(x))
    if exact is None:
        keys = np.zeros(len(x), dtype=np.int64)
    else:
        ex = exact.to_frame() if isinstance(exact, pd.Series) else exact
        keys = ex.reset_index(drop=True).astype(str).agg("\x1f".join, axis=1).to_numpy()
    tpos_all = pos[t == 1]
    if order == "largest":
        tpos_all = tpos_all[np.lexsort((tpos_all, -x[tpos_all]))]
    elif order == "smallest":
        tpos_all = tpos_all[np.lexsort((tpos_all, x[tpos_all]))]
    elif order != "data":
        raise ValueError("order must be 'largest', 'smallest' or 'data'")
    rows: list[tuple[int, int, float, int]] = []
    for key in pd.unique(keys[tpos_all]):
        tp = tpos_all[keys[tpos_all] == key]
        cp = pos[(t == 0) & (keys == key)]
        rows += _match_stratum(x[tp], tp, x[cp], cp, cal, ratio, replacement)
    index = logit_score.index
    pairs = pd.DataFrame(rows, columns=["treated_pos", "control_pos", "distance", "round"])
    pairs = pairs.astype({"treated_pos": np.int64, "control_pos": np.int64,
                          "distance": float, "round": np.int64})
    # matched sets numbered in the order treated people chose
    rank = {p: i for i, p in enumerate(tpos_all)}
    pairs["set_id"] = pairs["treated_pos"].map(rank)
    pairs = pairs.sort_values(["set_id", "round"], kind="stable").reset_index(drop=True)
    pairs["set_id"] = pd.factorize(pairs["set_id"])[0].astype(np.int64)
    weights = np.zeros(len(x))
    if len(pairs):
        size = pairs.groupby("set_id")["control_pos"].transform("size").to_numpy()
        np.add.at(weights, pairs["control_pos"].to_numpy(), 1 / size)
        weights[pairs["treated_pos"].unique()] = 1.0
    out = pd.DataFrame({
        "set_id": pairs["set_id"].astype(int),
        "treated": index[pairs["treated_pos"].to_numpy()],
        "control": index[pairs["control_pos"].to_numpy()],
        "distance": pairs["distance"].astype(float),
        "round": pairs["round"].astype(int),
    })
    return MatchResult(pairs=out, weights=pd.Series(weights, index=index, name="match_weight"),
                       caliper=caliper, ratio=ratio, replacement=replacement)


def matched_sample(frame: pd.DataFrame, result: MatchResult) -> pd.DataFrame:
    """The matched sample, one row per person and matched set, ready for weighted estimation.

    Each treated person appears once with weight 1; each comparison appears once per matched
    set it belongs to with weight ``1 / (comparisons in that set)``. Without replacement this is
    one row per matched person. Columns of ``frame`` plus ``set_id`` and ``weight``.
    """
    p = result.pairs
    if p.empty:
        return frame.iloc[:0].assign(set_id=pd.Series(dtype=int), weight=pd.Series(dtype=float))
    size = p.groupby("set_id")["control"].transform("size")
    treated = p.drop_duplicates("set_id")
    t = frame.loc[treated["treated"].to_numpy()].assign(set_id=treated["set_id"].to_numpy(),
                                                         weight=1.0)
    c = frame.loc[p["control"].to_numpy()].assign(set_id=p["set_id"].to_numpy(),
                                                  weight=(1 / size).to_numpy())
    return pd.concat([t, c]).sort_values("set_id", kind="stable").reset_index(drop=True)


def attrition_table(steps: Sequence[tuple[str, pd.Series]],
                    labels: dict[int, str] | None = None) -> pd.DataFrame:
    """People remaining at each step, by group, from those submitted to those analysed.

    Parameters
    ----------
    steps : sequence of (str, Series)
        Step description and the 0/1 treatment flags of the people remaining after it.
    labels : dict, optional
        ``{0: comparison label, 1: treated label}`` for the column names' notes.

    Returns
    -------
    DataFrame
        ``step``, ``treated``, ``comparison``, ``treated_lost``, ``comparison_lost``,
        ``treated_pct_of_submitted``.
    """
    rows, prev = [], None
    first_t = None
    for name, flags in steps:
        f = flags.astype(int)
        n1, n0 = int((f == 1).sum()), int((f == 0).sum())
        first_t = n1 if first_t is None else first_t
        rows.append({
            "step": name, "treated": n1, "comparison": n0,
            "treated_lost": 0 if prev is None else prev[0] - n1,
            "comparison_lost": 0 if prev is None else prev[1] - n0,
            "treated_pct_of_submitted": 100 * n1 / first_t if first_t else np.nan,
        })
        prev = (n1, n0)
    return pd.DataFrame(rows)


def published_attrition(table: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """:func:`attrition_table` under the small-count rule (:mod:`analysis.disclosure`).

    Counts from 1 to ``min_cell - 1`` read ``"<min_cell"`` and the percentage of a row with a
    suppressed treated count is suppressed. The people left at each step are shown even when
    few are lost, so a small loss can be worked out from two shown totals: a flow of numbers
    kept at each step is what an evaluation must report (as the Justice Data Lab does), and
    the people lost at a step are a count of a processing rule, not of a characteristic. A
    loss beside a ``"<5"`` count of people left reads ``"suppressed"``: with the step before,
    it would give them back (:func:`analysis.disclosure.flow_losses`).
    """
    forced = flow_losses(table, {"treated": "treated_lost", "comparison": "comparison_lost"},
                         min_cell)
    return suppress_counts(table, ["treated", "comparison", "treated_lost", "comparison_lost"],
                           {"treated_pct_of_submitted": "treated"}, min_cell, forced=forced)
