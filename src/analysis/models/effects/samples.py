"""The analysis sample of the effect estimates: the outcomes the data hold and their kinds, the
people with every covariate and outcome recorded, and the reference levels of text covariates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.disclosure import count_text, policy
from analysis.estimable import NotEstimable, blank_columns_reason
from analysis.measures.cohort import complete_cases
from analysis.measures.missingness import effects_columns
from analysis.models.design import default_references
from analysis.models.effects.contrasts import OutcomeKind, outcome_kind

__all__ = ["EffectsSample", "prepare_sample", "EFFECTS"]

#: The effect estimates, as a statement of what could not be estimated names them.
EFFECTS = "The intervention's effects"


@dataclass
class EffectsSample:
    """The people the effects are estimated on (complete cases) and their outcomes.

    Attributes
    ----------
    frame : DataFrame
        The people with every covariate and outcome recorded.
    covariates : list of str
        The covariates.
    kinds : dict of str to str
        ``{outcome: kind}`` (:func:`analysis.models.effects.contrasts.outcome_kind`) of the
        outcomes the data hold, in the order asked for.
    references : dict
        Reference level of each text covariate (its most common level).
    dropped : int
        People left out for a missing covariate or outcome.
    treatment_col : str
        The 0/1 treatment column.
    """

    frame: pd.DataFrame
    covariates: list[str]
    kinds: dict[str, OutcomeKind]
    references: dict[str, Any]
    dropped: int
    treatment_col: str = "treated"

    @property
    def outcomes(self) -> list[str]:
        """The outcomes the data hold, in the order asked for."""
        return list(self.kinds)

    def first(self, kind: OutcomeKind) -> str | None:
        """The first outcome of ``kind``, or None when there is none."""
        return next((name for name, k in self.kinds.items() if k == kind), None)

    @property
    def binary(self) -> str | None:
        """The first 0/1 outcome (the headline one)."""
        return self.first("binary")

    @property
    def count(self) -> str | None:
        """The first count outcome (the frequency of reoffences)."""
        return self.first("count")

    @property
    def amount(self) -> str | None:
        """The first amount outcome (the cost of reoffences)."""
        return self.first("amount")

    @property
    def has_time(self) -> bool:
        """Whether the time to first reoffence (``time`` with ``event``) is an outcome."""
        return "time" in self.kinds

    @property
    def n_treated(self) -> int:
        """Treated people in the sample."""
        return int(self.frame[self.treatment_col].sum())

    @property
    def n_comparison(self) -> int:
        """Comparison people in the sample."""
        return int((self.frame[self.treatment_col] == 0).sum())


def prepare_sample(frame: pd.DataFrame, covariates: Sequence[str], outcomes: Sequence[str],
                   treatment_col: str = "treated", min_per_group: int = 10) -> EffectsSample:
    """The people and outcomes the effects are estimated on.

    The outcomes are those of ``outcomes`` that ``frame`` holds with at least one value; the
    people are those with every covariate and every such outcome recorded (with ``event`` when
    ``time`` is an outcome).

    Parameters
    ----------
    frame : DataFrame
        The cohort, with the treatment, covariate and outcome columns.
    covariates : sequence of str
        The covariates.
    outcomes : sequence of str
        The outcomes asked for (``effects.outcomes``).
    treatment_col : str
        The 0/1 treatment column.
    min_per_group : int
        Fewest treated and fewest comparison people an analysis needs.

    Returns
    -------
    EffectsSample

    Raises
    ------
    NotEstimable
        When a covariate is blank for everyone, no outcome is binary, either group has fewer
        than ``min_per_group`` people, or nobody has the binary outcome.
    """
    covariates = list(covariates)
    blank = [c for c in covariates if frame[c].isna().all()]
    if blank:
        raise NotEstimable(EFFECTS, blank_columns_reason(blank))
    present = [c for c in outcomes if c in frame and frame[c].notna().any()]
    kinds = {c: outcome_kind(c, frame[c]) for c in present}
    people, dropped = complete_cases(frame, effects_columns(frame, covariates, outcomes))
    sample = EffectsSample(people, covariates, kinds, default_references(people, covariates),
                           dropped, treatment_col)
    if sample.binary is None:
        raise NotEstimable(EFFECTS, f"no 0/1 outcome among effects.outcomes "
                                    f"({', '.join(outcomes)})")
    for n, group in ((sample.n_treated, "treated"), (sample.n_comparison, "comparison")):
        if n < min_per_group:
            raise NotEstimable(EFFECTS, f"too few {group} people with every covariate and "
                                        f"outcome recorded ({count_text(n, policy().min_cell)}; "
                                        f"at least {min_per_group} are needed)")
    if not sample.frame[sample.binary].gt(0).any():
        raise NotEstimable(EFFECTS, "nobody reoffended")
    return sample
