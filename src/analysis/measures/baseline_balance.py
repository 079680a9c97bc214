"""Balance on every baseline characteristic of the cohort, in the model or not.

Matching and weighting balance the covariates of the propensity model; a characteristic left
out of it can stay as different after adjustment as before. This module lists the baseline
characteristics a cohort holds (:func:`baseline_variables`), codes the ones the model leaves
out as the model codes its own (:func:`indicator_design`), publishes one balance table of all
of them (:func:`published_balance_all`, with an ``in_model`` column) and reads from it the
characteristics strongly imbalanced but left out of the model (:func:`left_out_imbalanced`)
and those an adjustment made worse (:func:`worsened`).

Thresholds: an absolute standardised mean difference (SMD) below 0.1 is taken as balanced
(Austin 2009, Stat Med 28:3083); one of :data:`STRONG_IMBALANCE` (0.25) or more before
adjustment is strong imbalance, which regression or matching on other covariates cannot be
relied on to remove (Rubin 2001, Health Serv Outcomes Res Methodol 2:169; Stuart 2010, Stat
Sci 25:1); a variance ratio between 0.5 and 2 is acceptable (Rubin 2001).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.measures.balance import balance_table, published_balance

__all__ = ["BASELINE_COLUMNS", "STRONG_IMBALANCE", "UNADJUSTED", "baseline_variables",
           "indicator_design", "left_out_imbalanced", "left_out_references",
           "published_balance_all", "worsened"]

#: Absolute SMD before adjustment from which a characteristic left out of the model is named
#: in a warning (Rubin 2001; Stuart 2010).
STRONG_IMBALANCE = 0.25

#: The sample name of the comparison before adjustment.
UNADJUSTED = "Unadjusted"

#: Characteristics recorded at or before the start of follow-up, besides the covariates and
#: needs named in the parameters. Employment, accommodation and treatment after release are
#: left out: the intervention may change them.
BASELINE_COLUMNS: tuple[str, ...] = (
    "age", "sex", "area", "cohort_group", "cohort_start_type", "prior_offences",
    "prior_offences_12m", "substance_treatment_need", "housed_release_night",
)


def baseline_variables(frame: pd.DataFrame, covariates: Sequence[str],
                       needs: Sequence[str] = ()) -> list[str]:
    """The baseline characteristics of ``frame`` that vary: the covariates, then the others.

    Parameters
    ----------
    frame : DataFrame
        The people compared (one row per person).
    covariates : sequence of str
        The covariates named in the parameters (``data.covariates``).
    needs : sequence of str
        The needs flags named in the parameters (``data.needs``).

    Returns
    -------
    list of str
        Columns of ``frame`` among ``covariates``, :data:`BASELINE_COLUMNS` and ``needs``, in
        that order, without repeats, each with at least two distinct recorded values.
    """
    names = dict.fromkeys([*covariates, *BASELINE_COLUMNS, *needs])
    return [v for v in names if v in frame and frame[v].dropna().nunique() >= 2]


def _is_number(s: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s))


def _reference(s: pd.Series) -> str:
    """The most common recorded level of a text characteristic (the first in order on a tie)."""
    counts = s.dropna().astype(str).value_counts()
    return str(sorted(counts.index[counts == counts.max()])[0])


def left_out_references(frame: pd.DataFrame, covariates: Sequence[str],
                        needs: Sequence[str] = ()) -> dict[str, str]:
    """The reference level of each text characteristic left out of the model, as
    :func:`indicator_design` codes it (``{"cohort_group": "Adult (18+)"}``), for their names
    in words."""
    others = [v for v in baseline_variables(frame, covariates, needs) if v not in covariates]
    return {v: _reference(frame[v]) for v in others if not _is_number(frame[v])}


def indicator_design(frame: pd.DataFrame, variables: Sequence[str]) -> pd.DataFrame:
    """Numeric columns for ``variables``, coded as the models code them.

    A number or 0/1 flag is kept as it is; a text characteristic gets a 0/1 column per level
    other than its most common one (the reference), named ``variable[level]``. A missing value
    stays missing (balance is measured on the people with a value).
    """
    columns: dict[str, pd.Series] = {}
    for v in variables:
        s = frame[v]
        if _is_number(s):
            columns[v] = s.astype(float)
            continue
        counts = s.dropna().astype(str).value_counts()
        reference = _reference(s)
        for level in sorted(counts.index):
            if level != reference:
                columns[f"{v}[{level}]"] = (s.astype(str) == level).astype(float).where(s.notna())
    return pd.DataFrame(columns, index=frame.index)


def published_balance_all(
    sample: pd.DataFrame,
    design: pd.DataFrame,
    covariates: Sequence[str],
    needs: Sequence[str],
    weights: Mapping[str, pd.Series | None],
    threshold: float = 0.1,
    min_cell: int = 5,
) -> pd.DataFrame:
    """The published balance table of every baseline characteristic, in each sample.

    Parameters
    ----------
    sample : DataFrame
        The people compared, with ``treated`` and the baseline characteristics.
    design : DataFrame
        The propensity model's covariate columns (dummy-coded), same index.
    covariates : sequence of str
        The covariates named in the parameters: their characteristics are in the model.
    needs : sequence of str
        The needs flags named in the parameters.
    weights : mapping
        ``{sample name: weights or None}``, the first being :data:`UNADJUSTED` (no weights).
    threshold : float
        Absolute SMD above which a characteristic is flagged as imbalanced.
    min_cell : int
        Smallest count shown (:func:`analysis.measures.balance.published_balance`).

    Returns
    -------
    DataFrame
        :func:`analysis.measures.balance.balance_table` columns under the small-count rule, with
        ``in_model`` after ``covariate``: the model's columns first, then the characteristics
        it leaves out.
    """
    others = [v for v in baseline_variables(sample, covariates, needs) if v not in covariates]
    full = pd.concat([design, indicator_design(sample, others)], axis=1)
    treated = sample["treated"]
    table = balance_table(full, treated, weights, threshold=threshold)
    shown = published_balance(table, full, treated, weights, min_cell)
    shown.insert(1, "in_model", shown["covariate"].isin(list(design.columns)))
    return shown


def _abs_smd(table: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(table["smd"], errors="coerce").abs()


def left_out_imbalanced(table: pd.DataFrame,
                        strong: float = STRONG_IMBALANCE) -> pd.DataFrame:
    """The characteristics left out of the model with ``|SMD| >= strong`` before adjustment.

    Parameters
    ----------
    table : DataFrame
        :func:`published_balance_all` output (a suppressed SMD is not read).
    strong : float
        The absolute SMD from which imbalance counts as strong.

    Returns
    -------
    DataFrame
        ``covariate`` and ``smd`` (before adjustment), largest ``|SMD|`` first.
    """
    before = table[(table["sample"] == UNADJUSTED) & ~table["in_model"].astype(bool)]
    sized = before.assign(size=_abs_smd(before))
    hit = sized[sized["size"] >= strong].sort_values("size", ascending=False, kind="stable")
    return pd.DataFrame({"covariate": hit["covariate"].tolist(),
                         "smd": pd.to_numeric(hit["smd"]).tolist()})


def worsened(table: pd.DataFrame, threshold: float = 0.1) -> pd.DataFrame:
    """The characteristics whose balance an adjustment made worse, beyond the threshold.

    Parameters
    ----------
    table : DataFrame
        :func:`published_balance_all` (or a balance table with ``covariate``, ``sample`` and
        ``smd``); suppressed SMDs are not read.
    threshold : float
        A characteristic counts where its ``|SMD|`` after adjustment is above ``threshold``
        and above its ``|SMD|`` before adjustment.

    Returns
    -------
    DataFrame
        ``sample``, ``covariate``, ``abs_smd_before`` and ``abs_smd_after``, in the order of
        the table.
    """
    size = table.assign(size=_abs_smd(table))
    before = size[size["sample"] == UNADJUSTED].set_index("covariate")["size"]
    after = size[size["sample"] != UNADJUSTED]
    prior = after["covariate"].map(before)
    hit = after[(after["size"] > threshold) & (after["size"] > prior)]
    return pd.DataFrame({"sample": hit["sample"].tolist(), "covariate": hit["covariate"].tolist(),
                         "abs_smd_before": prior[hit.index].tolist(),
                         "abs_smd_after": hit["size"].tolist()})
