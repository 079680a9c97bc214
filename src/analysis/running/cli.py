"""Command line: ``python -m analysis run params/default.yaml`` and friends.

Errors in the user's parameters or data are printed as a plain message (no traceback) and the
command exits with status 2; a failed notebook exits with status 1.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from analysis.errors import AnalysisInputError

__all__ = ["main"]

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def _cmd_run(args: argparse.Namespace) -> int:
    from analysis.params import load_params
    from analysis.running.runner import RunFailed, run

    overrides = {"run_name": args.run_name} if args.run_name else {}
    if args.notebooks:
        overrides["notebooks"] = args.notebooks
    params = load_params(args.params, overrides)
    started = time.perf_counter()
    try:
        result = run(params, outputs_dir=args.outputs, progress_bar=not args.quiet, jobs=args.jobs)
    except RunFailed as err:
        print(f"run failed: {err}", file=sys.stderr)
        return EXIT_FAILED
    print(f"run complete: {result.path} ({time.perf_counter() - started:.1f} s)")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from analysis.data.loading import load_data
    from analysis.params import load_params

    params = load_params(args.params)
    data = load_data(params)
    rows = ", ".join(f"{k}: {v:,} rows" for k, v in data.rows_read.items())
    print(f"{args.params}: parameters and data are valid ({rows})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``analysis`` command."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Reproducible reoffending analysis: run the notebooks on a parameter file.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="validate the data and execute every notebook")
    p_run.add_argument("params", type=Path, help="parameter file, e.g. params/default.yaml")
    p_run.add_argument("--run-name", help="override run_name (the output folder's name)")
    p_run.add_argument("--notebooks", nargs="+", metavar="NAME", help="run only these notebooks")
    p_run.add_argument("--outputs", type=Path, help="parent folder of runs (default: outputs/)")
    p_run.add_argument("--quiet", action="store_true", help="no per-cell progress bar")
    p_run.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                       help="notebooks executed at once (default: 2, or 1 on one core)")
    p_run.set_defaults(func=_cmd_run)
    p_val = sub.add_parser("validate", help="check a parameter file and its data, run nothing")
    p_val.add_argument("params", type=Path)
    p_val.set_defaults(func=_cmd_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except AnalysisInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
