"""Performance measures of a reducing-reoffending strategy: are we meeting our targets?

The measures answer the question a Reducing Reoffending Strategy Group asks each quarter.
Definitions, the red/amber/green rule and the differences from the official measures are in
``docs/performance_measures.md``. Everything works on a *performance frame*, one row per person
(:func:`run_frame`): in the records form every person with their reporting quarter and the
proven-reoffending measures of those whose follow-up and waiting period have ended; for
survival-form data the cohort frame as it is, from which only some measures can be computed
(:func:`availability`).

Submodules
----------
``targets``
    The six Pan-Dorset measures and their published targets.
``frame``
    Reporting quarters and the performance frame.
``indicators``
    The six measures with Wilson intervals, red/amber/green status and quarterly trends.
``moj``
    Ministry of Justice proven-reoffending measures by quarterly cohort.
``youth_justice``
    First-time entrants and the custody rate per population aged 10-17.
``iom``
    Integrated Offender Management indicators.
``needs``
    The criminogenic needs profile beside the published Dorset table.
``fair_comparison``
    Funnel-plot tables and indirect standardisation against the national rate.
``report``
    The performance report (Appendix 4 layout of the Safe Durham strategy).
``report_sources``
    The published tables the report quotes, and the cells they withhold.
``published``
    The small-count rule applied to the performance tables.
``availability``
    Which parts of the analysis the data allow.
"""

from analysis.measures.performance.availability import availability
from analysis.measures.performance.fair_comparison import (
    STANDARDISED_COUNTS,
    STANDARDISED_DERIVED,
    FairComparison,
    fair_comparison,
)
from analysis.measures.performance.frame import (
    ADULT,
    ALL,
    CHILD,
    performance_frame,
    quarter_key,
    quarter_table,
    run_frame,
)
from analysis.measures.performance.indicators import (
    MEASURE_COMPLEMENTS,
    MEASURE_COUNTS,
    MEASURE_DERIVED,
    NOT_RATED,
    RAG_RULES,
    PanDorset,
    measure_trends,
    pan_dorset,
    pan_dorset_measures,
    rag_status,
    trend_test,
)
from analysis.measures.performance.iom import (
    IomIndicators,
    detected_crime_change,
    iom_detected_crime_change,
    iom_indicators,
    iom_reoffending,
    iom_time_to_reoffence,
)
from analysis.measures.performance.moj import (
    QuarterlyReoffending,
    quarterly_reoffending,
    reoffending_by_quarter,
)
from analysis.measures.performance.needs import (
    COMPARISON_DERIVED,
    NEEDS_COUNTS,
    NeedsProfile,
    compare_needs,
    needs_profile,
    published_needs_assessed,
)
from analysis.measures.performance.published import publish, published_iom, published_rolling
from analysis.measures.performance.report import (
    REPORT_INDICATORS,
    Indicator,
    Report,
    performance_report,
    report_layout,
    report_long,
)
from analysis.measures.performance.targets import PAN_DORSET_MEASURES, Measure, pan_dorset_targets
from analysis.measures.performance.youth_justice import (
    POPULATION_COLUMNS,
    YouthJustice,
    custody_rate,
    first_time_entrants,
    read_population,
    youth_justice,
)

__all__ = [
    # targets
    "Measure",
    "PAN_DORSET_MEASURES",
    "pan_dorset_targets",
    # frame
    "ADULT",
    "CHILD",
    "ALL",
    "quarter_table",
    "quarter_key",
    "performance_frame",
    "run_frame",
    # indicators
    "RAG_RULES",
    "NOT_RATED",
    "MEASURE_COUNTS",
    "MEASURE_DERIVED",
    "MEASURE_COMPLEMENTS",
    "rag_status",
    "pan_dorset_measures",
    "trend_test",
    "measure_trends",
    "PanDorset",
    "pan_dorset",
    # moj
    "reoffending_by_quarter",
    "QuarterlyReoffending",
    "quarterly_reoffending",
    # youth_justice
    "POPULATION_COLUMNS",
    "read_population",
    "first_time_entrants",
    "custody_rate",
    "YouthJustice",
    "youth_justice",
    # iom
    "iom_reoffending",
    "detected_crime_change",
    "iom_detected_crime_change",
    "iom_time_to_reoffence",
    "IomIndicators",
    "iom_indicators",
    # needs
    "published_needs_assessed",
    "compare_needs",
    "NEEDS_COUNTS",
    "COMPARISON_DERIVED",
    "NeedsProfile",
    "needs_profile",
    # fair_comparison
    "STANDARDISED_COUNTS",
    "STANDARDISED_DERIVED",
    "FairComparison",
    "fair_comparison",
    # report
    "Indicator",
    "REPORT_INDICATORS",
    "report_long",
    "report_layout",
    "Report",
    "performance_report",
    # published
    "publish",
    "published_rolling",
    "published_iom",
    # availability
    "availability",
]
