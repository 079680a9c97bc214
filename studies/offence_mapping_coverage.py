"""How much of a records extract written in police-recorded and court wording the offence
mapping costs.

The extract is the bundled SYNTHETIC cohort with each offence type rewritten, at random (seeded),
as one of the descriptions or Home Office codes analysts hold for it: "Shop theft", "Burglary -
dwelling", "Assault ABH", "Assault occasioning actual bodily harm", "Common assault", "GBH",
"Theft from motor vehicle", "Robbery of personal property", "Possession of cannabis", "8N",
"105A", "28E", ... (:data:`WORDING`). Every wording names the same kind of offence as the type it
replaces, so a complete mapping costs exactly the reoffences that the bundled descriptions cost.

The script reports, for the run's proven reoffences, the share not costed and the share whose
description or code the mapping does not know::

    .venv/bin/python studies/offence_mapping_coverage.py [--mapping FILE] [--write DIR]

``tests/test_offence_mapping.py`` checks the result through :func:`measure`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]

#: The wordings each synthetic offence type is rewritten as (common police-recorded and court
#: descriptions and Home Office offence classification codes).
WORDING: dict[str, list[str]] = {
    "violence without injury": ["Common assault", "Assault by beating",
                                "Common assault and battery", "105A"],
    "violence with injury": ["Assault ABH", "Assault occasioning actual bodily harm", "GBH",
                             "Wounding with intent", "8N"],
    "shoplifting": ["Shop theft", "Shoplifting", "Theft from a shop", "46"],
    "drug possession": ["Possession of cannabis", "Possession of controlled drugs (excl. cannabis)",
                        "Possession of a controlled drug - Class A", "92E"],
    "public order": ["Public order offence", "Section 4 public order", "Affray", "9A"],
    "criminal damage": ["Criminal damage", "Criminal damage to a vehicle",
                        "Criminal damage to a dwelling", "58D"],
    "breach of order": ["Breach of community order", "Breach of a restraining order",
                        "Breach of suspended sentence order"],
    "dwelling burglary": ["Burglary - dwelling", "Burglary in a dwelling",
                          "Residential burglary of a home", "28E"],
    "drug supply": ["Possession with intent to supply", "Supplying a controlled drug",
                    "Trafficking in controlled drugs", "92A"],
    "fraud": ["Fraud by false representation", "Fraud", "53C"],
    "theft from vehicle": ["Theft from motor vehicle", "Theft from a motor vehicle", "45"],
    "non-dwelling burglary": ["Burglary - business and community", "Burglary other than dwelling",
                              "30C"],
    "handling stolen goods": ["Handling stolen goods", "Receiving stolen goods", "54"],
    "theft of vehicle": ["Theft of motor vehicle", "Taking a motor vehicle without consent", "48"],
    "robbery": ["Robbery of personal property", "Robbery - personal", "34B"],
    "going equipped": ["Going equipped for stealing", "Going equipped", "33"],
}


def reword(offences: pd.DataFrame, seed: int = 2024) -> pd.DataFrame:
    """The offences with each ``offence_type`` replaced by one of its :data:`WORDING` (seeded).

    Parameters
    ----------
    offences : DataFrame
        The synthetic offences table (``offence_type`` holds the bundled descriptions).
    seed : int
        Seed of the random choice of wording.

    Returns
    -------
    DataFrame
        A copy with the new wording.
    """
    rng = np.random.default_rng(seed)
    out = offences.copy()
    words = out["offence_type"].astype(object).copy()
    for kind, variants in WORDING.items():
        rows = out["offence_type"] == kind
        words[rows] = np.array(variants, dtype=object)[rng.integers(0, len(variants), rows.sum())]
    out["offence_type"] = words
    return out


def write_extract(folder: Path, seed: int = 2024) -> Path:
    """Write the reworded offences table to ``folder/offences.csv`` and return its path."""
    source = pd.read_csv(ROOT / "data/synthetic/offences.csv", dtype=str, keep_default_na=False)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "offences.csv"
    reword(source, seed).to_csv(path, index=False)
    return path


def measure(offences_file: Path, mapping: Path | None = None) -> dict[str, float | int]:
    """Cost the default run's proven reoffences read from ``offences_file``.

    Parameters
    ----------
    offences_file : Path
        An offences table with the columns of ``data/synthetic/offences.csv``.
    mapping : Path, optional
        A mapping file used instead of the bundled one.

    Returns
    -------
    dict
        ``reoffences``, ``uncosted``, ``unmapped``, ``uncosted_share`` and ``unmapped_share``.
    """
    sys.path.insert(0, str(ROOT / "src"))
    from analysis import costs
    from analysis.data.loading import load_data
    from analysis.measures.cohort import build_cohort
    from analysis.params import load_params

    params = load_params(ROOT / "params/default.yaml")
    d = params.data
    assert d.offences is not None
    offences = d.offences.model_copy(update={"file": Path(offences_file).resolve()})
    update: dict[str, object] = {"data": d.model_copy(update={"offences": offences})}
    if mapping is not None:
        update["costs"] = params.costs.model_copy(update={"offence_mapping": Path(mapping)})
    params = params.model_copy(update=update)
    cohort = build_cohort(params, load_data(params))
    cover = costs.reoffence_coverage(params, cohort.frame, cohort.offences,
                                     costs.load_cost_tables(params))
    assert cover is not None
    return {"reoffences": cover.reoffences, "uncosted": cover.uncosted,
            "unmapped": cover.unmapped, "uncosted_share": round(cover.share, 4),
            "unmapped_share": round(cover.unmapped_share, 4)}


def main(argv: list[str] | None = None) -> int:
    """Write the extract to a folder and print its uncosted and unmapped shares."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mapping", type=Path, help="mapping file (default: the bundled one)")
    parser.add_argument("--write", type=Path, default=ROOT / "outputs" / "offence_wording",
                        help="folder for the reworded offences.csv")
    args = parser.parse_args(argv)
    path = write_extract(args.write)
    result = measure(path, args.mapping)
    print(f"{path}: {result['reoffences']:,} proven reoffences; not costed "
          f"{result['uncosted']:,} ({100 * result['uncosted_share']:.1f}%), of which "
          f"{result['unmapped']:,} ({100 * result['unmapped_share']:.1f}%) not in the mapping")
    return 0


if __name__ == "__main__":
    sys.exit(main())
