"""The smallest and largest whole values a reader's linear constraints allow a count.

A :class:`Constraint` is ``lo <= sum(coefficient * count) <= hi`` over unknown counts, tagged
with the attack it comes from and the tables it uses. :func:`solve` finds a count's range by
integer programming (:func:`scipy.optimize.milp`), :func:`disclosed` says whether that range
gives away a count of 1 to ``min_cell - 1`` (:func:`lowest` and :func:`may_disclose` tell
first, from the smallest value alone, the counts that cannot be given away, whose largest
value need not be found), and :func:`components` splits the constraints into independent
problems.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

__all__ = ["Constraint", "Var", "components", "disclosed", "lowest", "may_disclose", "solve"]

#: An unknown count: a hidden cell (``("cell", cell)``) or a count a sum implies (``("rest", ...)``).
Var = tuple


@dataclass
class Constraint:
    """``lo <= sum(coeffs[v] * v) <= hi``, from ``attack``, using cells of ``tables``."""

    coeffs: dict[Var, float]
    lo: float
    hi: float
    attack: str
    tables: frozenset[str]


def _extreme(variables: list[Var], constraints: list[Constraint], bounds: Mapping[Var, tuple],
             target: Var, sign: float) -> float | None:
    """Smallest (``sign`` 1) or largest (``sign`` -1) whole value of ``target`` (infinite when
    the solver finds no optimum); None if the constraints cannot hold."""
    index = {v: k for k, v in enumerate(variables)}
    a = np.zeros((len(constraints), len(variables)))
    for r, con in enumerate(constraints):
        for v, coef in con.coeffs.items():
            a[r, index[v]] = coef
    lb = np.array([c.lo for c in constraints])
    ub = np.array([c.hi for c in constraints])
    box = Bounds([bounds[v][0] for v in variables], [bounds[v][1] for v in variables])
    c = np.zeros(len(variables))
    c[index[target]] = sign
    res = milp(c, constraints=LinearConstraint(a, lb, ub), integrality=np.ones(len(variables)),
               bounds=box)
    if res.status == 2:
        return None
    return sign * res.fun if res.status == 0 else -sign * math.inf


def lowest(variables: list[Var], constraints: list[Constraint], bounds: Mapping[Var, tuple],
           target: Var) -> float | None:
    """Smallest whole value of ``target``; None if the constraints cannot hold."""
    return _extreme(variables, constraints, bounds, target, 1.0)


def solve(variables: list[Var], constraints: list[Constraint], bounds: Mapping[Var, tuple],
          target: Var) -> tuple[float, float] | None:
    """Smallest and largest whole value of ``target``; None if the constraints cannot hold."""
    low = lowest(variables, constraints, bounds, target)
    high = None if low is None else _extreme(variables, constraints, bounds, target, -1.0)
    return None if low is None or high is None else (low, high)


def may_disclose(low: float, min_cell: int) -> bool:
    """Whether a count whose smallest value is ``low`` can be given away (:func:`disclosed`):
    only if that value is a whole number from 1 to ``min_cell - 1``, whatever its largest."""
    return not math.isinf(low) and 1 <= math.ceil(low - 1e-6) < min_cell


def disclosed(span: tuple[float, float] | None, small_shown: bool, min_cell: int) -> bool:
    """Whether a count's range gives it away: one whole number from 1 to ``min_cell - 1``, or
    (for a count not already shown as ``"<5"``) a range inside 1 to ``min_cell - 1``."""
    if span is None or math.isinf(span[0]) or math.isinf(span[1]):
        return False
    lo, hi = math.ceil(span[0] - 1e-6), math.floor(span[1] + 1e-6)
    if lo == hi:
        return 1 <= lo < min_cell
    return not small_shown and 1 <= lo and hi < min_cell


def components(constraints: list[Constraint]) -> list[tuple[list[Var], list[Constraint]]]:
    """The constraints in groups that share no unknown, each with its unknowns."""
    parent: dict[Var, Var] = {}

    def find(v: Var) -> Var:
        while parent.setdefault(v, v) != v:
            v = parent[v]
        return v

    for con in constraints:
        vs = list(con.coeffs)
        for v in vs[1:]:
            parent[find(v)] = find(vs[0])
        find(vs[0])
    groups: dict[Var, list[Constraint]] = defaultdict(list)
    for con in constraints:
        groups[find(next(iter(con.coeffs)))].append(con)
    return [(sorted({v for c in cons for v in c.coeffs}, key=repr), cons)
            for cons in groups.values()]
