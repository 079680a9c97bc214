"""Disclosure control for published tables: the policy, in one place, and the code that applies it.

Modules: :mod:`~analysis.disclosure.policy` holds the run's policy and tells a shown number from a mark;
:mod:`~analysis.disclosure.rules` applies the policy to a table;
:mod:`~analysis.disclosure.marks` keeps the marks of hidden cells from pinning them;
:mod:`~analysis.disclosure.ledger` records how the cells of each published table add up;
:mod:`~analysis.disclosure.cells` reads a published cell; :mod:`~analysis.disclosure.bounds`
bounds hidden cells by linear programming; :mod:`~analysis.disclosure.audit` searches a run's
published outputs for a count of 1-4 people that can be worked out;
:mod:`~analysis.disclosure.text` finds the numbers quoted in sentences.

Policy (applied to every number a run publishes: tables, ``results.json``, sentences in the
notebooks and the report, values drawn in figures):

1. **Threshold (primary suppression).** A count of people or offences from 1 to
   ``min_cell - 1`` (``disclosure.min_cell``, default 5: counts 1 to 4) is shown as ``"<5"``;
   zero is shown, since it discloses nothing about a person.
2. **Rounding (optional).** With ``disclosure.rounding: 5`` every count a published table shows
   is rounded to the nearest 5 (8 reads 10, 7 reads 5), as some official statistics publish;
   it is applied on top of the threshold, never instead of it. Derived values are computed
   from the exact counts. Default ``null``: counts are shown exactly.
3. **Derived values.** A percentage, rate or mean computed from a suppressed count is shown as
   ``"suppressed"``, wherever it is printed: a rate whose numerator count is suppressed in its
   published table is suppressed in every other table, sentence and figure too (the
   performance report reads the tables it quotes, :mod:`analysis.measures.performance.report`).
   A group's mean of a 0/1 variable, beside the group's size, gives a count: it is suppressed
   where that count, or the people without, is small
   (:func:`analysis.measures.balance.published_balance`, :func:`analysis.models.effects.published_means`).
   An estimate's or a set of weights' group size of 1 to ``min_cell - 1`` (an IPW common
   support of a handful of people) reads ``"<5"``, and every value of its row ``"suppressed"``
   (:func:`analysis.models.effects.published_sizes`,
   :func:`analysis.models.effects.published_weights`); figures, sentences and headlines read
   the rows the table shows.
   A performance measure's Red/Amber/Green status beside a hidden rate reads "Not rated": it
   would tell on which side of the target the rate lies.
4. **Secondary suppression.** Where cells add up to a total that is published or can be worked
   out (the levels of one variable, the groups of a by-group table), a single suppressed cell
   could be recovered by subtraction. So when exactly one cell of such a set is suppressed, the
   smallest other non-zero cell of the set is suppressed too (with its derived values); where
   every other cell of the set is 0, a zero is hidden instead (it reads ``"suppressed"``). Sets
   run down a column (the groups of a table, the quarters of an "All cohorts" row) and, where
   the counts of a row add up to a known total, across the row; both are applied until neither
   adds a cell. A rolling 12-month count whose window holds a suppressed quarter is suppressed
   too (:func:`analysis.measures.performance.published_rolling`), and reads ``"<5"`` only
   where its quarters already say it is below ``min_cell``, ``"suppressed"`` elsewhere (a bound
   on a sum of ``"<5"`` quarters could pin them). A count of 0 beside a hidden complement (0
   reoffenders of ``"<5"`` offenders) is hidden too: it would give the rest back. The same
   count published in two tables (the IOM custody leavers in the reoffending rates and the time
   to reoffence; a group's "All cohorts" row and the cohort notebook's table by group) is
   hidden alike in both (``forced`` of :func:`suppress_counts`). Where the parts marked
   ``"<5"`` of a set with a shown total would be pinned by it (six ``"<5"`` quarters of a total
   of 6 are 1 each), they read ``"suppressed"`` instead (:func:`unpinned_marks`), and so where the set's total is
   published elsewhere (two ``"<5"`` groups of a weighted curve of 2 people, a ``"<5"``
   subgroup level beside a ``"suppressed"`` one adding up to 1; :func:`unpinned_set_marks`,
   applied by :func:`suppress_counts` with ``sets``); so does a
   ``"<5"`` count beside its shown total of ``min_cell`` (5 offenders, ``"<5"`` reoffenders:
   1 to 4 did not reoffend), in every table that publishes that count
   (:func:`unpinned_rests`), and so does a ``"<5"`` count whose parts, marked too, make it at
   least so large that the rest of its shown total is 1 to 4 (7 children, ``"<5"`` of them
   reoffending in all, three ``"<5"`` quarters: 3 or 4 did not; ``floors`` of
   :func:`unpinned_rests`, :func:`set_floors`). A shown total that would leave every hidden part
   at the least its marks and its parts' marks allow (six first-time entrants in five ``"<5"``
   quarters, one of them of two ``"<5"`` areas), or every one at ``min_cell - 1``, reads
   ``"suppressed"`` itself (:func:`pinned_totals`;
   :func:`analysis.measures.performance.report_sources.pinned_count_totals`). A group mean is
   judged on the people its row was estimated on (``samples`` of
   :func:`analysis.models.effects.published_means`), and a headline records a group's risk as
   its published table shows it. Cells not printed but given by
   subtraction count as cells of the set: in tables of shares (a Table 1, needs prevalence) the
   people without a flag and the people without a value (:func:`share_masks`); in survival
   tables the people neither reoffending nor completing a period, whose count is not printed
   (:func:`analysis.models.survival.published_horizons`).
5. **Headline estimates.** A rate, survival probability or effect of a group of
   :data:`HEADLINE_MIN_PEOPLE` (100) people or more is never suppressed because of a small count
   elsewhere: only where its own numerator, or the group's people without the event, is from
   1 to ``min_cell - 1``. Secondary suppression then hides counts, not the estimate; it picks a
   cell that the shown estimate does not give back. Two large estimates that add up to a
   published total with a small group beside them cannot both be shown: where the children of
   a cohort are 1 to 4 reoffenders, the whole cohort's rate is shown and the adults' is not.
6. **Flows.** Record-flow and matching-attrition tables show the people kept at each step;
   counts from 1 to ``min_cell - 1`` read ``"<5"``, but a small exclusion remains the
   difference of two shown totals (:func:`analysis.measures.cohort.published_flow`,
   :func:`analysis.models.effects.matching.published_attrition`). A loss beside a ``"<5"``
   count kept reads ``"suppressed"``: the step before minus the loss would give the count
   kept back (:func:`flow_losses`).
7. **Figures and sentences** read the published tables only: they show no value that a table
   withholds. Kaplan-Meier curves, whose steps are single events, are drawn only for groups
   whose values at every horizon are shown; their numbers at risk are those of the published
   at-risk table. A histogram beside its group's size draws no bar of 1 to ``min_cell - 1``
   people, nor the smallest others while the bars not drawn hold 1 to ``min_cell - 1`` people
   in all (:func:`undrawn_bars`). A sentence gives a count as :func:`count_text` writes it.
8. **Exempt.** Public figures that are not counts of the people in the data: population
   estimates (the performance measures' population aged 10-17), published comparators and
   reference figures. Model coefficients, test statistics and p-values are not counts.
9. **Cohorts too small to publish.** With fewer than ``2 * min_cell`` people measured (10 by
   default), every split of the cohort in two leaves a side of 1 to ``min_cell - 1`` people, so
   no rate, table or figure of it is safe. Every notebook still runs, and publishes only the
   number of people measured and a statement of why nothing else is published
   (:func:`too_small_to_publish`; :meth:`analysis.presentation.outputs.RunOutput.withhold`).

Tables are suppressed for display and publication only; analyses use the exact counts. The
policy of a run (threshold and rounding) is set once, from its parameters, by
:func:`set_policy` (:func:`analysis.running.session.start`); :func:`policy` reads it.
"""

from __future__ import annotations

from analysis.disclosure.marks import (
    least_counts,
    pinned_totals,
    set_floors,
    unpinned_marks,
    unpinned_rests,
    unpinned_set_marks,
)
from analysis.disclosure.policy import (
    SUPPRESSED,
    Policy,
    is_shown,
    is_withheld,
    policy,
    set_policy,
    shows_number,
)
from analysis.disclosure.rules import (
    EXACT_ATTR,
    HEADLINE_MIN_PEOPLE,
    RULE_ATTR,
    apply_masks,
    count_text,
    flow_losses,
    is_small,
    round_counts,
    secondary_around,
    share_masks,
    shown_count,
    shown_rows,
    small_flag_cells,
    smallest_publishable_cohort,
    suppress_counts,
    suppress_where,
    suppression_mask,
    suppression_masks,
    too_small_to_publish,
    undrawn_bars,
)

__all__ = ["apply_masks", "count_text", "shown_count", "is_small", "secondary_around", "is_shown",
           "share_masks", "shown_rows", "shows_number", "small_flag_cells", "suppression_mask",
           "suppression_masks", "suppress_counts", "suppress_where", "EXACT_ATTR", "RULE_ATTR",
           "SUPPRESSED", "HEADLINE_MIN_PEOPLE", "Policy", "policy", "set_policy", "round_counts",
           "is_withheld", "unpinned_marks", "unpinned_rests", "smallest_publishable_cohort",
           "too_small_to_publish", "least_counts", "pinned_totals", "set_floors",
           "unpinned_set_marks", "flow_losses", "undrawn_bars"]
