"""Command line: ``python -m analysis run params/default.yaml`` (or ``reoffending run ...``).

Errors in the user's parameters or data are printed as a plain message (no traceback) and the
command exits with status 2; the other exit statuses (a failed notebook, a folder that cannot be
written, a run of the same name in progress, an interruption) are listed in
:data:`analysis.running.faults.EXIT_STATUSES` and in ``--help``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from analysis.errors import AnalysisInputError
from analysis.running.design_command import add_design_parser
from analysis.running.faults import exit_status_help

__all__ = ["main"]

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def _cmd_run(args: argparse.Namespace) -> int:
    from analysis.costs.coverage import run_summary_lines
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
        print(f"{err.heading}: {err}", file=sys.stderr)
        return err.exit_status
    print(f"run complete: {result.path} ({time.perf_counter() - started:.1f} s)")
    lines, warnings = run_summary_lines(result.results)
    for line in lines:
        print(line)
    for line in warnings:
        print(line, file=sys.stderr)
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from analysis.data.loading import load_data
    from analysis.measures.readiness import validation_notices
    from analysis.params import load_params
    from analysis.running.model_inputs import check_model_inputs

    params = load_params(args.params)
    data = load_data(params)
    check_model_inputs(params, data)
    for notice in validation_notices(params, data):
        print(f"warning: {notice}", file=sys.stderr)
    rows = ", ".join(f"{k}: {v:,} rows" for k, v in data.rows_read.items())
    print(f"{args.params}: parameters and data are valid ({rows})")
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from analysis.running.compare import compare_runs, comparison_lines, resolve_run

    run_a, run_b = resolve_run(args.run_a), resolve_run(args.run_b)
    table = compare_runs(run_a, run_b)
    path = args.table or run_b.parent / f"compare_{run_a.name}_vs_{run_b.name}.csv"
    for line in comparison_lines(table, run_a, run_b):
        print(line)
    table.to_csv(path, index=False)
    print(f"table of the changes: {path}")
    return 0


#: What ``--help`` says about paths, after the exit statuses.
PATHS_HELP = (
    "paths: relative paths in a parameter file are relative to the file's own folder; the\n"
    "notebooks are the project's, whatever the working directory.")


def _prog() -> str:
    """``reoffending`` or ``analysis`` when run as the installed command, else ``python -m analysis``."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return name if name in ("reoffending", "analysis") else "python -m analysis"


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``analysis`` command."""
    epilog = f"{exit_status_help()}\n\n{PATHS_HELP}"
    parser = argparse.ArgumentParser(
        prog=_prog(),
        description="Reproducible reoffending analysis: run the notebooks on a parameter file.",
        epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="validate the data and execute every notebook",
                           epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
    p_run.add_argument("params", type=Path, help="parameter file, e.g. params/default.yaml")
    p_run.add_argument("--run-name", help="override run_name (the output folder's name)")
    p_run.add_argument("--notebooks", nargs="+", metavar="NAME", help="run only these notebooks")
    p_run.add_argument("--outputs", type=Path,
                       help="parent folder of runs (default: the project's outputs/ for a "
                            "parameter file inside the project, else outputs/ beside the file)")
    p_run.add_argument("--quiet", action="store_true", help="no per-cell progress bar")
    p_run.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                       help="notebooks executed at once (default: 2, or 1 on one core)")
    p_run.set_defaults(func=_cmd_run)
    p_val = sub.add_parser("validate", help="check a parameter file and its data, run nothing",
                           epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
    p_val.add_argument("params", type=Path)
    p_val.set_defaults(func=_cmd_validate)
    p_cmp = sub.add_parser("compare", help="what changed between two runs",
                           epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
    p_cmp.add_argument("run_a", help="run folder, or a run's name in the project's outputs/")
    p_cmp.add_argument("run_b", help="the run compared with it (differences are B - A)")
    p_cmp.add_argument("--table", type=Path, help="CSV of the changes (default: "
                       "compare_<A>_vs_<B>.csv beside run B)")
    p_cmp.set_defaults(func=_cmd_compare)
    add_design_parser(sub, epilog)
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
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
