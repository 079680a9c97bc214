"""Offence mapping: descriptions and Home Office codes with known categories, the bundled file's
rules, a user's own rows, the uncosted share and its warning, and an extract in common wording."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import costs
from analysis.costs.offence_matching import candidate_keys, match_key
from analysis.errors import DataError
from analysis.params import load_params

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data/reference/offence_mapping.csv"

# (as written in an extract, category, attempt)
KNOWN = [
    ("Shop theft", "shoplifting", False),
    ("SHOPLIFTING", "shoplifting", False),
    ("Theft from a shop", "shoplifting", False),
    ("46", "shoplifting", False),
    ("Burglary - dwelling", "domestic_burglary", False),
    ("Burglary (Dwelling)", "domestic_burglary", False),
    ("Residential burglary of a home", "domestic_burglary", False),
    ("28E", "domestic_burglary", False),
    ("28/1", "domestic_burglary", False),
    ("028/01", "domestic_burglary", False),
    ("28F", "domestic_burglary", True),
    ("Attempted burglary - residential", "domestic_burglary", True),
    ("Burglary - business and community", "burglary_non_domestic", False),
    ("Assault ABH", "violence_with_injury", False),
    ("Assault occasioning actual bodily harm", "violence_with_injury", False),
    ("Assault occasioning actual bodily harm - Offences Against the Person Act 1861 s.47",
     "violence_with_injury", False),
    ("GBH", "violence_with_injury", False),
    ("8N Assault with injury", "violence_with_injury", False),
    ("Common assault", "violence_without_injury", False),
    ("105A - Assault without injury", "violence_without_injury", False),
    ("Theft from motor vehicle", "theft_from_vehicle", False),
    ("Taking a motor vehicle without consent", "theft_of_vehicle", False),
    ("Criminal damage", "criminal_damage_other", False),
    ("Criminal damage by fire", "criminal_damage_arson", False),
    ("Robbery of personal property", "robbery", False),
    ("34B", "robbery", False),
    ("Murder", "homicide", False),
    ("4/1", "homicide", False),
    ("Possession of cannabis", "drug_possession", False),
    ("Possession with intent to supply", "drug_supply", False),
    ("Affray (common law)", "public_order", False),
    ("Breach of a restraining order", "breach_of_order", False),
    ("Fraud by false representation", "fraud", False),
    ("Drink driving", "uncosted: motoring offence", False),
    ("Possession of a bladed article", "uncosted: possession of weapons", False),
    ("Harassment", "uncosted: stalking and harassment", False),
    ("34A", "uncosted: robbery of business property", False),
    ("Theft (Theft Act 1968 s.1)", "uncosted: other theft", False),
    ("4/4", "uncosted: death or serious injury by unlawful driving", False),
]


@pytest.fixture(scope="module")
def tables() -> costs.CostTables:
    return costs.load_cost_tables(load_params(ROOT / "params/default.yaml"))


@pytest.fixture(scope="module")
def at(tables: costs.CostTables) -> pd.DataFrame:
    return costs.unit_costs_at(tables, 2023)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ matching


def test_keys_ignore_case_spaces_and_punctuation() -> None:
    assert match_key("  Burglary -  Dwelling ") == match_key("burglary (dwelling)") == "burglary dwelling"
    assert match_key("Drugs & alcohol") == "drugs and alcohol"
    assert match_key(float("nan")) == ""


def test_candidate_keys_strip_statutes_and_read_codes() -> None:
    assert candidate_keys("Theft (Theft Act 1968 s.1)") == ["theft theft act 1968 s 1", "theft"]
    assert candidate_keys("Assault ABH contrary to section 47") == [
        "assault abh contrary to section 47", "assault abh"]
    assert candidate_keys("105A - Assault without injury") == [
        "105a assault without injury", "105a", "assault without injury"]
    assert candidate_keys("028/01") == ["028 01", "28 1", "28"]
    assert candidate_keys(None) == []


def test_known_descriptions_and_codes_map_to_their_categories(tables: costs.CostTables,
                                                             at: pd.DataFrame) -> None:
    offences = pd.DataFrame({"offence_type": [k[0] for k in KNOWN] + ["Unheard-of offence"]})
    costed = costs.cost_offences(offences, at, tables.mapping)
    expected = [k[1] for k in KNOWN]
    assert costed["category"].iloc[:-1].tolist() == expected
    assert costed["is_attempt"].iloc[:-1].tolist() == [k[2] for k in KNOWN]
    assert pd.isna(costed["category"].iloc[-1])
    status = costed["cost_status"].tolist()
    assert status[-1] == costs.UNMAPPED
    assert [s for s, c in zip(status, expected + [""], strict=True)
            if c.startswith("uncosted:")] == [costs.OUTSIDE] * 6


def test_outside_offences_are_listed_with_their_reason(tables: costs.CostTables,
                                                       at: pd.DataFrame) -> None:
    offences = pd.DataFrame({"offence_type": ["Drink driving"] * 3 + ["Shop theft"]})
    uncosted = costs.uncosted_offences(costs.cost_offences(offences, at, tables.mapping))
    assert uncosted.to_dict("records") == [{
        "offence_type": "drink driving", "category": "uncosted: motoring offence",
        "cost_status": "outside_unit_costs", "reason": "outside the unit-cost categories",
        "offences": 3}]


# -------------------------------------------------------------------------- the bundled file


def test_bundled_file_has_a_source_on_every_row_and_keeps_the_first_rows() -> None:
    raw = pd.read_csv(BUNDLED, dtype=str, keep_default_na=False)
    assert list(raw.columns) == ["local_description", "category", "attempt", "source", "note"]
    assert (raw["source"] != "").all()
    assert set(raw["source"]) == {"Project", "Pan-Dorset case studies", "HOCR code",
                                  "HOCR description", "Common wording"}
    assert len(raw) == 414


def test_the_synthetic_descriptions_keep_their_categories(tables: costs.CostTables,
                                                          at: pd.DataFrame) -> None:
    before = {"violence without injury": "violence_without_injury",
              "violence with injury": "violence_with_injury", "shoplifting": "shoplifting",
              "drug possession": "drug_possession", "public order": "public_order",
              "criminal damage": "criminal_damage_other", "breach of order": "breach_of_order",
              "dwelling burglary": "domestic_burglary", "drug supply": "drug_supply",
              "fraud": "fraud", "theft from vehicle": "theft_from_vehicle",
              "non-dwelling burglary": "burglary_non_domestic",
              "handling stolen goods": "handling_stolen_goods",
              "theft of vehicle": "theft_of_vehicle", "robbery": "robbery",
              "going equipped": "going_equipped"}
    costed = costs.cost_offences(pd.DataFrame({"offence_type": list(before)}), at, tables.mapping)
    assert dict(zip(costed["offence_type"], costed["category"], strict=True)) == before


# ------------------------------------------------------------------------ a user's own rows


def test_own_mapping_adds_and_replaces_rows(tmp_path: Path, tables: costs.CostTables,
                                           at: pd.DataFrame) -> None:
    own = _write(tmp_path / "mine.csv", "local_description,category\n"
                 "Shop-theft (low value),shoplifting\n"
                 "SHOP THEFT,uncosted: business crime costed elsewhere\n")
    local = costs.read_mapping(own, tables.unit_costs["category"], "local")
    merged = costs.merge_mappings(tables.mapping, local)
    assert len(merged) == len(tables.mapping) + 1
    offences = pd.DataFrame({"offence_type": ["shop theft (low value)", "Shop theft", "46"]})
    costed = costs.cost_offences(offences, at, merged)
    assert costed["category"].tolist() == ["shoplifting", "uncosted: business crime costed elsewhere",
                                           "shoplifting"]
    assert merged.loc[merged["key"] == "shop theft", "origin"].tolist() == ["local"]


def test_own_mapping_rules_name_file_column_and_rows(tmp_path: Path,
                                                     tables: costs.CostTables) -> None:
    bad = _write(tmp_path / "mine.csv", "local_description,category,attempt\n"
                 "Shop theft,shoplifting,0\nshop-theft,shoplifting,0\n"
                 ",shoplifting,\nTWOC,vehicle_theft,\nSpeeding,uncosted:,\nX,shoplifting,yes\n")
    with pytest.raises(DataError) as err:
        costs.read_mapping(bad, tables.unit_costs["category"], "local")
    assert str(err.value).splitlines() == [
        "mine.csv: column local_description: must not be empty (1 failing; row 3)",
        "mine.csv: column local_description: must be unique (ignoring case, spaces and "
        "punctuation) (2 failing; rows 1, 2)",
        "mine.csv: column category: must be a category of the unit-cost table or 'uncosted: "
        "<reason>' (e.g. 'uncosted: motoring offence') (2 failing; rows 4, 5)",
        "mine.csv: column attempt: must be 0 or 1 (or empty) (1 failing; row 6)",
    ]


def test_own_mapping_is_a_parameter_checked_before_any_notebook(write_params, tmp_path: Path,
                                                                root: Path) -> None:
    from analysis.data.loading import load_data
    from analysis.running.model_inputs import check_model_inputs

    text = (root / "params/fast.yaml").read_text()
    text = text.replace("../data/", f"{root}/data/")
    text = text.replace("costs:\n", "costs:\n  offence_mapping_local: mine.csv\n", 1)
    _write(tmp_path / "mine.csv", "local_description,category\nTWOC,vehicle_theft\n")
    params = load_params(write_params(text))
    assert params.costs.offence_mapping_local == tmp_path / "mine.csv"
    assert params.input_files()["costs.offence_mapping_local"] == tmp_path / "mine.csv"
    with pytest.raises(DataError, match=r"^mine.csv: column category: must be a category"):
        check_model_inputs(params, load_data(params))


# ----------------------------------------------------------------- the share and its warning


def test_coverage_share_results_and_warning() -> None:
    costed = pd.DataFrame({"cost_status": ["costed"] * 70 + ["unmapped"] * 10
                           + ["no_published_unit_cost"] * 20})
    cov = costs.cost_coverage(costed, 0.10)
    assert (cov.reoffences, cov.uncosted, cov.unmapped, cov.above_threshold) == (100, 30, 10, True)
    results = costs.coverage_results(cov, 5)
    assert results == {"uncosted_share": 0.3, "uncosted_share_unmapped": 0.1,
                       "uncosted_share_threshold": 0.1, "uncosted_above_threshold": True}
    lines, warnings = costs.run_summary_lines({"04_cost_of_crime": results})
    assert lines == ["reoffences not costed: 30.0% (description or code not in the offence "
                     "mapping: 10.0%)"]
    assert warnings[0].startswith("warning: more than 10.0% of the proven reoffences are not costed "
                                  "(costs.uncosted_share_warning)")
    assert costs.coverage_text(cov, 5).startswith(
        "**Reoffences not costed:** 30.0% of the cohort's 100 proven reoffences (30), of which 10 ")
    assert "**Warning:**" in costs.coverage_text(cov, 5)
    assert "**Warning:**" not in costs.coverage_text(costs.cost_coverage(costed, 0.5), 5)


def test_coverage_follows_the_small_count_rule() -> None:
    costed = pd.DataFrame({"cost_status": ["costed"] * 97 + ["unmapped"] * 3})
    results = costs.coverage_results(costs.cost_coverage(costed, 0.10), 5)
    assert results["uncosted_share"] == results["uncosted_share_unmapped"] == "suppressed"
    assert results["uncosted_above_threshold"] is False
    lines, warnings = costs.run_summary_lines({"04_cost_of_crime": results})
    assert lines == ["reoffences not costed: suppressed (description or code not in the offence "
                     "mapping: suppressed)"] and warnings == []
    assert costs.run_summary_lines({"01_cohort": {}}) == ([], [])


def test_uncosted_share_threshold_is_a_checked_parameter(write_params, root: Path) -> None:
    from analysis.errors import ParameterError

    text = (root / "params/fast.yaml").read_text().replace("../data/", f"{root}/data/")
    text = text.replace("costs:\n", "costs:\n  uncosted_share_warning: 1.5\n", 1)
    with pytest.raises(ParameterError, match="costs.uncosted_share_warning: Input should be less "
                                             "than or equal to 1"):
        load_params(write_params(text))


# ------------------------------------------------------------- an extract in common wording


def _coverage_script():
    path = ROOT / "studies" / "offence_mapping_coverage.py"
    spec = importlib.util.spec_from_file_location("offence_mapping_coverage", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["offence_mapping_coverage"] = module
    spec.loader.exec_module(module)
    return module


def test_extract_in_common_wording_is_costed_as_the_bundled_descriptions(tmp_path: Path) -> None:
    script = _coverage_script()
    path = script.write_extract(tmp_path)
    written = pd.read_csv(path, dtype=str)
    assert {"Shop theft", "Burglary - dwelling", "Assault ABH", "8N"} <= set(written["offence_type"])
    assert script.measure(path) == {"reoffences": 3225, "uncosted": 1200, "unmapped": 0,
                                    "uncosted_share": 0.3721, "unmapped_share": 0.0}
