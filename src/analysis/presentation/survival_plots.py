"""Figures for the survival analysis. Each returns a matplotlib Figure whose title states the finding.

The figures are drawn in the project style (:data:`analysis.presentation.style.STYLE`, applied inside each
function so the global matplotlib settings are left alone) and take the tidy tables of
:mod:`analysis.models.survival`, or the person-level data for the Kaplan-Meier figure, which needs the
fitted estimators for its number-at-risk table. Save them with
:func:`analysis.presentation.style.save_figure`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator
from matplotlib.transforms import blended_transform_factory
from statsmodels.nonparametric.smoothers_lowess import lowess

from analysis.disclosure import is_shown, shows_number, suppress_counts
from analysis.measures.time_scale import DAYS_PER_UNIT
from analysis.models import survival
from analysis.presentation.labels import term_label
from analysis.presentation.style import PALETTE, STYLE, month_axis

__all__ = [
    "km_figure", "forest_figure", "schoenfeld_figure", "cumulative_incidence_figure",
    "adjusted_survival_figure",
]


def _wrap(title: str, width: int = 72) -> str:
    return textwrap.fill(title, width)


def _name(value: object, labels: Mapping | None) -> str:
    return str(labels.get(value, value)) if labels else str(value)


def _term(covariate: str, labels: Mapping[str, str] | None,
          references: Mapping[str, object] | None = None) -> str:
    """A model term in words: its name in ``labels``, else :func:`analysis.presentation.labels.term_label`."""
    if labels and covariate in labels:
        return str(labels[covariate])
    return term_label(covariate, references)


def km_figure(
    frame: pd.DataFrame,
    time_col: str = "time",
    event_col: str = "event",
    group_col: str | None = "group",
    time_unit: str = "days",
    scale: str = "cumulative",
    horizon: float | None = None,
    horizon_label: str | None = None,
    event_label: str = "reoffended",
    origin: str = "start of follow-up",
    labels: Mapping | None = None,
    at_risk_times: Sequence[float] | None = None,
    alpha: float = 0.05,
    min_cell: int = 5,
    horizons: pd.DataFrame | None = None,
    at_risk: pd.DataFrame | None = None,
) -> plt.Figure:
    """Kaplan-Meier curves by group with 95% bands and a number-at-risk table underneath.

    The numbers at risk follow the small-count rule (:mod:`analysis.disclosure`): from 1 to
    ``min_cell - 1`` they are shown as ``<min_cell``. Given the published tables
    (``horizons``, ``at_risk``), the figure shows only what they show: a group's curve is
    drawn only where the table shows its values at every horizon, the title reads the table's
    last horizon and the numbers at risk are the table's.

    Parameters
    ----------
    frame : DataFrame
        One row per person.
    time_col, event_col, group_col : str
        Columns as in :func:`analysis.models.survival.km_table`.
    time_unit : str
        Unit of ``time_col`` (the axis shows months since ``origin``).
    scale : {"cumulative", "survival"}
        Cumulative percent who ``event_label`` (100 (1 - S)), or the survival proportion.
    horizon : float, optional
        Time (data's unit) at which the title compares the groups; default the longest
        follow-up common to all groups.
    horizon_label : str, optional
        Words for the horizon in the title (e.g. "a year"); default "<horizon> <unit>".
    event_label : str
        Past tense of the event for the title and axis, e.g. "reoffended" or "arrested".
    origin : str
        Time origin for the axis label, e.g. "release".
    labels : mapping, optional
        Display names of the groups, e.g. ``{0: "No aid", 1: "Financial aid"}``.
    at_risk_times : sequence of float, optional
        Times of the number-at-risk table (default: the axis ticks).
    alpha : float
        1 - confidence level of the bands.
    min_cell : int
        Smallest number at risk shown.
    horizons : DataFrame, optional
        The published survival at the horizons
        (:func:`analysis.models.survival.published_horizons`; groups named by ``labels``).
    at_risk : DataFrame, optional
        The published numbers at risk (:func:`analysis.models.survival.published_at_risk`).
    """
    if scale not in ("cumulative", "survival"):
        raise ValueError("scale must be 'cumulative' or 'survival'")
    fitters = survival.fit_km(frame, time_col, event_col, group_col, alpha)
    curves = survival.km_table(frame, time_col, event_col, group_col, alpha)
    if horizon is None:
        horizon = float(min(f.durations.max() for f in fitters.values()))
    at = (survival.survival_at(frame, [horizon], time_col, event_col, group_col, alpha)
          if horizons is None else _title_row(horizons, curves["group"].unique(), labels))
    drawn = _drawn_groups(curves["group"].unique(), horizons, labels)
    if at_risk is not None:
        at_risk_times = sorted(at_risk["time"].unique())
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.5, 5.2))
        for i, (g, c) in enumerate(curves.groupby("group", sort=False)):
            colour = PALETTE[i % len(PALETTE)]
            if g not in drawn:
                ax.plot([], [], color=colour, label=f"{_name(g, labels)} (not drawn: small numbers)")
                continue
            if scale == "cumulative":
                y, lo, hi = (c["cumulative_reoffended_pct"], c["cumulative_ci_low_pct"],
                             c["cumulative_ci_high_pct"])
            else:
                y, lo, hi = c["survival"], c["ci_low"], c["ci_high"]
            ax.step(c["time"], y, where="post", color=colour, label=_name(g, labels))
            ax.fill_between(c["time"], lo, hi, step="post", color=colour, alpha=0.2, lw=0)
        ticks = month_axis(ax, float(curves["time"].max()), time_unit, origin)
        if scale == "cumulative":
            ax.set_ylabel(f"Cumulative % {event_label} (95% CI)")
            ax.set_ylim(bottom=0)
        else:
            ax.set_ylabel(f"Proportion not yet {event_label} (95% CI)")
            ax.set_ylim(top=1.0)
        ax.legend(loc="upper left" if scale == "cumulative" else "lower left")
        end = ax.get_xlim()[1]
        risk_times = _spaced([t for t in (at_risk_times if at_risk_times is not None else ticks)
                              if 0 <= t <= end], end)
        shown = (at_risk if at_risk is not None else
                 _published_at_risk(frame, risk_times, time_col, event_col, group_col, min_cell))
        names = [_name(g, labels) for g in curves["group"].unique()]
        _at_risk_table(ax, shown, risk_times, names, labels)
        when = horizon_label or f"{horizon:g} {time_unit}"
        parts = [f"{_name(g, labels)} {_percent(p)}"
                 for g, p in zip(at["group"], at["cumulative_reoffended_pct"], strict=True)]
        ax.set_title(_wrap(f"{event_label.capitalize()} within {when}: " + " vs ".join(parts)),
                     loc="left")
        fig.tight_layout()
    return fig


def _spaced(times: Sequence[float], end: float, gap: float = 0.06) -> list[float]:
    """The times whose numbers at risk can be written without overlapping: each at least
    ``gap`` of the axis after the previous one kept (the first and, in place of the one
    before it, the last are kept)."""
    kept: list[float] = []
    for t in sorted(times):
        if kept and t - kept[-1] < gap * end:
            if t != max(times) or len(kept) == 1:
                continue
            kept.pop()
        kept.append(t)
    return kept


def _percent(value: object) -> str:
    """A percentage for a title, or the published mark where the table withholds it."""
    return f"{value:.1f}%" if shows_number(value) else str(value)


def _title_row(horizons: pd.DataFrame, groups: Sequence[object],
               labels: Mapping | None) -> pd.DataFrame:
    """The published rows of the last horizon, one per group in the order of the curves
    (the title's numbers)."""
    last = horizons[horizons["months"] == horizons["months"].max()]
    order = {_name(g, labels): i for i, g in enumerate(groups)}
    last = last.assign(order=last["group"].map(order)).sort_values("order", kind="stable")
    return last[["group", "cumulative_reoffended_pct"]]


def _drawn_groups(groups: Sequence[object], horizons: pd.DataFrame | None,
                  labels: Mapping | None) -> set:
    """The groups whose curve may be drawn: all, or those whose published values at every
    horizon are shown (a curve passes through them)."""
    if horizons is None:
        return set(groups)
    shown = (horizons.assign(ok=is_shown(horizons["cumulative_reoffended_pct"]))
             .groupby("group")["ok"].all())
    return {g for g in groups if bool(shown.get(_name(g, labels), False))}


def _published_at_risk(frame: pd.DataFrame, ticks: Sequence[float], time_col: str,
                       event_col: str, group_col: str | None, min_cell: int) -> pd.DataFrame:
    """Numbers at risk after each tick (lifelines' convention), small counts suppressed."""
    risk = survival.number_at_risk(frame, ticks, time_col, event_col, group_col)
    return suppress_counts(risk, ["at_risk"], None, min_cell)


def _at_risk_table(ax: plt.Axes, shown: pd.DataFrame, ticks: Sequence[float],
                   names: Sequence[str], labels: Mapping | None) -> None:
    """Write the published numbers at risk under the x axis, one row per group (in the order
    and colours of the curves, ``names``)."""
    shown = shown[shown["time"].isin(list(ticks))]
    group = shown["group"].map(lambda g: _name(g, labels))
    transform = blended_transform_factory(ax.transData, ax.transAxes)
    ax.text(-0.07, -0.2, "At risk", transform=ax.transAxes, ha="right", va="center",
            fontweight="bold")
    for i, name in enumerate(names):
        rows = shown[group == name]
        y = -0.27 - 0.07 * i
        ax.text(-0.07, y, name, transform=ax.transAxes, ha="right", va="center",
                color=PALETTE[i % len(PALETTE)])
        for t, n in zip(rows["time"], rows["at_risk"], strict=True):
            ax.text(t, y, f"{n:,}" if isinstance(n, int | np.integer) else str(n),
                    transform=transform, ha="center", va="center")


def forest_figure(
    table: pd.DataFrame,
    focus: str | None = None,
    labels: Mapping[str, str] | None = None,
    event_label: str = "reoffending",
    references: Mapping[str, object] | None = None,
) -> plt.Figure:
    """Forest plot of hazard ratios with 95% CIs (log scale, reference line at 1).

    Each row names the characteristic in words with the level it is compared with
    (:func:`analysis.presentation.labels.term_label`: ``Female (vs male)``).

    Parameters
    ----------
    table : DataFrame
        :attr:`analysis.models.survival.CoxResult.summary` (``covariate``, ``hazard_ratio``,
        ``hr_ci_low``, ``hr_ci_high``, ``p_value``).
    focus : str, optional
        Covariate whose hazard ratio the title reports (default: the smallest p-value).
    labels : mapping, optional
        Display names of covariates, e.g. ``{"fin": "Financial aid"}``.
    event_label : str
        Noun for the hazard in the title, e.g. "arrest".
    references : mapping, optional
        Reference level of each text covariate (:func:`analysis.models.design.default_references`).
    """
    t = table.reset_index(drop=True).iloc[::-1].reset_index(drop=True)
    y = np.arange(len(t))
    focus = focus if focus is not None else table.loc[table["p_value"].idxmin(), "covariate"]
    row = table.set_index("covariate").loc[focus]
    hr = row["hazard_ratio"]
    change = f"{abs(1 - hr) * 100:.0f}% {'lower' if hr < 1 else 'higher'}"
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(t) + 1.8))
        colours = [PALETTE[1] if c == focus else PALETTE[0] for c in t["covariate"]]
        ax.hlines(y, t["hr_ci_low"], t["hr_ci_high"], colors=colours, lw=1.5)
        ax.scatter(t["hazard_ratio"], y, c=colours, zorder=3, marker="s")
        ax.axvline(1, color="black", lw=1, ls="--")
        ax.set_xscale("log")
        lo, hi = t["hr_ci_low"].min(), t["hr_ci_high"].max()
        ticks = [v for v in (0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10)
                 if lo / 1.2 <= v <= hi * 1.2 or v == 1]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xticks(ticks, [f"{v:g}" for v in ticks])
        ax.set_yticks(y, [_term(c, labels, references) for c in t["covariate"]])
        ax.set_xlabel("Hazard ratio (log scale) with 95% CI; < 1 = lower hazard")
        ax.grid(axis="y", visible=False)
        ax.set_title(_wrap(f"{_term(focus, labels, references)}: {change} hazard "
                           f"of {event_label} (HR {hr:.2f}, 95% CI {row['hr_ci_low']:.2f} to "
                           f"{row['hr_ci_high']:.2f})", 64), loc="left")
        fig.tight_layout()
    return fig


def schoenfeld_figure(
    residuals: pd.DataFrame,
    tests: pd.DataFrame,
    time_unit: str = "days",
    origin: str = "start of follow-up",
    labels: Mapping[str, str] | None = None,
    frac: float = 2 / 3,
) -> plt.Figure:
    """Scaled Schoenfeld residuals (beta(t)) against time, one panel per covariate.

    Each panel shows the residual-based estimates of the coefficient at each event, a lowess
    smooth (statsmodels) and the fitted constant coefficient; a smooth that drifts away from
    the line suggests the effect changes over time.

    Parameters
    ----------
    residuals : DataFrame
        :func:`analysis.models.survival.scaled_schoenfeld`.
    tests : DataFrame
        :func:`analysis.models.survival.ph_test` of the same model (p-values in panel titles and
        the figure title).
    time_unit, origin : str
        Axis label, e.g. "weeks" and "release".
    labels : mapping, optional
        Display names of covariates.
    frac : float
        Lowess span.
    """
    covs = list(dict.fromkeys(residuals["covariate"]))
    p = tests.set_index("covariate")["p_value"]
    failing = tests[(tests["covariate"] != "GLOBAL") & tests["fails"]]["covariate"].tolist()
    ncol = min(3, len(covs))
    nrow = int(np.ceil(len(covs) / ncol))
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(nrow, ncol, figsize=(3.4 * ncol + 0.6, 2.9 * nrow + 0.9),
                                 squeeze=False)
        for ax, cov in zip(axes.flat, covs, strict=False):
            r = residuals[residuals["covariate"] == cov].sort_values("time")
            colour = PALETTE[1] if cov in failing else PALETTE[0]
            ax.scatter(r["time"], r["beta_t"], s=8, alpha=0.4, color=colour,
                       rasterized=True)  # thousands of points: an image inside the SVG
            smooth = lowess(r["beta_t"], r["time"], frac=frac, it=0)
            ax.plot(smooth[:, 0], smooth[:, 1], color="black", lw=1.5, label="lowess")
            ax.axhline(r["coef"].iloc[0], color="black", ls="--", lw=1, label="Cox estimate")
            name = _term(cov, labels)
            ax.set_title(f"{name} (p = {p[cov]:.3f})", loc="left", fontsize=10)
            month_axis(ax, float(residuals["time"].max()), time_unit, origin)
            ax.set_ylabel("beta(t): log hazard ratio")
        for ax in list(axes.flat)[len(covs):]:
            ax.set_visible(False)
        axes.flat[0].legend(loc="best", fontsize=8)
        g = p["GLOBAL"]
        if failing:
            names = ", ".join(f"{_term(c, labels)} (p = {p[c]:.3f})"
                              for c in failing)
            title = f"Hazard ratio changes over time for {names}; global test p = {g:.3f}"
        else:
            title = f"No covariate's hazard ratio changes detectably over time (global p = {g:.3f})"
        fig.suptitle(_wrap(title, 110), x=0.01, ha="left", fontweight="bold", fontsize=11)
        fig.tight_layout()
    return fig


def cumulative_incidence_figure(
    curves: pd.DataFrame,
    time_unit: str = "days",
    horizon: float | None = None,
    horizon_label: str | None = None,
    event_label: str = "reoffended",
    competing_label: str = "death, deportation or long custody",
    origin: str = "start of follow-up",
    horizons: pd.DataFrame | None = None,
) -> plt.Figure:
    """Aalen-Johansen cumulative incidence beside 1 - Kaplan-Meier, for one group.

    Parameters
    ----------
    curves : DataFrame
        :func:`analysis.models.survival.cumulative_incidence` (one group; the first is used if more).
    time_unit, origin : str
        Axis label.
    horizon : float, optional
        Time the title compares the two estimates at (default: the last time).
    horizon_label : str, optional
        Words for the horizon, e.g. "12 months".
    event_label : str
        Past tense of the event.
    competing_label : str
        What the competing exits are, for the legend.
    horizons : DataFrame, optional
        The published table of the two estimates at the horizons
        (:func:`analysis.models.survival.cumulative_incidence_at_horizons` under
        :func:`analysis.models.survival.published_horizons`): the title reads its last horizon.
    """
    c = curves[curves["group"] == curves["group"].iloc[0]]
    horizon = float(c["time"].max()) if horizon is None else float(horizon)
    at = (c[c["time"] <= horizon].iloc[-1] if horizons is None
          else horizons[horizons["months"] == horizons["months"].max()].iloc[0])
    if horizons is not None and not all(shows_number(v) for v in horizons["aj_cif_pct"]):
        c = c.iloc[:0]  # the table withholds the estimates: nothing drawn
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots()
        ax.step(c["time"], c["aj_cif_pct"], where="post", color=PALETTE[0],
                label=f"Aalen-Johansen (exits by {competing_label} are final)")
        ax.fill_between(c["time"], c["aj_ci_low_pct"], c["aj_ci_high_pct"], step="post",
                        color=PALETTE[0], alpha=0.2, lw=0)
        ax.step(c["time"], c["one_minus_km_pct"], where="post", color=PALETTE[1], ls="--",
                label="1 - Kaplan-Meier (exits treated as censored)")
        ax.fill_between(c["time"], c["km_ci_low_pct"], c["km_ci_high_pct"], step="post",
                        color=PALETTE[1], alpha=0.15, lw=0)
        month_axis(ax, float(curves["time"].max()), time_unit, origin)
        ax.set_ylim(bottom=0)
        ax.set_ylabel(f"Cumulative % {event_label} (95% CI)")
        ax.legend(loc="upper left")
        when = horizon_label or f"{horizon:g} {time_unit}"
        if c.empty:
            ax.set_title(_wrap(f"Cumulative incidence within {when}: not shown (small numbers)"),
                         loc="left")
        else:
            # the difference of the two values as printed, so the title adds up
            excess = round(at["one_minus_km_pct"], 1) - round(at["aj_cif_pct"], 1)
            ax.set_title(_wrap(f"{at['aj_cif_pct']:.1f}% {event_label} within {when}; 1 - KM "
                               f"gives {at['one_minus_km_pct']:.1f}% ({excess:.1f} points too "
                               "high)"), loc="left")
        fig.tight_layout()
    return fig


def adjusted_survival_figure(
    curves: pd.DataFrame,
    labels: Mapping | None = None,
    time_unit: str = "days",
    event_label: str = "reoffended",
    origin: str = "start of follow-up",
    bands: pd.DataFrame | None = None,
) -> plt.Figure:
    """Covariate-adjusted cumulative percent by treatment level (from :func:`analysis.models.survival.adjusted_survival`).

    The title compares the two curves at the last time of ``curves`` (in months); ``bands``
    (:func:`analysis.models.survival.adjusted_bands.adjusted_survival_bands`: ``treatment``,
    ``time``, ``cumulative_ci_low_pct``, ``cumulative_ci_high_pct``) draws their 95% bands.
    """
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots()
        last = {}
        for i, (level, c) in enumerate(curves.groupby("treatment", sort=True)):
            c = c.dropna(subset=["survival"])
            colour = PALETTE[i % len(PALETTE)]
            ax.step(c["time"], c["cumulative_reoffended_pct"], where="post", color=colour,
                    label=_name(level, labels))
            if bands is not None:
                b = bands[bands["treatment"] == level].dropna(subset=["cumulative_ci_low_pct"])
                ax.fill_between(b["time"], b["cumulative_ci_low_pct"], b["cumulative_ci_high_pct"],
                                step="post", color=colour, alpha=0.2, lw=0)
            last[level] = c.iloc[-1]
        t_end = min(float(r["time"]) for r in last.values())
        month_axis(ax, float(curves["time"].max()), time_unit, origin)
        ax.set_ylim(bottom=0)
        ax.set_ylabel(f"Cumulative % {event_label}, adjusted"
                      + (" (95% CI)" if bands is not None else ""))
        ax.legend(loc="upper left")
        months = t_end * DAYS_PER_UNIT[time_unit] / DAYS_PER_UNIT["months"]
        parts = [f"{_name(k, labels)} {r['cumulative_reoffended_pct']:.1f}%" for k, r in last.items()]
        ax.set_title(_wrap(f"Adjusted for the covariates, {event_label} within {months:.0f} months: "
                           + " vs ".join(parts)), loc="left")
        fig.tight_layout()
    return fig
