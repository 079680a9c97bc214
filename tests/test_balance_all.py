"""Balance on every baseline characteristic: hand-computed SMDs and variance ratios, the table's
columns, the warning about characteristics left out of the model and the worse-balance sentence."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.measures import baseline_balance as bb  # noqa: E402
from analysis.presentation import balance_plots as bpl  # noqa: E402
from analysis.presentation import balance_text as blt  # noqa: E402

COLUMNS = ["covariate", "in_model", "sample", "mean_treated", "mean_comparison", "smd", "abs_smd",
           "variance_ratio", "imbalanced"]


def _tiny() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three treated and four comparison people; ``age`` is modelled, the rest are not."""
    sample = pd.DataFrame({
        "treated": [1, 1, 1, 0, 0, 0, 0],
        "age": [30.0, 40.0, 50.0, 30.0, 40.0, 50.0, 60.0],
        "prior_offences": [1.0, 2.0, 3.0, 2.0, 4.0, 6.0, 8.0],
        "need_ete": [1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0],
        "area": ["A", "B", "B", "B", "B", "A", "B"],
        "reoffended": [1, 0, 1, 0, 1, 0, 1],
        "cohort_group": ["Adult"] * 7,
    })
    return sample, sample[["age"]].astype(float)


def _balance(min_cell: int = 1, weights: dict[str, pd.Series | None] | None = None) -> pd.DataFrame:
    sample, design = _tiny()
    return bb.published_balance_all(sample, design, ["age"], ["need_ete"],
                                    weights or {"Unadjusted": None}, 0.1, min_cell)


def test_baseline_variables_leave_out_outcomes_and_constants() -> None:
    sample, _ = _tiny()
    assert bb.baseline_variables(sample, ["age"], ["need_ete"]) == [
        "age", "area", "prior_offences", "need_ete"]


def test_smd_and_variance_ratio_by_hand() -> None:
    row = _balance().set_index("covariate").loc["prior_offences"]
    # treated 1, 2, 3: mean 2, variance 1; comparison 2, 4, 6, 8: mean 5, variance 20/3
    assert row["mean_treated"] == pytest.approx(2.0)
    assert row["mean_comparison"] == pytest.approx(5.0)
    assert row["smd"] == pytest.approx(-3 / math.sqrt((1 + 20 / 3) / 2))
    assert row["smd"] == pytest.approx(-1.53226, abs=1e-5)
    assert row["variance_ratio"] == pytest.approx(0.15)
    flag = _balance().set_index("covariate").loc["need_ete"]
    # treated 1, 1, 0: mean 2/3, variance 1/3; comparison 0, 0, 1, 1: mean 1/2, variance 1/3
    assert flag["smd"] == pytest.approx((2 / 3 - 1 / 2) / math.sqrt(1 / 3))
    assert np.isnan(flag["variance_ratio"])


def test_weighted_sample_by_hand() -> None:
    sample, _ = _tiny()
    w = pd.Series([1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0], index=sample.index)
    table = _balance(weights={"Unadjusted": None, "Matched": w})
    row = table[(table["sample"] == "Matched") & (table["covariate"] == "prior_offences")].iloc[0]
    # comparison people counted: 4 and 6 (mean 5, variance 2)
    assert row["smd"] == pytest.approx(-3 / math.sqrt((1 + 2) / 2))
    assert row["variance_ratio"] == pytest.approx(0.5)


def test_published_table_columns_and_model_flag() -> None:
    table = _balance()
    assert list(table.columns) == COLUMNS
    # a text characteristic: one 0/1 column per level other than the most common (B)
    assert table["covariate"].tolist() == ["age", "area[A]", "prior_offences", "need_ete"]
    assert table["in_model"].tolist() == [True, False, False, False]
    sample, _ = _tiny()
    assert bb.left_out_references(sample, ["age"], ["need_ete"]) == {"area": "B"}


def test_small_cells_are_suppressed() -> None:
    table = _balance(min_cell=5).set_index("covariate")
    assert table.loc["need_ete", "smd"] == "suppressed"
    assert table.loc["need_ete", "mean_treated"] == "suppressed"
    assert table.loc["prior_offences", "smd"] != "suppressed"


def _constructed() -> pd.DataFrame:
    rows = [("age", True, "Unadjusted", 0.14), ("age", True, "Matched", 0.15),
            ("age", True, "IPW (ATT)", 0.02),
            ("need_ete", False, "Unadjusted", 0.78), ("need_ete", False, "Matched", 0.70),
            ("need_ete", False, "IPW (ATT)", 0.52),
            ("need_alcohol", False, "Unadjusted", -0.64), ("need_alcohol", False, "Matched", 0.66),
            ("need_alcohol", False, "IPW (ATT)", 0.30),
            ("area[Dorset]", False, "Unadjusted", 0.08), ("area[Dorset]", False, "Matched", 0.13),
            ("area[Dorset]", False, "IPW (ATT)", 0.05),
            ("need_finance", False, "Unadjusted", "suppressed"),
            ("need_finance", False, "Matched", 0.9), ("need_finance", False, "IPW (ATT)", 0.0)]
    table = pd.DataFrame(rows, columns=["covariate", "in_model", "sample", "smd"])
    size = pd.to_numeric(table["smd"], errors="coerce").abs()
    return table.assign(abs_smd=size.where(size.notna(), "suppressed"), imbalanced=size > 0.1,
                        variance_ratio=np.where(table["covariate"] == "age", 1.2, np.nan))


def test_warning_names_strong_imbalance_left_out() -> None:
    left_out = bb.left_out_imbalanced(_constructed())
    assert left_out["covariate"].tolist() == ["need_ete", "need_alcohol"]
    assert blt.left_out_warning(left_out) == (
        "Warning: strongly imbalanced before adjustment (|SMD| 0.25 or more) but not in the "
        "model: Education, training, employment need (SMD +0.78) and Alcohol need (SMD -0.64). "
        "Matching and weighting balance only the characteristics in the model; consider adding "
        "these to `data.covariates`.")
    assert blt.left_out_warning(left_out.iloc[:0]) == ""


def test_worse_balance_sentence() -> None:
    worse = bb.worsened(_constructed(), 0.1)
    assert worse.values.tolist() == [["Matched", "age", 0.14, 0.15],
                                     ["Matched", "need_alcohol", 0.64, 0.66],
                                     ["Matched", "area[Dorset]", 0.08, 0.13]]
    assert blt.worse_balance_text(worse, 0.1, {"area": "BCP"}) == (
        "Matching made the balance worse on Age (0.140 to 0.150), Alcohol need (0.640 to 0.660) "
        "and Area: Dorset (vs BCP) (0.080 to 0.130) (|SMD| before to after, now above 0.1).")
    assert blt.worse_balance_text(worse.iloc[:0]) == ""


def test_notes_and_record() -> None:
    table = _constructed()
    notes = blt.balance_notes(table, 0.1, {"area": "BCP"})
    assert notes.startswith("**Warning: strongly imbalanced before adjustment")
    assert "\n\nMatching made the balance worse on Age" in notes
    record = blt.balance_record(table, 0.1)
    assert record["imbalanced_not_modelled"] == ["need_ete", "need_alcohol"]
    assert record["balance_worse_after"] == {"Matched": ["age", "need_alcohol", "area[Dorset]"]}
    assert record["imbalanced_not_modelled_warning"].startswith("Warning: ")
    calm = table[table["covariate"] == "age"]
    assert blt.balance_notes(calm[calm["sample"] != "Matched"], 0.1) == (
        "No characteristic left out of the model has |SMD| 0.25 or more before adjustment.\n\n"
        "No adjustment left a characteristic above |SMD| 0.1 and worse balanced than before.")


def test_title_states_the_finding() -> None:
    title = blt.balance_title_all(_constructed(), 0.1)
    assert title == ("In the model, still |SMD| > 0.1 after adjustment \u2014 Matched: Age; "
                     "IPW (ATT): none. Not in the model, |SMD| \u2265 0.25 before adjustment: "
                     "Education, training, employment need, Alcohol need")


def test_love_plot_two_panels_words_and_bands() -> None:
    table = _constructed()
    fig = bpl.love_plot_all(table, 0.1, references={"area": "BCP"})
    ax, axv = fig.axes[:2]
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[0] == "Age" and "Area: Dorset (vs BCP)" in ticks
    assert not any("_" in t for t in ticks)
    italic = [t.get_text() for t in ax.get_yticklabels() if t.get_fontstyle() == "italic"]
    assert "Age" not in italic and len(italic) == 4
    assert ax.get_xlabel() == "Absolute standardised mean difference"
    assert axv.get_xscale() == "log" and axv.get_xlabel().startswith("Variance ratio")
    assert [line.get_xdata()[0] for line in ax.get_lines()] == [0.1]
    legend = [t.get_text() for t in axv.get_legend().get_texts()]
    assert "variance ratio 0.5 to 2" in legend and "not in the model (italic)" in legend
    assert fig.texts[0].get_text().startswith("In the model, still |SMD| > 0.1")
    plt.close(fig)


def test_nothing_to_warn_about() -> None:
    table = _constructed()
    calm = table[table["covariate"].isin(["age", "need_finance"])]
    assert bb.left_out_imbalanced(calm).empty
    assert blt.balance_title_all(calm, 0.1) == (
        "In the model, still |SMD| > 0.1 after adjustment \u2014 Matched: Age; IPW (ATT): none")


def test_title_when_every_modelled_characteristic_is_balanced() -> None:
    table = _constructed()
    calm = table[(table["covariate"] == "age") & (table["sample"] != "Matched")]
    assert blt.balance_title_all(calm, 0.1) == (
        "Every characteristic in the model within |SMD| 0.1 after each adjustment")
