"""Definitions used by several modules, each in one place (need labels, number wording, age at a
date, the logit of a propensity score, Wilson intervals), and the runner's need of a parameter file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.data.checks import age_at
from analysis.measures.needs import need_label
from analysis.measures.proportions import wilson
from analysis.models.effects.propensity import logit
from analysis.params import load_params
from analysis.presentation.answers import NOT_SHOWN, decimal, pct


@pytest.mark.parametrize(("key", "label"), [
    ("need_ete", "Education, training, employment"),
    ("thinking_behaviour", "Thinking and behaviour"),
    ("need_drugs", "Drugs"),
    ("need_emotional_wellbeing", "Emotional wellbeing"),
])
def test_need_label(key: str, label: str) -> None:
    assert need_label(key) == label


def test_the_figures_label_needs_alike() -> None:
    from analysis.presentation import cohort_plots, performance_plots

    assert cohort_plots.need_label is need_label
    assert performance_plots.need_label is need_label


@pytest.mark.parametrize(("value", "digits", "unit", "text"), [
    (1.346, 2, "", "1.35"),
    (1234.56, 1, "", "1,234.6"),
    (26.23, 1, "%", "26.2%"),
    ("<5", 1, "%", NOT_SHOWN),
    (float("nan"), 2, "", NOT_SHOWN),
    (None, 2, "", NOT_SHOWN),
])
def test_decimal(value: object, digits: int, unit: str, text: str) -> None:
    assert decimal(value, digits, unit) == text


def test_pct_is_a_decimal_in_percent() -> None:
    assert pct(26.25) == "26.2%"
    assert pct(7, 0) == "7%"
    assert pct(True) == NOT_SHOWN


def test_age_at_counts_whole_years_to_the_birthday() -> None:
    start = pd.to_datetime(pd.Series(["2024-03-14", "2024-03-15", "2024-02-29", None]))
    dob = pd.to_datetime(pd.Series(["2000-03-15", "2000-03-15", "2004-02-29", "2000-01-01"]))
    age = age_at(start, dob)
    assert str(age.dtype) == "Float64"
    assert age.iloc[:3].tolist() == [23.0, 24.0, 20.0]
    assert age.isna().tolist() == [False, False, False, True]


def test_the_cohort_and_the_performance_frame_derive_age_as_the_input_checks_do() -> None:
    from analysis.measures import cohort
    from analysis.measures.performance import frame

    assert cohort.age_at is age_at and frame.age_at is age_at


def test_logit_keeps_the_series_index_and_clips() -> None:
    p = pd.Series([0.5, 0.0, 0.8], index=[7, 8, 9], name="propensity")
    out = logit(p)
    assert isinstance(out, pd.Series) and out.index.tolist() == [7, 8, 9]
    assert out.iloc[0] == 0.0 and out.iloc[2] == pytest.approx(np.log(4))
    assert out.iloc[1] == pytest.approx(np.log(1e-10 / (1 - 1e-10)))
    assert isinstance(logit(np.array([0.5])), np.ndarray)


def test_wilson_takes_numbers_lists_and_arrays() -> None:
    one = wilson(3, 10)
    many = wilson([3, 0], np.array([10, 0]))
    assert one.round(2).iloc[0].tolist() == [30.0, 10.78, 60.32]
    assert many.round(2).iloc[0].tolist() == one.round(2).iloc[0].tolist()
    assert many.iloc[1].isna().all()


def test_the_runner_needs_parameters_read_from_a_file(tmp_path) -> None:
    from analysis.files import project_root
    from analysis.running.runner import run

    params = load_params(project_root() / "params" / "fast.yaml").model_copy(update={"source": None})
    with pytest.raises(ValueError, match=r"^params: not read from a file \(use analysis.params.load_params\)$"):
        run(params, outputs_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []
