"""Which parts of the performance analysis a run's data allow, and what is missing where they do not.

Survival-form data hold no dated cohort starts, post-release flags or later reoffences, so only
some measures can be computed from them; :func:`availability` says which, part by part.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.measures.performance.targets import PAN_DORSET_MEASURES

__all__ = ["availability"]


def availability(
    frame: pd.DataFrame,
    form: str,
    population_given: bool,
    iom_flag: str | None,
    funnel_by: str,
    needs: Sequence[str],
) -> pd.DataFrame:
    """Which parts of the analysis these data allow, and why not where they do not.

    Parameters
    ----------
    frame : DataFrame
        The performance frame (:func:`analysis.measures.performance.frame.run_frame`).
    form : {"records", "survival"}
        Input form of the data.
    population_given : bool
        Whether a population table aged 10-17 was given.
    iom_flag : str or None
        The 0/1 column of the IOM intervention, if there is one.
    funnel_by : str
        Column whose units the funnel plot compares.
    needs : sequence of str
        The need columns.

    Returns
    -------
    DataFrame
        ``key`` (short name), ``part`` (in words), ``available`` (bool) and ``reason`` (what
        is missing).
    """
    records = form == "records"
    has = frame.columns.__contains__

    def row(key: str, part: str, ok: bool, reason: str) -> dict:
        return {"key": key, "part": part, "available": bool(ok), "reason": "" if ok else reason}

    flags = [m.column for m in PAN_DORSET_MEASURES if m.adult_custody]
    missing = [c for c in ["cohort_start_type", *flags, "substance_treatment_need"] if not has(c)]
    rows = [
        row("adult_measures", "Five adult custody-leaver measures (employment, housing, treatment)",
            records and not missing,
            "need the records form with cohort_start_type and the outcome flags "
            + ", ".join(missing or flags)),
        row("children_measure", "Children's reoffending measure", has("cohort_group") and has("reoffended"),
            "needs ages (the age or date_of_birth role)"),
        row("quarters", "Quarterly cohorts and trends", records, "need dated cohort starts (records form)"),
        row("frequency", "Frequency measures (reoffences per offender and per reoffender)", records,
            "need every proven reoffence (records form); survival data hold only the first"),
        row("fte_custody", "First-time entrants and custody rate", records and has("prior_offences"),
            "need the records form with prior_offences and cohort_start_type"),
        row("population_rates", "Rates per population (FTE per 100,000, custody per 1,000)",
            records and population_given, "need performance.population (population aged 10-17)"),
        row("iom", "IOM indicators", records and iom_flag is not None and has("iom"),
            "need an IOM intervention (performance.iom_intervention) in the records form"),
        row("funnel", f"Funnel plot of units of '{funnel_by}'", has(funnel_by) and has("reoffended"),
            f"needs a '{funnel_by}' column"),
        row("standardisation", "Indirect standardisation by age band and sex", has("age") and has("sex"),
            "needs age and sex"),
        row("needs", "Criminogenic needs profile", bool(needs), "needs need flags (data.needs)"),
    ]
    return pd.DataFrame(rows)
