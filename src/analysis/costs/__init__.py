"""Unit costs of crime, price uprating, offence mapping and the costing of offences.

The unit costs are those of the Home Office report "The economic and social costs of crime",
second edition (Heeks, Reed, Tafsiri and Prince 2018, Research Report 99), in 2015/16 prices,
kept in ``data/costs/unit_costs.csv`` with the provenance of every row (see
``data/costs/README.md``). Nothing is ever costed at zero by default:

* a local offence description or code that is not in the mapping table is **unmapped**;
* an offence the mapping table sends to ``uncosted: <reason>`` (a motoring offence, possession
  of a weapon) is **outside the unit-cost categories**;
* a category with no unit cost in the report (handling stolen goods, going equipped, public
  order, breach of an order, drug offences; fraud, whose costs come from a separate source) has
  status ``no_published_unit_cost``;
* a category the report costs but whose figure could not be verified from a stored copy has
  status ``not_transcribed``;

and every such offence is counted and listed by :func:`uncosted_offences` beside the costs.

Prices are uprated with an HM Treasury GDP deflator table (``data/costs/gdp_deflators.csv``):
``cost(price year) = cost(base year) * index(price year) / index(base year)``, where a "year"
is the financial year starting in it (2015 = 2015-16).

Attempts (a ``1`` in the offences' ``attempt`` column, or a mapping row that marks the local
description itself as an attempt, e.g. "attempted dwelling burglary") are costed at
``attempt_fraction`` of the full unit cost (parameter ``costs.attempt_fraction``).

Submodules
----------
statuses
    The cost status of a category or offence, and why an offence is not costed.
unit_costs
    Reading and checking the unit costs, deflators, offence mapping and case studies.
prices
    Uprating to a price year, the provenance of the values and price-year labels.
offence_mapping
    Mapping offence descriptions to categories and costing offences.
offence_matching
    Matching a description or Home Office code to a mapping row.
mapping_table
    Reading the mapping files: the bundled one and a user's own rows.
coverage
    The share of reoffences not costed, and the warning above a threshold.
cost_csv
    The shared reader of the cost CSV files.
case_studies
    The Pan-Dorset case studies against the project's table.
cohort_costs
    The cohort's cost of proven reoffending and the change in offending.
published
    The cost tables under the small-count rule.
money
    How amounts of money are written.
value_for_money
    Costs an intervention averts and its value for money.
"""

from analysis.costs.case_studies import (
    case_study_evidence,
    case_study_outcomes,
    cost_case_studies,
)
from analysis.costs.cohort_costs import (
    average_unit_cost,
    change_in_offending,
    group_costs,
    person_costs,
    reoffence_cost_outcome,
    reoffence_costs,
)
from analysis.costs.coverage import (
    Coverage,
    cost_coverage,
    coverage_results,
    coverage_text,
    reoffence_coverage,
    run_summary_lines,
)
from analysis.costs.mapping_table import merge_mappings
from analysis.costs.money import gbp
from analysis.costs.offence_mapping import (
    cost_offences,
    mapping_used,
    normalise_description,
    uncosted_offences,
)
from analysis.costs.prices import (
    base_price_year,
    price_label,
    provenance_summary,
    provenance_text,
    unit_costs_at,
    uprating_factor,
)
from analysis.costs.published import (
    published_change,
    published_costs,
    published_mapping,
    published_uncosted,
)
from analysis.costs.statuses import COSTED, NO_UNIT_COST, NOT_TRANSCRIBED, OUTSIDE, UNMAPPED
from analysis.costs.unit_costs import (
    CostTables,
    cost_files,
    financial_year,
    load_cost_tables,
    read_case_studies,
    read_deflators,
    read_mapping,
    read_unit_costs,
)

__all__ = [
    "COSTED",
    "NO_UNIT_COST",
    "NOT_TRANSCRIBED",
    "UNMAPPED",
    "OUTSIDE",
    "CostTables",
    "cost_files",
    "load_cost_tables",
    "read_unit_costs",
    "read_deflators",
    "read_mapping",
    "merge_mappings",
    "read_case_studies",
    "financial_year",
    "uprating_factor",
    "unit_costs_at",
    "provenance_summary",
    "provenance_text",
    "base_price_year",
    "price_label",
    "normalise_description",
    "cost_offences",
    "uncosted_offences",
    "mapping_used",
    "cost_case_studies",
    "case_study_outcomes",
    "case_study_evidence",
    "reoffence_costs",
    "reoffence_cost_outcome",
    "person_costs",
    "group_costs",
    "change_in_offending",
    "average_unit_cost",
    "published_mapping",
    "published_uncosted",
    "published_costs",
    "published_change",
    "gbp",
    "Coverage",
    "cost_coverage",
    "reoffence_coverage",
    "coverage_results",
    "coverage_text",
    "run_summary_lines",
]
