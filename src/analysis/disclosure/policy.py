"""The disclosure policy of a run (threshold and rounding) and how a published cell reads.

:func:`set_policy` sets the run's policy once, from its parameters; :func:`policy` reads it. A
published cell shows a number or a mark (``"<5"``, ``"suppressed"``): :func:`is_shown`,
:func:`shows_number` and :func:`is_withheld` tell which.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["SUPPRESSED", "Policy", "policy", "set_policy", "is_shown", "shows_number",
           "is_withheld"]

SUPPRESSED = "suppressed"


@dataclass(frozen=True)
class Policy:
    """The disclosure policy of a run (see the module docstring).

    Attributes
    ----------
    min_cell : int
        Smallest count shown (``disclosure.min_cell``).
    rounding : int or None
        Base to which shown counts are rounded (``disclosure.rounding``, e.g. 5), or None.
    """

    min_cell: int = 5
    rounding: int | None = None


_POLICY = [Policy()]


def policy() -> Policy:
    """The disclosure policy in force (set by :func:`set_policy`; the defaults otherwise)."""
    return _POLICY[0]


def set_policy(min_cell: int = 5, rounding: int | None = None) -> Policy:
    """Set the disclosure policy of the run in this process and return it.

    Called once per notebook, from the run's parameters, by :func:`analysis.running.session.start`.
    """
    _POLICY[0] = Policy(min_cell, rounding)
    return _POLICY[0]


def is_withheld(published: pd.Series) -> pd.Series:
    """True where a published column reads a suppression mark (``"<5"`` or ``"suppressed"``)."""
    text = published.map(lambda v: v if isinstance(v, str) else "").astype(str)
    return text.eq(SUPPRESSED) | text.str.startswith("<")


def is_shown(published: pd.Series) -> pd.Series:
    """True where a published column shows a number (not ``"<5"`` or ``"suppressed"``)."""
    return pd.to_numeric(published, errors="coerce").notna()


def shows_number(value: object) -> bool:
    """True where one published cell shows a number (not ``"<5"``, ``"suppressed"`` or blank)."""
    return isinstance(value, int | float | np.integer | np.floating) and not pd.isna(value)
