"""Unit costs, uprating, offence mapping and costing: hand-computed cases and the bundled tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import costs
from analysis.errors import DataError
from analysis.params import CostParams, load_params
from analysis.synthetic import OFFENCE_TYPES

ROOT = Path(__file__).resolve().parents[1]

# The bundled values the hand computations below rest on (2015/16 prices; HM Treasury GDP
# deflator, March 2026, 2024-25 = 100).
BURGLARY, SHOPLIFTING = 5930.0, 150.0
INDEX_2015, INDEX_2023 = 74.5804, 96.1117


@pytest.fixture(scope="module")
def tables() -> costs.CostTables:
    return costs.load_cost_tables(load_params(ROOT / "params/default.yaml"))


# --------------------------------------------------------------------------- the bundled tables


def test_bundled_values_the_hand_computations_use(tables: costs.CostTables) -> None:
    uc = tables.unit_costs.set_index("category")
    assert uc.loc["domestic_burglary", "total_gbp"] == BURGLARY
    assert uc.loc["shoplifting", "total_gbp"] == SHOPLIFTING
    d = tables.deflators.set_index("year")["index"]
    assert (d[2015], d[2023]) == (INDEX_2015, INDEX_2023)


def test_every_synthetic_offence_type_maps_to_a_category(tables: costs.CostTables) -> None:
    offences = pd.DataFrame({"offence_type": list(OFFENCE_TYPES)})
    costed = costs.cost_offences(offences, costs.unit_costs_at(tables, 2023), tables.mapping)
    assert costed["category"].notna().all(), costed.loc[costed["category"].isna(), "offence_type"]
    assert (costed["cost_status"] != costs.UNMAPPED).all()


def test_offences_the_report_does_not_cost_are_explicit_rows_never_zero(tables: costs.CostTables) -> None:
    uc = tables.unit_costs.set_index("category")
    for category in ("handling_stolen_goods", "going_equipped", "public_order", "breach_of_order",
                     "fraud"):
        assert uc.loc[category, "status"] == costs.NO_UNIT_COST
        assert pd.isna(uc.loc[category, "total_gbp"])
        assert uc.loc[category, "source"]
    assert "separate source" in uc.loc["fraud", "source"]
    costed = uc[uc["status"] == costs.COSTED]
    assert (costed["total_gbp"] > 0).all()
    assert (costed["price_base"] == "2015/16").all()


def test_no_unchecked_value_is_presented_as_checked(tables: costs.CostTables) -> None:
    uc = tables.unit_costs
    assert uc["source"].notna().all()
    unverified = uc["note"].fillna("").str.startswith(("UNVERIFIED", "PARTLY UNVERIFIED"))
    assert not uc.loc[unverified, "checked_against_report"].any()
    # Nothing could be checked against the report itself (no stored copy of its table).
    assert not uc["checked_against_report"].any()
    summary = costs.provenance_summary(tables, 2023)
    assert summary["checked_against_report"] == 0
    assert set(summary["unverified_categories"]) == {
        "violence_without_injury", "domestic_burglary", "theft_from_person", "shoplifting"}
    assert "provisional" in costs.provenance_text(summary)


def test_deflator_table_names_its_release_and_marks_checked_values(tables: costs.CostTables) -> None:
    d = tables.deflators
    assert d["release"].str.contains("GDP deflators at market prices, and money GDP").all()
    assert d["release"].str.contains("March 2026").all()
    assert d["release"].str.contains("L8GG").all()
    assert (d.set_index("year")["index"][2024] == 100.0)
    assert d["checked_against_release"].dtype == bool
    assert not d["checked_against_release"].any()


def test_case_study_file_quotes_its_source(tables: costs.CostTables) -> None:
    cs = tables.case_studies
    assert cs["source"].str.contains("Pan-Dorset Reducing Reoffending Strategy 2024-2027").all()
    totals = cs[cs["period"] == "before_intervention"].groupby("individual")["published_total_gbp"].first()
    assert totals.to_dict() == {"A": 39933.0, "B": 13065.0, "C": 14953.0}


# --------------------------------------------------------------------------- uprating


def test_uprating_arithmetic(tables: costs.CostTables) -> None:
    d = tables.deflators
    assert costs.uprating_factor(d, 2015, 2023) == pytest.approx(INDEX_2023 / INDEX_2015)
    assert costs.uprating_factor(d, 2023, 2015) == pytest.approx(INDEX_2015 / INDEX_2023)
    assert costs.uprating_factor(d, 2019, 2019) == 1.0
    assert costs.uprating_factor(d, 2015, 2019) * costs.uprating_factor(d, 2019, 2023) == \
        pytest.approx(costs.uprating_factor(d, 2015, 2023))
    at = costs.unit_costs_at(tables, 2023).set_index("category")
    assert at.loc["domestic_burglary", "cost_gbp"] == pytest.approx(5930 * INDEX_2023 / INDEX_2015)
    assert at.loc["theft_from_vehicle", "cost_gbp"] == pytest.approx(870 * INDEX_2023 / INDEX_2015)
    assert pd.isna(at.loc["fraud", "cost_gbp"])


def test_uprating_to_a_year_without_a_deflator_names_the_years(tables: costs.CostTables) -> None:
    with pytest.raises(ValueError, match="2015-2024"):
        costs.uprating_factor(tables.deflators, 2015, 1990)


@pytest.mark.parametrize("text, year", [("2015/16", 2015), ("2015-16", 2015), ("1999/2000", 1999),
                                        ("2015/17", None), ("2015", None)])
def test_financial_year(text: str, year: int | None) -> None:
    assert costs.financial_year(text) == year


# --------------------------------------------------------------------------- the case studies


@pytest.mark.parametrize("price_year, index", [(2015, INDEX_2015), (2023, INDEX_2023)])
def test_case_studies_hand_computed_at_two_price_years(tables: costs.CostTables, price_year: int,
                                                       index: float) -> None:
    f = index / INDEX_2015
    expected = {
        "A": (6 * BURGLARY + 3 * BURGLARY) * f,       # attempts at the full cost; going equipped not costed
        "B": 3 * BURGLARY * f,                        # fraud and breach not costed
        "C": (SHOPLIFTING + BURGLARY) * f,            # five frauds and handling not costed
    }
    table = costs.cost_case_studies(tables, price_year, attempt_fraction=1.0).set_index("individual")
    for who, value in expected.items():
        assert table.loc[who, "costed_gbp"] == pytest.approx(value)
    assert table["uncosted_offences"].to_dict() == {"A": 1, "B": 2, "C": 6}
    assert table.loc["B", "difference_gbp"] == pytest.approx(3 * BURGLARY * f - 13065)
    assert table.loc["C", "not_costed"] == ("5 fraud (no published unit cost); "
                                            "1 handling (no published unit cost)")


def test_case_study_attempt_rule_is_a_parameter(tables: costs.CostTables) -> None:
    half = costs.cost_case_studies(tables, 2015, attempt_fraction=0.5).set_index("individual")
    assert half.loc["A", "costed_gbp"] == pytest.approx(6 * BURGLARY + 3 * 0.5 * BURGLARY)
    assert half.loc["A", "attempts"] == 3
    none = costs.cost_case_studies(tables, 2015, attempt_fraction=0.0).set_index("individual")
    assert none.loc["A", "costed_gbp"] == pytest.approx(6 * BURGLARY)


def test_evidence_that_no_single_table_reproduces_all_three(tables: costs.CostTables) -> None:
    ev = costs.case_study_evidence(tables, 2023)
    assert ev["conflict"].any()
    b = ev[(ev["individual"] == "B") & ev["check"].str.startswith("1.")].iloc[0]
    assert b["value_gbp"] == 3 * BURGLARY and b["conflict"] and "exceeds" in b["finding"]
    implied = ev[ev["check"].str.startswith("2.")].set_index("individual")["value_gbp"]
    assert implied["A"] == pytest.approx(39933 / 9) == pytest.approx(4437)
    assert implied["B"] == pytest.approx(13065 / 3) == pytest.approx(4355)
    bounds = ev[ev["check"].str.startswith("3.")].iloc[0]
    assert bounds["conflict"]
    assert bounds["value_gbp"] == pytest.approx(39933 - 9 * 4355)  # going equipped would need £738
    left_c = ev[ev["check"].str.startswith("4.") & (ev["individual"] == "C")].iloc[0]
    assert left_c["value_gbp"] == pytest.approx(14953 - 4355)


def test_post_intervention_outcomes_as_published(tables: costs.CostTables) -> None:
    out = costs.case_study_outcomes(tables).set_index("individual")
    assert "affray" in out.loc["A", "post_intervention_outcome"]
    assert out.loc["A", "offences_after"] == 1
    assert out.loc["B", "intervention_date"] == "2023-03-01"
    assert out.loc["C", "intervention_date"] == "2022-10-01"
    assert out.loc["B", "offences_after"] == out.loc["C", "offences_after"] == 0
    assert "free from any charged offences" in out.loc["B", "post_intervention_outcome"]


# --------------------------------------------------------------------------- mapping and costing


def test_an_unmapped_offence_is_reported_and_not_costed(tables: costs.CostTables) -> None:
    offences = pd.DataFrame({
        "person_id": ["p1", "p1", "p2", "p2"],
        "offence_type": ["Dwelling  Burglary", "unicorn rustling", "fraud", "unicorn rustling"],
        "attempt": [0, 0, 0, pd.NA],
    })
    at = costs.unit_costs_at(tables, 2015)
    costed = costs.cost_offences(offences, at, tables.mapping)
    assert costed["cost_status"].tolist() == ["costed", "unmapped", "no_published_unit_cost", "unmapped"]
    assert costed["cost_gbp"].iloc[0] == BURGLARY
    assert costed["cost_gbp"].iloc[1:].isna().all()
    listed = costs.uncosted_offences(costed).set_index("offence_type")
    assert listed.loc["unicorn rustling", "offences"] == 2
    assert listed.loc["unicorn rustling", "reason"] == "offence description not in the mapping table"
    assert listed.loc["fraud", "offences"] == 1
    frame = pd.DataFrame({"person_id": ["p1", "p2"], "group": ["x", "x"], "treated": [0, 0]})
    people = costs.person_costs(frame, costed).set_index("person_id")
    assert people.loc["p1", "cost_gbp"] == BURGLARY
    assert people["uncosted_reoffences"].to_dict() == {"p1": 1, "p2": 2}
    group = costs.group_costs(people.reset_index(), None).iloc[0]
    assert group["cost_gbp"] == BURGLARY and group["uncosted_reoffences"] == 3
    assert group["cost_per_costed_reoffence_gbp"] == BURGLARY


def test_attempt_flag_of_the_data_uses_the_attempt_fraction(tables: costs.CostTables) -> None:
    offences = pd.DataFrame({"offence_type": ["dwelling burglary", "dwelling burglary",
                                              "attempted dwelling burglary"],
                             "attempt": [1, 0, 0]})
    costed = costs.cost_offences(offences, costs.unit_costs_at(tables, 2015), tables.mapping,
                                 attempt_fraction=0.25)
    assert costed["is_attempt"].tolist() == [True, False, True]
    assert costed["cost_gbp"].tolist() == pytest.approx([0.25 * BURGLARY, BURGLARY, 0.25 * BURGLARY])


def test_cohort_costs_and_change_in_offending_hand_computed(tables: costs.CostTables) -> None:
    frame = pd.DataFrame({
        "person_id": ["a", "b", "c"],
        "cohort_start": pd.to_datetime(["2023-01-01"] * 3),
        "group": ["IOM", "IOM", "Other"],
        "treated": [1, 1, 0],
        "reoffended": [1, 0, 1],
        "prior_offences_12m": [4, 2, 1],
    })
    offences = pd.DataFrame({
        "person_id": ["a", "a", "c", "c"],
        "offence_date": pd.to_datetime(["2023-02-01", "2023-03-01", "2023-05-01", "2024-03-01"]),
        "proven_date": pd.to_datetime(["2023-03-01", "2023-04-01", "2023-06-01", "2024-04-01"]),
        "offence_type": ["shoplifting", "drug possession", "dwelling burglary", "dwelling burglary"],
        "attempt": [0, 0, 0, 0],
    })
    counted = costs.reoffence_costs(frame, offences, costs.unit_costs_at(tables, 2015),
                                    tables.mapping, 1.0, 12, 6)
    assert len(counted) == 3  # c's second burglary is after the 12-month follow-up
    people = costs.person_costs(frame, counted)
    groups = costs.group_costs(people, "group").set_index("group")
    assert groups.loc["IOM", "cost_gbp"] == SHOPLIFTING
    assert groups.loc["IOM", "cost_per_person_gbp"] == SHOPLIFTING / 2
    assert groups.loc["IOM", "cost_per_reoffender_gbp"] == SHOPLIFTING
    assert groups.loc["IOM", "uncosted_reoffences"] == 1
    assert groups.loc["Other", "cost_gbp"] == BURGLARY
    change = costs.change_in_offending(frame, people, "group").set_index("group")
    assert change.loc["IOM", "offences_before"] == 6 and change.loc["IOM", "offences_after"] == 2
    assert change.loc["IOM", "change_pct"] == pytest.approx(100 * (2 - 6) / 6)
    assert change.loc["IOM", "cost_per_offence_gbp"] == SHOPLIFTING
    assert change.loc["IOM", "cost_change_gbp"] == pytest.approx((2 - 6) * SHOPLIFTING)
    assert costs.change_in_offending(frame.drop(columns="prior_offences_12m"), people) is None


def test_average_unit_cost(tables: costs.CostTables) -> None:
    at = costs.unit_costs_at(tables, 2015)
    value, note = costs.average_unit_cost(at, None, ["domestic_burglary", "shoplifting", "fraud"])
    assert value == pytest.approx((BURGLARY + SHOPLIFTING) / 2)
    assert "fraud" in note
    offences = pd.DataFrame({"offence_type": ["shoplifting", "dwelling burglary", "fraud"]})
    costed = costs.cost_offences(offences, at, tables.mapping)
    value, note = costs.average_unit_cost(at, costed)
    assert value == pytest.approx((BURGLARY + SHOPLIFTING) / 2)
    assert "1 uncosted" in note
    assert np.isnan(costs.average_unit_cost(at, None, ["fraud"])[0])


# --------------------------------------------------------------------------- file rules


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


UC_HEADER = ("category,label,victim,status,anticipation_gbp,consequence_gbp,response_gbp,total_gbp,"
             "price_base,source,checked_against_report,checked_against,note\n")


def test_unit_cost_rules(tmp_path: Path) -> None:
    bad = _write(tmp_path / "uc.csv", UC_HEADER
                 + "a,A,individual,costed,,,,,2015/16,src,false,none,\n"
                 + "b,B,individual,no_published_unit_cost,,,,0,,src,false,none,\n"
                 + "c,C,individual,costed,10,10,10,100,2015/16,src,maybe,none,\n"
                 + "c,D,individual,zero,,,,,,src,false,none,\n")
    with pytest.raises(DataError) as err:
        costs.read_unit_costs(bad)
    msg = str(err.value)
    assert "a costed category needs a positive total" in msg
    assert "never enter 0" in msg
    assert "must be true or false" in msg
    assert "anticipation + consequence + response must equal the total" in msg
    assert "category: must be unique" in msg
    assert "status: must be one of" in msg


def test_mapping_rules(tmp_path: Path) -> None:
    bad = _write(tmp_path / "m.csv", "local_description,category,attempt,note\n"
                 "Burglary,domestic_burglary,0,\nburglary ,domestic_burglary,0,\n"
                 "x,no_such_category,2,\n")
    with pytest.raises(DataError) as err:
        costs.read_mapping(bad, ["domestic_burglary"])
    msg = str(err.value)
    assert "must be unique (ignoring case, spaces and punctuation)" in msg
    assert "must be a category of the unit-cost table" in msg
    assert "must be 0 or 1" in msg


def test_missing_cost_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="file not found"):
        costs.read_deflators(tmp_path / "nope.csv")


def test_cost_files_resolve_against_the_project_root(tmp_path: Path) -> None:
    files = costs.cost_files(CostParams(), tmp_path)
    assert files["unit_costs"] == tmp_path / "data/costs/unit_costs.csv"
    assert set(files) == {"unit_costs", "deflators", "offence_mapping", "case_studies"}
    p = load_params(ROOT / "params/default.yaml")
    assert all(f.is_file() for f in costs.cost_files(p.costs, p.root).values())


def test_cost_figures_state_their_finding(tables: costs.CostTables) -> None:
    import matplotlib.pyplot as plt

    from analysis.presentation import cost_plots

    cases = costs.cost_case_studies(tables, 2023)
    base = costs.cost_case_studies(tables, 2015)
    fig = cost_plots.case_studies_figure(cases, base, inconsistent=True)
    assert fig.axes[0].get_title(loc="left") == "No single unit-cost table reproduces all three published totals"
    change = pd.DataFrame({"group": ["x", "y"], "before_per_person": [1.0, 2.0],
                           "after_per_person": [1.5, 2.2], "change_pct": [50.0, 10.0]})
    title = cost_plots.change_in_offending_figure(change).axes[0].get_title(loc="left")
    assert title == "Proven offending rose in every group, least in y (+10%)"
    plt.close("all")


def test_cost_of_reoffences_as_an_outcome_hand_computed() -> None:
    params = load_params(ROOT / "params/default.yaml")
    frame = pd.DataFrame({
        "person_id": ["a", "b", "c"],
        "cohort_start": pd.to_datetime(["2023-01-01"] * 3),
    }, index=[10, 11, 12])
    offences = pd.DataFrame({
        "person_id": ["a", "a", "c", "c", "b"],
        "offence_date": pd.to_datetime(["2023-02-01", "2023-03-01", "2023-06-01", "2024-06-01",
                                        "2022-06-01"]),
        "proven_date": pd.to_datetime(["2023-04-01", "2023-05-01", "2023-08-01", "2024-08-01",
                                       "2022-08-01"]),
        "offence_type": ["dwelling burglary", "going equipped", "shoplifting", "shoplifting",
                         "shoplifting"],
        "attempt": [0, 0, 1, 0, 0],
    })
    cost, uncosted = costs.reoffence_cost_outcome(params, frame, offences)
    factor = INDEX_2023 / INDEX_2015  # default price year 2023-24
    a = params.costs.attempt_fraction
    assert cost.name == "reoffence_cost_gbp" and list(cost.index) == [10, 11, 12]
    # a: one burglary (going equipped has no unit cost); b: an offence before the start;
    # c: an attempted shoplifting (the second is after the follow-up)
    assert cost.tolist() == pytest.approx([BURGLARY * factor, 0.0, a * SHOPLIFTING * factor])
    assert uncosted[["offence_type", "offences"]].values.tolist() == [["going equipped", 1]]


def test_effects_notebook_with_the_cost_outcome_records_the_cost_files() -> None:
    p = load_params(ROOT / "params/default.yaml").model_copy(
        update={"notebooks": ["03_intervention_effects"]})
    assert "reoffence_cost_gbp" in p.effects.outcomes
    assert "costs.unit_costs" in p.input_files()
    without = p.model_copy(update={"effects": p.effects.model_copy(
        update={"outcomes": ["reoffended"]})})
    assert "costs.unit_costs" not in without.input_files()
    survival = load_params(ROOT / "params/rossi.yaml").model_copy(
        update={"notebooks": ["03_intervention_effects"]})
    assert "costs.unit_costs" not in survival.input_files()
