"""Checks made before any notebook runs on the inputs the models and costs read besides the data:
the cost files (with a user's own offence mapping) and the covariate transforms.

Both ``validate`` and ``run`` call :func:`check_model_inputs` after the data have passed their
rules, so a malformed mapping file or a transform the data cannot take stops the command with
one clear message (exit status 2) instead of failing inside a notebook.
"""

from __future__ import annotations

from analysis.costs.unit_costs import load_cost_tables
from analysis.data.loading import ValidatedData
from analysis.measures.cohort import build_cohort
from analysis.models.design import transform_covariates
from analysis.params import RunParams

__all__ = ["check_model_inputs"]


def check_model_inputs(params: RunParams, data: ValidatedData) -> None:
    """Read the run's cost files and apply its covariate transforms to its cohort once.

    Parameters
    ----------
    params : RunParams
        The run's parameters.
    data : ValidatedData
        The validated data.

    Raises
    ------
    analysis.errors.DataError
        If a cost file (the unit costs, deflators, offence mapping, the user's own mapping or
        the case studies) breaks one of its rules.
    analysis.errors.ParameterError
        If a transform of ``models.transforms`` cannot be applied to the cohort's values.
    """
    if params.uses_cost_files():
        load_cost_tables(params)
    if params.models.transforms:
        cohort = build_cohort(params, data)
        transform_covariates(cohort.frame, cohort.covariates, params.models.transforms)
