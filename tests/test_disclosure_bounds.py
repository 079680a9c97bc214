"""The range a reader's constraints allow a count, and which counts need their largest value."""

from __future__ import annotations

import math

from analysis.disclosure.bounds import Constraint, disclosed, lowest, may_disclose, solve

X, Y = ("cell", ("t", 0, "n")), ("cell", ("t", 1, "n"))
#: x + y = 7 with y at least 5: x is 0, 1 or 2.
SUM = [Constraint({X: 1.0, Y: 1.0}, 7.0, 7.0, "b", frozenset({"t"}))]


def test_smallest_and_largest_whole_values() -> None:
    bounds = {X: (0.0, math.inf), Y: (5.0, math.inf)}
    assert lowest([X, Y], SUM, bounds, X) == 0
    assert solve([X, Y], SUM, bounds, X) == (0, 2)
    assert solve([X, Y], SUM, bounds, Y) == (5, 7)


def test_only_a_smallest_value_from_1_to_4_may_disclose() -> None:
    assert [may_disclose(v, 5) for v in (0.0, 0.5, 1.0, 4.0, 4.2, 5.0, -math.inf)] == [
        False, True, True, True, False, False, False]
    small = {X: (1.0, 4.0), Y: (5.0, math.inf)}  # x shown as "<5"
    low = lowest([X, Y], SUM, small, X)
    assert low == 1 and may_disclose(low, 5)
    assert solve([X, Y], SUM, small, X) == (1, 2)
    assert not disclosed((1, 2), small_shown=True, min_cell=5)
    assert disclosed((1, 2), small_shown=False, min_cell=5)


def test_constraints_that_cannot_hold_give_none() -> None:
    bounds = {X: (0.0, math.inf), Y: (8.0, math.inf)}
    assert lowest([X, Y], SUM, bounds, X) is None
    assert solve([X, Y], SUM, bounds, X) is None
