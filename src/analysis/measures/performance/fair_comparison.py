"""A fair comparison of units (areas) with the national picture: funnel plot tables and standardisation.

Each unit's proven reoffending rate is set against control limits around the national rate
(:mod:`analysis.measures.national`), overall and by quarterly cohort, and each unit's observed
reoffenders against the number expected at the national rates for its mix of age band and sex
(indirect standardisation). :func:`fair_comparison` computes these for a run, among the people
whose reoffending can be measured.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data import reference
from analysis.disclosure import is_shown
from analysis.measures import national as cmp
from analysis.measures.performance.published import publish

__all__ = ["STANDARDISED_COUNTS", "STANDARDISED_DERIVED", "FairComparison", "fair_comparison"]

#: Count columns of an indirect standardisation table, and the columns derived from them.
STANDARDISED_COUNTS = ("people", "excluded", "observed")
STANDARDISED_DERIVED = ("expected", "crude_pct", "ratio", "ratio_ci_low", "ratio_ci_high",
                        "standardised_pct", "standardised_ci_low_pct", "standardised_ci_high_pct")
_FUNNEL_COUNTS = ["people", "observed"]


@dataclass(frozen=True)
class FairComparison:
    """Funnel-plot tables and indirect standardisation of a run.

    Attributes
    ----------
    national_pct : float
        The national proven reoffending rate (percent) the units are compared with.
    method : str
        Funnel limits, ``"exact"`` or ``"normal"``.
    rates : DataFrame
        National rates by age band and sex (:func:`analysis.measures.national.national_age_sex_rates`).
    standardised : DataFrame or None
        :func:`analysis.measures.national.indirect_standardisation` by unit (None without age and sex).
    crude, small : DataFrame or None
        :func:`analysis.measures.national.funnel_table` of the units and of the units' quarterly
        cohorts (None without units; ``small`` None without quarters).
    curves : DataFrame or None
        Control limits of the crude rates.
    std_table, std_curves : DataFrame or None
        Funnel table and limits of the observed/expected ratios.
    min_cell : int
        Smallest count shown.
    """

    national_pct: float
    method: cmp.Method
    rates: pd.DataFrame
    standardised: pd.DataFrame | None
    crude: pd.DataFrame | None
    small: pd.DataFrame | None
    curves: pd.DataFrame | None
    std_table: pd.DataFrame | None
    std_curves: pd.DataFrame | None
    min_cell: int

    @property
    def funnel_derived(self) -> list[str]:
        """Columns of a funnel table derived from its counts (value, position, limits)."""
        limits = [c for c in self.crude if c.startswith(("lower_", "upper_"))] if self.crude is not None else []
        return ["value", "position", *limits]

    def published_standardised(self, table: pd.DataFrame | None = None) -> pd.DataFrame | None:
        """``standardised`` (or a copy of it, e.g. rounded) under the small-count rule."""
        table = self.standardised if table is None else table
        if table is None:
            return None
        return publish(table, list(STANDARDISED_COUNTS), STANDARDISED_DERIVED, self.min_cell)

    def published_funnel(self, table: pd.DataFrame | None) -> pd.DataFrame | None:
        """A funnel table of this comparison (``crude``, ``small``, rounded) under the small-count rule."""
        return None if table is None else self._publish_funnel(table)

    def _publish_funnel(self, table: pd.DataFrame) -> pd.DataFrame:
        return publish(table, _FUNNEL_COUNTS, self.funnel_derived, self.min_cell)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables to publish, by name (those these data give)."""
        small = self.small.drop(columns=["unit"]) if self.small is not None else None
        tables = {"indirect_standardisation": self.published_standardised(),
                  "funnel_areas": self.published_funnel(self.crude),
                  "funnel_area_quarters": self.published_funnel(small)}
        return {name: t for name, t in tables.items() if t is not None}

    def crude_plot(self) -> pd.DataFrame | None:
        """Units whose published rate is shown."""
        if self.crude is None:
            return None
        return self.crude[is_shown(self._publish_funnel(self.crude)["value"])]

    def small_plot(self) -> pd.DataFrame | None:
        """Quarterly cohorts of units whose published rate is shown."""
        if self.small is None:
            return None
        published = self._publish_funnel(self.small.drop(columns=["unit"]))
        return self.small[is_shown(published["value"])]

    def std_plot(self) -> pd.DataFrame | None:
        """Units whose published observed/expected ratio is shown."""
        if self.std_table is None:
            return None
        published = publish(self.std_table, _FUNNEL_COUNTS, ["value"], self.min_cell)
        return self.std_table[is_shown(published["value"])]


def fair_comparison(
    frame: pd.DataFrame,
    by: str,
    funnel: bool,
    standardisation: bool,
    method: cmp.Method = "exact",
    min_cell: int = 5,
    national_pct: float | None = None,
) -> FairComparison:
    """Funnel tables and indirect standardisation of the units of ``by``.

    Parameters
    ----------
    frame : DataFrame
        A performance frame (only ``eligible`` people count) or a cohort frame.
    by : str
        Column whose units are compared (e.g. ``"area"``).
    funnel : bool
        Whether the data allow the funnel plot (``by`` and the binary measure); without a
        known unit for anyone, there is none either.
    standardisation : bool
        Whether the data allow indirect standardisation (age and sex).
    method : {"exact", "normal"}
        Funnel limits.
    min_cell : int
        Smallest count shown.
    national_pct : float, optional
        National rate in percent (default: the published overall rate, January-March 2022).

    Returns
    -------
    FairComparison
    """
    if national_pct is None:
        national_pct = reference.seed_figure("proven_reoffending_overall_national")
    eligible = frame[frame["eligible"]] if "eligible" in frame else frame
    funnel = bool(funnel and eligible[by].notna().any())
    rates = cmp.national_age_sex_rates()
    standardised = (cmp.indirect_standardisation(eligible, rates, by=by if funnel else None,
                                                 reference_pct=national_pct)
                    if standardisation else None)
    crude = small = curves = std_table = std_curves = None
    if funnel:
        target = national_pct / 100
        units = cmp.funnel_units(eligible, [by])
        crude = cmp.funnel_table(units, "observed", "people", target, method=method)
        smallest = units["people"].min()
        if "quarter" in eligible:
            small = cmp.funnel_table(cmp.funnel_units(eligible, [by, "quarter"]), "observed", "people",
                                     target, method=method)
            smallest = min(smallest, small["people"].min())
        curves = cmp.funnel_curves(target, units["people"].max() * 1.15, method=method,
                                   min_size=smallest / 2)
        if standardised is not None:
            s_units = standardised[standardised["unit"] != "All"]
            std_table = cmp.funnel_table(s_units, "observed", "expected", 1.0, distribution="poisson",
                                         method=method)
            std_curves = cmp.funnel_curves(1.0, s_units["expected"].max() * 1.15, distribution="poisson",
                                           method=method, min_size=s_units["expected"].min() / 2)
    return FairComparison(national_pct, method, rates, standardised, crude, small, curves,
                          std_table, std_curves, min_cell)
