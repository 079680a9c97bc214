"""Outcome model of the SYNTHETIC cohort: everything needed to evaluate any scenario.

:class:`_Model` holds the fixed log hazard, groups, observed change points, offence-process
draws, follow-up windows and the calibrated parameters, and returns first-reoffence times and
proven reoffending under the observed or replaced change points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.synthetic.constants import (
    CANDIDATE_FACTOR,
    CHANGE_KEYS,
    FOLLOW_UP_MONTHS,
    INTERVENTIONS,
    WAITING_MONTHS,
    Arrays,
)
from analysis.synthetic.hazard import (
    _change_logs,
    _counted,
    _draw_process,
    _invert,
    _linear_predictor,
    _Piecewise,
    _piecewise,
    _Process,
)
from analysis.synthetic.numeric import _add_months


@dataclass
class _Model:
    """Everything needed to evaluate the outcome under any scenario.

    Attributes
    ----------
    base_lp : numpy.ndarray
        Fixed log-hazard part per person.
    child, female, eligible : numpy.ndarray of bool
        Groups; ``eligible`` marks people measured by the extract date.
    change_days : numpy.ndarray, shape (n, 5)
        Observed change points (CHANGE_KEYS order).
    proc : _Process
        Offence-process draws.
    window : dict of numpy.ndarray
        Follow-up windows.
    params : dict of float
        ``adult``, ``child`` (intercepts), ``female`` (coefficient), ``freq_adult`` and
        ``freq_child`` (further-offence rate multipliers).
    observed : _Piecewise or None
        Cached piecewise hazard of the observed change points.
    """

    base_lp: np.ndarray
    child: np.ndarray
    female: np.ndarray
    eligible: np.ndarray
    change_days: np.ndarray
    proc: _Process
    window: Arrays
    params: dict[str, float]
    observed: _Piecewise | None = None

    def log_rate(self) -> np.ndarray:
        """Return the full baseline log hazard multiplier per person.

        Returns
        -------
        numpy.ndarray of float
            Intercept + female coefficient + fixed part.
        """
        p = self.params
        return (np.where(self.child, p["child"], p["adult"]) + p["female"] * self.female
                + self.base_lp)

    def keep_share(self) -> np.ndarray:
        """Return the per-person thinning share of candidate further offences.

        Returns
        -------
        numpy.ndarray of float
            Multiplier / CANDIDATE_FACTOR.
        """
        p = self.params
        return np.where(self.child, p["freq_child"], p["freq_adult"]) / CANDIDATE_FACTOR

    def first_time(self, change_days: np.ndarray | None = None) -> np.ndarray:
        """Return the first-reoffence time under the given (or observed) change points.

        Parameters
        ----------
        change_days : numpy.ndarray, optional
            Change points replacing the observed ones.

        Returns
        -------
        numpy.ndarray of float
            Days from start.
        """
        if change_days is None:
            if self.observed is None:
                self.observed = _piecewise(self.change_days, _change_logs())
            pw = self.observed
        else:
            pw = _piecewise(change_days, _change_logs())
        return _invert(pw, self.proc.target, self.log_rate())

    def outcome(self, change_days: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Return (reoffended, count) under the given (or observed) change points.

        Parameters
        ----------
        change_days : numpy.ndarray, optional
            Change points replacing the observed ones.

        Returns
        -------
        tuple of numpy.ndarray
            Binary and frequency measures per person.
        """
        return _counted(self.first_time(change_days), self.proc, self.keep_share(), self.window)


def _build_model(rng: np.random.Generator, base: Arrays, needs: Arrays, priors: Arrays,
                 interventions: Arrays, status: Arrays, extract: int) -> _Model:
    """Set up the hazard model with observed change points and the offence-process draws.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    base, needs, priors, interventions, status : dict of numpy.ndarray
        Generated arrays.
    extract : int
        Extract date (epoch days).

    Returns
    -------
    _Model
        Model with starting parameters (before calibration).
    """
    start = base["start"]
    anniversary = _add_months(start, FOLLOW_UP_MONTHS) - start
    proof_limit = _add_months(start, FOLLOW_UP_MONTHS + WAITING_MONTHS) - start
    eligible = start + proof_limit - 1 <= extract
    change = {"employment": status["employment_day"], "settled_accommodation": status["settled_day"]}
    for name in INTERVENTIONS:
        change[name] = np.where(interventions[name], interventions[f"{name}_delay"], np.inf)
    proc = _draw_process(rng, base["child"], anniversary)
    return _Model(
        base_lp=_linear_predictor(base, needs, priors),
        child=base["child"], female=base["female"], eligible=eligible,
        change_days=np.column_stack([change[k] for k in CHANGE_KEYS]).astype(float),
        proc=proc,
        window={"anniversary": anniversary.astype(float), "proof_limit": proof_limit.astype(float),
                "exit_day": status["exit_day"]},
        params={"adult": -1.5, "child": -1.0, "female": -0.3, "freq_adult": 1.0, "freq_child": 1.0},
    )
