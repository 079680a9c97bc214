"""The disclosure ledger: what the cells of each published table are, for the run's audit.

For every table a run publishes the ledger records

- the **role** of each column (:class:`Role`): a count of people (or offences) under the
  small-count rule; a rate or proportion with its numerator and denominator columns; a survival
  probability (or cumulative percentage) with its numbers at risk; a value derived from counts;
  a public figure (a population estimate, a published statistic), exempt from the rule; a value
  not about a count of people (a coefficient, a cost, a label); or a key naming the row;
- the **sums** a reader can rely on: the counts of a row adding up to a total
  (:class:`RowTotal`), the rows of a set adding up to a total row or a known total
  (:class:`GroupTotal`), a rolling count adding up its quarters (:class:`Window`);
- the **links**: cells that are the same quantity as cells of another table (:class:`Link`),
  such as a report's numerator and the count of the table it was taken from.

Roles and sums are inferred from column names where the project's naming is consistent
(:func:`infer_ledger`), taken from the rule :func:`analysis.disclosure.suppress_counts` applied
(its counts, derived columns, sets and complements), and declared where neither says enough
(:mod:`analysis.presentation.published_roles`). A run writes the ledgers of all its tables to
``disclosure_ledger.json``; :mod:`analysis.disclosure.audit` reads them to try a reader's
attacks on the published cells.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import pandas as pd

from analysis.disclosure.policy import shows_number
from analysis.disclosure.rules import EXACT_ATTR, RULE_ATTR

__all__ = ["Declared", "GroupTotal", "Link", "Relation", "Role", "RowRoles", "RowTotal",
           "TableLedger", "Window", "hidden_exact", "infer_ledger", "table_ledger", "KINDS",
           "TOTAL_LABELS"]

#: The roles a column can have.
KINDS = ("key", "count", "rate", "survival", "derived", "public", "other")
#: Labels of a row that holds the total of the other rows of its set.
TOTAL_LABELS = ("All", "All areas", "All cohorts", "Total")

_KEYS = {"area", "quarter", "cohort", "cohort_group", "group", "sex", "measure", "indicator",
         "method", "covariate", "variable", "level", "statistic", "need", "need_a", "need_b",
         "step", "individual", "subgroup", "outcome", "model", "test", "sample", "contrast",
         "parameter", "unit", "offence_type", "category", "time", "months", "treatment",
         "horizon", "check", "estimand", "scale", "weights", "quantity", "Indicator"}
_COUNTS = {"people", "offenders", "reoffenders", "reoffences", "released", "assessed",
           "with_need", "both", "excluded", "events", "censored", "at_risk", "n", "n_treated",
           "n_comparison", "numerator", "denominator", "offences", "costed_offences",
           "uncosted_offences", "costed_reoffences", "uncosted_reoffences", "attempts",
           "offences_before", "offences_after", "before", "after", "not_recorded", "observed",
           "treated", "comparison", "treated_lost", "comparison_lost"}
_COUNT_PATTERN = re.compile(r"^(n|count)_\d+$|_12m$|^(?!first_|last_)[a-z]+_quarter$")
_PUBLIC_PATTERN = re.compile(r"^population(_\d+_\d+)?$|^published_|^national_|^target(_pct)?$")
#: Rates named by the project's convention: column -> (numerator, denominator, per).
_RATES: dict[str, tuple[tuple[str, ...], tuple[str, ...], float]] = {
    "binary_rate_pct": (("reoffenders",), ("offenders",), 100.0),
    "frequency_per_offender": (("reoffences",), ("offenders",), 1.0),
    "frequency_per_reoffender": (("reoffences",), ("reoffenders",), 1.0),
    "percent": (("with_need", "both"), ("assessed",), 100.0),
    "value_pct": (("numerator",), ("denominator",), 100.0),
    "crude_pct": (("observed",), ("people",), 100.0),
    "value": (("observed",), ("people",), 1.0),
}
_SURVIVAL = {"survival", "cumulative_reoffended_pct", "one_minus_km_pct", "aj_cif_pct"}


@dataclass(frozen=True)
class Role:
    """What the cells of one column are.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    numerator, denominator : str, optional
        A rate's columns: ``value = numerator / denominator * per``. A denominator may be a
        count or a public figure (a population).
    per : float, optional
        A rate's scale (100 for a percentage, 1,000 for a rate per 1,000).
    at_risk : str, optional
        A survival value's column of numbers at risk.
    sources : tuple of str
        The count columns a derived value comes from.
    """

    kind: str
    numerator: str | None = None
    denominator: str | None = None
    per: float | None = None
    at_risk: str | None = None
    sources: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The role without its empty fields."""
        out: dict[str, Any] = {"kind": self.kind}
        for f in fields(self)[1:]:
            value = getattr(self, f.name)
            if value not in (None, ()):
                out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Role:
        """Read :meth:`to_json`."""
        return cls(**{**data, "sources": tuple(data.get("sources", ()))})


@dataclass(frozen=True)
class RowTotal:
    """In every row (matching ``where``), the ``parts`` add up to the ``total`` column, or
    (``total`` None) to a total the reader knows (at risk + events + censored = the group's
    size). With ``rest``, the people of the total in none of the parts (not printed) are a cell
    too."""

    parts: tuple[str, ...]
    total: str | None = None
    rest: bool = False
    where: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class GroupTotal:
    """Down the rows: within each set of rows with the same ``within`` values, the rows whose
    ``label`` is not ``total`` add up to the row whose ``label`` is; with no ``label``, all the
    rows of the set add up to a total the reader knows (published elsewhere)."""

    columns: tuple[str, ...]
    within: tuple[str, ...] = ()
    label: str | None = None
    total: str | None = None


@dataclass(frozen=True)
class Window:
    """A rolling count: ``total`` in a row is the sum of ``part`` over the last ``width`` rows
    (in ``order``) of its set (rows with the same ``within`` values), where ``total`` is shown."""

    total: str
    part: str
    within: tuple[str, ...]
    order: str
    width: int


@dataclass(frozen=True)
class Link:
    """Cells of ``column`` (in the rows matching ``where``) are the same quantities as cells of
    ``source`` in table ``table`` (rows matching ``source_where``), row matched to row by
    ``on`` (this table's column -> the other table's column)."""

    column: str
    table: str
    source: str
    on: tuple[tuple[str, str], ...] = ()
    where: tuple[tuple[str, str], ...] = ()
    source_where: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RowRoles:
    """Roles that hold in the rows matching ``where`` only (a long table of several measures)."""

    where: tuple[tuple[str, str], ...]
    roles: tuple[tuple[str, Role], ...]


Relation = RowTotal | GroupTotal | Window
_RELATIONS: dict[str, type] = {"row_total": RowTotal, "group_total": GroupTotal, "window": Window}


@dataclass(frozen=True)
class Declared:
    """What a table's column names do not say, declared by the code that makes the table."""

    roles: Mapping[str, Role] = field(default_factory=dict)
    keys: tuple[str, ...] | None = None
    relations: tuple[Relation, ...] = ()
    links: tuple[Link, ...] = ()
    row_roles: tuple[RowRoles, ...] = ()
    infer_relations: bool = True


@dataclass
class TableLedger:
    """The ledger of one published table (``table``: its file name without ``.csv``)."""

    table: str
    keys: list[str]
    roles: dict[str, Role]
    relations: list[Relation] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    row_roles: list[RowRoles] = field(default_factory=list)

    def role(self, column: str, row: Mapping[str, Any] | None = None) -> Role:
        """The role of ``column`` in ``row`` (a mapping of column to published text)."""
        if row is not None:
            for rr in self.row_roles:
                if all(str(row.get(k)) == v for k, v in rr.where):
                    roles = dict(rr.roles)
                    if column in roles:
                        return roles[column]
        return self.roles.get(column, Role("other"))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form (no values, only column names and labels)."""
        def plain(obj: Any) -> Any:
            if isinstance(obj, Role):
                return obj.to_json()
            if isinstance(obj, tuple):
                return [plain(v) for v in obj]
            return obj

        def relation(r: Any) -> dict[str, Any]:
            name = next(k for k, v in _RELATIONS.items() if isinstance(r, v))
            return {"relation": name, **{f.name: plain(getattr(r, f.name)) for f in fields(r)}}

        return {
            "keys": self.keys,
            "roles": {c: r.to_json() for c, r in self.roles.items()},
            "relations": [relation(r) for r in self.relations],
            "links": [{f.name: plain(getattr(lk, f.name)) for f in fields(lk)} for lk in self.links],
            "row_roles": [{"where": plain(rr.where),
                           "roles": {c: r.to_json() for c, r in rr.roles}} for rr in self.row_roles],
        }

    @classmethod
    def from_json(cls, table: str, data: Mapping[str, Any]) -> TableLedger:
        """Read :meth:`to_json`."""
        def pairs(v: Sequence[Sequence[str]]) -> tuple[tuple[str, str], ...]:
            return tuple((a, b) for a, b in v)

        relations = []
        for r in data.get("relations", []):
            kind = _RELATIONS[r["relation"]]
            args = {k: (pairs(v) if k == "where" else tuple(v)) if isinstance(v, list) else v
                    for k, v in r.items() if k != "relation"}
            relations.append(kind(**args))
        links = [Link(lk["column"], lk["table"], lk["source"], pairs(lk["on"]), pairs(lk["where"]),
                      pairs(lk["source_where"])) for lk in data.get("links", [])]
        row_roles = [RowRoles(pairs(rr["where"]),
                              tuple((c, Role.from_json(r)) for c, r in rr["roles"].items()))
                     for rr in data.get("row_roles", [])]
        return cls(table, list(data.get("keys", [])),
                   {c: Role.from_json(r) for c, r in data.get("roles", {}).items()},
                   relations, links, row_roles)


def _infer_role(column: str, columns: Sequence[str]) -> Role:
    """A column's role from the project's naming conventions."""
    if column in _KEYS:
        return Role("key")
    if column in _COUNTS or _COUNT_PATTERN.search(column):
        return Role("count")
    if _PUBLIC_PATTERN.search(column):
        return Role("public")
    if column in _SURVIVAL:
        return Role("survival", at_risk="at_risk" if "at_risk" in columns else None)
    if column in _RATES:
        nums, dens, per = _RATES[column]
        num = next((c for c in nums if c in columns), None)
        den = next((c for c in dens if c in columns), None)
        if num and den:
            return Role("rate", num, den, per)
    match = re.fullmatch(r"rate_per_(\d+)", column)
    if match:
        num = next((c for c in columns if c.endswith("_12m")), None)
        den = next((c for c in columns if c.startswith("population_") and c != "population_year"),
                   None)
        return Role("rate", num, den, float(match.group(1))) if num and den else Role("derived")
    return Role("other")


def _infer_relations(table: pd.DataFrame, roles: Mapping[str, Role],
                     keys: Sequence[str]) -> list[Relation]:
    """Sums the column names and total rows show: costed + uncosted = all, at risk + events +
    censored = the group, a rolling count of quarters, an "All" row of the other rows."""
    cols = list(table.columns)
    counts = tuple(c for c in cols if roles[c].kind == "count")
    out: list[Relation] = []
    for c in cols:
        if f"costed_{c}" in cols and f"uncosted_{c}" in cols:
            out.append(RowTotal((f"costed_{c}", f"uncosted_{c}"), c))
    if {"at_risk", "events", "censored"} <= set(cols):
        out.append(RowTotal(("at_risk", "events", "censored")))
    for c in cols:
        stem = c[: -len("_12m")] if c.endswith("_12m") else None
        if stem and f"{stem}_quarter" in cols and "quarter" in cols:
            within = tuple(k for k in ("area",) if k in cols)
            out.append(Window(c, f"{stem}_quarter", within, "quarter", 4))
    for k in keys:
        values = set(table[k].astype(str))
        total = next((t for t in TOTAL_LABELS if t in values), None)
        if total is not None and len(values) > 1 and counts:
            out.append(GroupTotal(counts, tuple(x for x in keys if x != k), k, total))
    return out


def _from_rule(rule: Mapping[str, Any], columns: Sequence[str]
               ) -> tuple[dict[str, Role], list[Relation]]:
    """Roles and sums from the rule :func:`analysis.disclosure.suppress_counts` applied."""
    present = set(columns)
    counts = [c for c in rule["counts"] if c in present]
    roles = {c: Role("count") for c in counts}
    roles.update({d: Role("derived", sources=tuple(b for b in bases if b in present))
                  for d, bases in rule["derived"].items() if d in present})
    relations: list[Relation] = []
    if rule["sets"] is not None and counts:
        within = () if rule["sets"] is True else tuple(rule["sets"])
        if set(within) <= present:
            relations.append(GroupTotal(tuple(counts), within))
    for group in rule["row_sets"]:
        if set(group) <= present and len(group) > 1:
            relations.append(RowTotal(tuple(group)))
    for count, total in rule["complements"].items():
        if {count, total} <= present:
            relations.append(RowTotal((count,), total, rest=True))
    return roles, relations


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with text column names, each once (as its CSV reads back)."""
    named = df.set_axis([str(c) for c in df.columns], axis=1)
    return named.loc[:, ~named.columns.duplicated()]


def infer_ledger(table: str, df: pd.DataFrame) -> TableLedger:
    """The ledger of a published table from its column names and total rows alone."""
    df = _plain(df)
    cols = list(df.columns)
    roles = {c: _infer_role(c, cols) for c in cols}
    keys = [c for c in cols if roles[c].kind == "key"] or cols[:1]
    return TableLedger(table, keys, roles, _infer_relations(df, roles, keys))


def table_ledger(table: str, df: pd.DataFrame, declared: Declared | None = None) -> TableLedger:
    """The ledger of a published table: inferred, then the rule it was suppressed by, then
    what its maker declares (each overriding the one before where they differ)."""
    ledger = infer_ledger(table, df)
    cols = list(ledger.roles)
    rule = df.attrs.get(RULE_ATTR)
    if rule is not None:
        roles, relations = _from_rule(rule, cols)
        for c, r in roles.items():
            if not (r.kind == "derived" and ledger.roles[c].kind in ("rate", "survival")):
                ledger.roles[c] = r
        # Where the table has a total row, its sets add up to that row (and hold it), not to a
        # total published elsewhere (which the rule assumes to be on the safe side).
        plain = _plain(df)
        has_total_row = any(plain[k].astype(str).isin(TOTAL_LABELS).any()
                            for k in ledger.keys if k in plain.columns)
        ledger.relations += [r for r in relations
                             if not (has_total_row and isinstance(r, GroupTotal) and not r.label)]
    if declared is not None:
        ledger.roles.update({c: r for c, r in declared.roles.items() if c in ledger.roles})
        if declared.keys is not None:
            ledger.keys = list(declared.keys)
        if not declared.infer_relations:
            ledger.relations = []
        ledger.relations += list(declared.relations)
        ledger.links += list(declared.links)
        ledger.row_roles += list(declared.row_roles)
    unique: list[Relation] = []
    for rel in ledger.relations:
        if rel not in unique:
            unique.append(rel)
    return replace(ledger, relations=unique)


def hidden_exact(df: pd.DataFrame) -> list[tuple[int, str, float]]:
    """The exact numbers of the cells a published table hides: (row position, column, value).

    Read from the table's ``attrs`` (noted by :func:`analysis.disclosure.apply_masks`); cells
    the table shows, and cells whose row or column the table no longer has, are left out.
    """
    exact = df.attrs.get(EXACT_ATTR, {})
    if not exact or not df.index.is_unique:
        return []
    out = []
    for col, values in exact.items():
        if col not in df.columns:
            continue
        j = df.columns.get_loc(col)
        for label, value in values.items():
            if label in df.index:
                i = int(df.index.get_loc(label))
                if not shows_number(df.iat[i, j]):
                    out.append((i, str(col), float(value)))
    return sorted(out)
