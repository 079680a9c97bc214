"""The disclosure ledger and audit: deliberately leaky tables are caught, clean tables pass.

Each attack of :mod:`analysis.running.audit` has a leaky table that it must catch, naming the
table, the cell and the attack (never the value), and a clean table it must pass. The two leaks
found in a default run are reproduced as small tables: a custody count suppressed while its
rate per 1,000 and the population are published, and a Kaplan-Meier table suppressing the
6-month value while the notebook's text prints it.
"""

from __future__ import annotations

import json
import stat
from dataclasses import replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.disclosure import suppress_counts  # noqa: E402
from analysis.disclosure.audit import audit_tables  # noqa: E402
from analysis.disclosure.cells import read_cell  # noqa: E402
from analysis.disclosure.ledger import (  # noqa: E402
    Declared,
    GroupTotal,
    Link,
    Role,
    RowTotal,
    TableLedger,
    Window,
    hidden_exact,
    infer_ledger,
    table_ledger,
)
from analysis.disclosure.text import Hidden, drawn_in_figures, printed_elsewhere  # noqa: E402
from analysis.presentation.disclosure_records import PRIVATE_DIR, figure_data  # noqa: E402
from analysis.presentation.outputs import RunOutput  # noqa: E402
from analysis.running.audit import LEDGER_FILE, audit_run  # noqa: E402


def frame(**columns: list[str]) -> pd.DataFrame:
    """A published table as the audit reads it: text cells."""
    return pd.DataFrame(columns)


def findings(tables: dict[str, pd.DataFrame], ledgers: dict[str, TableLedger] | None = None,
             exact: dict | None = None) -> list[str]:
    ledgers = ledgers or {name: infer_ledger(name, df) for name, df in tables.items()}
    return [str(f) for f in audit_tables(tables, ledgers, exact).findings]


# -- (a) a rate times its shown denominator --------------------------------------------------

def test_rate_times_shown_denominator_gives_back_a_small_count() -> None:
    t = frame(group=["A", "B"], offenders=["40", "60"], reoffenders=["<5", "20"],
              binary_rate_pct=["7.5", "33.3"])
    assert findings({"rates": t}) == [
        "rates.csv: reoffenders, row 1 (group=A): a count of 1 to 4 can be worked out exactly "
        "(a: a rate times its shown denominator)"]


def test_rate_rounded_to_an_interval_of_two_whole_numbers_discloses_nothing() -> None:
    # 3 of 200 is 1.5%, shown as "2": anything from 1.5% to 2.5%, so 3 or 4 people (or 5)
    t = frame(group=["A"], offenders=["200"], reoffenders=["<5"], binary_rate_pct=["2"])
    assert findings({"rates": t}) == []


def test_rate_that_pins_a_suppressed_count_between_1_and_4_is_caught() -> None:
    # a count shown as "suppressed" (0, or 5 or more, as far as a reader knows) that the rate
    # puts at 3 or 4: 2% of 180 is anything from 1.5% to 2.5%, 2.7 to 4.5 people
    t = frame(group=["A"], offenders=["180"], reoffenders=["suppressed"], binary_rate_pct=["2"])
    assert findings({"rates": t}) == [
        "rates.csv: reoffenders, row 1 (group=A): a count of 1 to 4 can be worked out to lie "
        "between 1 and 4 (a: a rate times its shown denominator)"]


# -- (b) a total minus the shown parts -------------------------------------------------------

def test_total_row_minus_shown_parts_gives_back_a_small_count() -> None:
    t = frame(area=["BCP", "Dorset", "All areas"], people=["<5", "17", "20"])
    assert findings({"areas": t}) == [
        "areas.csv: people, row 1 (area=BCP): a count of 1 to 4 can be worked out exactly "
        "(b: a total minus the shown parts)"]
    safe = frame(area=["BCP", "Dorset", "All areas"], people=["<5", "suppressed", "20"])
    assert findings({"areas": safe}) == []


def test_total_column_minus_shown_parts_and_the_unprinted_rest() -> None:
    t = frame(group=["A", "B"], reoffences=["20", "30"], costed_reoffences=["<5", "25"],
              uncosted_reoffences=["17", "5"])
    assert findings({"costs": t}) == [
        "costs.csv: costed_reoffences, row 1 (group=A): a count of 1 to 4 can be worked out "
        "exactly (b: a total minus the shown parts)"]
    # offenders shown, reoffenders shown: the people who did not reoffend (not printed) are 3
    t = frame(group=["A"], offenders=["12"], reoffenders=["9"])
    ledger = table_ledger("rates", t, Declared(relations=(RowTotal(("reoffenders",), "offenders",
                                                                   rest=True),)))
    assert findings({"rates": t}, {"rates": ledger}) == [
        "rates.csv: offenders not in reoffenders (not printed), row 1 (group=A): a count of 1 to "
        "4 can be worked out exactly (b: a total minus the shown parts)"]


def test_small_counts_that_must_add_up_to_a_small_total_are_pinned() -> None:
    """Three quarters of 1 to 4, one of them two areas' 1 to 4 each, in a window of 1 to 4:
    only 1 + 2 + 1 fits, so every count is known."""
    t = frame(area=["BCP"] * 3 + ["Dorset"] * 3 + ["All areas"] * 3, quarter=["Q1", "Q2", "Q3"] * 3,
              x_quarter=["<5", "<5", "<5", "0", "<5", "0", "<5", "<5", "<5"],
              x_12m=[""] * 8 + ["<5"])
    ledger = table_ledger("q", t, Declared(relations=(Window("x_12m", "x_quarter", ("area",),
                                                             "quarter", 3),)))
    found = findings({"q": t}, {"q": ledger})
    assert len(found) == 8
    assert found[0] == ("q.csv: x_quarter, row 1 (area=BCP, quarter=Q1): a count of 1 to 4 can "
                        "be worked out exactly (b: a total minus the shown parts)")
    t.loc[8, "x_12m"] = "5"  # 1 + 2 + 1 is one of several ways to make 5 (or 2 + 2 + 1)
    assert findings({"q": t}, {"q": ledger}) == []


def test_rolling_window_minus_its_shown_quarters() -> None:
    t = frame(area=["All areas"] * 4, quarter=["2022/23 Q1", "2022/23 Q2", "2022/23 Q3", "2022/23 Q4"],
              custody_quarter=["0", "<5", "5", "0"], custody_12m=["", "", "", "8"])
    ledger = infer_ledger("custody", t)
    assert Window("custody_12m", "custody_quarter", ("area",), "quarter", 4) in ledger.relations
    assert findings({"custody": t}, {"custody": ledger}) == [
        "custody.csv: custody_quarter, row 2 (area=All areas, quarter=2022/23 Q2): a count of 1 "
        "to 4 can be worked out exactly (b: a total minus the shown parts)"]


# -- (c) a published population --------------------------------------------------------------

def test_rate_per_1000_times_the_published_population() -> None:
    t = frame(area=["All areas"], quarter=["2023/24 Q1"], custody_12m=["<5"],
              population_10_17=["71500"], rate_per_1000=["0.04"])
    assert findings({"custody": t}) == [
        "custody.csv: custody_12m, row 1 (area=All areas, quarter=2023/24 Q1): a count of 1 to 4 "
        "can be worked out exactly (c: a rate times a published population)"]
    rounded = frame(area=["All areas"], quarter=["2023/24 Q1"], custody_12m=["<5"],
                    population_10_17=["71500"], rate_per_1000=["0.0"])
    assert findings({"custody": rounded}) == []


def test_custody_leak_of_a_default_run_is_caught() -> None:
    """The custody count for a quarter's 12 months is suppressed, but the performance report
    prints its rate per 1,000 (0.11) and the table the population (71,500): 8 children, and
    with the quarters shown, the suppressed quarter's 3."""
    custody = frame(area=["All areas"] * 4,
                    quarter=["2021/22 Q4", "2022/23 Q1", "2022/23 Q2", "2022/23 Q3"],
                    custody_quarter=["0", "<5", "5", "0"],
                    custody_12m=["", "", "", "suppressed"], population_10_17=["71500"] * 4,
                    rate_per_1000=["", "", "", "suppressed"])
    report = frame(Indicator=["Custody rate per 1,000 10-17 population"], **{"2022/23 Q3": ["0.11"]})
    ledgers = {"custody": infer_ledger("custody", custody),
               "report": table_ledger("report", report, Declared(
                   roles={"2022/23 Q3": Role("derived")},
                   links=(Link("2022/23 Q3", "custody", "rate_per_1000", (),
                               (), (("quarter", "2022/23 Q3"),)),)))}
    assert findings({"custody": custody, "report": report}, ledgers) == [
        "custody.csv: custody_quarter, row 2 (area=All areas, quarter=2022/23 Q1): a count of 1 "
        "to 4 can be worked out exactly (b: a total minus the shown parts; c: a rate times a "
        "published population; using report.csv)",
        "custody.csv: rate_per_1000, row 4 (area=All areas, quarter=2022/23 Q3): suppressed here "
        "but shown in another table (d: a value printed elsewhere in the run; using report.csv)"]
    report.loc[0, "2022/23 Q3"] = "suppressed"
    assert findings({"custody": custody, "report": report}, ledgers) == []


# -- (d) a value printed elsewhere -----------------------------------------------------------

KM = frame(group=["IOM", "IOM"], time=["91.3125", "182.625"], months=["3", "6"],
           survival=["0.8013245033", "suppressed"],
           cumulative_reoffended_pct=["19.86754967", "suppressed"],
           cumulative_ci_low_pct=["14.33697122", "suppressed"],
           cumulative_ci_high_pct=["27.16792168", "suppressed"], at_risk=["121", "108"])
KM_EXACT = {(1, "survival"): 0.7284151, (1, "cumulative_reoffended_pct"): 27.15849,
            (1, "cumulative_ci_low_pct"): 20.84354, (1, "cumulative_ci_high_pct"): 35.10288}


def km_hidden() -> list[Hidden]:
    ledger = infer_ledger("km", KM)
    return [Hidden("km", f"{c}, row {i + 1}", ledger.role(c).kind, v, i)
            for (i, c), v in KM_EXACT.items()]


def test_km_leak_of_a_default_run_is_caught() -> None:
    """The table suppresses the 6-month values; notebook 02 prints them."""
    text = {"notebooks/02_survival.ipynb":
            "IOM at 3 months: 19.9% reoffended (95% CI 14.3 to 27.2)\n"
            "IOM at 6 months: 27.2% reoffended (95% CI 20.8 to 35.1)\n"}
    found = [str(f) for f in printed_elsewhere(km_hidden(), text)]
    assert found == [
        f"km.csv: {c}, row 2: a hidden value is printed (d: a value printed elsewhere in the run; "
        "using notebooks/02_survival.ipynb)"
        for c in ("survival", "cumulative_reoffended_pct", "cumulative_ci_low_pct",
                  "cumulative_ci_high_pct")]
    clean = {"notebooks/02_survival.ipynb": "IOM at 3 months: 19.9% reoffended (95% CI 14.3 to 27.2)\n"
                                            "IOM at 6 months: suppressed\n"}
    assert printed_elsewhere(km_hidden(), clean) == []
    # a row of a table prints many numbers: two of them matching is no sign
    row = {"report.csv": "Indicator,27.2%,20.8%,35.1%,12.0%,13.5%,17.9%,44.4%\n"}
    assert printed_elsewhere(km_hidden(), row) == []


def test_one_hidden_value_printed_alone_to_four_digits_is_caught_unless_a_shown_value_is() -> None:
    hidden = km_hidden()
    # 72.84 is 100 S and 100 minus the cumulative percentage
    assert [f.cell for f in printed_elsewhere(hidden, {"results.json": '"x": 72.84'})] == [
        "survival, row 2", "cumulative_reoffended_pct, row 2"]
    assert printed_elsewhere(hidden, {"results.json": '"x": 27.2'}) == []  # 3 digits alone
    shown = [Hidden("other", "", "other", 0.72842)]
    assert printed_elsewhere(hidden, {"results.json": '"x": 72.84'}, shown) == []


# -- (e) a value drawn in a figure -----------------------------------------------------------

def test_curve_drawn_through_a_hidden_survival_value_is_caught() -> None:
    """A Kaplan-Meier curve read at the table's 6-month horizon gives its suppressed value."""
    days = np.arange(0, 366.0)
    steps = np.select([days < 91.3125, days < 150, days < 300], [0.0, 19.86754967, 27.15849],
                      32.6)
    fig, ax = plt.subplots()
    ax.step(days, steps, where="post")
    curve = figure_data(fig)
    fig2, ax2 = plt.subplots()
    ax2.bar(["3 months"], [19.86754967])
    ax2.set_title("IOM: 19.9% reoffended by 3 months")
    bars = figure_data(fig2)
    plt.close("all")
    assert len(curve["curves"]) == 1 and "IOM: 19.9% reoffended by 3 months" in bars["texts"]
    hidden = [replace(h, times=(182.625, 6.0)) for h in km_hidden()]
    found = drawn_in_figures(hidden, {"km_cumulative": curve, "bars": bars})
    assert [str(f) for f in found] == [
        f"km.csv: {c}, row 2: a hidden value is drawn (e: a value drawn in a figure; using "
        "km_cumulative)" for c in ("survival", "cumulative_reoffended_pct")]
    # read at another time, the curve does not give it
    elsewhere = [replace(h, times=(91.3125,)) for h in km_hidden()]
    assert drawn_in_figures(elsewhere, {"km_cumulative": curve, "bars": bars}) == []


# -- the rule's first step, public figures, and the ledger itself ------------------------------

def test_shown_small_count_is_caught_and_public_figures_are_exempt() -> None:
    t = frame(group=["A", "B"], people=["3", "40"])
    assert findings({"g": t}) == [
        "g.csv: people, row 1 (group=A): a count of 1 to 4 is shown (the rule's first step)"]
    ledger = table_ledger("g", t, Declared(roles={"people": Role("public")}))
    assert findings({"g": t}, {"g": ledger}) == []


def test_roles_inferred_from_the_project_naming() -> None:
    t = frame(area=["All areas"], quarter=["Q1"], offenders=["10"], reoffenders=["5"],
              binary_rate_pct=["50"], fte_quarter=["3"], fte_12m=["9"],
              population_10_17=["100"], rate_per_100000=["9000"], coef=["0.1"], survival=["0.5"],
              at_risk=["7"])
    roles = infer_ledger("t", t).roles
    assert roles["area"] == Role("key") and roles["offenders"] == Role("count")
    assert roles["binary_rate_pct"] == Role("rate", "reoffenders", "offenders", 100.0)
    assert roles["rate_per_100000"] == Role("rate", "fte_12m", "population_10_17", 100000.0)
    assert roles["population_10_17"] == Role("public") and roles["coef"] == Role("other")
    assert roles["survival"] == Role("survival", at_risk="at_risk")
    assert roles["fte_quarter"] == Role("count")


def test_ledger_from_the_rule_and_exact_values_of_hidden_cells() -> None:
    exact = pd.DataFrame({"group": ["A", "B", "C"], "people": [3, 40, 50],
                          "pct": [10.5, 50.25, 39.25]})
    published = suppress_counts(exact, ["people"], {"pct": "people"}, sets=True)
    ledger = table_ledger("g", published)
    assert ledger.roles["people"] == Role("count")
    assert ledger.roles["pct"] == Role("derived", sources=("people",))
    assert GroupTotal(("people",), ()) in ledger.relations
    assert hidden_exact(published) == [(0, "pct", 10.5), (0, "people", 3.0), (1, "pct", 50.25),
                                       (1, "people", 40.0)]
    again = TableLedger.from_json("g", json.loads(json.dumps(ledger.to_json())))
    assert again == ledger


def test_sum_the_exact_values_contradict_is_reported_and_not_used() -> None:
    t = frame(area=["BCP", "Dorset", "All areas"], people=["<5", "17", "25"])
    audit = audit_tables({"a": t}, {"a": infer_ledger("a", t)}, {"a": {(0, "people"): 3.0}})
    assert audit.findings == []
    assert audit.unchecked == ["a: the rows of people to their All areas row does not hold"]


def test_read_cell_gives_the_interval_a_rounded_number_stands_for() -> None:
    assert read_cell("0.11").interval == pytest.approx((0.105, 0.115))
    assert read_cell("27.2%").interval == pytest.approx((27.15, 27.25))
    assert read_cell("1,234").interval == pytest.approx((1233.5, 1234.5))
    assert [read_cell(x).state for x in ("<5", "suppressed", "", "n/a", "IOM")] == [
        "small", "hidden", "blank", "blank", "text"]


# -- the run: records, ledger file, private folder -----------------------------------------------

def test_audit_run_names_the_leak_writes_the_ledger_and_removes_the_records(tmp_path: Path) -> None:
    out = RunOutput(tmp_path, "01_x")
    exact = pd.DataFrame({"area": ["BCP", "Dorset", "All areas"], "people": [3, 17, 20]})
    out.table("areas", suppress_counts(exact, ["people"], None))
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 0.5])
    out.figure("line", fig)
    private = tmp_path / PRIVATE_DIR
    assert stat.S_IMODE((private / "hidden/01_x__areas.json").stat().st_mode) == 0o600
    assert stat.S_IMODE(private.stat().st_mode) == 0o700
    (tmp_path / "results.json").write_text("{}")
    found = [str(f) for f in audit_run(tmp_path)]
    assert found == ["01_x__areas.csv: people, row 1 (area=BCP): a count of 1 to 4 can be worked "
                     "out exactly (b: a total minus the shown parts)"]
    assert not private.exists()
    ledger = json.loads((tmp_path / LEDGER_FILE).read_text())
    entry = ledger["tables"]["01_x__areas.csv"]
    assert entry["suppressed_cells"] == 1 and entry["attacks_tried"] == ["b", "d", "e"]
    assert entry["roles"]["people"] == {"kind": "count"} and ledger["figures"] == ["01_x__line"]
    assert "3" not in json.dumps(entry["roles"])


def test_audit_run_passes_a_clean_run(tmp_path: Path) -> None:
    out = RunOutput(tmp_path, "01_x")
    exact = pd.DataFrame({"area": ["BCP", "Dorset", "All areas"], "people": [3, 17, 20]})
    published = suppress_counts(exact, ["people"], None, sets=True)
    assert published["people"].tolist() == ["<5", "suppressed", 20]
    out.table("areas", published)
    (tmp_path / "results.json").write_text("{}")
    assert audit_run(tmp_path) == []


def test_a_scatter_records_its_points_not_the_shape_of_its_markers() -> None:
    """A circle marker's outline holds 1/sqrt(2); a hidden SMD of 0.7071 is not drawn by it."""
    fig, ax = plt.subplots()
    ax.scatter([0.3, 2.5], [1.0, 2.0], marker="o")
    ax.fill_between([0.0, 1.0], [0.0, 0.25], [1.0, 1.5])
    values = figure_data(fig)["values"]
    plt.close(fig)
    assert values == [0.0, 0.25, 0.3, 1.0, 1.5, 2.0, 2.5]
