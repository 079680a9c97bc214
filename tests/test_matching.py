"""Tests of nearest-neighbour matching (:mod:`analysis.models.effects.matching`): hand-worked examples with
ties and the caliper, a brute-force reference, and scaling without an all-pairs matrix."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from analysis.models.effects import match_clusters
from analysis.models.effects import matching as mt

# Hand example. Logit scores (exact in binary floating point so that ties are exact ties):
#   treated   t1 = 1.0, t2 = 1.5, t3 = 4.0
#   comparison (data order) c1 = 1.75, c2 = 1.25, c3 = 0.0, c4 = 1.25
# Pooled SD: treated variance = ((-7/6)^2 + (-2/3)^2 + (11/6)^2) / 2 = 31/12 = 2.583333;
#   comparison variance = (0.6875^2 + 0.1875^2 + 1.0625^2 + 0.1875^2) / 3 = 0.557292;
#   pooled SD = sqrt((2.583333 + 0.557292) / 2) = 1.253121, so a 0.2 SD caliper = 0.250624.
# Greedy, largest score first, without replacement:
#   t3 (4.0): nearest c1 at 2.25 > caliper -> unmatched.
#   t2 (1.5): c1, c2 and c4 all at 0.25 (a three-way tie) -> c1, the earliest in the data.
#   t1 (1.0): c2 and c4 at 0.25 (tie) -> c2.
HAND = pd.DataFrame({
    "logit": [1.0, 1.5, 4.0, 1.75, 1.25, 0.0, 1.25],
    "treated": [1, 1, 1, 0, 0, 0, 0],
    "sex": ["F", "M", "M", "F", "M", "M", "M"],
}, index=["t1", "t2", "t3", "c1", "c2", "c3", "c4"])
CALIPER = 0.2 * np.sqrt((31 / 12 + 1.671875 / 3) / 2)


def pairs(result: mt.MatchResult) -> list[tuple[str, str]]:
    return list(zip(result.pairs["treated"], result.pairs["control"], strict=True))


def test_caliper_width_is_pooled_sd() -> None:
    assert mt.caliper_width(HAND["logit"], HAND["treated"]) == pytest.approx(0.250624, abs=1e-6)
    assert mt.caliper_width(HAND["logit"], HAND["treated"]) == pytest.approx(CALIPER)


def test_hand_example_without_replacement_ties_and_caliper() -> None:
    r = mt.match(HAND["logit"], HAND["treated"], caliper_sd=0.2)
    assert pairs(r) == [("t2", "c1"), ("t1", "c2")]
    assert r.pairs["distance"].tolist() == [0.25, 0.25]
    assert r.pairs["set_id"].tolist() == [0, 1]
    assert r.weights.to_dict() == {"t1": 1, "t2": 1, "t3": 0, "c1": 1, "c2": 1, "c3": 0, "c4": 0}
    assert (r.n_treated, r.n_controls) == (2, 2)


def test_caliper_just_too_narrow_matches_no_one() -> None:
    # 0.19 SD = 0.2381 < 0.25: every candidate pair lies outside the caliper.
    r = mt.match(HAND["logit"], HAND["treated"], caliper_sd=0.19)
    assert r.pairs.empty and r.weights.sum() == 0


def test_no_caliper_matches_everyone() -> None:
    r = mt.match(HAND["logit"], HAND["treated"], caliper_sd=None)
    # t3 now takes c1 (nearest, 2.25); t2 then ties c2/c4 at 0.25 -> c2; t1 takes c4 (0.25).
    assert pairs(r) == [("t3", "c1"), ("t2", "c2"), ("t1", "c4")]


def test_order_data_processes_treated_in_row_order() -> None:
    r = mt.match(HAND["logit"], HAND["treated"], order="data")
    # t1 first: c2 and c4 tie at 0.25 -> c2; then t2: c1 and c4 tie -> c1.
    assert pairs(r) == [("t1", "c2"), ("t2", "c1")]


def test_two_to_one_without_replacement_goes_in_rounds() -> None:
    r = mt.match(HAND["logit"], HAND["treated"], ratio=2)
    # Round 1 as above; round 2: t2 takes c4 (0.25); t1 finds only c3 (1.0 > caliper).
    assert pairs(r) == [("t2", "c1"), ("t2", "c4"), ("t1", "c2")]
    assert r.pairs["round"].tolist() == [1, 2, 1]
    w = r.weights
    assert (w["c1"], w["c4"], w["c2"], w["c3"]) == (0.5, 0.5, 1.0, 0.0)


def test_two_to_one_with_replacement_reuses_comparisons() -> None:
    r = mt.match(HAND["logit"], HAND["treated"], ratio=2, replacement=True)
    # t2: c1, c2, c4 tie at 0.25 -> the two earliest, c1 and c2; t1: c2 and c4 (both 0.25).
    assert pairs(r) == [("t2", "c1"), ("t2", "c2"), ("t1", "c2"), ("t1", "c4")]
    w = r.weights
    assert (w["c1"], w["c2"], w["c4"]) == (0.5, 1.0, 0.5)
    assert match_clusters(r, HAND.index) is None


def test_exact_matching_within_sex() -> None:
    r = mt.match(HAND["logit"], HAND["treated"], exact=HAND["sex"])
    # t2 (M): c2 and c4 (M) tie -> c2; t1 (F): only c1 (F) at 0.75 > caliper; t3 (M): none.
    assert pairs(r) == [("t2", "c2")]


def test_matched_sample_and_clusters() -> None:
    r = mt.match(HAND["logit"], HAND["treated"], ratio=2)
    ms = mt.matched_sample(HAND, r)
    assert ms.index.size == 5
    assert ms.groupby("set_id")["weight"].sum().tolist() == [2.0, 2.0]
    cl = match_clusters(r, HAND.index)
    assert cl.to_dict() == {"t1": 1, "t2": 0, "t3": -1, "c1": 0, "c2": 1, "c3": -1, "c4": 0}


def _brute_force(x: np.ndarray, t: np.ndarray, caliper: float) -> list[tuple[int, int]]:
    """Greedy 1:1 matching by scanning all comparisons (largest treated first, ties by row)."""
    avail = set(np.flatnonzero(t == 0))
    treated = sorted(np.flatnonzero(t == 1), key=lambda i: (-x[i], i))
    out = []
    for i in treated:
        if not avail:
            break
        j = min(avail, key=lambda c: (abs(x[c] - x[i]), c))
        if abs(x[j] - x[i]) <= caliper:
            out.append((i, j))
            avail.remove(j)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_agrees_with_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 400
    t = (rng.random(n) < 0.3).astype(int)
    # rounded scores give many exact ties
    x = np.round(rng.normal(0.5 * t, 1.0), 1)
    s = pd.Series(x)
    r = mt.match(s, pd.Series(t), caliper_sd=0.2)
    expected = _brute_force(x, t, r.caliper)
    assert pairs(r) == expected


def test_scales_without_all_pairs_matrix() -> None:
    rng = np.random.default_rng(7)
    n0, n1 = 200_000, 20_000
    x = np.concatenate([rng.normal(0, 1, n1) + 0.3, rng.normal(0, 1, n0)])
    t = np.r_[np.ones(n1, int), np.zeros(n0, int)]
    start = time.perf_counter()
    r = mt.match(pd.Series(x), pd.Series(t), caliper_sd=0.2)
    elapsed = time.perf_counter() - start
    # an all-pairs float matrix would need 20,000 x 200,000 x 8 bytes = 32 GB
    assert r.n_treated > 0.95 * n1
    assert elapsed < 30
    r2 = mt.match(pd.Series(x[:50_000]), pd.Series(t[:50_000]), ratio=3, replacement=True)
    assert r2.n_treated > 0


def test_attrition_table() -> None:
    steps = [("submitted", pd.Series([1, 1, 1, 0, 0, 0, 0])),
             ("matched", pd.Series([1, 1, 0, 0])),
             ("analysed", pd.Series([1, 0]))]
    a = mt.attrition_table(steps)
    assert a["treated"].tolist() == [3, 2, 1]
    assert a["comparison"].tolist() == [4, 2, 1]
    assert a["treated_lost"].tolist() == [0, 1, 1]
    assert a["comparison_lost"].tolist() == [0, 2, 1]
    assert a["treated_pct_of_submitted"].iloc[-1] == pytest.approx(100 / 3)
