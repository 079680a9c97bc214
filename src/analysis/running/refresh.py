"""The stored notebooks in ``notebooks/``: re-execute them in place so nbval checks current outputs.

``python -m analysis.running.refresh refresh`` runs every notebook with the defaults of its
``parameters`` cell (the bundled default data) and saves it with its outputs; nbval then
re-runs the stored notebooks and compares the cells marked ``# NBVAL_CHECK_OUTPUT``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import papermill as pm

from analysis.files import project_root
from analysis.running.runner import KERNEL, kernel_environment, notebook_order

__all__ = ["refresh", "strip_volatile_metadata"]


def strip_volatile_metadata(path: Path) -> None:
    """Remove papermill's timings and execution timestamps so stored notebooks diff cleanly."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


def refresh(names: list[str] | None = None, root: Path | None = None) -> list[Path]:
    """Execute the stored notebooks in place with their default parameters; return their paths."""
    root = root or project_root()
    done = []
    for nb in notebook_order(root, names):
        print(f"executing {nb.relative_to(root)}", file=sys.stderr, flush=True)
        with kernel_environment():
            pm.execute_notebook(str(nb), str(nb), kernel_name=KERNEL, cwd=str(nb.parent),
                                progress_bar=False)
        strip_volatile_metadata(nb)
        done.append(nb)
    return done


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.running.refresh refresh [NAME ...]``."""
    parser = argparse.ArgumentParser(prog="python -m analysis.running.refresh")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("refresh", help="re-execute the stored notebooks in place")
    p.add_argument("names", nargs="*", help="notebook names (default: all)")
    args = parser.parse_args(argv)
    refresh(args.names or None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
