"""The sentence that reads the Rosenbaum bounds of the matched binary outcome."""

from __future__ import annotations

import math

from analysis.disclosure import count_text
from analysis.models.effects.sensitivity_bounds import MatchedSets, small_counts

__all__ = ["rosenbaum_text"]


def rosenbaum_text(sets: MatchedSets, gamma: float, outcome: str, alpha: float = 0.05,
                   min_cell: int = 5) -> str:
    """One sentence: the Gamma at which the matched result stops being significant.

    Parameters
    ----------
    sets : MatchedSets
        The informative matched sets (:func:`~analysis.models.effects.sensitivity_bounds.matched_sets`).
    gamma : float
        :func:`~analysis.models.effects.sensitivity_bounds.critical_gamma` of ``sets``.
    outcome : str
        The outcome's name, e.g. ``reoffended``.
    alpha : float
        The one-sided significance level.
    min_cell : int
        Smallest count shown.

    Returns
    -------
    str
    """
    way = "lower" if sets.direction == "less" else "higher"
    base = (f"Matched sets whose members differ in `{outcome}`: "
            f"{count_text(sets.informative, min_cell)}, in "
            f"{count_text(sets.statistic, min_cell)} of which the treated person is on the side "
            f"of the finding (`{outcome}` {way} with the intervention). ")
    if small_counts(sets, min_cell):
        return base + "Too few differ to show the bounds without revealing a small count."
    level = f"{100 * alpha:g}%"
    if math.isnan(gamma):
        return base + (f"The matched result is not significant at {level} (one-sided) even "
                       "without hidden bias, so there is nothing for a bias to explain away.")
    if math.isinf(gamma):
        return base + f"The result stays significant at {level} for any Gamma up to 1,000."
    return base + (
        f"The result stays significant at {level} (one-sided) until an unmeasured covariate "
        f"makes two matched people's odds of treatment differ by a factor **Gamma = {gamma:.2f}**"
        f"{' (a small bias would explain it away)' if gamma < 1.5 else ''}.")
