"""The data contract: the column roles each input form has, and their types.

Users never rename their files. Each role below is mapped to a column of the user's file
in the parameter file (``data.<table>.columns``); after reading and validation every table is
renamed to the role names, which is what the rest of the package uses.

Two input forms exist:

``survival``
    One row per person: follow-up time, event flag, a treatment/group column and covariates
    (the form the Rossi and recid data come in).
``records``
    The form partnership analysts hold: a ``people`` table (one row per person) and an
    ``offences`` table (one row per proven offence). Proven-reoffending measures are derived
    from these by :mod:`analysis.measures.reoffending`.

Columns that are not roles (needs flags, covariates, intervention flags and dates) are named
in the parameter file under ``needs``, ``covariates`` and ``interventions`` and keep their names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

Kind = Literal["id", "date", "integer", "number", "flag", "text"]


@dataclass(frozen=True)
class Role:
    """One column role of an input table.

    Parameters
    ----------
    name : str
        Role name, used as the column name after reading.
    kind : {"id", "date", "integer", "number", "flag", "text"}
        Expected type. ``flag`` is 0/1 (also read from true/false, yes/no, y/n).
    required : bool
        Whether the role must be mapped to a column.
    nullable : bool
        Whether blank cells are allowed.
    description : str
        What the column holds, for the data dictionary.
    """

    name: str
    kind: Kind
    required: bool
    nullable: bool
    description: str


SURVIVAL_ROLES: tuple[Role, ...] = (
    Role("person_id", "id", False, False, "Person identifier (optional; row number is used if absent)."),
    Role("duration", "number", True, False, "Follow-up time to first reoffence or censoring, > 0, in `time_unit`."),
    Role("event", "flag", True, False, "1 if the follow-up ended in a (proven) reoffence, 0 if censored."),
    Role("sex", "text", False, True, "Sex as recorded (e.g. male / female)."),
    Role("age", "number", False, True, "Age in years at the start of follow-up."),
    Role("area", "text", False, True, "Local area (e.g. BCP, Dorset)."),
)

PEOPLE_ROLES: tuple[Role, ...] = (
    Role("person_id", "id", True, False, "Person identifier, unique in the people table."),
    Role("cohort_start", "date", True, False,
         "Start of follow-up: release from custody, start of a community sentence, or caution date."),
    Role("cohort_start_type", "text", False, True,
         "What started follow-up: custody_release, community_sentence or out_of_court."),
    Role("sex", "text", True, False, "Sex as recorded (e.g. male / female)."),
    Role("date_of_birth", "date", False, True, "Date of birth (give this or `age`)."),
    Role("age", "number", False, True, "Age in years at cohort start (give this or `date_of_birth`)."),
    Role("area", "text", False, True, "Local area (e.g. BCP, Dorset)."),
    Role("prior_offences", "integer", False, True, "Number of proven offences before cohort start."),
    Role("prior_offences_12m", "integer", False, True,
         "Number of proven offences in the 12 months before cohort start."),
    Role("employed_6w", "flag", False, True, "In employment six weeks after release (custody leavers)."),
    Role("employed_6m", "flag", False, True, "In employment six months after release (custody leavers)."),
    Role("housed_release_night", "flag", False, True, "Housed on the night of release (custody leavers)."),
    Role("settled_accommodation_3m", "flag", False, True,
         "In settled accommodation three months after leaving prison (custody leavers)."),
    Role("substance_treatment_need", "flag", False, True, "Has a substance-misuse treatment need on release."),
    Role("engaged_treatment", "flag", False, True,
         "Engaged in community substance-misuse treatment after release (among those with a need)."),
    Role("employment_date", "date", False, True,
         "Date employment was first gained after cohort start; blank if never (time-varying covariate)."),
    Role("settled_accommodation_date", "date", False, True,
         "Date settled accommodation was first gained after cohort start; blank if never."),
    Role("exit_date", "date", False, True,
         "Date follow-up ended for a competing reason (death, deportation, long custody); blank if none."),
    Role("exit_reason", "text", False, True, "Reason for `exit_date`: death, deportation or long_custody."),
)

OFFENCE_ROLES: tuple[Role, ...] = (
    Role("person_id", "id", True, False, "Person identifier, as in the people table."),
    Role("offence_date", "date", True, False, "Date the offence was committed (on or after cohort start)."),
    Role("proven_date", "date", True, False,
         "Date the offence was proven by conviction or caution (on or after the offence date)."),
    Role("offence_type", "text", True, False,
         "Offence description, category or Home Office offence code; mapped to unit-cost "
         "categories by the offence mapping ([data/reference/README.md](../data/reference/README.md))."),
    Role("attempt", "flag", False, True, "1 if the offence was an attempt."),
)

ROLES: dict[str, tuple[Role, ...]] = {
    "survival": SURVIVAL_ROLES,
    "people": PEOPLE_ROLES,
    "offences": OFFENCE_ROLES,
}

#: Values read as 1 / 0 in a ``flag`` column (compared case-insensitively).
FLAG_TRUE = frozenset({"1", "1.0", "true", "t", "yes", "y"})
FLAG_FALSE = frozenset({"0", "0.0", "false", "f", "no", "n"})

#: The named ways a file may write its dates (``data.<table>.date_format``; the first is the
#: default): ``day_first`` DD/MM/YYYY, ``month_first`` MM/DD/YYYY, ``iso`` YYYY-MM-DD only. A
#: ``strptime`` format with a day, a month and a year (e.g. ``%d.%m.%Y``) may be given instead.
#: YYYY-MM-DD is accepted with every choice (see :mod:`analysis.data.parsing`).
DATE_FORMAT_NAMES = ("day_first", "month_first", "iso")


def is_date_format(fmt: str) -> bool:
    """Whether ``fmt`` is a named date format or a strptime format that writes and reads back
    a date's day, month and year."""
    if fmt in DATE_FORMAT_NAMES:
        return True
    probe = date(2001, 11, 23)
    try:
        return datetime.strptime(probe.strftime(fmt), fmt).date() == probe
    except ValueError:
        return False


def role(table: str, name: str) -> Role:
    """Return the role ``name`` of ``table`` (``survival``, ``people`` or ``offences``)."""
    for r in ROLES[table]:
        if r.name == name:
            return r
    raise KeyError(f"table {table!r} has no role {name!r}")
