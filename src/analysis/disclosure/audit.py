"""The disclosure audit by arithmetic: can a reader work out a count of 1 to 4 people?

The published tables of a run, with their ledgers (:mod:`analysis.disclosure.ledger`), are
turned into what a reader knows about each count of people: a shown count is known; ``"<5"``
is 1 to 4; ``"suppressed"`` is some count of 0 or more. Cells linked across tables are one
quantity (known if any copy shows it). The reader's arithmetic becomes linear constraints:

- **(a) a rate times its denominator**: a rate shown to ``k`` decimals gives an interval, so
  ``lo <= per * numerator / denominator <= hi`` with a shown (or unknown) denominator;
- **(b) a total minus the shown parts**: the sums of the ledger, across a row, down a set of
  rows to a total row or a known total, and rolling windows of quarters;
- **(c) a rate times a published population**: as (a), with a public figure as denominator.

For every hidden count (and every unprinted count a sum implies, such as the people of a total
in none of its parts) the smallest and largest whole numbers the constraints allow are found by
integer programming (:func:`scipy.optimize.milp`). A count of 1 to 4 is disclosed when they
are equal, or when a count not already shown as ``"<5"`` is pinned between 1 and 4. The attacks
a finding names are those without which it would not be disclosed. A count of 1 to 4 shown as
it is, and a value (a rate, an interval) suppressed in one table and shown in another (d), are
reported too. Sums are checked against the exact values of
the hidden cells where those are known; a sum they contradict is left out and reported, never
used.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from analysis.disclosure.bounds import (
    Constraint,
    Var,
    components,
    disclosed,
    lowest,
    may_disclose,
    solve,
)
from analysis.disclosure.cells import ATTACKS, Cell, Finding, cell_name, read_cell
from analysis.disclosure.ledger import GroupTotal, RowTotal, TableLedger, Window

__all__ = ["Audit", "audit_tables"]

CellId = tuple[str, int, str]


@dataclass
class Audit:
    """What the audit found: ``findings`` (disclosures) and ``unchecked`` (sums of a ledger that
    the exact values contradict, left out)."""

    findings: list[Finding] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)


class _System:
    """What a reader knows about the cells of the published tables."""

    def __init__(self, tables: Mapping[str, pd.DataFrame], ledgers: Mapping[str, TableLedger],
                 exact: Mapping[str, Mapping[tuple[int, str], float]], min_cell: int):
        self.tables, self.ledgers, self.exact, self.min_cell = tables, ledgers, exact, min_cell
        self.parent: dict[CellId, CellId] = {}
        self.constraints: list[Constraint] = []
        self.bounds: dict[Var, tuple[float, float]] = {}
        self.truth: dict[Var, float] = {}
        self.rows = {t: df.to_dict("records") for t, df in tables.items()}
        self.unchecked: list[str] = []
        self._link()
        self._members: dict[CellId, list[CellId]] = defaultdict(list)
        for c in self.parent:
            self._members[self.find(c)].append(c)

    # -- cells and links ------------------------------------------------------------------
    def find(self, c: CellId) -> CellId:
        while self.parent.get(c, c) != c:
            c = self.parent[c]
        return c

    def members(self, c: CellId) -> list[CellId]:
        root = self.find(c)
        return self._members.get(root, [root])

    def _link(self) -> None:
        for name, ledger in self.ledgers.items():
            for lk in ledger.links:
                if lk.table not in self.tables or lk.column not in self.tables[name]:
                    continue
                source = self.rows[lk.table]
                for i, row in enumerate(self.rows[name]):
                    if not all(str(row.get(k)) == v for k, v in lk.where):
                        continue
                    for j, other in enumerate(source):
                        if (all(str(other.get(k)) == v for k, v in lk.source_where)
                                and all(str(row.get(a)) == str(other.get(b)) for a, b in lk.on)):
                            self._union((name, i, lk.column), (lk.table, j, lk.source), lk)

    def _union(self, a: CellId, b: CellId, link: object) -> None:
        """Join two cells into one quantity, unless their known values differ."""
        va, vb = self._known(a), self._known(b)
        if va is not None and vb is not None and (va[0] > vb[1] or vb[0] > va[1]):
            self.unchecked.append(f"{a[0]}: {link} does not hold")
            return
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb
        self.parent.setdefault(rb, rb)

    def _known(self, c: CellId) -> tuple[float, float] | None:
        """The values a cell can have: its shown interval, or its exact value."""
        cell = self.read(c)
        v = cell.value if cell.state == "shown" else self.exact.get(c[0], {}).get((c[1], c[2]))
        if v is None:
            return None
        slack = max(cell.half_width if cell.state == "shown" else 0.0, 1e-9 * max(1.0, abs(v)))
        return v - slack, v + slack

    def read(self, c: CellId) -> Cell:
        return read_cell(self.rows[c[0]][c[1]].get(c[2]))

    def role(self, c: CellId) -> str:
        return self.ledgers[c[0]].role(c[2], self.rows[c[0]][c[1]]).kind

    def is_count(self, c: CellId) -> bool:
        return any(self.role(m) == "count" for m in self.members(c))

    def exact_of(self, c: CellId) -> float | None:
        for m in self.members(c):
            cell = self.read(m)
            if cell.state == "shown":
                return cell.value
            v = self.exact.get(m[0], {}).get((m[1], m[2]))
            if v is not None:
                return v
        return None

    def term(self, c: CellId) -> tuple[float, Var | None] | None:
        """A count cell as (constant, None) when known, (0, variable) when hidden, None if blank."""
        states = [self.read(m) for m in self.members(c)]
        shown = [s for s in states if s.state == "shown"]
        if shown:
            return float(round(shown[0].value)), None
        if not any(s.state in ("small", "hidden") for s in states):
            return None
        var: Var = ("cell", self.find(c))
        small = any(s.state == "small" for s in states)
        self.bounds[var] = (1.0, self.min_cell - 1.0) if small else (0.0, math.inf)
        truth = self.exact_of(c)
        if truth is not None:
            self.truth[var] = truth
        return 0.0, var

    def interval(self, c: CellId) -> tuple[float, float] | None:
        """What a reader knows of a (rate) cell from every shown copy."""
        lo, hi = -math.inf, math.inf
        for m in self.members(c):
            cell = self.read(m)
            if cell.state == "shown":
                a, b = cell.interval
                lo, hi = max(lo, a), min(hi, b)
        return None if math.isinf(lo) else (lo, hi)

    # -- constraints ----------------------------------------------------------------------
    def add_sum(self, parts: list[CellId], total: CellId | float | None, rest: Var | None,
                table: str, what: str) -> None:
        """``sum(parts) (+ rest) = total``; a None total is the known total of the parts."""
        coeffs: dict[Var, float] = defaultdict(float)
        const, tables, truth = 0.0, {table}, 0.0
        for p in parts:
            t = self.term(p)
            if t is None:
                return
            const += t[0]
            if t[1] is not None:
                coeffs[t[1]] += 1.0
            truth += self.truth.get(t[1], t[0]) if t[1] is not None else t[0]
            tables |= {m[0] for m in self.members(p)}
        if isinstance(total, tuple):
            t = self.term(total)
            if t is None:
                return
            const -= t[0]
            if t[1] is not None:
                coeffs[t[1]] -= 1.0
            total_truth = self.truth.get(t[1], math.nan) if t[1] is not None else t[0]
            tables |= {m[0] for m in self.members(total)}
        else:
            known = [v for v in coeffs if v not in self.truth]
            if total is None and known:
                return
            total_truth = truth if total is None else float(total)
            const -= total_truth
        if rest is not None:
            coeffs[rest] += 1.0
            self.bounds[rest] = (0.0, math.inf)
            if not math.isnan(total_truth) and all(v in self.truth for v in coeffs if v != rest):
                self.truth[rest] = total_truth - truth
        if not coeffs:
            return
        if all(v in self.truth for v in coeffs):
            value = sum(a * self.truth[v] for v, a in coeffs.items()) + const
            negative = rest is not None and self.truth.get(rest, 0.0) < -1e-9
            if abs(value) > 1e-6 * max(1.0, abs(const)) or negative:
                self.unchecked.append(f"{table}: {what} does not hold")
                return
        self.constraints.append(Constraint(dict(coeffs), -const, -const, "b", frozenset(tables)))

    def relations(self) -> None:
        for name, ledger in self.ledgers.items():
            if name not in self.tables:
                continue
            for rel in ledger.relations:
                if isinstance(rel, RowTotal):
                    self._row_total(name, rel)
                elif isinstance(rel, GroupTotal):
                    self._group_total(name, rel)
                elif isinstance(rel, Window):
                    self._window(name, rel)

    def _row_total(self, name: str, rel: RowTotal) -> None:
        cols = self.tables[name].columns
        if not set(rel.parts) <= set(cols) or (rel.total and rel.total not in cols):
            return
        for i, row in enumerate(self.rows[name]):
            if not all(str(row.get(k)) == v for k, v in rel.where):
                continue
            rest = ("rest", name, i, rel.parts, rel.total) if rel.rest and rel.total else None
            total = (name, i, rel.total) if rel.total else None
            self.add_sum([(name, i, p) for p in rel.parts], total, rest, name,
                         f"{' + '.join(rel.parts)} = {rel.total or 'a known total'}")

    def _sets(self, name: str, within: Iterable[str]) -> list[list[int]]:
        df = self.tables[name]
        within = [w for w in within if w in df.columns]
        if not within:
            return [list(range(len(df)))]
        keys = df[within].astype(str).agg("|".join, axis=1).reset_index(drop=True)
        return [list(ix) for ix in keys.groupby(keys, sort=False).groups.values()]

    def _group_total(self, name: str, rel: GroupTotal) -> None:
        df = self.tables[name]
        if not set(rel.columns) <= set(df.columns) or (rel.label and rel.label not in df.columns):
            return
        for rows in self._sets(name, rel.within):
            if rel.label:
                totals = [i for i in rows if str(self.rows[name][i][rel.label]) == rel.total]
                parts = [i for i in rows if i not in totals]
                if len(totals) != 1 or not parts:
                    continue
            for col in rel.columns:
                if rel.label:
                    self.add_sum([(name, i, col) for i in parts], (name, totals[0], col), None,
                                 name, f"the rows of {col} to their {rel.total} row")
                else:
                    self.add_sum([(name, i, col) for i in rows], None, None, name,
                                 f"the rows of {col} to a known total")

    def _window(self, name: str, rel: Window) -> None:
        df = self.tables[name]
        if not {rel.total, rel.part, rel.order} <= set(df.columns):
            return
        for rows in self._sets(name, rel.within):
            rows = sorted(rows, key=lambda i: str(self.rows[name][i][rel.order]))
            for p, i in enumerate(rows):
                if p + 1 < rel.width or self.read((name, i, rel.total)).state == "blank":
                    continue
                parts = [(name, j, rel.part) for j in rows[p + 1 - rel.width: p + 1]]
                self.add_sum(parts, (name, i, rel.total), None, name,
                             f"{rel.total} as the sum of {rel.width} rows of {rel.part}")

    def rates(self) -> None:
        seen = set()
        for name, ledger in self.ledgers.items():
            if name not in self.tables:
                continue
            for i, row in enumerate(self.rows[name]):
                for col in self.tables[name].columns:
                    role = ledger.role(col, row)
                    if role.kind != "rate" or not role.numerator or not role.denominator:
                        continue
                    key = (self.find((name, i, col)), self.find((name, i, role.numerator)),
                           self.find((name, i, role.denominator)))
                    if key not in seen:
                        seen.add(key)
                        self._rate(name, i, col, role.numerator, role.denominator, role.per or 1.0)

    def _rate(self, name: str, i: int, col: str, num: str, den: str, per: float) -> None:
        if num not in self.tables[name].columns or den not in self.tables[name].columns:
            return
        shown = self.interval((name, i, col))
        n = self.term((name, i, num))
        public = self.ledgers[name].role(den, self.rows[name][i]).kind == "public"
        d_cell = self.read((name, i, den))
        d = (d_cell.value, None) if public and d_cell.state == "shown" else self.term((name, i, den))
        if shown is None or n is None or d is None or (n[1] is None and d[1] is None):
            return
        lo, hi = shown
        tables = frozenset(m[0] for c in ((name, i, col), (name, i, num)) for m in self.members(c))
        attack = "c" if public else "a"
        # per * n - hi * d <= 0 and lo * d - per * n <= 0, constants moved to the bounds
        for a_n, a_d in ((per, -hi), (-per, lo)):
            coeffs: dict[Var, float] = defaultdict(float)
            const = 0.0
            for (c0, var), a in ((n, a_n), (d, a_d)):
                if var is None:
                    const += a * c0
                else:
                    coeffs[var] += a
            self.constraints.append(Constraint(dict(coeffs), -math.inf, -const, attack, tables))


def audit_tables(tables: Mapping[str, pd.DataFrame], ledgers: Mapping[str, TableLedger],
                 exact: Mapping[str, Mapping[tuple[int, str], float]] | None = None,
                 min_cell: int = 5) -> Audit:
    """Try attacks (a) to (c), and (d) across linked tables, on the published tables.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Each published table as a reader has it (the text of the CSV, or numbers).
    ledgers : mapping of str to TableLedger
        The ledger of each table (same names).
    exact : mapping, optional
        For each table, the exact value of each hidden cell by (row position, column): checks
        the ledger's sums against the truth and makes "a known total" usable.
    min_cell : int
        Smallest count shown.

    Returns
    -------
    Audit
    """
    system = _System(tables, ledgers, exact or {}, min_cell)
    system.relations()
    system.rates()
    audit = Audit(unchecked=list(dict.fromkeys(system.unchecked)))
    for variables, cons in components([c for c in system.constraints if c.coeffs]):
        for target in variables:
            small_shown = False
            if target[0] == "cell":
                small_shown = any(system.read(m).state == "small" for m in system.members(target[1]))
            low = lowest(variables, cons, system.bounds, target)
            span = (None if low is None else (low, math.inf) if not may_disclose(low, min_cell)
                    else solve(variables, cons, system.bounds, target))
            if span is None:
                tables_of = sorted({t for c in cons for t in c.tables})
                audit.unchecked.append(f"{', '.join(tables_of)}: their sums and rates cannot all hold")
                break
            if not disclosed(span, small_shown, min_cell):
                continue
            needed = [x for x in sorted({c.attack for c in cons})
                      if not disclosed(solve(variables, [c for c in cons if c.attack != x],
                                               system.bounds, target), small_shown, min_cell)]
            audit.findings.append(_finding(system, target, needed or sorted({c.attack for c in cons}),
                                           span, {t for c in cons for t in c.tables}))
    audit.findings = _shown_small(system) + audit.findings + _shown_elsewhere(system)
    return audit


def _shown_small(system: _System) -> list[Finding]:
    """Counts of 1 to ``min_cell - 1`` a table shows as they are (the rule's first step)."""
    out = []
    for name, rows in system.rows.items():
        for i, row in enumerate(rows):
            for col in system.tables[name].columns:
                if system.ledgers[name].role(col, row).kind != "count":
                    continue
                cell = system.read((name, i, col))
                if cell.state == "shown" and 1 <= round(cell.value) < system.min_cell:
                    out.append(Finding(name, cell_name(system.tables[name], system.ledgers[name].keys,
                                                       i, col),
                                       "the rule's first step",
                                       f"a count of 1 to {system.min_cell - 1} is shown"))
    return out


def _finding(system: _System, target: Var, attacks: list[str], span: tuple[float, float] | None,
             tables: set[str]) -> Finding:
    exact = span is not None and math.ceil(span[0] - 1e-6) == math.floor(span[1] + 1e-6)
    how = (f"a count of 1 to {system.min_cell - 1} can be worked out "
           + ("exactly" if exact else f"to lie between 1 and {system.min_cell - 1}"))
    if target[0] == "cell":
        table, row, col = system.members(target[1])[0]
    else:
        _, table, row, parts, total = target
        col = f"{total} not in {' + '.join(parts)} (not printed)"
    name = cell_name(system.tables[table], system.ledgers[table].keys, row, col)
    attack = "; ".join(f"{x}: {ATTACKS[x]}" for x in attacks)
    return Finding(table, name, attack, how, tuple(f"{t}.csv" for t in sorted(tables - {table})))


def _shown_elsewhere(system: _System) -> list[Finding]:
    """A rate, interval or other value suppressed in one table and shown in another (a count
    shown elsewhere is a known cell of the arithmetic above, a finding only if it gives one away)."""
    out = []
    for root, members in system._members.items():
        if system.is_count(root):
            continue
        states = {m: system.read(m).state for m in members}
        shown = sorted({f"{m[0]}.csv" for m, s in states.items() if s == "shown"})
        for m, s in states.items():
            if s in ("small", "hidden") and shown:
                name = cell_name(system.tables[m[0]], system.ledgers[m[0]].keys, m[1], m[2])
                out.append(Finding(m[0], name, f"d: {ATTACKS['d']}",
                                   "suppressed here but shown in another table", tuple(shown)))
    return out
