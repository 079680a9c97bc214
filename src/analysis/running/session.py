"""What every notebook starts with: its parameters, validated data, cohort, output sink and style.

A notebook's first code cell is one call, ``params, data, cohort, out = start(NAME, params_file,
output_dir)``, so the notebooks set up the same way and a change to the set-up is made once.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from analysis.data.loading import ValidatedData, load_data
from analysis.disclosure import set_policy, shown_count, too_small_to_publish
from analysis.measures.cohort import Cohort, build_cohort
from analysis.params import RunParams
from analysis.presentation.outputs import RunOutput
from analysis.presentation.style import use_style
from analysis.running.parameters import read_parameters

__all__ = ["Session", "start"]


class Session(NamedTuple):
    """The objects a notebook works with (unpack as ``params, data, cohort, out``)."""

    params: RunParams
    data: ValidatedData
    cohort: Cohort
    out: RunOutput


def start(notebook: str, params_file: str | Path, output_dir: str | Path) -> Session:
    """Set up a notebook: figure style, parameters, disclosure policy, validated data, cohort
    and output sink.

    Parameters
    ----------
    notebook : str
        The notebook's name, e.g. ``"01_cohort"``; prefixes its tables and figures.
    params_file : str or Path
        The ``params_file`` of the notebook's ``parameters`` cell: in a run, the parameters the
        runner has checked and resolved (:mod:`analysis.running.parameters`); else a parameter
        file.
    output_dir : str or Path
        The run's output folder (the ``output_dir`` of the ``parameters`` cell).

    Returns
    -------
    Session
        Parameters, validated data, the analysis cohort and the notebook's :class:`RunOutput`.
        For a cohort too small to publish (:func:`analysis.disclosure.too_small_to_publish`)
        the output sink withholds everything but the number of people measured
        (:meth:`RunOutput.withhold`), and the notebook's cells run all the same.
    """
    use_style()
    params = read_parameters(params_file)
    min_cell = params.disclosure.min_cell
    set_policy(min_cell, params.disclosure.rounding)
    data = load_data(params)
    cohort = build_cohort(params, data)
    out = RunOutput(Path(output_dir), notebook)
    reason = too_small_to_publish(len(cohort.frame), min_cell)
    if reason is not None:
        out.withhold(reason, people_in_cohort=shown_count(len(cohort.frame), min_cell))
    return Session(params, data, cohort, out)
