"""What a model needs from its sample before it can be estimated: people, and outcomes that vary.

Each check raises :class:`~analysis.estimable.NotEstimable` with the reason in plain words
("nobody reoffended"), and :func:`fitting` turns a fit that fails numerically on such data
(no convergence, a singular matrix) into the same plain statement instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
from lifelines.exceptions import ConvergenceError

from analysis.disclosure import policy
from analysis.estimable import NotEstimable, outcome_reason

__all__ = ["require_people", "require_events", "require_outcome_varies", "require_groups",
           "fitting", "NOT_CONVERGED"]

#: Why a fit that fails numerically on a valid sample could not be estimated.
NOT_CONVERGED = ("the model did not converge (too few people with the outcome for the number of "
                 "covariates, or a covariate that separates them)")


def require_people(frame: pd.DataFrame, what: str) -> None:
    """Raise :class:`NotEstimable` when ``frame`` has nobody (every covariate recorded)."""
    if len(frame) == 0:
        raise NotEstimable(what, "nobody has every covariate and outcome recorded")


def require_events(frame: pd.DataFrame, what: str, event_col: str = "event",
                   noun: str = "reoffended") -> None:
    """Raise :class:`NotEstimable` when ``frame`` is empty or nobody in it has the event.

    Enough for time-to-event models: everybody having the event is fine for them.
    """
    require_people(frame, what)
    if not pd.to_numeric(frame[event_col], errors="coerce").gt(0).any():
        raise NotEstimable(what, f"nobody {noun}")


def require_outcome_varies(frame: pd.DataFrame, outcome: str, what: str,
                           noun: str = "reoffended") -> None:
    """Raise :class:`NotEstimable` when a 0/1 outcome is 0 for everybody or 1 for everybody."""
    require_people(frame, what)
    values = pd.to_numeric(frame[outcome], errors="coerce")
    reason = outcome_reason(int(values.gt(0).sum()), int(values.notna().sum()), noun)
    if reason is not None:
        raise NotEstimable(what, reason)


def require_groups(frame: pd.DataFrame, group_col: str, what: str,
                   names: Mapping[Any, str] | None = None, min_people: int | None = None) -> None:
    """Raise :class:`NotEstimable` unless ``group_col`` has two groups or more, each of at least
    ``min_people`` people (default: the disclosure policy's ``min_cell``), so that a comparison
    never describes a handful of people.

    Parameters
    ----------
    frame : DataFrame
        The people compared.
    group_col : str
        Their group.
    what : str
        The comparison, for the statement.
    names : mapping, optional
        The groups in words (``{1: "the treated group"}``); default ``"<value>" group``.
    min_people : int, optional
        Fewest people a group needs.
    """
    least = policy().min_cell if min_people is None else min_people
    sizes = frame[group_col].value_counts()
    if len(sizes) < 2:
        raise NotEstimable(what, "everybody is in the same group")
    small = [(names or {}).get(g, f'the "{g}" group') for g, n in sizes.sort_index().items()
             if n < least]
    if small:
        raise NotEstimable(what, f"too few people in {' and '.join(small)} (fewer than {least})")


@contextmanager
def fitting(what: str) -> Iterator[None]:
    """Inside: a fit that fails to converge or meets a singular matrix raises
    :class:`NotEstimable` (:data:`NOT_CONVERGED`) instead."""
    try:
        yield
    except (ConvergenceError, np.linalg.LinAlgError):
        raise NotEstimable(what, NOT_CONVERGED) from None
