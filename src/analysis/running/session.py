"""What every notebook starts with: its parameters, validated data, cohort, output sink and style.

A notebook's first code cell is one call, ``params, data, cohort, out = start(NAME, params_file,
output_dir)``, so the five notebooks set up the same way and a change to the set-up is made once.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from analysis.data.loading import ValidatedData, load_data
from analysis.measures.cohort import Cohort, build_cohort
from analysis.params import RunParams, load_params
from analysis.presentation.outputs import RunOutput
from analysis.presentation.style import use_style

__all__ = ["Session", "start"]


class Session(NamedTuple):
    """The objects a notebook works with (unpack as ``params, data, cohort, out``)."""

    params: RunParams
    data: ValidatedData
    cohort: Cohort
    out: RunOutput


def start(notebook: str, params_file: str | Path, output_dir: str | Path) -> Session:
    """Set up a notebook: figure style, parameters, validated data, cohort and output sink.

    Parameters
    ----------
    notebook : str
        The notebook's name, e.g. ``"01_cohort"``; prefixes its tables and figures.
    params_file : str or Path
        The parameter file (the ``params_file`` of the notebook's ``parameters`` cell).
    output_dir : str or Path
        The run's output folder (the ``output_dir`` of the ``parameters`` cell).

    Returns
    -------
    Session
        Parameters, validated data, the analysis cohort and the notebook's :class:`RunOutput`.
    """
    use_style()
    params = load_params(params_file)
    data = load_data(params)
    return Session(params, data, build_cohort(params, data), RunOutput(output_dir, notebook))
