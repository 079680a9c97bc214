"""How amounts of money are written: in full for sentences and tables, compact for axis labels."""

from __future__ import annotations

import math

__all__ = ["gbp"]


def gbp(x: float, *, compact: bool = False) -> str:
    """Write an amount of money in pounds.

    In full: ``£1,234`` or ``-£1,234``. Compact, for axis labels that must not crowd: ``£950``,
    ``£12,500``, ``£250k``, ``£1.2m``, with a typographic minus (``−£250k``).

    Parameters
    ----------
    x : float
        The amount (GBP).
    compact : bool
        Write thousands from £100,000 as ``k`` and millions as ``m``.

    Returns
    -------
    str
        The amount; ``n/a`` when it is missing or infinite.
    """
    if not math.isfinite(x):
        return "n/a"
    if not compact:
        return f"-£{abs(x):,.0f}" if x < 0 else f"£{x:,.0f}"
    sign = "\u2212" if x < 0 else ""
    a = abs(x)
    if a >= 1e6:
        return f"{sign}£{a / 1e6:,.1f}m"
    if a >= 1e5:
        return f"{sign}£{a / 1e3:,.0f}k"
    return f"{sign}£{a:,.0f}"
