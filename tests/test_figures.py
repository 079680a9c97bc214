"""The figures speak plain English: words for names, months for time, bands, legends off the data,
titles that state what the data show; and the one mapping of names to words."""

from __future__ import annotations

import contextlib

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import yaml  # noqa: E402
from lifelines import KaplanMeierFitter  # noqa: E402

from analysis.files import project_root  # noqa: E402
from analysis.measures.performance import PAN_DORSET_MEASURES  # noqa: E402
from analysis.models import survival as sv  # noqa: E402
from analysis.models.effects.weighted_km_bands import weighted_km_bands  # noqa: E402
from analysis.models.survival.adjusted_bands import adjusted_survival_bands  # noqa: E402
from analysis.presentation import (  # noqa: E402
    cost_plots,
    effects_plots,
    performance_plots,
    style,
    survival_plots,
)
from analysis.presentation.labels import (  # noqa: E402
    display_headers,
    label,
    level_label,
    references_text,
    term_label,
)
from analysis.presentation.style import month_ticks, save_figure  # noqa: E402

ROOT = project_root()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _ticks(ax: plt.Axes, axis: str = "y") -> list[str]:
    ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in ticks]


def _people(n: int = 400, seed: int = 1, unit_max: float = 365.25) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    time = rng.uniform(1, unit_max, n)
    return pd.DataFrame({"time": time, "event": rng.integers(0, 2, n),
                         "treated": rng.integers(0, 2, n)})


# ---------------------------------------------------------------------------------------------
# the mapping of names to words


@pytest.mark.parametrize(("name", "words"), [
    ("sex[female]", "Female (vs male)"),
    ("sex[T.female]", "Female (vs male)"),
    ("area[Dorset]", "Area: Dorset"),
    ("prior_offences_12m", "Prior offences in last 12 months"),
    ("need_drugs", "Drugs need (yes vs no)"),
    ("treated", "Treated (vs comparison)"),
    ("cost_per_person_gbp", "Cost per person (£)"),
    ("binary_rate_pct", "Proven reoffending rate (%)"),
    ("log1p(prior_offences_12m)", "Prior offences in last 12 months, log(1 + value)"),
    ("ns(age)[2]", "Age, spline term 2"),
    ("p_value", "p-value"),
])
def test_label_puts_names_in_words(name: str, words: str) -> None:
    assert label(name) == words


def test_term_label_names_the_reference_level() -> None:
    assert term_label("area[Dorset]", {"area": "BCP"}) == "Area: Dorset (vs BCP)"
    assert term_label("bands(age)[25-34]", {"bands(age)": "18-24"}) == "Age band: 25-34 (vs 18-24)"
    assert level_label("need_accommodation", 1.0) == "Accommodation need: yes"
    assert level_label("sex", "female") == "Sex: female"
    assert references_text({"sex": "male", "area": "BCP"}) == "Sex: male; Area: BCP"
    assert references_text({}) == "none"


@pytest.mark.parametrize("params_file", ["default.yaml", "rossi.yaml", "recid.yaml"])
def test_every_covariate_of_the_standard_runs_has_words(params_file: str) -> None:
    params = yaml.safe_load((ROOT / "params" / params_file).read_text(encoding="utf-8"))
    data, effects = params["data"], params.get("effects", {})
    for name in [data["treatment"], *data["covariates"], *effects.get("subgroups", [])]:
        words = label(name)
        assert "_" not in words and "[" not in words, (name, words)
        assert words != name, name  # every one is written out, not just echoed


def test_display_headers_rename_for_showing_only() -> None:
    table = pd.DataFrame({"n_treated": [3], "cost_per_person_gbp": [1.5], 2024: [1]})
    shown = display_headers(table)
    assert list(shown.columns) == ["People treated", "Cost per person (£)", 2024]
    assert list(table.columns) == ["n_treated", "cost_per_person_gbp", 2024]


# ---------------------------------------------------------------------------------------------
# time in months


def test_month_ticks_in_whole_months_for_each_unit() -> None:
    assert month_ticks(365.25, "days")[1] == ["0", "3", "6", "9", "12"]
    assert month_ticks(52, "weeks")[1] == ["0", "3", "6", "9", "12"]  # 52 weeks reach 12
    assert month_ticks(81, "months")[1] == ["0", "12", "24", "36", "48", "60", "72"]
    ticks, _ = month_ticks(365.25, "days")
    assert ticks[1] == pytest.approx(91.3125)


def test_km_axis_ticks_are_months_since_release() -> None:
    fig = survival_plots.km_figure(_people(), group_col="treated", time_unit="days",
                                   origin="release", labels={0: "No", 1: "Yes"})
    ax = fig.axes[0]
    assert _ticks(ax, "x") == ["0", "3", "6", "9", "12"]
    assert ax.get_xlabel() == "Months since release"
    assert "91.3" not in " ".join(t.get_text() for t in ax.texts)


# ---------------------------------------------------------------------------------------------
# words in the forest, Love and subgroup plots


def _cox_table() -> pd.DataFrame:
    names = ["treated", "age", "sex[female]", "area[Dorset]", "prior_offences_12m", "need_drugs"]
    hr = np.array([0.66, 0.98, 0.78, 1.01, 1.12, 1.55])
    return pd.DataFrame({"covariate": names, "hazard_ratio": hr, "hr_ci_low": hr * 0.8,
                         "hr_ci_high": hr * 1.2, "p_value": [0.02, 0.1, 0.03, 0.9, 0.001, 0.001]})


def test_forest_plot_labels_are_words_with_reference_levels() -> None:
    fig = survival_plots.forest_figure(_cox_table(), focus="treated", references={"area": "BCP"},
                                       labels={"treated": "IOM (vs Not on IOM)"})
    labels = _ticks(fig.axes[0])
    assert not any("[" in t or "_" in t for t in labels), labels
    assert "Female (vs male)" in labels and "Area: Dorset (vs BCP)" in labels
    assert fig.axes[0].get_title(loc="left").startswith("IOM (vs Not on IOM): 34% lower hazard")


def _balance() -> pd.DataFrame:
    covs = ["age", "sex[female]", "prior_offences_12m"]
    rows = [{"covariate": c, "sample": s, "abs_smd": v}
            for s, values in (("Unadjusted", (0.15, 0.04, 0.6)), ("IPW (ATT)", (0.02, 0.01, 0.12)))
            for c, v in zip(covs, values, strict=True)]
    return pd.DataFrame(rows)


def test_love_plot_words_and_legend_off_the_points() -> None:
    fig = effects_plots.love_plot(_balance(), 0.1)
    ax = fig.axes[0]
    labels = _ticks(ax)
    assert not any("[" in t or "_" in t for t in labels), labels
    assert "Prior offences in last 12 months" in ax.get_title()
    fig.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.x0 >= ax.get_window_extent().x1  # beside the axes: never on a point


def test_subgroup_rows_read_as_words() -> None:
    table = pd.DataFrame({"subgroup": ["need_accommodation", "need_accommodation", "sex"],
                          "level": [0.0, 1.0, "female"], "estimate": [-0.1, -0.12, -0.05],
                          "ci_low": [-0.2, -0.2, -0.15], "ci_high": [0.0, -0.02, 0.05]})
    fig = effects_plots.subgroup_figure(table)
    assert _ticks(fig.axes[0]) == ["Accommodation need: no", "Accommodation need: yes",
                                   "Sex: female"]
    assert " ".join(fig.axes[0].get_title().split()) == (
        "Risk difference by subgroup: 1 of 3 intervals exclude no difference; largest reduction "
        "Accommodation need: yes (-12.0 points)")


# ---------------------------------------------------------------------------------------------
# costs


def _sensitivities() -> pd.DataFrame:
    return pd.DataFrame({
        "parameter": ["effect (risk difference)", "unit costs (factor)"],
        "base_value": [-0.117, 1.0], "low_value": [-0.204, 0.75], "high_value": [-0.031, 1.25],
        "npv_low_gbp": [431_229.0, -28_587.0], "npv_high_gbp": [-255_794.0, 204_022.0],
        "swing_gbp": [687_023.0, 232_609.0]})


def test_tornado_colours_mean_the_same_in_every_row() -> None:
    fig = cost_plots.tornado_figure(_sensitivities(), 87_718.0, "2023-24 prices")
    ax = fig.axes[0]
    blue = matplotlib.colors.to_rgba("#0072B2")
    bars = {(round(p.get_y() + p.get_height() / 2), p.get_facecolor() == blue): p.get_x() + p.get_width()
            for p in ax.patches}
    # row 1 is the effect (the table's first row is drawn at the top): the larger reduction,
    # -0.204, is blue, as the larger unit-cost factor (row 0) is
    assert bars[(1, True)] == pytest.approx(431_229.0)
    assert bars[(0, True)] == pytest.approx(204_022.0)


def test_tornado_effect_crossing_zero_blue_is_the_reduction() -> None:
    table = _sensitivities().iloc[:1].assign(low_value=-0.0602, high_value=0.0784,
                                             npv_low_gbp=325_000.0, npv_high_gbp=-423_000.0)
    fig = cost_plots.tornado_figure(table, -49_109.0, "2023-24 prices")
    blue = matplotlib.colors.to_rgba("#0072B2")
    ends = {p.get_facecolor() == blue: p.get_x() + p.get_width() for p in fig.axes[0].patches}
    assert ends[True] == pytest.approx(325_000.0)  # -0.0602: fewer reoffenders
    assert ends[False] == pytest.approx(-423_000.0)


def test_net_benefit_shows_the_point_estimate_with_the_monte_carlo_interval() -> None:
    npv = np.random.default_rng(3).normal(500_000, 400_000, 10_000)
    fig = cost_plots.net_benefit_figure(npv, 0.9, "2023-24 prices", 2_500.0, point_npv=87_718.0)
    ax = fig.axes[0]
    title = ax.get_title(loc="left")
    assert title.startswith("Net present value £87,718 at the point values (90% interval")
    lines = [line.get_xdata()[0] for line in ax.get_lines()]
    assert 87_718.0 in lines and not any(abs(x - npv.mean()) < 1 for x in lines)
    fig.canvas.draw()
    assert ax.get_legend().get_window_extent().x0 >= ax.get_window_extent().x1


def test_cohort_costs_legend_beside_the_bars() -> None:
    groups = pd.DataFrame({"group": ["IOM", "Not on IOM"], "cost_per_person_gbp": [5516.0, 4300.0],
                           "cost_per_reoffender_gbp": [17000.0, 16500.0]})
    fig = cost_plots.cohort_costs_figure(groups, "2023-24 prices")
    ax = fig.axes[0]
    fig.canvas.draw()
    assert ax.get_legend().get_window_extent().x0 >= ax.get_window_extent().x1


# ---------------------------------------------------------------------------------------------
# performance


def test_trends_have_one_labelled_tick_per_quarter() -> None:
    quarters = [f"202{y}/2{y + 1} Q{q}" for y in (2, 3) for q in (1, 2, 3, 4)][:6] + ["2024/25 Q1"]
    keys = [m.key for m in PAN_DORSET_MEASURES][:2]
    rows = [{"measure": k, "quarter": q, "denominator": 50, "value_pct": 40.0, "ci_low_pct": 30.0,
             "ci_high_pct": 50.0, "status": "Green", "target_pct": 35.0}
            for k in keys for q in (quarters if k == keys[0] else quarters[:-1])]
    fig = performance_plots.measure_trend_figure(pd.DataFrame(rows), None, quarters)
    for ax in fig.axes[:2]:
        assert _ticks(ax, "x") == quarters


def test_funnel_title_states_the_area_quarters_above_the_limits() -> None:
    unit = pd.DataFrame({"unit": ["BCP", "Dorset"], "people": [2010, 1563], "value": [0.259, 0.267],
                         "position": ["within 95%", "within 95%"]})
    small = pd.DataFrame({"unit": ["BCP 2021/22 Q4", "BCP 2022/23 Q1", "Dorset 2022/23 Q1"],
                          "people": [217, 216, 161], "value": [0.318, 0.23, 0.323],
                          "position": ["above 95% (alert)", "within 95%", "above 95% (alert)"]})
    sizes = np.linspace(50, 2500, 20)
    curves = pd.concat([pd.DataFrame({"level": level, "size": sizes, "lower": 0.255 - w / np.sqrt(sizes),
                                      "upper": 0.255 + w / np.sqrt(sizes)})
                        for level, w in ((0.95, 0.85), (0.998, 1.3))])
    fig = performance_plots.funnel_figure(unit, curves, 25.5, small_units=small)
    title = " ".join(fig.get_suptitle().split())
    assert "but 2 of 3 area-quarters lie above the 95% limit (BCP 2021/22 Q4, Dorset 2022/23 Q1)" in title


# ---------------------------------------------------------------------------------------------
# bands


@pytest.mark.filterwarnings("ignore:It looks like your weights are not integers")
def test_weighted_km_bands_follow_lifelines_and_are_reproducible() -> None:
    people = _people(300, seed=4)
    weights = pd.Series(np.random.default_rng(5).uniform(0.2, 3.0, len(people)), index=people.index)
    grid = np.array([0.0, 91.3125, 182.625, 273.9375])
    bands = weighted_km_bands(people, weights, grid, replicates=50, seed=7)
    again = weighted_km_bands(people, weights, grid, replicates=50, seed=7)
    pd.testing.assert_frame_equal(bands, again)
    for g, d in people.groupby("treated"):
        kmf = KaplanMeierFitter().fit(d["time"], d["event"], weights=weights.loc[d.index])
        expected = 100 * (1 - kmf.survival_function_at_times(grid).to_numpy())
        got = bands.loc[bands["group"] == g, "cumulative_reoffended_pct"].to_numpy()
        np.testing.assert_allclose(got, expected, atol=1e-9)
        row = bands[(bands["group"] == g) & (bands["time"] > 0)]
        assert (row["cumulative_ci_low_pct"] < row["cumulative_reoffended_pct"]).all()
        assert (row["cumulative_ci_high_pct"] > row["cumulative_reoffended_pct"]).all()


def test_adjusted_bands_surround_the_curve_and_are_reproducible() -> None:
    rossi = pd.read_csv(ROOT / "data" / "public" / "rossi.csv").rename(
        columns={"week": "time", "arrest": "event", "fin": "treated"})
    cox = sv.fit_cox(rossi, covariates=["treated", "age", "prio"])
    fitted = cox.model.params_.copy()
    times = [0.0, 13.0, 26.0, 52.0]
    bands = adjusted_survival_bands(cox, "treated", times, replicates=10, seed=2024)
    again = adjusted_survival_bands(cox, "treated", times, replicates=10, seed=2024)
    pd.testing.assert_frame_equal(bands, again)
    curve = sv.adjusted_survival(cox, "treated", times)
    np.testing.assert_allclose(bands["cumulative_reoffended_pct"], curve["cumulative_reoffended_pct"])
    later = bands[bands["time"] > 0]
    assert (later["cumulative_ci_low_pct"] < later["cumulative_reoffended_pct"]).all()
    assert (later["cumulative_ci_high_pct"] > later["cumulative_reoffended_pct"]).all()
    pd.testing.assert_series_equal(cox.model.params_, fitted)  # the fitted model is left as it was
    fig = survival_plots.adjusted_survival_figure(curve, time_unit="weeks", bands=bands)
    assert len(fig.axes[0].collections) == 2  # one band per curve
    assert _ticks(fig.axes[0], "x") == ["0", "3", "6", "9", "12"]


def test_figures_are_saved_byte_identical(tmp_path) -> None:
    saved = []
    for run in ("a", "b"):
        fig = survival_plots.forest_figure(_cox_table(), focus="treated")
        png, svg = save_figure(fig, tmp_path / run / "forest")
        saved.append((png.read_bytes(), svg.read_bytes()))
    assert saved[0] == saved[1]


def _tight_figure() -> plt.Figure:
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [3, 1, 2], label="a line")
    ax.set_title("A title that states the finding")
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    fig.tight_layout()
    return fig


def test_a_tight_layout_figure_is_written_as_matplotlib_writes_it_with_one_pass_less(
        tmp_path, monkeypatch) -> None:
    fig = _tight_figure()
    engine = fig.get_layout_engine()
    draws = []
    draw = matplotlib.figure.Figure.draw
    monkeypatch.setattr(matplotlib.figure.Figure, "draw",
                        lambda self, renderer: draws.append(1) or draw(self, renderer))
    png, svg = save_figure(fig, tmp_path / "saved" / "tight")
    # the layout pass, the PNG, the layout pass before the SVG and the SVG (matplotlib alone
    # adds a layout pass before the PNG)
    assert len(draws) == 4
    assert fig.get_layout_engine() is engine  # the placeholder engine is given back
    monkeypatch.setattr(style, "_engine_set_aside", lambda fig: contextlib.nullcontext())
    kept = save_figure(_tight_figure(), tmp_path / "engine_kept" / "tight")  # matplotlib's way
    assert [p.read_bytes() for p in (png, svg)] == [p.read_bytes() for p in kept]
