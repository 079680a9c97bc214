"""The cohort's cost of proven reoffending.

Per reoffence, per person and per group, the change in offending in the 12 months before and
after cohort start, and the average cost of one offence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.costs.offence_mapping import cost_offences, uncosted_offences
from analysis.costs.prices import unit_costs_at
from analysis.costs.statuses import COSTED
from analysis.costs.unit_costs import load_cost_tables
from analysis.measures.reoffending import counted_reoffences
from analysis.params import COST_OUTCOME, RunParams

__all__ = [
    "reoffence_costs",
    "reoffence_cost_outcome",
    "person_costs",
    "group_costs",
    "change_in_offending",
    "average_unit_cost",
]


def reoffence_costs(frame: pd.DataFrame, offences: pd.DataFrame, costs_at: pd.DataFrame,
                    mapping: pd.DataFrame, attempt_fraction: float, follow_up_months: int = 12,
                    waiting_months: int = 6) -> pd.DataFrame:
    """Cost the proven reoffences (Ministry of Justice definition) of the people in a cohort.

    Parameters
    ----------
    frame : DataFrame
        The cohort frame (``person_id``, ``cohort_start``, optional ``exit_date``).
    offences : DataFrame
        The offences table.
    costs_at, mapping : DataFrame
        Unit costs at the price year and the mapping table.
    attempt_fraction : float
        Share of the full unit cost given to an attempt.
    follow_up_months, waiting_months : int
        The measure's periods.

    Returns
    -------
    DataFrame
        The counted reoffences with the columns of :func:`cost_offences`.
    """
    counted = counted_reoffences(frame, offences[offences["person_id"].isin(frame["person_id"])],
                                 follow_up_months, waiting_months)
    return cost_offences(counted, costs_at, mapping, attempt_fraction)


def reoffence_cost_outcome(params: RunParams, frame: pd.DataFrame,
                           offences: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """Each person's cost of proven reoffences, as an outcome of the effects analysis.

    The reoffences of the Ministry of Justice measure (the run's follow-up and waiting periods)
    are mapped and costed with the run's cost files at ``costs.price_year`` prices, attempts at
    ``costs.attempt_fraction``; a reoffence with no unit cost adds nothing and is counted in
    the second table instead.

    Parameters
    ----------
    params : RunParams
        The run's parameters (cost files, price year, measure periods).
    frame : DataFrame
        The cohort frame (``person_id``, ``cohort_start``, optional ``exit_date``).
    offences : DataFrame
        The offences table.

    Returns
    -------
    Series
        Cost in GBP per person, on ``frame``'s index, named :data:`analysis.params.COST_OUTCOME`.
    DataFrame
        The uncosted reoffences by offence type (:func:`uncosted_offences`).
    """
    tables = load_cost_tables(params)
    costs_at = unit_costs_at(tables, params.costs.price_year)
    m = params.measures
    counted = reoffence_costs(frame, offences, costs_at, tables.mapping,
                              params.costs.attempt_fraction, m.follow_up_months, m.waiting_months)
    people = person_costs(frame, counted)
    cost = pd.Series(people["cost_gbp"].to_numpy(dtype=float), index=frame.index,
                     name=COST_OUTCOME)
    return cost, uncosted_offences(counted)


def person_costs(frame: pd.DataFrame, costed: pd.DataFrame) -> pd.DataFrame:
    """Return each person's proven reoffences and their cost (used for summaries, not published).

    Parameters
    ----------
    frame : DataFrame
        The cohort frame (``person_id``, ``group``, ``treated`` and ``reoffended``).
    costed : DataFrame
        Costed reoffences (:func:`reoffence_costs`).

    Returns
    -------
    DataFrame
        ``person_id``, ``group``, ``treated``, ``reoffended``, ``reoffences``,
        ``costed_reoffences``, ``uncosted_reoffences`` and ``cost_gbp`` (sum over costed
        reoffences; uncosted ones add nothing and are counted instead).
    """
    ok = costed["cost_status"] == COSTED
    per = pd.DataFrame({
        "reoffences": costed.groupby("person_id").size(),
        "costed_reoffences": ok.groupby(costed["person_id"]).sum(),
        "cost_gbp": costed["cost_gbp"].where(ok, 0.0).groupby(costed["person_id"]).sum(),
    })
    keep = [c for c in ("person_id", "group", "treated", "reoffended") if c in frame.columns]
    out = frame[keep].merge(per, left_on="person_id", right_index=True, how="left")
    out[["reoffences", "costed_reoffences", "cost_gbp"]] = (
        out[["reoffences", "costed_reoffences", "cost_gbp"]].fillna(0))
    out = out.astype({"reoffences": int, "costed_reoffences": int})
    out["uncosted_reoffences"] = out["reoffences"] - out["costed_reoffences"]
    return out


def group_costs(people: pd.DataFrame, by: str | None = "group") -> pd.DataFrame:
    """Summarise the cost of proven reoffending per person and per group.

    Parameters
    ----------
    people : DataFrame
        Output of :func:`person_costs`.
    by : str or None
        Column to group by; a single ``All`` row when None.

    Returns
    -------
    DataFrame
        ``group``, ``people``, ``reoffenders``, ``reoffences``, ``costed_reoffences``,
        ``uncosted_reoffences``, ``cost_gbp`` (total of the costed reoffences),
        ``cost_per_person_gbp``, ``cost_per_reoffender_gbp``, ``cost_per_costed_reoffence_gbp``
        and ``median_cost_per_reoffender_gbp``.
    """
    key = people[by] if by else pd.Series("All", index=people.index)
    rows = []
    for g, d in people.groupby(key.rename("group"), sort=True, observed=True):
        reo = d[d["reoffences"] > 0]
        cost = float(d["cost_gbp"].sum())
        costed_n = int(d["costed_reoffences"].sum())
        rows.append({
            "group": g,
            "people": len(d),
            "reoffenders": len(reo),
            "reoffences": int(d["reoffences"].sum()),
            "costed_reoffences": costed_n,
            "uncosted_reoffences": int(d["uncosted_reoffences"].sum()),
            "cost_gbp": cost,
            "cost_per_person_gbp": cost / len(d) if len(d) else np.nan,
            "cost_per_reoffender_gbp": cost / len(reo) if len(reo) else np.nan,
            "cost_per_costed_reoffence_gbp": cost / costed_n if costed_n else np.nan,
            "median_cost_per_reoffender_gbp": float(reo["cost_gbp"].median()) if len(reo) else np.nan,
        })
    return pd.DataFrame(rows)


def change_in_offending(frame: pd.DataFrame, people: pd.DataFrame, by: str | None = "group",
                        prior_column: str = "prior_offences_12m") -> pd.DataFrame | None:
    """The IOM "change in offending" measure: offences in the 12 months before and after the start.

    Before: proven offences in the 12 months before cohort start (``prior_offences_12m``).
    After: proven reoffences committed in the 12-month follow-up (MoJ definition). The prior
    offences have no types, so both periods are valued at the group's average cost of a costed
    proven reoffence: the change in cost then mirrors the change in counts.

    Parameters
    ----------
    frame : DataFrame
        The cohort frame, with ``prior_column``.
    people : DataFrame
        Output of :func:`person_costs`.
    by : str or None
        Column to group by.
    prior_column : str
        Column with the prior 12-month offence counts.

    Returns
    -------
    DataFrame or None
        ``group``, ``people`` (with a known prior count), ``offences_before``,
        ``offences_after``, ``change_pct``, ``before_per_person``, ``after_per_person``,
        ``cost_per_offence_gbp``, ``cost_before_gbp``, ``cost_after_gbp`` and
        ``cost_change_gbp``; None when the data have no prior counts.
    """
    if prior_column not in frame.columns or frame[prior_column].isna().all():
        return None
    merged = people.merge(frame[["person_id", prior_column]], on="person_id", how="left")
    merged = merged[merged[prior_column].notna()]
    key = merged[by] if by else pd.Series("All", index=merged.index)
    rows = []
    for g, d in merged.groupby(key.rename("group"), sort=True, observed=True):
        before = float(d[prior_column].astype(float).sum())
        after = float(d["reoffences"].sum())
        costed_n = d["costed_reoffences"].sum()
        unit = float(d["cost_gbp"].sum() / costed_n) if costed_n else np.nan
        rows.append({
            "group": g,
            "people": len(d),
            "offences_before": int(before),
            "offences_after": int(after),
            "change_pct": 100 * (after - before) / before if before else np.nan,
            "before_per_person": before / len(d),
            "after_per_person": after / len(d),
            "cost_per_offence_gbp": unit,
            "cost_before_gbp": before * unit,
            "cost_after_gbp": after * unit,
            "cost_change_gbp": (after - before) * unit,
        })
    return pd.DataFrame(rows)


def average_unit_cost(costs_at: pd.DataFrame, costed: pd.DataFrame | None = None,
                      categories: list[str] | None = None) -> tuple[float, str]:
    """Return the average cost of one offence at the price year, and how it was formed.

    With costed offences (records form): the mean cost of the costed ones (their mix, attempts
    at their share). Otherwise the equal-weight mean of the unit costs of ``categories``.

    Parameters
    ----------
    costs_at : DataFrame
        Unit costs at the price year.
    costed : DataFrame, optional
        Costed offences (:func:`cost_offences`).
    categories : list of str, optional
        Categories to average when ``costed`` is None or has no costed offence.

    Returns
    -------
    (float, str)
        The average (NaN when nothing can be costed) and a sentence saying what it is.
    """
    if costed is not None:
        ok = costed["cost_status"] == COSTED
        if ok.any():
            return (float(costed.loc[ok, "cost_gbp"].mean()),
                    f"mean cost of the cohort's {int(ok.sum()):,} costed proven reoffences "
                    f"(their offence mix; {int((~ok).sum()):,} uncosted reoffences left out)")
    c = costs_at.set_index("category")
    cats = [k for k in (categories or []) if k in c.index and c.loc[k, "status"] == COSTED]
    missing = [k for k in (categories or []) if k not in cats]
    if not cats:
        return float("nan"), "no costed category to average"
    text = ("equal-weight mean of the unit costs of " + ", ".join(cats)
            + " (an assumption: the data record no offence types)")
    if missing:
        text += "; not costed and left out: " + ", ".join(missing)
    return float(c.loc[cats, "cost_gbp"].mean()), text
