"""Public entry points of the SYNTHETIC cohort generator: generate, write, command line.

:func:`generate_cohort` runs the steps of the other modules in a fixed order on one seeded
random generator, :func:`write_cohort` writes byte-reproducible files, :func:`write_parquet_chunks`
writes a cohort too large to generate at once as Parquet, and :func:`main` is
``python -m analysis.synthetic``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.synthetic.calibration import _calibrate
from analysis.synthetic.constants import DEFAULT_N, DEFAULT_SEED, EXTRACT_DATE
from analysis.synthetic.effects import _true_effects
from analysis.synthetic.interventions import _assign_interventions, _draw_status
from analysis.synthetic.metadata import _age_band_rates, _metadata
from analysis.synthetic.model import _build_model
from analysis.synthetic.numeric import _day
from analysis.synthetic.offences import _offence_rows, _offence_types
from analysis.synthetic.people import _draw_demographics, _draw_needs, _draw_priors
from analysis.synthetic.tables import PERSON_ID, _offences_table, _people_table, _person_ids


@dataclass
class SyntheticCohort:
    """A generated SYNTHETIC cohort in records form.

    Attributes
    ----------
    people : pandas.DataFrame
        One row per person, columns :data:`~analysis.synthetic.constants.PEOPLE_COLUMNS`
        (dates as datetime64, flags as nullable Int64 with missing values where a flag does
        not apply).
    offences : pandas.DataFrame
        One row per proven offence after cohort start, columns
        :data:`~analysis.synthetic.constants.OFFENCE_COLUMNS`.
    metadata : dict
        Seed, sizes, dates, measure settings, planted hazard ratios, true effects,
        calibration targets with realised values and the assumptions.
    potential_outcomes : pandas.DataFrame
        The truth no analysis can see, for simulation studies: one row per person (same order
        as ``people``), ``person_id`` and, per intervention, ``<name>_y1`` and ``<name>_y0``,
        the one-year proven reoffending flag (0/1) with the intervention given at the person's
        drawn delay and withheld, all other random numbers unchanged. Not written to disk.
    """

    people: pd.DataFrame
    offences: pd.DataFrame
    metadata: dict
    potential_outcomes: pd.DataFrame | None = None


def generate_cohort(n_people: int = DEFAULT_N, seed: int = DEFAULT_SEED,
                    extract_date: str = EXTRACT_DATE) -> SyntheticCohort:
    """Generate the SYNTHETIC pan-Dorset-like cohort in records form.

    Parameters
    ----------
    n_people : int, default 4000
        Number of people (at least 10).
    seed : int, default 2024
        Seed of ``numpy.random.default_rng``; the same seed and size give identical output.
    extract_date : str, default :data:`EXTRACT_DATE`
        ISO date the data are "extracted": offences are recorded up to it (proven by it). A
        later date observes people for longer after their follow-up, so each has more recorded
        offences (about 2.7 per person at the default date). The calibration targets are met
        among the people eligible for the measures at that date.

    Returns
    -------
    SyntheticCohort
        People and offences tables and the metadata (planted effects, true risk differences,
        calibration targets with realised values).

    Raises
    ------
    ValueError
        If ``n_people`` is below 10, or ``extract_date`` is before :data:`EXTRACT_DATE`.
    """
    if n_people < 10:
        raise ValueError("n_people must be at least 10")
    extract = _day(extract_date)
    if extract < _day(EXTRACT_DATE):
        raise ValueError(f"extract_date must be on or after {EXTRACT_DATE}")
    rng = np.random.default_rng(seed)
    base = _draw_demographics(rng, n_people)
    latent = rng.standard_normal(n_people)
    needs = _draw_needs(rng, base["child"], latent)
    priors = _draw_priors(rng, base, latent)
    interventions = _assign_interventions(rng, base, needs, priors)
    status = _draw_status(rng, base, needs, priors, interventions)
    model = _build_model(rng, base, needs, priors, interventions, status, extract)
    rates = _calibrate(model)
    effects, potential = _true_effects(model, interventions)
    rows = _offence_rows(rng, model, base["start"], extract)
    types, attempt = _offence_types(rng, rows["person"], status["index_offence"],
                                    base["child"], interventions["iom"])
    ids = _person_ids(n_people)
    people = _people_table(ids, base, needs, priors, interventions, status, extract)
    offences = _offences_table(ids, rows, types, attempt)
    y, _ = model.outcome()
    extras = _age_band_rates(base, y, model.eligible)
    metadata = _metadata(seed, n_people, model, rates, effects, base, needs, status, people,
                         offences, interventions, y, extras, extract_date)
    outcomes = pd.DataFrame({"person_id": ids, **potential})
    return SyntheticCohort(people=people, offences=offences, metadata=metadata,
                           potential_outcomes=outcomes)


def write_cohort(cohort: SyntheticCohort, out_dir: str | Path) -> dict[str, Path]:
    """Write ``people.csv``, ``offences.csv`` and ``metadata.json`` (byte-reproducible).

    Dates are ISO ``YYYY-MM-DD``, missing values are empty cells, line endings are ``\\n`` and
    the JSON is written with sorted keys and an indent of 2.

    Parameters
    ----------
    cohort : SyntheticCohort
        The cohort to write.
    out_dir : str or pathlib.Path
        Directory (created if needed).

    Returns
    -------
    dict of pathlib.Path
        Paths written, keyed ``people``, ``offences`` and ``metadata``.
    """
    paths = _output_paths(out_dir, "csv")
    for key in ("people", "offences"):
        frame = getattr(cohort, key)
        frame.to_csv(paths[key], index=False, lineterminator="\n", na_rep="",
                     date_format="%Y-%m-%d")
    _write_metadata(paths["metadata"], cohort.metadata)
    return paths


def _output_paths(out_dir: str | Path, suffix: str) -> dict[str, Path]:
    """The files of a written cohort in ``out_dir`` (created if needed): the two tables in the
    format ``suffix`` names, and ``metadata.json``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return {"people": out / f"people.{suffix}", "offences": out / f"offences.{suffix}",
            "metadata": out / "metadata.json"}


def _write_metadata(path: Path, metadata: dict) -> None:
    """Write ``metadata.json`` with sorted keys, an indent of 2 and ``\\n`` line ends."""
    text = json.dumps(metadata, sort_keys=True, indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8", newline="\n")


def write_parquet_chunks(n_people: int, out_dir: str | Path, seed: int = DEFAULT_SEED,
                         extract_date: str = EXTRACT_DATE,
                         chunk_people: int = 250_000) -> dict[str, Path]:
    """Write a large cohort as ``people.parquet`` and ``offences.parquet``, a chunk at a time.

    Chunk ``k`` is :func:`generate_cohort` of up to ``chunk_people`` people with seed
    ``seed + k``, its person ids numbered on from the previous chunks', so that only one chunk
    is held in memory. Each chunk is calibrated on its own: the data differ from
    :func:`generate_cohort` of ``n_people`` at once. ``metadata.json`` is the first chunk's
    metadata with ``n_people``, ``chunk_people`` and ``chunk_seeds`` of the whole.

    Returns
    -------
    dict of pathlib.Path
        Paths written, keyed ``people``, ``offences`` and ``metadata``.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    paths = _output_paths(out_dir, "parquet")
    writers: dict[str, pq.ParquetWriter] = {}
    metadata: dict = {}
    starts = range(0, n_people, chunk_people)
    try:
        for k, first in enumerate(starts):
            cohort = generate_cohort(min(chunk_people, n_people - first), seed + k, extract_date)
            metadata = metadata or cohort.metadata
            for key in ("people", "offences"):
                frame = getattr(cohort, key)
                number = frame["person_id"].str.slice(3).astype(np.int64) + first
                frame["person_id"] = number.map(PERSON_ID.format)
                table = pa.Table.from_pandas(frame, preserve_index=False)
                if key not in writers:
                    writers[key] = pq.ParquetWriter(paths[key], table.schema)
                writers[key].write_table(table.cast(writers[key].schema))
    finally:
        for writer in writers.values():
            writer.close()
    metadata = {**metadata, "n_people": n_people, "chunk_people": chunk_people,
                "chunk_seeds": [seed + k for k in range(len(starts))]}
    _write_metadata(paths["metadata"], metadata)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry: ``python -m analysis.synthetic --out DIR [--n N --seed S]``.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (defaults to ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status (0).
    """
    parser = argparse.ArgumentParser(
        prog="python -m analysis.synthetic",
        description="Generate the SYNTHETIC pan-Dorset-like cohort (records form).")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="number of people")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    cohort = generate_cohort(args.n, args.seed)
    generated = time.perf_counter() - began
    paths = write_cohort(cohort, args.out)
    written = time.perf_counter() - began - generated
    print(f"{args.n} people, {len(cohort.offences)} offences: generated in {generated:.1f} s, "
          f"written in {written:.1f} s to {paths['people'].parent}")
    return 0
