"""Rosenbaum bounds for the matched binary outcome against R (rbounds, pbinom) and hand sums."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.models.effects import sensitivity_bounds as sb

#: R 4 ``rbounds::binarysens(12, 110, Gamma=6, GammaInc=0.5)$bounds[["Upper bound"]]``
#: (Rosenbaum's example of Hammond's smokers, *Observational Studies* p. 112), rounded to 5
#: decimals by rbounds: ``1 - pbinom(110, 122, g / (1 + g))``.
RBOUNDS_SMOKING = {1.0: 0.0, 2.0: 0.0, 3.0: 0.00001, 3.5: 0.00010, 4.0: 0.00080, 4.5: 0.00364,
                   5.0: 0.01154, 5.5: 0.02811, 6.0: 0.05638}
#: R ``pbinom(109, 122, g / (1 + g), lower.tail = FALSE)``: P(T >= 110) (digits = 15).
R_SMOKING = {1.0: 2.73365789304066e-21, 2.0: 1.32058308975892e-09, 3.0: 2.03003920663733e-05,
             4.0: 1.96334447040237e-03, 4.5: 8.03439577740957e-03, 5.0: 2.31685638425403e-02,
             5.5: 5.19695790401515e-02, 6.0: 9.69287747942495e-02}
#: R: ``exp(uniroot(function(lg) pbinom(109, 122, plogis(lg), lower.tail = FALSE) - 0.05,
#: c(0, log(1000)), tol = 1e-14)$root)``.
R_SMOKING_CRITICAL = 5.47284750218008
#: A made-up study, 30 of 44 discordant pairs favouring the treated: R
#: ``rbounds::binarysens(14, 30, Gamma=1.5, GammaInc=0.25)`` upper bounds, and P(T >= 30).
RBOUNDS_MADE_UP = {1.0: 0.00478, 1.25: 0.03144, 1.5: 0.10211}
R_MADE_UP = {1.0: 0.0113144206029574, 1.25: 0.0610748760461177, 1.5: 0.1703277486303911,
             1.75: 0.3234604711717893, 2.0: 0.4859366654846551}
R_MADE_UP_CRITICAL = 1.21275257182937


def _pairs(favour: int, against: int, concordant: int = 3) -> tuple[pd.DataFrame, pd.Series]:
    """Matched pairs: ``favour`` where only the comparison reoffended, ``against`` where only
    the treated person did, and concordant pairs of each kind."""
    y_t = [0] * favour + [1] * against + [0] * concordant + [1] * concordant
    y_c = [1] * favour + [0] * against + [0] * concordant + [1] * concordant
    n = len(y_t)
    pairs = pd.DataFrame({"set_id": range(n), "treated": [f"t{i}" for i in range(n)],
                          "control": [f"c{i}" for i in range(n)]})
    outcome = pd.Series(y_t + y_c, index=list(pairs["treated"]) + list(pairs["control"]))
    return pairs, outcome


def test_discordant_pairs_and_direction() -> None:
    pairs, y = _pairs(110, 12)
    sets = sb.matched_sets(pairs, y)
    assert sets.direction == "less"
    assert (sets.informative, sets.statistic) == (122, 110)
    assert sets.kinds[["n", "m", "sets"]].values.tolist() == [[2, 1, 122]]
    assert sb.matched_sets(pairs, y, "greater").statistic == 12


@pytest.mark.parametrize("gamma", sorted(R_SMOKING))
def test_rosenbaum_smoking_example_matches_r(gamma: float) -> None:
    sets = sb.matched_sets(*_pairs(110, 12))
    assert sb.bound_p_value(sets, gamma) == pytest.approx(R_SMOKING[gamma], rel=1e-10)


@pytest.mark.parametrize(("favour", "against", "table"),
                         [(110, 12, RBOUNDS_SMOKING), (30, 14, RBOUNDS_MADE_UP)])
def test_rbounds_binarysens_is_the_bound_of_the_next_count(favour: int, against: int,
                                                           table: dict[float, float]) -> None:
    pairs, y = _pairs(favour, against)
    sets = sb.matched_sets(pairs, y)
    rbounds_convention = sb.MatchedSets(sets.kinds.assign(treated_with=favour + 1), "less")
    for gamma, expected in table.items():
        assert round(sb.bound_p_value(rbounds_convention, gamma), 5) == expected


def test_made_up_study_table_and_critical_gamma() -> None:
    sets = sb.matched_sets(*_pairs(30, 14))
    table = sb.rosenbaum_table(sets, tuple(R_MADE_UP))
    assert list(table.columns) == ["gamma", "p_upper_bound"]
    np.testing.assert_allclose(table["p_upper_bound"], list(R_MADE_UP.values()), rtol=1e-10)
    assert sb.critical_gamma(sets) == pytest.approx(R_MADE_UP_CRITICAL, rel=1e-8)
    assert sb.critical_gamma(sb.matched_sets(*_pairs(110, 12))) == pytest.approx(
        R_SMOKING_CRITICAL, rel=1e-8)


def test_matched_sets_of_different_sizes_by_hand() -> None:
    # set 0: treated did not reoffend, both comparisons did (n 3, m 1 not reoffending);
    # set 1: a discordant pair in favour; set 2: all three reoffended (uninformative)
    pairs = pd.DataFrame({"set_id": [0, 0, 1, 2, 2], "treated": ["a", "a", "b", "c", "c"],
                          "control": ["d", "e", "f", "g", "h"]})
    y = pd.Series({"a": 0, "b": 0, "c": 1, "d": 1, "e": 1, "f": 1, "g": 1, "h": 1})
    sets = sb.matched_sets(pairs, y)
    assert sets.kinds.values.tolist() == [[2, 1, 1, 1], [3, 1, 1, 1]]
    assert sets.expected == pytest.approx(1 / 2 + 1 / 3)
    # Gamma 1: (1/3)(1/2); Gamma 2: p+ = 2/(2+2) and 2/3, product 1/3
    assert sb.bound_p_value(sets, 1.0) == pytest.approx(1 / 6, rel=1e-12)
    assert sb.bound_p_value(sets, 2.0) == pytest.approx(1 / 3, rel=1e-12)


def test_not_significant_and_no_informative_sets() -> None:
    sets = sb.matched_sets(*_pairs(8, 6))
    assert math.isnan(sb.critical_gamma(sets))
    empty = sb.matched_sets(*_pairs(0, 0))
    assert empty.informative == 0 and sb.bound_p_value(empty, 2.0) == 1.0
    with pytest.raises(ValueError, match="gamma must be at least 1"):
        sb.bound_p_value(sets, 0.5)


def test_published_table_and_sentence() -> None:
    from analysis.presentation.sensitivity_text import rosenbaum_text

    sets = sb.matched_sets(*_pairs(30, 14))
    table = sb.rosenbaum_table(sets, (1.0, 1.5))
    assert sb.published_rosenbaum(sets, table).equals(table)
    text = rosenbaum_text(sets, sb.critical_gamma(sets), "reoffended")
    assert text == (
        "Matched sets whose members differ in `reoffended`: 44, in 30 of which the treated "
        "person is on the side of the finding (`reoffended` lower with the intervention). The "
        "result stays significant at 5% (one-sided) until an unmeasured covariate makes two "
        "matched people's odds of treatment differ by a factor **Gamma = 1.21** (a small bias "
        "would explain it away).")
    few = sb.matched_sets(*_pairs(9, 3))
    shown = sb.published_rosenbaum(few, sb.rosenbaum_table(few, (1.0,)))
    assert shown["p_upper_bound"].tolist() == ["suppressed"]
    assert rosenbaum_text(few, sb.critical_gamma(few), "reoffended").endswith(
        "in 9 of which the treated person is on the side of the finding (`reoffended` lower with "
        "the intervention). Too few differ to show the bounds without revealing a small count.")
    assert "not significant at 5% (one-sided) even without hidden bias" in rosenbaum_text(
        sb.matched_sets(*_pairs(8, 6)), float("nan"), "reoffended")
