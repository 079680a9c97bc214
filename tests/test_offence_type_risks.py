"""Type of the first reoffence, and competing causes compared between groups.

The model and test values are R's cmprsk 2.2-11 on Rossi's data with the deterministic
competing cause of ``tests/test_fine_gray.py`` (``crr(d$week, st, d$fin, failcode = 1)`` and
``= 2`` for the hazard ratios without covariates).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.estimable import NotEstimable
from analysis.measures import offence_groups as og
from analysis.models.survival import cause_specific as cs

ROOT = Path(__file__).resolve().parents[1]
CAUSES = ["first", "second"]
#: crr(d$week, st, d$fin): coefficient of fin for cause 1 and cause 2.
R_FIN_ONLY = {"first": -0.445846175192802, "second": -0.0561414687593019}
#: crr with fin, age, prio, wexp: coefficient of fin for cause 1.
R_FIN_ADJUSTED = -0.3955169409689036
#: cuminc at week 52, cause 1, by fin 0 and 1 (percent).
R_CIF_52 = [18.80522740712728, 12.66165090857733]


@pytest.fixture(scope="module")
def rossi() -> pd.DataFrame:
    d = pd.read_csv(ROOT / "data" / "public" / "rossi.csv")
    code = np.where(d["arrest"] == 0, 0, np.where((d["week"] + d["prio"]) % 3 == 0, 2, 1))
    code[(d["arrest"] == 1) & (d["age"] % 7 == 0)] = 0
    names = np.array([og.CENSORED, "first", "second"], dtype=object)
    return d.assign(time=d["week"].astype(float), cause=names[code])


def test_offence_group_of_categories() -> None:
    cats = pd.Series(["robbery", "shoplifting", "drug_supply", None, "uncosted: other theft"])
    assert og.offence_group(cats).tolist() == ["violent", "acquisitive", "other", "other",
                                               "acquisitive"]
    assert og.offence_group(cats, {"drugs": ["drug_supply"]}).tolist() == [
        "other", "other", "drugs", "other", "other"]


def _records() -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    people = pd.DataFrame({"person_id": ["a", "b", "c", "d"],
                           "cohort_start": pd.to_datetime(["2022-01-01"] * 4)})
    offences = pd.DataFrame({
        "person_id": ["a", "a", "b", "b", "c"],
        "offence_date": pd.to_datetime(["2022-03-01", "2022-02-01", "2022-05-01", "2022-05-01",
                                        "2023-02-01"]),
        "proven_date": pd.to_datetime(["2022-04-01", "2022-03-01", "2022-06-01", "2022-06-01",
                                       "2023-03-01"]),
    })
    groups = pd.Series(["violent", "other", "acquisitive", "violent", "violent"],
                       index=offences.index)
    return people, offences, groups


def test_first_reoffence_group_earliest_then_group_order() -> None:
    people, offences, groups = _records()
    first = og.first_reoffence_group(people, offences, groups, ["violent", "acquisitive", "other"])
    # a: earliest is "other"; b: same day, violent before acquisitive; c: after follow-up
    assert first.tolist()[:2] == ["other", "violent"]
    assert first.isna().tolist() == [False, False, True, True]


def test_first_reoffence_group_unknown_group() -> None:
    people, offences, groups = _records()
    with pytest.raises(ValueError, match=r"offence groups not in the order given: \['other'\]"):
        og.first_reoffence_group(people, offences, groups, ["violent", "acquisitive"])


def test_type_status_and_mismatch() -> None:
    frame = pd.DataFrame({"event": [1, 0, 0], "competing_event": [0, 1, 0]})
    status = og.type_status(frame, pd.Series(["violent", None, None]))
    assert status.tolist() == ["violent", og.COMPETING_EXIT, og.CENSORED]
    with pytest.raises(ValueError, match="1 people's first-reoffence group does not match 'event'"):
        og.type_status(frame, pd.Series([None, None, None]))


def test_cause_fine_gray_equals_crr(rossi: pd.DataFrame) -> None:
    out = cs.cause_fine_gray(rossi, "cause", CAUSES, "fin", ["fin", "age", "prio", "wexp"])
    assert out[["cause", "model"]].values.tolist() == [
        ["first", "unadjusted"], ["first", "adjusted"], ["second", "unadjusted"],
        ["second", "adjusted"]]
    un = out[out["model"] == "unadjusted"].set_index("cause")["shr"]
    for cause, coef in R_FIN_ONLY.items():
        assert np.log(un[cause]) == pytest.approx(coef, abs=1e-9)
    adj = out[(out["model"] == "adjusted") & (out["cause"] == "first")]["shr"].iloc[0]
    assert np.log(adj) == pytest.approx(R_FIN_ADJUSTED, abs=1e-9)
    assert out["events"].tolist() == [67, 67, 35, 35]
    assert out["treated_events"].tolist() == [27, 27, 17, 17]


def test_cause_gray_tests_equal_cuminc(rossi: pd.DataFrame) -> None:
    out = cs.cause_gray_tests(rossi, "cause", [*CAUSES, "never"], "fin")
    assert out["cause"].tolist() == CAUSES  # a cause no one had is left out
    np.testing.assert_allclose(out["statistic"], [3.2664601972969769, 0.0281227828993176],
                               atol=1e-9)
    assert out["fewest_events"].tolist() == [27, 17]


def test_not_estimable_with_one_group(rossi: pd.DataFrame) -> None:
    with pytest.raises(NotEstimable, match="Gray's test could not be estimated: the data hold "
                                           "only one group."):
        cs.cause_gray_tests(rossi.assign(fin=1), "cause", CAUSES, "fin")
    with pytest.raises(NotEstimable, match="The Fine-Gray model could not be estimated: "
                                           "nobody reoffended."):
        cs.cause_fine_gray(rossi, "cause", ["never"], "fin")


def test_cause_incidence_equals_cuminc(rossi: pd.DataFrame) -> None:
    table = cs.cause_incidence_at_horizons(rossi, "cause", CAUSES, [12], "weeks", "fin")
    first = table[table["cause"] == "first"]
    np.testing.assert_allclose(first["aj_cif_pct"], R_CIF_52, atol=1e-9)
    assert first["events"].tolist() == [40, 27]


def _incidence(events: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"cause": ["a", "b", "c"] * 2, "group": [0] * 3 + [1] * 3,
                         "months": 12.0, "time": 365.0, "events": events,
                         "aj_cif_pct": 10.0, "aj_ci_low_pct": 8.0, "aj_ci_high_pct": 12.0})


def test_published_cause_incidence_suppresses_across_the_row() -> None:
    out = cs.published_cause_incidence(_incidence([50, 60, 70, 3, 9, 40]), {0: "No", 1: "Yes"})
    assert out["group"].tolist() == ["No", "Yes"]
    assert out[["a_events", "b_events", "c_events"]].values.tolist() == [
        [50, 60, 70], ["<5", "suppressed", 40]]
    assert out.loc[1, "a_cif_pct"] == "suppressed"
    assert out.loc[1, "b_ci_high_pct"] == "suppressed"
    assert out.loc[1, "c_cif_pct"] == 10.0


def test_published_cause_incidence_one_horizon_only() -> None:
    table = pd.concat([_incidence([50] * 6), _incidence([50] * 6).assign(months=6.0)])
    with pytest.raises(ValueError, match="publish the cumulative incidence by cause at one "
                                         "horizon only"):
        cs.published_cause_incidence(table)


def test_published_fine_gray_and_gray_tests_hide_thin_estimates() -> None:
    fg = pd.DataFrame({"cause": ["a", "b"], "model": "unadjusted", "events": [30, 3],
                       "treated_events": [2, 1], "comparison_events": [28, 2], "shr": [0.5, 2.0],
                       "shr_ci_low": 0.1, "shr_ci_high": 3.0, "p_value": 0.2, "converged": True})
    out = cs.published_cause_fine_gray(fg)
    assert "treated_events" not in out
    assert out["shr"].tolist() == ["suppressed", "suppressed"]
    assert out["events"].tolist() == ["suppressed", "<5"]
    fg2 = fg.assign(treated_events=[12, 20], comparison_events=[18, 20], events=[30, 40])
    assert cs.published_cause_fine_gray(fg2)["shr"].tolist() == [0.5, 2.0]
    tests = pd.DataFrame({"cause": ["a", "b"], "statistic": [4.0, 1.0], "df": 1,
                          "p_value": [0.05, 0.3], "fewest_events": [4, 5]})
    pub = cs.published_cause_gray_tests(tests)
    assert pub["statistic"].tolist() == ["suppressed", 1.0]
    assert "fewest_events" not in pub
