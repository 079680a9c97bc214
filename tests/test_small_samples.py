"""Effects on time to reoffence in small matched or weighted samples: a sample without one of
the two groups, or too few reoffences for the weighted Cox model, is stated, not a crash."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.estimable import NotEstimable
from analysis.models import effects as ef
from analysis.presentation.effects_plots import weighted_km_title

FRAME = pd.DataFrame({"treated": [1, 1, 1, 0, 0, 0], "time": [10, 365, 365, 20, 365, 365],
                      "event": [1, 0, 0, 1, 0, 0]})


def test_a_sample_without_one_group_is_left_out_with_a_statement() -> None:
    weights = {"Matching": pd.Series(0.0, index=FRAME.index),
               "IPW (ATT)": pd.Series([1, 1, 1, 0.5, 0.5, 0.5], index=FRAME.index, dtype=float)}
    usable, statements = ef.samples_with_both_groups(FRAME, weights)
    assert list(usable) == ["IPW (ATT)"]
    assert statements == ["The effect on time to reoffence in the Matching sample could not be "
                          "estimated: the sample holds nobody from one of the two groups."]
    only_treated = {"Matching": pd.Series([1, 1, 1, 0, 0, 0], index=FRAME.index, dtype=float)}
    assert ef.samples_with_both_groups(FRAME, only_treated)[0] == {}


def test_a_weighted_cox_model_that_cannot_converge_is_not_estimable() -> None:
    # nobody in the sample reoffended: the model's information matrix is singular
    frame = FRAME.assign(event=0)
    weights = pd.Series(1.0, index=frame.index)
    with pytest.raises(NotEstimable, match="The weighted Cox model could not be estimated"):
        ef.weighted_cox(frame, weights)


def test_the_weighted_curves_title_states_the_hazard_ratio_where_estimated() -> None:
    assert weighted_km_title(pd.Series({"hazard_ratio": 0.8123})) == \
        "Time to first proven reoffence: weighted hazard ratio 0.81"
    assert weighted_km_title(None) == \
        "Time to first proven reoffence in the matched and weighted samples"
