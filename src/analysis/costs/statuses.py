"""The cost status of a unit-cost category or of an offence, and why an offence is not costed.

Nothing is ever costed at zero by default: a category of the unit-cost table is ``costed`` (it
has a unit cost), ``no_published_unit_cost`` (the report gives none) or ``not_transcribed`` (the
report costs it but the figure could not be verified from a stored copy); an offence that the
mapping table sends to ``uncosted: <reason>`` (an offence outside the unit-cost categories, such
as a motoring offence) is ``outside_unit_costs``, and one whose description or code is not in the
mapping table is ``unmapped``.
"""

from __future__ import annotations

__all__ = [
    "COSTED",
    "NO_UNIT_COST",
    "NOT_TRANSCRIBED",
    "UNMAPPED",
    "OUTSIDE",
    "UNCOSTED_PREFIX",
    "STATUSES",
    "REASONS",
]

COSTED = "costed"
NO_UNIT_COST = "no_published_unit_cost"
NOT_TRANSCRIBED = "not_transcribed"
UNMAPPED = "unmapped"
OUTSIDE = "outside_unit_costs"
#: How a mapping row names an offence outside the unit-cost categories: ``"uncosted: <reason>"``.
UNCOSTED_PREFIX = "uncosted:"
STATUSES = (COSTED, NO_UNIT_COST, NOT_TRANSCRIBED)

#: Why an offence is not costed, by status, for the tables a run publishes.
REASONS = {
    UNMAPPED: "offence description not in the mapping table",
    NO_UNIT_COST: "no published unit cost",
    NOT_TRANSCRIBED: "unit cost published but not bundled (not verified)",
    OUTSIDE: "outside the unit-cost categories",
}
