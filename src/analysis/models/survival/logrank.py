"""Log-rank tests of equal survival across groups, plain and stratified."""

from __future__ import annotations

import numpy as np
import pandas as pd
from lifelines.statistics import logrank_test, multivariate_logrank_test
from scipy import stats
from statsmodels.duration.survfunc import survdiff

from analysis.estimable import NotEstimable
from analysis.models.requirements import require_events, require_groups
from analysis.models.survival.frames import check_columns

__all__ = ["logrank", "logrank_tests", "stratified_logrank"]


def _logrank_row(test: str, statistic: float, df: int, groups: int, strata: int) -> dict:
    return {"test": test, "statistic": float(statistic), "df": int(df),
            "p_value": float(stats.chi2.sf(statistic, df)), "groups": groups, "strata": strata}


def logrank(
    frame: pd.DataFrame,
    time_col: str = "time",
    event_col: str = "event",
    group_col: str = "group",
    strata_col: str | None = None,
) -> pd.DataFrame:
    """Log-rank test of equal survival across groups, optionally stratified.

    Two groups use lifelines ``logrank_test``; three or more ``multivariate_logrank_test``;
    with ``strata_col`` the stratified test of :func:`stratified_logrank`.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    time_col, event_col : str
        Follow-up time and event indicator.
    group_col : str
        Groups to compare.
    strata_col : str, optional
        Strata (e.g. ``"area"``) within which groups are compared.

    Returns
    -------
    DataFrame
        One row: ``test``, ``statistic`` (chi-square), ``df``, ``p_value``, ``groups``,
        ``strata``.
    """
    check_columns(frame, [time_col, event_col, group_col, strata_col])
    if strata_col is not None:
        return stratified_logrank(frame, time_col, event_col, group_col, strata_col)
    frame = frame[frame[group_col].notna()]
    levels = sorted(frame[group_col].unique().tolist(), key=str)
    if len(levels) < 2:
        raise ValueError("the log-rank test needs at least two groups")
    if len(levels) == 2:
        a, b = (frame[frame[group_col] == lv] for lv in levels)
        res = logrank_test(a[time_col], b[time_col], a[event_col], b[event_col])
        row = _logrank_row("log-rank", res.test_statistic, 1, 2, 1)
    else:
        res = multivariate_logrank_test(frame[time_col], frame[group_col], frame[event_col])
        row = _logrank_row("log-rank", res.test_statistic, res.degrees_of_freedom,
                           len(levels), 1)
    return pd.DataFrame([row])


def stratified_logrank(
    frame: pd.DataFrame,
    time_col: str = "time",
    event_col: str = "event",
    group_col: str = "group",
    strata_col: str = "area",
) -> pd.DataFrame:
    """Stratified log-rank test (statsmodels ``survdiff`` with ``strata``; as R's
    ``survdiff(Surv(time, event) ~ group + strata(s))``).

    Within each stratum, at each distinct event time with ``N`` at risk and ``D`` events,
    group g (``n_g`` at risk, ``d_g`` events) adds ``d_g - D n_g / N`` to the observed minus
    expected vector ``U`` and ``D (N - D) / (N - 1) * n_g / N * (delta_gh - n_h / N)`` to its
    covariance ``V``. U and V are summed over strata and ``U' V^- U`` is referred to
    chi-square on groups - 1 degrees of freedom. With one stratum it is the ordinary
    log-rank test.

    Returns
    -------
    DataFrame
        One row: ``test`` (``"stratified log-rank"``), ``statistic``, ``df``, ``p_value``,
        ``groups``, ``strata``.
    """
    check_columns(frame, [time_col, event_col, group_col, strata_col])
    data = frame[frame[group_col].notna() & frame[strata_col].notna()]
    groups = data[group_col].nunique()
    if groups < 2:
        raise ValueError("the log-rank test needs at least two groups")
    statistic, _ = survdiff(data[time_col].to_numpy(float), data[event_col].to_numpy(int),
                            data[group_col].to_numpy(), strata=data[strata_col].to_numpy())
    return pd.DataFrame([_logrank_row("stratified log-rank", statistic, groups - 1, groups,
                                      data[strata_col].nunique())])


def logrank_tests(frame: pd.DataFrame, k_groups: str | None = None,
                  strata: str | None = None) -> pd.DataFrame:
    """The log-rank tests of a survival analysis: treated against comparison, across the
    levels of ``k_groups`` (when it has more than two) and stratified by ``strata``.

    Parameters
    ----------
    frame : DataFrame
        One row per person: ``time``, ``event``, ``group`` and the named columns.
    k_groups, strata : str, optional
        ``survival.k_groups`` and ``survival.strata``.

    Returns
    -------
    DataFrame
        One row per test (the columns of :func:`logrank`) with ``comparison`` in words.

    Raises
    ------
    NotEstimable
        When nobody reoffended, a group is smaller than the disclosure threshold, or the
        stratified test's variance is singular.
    """
    what = "The log-rank tests"
    require_events(frame, what)
    require_groups(frame, "group", what)
    tests = [logrank(frame, group_col="group").assign(comparison="treated vs comparison")]
    if k_groups and frame[k_groups].nunique() > 2:
        tests.append(logrank(frame, group_col=k_groups).assign(comparison=f"by {k_groups}"))
    if strata:
        try:
            test = stratified_logrank(frame, group_col="group", strata_col=strata)
        except np.linalg.LinAlgError:
            raise NotEstimable(what, f"the stratified test's variance is singular (too few "
                                     f"reoffenders within the levels of {strata})") from None
        tests.append(test.assign(comparison=f"treated vs comparison, stratified by {strata}"))
    return pd.concat(tests, ignore_index=True)
