"""Rosenbaum bounds for the matched binary outcome: how strong a hidden bias would overturn it.

Method
------
In each matched set (one treated person and ``k`` comparisons, from
:func:`analysis.models.effects.matching.match`) let ``n`` be the people in the set and ``m``
those with the outcome counted (by default *not* reoffending when the treated group reoffends
less, so the statistic counts sets in the direction of the finding). A set with ``m = 0`` or
``m = n`` says nothing and is left out. Without hidden bias the treated person is any of the
``n`` with equal chance, so the statistic ``T`` (the informative sets whose treated person has
the outcome counted) is a sum of independent Bernoulli(``m / n``) terms: for pairs it is the
exact McNemar (sign) test of the discordant pairs.

Rosenbaum's sensitivity model lets two people of the same set differ in their odds of
treatment by up to a factor ``Gamma`` because of an unmeasured covariate. Whatever that
covariate is, the chance that the treated person is one of the ``m`` is at most
``p+ = Gamma m / (Gamma m + n - m)`` (Rosenbaum 2002, *Observational Studies*, 2nd ed.,
sections 4.3-4.4), so the upper bound of the one-sided p-value is ``P(T >= t)`` for ``T`` the
sum of independent Bernoulli(``p+``): exactly the binomial tail
``P(Binomial(D, Gamma / (1 + Gamma)) >= t)`` for ``D`` discordant pairs. Sets of the same
``(m, n)`` form one binomial; their distributions are convolved, so the bound is exact (no
normal approximation) and costs O(sets x kinds of set).

The bound assumes the matched sets are disjoint, as matching without replacement makes them;
with replacement a comparison may sit in several sets and the bound treats the sets as if
they were independent.

R's ``rbounds::binarysens(x, y)`` reports ``1 - pbinom(D, D + d, Gamma / (1 + Gamma))`` for
``D = max(x, y)``, that is ``P(T > D)``, the bound of the next larger count; this module's
``P(T >= t)`` is Rosenbaum's definition (the two agree at ``t = D + 1``, as the tests check).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats

from analysis.disclosure import SUPPRESSED

__all__ = [
    "MatchedSets",
    "matched_sets",
    "bound_p_value",
    "rosenbaum_table",
    "critical_gamma",
    "published_rosenbaum",
    "small_counts",
    "DEFAULT_GAMMAS",
]

Direction = Literal["less", "greater"]

#: Gammas of the published table.
DEFAULT_GAMMAS = (1.0, 1.1, 1.2, 1.3, 1.5, 1.75, 2.0, 2.5, 3.0)
#: Largest Gamma searched by :func:`critical_gamma`.
MAX_GAMMA = 1000.0


@dataclass(frozen=True)
class MatchedSets:
    """The informative matched sets of a binary outcome, by kind of set.

    Attributes
    ----------
    kinds : DataFrame
        One row per kind of informative set: ``n`` (people in the set), ``m`` (people with
        the outcome counted), ``sets`` (how many such sets) and ``treated_with`` (of those
        sets, how many have the treated person among the ``m``).
    direction : {"less", "greater"}
        ``"less"``: the outcome counted is the outcome *not* happening (the test is of
        treatment lowering it); ``"greater"``: the outcome happening.
    """

    kinds: pd.DataFrame
    direction: Direction

    @property
    def informative(self) -> int:
        """Informative sets (for pairs: the discordant pairs)."""
        return int(self.kinds["sets"].sum())

    @property
    def statistic(self) -> int:
        """Informative sets whose treated person has the outcome counted."""
        return int(self.kinds["treated_with"].sum())

    @property
    def expected(self) -> float:
        """The statistic's mean without hidden bias (Gamma = 1)."""
        k = self.kinds
        return float((k["sets"] * k["m"] / k["n"]).sum())


def matched_sets(pairs: pd.DataFrame, outcome: pd.Series,
                 direction: Direction | Literal["auto"] = "auto") -> MatchedSets:
    """Count the informative matched sets of a 0/1 outcome.

    Parameters
    ----------
    pairs : DataFrame
        ``MatchResult.pairs``: ``set_id``, ``treated`` and ``control`` (index labels).
    outcome : Series
        0/1 outcome indexed by the same labels (e.g. reoffended within the follow-up).
    direction : {"auto", "less", "greater"}
        The alternative: treatment lowers (``"less"``) or raises (``"greater"``) the outcome;
        ``"auto"`` takes the direction the matched sets point to (treated outcomes below
        their mean without hidden bias: ``"less"``).

    Returns
    -------
    MatchedSets
    """
    y = outcome.astype(int)
    if not set(np.unique(y.to_numpy())) <= {0, 1}:
        raise ValueError("the outcome must be 0 or 1")
    sets = pairs.groupby("set_id", sort=True)
    n = (sets["control"].size() + 1).to_numpy()
    y_t = y.loc[sets["treated"].first().to_numpy()].to_numpy()
    y_c = pd.Series(y.loc[pairs["control"].to_numpy()].to_numpy(), index=pairs["set_id"].to_numpy())
    ones = y_c.groupby(level=0, sort=True).sum().to_numpy() + y_t
    if direction == "auto":
        keep = (ones > 0) & (ones < n)
        direction = "less" if (y_t[keep]).sum() < (ones[keep] / n[keep]).sum() else "greater"
    m, hit = (n - ones, 1 - y_t) if direction == "less" else (ones, y_t)
    keep = (m > 0) & (m < n)
    frame = pd.DataFrame({"n": n[keep], "m": m[keep], "treated_with": hit[keep]})
    kinds = (frame.groupby(["n", "m"], as_index=False)
             .agg(sets=("treated_with", "size"), treated_with=("treated_with", "sum")))
    kinds = kinds.astype({"n": np.int64, "m": np.int64, "sets": np.int64,
                          "treated_with": np.int64})
    return MatchedSets(kinds[["n", "m", "sets", "treated_with"]], direction)


def _upper_pmf(kinds: pd.DataFrame, gamma: float) -> np.ndarray:
    """Distribution of the statistic when each set's chance is its upper bound ``p+``."""
    pmf = np.ones(1)
    for n, m, count in kinds[["n", "m", "sets"]].itertuples(index=False):
        p = gamma * m / (gamma * m + n - m)
        pmf = np.convolve(pmf, stats.binom.pmf(np.arange(count + 1), count, p))
    return pmf


def bound_p_value(sets: MatchedSets, gamma: float) -> float:
    """Upper bound of the one-sided p-value when hidden bias is at most ``gamma``.

    Parameters
    ----------
    sets : MatchedSets
        From :func:`matched_sets`.
    gamma : float
        Largest odds ratio of treatment between two people of a set (1 = no hidden bias).

    Returns
    -------
    float
        ``P(T >= t)`` with ``T`` the sum of the sets' upper-bound Bernoulli terms; 1 when no
        set is informative.
    """
    if gamma < 1:
        raise ValueError("gamma must be at least 1")
    if sets.informative == 0:
        return 1.0
    k = sets.kinds
    if len(k) == 1:
        n, m, count = (int(k[c].iloc[0]) for c in ("n", "m", "sets"))
        p = gamma * m / (gamma * m + n - m)
        return float(stats.binom.sf(sets.statistic - 1, count, p))
    pmf = _upper_pmf(k, gamma)
    return float(min(1.0, pmf[sets.statistic:].sum()))


def rosenbaum_table(sets: MatchedSets, gammas: tuple[float, ...] = DEFAULT_GAMMAS) -> pd.DataFrame:
    """The upper bound of the one-sided p-value at each Gamma.

    Returns
    -------
    DataFrame
        ``gamma`` and ``p_upper_bound``.
    """
    return pd.DataFrame({"gamma": [float(g) for g in gammas],
                         "p_upper_bound": [bound_p_value(sets, g) for g in gammas]})


def critical_gamma(sets: MatchedSets, alpha: float = 0.05) -> float:
    """The Gamma at which the upper bound of the p-value reaches ``alpha``.

    Returns
    -------
    float
        ``nan`` when the result is not significant even without hidden bias (Gamma = 1);
        ``inf`` when it stays significant beyond :data:`MAX_GAMMA`.
    """
    if bound_p_value(sets, 1.0) >= alpha:
        return float("nan")
    if bound_p_value(sets, MAX_GAMMA) < alpha:
        return float("inf")
    root = optimize.brentq(lambda lg: bound_p_value(sets, float(np.exp(lg))) - alpha,
                           0.0, float(np.log(MAX_GAMMA)), xtol=1e-10)
    return float(np.exp(root))


def small_counts(sets: MatchedSets, min_cell: int = 5) -> bool:
    """Whether the informative sets, those counted or those not counted hold 1 to
    ``min_cell - 1``: the p-values of so few sets would give the counts back."""
    counts = (sets.informative, sets.statistic, sets.informative - sets.statistic)
    return any(0 < c < min_cell for c in counts)


def published_rosenbaum(sets: MatchedSets, table: pd.DataFrame, min_cell: int = 5
                        ) -> pd.DataFrame:
    """:func:`rosenbaum_table` under the small-count rule (:mod:`analysis.disclosure`).

    The table shows no count, but an exact p-value of a handful of matched sets says how many
    there were: when :func:`small_counts` holds, every p-value reads ``"suppressed"``.
    """
    if not small_counts(sets, min_cell):
        return table.copy()
    return table.assign(p_upper_bound=SUPPRESSED)
