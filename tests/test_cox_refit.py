"""The fast Cox refit of the bootstrap bands gives lifelines' fit, and hands back to it otherwise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter
from lifelines.fitters.coxph_fitter import SemiParametricPHFitter

from analysis.files import project_root
from analysis.models import survival as sv
from analysis.models.survival import adjusted_bands
from analysis.models.survival.adjusted_bands import adjusted_survival_bands
from analysis.models.survival.cox_refit import (
    FastRefitUnavailable,
    efron_derivatives,
    refit_efron,
)


def _tied_data(n: int = 400, seed: int = 3) -> pd.DataFrame:
    """Covariates (one binary), whole-number times with many ties, 60% events."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    x[:, 1] = rng.integers(0, 2, n)
    return pd.DataFrame(x, columns=["a", "b", "c"]).assign(
        time=rng.integers(1, 30, n).astype(float), event=(rng.random(n) < 0.6).astype(int))


def _rossi() -> pd.DataFrame:
    return pd.read_csv(project_root() / "data" / "public" / "rossi.csv").rename(
        columns={"week": "time", "arrest": "event", "fin": "treated"})


@pytest.mark.parametrize("weighted", [False, True])
def test_efron_derivatives_equal_lifelines(weighted: bool) -> None:
    d = _tied_data()
    d = d.iloc[np.lexsort((d["event"], d["time"]))]
    x, t = d[["a", "b", "c"]].to_numpy(), d["time"].to_numpy()
    e = d["event"].to_numpy().astype(bool)
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(d)) if weighted else np.ones(len(d))
    beta = np.array([0.3, -0.5, 0.1])
    expected = SemiParametricPHFitter()._get_efron_values_single(
        pd.DataFrame(x), pd.Series(t), pd.Series(e), pd.Series(w), None, beta)
    got = efron_derivatives(x, t, e, w, beta)
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-12, atol=1e-10)
    assert got[2] == pytest.approx(expected[2], rel=1e-13)


def test_refit_gives_lifelines_coefficients_and_baseline() -> None:
    d = _tied_data()
    start = np.array([0.2, -0.1, 0.0])
    model = CoxPHFitter().fit(d, "time", "event", initial_point=start.copy(),
                              fit_options={"precision": 1e-6})
    fit = refit_efron(d, "time", "event", ["a", "b", "c"], start.copy(), 1e-6)
    np.testing.assert_allclose(fit.params.to_numpy(), model.params_.to_numpy(), rtol=1e-12)
    pd.testing.assert_series_equal(fit.norm_mean, model._norm_mean, check_names=False)
    expected = model.baseline_cumulative_hazard_.iloc[:, 0]
    np.testing.assert_array_equal(fit.baseline_cumulative_hazard.index, expected.index)
    np.testing.assert_allclose(fit.baseline_cumulative_hazard, expected, rtol=1e-12)


def test_a_constant_covariate_is_left_to_lifelines() -> None:
    d = _tied_data().assign(c=1.0)
    with pytest.raises(FastRefitUnavailable, match="constant"):
        refit_efron(d, "time", "event", ["a", "b", "c"], np.zeros(3))


def test_bands_from_the_fast_refit_equal_those_from_lifelines(monkeypatch) -> None:
    cox = sv.fit_cox(_rossi(), covariates=["treated", "age", "prio"])
    times = [0.0, 13.0, 26.0, 52.0]
    fast = adjusted_survival_bands(cox, "treated", times, replicates=12, seed=7)

    def unavailable(*args: object, **kwargs: object) -> None:
        raise FastRefitUnavailable("lifelines' own fit, for comparison")

    monkeypatch.setattr(adjusted_bands, "refit_efron", unavailable)
    slow = adjusted_survival_bands(cox, "treated", times, replicates=12, seed=7)
    pd.testing.assert_frame_equal(fast, slow, check_exact=False, rtol=1e-11, atol=1e-11)
    assert (fast.loc[fast["time"] > 0, "cumulative_ci_high_pct"]
            > fast.loc[fast["time"] > 0, "cumulative_reoffended_pct"]).all()
