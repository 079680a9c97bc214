"""Costs averted, NPV, BCR, Monte Carlo, break-even and sensitivities: hand-computed and analytic checks."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest

from analysis.costs import value_for_money as vfm
from analysis.params import CostParams


@pytest.fixture
def inp() -> vfm.VfmInputs:
    """Effect -0.1 (SE 0.04) on 100 people, 2 reoffences per reoffender, £1,000 an offence."""
    return vfm.VfmInputs(
        effect=-0.10, effect_se=0.04, cohort_size=100, reoffences_per_reoffender=2.0,
        unit_cost=1000.0, recorded_to_actual=1.5, recorded_to_actual_range=(1.0, 3.0),
        unit_cost_uncertainty=0.25, programme_cost_per_person=200.0, horizon_years=1,
        discount_rate=0.035,
    )


def test_annuity_factor_hand_computed() -> None:
    assert vfm.annuity_factor(0.035, 1) == 1.0
    assert vfm.annuity_factor(0.035, 3) == pytest.approx(1 + 1 / 1.035 + 1 / 1.035 ** 2)
    assert vfm.annuity_factor(0.0, 5) == 5.0


def test_appraisal_hand_computed(inp: vfm.VfmInputs) -> None:
    r = vfm.appraise(inp)
    assert r["reoffenders_averted"] == pytest.approx(10)          # 0.1 x 100
    assert r["proven_offences_averted"] == pytest.approx(20)      # x 2
    assert r["offences_averted"] == pytest.approx(30)             # x 1.5
    assert r["annual_benefit_gbp"] == pytest.approx(30_000)       # x £1,000
    assert r["programme_cost_gbp"] == 20_000                      # £200 x 100
    assert r["npv_gbp"] == pytest.approx(10_000)
    assert r["bcr"] == pytest.approx(1.5)
    three = vfm.appraise(replace(inp, horizon_years=3))
    assert three["pv_benefit_gbp"] == pytest.approx(30_000 * (1 + 1 / 1.035 + 1 / 1.035 ** 2))
    assert math.isnan(vfm.appraise(replace(inp, programme_cost_per_person=0.0))["bcr"])


def test_monte_carlo_reproduces_exactly_with_the_same_seed(inp: vfm.VfmInputs) -> None:
    a = vfm.monte_carlo(inp, 10_000, seed=2024, progress=False)
    b = vfm.monte_carlo(inp, 10_000, seed=2024, progress=False)
    c = vfm.monte_carlo(inp, 10_000, seed=2025, progress=False)
    assert np.array_equal(a.npv, b.npv) and np.array_equal(a.effect, b.effect)
    assert a.summary() == b.summary()
    assert not np.array_equal(a.npv, c.npv)
    assert a.npv.size == 10_000


def test_monte_carlo_mean_converges_to_the_analytic_expectation(inp: vfm.VfmInputs) -> None:
    expected = vfm.expected_npv(inp)
    # E[NPV] = -E[effect] N f E[m] c E[u] - C = 0.1 x 100 x 2 x 2 x 1000 - 20,000
    assert expected == pytest.approx(20_000)
    for draws in (10_000, 200_000):
        s = vfm.monte_carlo(inp, draws, seed=7, progress=False).summary()
        assert abs(s["npv_mean_gbp"] - expected) < 4 * s["npv_mc_se_gbp"], (draws, s)
    assert s["npv_mc_se_gbp"] == pytest.approx(s["npv_sd_gbp"] / math.sqrt(200_000))


def test_probability_benefit_exceeds_cost_matches_the_normal_case(inp: vfm.VfmInputs) -> None:
    """With only the effect uncertain the benefit is normal: P = Phi((mean - cost) / sd)."""
    only_effect = replace(inp, unit_cost_uncertainty=0.0, recorded_to_actual_range=(1.5, 1.5))
    mean_b, sd_b = 30_000, 0.04 * 100 * 2 * 1.5 * 1000
    p = NormalDist().cdf((mean_b - 20_000) / sd_b)
    s = vfm.monte_carlo(only_effect, 50_000, seed=11, progress=False).summary()
    assert s["p_benefit_exceeds_cost"] == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / 50_000))


def test_break_even_effect_gives_zero_npv(inp: vfm.VfmInputs) -> None:
    be = vfm.break_even_effect(inp)
    assert be == pytest.approx(-20_000 / (100 * 2 * 1.5 * 1000))
    assert vfm.appraise(inp, effect=be)["npv_gbp"] == pytest.approx(0, abs=1e-6)
    be_e = vfm.break_even_effect(inp, expected=True)
    assert vfm.expected_npv(replace(inp, effect=be_e)) == pytest.approx(0, abs=1e-6)
    assert vfm.break_even_effect(replace(inp, programme_cost_per_person=0.0)) == 0


def test_one_way_sensitivities(inp: vfm.VfmInputs) -> None:
    t = vfm.one_way_sensitivities(inp, 0.5).set_index("parameter")
    z = NormalDist().inv_cdf(0.975)
    eff = t.loc["effect (risk difference)"]
    assert eff["low_value"] == pytest.approx(-0.1 - z * 0.04)
    assert eff["npv_low_gbp"] == pytest.approx(vfm.appraise(inp, effect=-0.1 - z * 0.04)["npv_gbp"])
    assert t.loc["programme cost per person (GBP)", "npv_high_gbp"] == pytest.approx(30_000 - 30_000)
    assert t.loc["unit costs (factor)", "npv_low_gbp"] == pytest.approx(0.75 * 30_000 - 20_000)
    assert "discount rate" not in t.index  # no effect over a one-year horizon
    assert list(t["swing_gbp"]) == sorted(t["swing_gbp"], reverse=True)
    assert "discount rate" in vfm.one_way_sensitivities(replace(inp, horizon_years=3))["parameter"].values


def test_effect_from_the_effects_notebook_then_parameters_then_none(tmp_path: Path) -> None:
    assert vfm.read_effect(tmp_path, CostParams()) is None
    given = vfm.read_effect(tmp_path, CostParams(effect=-0.05, effect_se=0.02))
    assert (given.estimate, given.se, given.source) == (-0.05, 0.02, "parameters (costs.effect)")
    (tmp_path / "results").mkdir()
    path = tmp_path / "results" / "03_intervention_effects.json"
    path.write_text(json.dumps({"risk_difference": None}))
    assert vfm.read_effect(tmp_path, CostParams(effect=-0.05)).source == "parameters (costs.effect)"
    path.write_text(json.dumps({"risk_difference": -0.08, "risk_difference_ci": [-0.12, -0.04]}))
    e = vfm.read_effect(tmp_path, CostParams(effect=-0.05))
    assert e.estimate == -0.08 and e.ci == (-0.12, -0.04)
    assert e.se == pytest.approx(0.04 / NormalDist().inv_cdf(0.975))
    assert "03_intervention_effects" in e.source
    path.write_text(json.dumps({"risk_difference": -0.08, "risk_difference_ci": [-0.15, -0.04],
                                "risk_difference_se": 0.03, "risk_difference_method": "AIPW"}))
    e = vfm.read_effect(tmp_path, CostParams())
    assert (e.se, e.source) == (0.03, "estimate of 03_intervention_effects (AIPW)")


def test_prepare_skips_without_an_effect_and_uses_one_reoffence_for_survival_data() -> None:
    inputs, note = vfm.prepare(CostParams(), None, 100, 3.0, 1000.0)
    assert inputs is None and note.startswith("No intervention effect is available")
    effect = vfm.Effect(-0.1, None, None, "parameters (costs.effect)")
    inputs, note = vfm.prepare(CostParams(), effect, 100, float("nan"), 1000.0)
    assert inputs.reoffences_per_reoffender == 1.0 and "lower bound" in note
    assert inputs.effect_se == 0.0
    inputs, _ = vfm.prepare(CostParams(reoffences_per_reoffender=2.5, cohort_size=40), effect,
                            100, 3.0, 1000.0)
    assert (inputs.reoffences_per_reoffender, inputs.cohort_size) == (2.5, 40)
    inputs, note = vfm.prepare(CostParams(), effect, 100, 3.0, float("nan"), "no costed category")
    assert inputs is None and "No offence could be costed" in note


def test_summary_text_states_the_result(inp: vfm.VfmInputs) -> None:
    s = vfm.monte_carlo(inp, 1_000, seed=1, progress=False).summary()
    text = vfm.summary_text(inp, s, vfm.break_even_effect(inp), "2023-24 prices")
    assert "10.0 percentage points" in text and "£10,000" in text and "1.50" in text
    assert vfm.gbp(-1234.4) == "-£1,234"


def test_money_is_written_in_full_or_compact() -> None:
    assert [vfm.gbp(x) for x in (1234.4, 0.0, float("nan"))] == ["£1,234", "£0", "n/a"]
    compact = [vfm.gbp(x, compact=True) for x in (950, 12_500, 250_000, -1_234_567)]
    assert compact == ["£950", "£12,500", "£250k", "\u2212£1.2m"]


def test_value_for_money_figures_state_their_finding(inp: vfm.VfmInputs) -> None:
    import matplotlib.pyplot as plt

    from analysis.presentation import cost_plots

    mc = vfm.monte_carlo(inp, 2_000, seed=3, progress=False)
    s = mc.summary()
    point = vfm.appraise(inp)["npv_gbp"]
    fig = cost_plots.net_benefit_figure(mc.npv, s["p_benefit_exceeds_cost"], "2023-24 prices", 20_000,
                                        point_npv=point)
    title = " ".join(fig.axes[0].get_title(loc="left").split())
    assert title.startswith(f"Net present value {vfm.gbp(point, compact=True)} at the point values")
    assert "benefits exceed the programme cost in" in title
    sens = vfm.one_way_sensitivities(inp)
    fig = cost_plots.tornado_figure(sens, vfm.appraise(inp)["npv_gbp"], "2023-24 prices")
    assert f"is most sensitive to the {sens['parameter'][0]}:" in " ".join(
        fig.axes[0].get_title(loc="left").split())
    plt.close("all")
