"""The sentences that set an estimate on complete cases beside the same estimate with the
missing covariate values multiply imputed.
"""

from __future__ import annotations

import pandas as pd

from analysis.disclosure import count_text

__all__ = ["imputation_sentence", "complete_case_note"]


def imputation_sentence(table: pd.DataFrame, key: str, row: str, what: str,
                        estimate: str = "estimate", low: str = "ci_low",
                        high: str = "ci_high", digits: int = 3) -> str:
    """One sentence comparing the complete-case and the imputed estimate of one row.

    Parameters
    ----------
    table : DataFrame
        A table of :func:`analysis.models.effects.imputed.complete_and_imputed` or
        :func:`analysis.models.survival.imputed.cox_complete_and_imputed` (the complete-case
        row of each ``key`` first, then the imputed one).
    key, row : str
        The column naming the rows (``"measure"``, ``"covariate"``) and the row to compare.
    what : str
        The quantity's name in the sentence, e.g. ``"The hazard ratio of IOM"``.
    estimate, low, high : str
        Columns of the estimate and its interval.
    digits : int
        Decimals shown.

    Returns
    -------
    str
        E.g. ``"The hazard ratio of IOM: 0.771 (95% CI 0.612 to 0.971) on complete cases
        (2,845 people); 0.790 (0.640 to 0.975) with multiple imputation (20 imputations, 3,577
        people; fraction of missing information 0.05)."``
    """
    cc, mi = (r for _, r in table[table[key] == row].iterrows())
    f = f"{{:.{digits}f}}"
    return (f"{what}: {f.format(cc[estimate])} (95% CI {f.format(cc[low])} to "
            f"{f.format(cc[high])}) on complete cases ({int(cc['n']):,} people); "
            f"{f.format(mi[estimate])} ({f.format(mi[low])} to {f.format(mi[high])}) with "
            f"{mi['method'][0].lower()}{mi['method'][1:-1]}, {int(mi['n']):,} people; fraction "
            f"of missing information {mi['fmi']:.2f}).")


def complete_case_note(dropped: int, min_cell: int) -> str:
    """The note shown when only complete cases are analysed (``models.missing: complete_case``)."""
    return (f"_Complete cases only ({count_text(dropped, min_cell)} people left out for a missing "
            "value; see the data-quality table of notebook 01). Set `models.missing: mice` to add "
            "the estimates with the missing covariate values multiply imputed._")
