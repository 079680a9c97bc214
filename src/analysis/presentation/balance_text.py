"""The sentences about balance on every baseline characteristic: the warning about strongly
imbalanced characteristics left out of the model, and which adjustment made which balance worse."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from analysis.measures.baseline_balance import (
    STRONG_IMBALANCE,
    UNADJUSTED,
    left_out_imbalanced,
    worsened,
)
from analysis.presentation.labels import term_label, variable_label

__all__ = ["balance_notes", "balance_record", "balance_title_all", "left_out_warning",
           "smd_wide", "worse_balance_text"]

#: The adjustments of a balance table's samples, as the subject of a sentence.
ADJUSTMENTS = {"Matched": "Matching", "IPW (ATT)": "Weighting for the treated (IPW, ATT)",
               "IPW (ATE)": "Weighting for everyone (IPW, ATE)"}


def _words(covariate: str, references: Mapping[str, Any] | None) -> str:
    """A characteristic in words: a level with its reference, a flag or number by its name."""
    return term_label(covariate, references) if "[" in covariate else variable_label(covariate)


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def left_out_warning(left_out: pd.DataFrame, strong: float = STRONG_IMBALANCE,
                     references: Mapping[str, Any] | None = None) -> str:
    """A warning naming the strongly imbalanced characteristics left out of the model ("" if none).

    Parameters
    ----------
    left_out : DataFrame
        :func:`analysis.measures.baseline_balance.left_out_imbalanced` output.
    strong : float
        The absolute SMD from which imbalance counts as strong.
    references : mapping, optional
        Reference levels of text characteristics, for their names in words.
    """
    if left_out.empty:
        return ""
    items = [f"{_words(r.covariate, references)} (SMD {r.smd:+.2f})"
             for r in left_out.itertuples()]
    return (f"Warning: strongly imbalanced before adjustment (|SMD| {strong:g} or more) but not in "
            f"the model: {_listed(items)}. Matching and weighting balance only the characteristics in "
            "the model; consider adding these to `data.covariates`.")


def worse_balance_text(worse: pd.DataFrame, threshold: float = 0.1,
                       references: Mapping[str, Any] | None = None) -> str:
    """One sentence per adjustment that made a characteristic's balance worse ("" if none).

    Parameters
    ----------
    worse : DataFrame
        :func:`analysis.measures.baseline_balance.worsened` output.
    threshold : float
        The |SMD| above which balance counts as poor.
    references : mapping, optional
        Reference levels of text characteristics, for their names in words.
    """
    sentences = []
    for sample, part in worse.groupby("sample", sort=False):
        items = [f"{_words(r.covariate, references)} ({r.abs_smd_before:.3f} to "
                 f"{r.abs_smd_after:.3f})" for r in part.itertuples()]
        sentences.append(f"{ADJUSTMENTS.get(str(sample), str(sample))} made the balance worse on "
                         f"{_listed(items)} (|SMD| before to after, now above {threshold:g}).")
    return " ".join(sentences)


def balance_notes(table: pd.DataFrame, threshold: float = 0.1,
                  references: Mapping[str, Any] | None = None) -> str:
    """The warning and the worse-balance sentences of a published balance table, as Markdown.

    ``table`` is :func:`analysis.measures.baseline_balance.published_balance_all`; says so
    when there is nothing to report.
    """
    warning = left_out_warning(left_out_imbalanced(table), references=references)
    worse = worse_balance_text(worsened(table, threshold), threshold, references)
    parts = [f"**{warning}**" if warning else
             f"No characteristic left out of the model has |SMD| {STRONG_IMBALANCE:g} or more "
             "before adjustment.",
             worse or f"No adjustment left a characteristic above |SMD| {threshold:g} and worse "
                      "balanced than before."]
    return "\n\n".join(parts)


def balance_record(table: pd.DataFrame, threshold: float = 0.1,
                   references: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The headline entries of balance on every characteristic, for ``results.json``.

    ``references`` are the reference levels of text characteristics, for the warning's words.

    Returns
    -------
    dict
        ``imbalanced_not_modelled``: the characteristics left out of the model with |SMD| of
        :data:`~analysis.measures.baseline_balance.STRONG_IMBALANCE` or more before adjustment;
        ``imbalanced_not_modelled_warning``: the warning about them ("" if none);
        ``balance_worse_after``: ``{sample: characteristics}`` that sample made worse.
    """
    left_out = left_out_imbalanced(table)
    worse = worsened(table, threshold)
    return {
        "imbalanced_not_modelled": left_out["covariate"].tolist(),
        "imbalanced_not_modelled_warning": left_out_warning(left_out, references=references),
        "balance_worse_after": {s: part["covariate"].tolist()
                                for s, part in worse.groupby("sample", sort=False)},
    }


def balance_title_all(table: pd.DataFrame, threshold: float = 0.1,
                      references: Mapping[str, Any] | None = None) -> str:
    """A title stating the finding of a balance table of every characteristic.

    What each adjustment leaves above the threshold among the characteristics in the model,
    then how many left out of it are strongly imbalanced before adjustment (the first three
    named).
    """
    model = table[table["in_model"].astype(bool)]
    parts = []
    for s in [s for s in dict.fromkeys(model["sample"]) if s != UNADJUSTED]:
        part = model[model["sample"] == s]
        above = [_words(c, references) for c in part.loc[part["imbalanced"].astype(bool), "covariate"]]
        parts.append(f"{s}: " + (", ".join(above) if above else "none"))
    if parts and all(p.endswith(": none") for p in parts):
        title = (f"Every characteristic in the model within |SMD| {threshold:g} after each "
                 "adjustment")
    elif parts:
        title = f"In the model, still |SMD| > {threshold:g} after adjustment \u2014 " + "; ".join(parts)
    else:
        title = "Balance of the characteristics in the model"
    left_out = left_out_imbalanced(table)
    if len(left_out):
        names = [_words(c, references) for c in left_out["covariate"]]
        more = f" and {len(names) - 3} more" if len(names) > 3 else ""
        title += (f". Not in the model, |SMD| \u2265 {STRONG_IMBALANCE:g} before adjustment: "
                  f"{', '.join(names[:3])}{more}")
    return title


def smd_wide(table: pd.DataFrame) -> pd.DataFrame:
    """The SMD of each characteristic (rows, in the table's order) in each sample (columns),
    with ``in_model``, from :func:`analysis.measures.baseline_balance.published_balance_all`."""
    covs = list(dict.fromkeys(table["covariate"]))
    wide = table.pivot(index="covariate", columns="sample", values="smd")
    wide = wide.reindex(covs)[list(dict.fromkeys(table["sample"]))].infer_objects()
    in_model = table.drop_duplicates("covariate").set_index("covariate")["in_model"]
    wide.insert(0, "in_model", in_model.reindex(covs).astype(bool))
    wide.columns.name = None
    return wide
