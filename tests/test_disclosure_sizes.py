"""Group sizes of effect estimates and weights under the threshold (a cohort of 40 people)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.models.effects import published_means, published_sizes, published_weights
from analysis.models.effects.headline import _ipw_row


def _estimates() -> pd.DataFrame:
    return pd.DataFrame({"method": ["Unadjusted", "IPW (ATT)"], "estimand": ["difference", "ATT"],
                         "estimate": [-0.0317, 0.0], "se": [0.17, 0.0], "ci_low": [-0.37, 0.0],
                         "ci_high": [0.31, 0.0], "p_value": [0.86, np.nan],
                         "n_treated": [14, 1], "n_comparison": [18, 1]})


def test_a_small_group_size_hides_its_row() -> None:
    out = published_sizes(_estimates())
    assert out["n_treated"].tolist() == [14, "<5"]
    assert out["n_comparison"].tolist() == [18, "<5"]
    assert out["estimate"].tolist() == [-0.0317, "suppressed"]
    assert out["ci_high"].tolist() == [0.31, "suppressed"]
    assert out["method"].tolist() == ["Unadjusted", "IPW (ATT)"]


def test_group_sizes_of_five_or_more_are_shown_as_they_are() -> None:
    table = _estimates().assign(n_treated=[14, 5], n_comparison=[18, 0])
    out = published_sizes(table)
    pd.testing.assert_frame_equal(out, table)
    assert out.attrs == {}


def test_group_means_and_sizes_are_hidden_together() -> None:
    frame = pd.DataFrame({"treated": [1] * 10 + [0] * 10, "reoffended": [1, 0] * 10})
    table = _estimates().assign(mean_treated=[0.5, 1.0], mean_comparison=[0.5, 0.0])
    out = published_means(table, frame, "reoffended")
    assert out["mean_treated"].tolist() == [0.5, "suppressed"]
    assert out["n_treated"].tolist() == [14, "<5"]


def test_a_small_weights_group_hides_its_weights() -> None:
    table = pd.DataFrame({"weights": ["IPW (ATT)", "IPW (ATT)", "Matched"],
                          "group": ["IOM", "Not on IOM", "IOM"], "n": [1, 12, 0],
                          "sum": [1.0, 3.5, 0.0], "mean": [1.0, 0.29, np.nan],
                          "min": [1.0, 0.1, np.nan], "max": [1.0, 0.9, np.nan],
                          "effective_n": [1.0, 6.2, 0.0], "effective_pct": [100.0, 51.7, np.nan]})
    out = published_weights(table)
    assert out["n"].tolist() == ["<5", 12, 0]
    assert out["effective_n"].tolist() == ["suppressed", 6.2, 0.0]
    assert out["max"].tolist()[:2] == ["suppressed", 0.9]


def test_a_hidden_ipw_row_records_no_headline() -> None:
    table = pd.DataFrame({"method": ["Unadjusted"], "scale": ["ratio"], "estimate": [1.2]})
    assert _ipw_row(table, "ratio") is None
    assert _ipw_row(table.assign(method="IPW (ATT)"), "ratio")["estimate"] == 1.2


def test_small_marks_a_set_total_published_elsewhere_would_pin_read_suppressed() -> None:
    from analysis.disclosure import suppress_counts

    # two groups of a curve of 2 people: "<5" and "<5" adding up to 2 are 1 each
    curve = pd.DataFrame({"time": [91, 91], "group": [0, 1], "people": [1, 1]})
    assert suppress_counts(curve, ["people"], sets="time")["people"].tolist() == [
        "suppressed", "suppressed"]
    # a subgroup of 1 person: 0 and "<5" adding up to 1
    levels = pd.DataFrame({"level": ["35-44", "45-54"], "n": [0, 1]})
    assert suppress_counts(levels, ["n"], sets=True)["n"].tolist() == ["suppressed", "suppressed"]


def test_small_marks_a_set_total_leaves_open_are_kept() -> None:
    from analysis.disclosure import suppress_counts

    # "<5" and "<5" adding up to 5: 1 and 4, 2 and 3, ... either way
    curve = pd.DataFrame({"time": [91, 91, 91], "group": [0, 1, 2], "people": [2, 3, 30]})
    assert suppress_counts(curve, ["people"], sets="time")["people"].tolist() == ["<5", "<5", 30]


def _fte(counts: list[int]) -> pd.DataFrame:
    quarters = ["2021/22 Q4", "2022/23 Q1", "2022/23 Q2", "2022/23 Q3", "2022/23 Q4",
                "2023/24 Q1", "2023/24 Q2"][:len(counts)]
    windows = [np.nan] * 3 + [float(sum(counts[i - 3:i + 1])) for i in range(3, len(counts))]
    return pd.DataFrame({"area": "All areas", "quarter": quarters, "fte_quarter": counts,
                         "fte_12m": windows, "rate_per_100000": windows})


def test_a_window_under_a_small_published_total_reads_small() -> None:
    from analysis.measures.performance.published import published_rolling

    # quarters 0, 0, 0, 1, 1, 0, 0: all quarters hold 2 ("<5" in the report), so no window holds
    # more than 4; "suppressed" on the window of two "<5" quarters would be pinned to 2 to 4
    table = _fte([0, 0, 0, 1, 1, 0, 0])
    out = published_rolling(table, "fte", ["rate_per_100000"], total_published=True)
    assert out["fte_12m"].tolist()[3:] == ["<5", "<5", "<5", "<5"]
    alone = published_rolling(table, "fte", ["rate_per_100000"])
    assert alone["fte_12m"].tolist()[3:] == ["<5", "suppressed", "suppressed", "suppressed"]


def test_a_window_under_a_large_total_keeps_its_marks() -> None:
    from analysis.measures.performance.published import published_rolling

    table = _fte([0, 0, 0, 1, 1, 0, 9])
    out = published_rolling(table, "fte", ["rate_per_100000"], total_published=True)
    assert out["fte_12m"].tolist()[3:] == ["<5", "suppressed", "suppressed", "suppressed"]
