"""How the disclosure audit reads the run's texts and figures: a number is what text prints as
one (a CSV file's commas separate fields; thousands come in groups of three), and a line a plot
declares a curve (a funnel plot's control limits) is read as a curve, however few its points."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd

from analysis.disclosure.text import Hidden, drawn_in_figures, printed_elsewhere
from analysis.measures.national import funnel_curves, funnel_limits
from analysis.presentation.disclosure_records import figure_data, mark_curves
from analysis.presentation.performance_plots import funnel_figure

#: The lower 95% interval limit of a hidden survival row, in percent.
BOUND = Hidden("km", "cumulative_ci_low_pct, row 2", "derived", 5.100389020620566, 1)


def _found(text: str, source: str) -> list[str]:
    return [f.table for f in printed_elsewhere([BOUND], {source: text})]


def test_csv_fields_are_not_read_as_one_number() -> None:
    # "<5" beside "10.0" is not 510.0 (100 times the hidden 5.1004)
    row = "iom_custody_reoffending,Proportion (%),pct,All cohorts,suppressed,<5,10.0,suppressed\n"
    assert _found(row, "05_performance_measures__performance_report_long.csv") == []
    assert _found("the limit is 5,10.0 points", "notebooks/05.ipynb") == []


def test_numbers_with_thousands_separators_are_still_read() -> None:
    assert _found("a rate of 510.04 per 100", "notebooks/05.ipynb") == ["km"]
    big = Hidden("costs", "cost_gbp, row 1", "derived", 51003.89, 0)
    found = printed_elsewhere([big], {"report/index.html": "<p>It cost £51,003.89.</p>"})
    assert [f.table for f in found] == ["costs"]
    quoted = printed_elsewhere([big], {"t.csv": 'a,"£51,003.89 in all",3\n'})
    assert [f.table for f in quoted] == ["costs"]


def _funnel(people: list[int]) -> plt.Figure:
    units = pd.DataFrame({"unit": [f"Q{i}" for i in range(len(people))], "people": people,
                          "value": [0.2] * len(people), "position": ["within 95%"] * len(people)})
    return funnel_figure(units, funnel_curves(0.25, max(people)), 25.0)


def test_a_funnels_limits_are_curves_not_points() -> None:
    fig = _funnel([5, 12, 20])
    data = figure_data(fig)
    plt.close(fig)
    # 20 whole sizes: the four limit lines are curves, however few their points
    assert len(data["curves"]) == 4 and all(len(c[0]) == 20 for c in data["curves"])
    # the hidden upper 95% limit of a quarter of 3 people is on the curve, at a size the
    # reader does not know: not drawn as a value of that quarter
    upper = float(funnel_limits(0.25, [3])["upper"].iloc[0])
    hidden = Hidden("funnel", "upper_95, row 1", "derived", 100 * upper, 0)
    assert drawn_in_figures([hidden], {"funnel_plot": data}) == []


def test_a_short_line_not_declared_a_curve_is_read_as_points() -> None:
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [0.1, 0.43185, 0.5])
    mark_curves(*ax.plot([1, 2, 3], [0.2, 0.61234, 0.7]))
    data = figure_data(fig)
    plt.close(fig)
    assert data["curves"] == [[[1.0, 2.0, 3.0], [0.2, 0.61234, 0.7]]]
    drawn = drawn_in_figures([Hidden("t", "a", "derived", 0.43185, 0),
                              Hidden("t", "b", "derived", 0.61234, 1)], {"f": data})
    assert [f.cell for f in drawn] == ["a"]
