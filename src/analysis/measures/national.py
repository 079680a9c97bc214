"""Fair comparison with the national picture: funnel plots and indirect standardisation.

Funnel plots (Spiegelhalter 2005)
---------------------------------
Each unit (an area, or an area's quarterly cohort) is plotted as its rate against its size,
with control limits around the national rate that narrow as the size grows. A unit outside
the 95% limits is an *alert*, outside the 99.8% limits an *alarm* (about 2 and 3 standard
errors). :func:`funnel_limits` gives the limits:

``method="exact"`` (default)
    Spiegelhalter's (2005, Appendix A.1.1) exact limits with interpolation for a discrete
    distribution: for a tail probability ``p``, ``r_p`` is the smallest count with
    ``F(r_p) >= p``, ``alpha = (F(r_p) - p) / (F(r_p) - F(r_p - 1))`` and the limit is
    ``(r_p - alpha) / size``. For a proportion ``F`` is Binomial(``n``, ``target``) and
    ``size = n``; for an observed/expected ratio ``F`` is Poisson(``E * target``) and
    ``size = E``.
``method="normal"``
    The normal approximation: ``target +/- z sqrt(target (1 - target) / n)`` for a proportion,
    ``target +/- z sqrt(target / E)`` for a ratio.

Limits are clipped to [0, 1] for a proportion and at 0 for a ratio. No allowance for
over-dispersion is made (Spiegelhalter's multiplicative or additive adjustments need many
more units than a partnership's areas).

Indirect standardisation
------------------------
A unit's expected number of reoffenders is what the national rates by age band and sex would
give for its own people: ``E = sum over strata of n_stratum * national_rate_stratum``. The
standardised ratio is ``O / E`` (1 = as the nation would do with these people), with an exact
Poisson interval for ``O`` divided by ``E``; the indirectly standardised rate is
``O / E * national overall rate``. The national rates by age band and sex are derived from the
published margins (``data/reference/national_rates_age_sex.csv``, see
:func:`derive_age_sex_rates`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from analysis.data.reference import seed_figures
from analysis.files import project_root

__all__ = [
    "LEVELS",
    "STANDARD_AGE_BANDS",
    "funnel_limits",
    "funnel_curves",
    "funnel_table",
    "funnel_units",
    "standard_age_band",
    "standard_sex",
    "derive_age_sex_rates",
    "AGE_SEX_FIGURES",
    "national_age_sex_path",
    "national_age_sex_rates",
    "derive_national_age_sex_from_seed",
    "poisson_ci",
    "indirect_standardisation",
]

#: The two control-limit levels of a funnel plot.
LEVELS: tuple[float, float] = (0.95, 0.998)

#: Age bands of the national rates (label, lower age inclusive, upper age exclusive).
STANDARD_AGE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("10-14", 10, 15), ("15-17", 15, 18), ("18+", 18, np.inf),
)

Distribution = Literal["binomial", "poisson"]
Method = Literal["exact", "normal"]


def _exact_limit(p: float, size: np.ndarray, target: float, distribution: Distribution) -> np.ndarray:
    """Spiegelhalter's interpolated exact limit at tail probability ``p``."""
    if distribution == "binomial":
        n = np.round(size).astype(int)
        dist = stats.binom(n, target)
    else:
        dist = stats.poisson(size * target)
    r = dist.ppf(p)
    f_r = dist.cdf(r)
    f_prev = dist.cdf(r - 1)
    alpha = (f_r - p) / (f_r - f_prev)
    return (r - alpha) / size


def funnel_limits(
    target: float,
    size: Sequence[float] | np.ndarray | float,
    levels: Sequence[float] = LEVELS,
    distribution: Distribution = "binomial",
    method: Method = "exact",
) -> pd.DataFrame:
    """Funnel-plot control limits around a target.

    Parameters
    ----------
    target : float
        The national rate as a fraction (binomial) or the target ratio, usually 1 (Poisson).
    size : array-like
        Number of people (binomial) or expected count (Poisson) at which to give the limits.
    levels : sequence of float
        Two-sided coverage of each pair of limits (default 95% and 99.8%).
    distribution : {"binomial", "poisson"}
        A proportion of people, or an observed/expected ratio.
    method : {"exact", "normal"}
        Exact limits with Spiegelhalter's interpolation, or the normal approximation.

    Returns
    -------
    DataFrame
        ``size``, ``level``, ``lower``, ``upper`` (one row per size and level).
    """
    if distribution not in ("binomial", "poisson"):
        raise ValueError("distribution must be 'binomial' or 'poisson'")
    if method not in ("exact", "normal"):
        raise ValueError("method must be 'exact' or 'normal'")
    size = np.atleast_1d(np.asarray(size, dtype=float))
    if (size <= 0).any():
        raise ValueError("sizes must be positive")
    parts = []
    for level in levels:
        tail = (1 - level) / 2
        if method == "exact":
            lower = _exact_limit(tail, size, target, distribution)
            upper = _exact_limit(1 - tail, size, target, distribution)
        else:
            z = stats.norm.ppf(1 - tail)
            var = target * (1 - target) / size if distribution == "binomial" else target / size
            lower, upper = target - z * np.sqrt(var), target + z * np.sqrt(var)
        top = 1.0 if distribution == "binomial" else np.inf
        parts.append(pd.DataFrame({"size": size, "level": level,
                                   "lower": np.clip(lower, 0, top), "upper": np.clip(upper, 0, top)}))
    return pd.concat(parts, ignore_index=True)


def funnel_curves(
    target: float,
    max_size: float,
    levels: Sequence[float] = LEVELS,
    distribution: Distribution = "binomial",
    method: Method = "exact",
    points: int = 300,
    min_size: float = 1.0,
) -> pd.DataFrame:
    """Limits on a grid of sizes from ``min_size`` to ``max_size`` (for drawing the funnel).

    Whole numbers of people for the binomial; a geometric grid of expected counts for the
    Poisson. Columns as :func:`funnel_limits`.
    """
    low = max(min_size, 1.0)
    grid = np.geomspace(low, max(max_size, 2.0 * low), points)
    if distribution == "binomial":
        grid = np.unique(np.round(grid))
    return funnel_limits(target, grid, levels, distribution, method)


def funnel_units(frame: pd.DataFrame, by: Sequence[str], outcome: str = "reoffended") -> pd.DataFrame:
    """People and observed outcomes per unit, the input of :func:`funnel_table`.

    Parameters
    ----------
    frame : DataFrame
        One row per person (restrict to people with an outcome first).
    by : sequence of str
        Columns defining the units (e.g. ``["area"]`` or ``["area", "quarter"]``).
    outcome : str
        The 0/1 outcome column.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``unit`` (their values joined by a space), ``people`` and
        ``observed``; units with no one are left out.
    """
    by = list(by)
    f = frame[frame[outcome].notna()]
    units = (f.groupby(by, observed=True, sort=True)
             .agg(people=(outcome, "size"), observed=(outcome, "sum")).reset_index())
    units = units[units["people"] > 0].reset_index(drop=True)
    units.insert(len(by), "unit", units[by].astype(str).agg(" ".join, axis=1))
    return units


def _position(value: float, limits: pd.DataFrame) -> str:
    """Where a value lies against the limits of one size (rows sorted by level)."""
    outer = limits.loc[limits["level"].idxmax()]
    inner = limits.loc[limits["level"].idxmin()]
    if value > outer["upper"]:
        return f"above {outer['level']:.1%} (alarm)"
    if value < outer["lower"]:
        return f"below {outer['level']:.1%} (alarm)"
    if value > inner["upper"]:
        return f"above {inner['level']:.0%} (alert)"
    if value < inner["lower"]:
        return f"below {inner['level']:.0%} (alert)"
    return f"within {inner['level']:.0%}"


def funnel_table(
    units: pd.DataFrame,
    observed: str,
    size: str,
    target: float,
    distribution: Distribution = "binomial",
    method: Method = "exact",
    levels: Sequence[float] = LEVELS,
) -> pd.DataFrame:
    """Each unit's value and the limits at its own size, and where it lies.

    Parameters
    ----------
    units : DataFrame
        One row per unit.
    observed : str
        Column of observed counts (reoffenders).
    size : str
        Column of sizes: people (binomial) or expected counts (Poisson).
    target, distribution, method, levels
        As :func:`funnel_limits`.

    Returns
    -------
    DataFrame
        ``units`` plus ``value`` (observed / size: a proportion, or O/E), ``lower_<level>`` and
        ``upper_<level>`` for each level (e.g. ``lower_95``, ``upper_99.8``) and ``position``
        (``"within 95%"``, ``"above 95% (alert)"``, ``"below 99.8% (alarm)"``, ...). Units of
        size 0 get no limits and position ``"no one"``.
    """
    out = units.copy().reset_index(drop=True)
    n = out[size].astype(float)
    out["value"] = out[observed].astype(float) / n.where(n > 0)
    positions = []
    for i in range(len(out)):
        if not n.iloc[i] > 0:
            positions.append("no one")
            continue
        lim = funnel_limits(target, [n.iloc[i]], levels, distribution, method)
        for r in lim.itertuples():
            tag = f"{100 * r.level:g}"
            out.loc[i, f"lower_{tag}"] = r.lower
            out.loc[i, f"upper_{tag}"] = r.upper
        positions.append(_position(out.loc[i, "value"], lim))
    out["position"] = positions
    return out


# ----------------------------------------------------------------------------------------------
# National rates by age band and sex, and indirect standardisation
# ----------------------------------------------------------------------------------------------


def standard_age_band(age: pd.Series) -> pd.Series:
    """Age band of the national rates (``"10-14"``, ``"15-17"``, ``"18+"``; blank if unknown)."""
    edges = [b[1] for b in STANDARD_AGE_BANDS] + [np.inf]
    return pd.cut(age.astype(float), bins=edges, labels=[b[0] for b in STANDARD_AGE_BANDS],
                  right=False).astype(object).where(lambda s: s.notna(), None)


_SEX_WORDS = {"m": "male", "male": "male", "man": "male", "boy": "male",
              "f": "female", "female": "female", "woman": "female", "girl": "female"}


def standard_sex(sex: pd.Series) -> pd.Series:
    """Sex as ``"male"`` or ``"female"`` (common spellings recognised); blank otherwise."""
    return sex.astype("string").str.strip().str.lower().map(_SEX_WORDS).astype(object)


#: The published national figures the age x sex table is derived from (keys of seed_figures.csv).
AGE_SEX_FIGURES: dict[str, str] = {
    "10-14": "proven_reoffending_age_10_14_national",
    "15-17": "proven_reoffending_age_15_17_national",
    "18+": "proven_reoffending_adults_national",
    "male": "proven_reoffending_male_national",
    "female": "proven_reoffending_female_national",
    "all": "proven_reoffending_overall_national",
}


def derive_age_sex_rates(
    age_rates: Mapping[str, float],
    sex_rates: Mapping[str, float],
    overall: float,
) -> pd.DataFrame:
    """National rates by age band and sex from the published one-way margins.

    Proportional (multiplicative) adjustment: ``rate(age, sex) = rate(age) * rate(sex) /
    rate(all)``. Every age band keeps the published ratio between the sexes; the age-band
    margins are reproduced exactly for a cohort whose sex mix is the one the published rates
    imply (female share ``(rate(male) - rate(all)) / (rate(male) - rate(female))``), and the
    sex margins for a cohort whose age mix gives ``rate(all)`` from the band rates.

    Parameters
    ----------
    age_rates : mapping
        Rate (percent) by age band label.
    sex_rates : mapping
        Rate (percent) for ``"male"`` and ``"female"``.
    overall : float
        Overall rate (percent).

    Returns
    -------
    DataFrame
        ``age_band``, ``sex``, ``percent`` (age bands in the given order, male then female).
    """
    rows = [{"age_band": a, "sex": s, "percent": ra * rs / overall}
            for a, ra in age_rates.items() for s, rs in sex_rates.items()]
    return pd.DataFrame(rows)


def national_age_sex_path() -> Path:
    """Path of ``data/reference/national_rates_age_sex.csv`` in the repository."""
    return project_root() / "data" / "reference" / "national_rates_age_sex.csv"


def national_age_sex_rates(path: Path | None = None) -> pd.DataFrame:
    """Read the derived national rates by age band and sex.

    Returns
    -------
    DataFrame
        ``age_band``, ``sex``, ``percent``, ``derived``, ``method``, ``inputs``, ``period``.
    """
    table = pd.read_csv(path or national_age_sex_path(), keep_default_na=False,
                        dtype={"percent": "float64"})
    expected = {(a, s) for a, _, _ in STANDARD_AGE_BANDS for s in ("male", "female")}
    found = set(zip(table["age_band"], table["sex"], strict=True))
    if found != expected or len(table) != len(expected):
        raise ValueError("national_rates_age_sex.csv must have one row per age band "
                         "(10-14, 15-17, 18+) and sex (male, female)")
    return table


def derive_national_age_sex_from_seed() -> pd.DataFrame:
    """:func:`derive_age_sex_rates` applied to the published national figures in seed_figures.csv."""
    fig = seed_figures().set_index("figure")["value"]
    ages = {a: float(fig[AGE_SEX_FIGURES[a]]) for a in ("10-14", "15-17", "18+")}
    sexes = {s: float(fig[AGE_SEX_FIGURES[s]]) for s in ("male", "female")}
    return derive_age_sex_rates(ages, sexes, float(fig[AGE_SEX_FIGURES["all"]]))


def poisson_ci(observed: float, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson count: chi-square quantiles / 2."""
    low = stats.chi2.ppf(alpha / 2, 2 * observed) / 2 if observed > 0 else 0.0
    high = stats.chi2.ppf(1 - alpha / 2, 2 * observed + 2) / 2
    return float(low), float(high)


def indirect_standardisation(
    frame: pd.DataFrame,
    rates: pd.DataFrame,
    by: str | None = "area",
    outcome: str = "reoffended",
    reference_pct: float | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Observed and expected reoffenders by unit, standardised ratios and rates.

    Parameters
    ----------
    frame : DataFrame
        One row per person with ``age``, ``sex`` and the 0/1 ``outcome`` (only people with an
        outcome count: restrict to the eligible first).
    rates : DataFrame
        ``age_band``, ``sex``, ``percent``: the standard (national) rates.
    by : str or None
        The unit column (e.g. ``"area"``); None for the whole cohort only.
    outcome : str
        The 0/1 outcome column.
    reference_pct : float, optional
        The standard population's overall rate (percent) that turns a ratio into a rate;
        default the mean of ``rates``.
    alpha : float
        1 - confidence level.

    Returns
    -------
    DataFrame
        ``unit`` (each value of ``by``, then ``"All"``), ``people`` (with an outcome),
        ``excluded`` (age band or sex unknown: left out of O and E), ``observed``,
        ``expected``, ``crude_pct`` (of the included), ``ratio`` (O/E), ``ratio_ci_low``,
        ``ratio_ci_high``, ``standardised_pct``, ``standardised_ci_low_pct``,
        ``standardised_ci_high_pct``.
    """
    f = frame[frame[outcome].notna()].copy()
    f["_band"] = standard_age_band(f["age"]) if "age" in f else None
    f["_sex"] = standard_sex(f["sex"]) if "sex" in f else None
    lookup = rates.set_index(["age_band", "sex"])["percent"] / 100
    keys = list(zip(f["_band"], f["_sex"], strict=True))
    f["_expected"] = [lookup.get(k, np.nan) for k in keys]
    ref = float(rates["percent"].mean()) if reference_pct is None else float(reference_pct)
    units = [] if by is None else [(u, f[by] == u) for u in sorted(f[by].dropna().unique())]
    units.append(("All", pd.Series(True, index=f.index)))
    rows = []
    for unit, mask in units:
        g = f[mask]
        ok = g["_expected"].notna()
        o = float(g.loc[ok, outcome].sum())
        e = float(g.loc[ok, "_expected"].sum())
        lo, hi = poisson_ci(o, alpha)
        ratio = o / e if e > 0 else np.nan
        rows.append({
            "unit": unit, "people": len(g), "excluded": int((~ok).sum()), "observed": o,
            "expected": e, "crude_pct": 100 * o / ok.sum() if ok.sum() else np.nan,
            "ratio": ratio, "ratio_ci_low": lo / e if e > 0 else np.nan,
            "ratio_ci_high": hi / e if e > 0 else np.nan,
        })
    out = pd.DataFrame(rows)
    out["standardised_pct"] = out["ratio"] * ref
    out["standardised_ci_low_pct"] = out["ratio_ci_low"] * ref
    out["standardised_ci_high_pct"] = out["ratio_ci_high"] * ref
    return out
