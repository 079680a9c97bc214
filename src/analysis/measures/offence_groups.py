"""The type of each person's first proven reoffence: violent, acquisitive or other.

Offences are grouped by their unit-cost category (the categories of the offence mapping,
``data/reference/offence_mapping.csv``; the caller maps descriptions and codes to categories).
The default groups (:data:`OFFENCE_GROUPS`) follow the Home Office's use of the words:
**violent** is violence against the person, sexual offences and robbery; **acquisitive** is
burglary, theft, shoplifting, handling stolen goods, fraud and going equipped (crimes for
gain); every other category, an offence outside the unit-cost categories and an unmapped one
are **other**. A caller may pass its own groups. The first proven reoffence is the counted
reoffence (:func:`analysis.measures.reoffending.counted_reoffences`) with the earliest offence
date; reoffences of different groups on that same day are resolved in the order of the groups
(violent before acquisitive before other).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.measures.reoffending import counted_reoffences

__all__ = ["CENSORED", "COMPETING_EXIT", "OFFENCE_GROUPS", "OTHER", "first_reoffence_group",
           "offence_group", "type_status"]

#: Unit-cost categories of each offence group; categories in no group are :data:`OTHER`.
OFFENCE_GROUPS: dict[str, tuple[str, ...]] = {
    "violent": ("homicide", "violence_with_injury", "violence_without_injury", "rape",
                "other_sexual_offences", "robbery"),
    "acquisitive": ("domestic_burglary", "burglary_non_domestic", "theft_of_vehicle",
                    "theft_from_vehicle", "theft_from_person", "shoplifting",
                    "handling_stolen_goods", "fraud", "going_equipped",
                    "uncosted: other theft", "uncosted: robbery of business property"),
}
OTHER = "other"
#: Status of a person whose follow-up ended without a reoffence: censored, or a competing exit.
CENSORED = "censored"
COMPETING_EXIT = "competing exit"


def offence_group(categories: pd.Series,
                  groups: Mapping[str, Sequence[str]] = OFFENCE_GROUPS) -> pd.Series:
    """The group of each offence from its unit-cost category (:data:`OTHER` if in none)."""
    lookup = {c: name for name, cats in groups.items() for c in cats}
    return categories.map(lookup).fillna(OTHER).astype(object)


def first_reoffence_group(people: pd.DataFrame, offences: pd.DataFrame, groups: pd.Series,
                          order: Sequence[str], follow_up_months: int = 12,
                          waiting_months: int = 6) -> pd.Series:
    """The group of each person's first proven reoffence.

    Parameters
    ----------
    people : DataFrame
        ``person_id``, ``cohort_start`` and optionally ``exit_date`` (the cohort frame).
    offences : DataFrame
        ``person_id``, ``offence_date``, ``proven_date``.
    groups : Series
        The group of each offence, on ``offences``' index (:func:`offence_group`).
    order : sequence of str
        Every group, in the order that resolves first reoffences on the same day.
    follow_up_months, waiting_months : int
        The measure's periods.

    Returns
    -------
    Series
        On ``people``' index: the group, or NaN for a person with no proven reoffence.
    """
    unknown = sorted(set(groups.dropna()) - set(order))
    if unknown:
        raise ValueError(f"offence groups not in the order given: {unknown}")
    mine = offences[offences["person_id"].isin(people["person_id"])]
    counted = counted_reoffences(people, mine, follow_up_months, waiting_months)
    rank = {g: i for i, g in enumerate(order)}
    table = pd.DataFrame({"person_id": counted["person_id"].to_numpy(),
                          "day": pd.to_datetime(counted["offence_date"]).dt.normalize().to_numpy(),
                          "rank": groups.loc[counted.index].map(rank).to_numpy()})
    first = table.sort_values(["person_id", "day", "rank"], kind="stable").drop_duplicates(
        "person_id")
    names = np.array(list(order), dtype=object)
    by_person = pd.Series(names[first["rank"].to_numpy(int)], index=first["person_id"].to_numpy())
    return pd.Series(people["person_id"].map(by_person).to_numpy(), index=people.index,
                     dtype=object)


def type_status(frame: pd.DataFrame, first_group: pd.Series, event_col: str = "event",
                competing_col: str = "competing_event") -> pd.Series:
    """How each person's follow-up ended: the group of the first reoffence, a competing exit,
    or censored.

    Raises
    ------
    ValueError
        If a person with a reoffence (``event_col``) has no first-reoffence group or the reverse.
    """
    event = frame[event_col].to_numpy(int) == 1
    has = first_group.notna().to_numpy()
    if np.any(event != has):
        raise ValueError(f"{int(np.sum(event != has))} people's first-reoffence group does not "
                         f"match {event_col!r}: use the periods of the measure")
    exit_ = frame[competing_col].to_numpy(int) == 1
    status = np.where(event, first_group.to_numpy(dtype=object),
                      np.where(exit_, COMPETING_EXIT, CENSORED))
    return pd.Series(status, index=frame.index, dtype=object)
