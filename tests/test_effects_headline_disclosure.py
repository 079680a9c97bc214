"""``results.json`` of the intervention effects records what the published risk-difference
table shows: a method's row the table hides (a handful of people in its sample) is recorded
``"suppressed"``, and the risk ratio and its E-values are withheld where the doubly robust risks
are (beside the risk difference they give both risks back).

The case is a small cohort: 30 treated people (11 reoffending) and 52 comparison people (14);
the IPW rows are estimated within a common support of 3 treated people, and the doubly robust
row within one where 3 of 14 comparison people reoffended.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.models.effects import published_means
from analysis.models.effects.doubly_robust import AIPWResult
from analysis.models.effects.headline import DR_METHOD, headline_numbers
from analysis.models.effects.reporting import evalue_table

EVERYONE = pd.DataFrame({"treated": [1] * 30 + [0] * 52,
                         "reoffended": [1] * 11 + [0] * 19 + [1] * 14 + [0] * 38})
#: Common support of the doubly robust row: 17 treated (11 reoffending), 14 comparison (3).
SUPPORT = pd.concat([EVERYONE.iloc[:17], EVERYONE.iloc[30:33], EVERYONE.iloc[44:55]])


def _aipw(risk_treated: float = 11 / 17, risk_comparison: float = 0.3) -> AIPWResult:
    return AIPWResult("ATT", risk_treated, risk_comparison, risk_treated - risk_comparison, 0.12,
                      0.1, 0.58, risk_treated / risk_comparison, 1.2, 3.5, 0.004, 31, 17)


def _table(dr: AIPWResult) -> pd.DataFrame:
    rows = [
        {"method": "Unadjusted", "estimand": "difference in observed risks",
         "mean_treated": 11 / 30, "mean_comparison": 14 / 52, "estimate": 11 / 30 - 14 / 52,
         "se": 0.11, "ci_low": -0.12, "ci_high": 0.31, "p_value": 0.38, "n_treated": 30,
         "n_comparison": 52, "ci_method": "Wald (robust)"},
        {"method": "IPW (ATT)", "estimand": "ATT", "mean_treated": 2 / 3,
         "mean_comparison": 0.25, "estimate": 2 / 3 - 0.25, "se": 0.3, "ci_low": -0.17,
         "ci_high": 1.0, "p_value": 0.16, "n_treated": 3, "n_comparison": 12,
         "ci_method": "Wald, robust"},
        {"method": DR_METHOD, **dr.as_row()},
    ]
    return pd.DataFrame(rows)


def _headline(dr: AIPWResult) -> dict:
    table = _table(dr)
    published = published_means(table, SUPPORT, "reoffended",
                                samples={"Unadjusted": EVERYONE})
    return headline_numbers("IOM", 30, table, dr, evalues=evalue_table(dr),
                            published=published)


def test_a_hidden_method_row_is_recorded_as_the_table_shows_it() -> None:
    dr = _aipw()
    published = published_means(_table(dr), SUPPORT, "reoffended",
                                samples={"Unadjusted": EVERYONE})
    assert published.loc[1, ["n_treated", "estimate", "ci_low"]].tolist() == [
        "<5", "suppressed", "suppressed"]
    by_method = _headline(dr)["risk_difference_by_method"]
    assert by_method["IPW (ATT)"] == {"estimate": "suppressed",
                                      "ci": ["suppressed", "suppressed"]}
    assert by_method["Unadjusted"] == {"estimate": pytest.approx(11 / 30 - 14 / 52),
                                       "ci": [-0.12, 0.31]}
    assert by_method[DR_METHOD]["estimate"] == pytest.approx(11 / 17 - 0.3)


def test_the_risk_ratio_is_withheld_where_the_risks_are() -> None:
    # 3 of 14 comparison people reoffended: the doubly robust risks are hidden, and the
    # difference with the ratio would give them back (0.347 / (2.157 - 1) = 0.3)
    numbers = _headline(_aipw())
    assert numbers["risk_difference"] == pytest.approx(11 / 17 - 0.3)
    assert [numbers[k] for k in ("risk_treated", "risk_comparison", "risk_ratio",
                                 "evalue_rr", "evalue_rr_ci")] == ["suppressed"] * 5
    assert numbers["risk_ratio_ci"] == ["suppressed", "suppressed"]


def test_shown_risks_keep_their_ratio() -> None:
    support = pd.concat([EVERYONE.iloc[:17], EVERYONE.iloc[30:44], EVERYONE.iloc[55:]])
    dr = _aipw(11 / 17, 14 / 31)
    table = _table(dr)
    published = published_means(table, support, "reoffended", samples={"Unadjusted": EVERYONE})
    numbers = headline_numbers("IOM", 30, table, dr, evalues=evalue_table(dr),
                               published=published)
    assert numbers["risk_ratio"] == pytest.approx(11 / 17 / (14 / 31))
    assert numbers["risk_comparison"] == pytest.approx(14 / 31)
    assert numbers["evalue_rr"] == pytest.approx(evalue_table(dr)["evalue"].iloc[0])
