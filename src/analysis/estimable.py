"""What the data cannot estimate, and why, in plain words.

A valid cohort can still be too small or too uniform for an estimate: nobody reoffended, too
few treated people, a covariate blank for everyone. The function that would make the estimate
raises :class:`NotEstimable` with what it is and the reason; the notebook's output sink
(:meth:`analysis.presentation.outputs.RunOutput.estimate`) shows the statement instead of a
traceback, records it under ``not_estimated`` in ``results.json``, and the notebook's Answer
repeats it. Reasons never state a count of people below the disclosure threshold.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["NotEstimable", "outcome_reason", "blank_columns_reason"]


class NotEstimable(Exception):
    """An estimate that these data cannot give.

    Parameters
    ----------
    what : str
        The estimate, as the start of a sentence: ``"The Cox model"``.
    reason : str
        Why, in plain words and without a final full stop: ``"nobody reoffended"``.
    """

    def __init__(self, what: str, reason: str) -> None:
        self.what, self.reason = what, reason
        super().__init__(self.statement)

    @property
    def statement(self) -> str:
        """``"<what> could not be estimated: <reason>."``"""
        return f"{self.what} could not be estimated: {self.reason}."


def outcome_reason(events: int, people: int, noun: str = "reoffended") -> str | None:
    """Why an outcome that never (or always) happens cannot be modelled, else None.

    Parameters
    ----------
    events : int
        People with the outcome.
    people : int
        People analysed.
    noun : str
        The outcome as a verb in the past tense (``"reoffended"``).
    """
    if people == 0:
        return "nobody is left to analyse"
    if events == 0:
        return f"nobody {noun}"
    if events == people:
        return f"everybody {noun}"
    return None


def blank_columns_reason(columns: Sequence[str]) -> str:
    """The reason a model cannot use covariates that are blank for everyone."""
    names = ", ".join(columns)
    verb = "is" if len(columns) == 1 else "are"
    return (f"{names} {verb} blank for everyone, so nobody has every covariate recorded "
            "(remove them from data.covariates)")
