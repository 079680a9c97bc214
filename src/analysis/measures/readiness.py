"""What validation warns about before any notebook runs, once the data have passed every rule.

:func:`validation_notices` gathers the :class:`~analysis.data.notices.Notice` of a run: records
dated after the extract date (:func:`analysis.data.notices.extract_date_notices`) and a treated
group smaller than the Justice Data Lab minimum (``effects.min_treated``), counted as notebook
``03_intervention_effects`` counts it: treated people whose follow-up and waiting periods have
ended by the extract date (everyone in the survival form). The run goes on; the notebook says
what it cannot estimate or report. ``validate`` prints the notices, ``run`` prints them and
records them in the run's manifest.
"""

from __future__ import annotations

import pandas as pd

from analysis.data.loading import ValidatedData, display_name
from analysis.data.notices import Notice, extract_date_notices
from analysis.data.specs import table_specs
from analysis.disclosure import count_text
from analysis.measures.reoffending import is_eligible
from analysis.params import EFFECTS_NOTEBOOK, RunParams

__all__ = ["TOO_FEW_TREATED", "treated_group_notice", "validation_notices"]

#: Text of the notice on a treated group below the Justice Data Lab minimum.
TOO_FEW_TREATED = (
    "{n} treated people{measured}, fewer than the Justice Data Lab minimum of {minimum} "
    "(effects.min_treated): the effect estimates of {notebook} cannot be reported")


def validation_notices(params: RunParams, data: ValidatedData) -> list[Notice]:
    """Every warning about valid data, in file order.

    Parameters
    ----------
    params : RunParams
        The run parameters.
    data : ValidatedData
        The data as validated by :func:`analysis.data.loading.load_data`.

    Returns
    -------
    list of Notice
        Records dated after the extract date, then a treated group below the minimum.
    """
    files = {table: display_name(path, params) for table, path in data.files.items()}
    frames = {"people": data.people, "offences": data.offences}
    notices = extract_date_notices(frames, params, files) + data.notices
    treated = treated_group_notice(params, data, files)
    return notices + ([treated] if treated is not None else [])


def treated_group_notice(params: RunParams, data: ValidatedData,
                         files: dict[str, str]) -> Notice | None:
    """A notice if the effects notebook runs and the measured treated group is below
    ``effects.min_treated``; the count follows the small-count rule (``disclosure.min_cell``)."""
    if not params.runs_notebook(EFFECTS_NOTEBOOK):
        return None
    d, m = params.data, params.measures
    table = "survival" if d.form == "survival" else "people"
    frame = data.survival if d.form == "survival" else data.people
    flag_name = d.treatment_flag()
    if frame is None or flag_name not in frame:
        return None
    treated = frame[flag_name].eq(1).fillna(False).astype(bool)
    measured = ""
    if d.form == "records" and d.extract_date is not None:
        eligible = is_eligible(frame["cohort_start"], pd.Timestamp(d.extract_date),
                               m.follow_up_months, m.waiting_months)
        treated &= eligible.to_numpy()
        measured = " measured by the extract date"
    n, minimum = int(treated.sum()), params.effects.min_treated
    if n >= minimum:
        return None
    label = next((s.label for s in table_specs(table, params) if s.name == flag_name), None)
    text = TOO_FEW_TREATED.format(n=count_text(n, params.disclosure.min_cell), measured=measured,
                                  minimum=minimum, notebook=EFFECTS_NOTEBOOK)
    return Notice(files.get(table, table), label, text)
