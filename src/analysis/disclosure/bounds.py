"""The smallest and largest whole values a reader's linear constraints allow a count.

A :class:`Constraint` is ``lo <= sum(coefficient * count) <= hi`` over unknown counts, tagged
with the attack it comes from and the tables it uses. :func:`solve` finds a count's range by
integer programming (:func:`scipy.optimize.milp`), :func:`disclosed` says whether that range
gives away a count of 1 to ``min_cell - 1``, and :func:`components` splits the constraints into
independent problems.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

__all__ = ["Constraint", "Var", "components", "disclosed", "solve"]

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


def solve(variables: list[Var], constraints: list[Constraint], bounds: Mapping[Var, tuple],
          target: Var) -> tuple[float, float] | None:
    """Smallest and largest whole value of ``target``; None if the constraints cannot hold."""
    index = {v: k for k, v in enumerate(variables)}
    a = np.zeros((len(constraints), len(variables)))
    for r, con in enumerate(constraints):
        for v, coef in con.coeffs.items():
            a[r, index[v]] = coef
    lb = np.array([c.lo for c in constraints])
    ub = np.array([c.hi for c in constraints])
    box = Bounds([bounds[v][0] for v in variables], [bounds[v][1] for v in variables])
    out = []
    for sign in (1.0, -1.0):
        c = np.zeros(len(variables))
        c[index[target]] = sign
        res = milp(c, constraints=LinearConstraint(a, lb, ub), integrality=np.ones(len(variables)),
                   bounds=box)
        if res.status == 2:
            return None
        out.append(sign * res.fun if res.status == 0 else -sign * math.inf)
    return out[0], out[1]


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
