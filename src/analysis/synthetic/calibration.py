"""Calibration of the SYNTHETIC cohort to the published reoffending figures.

The adult and child intercepts, the female coefficient and the further-offence multipliers
are solved on the sample's own random draws by a damped fixed-point iteration, so that the
realised 12-month proven reoffending rates and frequencies hit their targets.
"""

from __future__ import annotations

import numpy as np

from analysis.data.reference import seed_figure
from analysis.synthetic.constants import ASSUMED, CANDIDATE_FACTOR
from analysis.synthetic.model import _Model
from analysis.synthetic.numeric import _cloglog


def _rates(model: _Model) -> dict[str, float]:
    """Return realised binary rates (percent) and frequencies among eligible people.

    Parameters
    ----------
    model : _Model
        The model at its current parameters.

    Returns
    -------
    dict of float
        ``adult``, ``child``, ``male``, ``female`` (percent reoffending) and ``freq_adult``,
        ``freq_child`` (proven reoffences per reoffender).
    """
    y, count = model.outcome()
    e = model.eligible
    out: dict[str, float] = {}
    for name, mask in (("adult", ~model.child), ("child", model.child),
                       ("male", ~model.female), ("female", model.female)):
        sel = e & mask
        out[name] = 100 * float(y[sel].mean()) if sel.any() else float("nan")
    for name, mask in (("freq_adult", ~model.child), ("freq_child", model.child)):
        sel = e & mask & y
        out[name] = float(count[sel].mean()) if sel.any() else float("nan")
    return out


def _targets() -> dict[str, float]:
    """Return the calibration targets.

    Returns
    -------
    dict of float
        ``adult`` and ``child`` binary rates (percent), ``sex_gap`` (female minus male,
        percentage points) and the frequencies per reoffender.
    """
    return {
        "adult": seed_figure("proven_reoffending_adults_national"),
        "child": seed_figure("proven_reoffending_children_national"),
        "sex_gap": seed_figure("proven_reoffending_female_national")
        - seed_figure("proven_reoffending_male_national"),
        "freq_child": seed_figure("child_further_offences_per_reoffender_pan_dorset_2021"),
        "freq_adult": ASSUMED["adult_frequency_per_reoffender"],
    }


def _calibrate(model: _Model, max_rounds: int = 30) -> dict[str, float]:
    """Solve intercepts, female coefficient and frequency multipliers on the sample's draws.

    A fixed-point iteration: intercepts move by the difference in complementary log-log of
    target and realised rate, the female coefficient so the female rate sits ``sex_gap``
    below the realised male rate, and the frequency multipliers in proportion to the further
    offences needed. Stops when every rate is within one person (at least 0.1 points) of its
    target and every frequency within 0.02 (see :func:`_calibrated`).

    Parameters
    ----------
    model : _Model
        Model whose ``params`` are updated in place.
    max_rounds : int
        Maximum number of rounds.

    Returns
    -------
    dict of float
        Realised rates at the solution (as :func:`_rates`).
    """
    t = _targets()
    p = model.params
    for round_ in range(max_rounds):
        r = _rates(model)
        if _calibrated(model, r, t):
            return r
        _update_params(p, r, t, damping=1.0 if round_ < 3 else 0.5)
    return _rates(model)


def _update_params(p: dict[str, float], r: dict[str, float], t: dict[str, float],
                   damping: float = 1.0) -> None:
    """Take one fixed-point step of the calibration (groups without data are left alone).

    Steps on the log-hazard scale are limited to +-1 and the frequency multipliers kept within
    (0.05, CANDIDATE_FACTOR), so that tiny samples cannot make the iteration diverge.

    Parameters
    ----------
    p : dict of float
        Parameters, updated in place.
    r, t : dict of float
        Realised rates and targets.
    damping : float
        Share of the full step taken on the log-hazard parameters (below 1 damps the
        oscillation that the discreteness of small groups can cause).
    """
    def step(target: float, realised: float) -> float:
        full = _cloglog(target / 100) - _cloglog(realised / 100)
        return damping * float(np.clip(full, -1.0, 1.0))

    for g in ("adult", "child"):
        if np.isfinite(r[g]):
            p[g] += step(t[g], r[g])
    if np.isfinite(r["male"]) and np.isfinite(r["female"]):
        p["female"] += step(r["male"] + t["sex_gap"], r["female"])
    for g in ("adult", "child"):
        key = f"freq_{g}"
        if np.isfinite(r[key]) and r[key] > 1:
            p[key] = float(np.clip(p[key] * (t[key] - 1) / (r[key] - 1), 0.05, CANDIDATE_FACTOR))


def _calibrated(model: _Model, r: dict[str, float], t: dict[str, float]) -> bool:
    """Whether the realised rates are as close to the targets as the sample allows.

    Parameters
    ----------
    model : _Model
        The model (for group sizes).
    r, t : dict of float
        Realised rates and targets.

    Returns
    -------
    bool
        True when each binary rate (and the sex gap) is within one person of its group, or
        0.1 points if that is larger, of its target and each frequency within 0.02.
    """
    e = model.eligible

    def close(value: float, target: float, mask: np.ndarray) -> bool:
        if not np.isfinite(value):
            return True
        return abs(value - target) <= max(0.1, 100.0 / max(1, int((e & mask).sum())))

    ok = close(r["adult"], t["adult"], ~model.child)
    ok &= close(r["child"], t["child"], model.child)
    ok &= close(r["female"] - r["male"], t["sex_gap"], model.female)
    for g in ("adult", "child"):
        value = r[f"freq_{g}"]
        ok &= (not np.isfinite(value)) or abs(value - t[f"freq_{g}"]) <= 0.02
    return bool(ok)
