"""Covariate transforms (``models.transforms``): syntax and checks, a hand-computed design matrix,
fits against statsmodels' and lifelines' formula interfaces, and splines against patsy."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import patsy
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from analysis.errors import ParameterError
from analysis.models.design import design_matrix, transform_covariates
from analysis.models.effects import logistic_adjusted
from analysis.models.survival import fit_cox
from analysis.params import load_params
from analysis.transform_spec import Bands, Spline

ROSSI = """
run_name: r
data:
  form: survival
  name: Rossi
  survival:
    file: data/rossi.csv
    columns: {duration: week, event: arrest}
  time_unit: weeks
  treatment: fin
  covariates: [age, prio, race]
"""


@pytest.fixture
def rossi_params(write_params, root: Path):
    def _make(transforms: str) -> Path:
        path = write_params(ROSSI + f"models:\n  transforms: {transforms}\n")
        (path.parent / "data").mkdir(exist_ok=True)
        shutil.copy(root / "data/public/rossi.csv", path.parent / "data/rossi.csv")
        return path

    return _make


def _error(path: Path) -> list[str]:
    with pytest.raises(ParameterError) as exc:
        load_params(path)
    return str(exc.value).splitlines()[1:]


# ------------------------------------------------------------------------- parameters


def test_transforms_load_and_round_trip(rossi_params) -> None:
    p = load_params(rossi_params("{prio: log1p, age: {bands: [20, 25, 30]}}"))
    assert p.models.transforms == {"prio": "log1p", "age": Bands(bands=[20, 25, 30])}
    assert p.resolved()["models"]["transforms"] == {"prio": "log1p",
                                                    "age": {"bands": [20.0, 25.0, 30.0]}}
    p = load_params(rossi_params("{age: {spline: bspline, df: 5, degree: 2}}"))
    assert p.models.transforms["age"] == Spline(spline="bspline", df=5, degree=2)


@pytest.mark.parametrize("transforms, message", [
    ("{agee: log1p}", "  models.transforms.agee: not one of data.covariates (did you mean "
                      "'age'?); covariates: age, prio, race"),
    ("{age: log}", "  models.transforms.age: give log1p, {bands: [cut points]} or {spline: "
                   "natural|bspline, df: N} (got str)"),
    ("{age: {bands: [25, 18]}}", "  models.transforms.age: bands: give the cut points as numbers "
                                 "in increasing order, e.g. {bands: [18, 25, 35, 50]} (got dict)"),
    ("{age: {bands: []}}", "  models.transforms.age: bands: give the cut points as numbers in "
                           "increasing order, e.g. {bands: [18, 25, 35, 50]} (got dict)"),
    ("{age: {bands: [18, x]}}", "  models.transforms.age: bands.1: Input should be a valid "
                                "number, unable to parse string as a number (got dict)"),
    ("{age: {spline: cubic}}", "  models.transforms.age: spline: Input should be 'natural' or "
                               "'bspline' (got dict)"),
    ("{age: {spline: natural, degree: 2}}", "  models.transforms.age: degree: a natural spline is "
                                            "cubic (degree 3); give the degree of a bspline only "
                                            "(got dict)"),
    ("{age: {spline: bspline, df: 2}}", "  models.transforms.age: df: a bspline needs df of at "
                                        "least its degree (got dict)"),
    ("{age: {spline: natural, df: 40}}", "  models.transforms.age: df: Input should be less than "
                                         "or equal to 10 (got dict)"),
])
def test_bad_transforms_are_named(rossi_params, transforms: str, message: str) -> None:
    assert _error(rossi_params(transforms)) == [message]


def test_band_labels() -> None:
    assert Bands(bands=[18, 25, 35, 50]).labels() == ["under 18", "18-24", "25-34", "35-49", "50+"]
    assert Bands(bands=[18, 19]).labels() == ["under 18", "18", "19+"]
    assert Bands(bands=[0.5, 2]).labels() == ["under 0.5", "0.5 to under 2", "2+"]


# -------------------------------------------------------------------- the design matrix


def test_design_matrix_hand_computed() -> None:
    frame = pd.DataFrame({"age": [17.0, 20, 24.9, 30, 40, 60, np.nan],
                          "prior": [0, 1, 3, 7, 0, 2, 1], "sex": list("MFMFMFM")})
    out, names = transform_covariates(frame, ["age", "prior", "sex"],
                                      {"prior": "log1p", "age": Bands(bands=[18, 25, 35, 50])})
    assert names == ["bands(age)", "log1p(prior)", "sex"]
    assert list(out.columns) == ["age", "prior", "sex", "bands(age)", "log1p(prior)"]
    assert out["bands(age)"].tolist()[:6] == ["under 18", "18-24", "18-24", "25-34", "35-49", "50+"]
    assert pd.isna(out["bands(age)"].iloc[6])
    X, refs = design_matrix(out.dropna(), names, {"bands(age)": "18-24", "sex": "M"})
    expected = pd.DataFrame({
        "bands(age)[25-34]": [0.0, 0, 0, 1, 0, 0],
        "bands(age)[35-49]": [0.0, 0, 0, 0, 1, 0],
        "bands(age)[50+]": [0.0, 0, 0, 0, 0, 1],
        "bands(age)[under 18]": [1.0, 0, 0, 0, 0, 0],
        "log1p(prior)": [0.0, np.log(2), np.log(4), np.log(8), 0.0, np.log(3)],
        "sex[F]": [0.0, 1, 0, 1, 0, 1],
    })
    pd.testing.assert_frame_equal(X.reset_index(drop=True), expected)
    assert refs == {"bands(age)": "18-24", "sex": "M"}


def test_no_transforms_leave_the_frame_untouched() -> None:
    frame = pd.DataFrame({"age": [20.0, 30.0]})
    out, names = transform_covariates(frame, ["age"], {})
    assert out is frame and names == ["age"]


@pytest.mark.parametrize("frame, spec, message", [
    (pd.DataFrame({"x": [0.0, -1.0, -2.0, 1.0]}), "log1p",
     "models.transforms.x: log1p needs values above -1; 2 people have -1 or less"),
    (pd.DataFrame({"x": ["a", "b"]}), "log1p",
     "models.transforms.x: log1p needs a numeric covariate; x is not numeric"),
    (pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]}), Spline(spline="natural", df=4),
     "models.transforms.x: a natural spline with df 4 needs more than 5 distinct values; x has 4"),
    (pd.DataFrame({"x": [0.0] * 80 + [1.0, 2, 3, 4, 5] * 4}), Spline(spline="bspline", df=5),
     "models.transforms.x: the B-spline's knots (at quantiles of x) coincide where many people "
     "share a value; give a smaller df, or bands"),
])
def test_transforms_the_data_cannot_take_are_named(frame: pd.DataFrame, spec: object,
                                                   message: str) -> None:
    with pytest.raises(ParameterError) as exc:
        transform_covariates(frame, ["x"], {"x": spec})  # type: ignore[dict-item]
    assert str(exc.value) == message


# ----------------------------------------------------------------------- fitted models


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 600
    prior = rng.poisson(3, n).astype(float)
    sex = rng.choice(["M", "F"], n, p=[0.8, 0.2])
    treated = rng.binomial(1, 0.4, n)
    eta = -1.0 + 0.6 * np.log1p(prior) - 0.4 * treated + 0.3 * (sex == "F")
    return pd.DataFrame({"prior": prior, "sex": sex, "treated": treated,
                         "reoffended": rng.binomial(1, 1 / (1 + np.exp(-eta)))})


def test_logistic_with_log1p_equals_the_statsmodels_formula_fit(people: pd.DataFrame) -> None:
    frame, names = transform_covariates(people, ["prior", "sex"], {"prior": "log1p"})
    table, model = logistic_adjusted(frame, "reoffended", names, {"sex": "M"})
    formula = smf.glm("reoffended ~ treated + np.log1p(prior) + C(sex, Treatment('M'))", people,
                      family=sm.families.Binomial()).fit()
    ours = model.params.rename({"const": "Intercept"})
    theirs = formula.params.rename({"np.log1p(prior)": "log1p(prior)",
                                    "C(sex, Treatment('M'))[T.F]": "sex[F]"})
    pd.testing.assert_series_equal(ours.sort_index(), theirs.sort_index(), check_names=False,
                                   rtol=1e-8)
    assert table.loc[0, "estimate"] == pytest.approx(np.exp(formula.params["treated"]), rel=1e-8)


def test_cox_with_transforms_equals_the_lifelines_formula_fit(root: Path) -> None:
    rossi = pd.read_csv(root / "data/public/rossi.csv").rename(
        columns={"week": "time", "arrest": "event"})
    frame, names = transform_covariates(rossi, ["fin", "prio", "age"],
                                        {"prio": "log1p", "age": Bands(bands=[20, 25])})
    ours = fit_cox(frame, covariates=names, categorical={"bands(age)": "20-24"})
    theirs = fit_cox(rossi.assign(band=pd.cut(rossi["age"], [0, 20, 25, 100], right=False,
                                              labels=["a", "b", "c"]).astype(str)),
                     formula="fin + np.log1p(prio) + C(band, Treatment('b'))")
    hr = ours.summary.set_index("covariate")["hazard_ratio"]
    ref = theirs.summary.set_index("covariate")["hazard_ratio"]
    assert list(hr.index) == ["fin", "log1p(prio)", "bands(age)[25+]", "bands(age)[under 20]"]
    assert hr["log1p(prio)"] == pytest.approx(ref["np.log1p(prio)"], rel=1e-8)
    assert hr["bands(age)[under 20]"] == pytest.approx(ref["C(band, Treatment('b'))[T.a]"],
                                                       rel=1e-8)
    assert hr["bands(age)[25+]"] == pytest.approx(ref["C(band, Treatment('b'))[T.c]"], rel=1e-8)


def test_splines_equal_patsy_and_span_straight_lines() -> None:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"age": rng.uniform(18, 70, 300)})
    natural, ns_names = transform_covariates(frame, ["age"], {"age": Spline(spline="natural", df=4)})
    bspline, bs_names = transform_covariates(frame, ["age"],
                                             {"age": Spline(spline="bspline", df=5)})
    assert ns_names == [f"ns(age)[{i}]" for i in range(1, 5)]
    assert bs_names == [f"bs(age)[{i}]" for i in range(1, 6)]
    cr = patsy.dmatrix("cr(age, df=4, constraints='center') - 1", frame)
    np.testing.assert_allclose(natural[ns_names].to_numpy(), np.asarray(cr), atol=1e-10)
    pb = patsy.dmatrix("bs(age, df=5) - 1", frame)
    np.testing.assert_allclose(bspline[bs_names].to_numpy(), np.asarray(pb), atol=1e-10)
    line = 2.0 + 0.5 * frame["age"]
    fit = sm.OLS(line, sm.add_constant(natural[ns_names])).fit()
    assert np.abs(fit.resid).max() < 1e-8


def test_spline_leaves_missing_values_missing() -> None:
    frame = pd.DataFrame({"age": [18.0, 22, 27, 31, 38, 45, 52, 60, np.nan]})
    out, names = transform_covariates(frame, ["age"], {"age": Spline(spline="natural", df=3)})
    assert out[names].iloc[-1].isna().all() and out[names].iloc[:-1].notna().all().all()
