"""params/rossi.yaml and params/recid.yaml rerun the published analyses end to end.

The runner executes the survival notebook and the published numbers are read back from the
run's results.json and tables (as a reader of the outputs would).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from analysis.params import load_params
from analysis.running.runner import run

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    outputs = tmp_path_factory.mktemp("published")
    done = {}
    for name in ("rossi", "recid"):
        params = load_params(ROOT / f"params/{name}.yaml", {"notebooks": ["02_survival"]})
        done[name] = run(params, outputs_dir=outputs, progress_bar=False).path
    return done


def test_rossi_cox_reproduces_fox_and_weisberg(runs: dict[str, Path]) -> None:
    """Fox and Weisberg (2019), Cox model of the Rossi data: fin coef -0.37942, se 0.19138."""
    results = json.loads((runs["rossi"] / "results.json").read_text())["02_survival"]
    assert results["cox_treated_hr"] == pytest.approx(math.exp(-0.37942), abs=5e-6)
    cox = pd.read_csv(runs["rossi"] / "tables/02_survival__cox.csv").set_index("covariate")
    published = {"treated": (-0.37942, 0.19138), "age": (-0.05744, 0.02200),
                 "prio": (0.09150, 0.02865), "race": (0.31390, 0.30799),
                 "mar": (-0.43370, 0.38187)}
    for covariate, (coef, se) in published.items():
        assert cox.loc[covariate, "coef"] == pytest.approx(coef, abs=5e-6), covariate
        assert cox.loc[covariate, "se"] == pytest.approx(se, abs=5e-6), covariate
    assert "age" in results["ph_failing"]


def test_recid_lognormal_reproduces_wooldridge(runs: dict[str, Path]) -> None:
    """Wooldridge, Introductory Econometrics, Example 17.4: workprg -.063, priors -.137, sigma 1.810."""
    results = json.loads((runs["recid"] / "results.json").read_text())["02_survival"]
    assert results["best_aft"] == "lognormal"
    aft = pd.read_csv(runs["recid"] / "tables/02_survival__aft_best.csv").set_index("covariate")
    for covariate, coef in {"treated": -0.063, "priors": -0.137, "tserved": -0.019,
                            "felon": 0.444, "alcohol": -0.635, "black": -0.543}.items():
        assert aft.loc[covariate, "coef"] == pytest.approx(coef, abs=5e-4), covariate
