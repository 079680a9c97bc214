"""Published counts say no more together than each says alone: rolling windows, the IOM
custody leavers in two tables, a zero beside a small total, and what figures draw."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.disclosure import suppress_counts
from analysis.measures.cohort import (
    REOFFENDING_COMPLEMENTS,
    REOFFENDING_COUNTS,
    REOFFENDING_DERIVED,
)
from analysis.measures.performance.published import published_iom, published_rolling
from analysis.presentation.drawn import drawn_curves, drawn_rows

QUARTERS = ["2021/22 Q4", "2022/23 Q1", "2022/23 Q2", "2022/23 Q3", "2022/23 Q4", "2023/24 Q1",
            "2023/24 Q2"]


def _rolling(counts: list[int]) -> pd.DataFrame:
    windows = [np.nan] * 3 + [float(sum(counts[i - 3:i + 1])) for i in range(3, len(counts))]
    return pd.DataFrame({"area": "All areas", "quarter": QUARTERS[:len(counts)],
                         "custody_quarter": counts, "custody_12m": windows,
                         "rate_per_1000": [w / 70_000 * 1000 for w in windows]})


def test_window_of_several_small_quarters_reads_suppressed() -> None:
    # quarters 0, 1, 2, 0, 0, 0, 1: the window to 2022/23 Q4 (1 + 2 + 0 + 0 = 3) holds two "<5"
    # quarters, so "<5" on it would pin them (1 + 2 <= 4); the window to 2023/24 Q2 holds one.
    out = published_rolling(_rolling([0, 1, 2, 0, 0, 0, 1]), "custody", ["rate_per_1000"])
    assert out["custody_quarter"].tolist() == [0, "<5", "<5", 0, 0, 0, "<5"]
    assert out["custody_12m"].tolist()[3:] == ["suppressed", "suppressed", "<5", "<5"]
    assert out["rate_per_1000"].tolist()[3:] == ["suppressed"] * 4


def test_zero_beside_a_small_rest_is_hidden() -> None:
    table = pd.DataFrame({"group": ["a", "b", "c"], "offenders": [3, 40, 50],
                          "reoffenders": [0, 20, 25], "reoffences": [0, 30, 40]})
    out = suppress_counts(table, ["offenders", "reoffenders"], complements={"reoffenders":
                                                                           "offenders"})
    # 0 of "<5" would say every one of them did not reoffend
    assert out.loc[0, "offenders"] == "<5"
    assert out.loc[0, "reoffenders"] == "suppressed"
    assert out.loc[1, "reoffenders"] == 20


def _iom_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    quarters = ["2022/23 Q1", "2022/23 Q2", "2022/23 Q3", "All cohorts"]
    rows = []
    for cohort, offenders, reoffenders in (("IOM cohort", [20, 22, 25, 67], [8, 9, 10, 27]),
                                           ("IOM, released from custody", [9, 12, 10, 31],
                                            [5, 6, 7, 18])):
        for q, o, r in zip(quarters, offenders, reoffenders, strict=True):
            rows.append({"cohort": cohort, "quarter": q, "offenders": o, "reoffenders": r,
                         "reoffences": 2 * r, **{c: r / o for c in REOFFENDING_DERIVED}})
    iom = pd.DataFrame(rows)
    custody = iom[iom["cohort"] != "IOM cohort"]
    time = pd.DataFrame({"quarter": quarters, "released": custody["offenders"].to_numpy(),
                         "reoffenders": custody["reoffenders"].to_numpy(),
                         "median_days": 50.0, "q1_days": 20.0, "q3_days": 90.0,
                         "mean_days": 60.0})
    return iom, time


def test_custody_leavers_hidden_alike_in_both_iom_tables() -> None:
    iom, time = _iom_tables()
    out = published_iom(iom, None, time)
    rates, times = out["iom_reoffending"], out["iom_time_to_reoffence"]
    custody = rates[rates["cohort"] != "IOM cohort"].reset_index(drop=True)
    # 9 - 5 = 4 did not reoffend in 2022/23 Q1: the 5 is hidden in both tables, not only one
    assert custody.loc[0, "reoffenders"] == "suppressed"
    assert times.loc[0, "reoffenders"] == "suppressed"
    assert custody["reoffenders"].tolist() == times["reoffenders"].tolist()
    assert custody["offenders"].tolist() == times["released"].tolist()
    assert set(REOFFENDING_COUNTS) <= set(rates.columns)
    assert REOFFENDING_COMPLEMENTS == {"reoffenders": "offenders"}


def test_figures_draw_only_shown_values() -> None:
    curves = {"Matching": pd.DataFrame({"group": [0, 0, 1, 1], "time": [30, 90, 30, 90],
                                        "survival": [0.9, 0.8, 0.95, 0.7]})}
    published = pd.DataFrame({"sample": "Matching", "group": [0, 0, 1, 1],
                              "time": [91.3, 182.6] * 2,
                              "survival": [0.8, 0.7, "suppressed", 0.6]})
    drawn = drawn_curves(curves, published)
    assert drawn["Matching"]["group"].tolist() == [0, 0]
    table = pd.DataFrame({"estimate": [0.1, 0.2], "ci_low": [0.0, 0.1], "ci_high": [0.2, 0.3]})
    shown = table.astype(object).assign(estimate=[0.1, "suppressed"])
    assert drawn_rows(table, shown).index.tolist() == [0]


def test_custody_leavers_marked_alike_in_both_iom_tables() -> None:
    iom, time = _iom_tables()
    custody = iom.index[iom["cohort"] != "IOM cohort"]
    # 5 released in 2022/23 Q1, 2 of them reoffending: "<5" beside the 5 would say that 1 to 4
    # did not reoffend, in the reoffending rates and in the time to reoffence alike
    iom.loc[custody[0], ["offenders", "reoffenders"]] = [5, 2]
    iom.loc[custody[-1], ["offenders", "reoffenders"]] = [27, 15]
    time.loc[0, ["released", "reoffenders"]] = [5, 2]
    time.loc[3, ["released", "reoffenders"]] = [27, 15]
    out = published_iom(iom, None, time)
    rates = out["iom_reoffending"].loc[custody].reset_index(drop=True)
    times = out["iom_time_to_reoffence"]
    assert rates.loc[0, "reoffenders"] == times.loc[0, "reoffenders"] == "suppressed"
    assert rates["reoffenders"].tolist() == times["reoffenders"].tolist()
