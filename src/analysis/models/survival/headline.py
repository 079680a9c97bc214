"""The headline numbers of a survival analysis, as ``results.json`` records them.

What could not be estimated (a test or model that raised
:class:`~analysis.estimable.NotEstimable`, passed here as None) is recorded as None, and counts
of people below the disclosure threshold as ``"<5"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from analysis.disclosure import shown_count
from analysis.models.survival.cox import CoxResult

__all__ = ["headline_numbers"]


def _first(table: pd.DataFrame | None, column: str) -> Any:
    return None if table is None else table[column].iloc[0]


def _cox_numbers(cox: CoxResult | None, min_cell: int) -> dict[str, Any]:
    if cox is None:
        return dict(cox_treated_hr=None, cox_treated_hr_ci=None, cox_people=None,
                    cox_events=None)
    hr = cox.summary.set_index("covariate").loc["treated"]
    return dict(cox_treated_hr=hr["hazard_ratio"],
                cox_treated_hr_ci=[hr["hr_ci_low"], hr["hr_ci_high"]],
                cox_people=shown_count(cox.n, min_cell),
                cox_events=shown_count(cox.events, min_cell))


def _ph_numbers(ph: pd.DataFrame | None) -> dict[str, Any]:
    if ph is None:
        return dict(ph_global_p=None, ph_failing=None)
    return dict(
        ph_global_p=float(ph.loc[ph["covariate"] == "GLOBAL", "p_value"].iloc[0]),
        ph_failing=ph.loc[ph["fails"] & (ph["covariate"] != "GLOBAL"), "covariate"].tolist())


def headline_numbers(frame: pd.DataFrame, time_unit: str, at_follow_up: Mapping[str, Any],
                     logrank: pd.DataFrame | None, cox: CoxResult | None,
                     ph: pd.DataFrame | None, aft: pd.DataFrame | None,
                     rmst_difference: pd.DataFrame | None,
                     time_varying: pd.DataFrame | None, min_cell: int = 5) -> dict[str, Any]:
    """The numbers ``02_survival`` records.

    Parameters
    ----------
    frame : DataFrame
        The cohort (``event``).
    time_unit : str
        Unit of the time scale.
    at_follow_up : mapping
        ``{group: published cumulative percentage reoffended}`` at the end of follow-up.
    logrank, ph, aft, rmst_difference : DataFrame or None
        The log-rank tests, proportional-hazards tests, AFT comparison (best first) and RMST
        difference; None where not estimated.
    cox : CoxResult or None
        The Cox model.
    time_varying : DataFrame or None
        Hazard ratios by covariate (index) with columns ``time-varying`` and
        ``naive ever gained``.
    min_cell : int
        Smallest count shown.

    Returns
    -------
    dict
        ``people``, ``events``, ``time_unit``, ``cumulative_reoffended_pct_at_follow_up``,
        ``logrank_p``, the Cox hazard ratio of the treated with its CI, people and events,
        the proportional-hazards results, ``best_aft``, the RMST difference with its CI and
        the time-varying and naive hazard ratios.
    """
    rmst = rmst_difference
    return dict(
        people=len(frame), events=shown_count(int(frame["event"].sum()), min_cell),
        time_unit=time_unit, cumulative_reoffended_pct_at_follow_up=dict(at_follow_up),
        logrank_p=None if logrank is None else float(logrank["p_value"].iloc[0]),
        **_cox_numbers(cox, min_cell), **_ph_numbers(ph),
        best_aft=_first(aft, "model"),
        rmst_difference=None if rmst is None else float(rmst["difference"].iloc[0]),
        rmst_difference_ci=None if rmst is None else [float(rmst["ci_low"].iloc[0]),
                                                      float(rmst["ci_high"].iloc[0])],
        time_varying_hr=None if time_varying is None else time_varying["time-varying"].to_dict(),
        naive_hr=None if time_varying is None else time_varying["naive ever gained"].to_dict(),
    )
