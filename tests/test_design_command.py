"""``python -m analysis design``: notebook 00_design's power calculation from the command line."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from analysis.models.effects import power as pw
from analysis.presentation import design_text
from analysis.running import cli

BASE = ["design", "--base-rate", "0.26", "--treated-per-year", "150", "--comparison-ratio", "1"]


def _run(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    status = cli.main([*BASE, *extra])
    out, err = capsys.readouterr()
    return status, out, err


def test_numbers_are_the_notebooks(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys)
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == (
        "Intake: 150 people a year on the intervention (from the command line, "
        "--treated-per-year). Base rate: 26.0% reoffend within a year without it (from the "
        "command line, --base-rate). Design: 1 comparison person per treated person, 80% power, "
        "two-sided 5% significance.")
    # the notebook's table, with the Justice Data Lab minimums of the effects parameters
    by_year = pw.design_by_year(150, 0.26, 5, 1.0, 0.8, 0.05, 60, 30)
    rows = [line.split() for line in lines[3:8]]
    for row, (_, expected) in zip(rows, by_year.iterrows(), strict=True):
        assert row == [str(int(expected["year"])), str(int(expected["treated_expected"])),
                       str(int(expected["comparison_expected"])),
                       str(int(expected["treated_reoffenders_expected"])),
                       f"{expected['mde_pp']:.2f}", f"{expected['detectable_rate_pct']:.2f}",
                       "yes", "yes"]
    assert rows[0][:5] == ["1", "150", "150", "39", "12.70"]
    assert rows[4][:5] == ["5", "750", "750", "195", "6.07"]
    answer = design_text.design_answer({
        "people_per_year": 150.0, "base_rate_pct": 26.0, "power_pct": 80.0, "alpha_pct": 5.0,
        "years": 5, "mde_year1_pp": float(by_year["mde_pp"].iloc[0]),
        "mde_last_year_pp": float(by_year["mde_pp"].iloc[-1]), "first_jdl_year": 1})
    assert lines[-1] == answer
    assert answer.startswith("With 150 people a year on the intervention and a base rate of "
                             "26.0%, one year of intake can detect a fall in one-year proven "
                             "reoffending of 12.7 percentage points or more, and 5 years one "
                             "of 6.1 points (80% power, two-sided 5%).")
    assert lines[-2] == (
        "Justice Data Lab minimums: an estimate needs at least 60 treated people, the time to "
        "reoffence also at least 30 treated reoffenders (effects.min_treated, "
        "effects.min_reoffenders).")


def test_mde_by_hand() -> None:
    """Two proportions, normal approximation on the arcsine scale:
    h = (z_{1-a/2} + z_power) sqrt(1/n + 1/(k n)), p1 = sin^2(asin(sqrt p0) - h / 2)."""
    z = NormalDist().inv_cdf
    h = (z(0.975) + z(0.8)) * math.sqrt(1 / 150 + 1 / 150)
    p1 = math.sin(math.asin(math.sqrt(0.26)) - h / 2) ** 2
    by_hand = 100 * (0.26 - p1)
    assert by_hand == pytest.approx(12.70, abs=0.01)
    mde = pw.minimum_detectable_effect(150, 0.26, 1.0, 0.8, 0.05)
    assert abs(mde - by_hand) < 0.1


def test_years_asked_for_and_minimums_not_met(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = cli.main(["design", "--base-rate", "0.26", "--treated-per-year", "20",
                               "--comparison-ratio", "2", "--years", "3,1"]), *capsys.readouterr()
    assert status == 0
    lines = out.splitlines()
    assert lines[2].split()[:2] == ["year", "treated"]
    assert [line.split() for line in lines[3:5]] == [
        ["1", "20", "40", "5", "23.72", "2.28", "no", "no"],
        ["3", "60", "120", "15", "16.48", "9.52", "yes", "no"]]
    assert lines[5] == ""
    assert lines[-1].endswith("The Justice Data Lab minimum of treated people is reached in "
                              "year 3.")
    status, out, _ = cli.main(["design", "--base-rate", "0.26", "--treated-per-year", "20",
                               "--years", "1,2"]), *capsys.readouterr()
    assert out.splitlines()[-1].endswith(
        "The Justice Data Lab minimum of treated people is not reached in the years shown.")


@pytest.mark.parametrize(("extra", "message"), [
    (["--base-rate", "1.3"], "--base-rate: input should be less than 1 (got 1.3)"),
    (["--base-rate", "abc"], "--base-rate: 'abc' is not a number"),
    (["--treated-per-year", "0"], "--treated-per-year: input should be greater than 0 (got 0)"),
    (["--treated-per-year", "inf"], "--treated-per-year: 'inf' is not a finite number"),
    (["--comparison-ratio", "-1"],
     "--comparison-ratio: input should be greater than 0 (got -1)"),
    (["--power", "1"], "--power: input should be less than 1 (got 1)"),
    (["--alpha", "0.6"], "--alpha: input should be less than 0.5 (got 0.6)"),
    (["--years", "1,x"], "--years: '1,x' is not a list of whole years separated by commas "
                         "(e.g. 1,2,3,4,5)"),
    (["--years", "0,1"], "--years: '0,1': years of intake start at 1"),
    (["--years", "1,21"], "--years: input should be less than or equal to 20 (got 1,21)"),
])
def test_bad_arguments(capsys: pytest.CaptureFixture[str], extra: list[str], message: str
                       ) -> None:
    status = cli.main([*BASE, *extra])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err == f"error: {message}\n"


def test_missing_argument_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["design", "--base-rate", "0.26"])
    assert stop.value.code == 2
    assert "the following arguments are required: --treated-per-year" in capsys.readouterr().err
