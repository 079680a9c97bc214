"""Run outputs are written reproducibly: same table, same bytes; results JSON-ready."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.presentation.outputs import RunOutput, to_jsonable
from analysis.presentation.style import use_style


def test_tables_and_figures_are_byte_identical(tmp_path: Path) -> None:
    use_style()
    df = pd.DataFrame({"a": [1.0 / 3, 2.0], "b": ["x", "y"]})
    paths = []
    for sub in ("one", "two"):
        out = RunOutput(tmp_path / sub, "01_test")
        fig, ax = plt.subplots()
        ax.plot([0, 1], [1, 0], label="line")
        ax.set(title="A title", xlabel="x (days)", ylabel="y (%)")
        out.figure("f", fig)
        stem = tmp_path / sub / "figures" / "01_test__f"
        paths.append([out.table("t", df), stem.with_suffix(".png"), stem.with_suffix(".svg")])
    for a, b in zip(*paths, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert paths[0][0].read_text() == "a,b\n0.3333333333,x\n2,y\n"


def test_record_writes_rounded_json(tmp_path: Path) -> None:
    out = RunOutput(tmp_path, "01_test")
    out.record(rate=np.float64(0.1234567890123), n=np.int64(5), missing=float("nan"))
    saved = json.loads((tmp_path / "results/01_test.json").read_text())
    assert saved == {"rate": 0.123456789, "n": 5, "missing": None}


def test_to_jsonable_handles_nesting_and_dates() -> None:
    value = {"d": pd.Timestamp("2024-01-31"), "l": [np.float32(0.5)], 1: (np.bool_(True),)}
    assert to_jsonable(value) == {"d": "2024-01-31", "l": [0.5], "1": [True]}


def test_a_figure_made_without_pyplot_is_saved(tmp_path: Path) -> None:
    from matplotlib.figure import Figure

    from analysis.presentation.style import save_figure

    fig = Figure()
    fig.add_subplot().plot([0, 1], [0, 1])
    png, svg = save_figure(fig, tmp_path / "bare")
    assert png.stat().st_size > 0 and svg.stat().st_size > 0


def test_figure_title_is_the_finding_the_figure_states() -> None:
    from analysis.presentation.style import figure_title

    fig, (a, b) = plt.subplots(1, 2)
    assert figure_title(fig) == ""
    a.set_title("Adults: 25%\nreoffend")
    b.set_title("Children: 34%", loc="left")
    assert figure_title(fig) == "Adults: 25% reoffend; Children: 34%"
    fig.suptitle("Children reoffend more\noften than adults")
    assert figure_title(fig) == "Children reoffend more often than adults"
    plt.close(fig)


def test_a_long_title_is_not_cut_off(tmp_path: Path) -> None:
    from analysis.presentation.style import save_figure

    use_style()
    widths = []
    for how in ("save_figure", "matplotlib"):
        fig, ax = plt.subplots()
        ax.bar([0, 1], [1, 2])
        ax.set_title("Proven reoffending within 12 months: Child (10-17) 34.3% vs Adult (18+) "
                     "25.1% and a few more words", loc="left")
        if how == "save_figure":
            png, _ = save_figure(fig, tmp_path / "long")
            assert fig.dpi == plt.rcParams["figure.dpi"]  # the screen dpi is restored
        else:  # matplotlib's own tight box, measured while saving at savefig.dpi
            png = tmp_path / "reference.png"
            fig.savefig(png, bbox_inches="tight")
        widths.append(int.from_bytes(png.read_bytes()[16:20], "big"))
        plt.close(fig)
    assert widths[0] == widths[1]


def test_a_withheld_notebook_writes_only_what_withhold_publishes(tmp_path: Path) -> None:
    out = RunOutput(tmp_path, "01_test")
    out.withhold("Nothing could be estimated for publication: too few.", people_in_cohort=5)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    out.figure("f", fig)
    out.table("t", pd.DataFrame({"people": [3, 2]}))
    results = out.record(binary_rate_pct=60.0, treated=2)
    out.not_estimated("The Cox model could not be estimated: everybody reoffended.")
    answer = out.answer("60% reoffended.")
    assert results["binary_rate_pct"] == 60.0  # the notebook can still compute from it
    assert not plt.fignum_exists(fig.number)
    assert list((tmp_path / "tables").iterdir()) == []
    assert list((tmp_path / "figures").iterdir()) == []
    assert answer == "Nothing could be estimated for publication: too few."
    saved = json.loads((tmp_path / "results/01_test.json").read_text())
    assert saved == {"people_in_cohort": 5, "answer": answer, "not_estimated": [answer]}


def test_a_cohort_is_too_small_to_publish_below_twice_the_threshold() -> None:
    from analysis.disclosure import smallest_publishable_cohort, too_small_to_publish

    assert smallest_publishable_cohort(5) == 10
    assert too_small_to_publish(10, 5) is None
    assert too_small_to_publish(1000, 5) is None
    reason = too_small_to_publish(9, 5)
    assert reason is not None and "the cohort has 9 people measured, fewer than the 10" in reason
    small = too_small_to_publish(3, 5)
    assert small is not None and "has <5 people" in small and " 3 " not in small
    assert "fewer than the 20" in (too_small_to_publish(12, 10) or "")
