"""The Pan-Dorset case studies against the project's unit-cost table.

Each individual's offences costed beside the published total, the published outcomes, and
whether any single unit-cost table can reproduce those totals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.costs.offence_mapping import cost_offences
from analysis.costs.offence_matching import lookup
from analysis.costs.prices import price_label, unit_costs_at
from analysis.costs.statuses import COSTED, NO_UNIT_COST, NOT_TRANSCRIBED, REASONS, UNMAPPED
from analysis.costs.unit_costs import AFTER, BEFORE, CostTables

__all__ = [
    "cost_case_studies",
    "case_study_outcomes",
    "case_study_evidence",
]


def cost_case_studies(tables: CostTables, price_year: int, attempt_fraction: float = 1.0) -> pd.DataFrame:
    """Cost each case-study individual's offences with the project's table, beside the published total.

    Parameters
    ----------
    tables : CostTables
        The run's cost tables.
    price_year : int
        Financial year of the prices.
    attempt_fraction : float
        Share of the full unit cost given to an attempt.

    Returns
    -------
    DataFrame
        One row per individual: ``individual``, ``price_year``, ``offences``,
        ``costed_offences``, ``uncosted_offences``, ``not_costed`` (what was not costed and
        why), ``costed_gbp`` (this table, at ``price_year``), ``published_total_gbp``,
        ``difference_gbp`` (costed minus published), ``difference_pct`` and ``explanation``.
    """
    cs = tables.case_studies
    before = cs[(cs["period"] == BEFORE) & (cs["count"] > 0)]
    costed = cost_offences(before, unit_costs_at(tables, price_year), tables.mapping,
                           attempt_fraction, type_column="offence", attempt_column=None,
                           weight_column="count")
    # An explicit attempt flag on a case-study row also marks an attempt.
    costed["is_attempt"] = costed["is_attempt"] | before["attempt"].to_numpy()
    share = np.where(costed["is_attempt"], attempt_fraction, 1.0)
    costed["cost_gbp"] = costed["unit_cost_gbp"] * share * costed["count"]
    rows = []
    for who, g in costed.groupby("individual", sort=True):
        ok = g["cost_status"] == COSTED
        missing = g[~ok]
        not_costed = "; ".join(
            f"{r.count} {r.offence} ({REASONS[r.cost_status]})" for r in missing.itertuples())
        published = float(g["published_total_gbp"].iloc[0])
        value = float(g.loc[ok, "cost_gbp"].sum())
        attempts = int(g.loc[g["is_attempt"], "count"].sum())
        rows.append({
            "individual": who,
            "price_year": price_label(price_year),
            "offences": int(g["count"].sum()),
            "costed_offences": int(g.loc[ok, "count"].sum()),
            "uncosted_offences": int(missing["count"].sum()),
            "attempts": attempts,
            "not_costed": not_costed,
            "costed_gbp": value,
            "published_total_gbp": published,
            "difference_gbp": value - published,
            "difference_pct": 100 * (value - published) / published,
            "explanation": _case_explanation(value, published, missing, attempts, attempt_fraction),
        })
    return pd.DataFrame(rows)


def _case_explanation(value: float, published: float, missing: pd.DataFrame, attempts: int,
                      attempt_fraction: float) -> str:
    """Say why the project's cost differs from the published total of one individual."""
    parts = []
    if value > published:
        parts.append("the offences this table can cost already come to more than the published "
                     "total, so the published figure rests on lower unit costs than the "
                     "2018 Home Office table; no value of the uncosted offences can close the gap")
    elif not missing.empty:
        parts.append("the published total includes costs for offences this table cannot cost "
                     "(" + ", ".join(sorted(set(missing["offence"]))) + "), whose source the "
                     "strategy does not give")
    else:
        parts.append("the published total rests on unit costs or a price year the strategy does "
                     "not state")
    if attempts:
        parts.append(f"{attempts} attempt(s) costed at {attempt_fraction:.0%} of the full cost "
                     "(costs.attempt_fraction)")
    return "; ".join(parts) + "."


def case_study_outcomes(tables: CostTables) -> pd.DataFrame:
    """Return each individual's intervention, its date and the post-intervention outcome as published.

    Parameters
    ----------
    tables : CostTables
        The run's cost tables.

    Returns
    -------
    DataFrame
        ``individual``, ``intervention``, ``intervention_date``, ``offences_after`` (count
        published after the intervention), ``post_intervention_outcome`` (the document's words).
    """
    cs = tables.case_studies
    rows = []
    for who, g in cs.groupby("individual", sort=True):
        after = g[g["period"] == AFTER]
        rows.append({
            "individual": who,
            "intervention": g["intervention"].dropna().iloc[0] if g["intervention"].notna().any() else "",
            "intervention_date": (g["intervention_date"].dropna().iloc[0]
                                  if g["intervention_date"].notna().any() else "not stated"),
            "offences_after": int(after["count"].sum()),
            "post_intervention_outcome": " ".join(after["outcome"].dropna()) or "not stated",
        })
    return pd.DataFrame(rows)


def case_study_evidence(tables: CostTables, price_year: int,
                        category: str = "domestic_burglary") -> pd.DataFrame:
    """Test whether any single unit-cost table can reproduce all the published totals.

    Four checks on the offences of one category shared by the individuals (domestic burglary),
    each with the number behind it:

    1. **This table's cost of that category alone**, for each individual, at the table's base
       prices and at ``price_year``, with attempts costed at zero: a lower bound on what the
       project's table gives whatever the other offences cost; above the published total means
       the table cannot reproduce it.
    2. **Implied cost of one offence**: the published total divided by the number of offences
       of the category (full and attempted), as if every other offence were costed at zero.
    3. **Bounds any single table must meet**: an individual whose other offences cost at least
       zero bounds the unit cost from above by ``total / full offences``; an individual whose
       only other offences have no published unit cost bounds it from below by
       ``(total - c) / (full + attempted)`` for attempts costing at most a full offence, where
       ``c`` is what those other offences were given (zero if they were not costed). The
       bounds conflict when the largest lower bound exceeds the smallest upper bound; the
       value of ``c`` that would remove the conflict is reported.
    4. **What is left for the other offences** under the smallest upper bound.

    Parameters
    ----------
    tables : CostTables
        The run's cost tables.
    price_year : int
        The run's price year.
    category : str
        The shared category (default domestic burglary).

    Returns
    -------
    DataFrame
        ``check``, ``individual``, ``value_gbp``, ``conflict`` (True where the check shows that
        a total cannot be reproduced) and ``finding`` (one sentence each).
    """
    cs = tables.case_studies
    before = cs[(cs["period"] == BEFORE) & (cs["count"] > 0)].copy()
    found = lookup(before["offence"], tables.mapping)
    before["category"] = found["category"]
    before["is_attempt"] = found["attempt"] | before["attempt"]
    uc = tables.unit_costs.set_index("category")
    status = before["category"].map(uc["status"]).fillna(UNMAPPED)
    at = unit_costs_at(tables, price_year).set_index("category")
    label = uc.loc[category, "label"].lower() if category in uc.index else category
    base_cost = uc.loc[category, "total_gbp"] if category in uc.index else np.nan
    base_name = uc.loc[category, "price_base"] if category in uc.index else ""
    now_cost = at.loc[category, "cost_gbp"] if category in at.index else np.nan
    py = price_label(price_year)
    rows: list[dict[str, object]] = []
    lowers: dict[str, tuple[float, int, str]] = {}
    uppers: dict[str, float] = {}
    for who, g in before.groupby("individual", sort=True):
        total = float(g["published_total_gbp"].iloc[0])
        is_cat = g["category"] == category
        full = int(g.loc[is_cat & ~g["is_attempt"], "count"].sum())
        att = int(g.loc[is_cat & g["is_attempt"], "count"].sum())
        others = g[~is_cat]
        if full + att == 0:
            continue
        if pd.notna(base_cost):
            floor = full * base_cost
            verdict = ("exceeds" if floor > total else "is below")
            rows.append({
                "check": f"1. this table's {label} cost alone",
                "individual": who, "value_gbp": floor, "conflict": bool(floor > total),
                "finding": (f"{full} {label} offence(s) at £{base_cost:,.0f} ({base_name} prices) "
                            f"= £{floor:,.0f}, which {verdict} the published £{total:,.0f}"
                            + (f"; at {py} prices £{full * now_cost:,.0f}" if pd.notna(now_cost) else "")
                            + (f"; {att} attempt(s) counted at zero" if att else "")),
            })
        implied = total / (full + att)
        exact = full + att > 1 and abs(implied - round(implied)) < 1e-9
        rows.append({
            "check": f"2. implied cost of one {label}",
            "individual": who, "value_gbp": implied, "conflict": False,
            "finding": (f"£{total:,.0f} / {full + att} {label} offence(s)"
                        + (f" (including {att} attempt(s))" if att else "")
                        + f" = £{implied:,.2f}"
                        + (" exactly: consistent with every other offence costed at zero"
                           + (" and attempts at the full cost" if att else "") if exact else "")),
        })
        uppers[who] = total / full if full else np.inf
        others_uncostable = others.empty or bool(
            status[others.index].isin([NO_UNIT_COST, NOT_TRANSCRIBED, UNMAPPED]).all())
        if others_uncostable:
            lowers[who] = (total, full + att, ", ".join(sorted(set(others["offence"]))) or "none")
    if uppers and lowers:
        u_who = min(uppers, key=uppers.__getitem__)
        u = uppers[u_who]
        l_who = max(lowers, key=lambda w: lowers[w][0] / lowers[w][1])
        l_total, l_n, l_other = lowers[l_who]
        lo = l_total / l_n
        if lo > u:
            needed = l_total - l_n * u
            finding = (f"{l_who} needs one {label} to cost at least £{lo:,.2f} (attempts at most "
                       f"a full offence, {l_other} at £0) but {u_who} allows at most £{u:,.2f} "
                       f"(other offences at £0 or more): no single table reproduces both unless "
                       f"{l_other} was given at least £{needed:,.0f}")
        else:
            needed = 0.0
            finding = (f"a single {label} cost between £{lo:,.2f} and £{u:,.2f} is consistent "
                       "with these totals")
        rows.append({"check": "3. bounds a single table must meet", "individual": f"{l_who}, {u_who}",
                     "value_gbp": needed, "conflict": bool(lo > u), "finding": finding})
        for who, g in before.groupby("individual", sort=True):
            is_cat = g["category"] == category
            n_cat = int(g.loc[is_cat, "count"].sum())
            if n_cat == 0 or who == u_who or np.isinf(u):
                continue
            total = float(g["published_total_gbp"].iloc[0])
            left = total - n_cat * u
            others = g[~is_cat]
            rows.append({
                "check": "4. left for the other offences at the largest consistent cost",
                "individual": who, "value_gbp": left, "conflict": False,
                "finding": (f"at £{u:,.2f} per {label} ({u_who}'s bound), £{left:,.0f} of "
                            f"{who}'s £{total:,.0f} is left for "
                            + ", ".join(f"{r.count} {r.offence}" for r in others.itertuples())
                            + f", whereas {u_who}'s total leaves £0 for its other offences"),
            })
    return pd.DataFrame(rows, columns=["check", "individual", "value_gbp", "conflict", "finding"])
