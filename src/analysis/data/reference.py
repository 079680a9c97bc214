"""Published figures the package is calibrated to, read from ``data/reference/seed_figures.csv``.

Each row of the CSV is one figure copied from a public source document, with its unit, the
population and period it describes and the document section it comes from. The file lives in
the repository (``data/reference``), located by walking up from this module to the directory
that holds ``pyproject.toml``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.files import project_root

__all__ = [
    "NEEDS",
    "seed_figure",
    "seed_figures",
    "seed_figures_path",
    "needs_table",
    "national_rates",
]

#: Columns of ``seed_figures.csv``, in order.
SEED_COLUMNS: tuple[str, ...] = ("figure", "value", "unit", "population", "period", "source", "note")

#: The eight criminogenic needs of the Dorset needs table (key, published label), in table order.
NEEDS: tuple[tuple[str, str], ...] = (
    ("relationships", "Relationships - family, partner, domestic violence etc."),
    ("thinking_behaviour", "Thinking and behaviour - temper control, problem solving, etc."),
    ("lifestyle", "Lifestyle - criminal associates, easily influenced etc."),
    ("attitudes", "Pro-Criminal Attitudes - pro-criminal, anti-authority, discriminatory etc."),
    ("ete", "Education, Training & Employment"),
    ("accommodation", "Accommodation"),
    ("drugs", "Drug Use"),
    ("alcohol", "Alcohol Use"),
)


def seed_figures_path() -> Path:
    """Return the path of ``data/reference/seed_figures.csv`` in the repository.

    Returns
    -------
    pathlib.Path
        Path of the CSV file.

    Raises
    ------
    FileNotFoundError
        If the repository root or the file cannot be found.
    """
    path = project_root() / "data" / "reference" / "seed_figures.csv"
    if not path.is_file():
        raise FileNotFoundError(f"reference figures not found: {path} does not exist")
    return path


def seed_figures() -> pd.DataFrame:
    """Read every published figure the package is calibrated to.

    Returns
    -------
    pandas.DataFrame
        One row per figure with columns ``figure`` (snake_case key, unique), ``value`` (float),
        ``unit``, ``population``, ``period``, ``source`` and ``note``.

    Raises
    ------
    FileNotFoundError
        If the CSV cannot be found.
    ValueError
        If the CSV does not have the expected columns or has duplicate keys.
    """
    table = pd.read_csv(seed_figures_path(), dtype={"value": "float64"}, keep_default_na=False)
    if tuple(table.columns) != SEED_COLUMNS:
        raise ValueError(f"seed_figures.csv must have columns {SEED_COLUMNS}, has {tuple(table.columns)}")
    duplicated = table["figure"][table["figure"].duplicated()].tolist()
    if duplicated:
        raise ValueError(f"seed_figures.csv has duplicate figure keys: {duplicated}")
    return table


def seed_figure(key: str) -> float:
    """Return the value of one published figure.

    Parameters
    ----------
    key : str
        The figure's key (the ``figure`` column), e.g. ``"proven_reoffending_adults_national"``.

    Returns
    -------
    float
        The published value, in the figure's unit.

    Raises
    ------
    KeyError
        If no figure has that key.
    """
    table = seed_figures()
    match = table.loc[table["figure"] == key, "value"]
    if match.empty:
        raise KeyError(f"no seed figure {key!r} in {seed_figures_path()}")
    return float(match.iloc[0])


def needs_table() -> pd.DataFrame:
    """Return the Dorset criminogenic needs table (eight needs).

    Returns
    -------
    pandas.DataFrame
        One row per need in published order with columns ``need`` (key, e.g.
        ``"relationships"``; the synthetic cohort's column is ``need_<key>``), ``label``
        (published wording), ``count`` (int, cases with the need) and ``percent_of_assessed``
        (float, percent of the 83% of the 1,651 caseload that were assessed).
    """
    table = seed_figures().set_index("figure")["value"]
    rows = [
        {
            "need": key,
            "label": label,
            "count": int(table[f"need_{key}_count"]),
            "percent_of_assessed": float(table[f"need_{key}_pct"]),
        }
        for key, label in NEEDS
    ]
    return pd.DataFrame(rows, columns=["need", "label", "count", "percent_of_assessed"])


#: Group labels used in cohort tables, and the national proven reoffending figure for each.
NATIONAL_RATE_FIGURES: dict[str, str] = {
    "All": "proven_reoffending_overall_national",
    "Adult (18+)": "proven_reoffending_adults_national",
    "Child (10-17)": "proven_reoffending_children_national",
    "male": "proven_reoffending_male_national",
    "female": "proven_reoffending_female_national",
    "10-14": "proven_reoffending_age_10_14_national",
    "15-17": "proven_reoffending_age_15_17_national",
}


def national_rates() -> pd.DataFrame:
    """Return the national proven reoffending rates (Jan-Mar 2022) by cohort-table label.

    Returns
    -------
    pandas.DataFrame
        ``label`` (as used in :mod:`analysis.measures.cohort` tables: ``All``, ``Adult (18+)``,
        ``Child (10-17)``, ``male``, ``female``, ``10-14``, ``15-17``), ``percent`` and ``figure``
        (the key in ``seed_figures.csv``, where the source is given).
    """
    return pd.DataFrame(
        {
            "label": list(NATIONAL_RATE_FIGURES),
            "percent": [seed_figure(k) for k in NATIONAL_RATE_FIGURES.values()],
            "figure": list(NATIONAL_RATE_FIGURES.values()),
        }
    )
