"""Time every stage of the analysis on synthetic cohorts of growing size, with peak memory.

    python benchmarks/run_benchmarks.py                      # 10k, 100k and 1M people
    python benchmarks/run_benchmarks.py --sizes 10000 --out /tmp/perf.md

Each size's cohort is generated once (``analysis.synthetic``) and written as CSV, with offences
recorded up to ``--extract-date`` (default 2026-12-31: about five offences per person, a busy
caseload observed for two to five years, against about 2.7 at the bundled data's extract
date); a cohort above :data:`ONE_GO` people (national scale) is generated and written as
Parquet 250,000 people at a time (``write_parquet_chunks``), so that the generator fits in
memory. Reading and validation and the measures are timed on both engines (``data.engine``:
pandas in memory, and DuckDB with the records read in chunks) where the pandas path fits;
the cohort build uses the engine ``auto`` chooses. Each stage then
runs in a fresh Python process, so that its wall time and peak resident memory (``ru_maxrss``)
are its own (they include reading the stage's inputs from a cached Parquet copy). Results go
to a Markdown table (default ``docs/performance.md``, whose text outside the table is kept).
The stage ``end to end: files to estimates, in one process`` runs the analysis's stages in
turn in one process (``BENCHMARK_MEMORY=1`` prints each part's memory). Targets: 1M people end
to end within 90 s; 5M people within 10 minutes and 8 GB peak.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES: dict[str, Callable[[Path], str]] = {}
_CORE: dict[str, float] = {}

#: Largest cohort generated at once and written as CSV; larger ones are written in chunks.
ONE_GO = 1_000_000
#: People per chunk of a larger cohort.
CHUNK_PEOPLE = 250_000


class Skipped(Exception):
    """A stage not run at this size (its message says why)."""


def timed(work: Callable):
    """Run the stage's own work, timing it apart from reading its inputs."""
    t = time.perf_counter()
    out = work()
    _CORE["seconds"] = time.perf_counter() - t
    return out


def stage(name: str) -> Callable:
    """Register a benchmark stage: a function of the cohort folder returning a short note."""

    def register(func: Callable[[Path], str]) -> Callable[[Path], str]:
        STAGES[name] = func
        return func

    return register


#: Extract date of the benchmark cohorts (see the module docstring).
EXTRACT_DATE = "2026-12-31"


def _params(folder: Path, engine: str = "auto"):
    """The default parameters pointed at the cohort in ``folder``, its extract date and an engine."""
    from analysis.params import load_params

    extract = json.loads((folder / "metadata.json").read_text())["extract_date"]
    text = (ROOT / "params/default.yaml").read_text().replace("../data/synthetic/", f"{folder}/")
    if (folder / "people.parquet").exists():
        text = text.replace(f"{folder}/people.csv", f"{folder}/people.parquet")
        text = text.replace(f"{folder}/offences.csv", f"{folder}/offences.parquet")
    text = text.replace("  form: records\n", f"  form: records\n  engine: {engine}\n", 1)
    text = text.replace("../data/", f"{ROOT}/data/")  # the file is written into the cohort folder
    text = re.sub(r"(?m)^(\s*extract_date:).*$", rf"\g<1> {extract}", text)
    path = folder / "params.yaml"
    path.write_text(text)
    return load_params(path)


def _cohort(folder: Path, time_build: bool = False):
    """The analysis cohort, cached as pickles after the first build.

    With ``time_build``, the build alone is timed (:func:`timed`), not reading and validating
    the data (a stage of its own) nor writing the cache.
    """
    import pandas as pd

    from analysis.data.loading import load_data
    from analysis.measures.cohort import build_cohort

    cache = folder / "cohort.pkl"
    if cache.exists() and not time_build:
        return pd.read_pickle(cache)
    params = _params(folder)
    data = load_data(params)
    cohort = timed(lambda: build_cohort(params, data)) if time_build else build_cohort(params, data)
    pd.to_pickle(cohort, cache)
    return cohort


def _in_memory(folder: Path) -> None:
    """Refuse the pandas path's stages for a cohort too large to hold its offences."""
    if (folder / "offences.parquet").exists():
        raise Skipped("not run: the offences do not fit in memory on the pandas path")


@stage("read and validate")
def read_and_validate(folder: Path) -> str:
    from analysis.data.loading import load_data

    _in_memory(folder)
    params = _params(folder, "pandas")
    data = timed(lambda: load_data(params))
    return f"{data.rows_read['people']:,} people, {data.rows_read['offences']:,} offences"


@stage("read and validate (DuckDB engine, in chunks)")
def read_and_validate_chunks(folder: Path) -> str:
    from analysis.data.loading import load_data

    params = _params(folder, "duckdb")
    data = timed(lambda: load_data(params))
    return (f"{data.rows_read['people']:,} people, {data.rows_read['offences']:,} offences; "
            f"people held, offences not")


@stage("derive measures")
def derive(folder: Path) -> str:
    from analysis.data.loading import load_data
    from analysis.measures.reoffending import derive_measures

    _in_memory(folder)
    data = load_data(_params(folder, "pandas"))
    m = timed(lambda: derive_measures(data.people, data.offences))
    return f"{m['reoffended'].mean():.1%} reoffended"


@stage("derive measures (DuckDB engine)")
def derive_sql(folder: Path) -> str:
    from analysis.measures.reoffending_sql import derive_measures_sql

    params = _params(folder, "duckdb")
    m = timed(lambda: derive_measures_sql(params))
    return f"{m['reoffended'].mean():.1%} reoffended, {len(m):,} eligible people"


@stage("cohort build")
def cohort_build(folder: Path) -> str:
    c = _cohort(folder, time_build=True)
    return f"{len(c.frame):,} people in cohort"


@stage("Kaplan-Meier")
def km(folder: Path) -> str:
    from analysis.models.survival import km_table

    frame = _cohort(folder).frame
    curves = timed(lambda: km_table(frame, group_col="group"))
    return f"{len(curves):,} curve points"


def _used(frame, columns: list[str]):
    """The columns a stage's models use (the cohort's others are not copied with its cases)."""
    return frame[list(dict.fromkeys(c for c in columns if c in frame))]


def cox_inputs(frame, covariates: list[str]):
    """The Cox stages' data: complete cases of treatment and covariates, and reference levels."""
    from analysis.measures.cohort import complete_cases
    from analysis.models.design import default_references

    covariates = ["treated", *covariates]
    frame, _ = complete_cases(_used(frame, ["time", "event", *covariates]), covariates)
    return frame, covariates, default_references(frame, covariates)


def _cox(folder: Path, robust: bool) -> str:
    from analysis.models.survival import fit_cox

    c = _cohort(folder)
    frame, covariates, refs = cox_inputs(c.frame, c.covariates)
    result = timed(lambda: fit_cox(frame, covariates=covariates, categorical=refs, robust=robust))
    hr = result.summary.set_index("covariate").loc["treated", "hazard_ratio"]
    return f"HR {hr:.3f}, {result.n:,} people"


@stage("Cox model (model-based SE)")
def cox(folder: Path) -> str:
    return _cox(folder, robust=False)


@stage("Cox model (robust SE)")
def cox_robust(folder: Path) -> str:
    return _cox(folder, robust=True)


def model_inputs(frame, covariates: list[str]):
    """The regression stages' data: complete cases of the covariates, and reference levels."""
    from analysis.measures.cohort import complete_cases
    from analysis.models.design import default_references

    frame, _ = complete_cases(_used(frame, ["treated", "reoffences", "sex", *covariates]),
                              covariates)
    return frame, list(covariates), default_references(frame, covariates)


def _model_frame(folder: Path):
    c = _cohort(folder)
    return model_inputs(c.frame, list(c.covariates))


@stage("propensity score and matching")
def propensity_matching(folder: Path) -> str:
    from analysis.models.effects.matching import match
    from analysis.models.effects.propensity import fit_propensity

    frame, covariates, refs = _model_frame(folder)

    def work():
        ps = fit_propensity(frame, covariates, categorical=refs)
        return match(ps.logit, ps.treated, caliper_sd=0.2, ratio=1, exact=frame["sex"])

    result = timed(work)
    return f"{len(result.pairs):,} matched pairs"


@stage("negative binomial")
def negative_binomial(folder: Path) -> str:
    from analysis.models.effects import count_models

    frame, covariates, refs = _model_frame(folder)
    table, _ = timed(lambda: count_models(frame, "reoffences", covariates, refs))
    return f"{len(table)} rows"


@stage("costs")
def costs(folder: Path) -> str:
    from analysis import costs as cst

    params = _params(folder)
    c = _cohort(folder)
    if c.offences is None:
        raise Skipped("not run: the offences are not held on the DuckDB engine")
    tables = cst.load_cost_tables(params)
    at = cst.unit_costs_at(tables, params.costs.price_year)

    def work():
        costed = cst.reoffence_costs(c.frame, c.offences, at, tables.mapping,
                                     params.costs.attempt_fraction)
        return cst.group_costs(cst.person_costs(c.frame, costed))

    table = timed(work)
    return f"{len(table)} groups costed"


@stage("Monte Carlo (10,000 draws)")
def monte_carlo(folder: Path) -> str:
    from analysis.costs import value_for_money as vfm

    inp = vfm.VfmInputs(effect=-0.1, effect_se=0.04, cohort_size=1000,
                        reoffences_per_reoffender=3.4, unit_cost=4000.0, recorded_to_actual=1.0,
                        recorded_to_actual_range=(1.0, 2.0), unit_cost_uncertainty=0.25,
                        programme_cost_per_person=2500.0, horizon_years=1, discount_rate=0.035)
    mc = timed(lambda: vfm.monte_carlo(inp, 10_000, seed=2024, progress=False))
    return f"mean NPV {mc.npv.mean():,.0f}"


@stage("end to end: files to estimates, in one process")
def end_to_end(folder: Path) -> str:
    """Every stage of an analysis in turn, from the files to the estimates, in one process."""
    from analysis import costs as cst
    from analysis.data.loading import load_data
    from analysis.measures.cohort import build_cohort
    from analysis.models.effects import count_models
    from analysis.models.effects.matching import match
    from analysis.models.effects.propensity import fit_propensity
    from analysis.models.survival import fit_cox, km_table

    params = _params(folder)
    parts: dict[str, float] = {}

    def part(name: str, work: Callable):
        t = time.perf_counter()
        out = work()
        parts[name] = time.perf_counter() - t
        if os.environ.get("BENCHMARK_MEMORY"):
            print(f"{name}: {parts[name]:.1f} s, resident {_resident_mb():,.0f} MB, "
                  f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB",
                  file=sys.stderr, flush=True)
        return out

    def work() -> str:
        held = {"data": part("read and validate", lambda: load_data(params))}
        c = part("cohort", lambda: build_cohort(params, held.pop("data")))  # the cohort's copy only
        part("Kaplan-Meier", lambda: km_table(c.frame, group_col="group"))
        frame, covariates, refs = cox_inputs(c.frame, c.covariates)
        for robust in (False, True):
            part("Cox robust" if robust else "Cox", lambda r=robust: fit_cox(
                frame, covariates=covariates, categorical=refs, robust=r))
        del frame  # the Cox model's complete cases
        frame, covariates, refs = model_inputs(c.frame, list(c.covariates))

        def matched():
            ps = fit_propensity(frame, covariates, categorical=refs)
            return match(ps.logit, ps.treated, caliper_sd=0.2, ratio=1, exact=frame["sex"])

        pairs = part("matching", matched).pairs
        part("negative binomial", lambda: count_models(frame, "reoffences", covariates, refs))
        costed = "costs not shown (offences not held)"
        if c.offences is not None:
            tables = cst.load_cost_tables(params)
            at = cst.unit_costs_at(tables, params.costs.price_year)
            part("costs", lambda: cst.group_costs(cst.person_costs(c.frame, cst.reoffence_costs(
                c.frame, c.offences, at, tables.mapping, params.costs.attempt_fraction))))
            costed = "costs"
        took = ", ".join(f"{name} {secs:.1f}" for name, secs in parts.items())
        return (f"{len(c.frame):,} people, {len(pairs):,} matched pairs, {costed}; "
                f"seconds: {took}")

    return timed(work)


@stage("runner: 01_cohort, report and identifier scan")
def runner_report(folder: Path) -> str:
    from analysis.running.runner import run

    params = _params(folder).model_copy(update={"notebooks": ["01_cohort"]})
    result = timed(lambda: run(params, outputs_dir=folder / "outputs", progress_bar=False,
                               log=open("/dev/null", "w")))
    pages = len(list((result.path / "report").rglob("*.html")))
    return f"{pages} report pages"


def _resident_mb() -> float:
    """This process's resident memory now, in MB (Linux; 0 elsewhere)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


def run_stage(name: str, folder: Path) -> dict:
    """Run one stage in this process and return its timing and peak memory."""
    t = time.perf_counter()
    try:
        note = STAGES[name](folder)
    except Skipped as skip:
        return {"stage": name, "seconds": None, "total_seconds": None, "peak_mb": None,
                "note": str(skip)}
    total = time.perf_counter() - t
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    core = _CORE.get("seconds")  # None when the stage did not run its work
    return {"stage": name, "seconds": None if core is None else round(core, 2),
            "total_seconds": round(total, 2), "peak_mb": round(peak_kb / 1024), "note": note}


def generate(size: int, folder: Path, extract_date: str = EXTRACT_DATE, one_go: int = ONE_GO,
             chunk_people: int = CHUNK_PEOPLE) -> dict:
    """Generate and write the synthetic cohort of ``size`` people."""
    from analysis.synthetic import generate_cohort, write_cohort, write_parquet_chunks

    t = time.perf_counter()
    if size > one_go:
        import pyarrow.parquet as pq

        paths = write_parquet_chunks(size, folder, 2024, extract_date, chunk_people)
        n = pq.ParquetFile(paths["offences"]).metadata.num_rows
        how = f"Parquet, {chunk_people:,} people at a time"
    else:
        cohort = generate_cohort(size, seed=2024, extract_date=extract_date)
        write_cohort(cohort, folder)
        n, how = len(cohort.offences), "CSV"
    seconds = time.perf_counter() - t
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"stage": "generate and write", "seconds": round(seconds, 2), "total_seconds": round(seconds, 2),
            "peak_mb": round(peak_kb / 1024),
            "note": f"{n:,} offences ({n / size:.1f} per person) to {extract_date}; {how}"}


def _in_subprocess(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        return {"stage": args[-1], "seconds": None, "total_seconds": None, "peak_mb": None,
                "note": "failed: " + proc.stderr.strip().splitlines()[-1][:120]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def markdown(rows: list[dict]) -> str:
    """The results as a Markdown table."""
    lines = ["| people | stage | stage seconds | with inputs and imports (s) | peak memory (MB) | note |",
             "| ---: | --- | ---: | ---: | ---: | --- |"]
    for r in rows:
        secs = "—" if r["seconds"] is None else f"{r['seconds']:.2f}"
        total = "—" if r["total_seconds"] is None else f"{r['total_seconds']:.2f}"
        mem = "—" if r["peak_mb"] is None else f"{r['peak_mb']:,}"
        lines.append(f"| {r['size']:,} | {r['stage']} | {secs} | {total} | {mem} | {r['note']} |")
    return "\n".join(lines)


def write_doc(rows: list[dict], out: Path) -> None:
    """Write the table between the markers of ``out`` (or a new file)."""
    start, end = "<!-- benchmark table start -->", "<!-- benchmark table end -->"
    machine = f"{platform.python_version()} on {platform.machine()}, {_cores()} cores"
    table = f"{start}\nMeasured with Python {machine}.\n\n{markdown(rows)}\n{end}"
    text = out.read_text() if out.exists() else f"# Performance\n\n{start}\n{end}\n"
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1]
    out.write_text(before + table + after)


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--stages", nargs="+", default=None, help="only these stages")
    parser.add_argument("--out", type=Path, default=ROOT / "docs/performance.md")
    parser.add_argument("--extract-date", default=EXTRACT_DATE,
                        help="offences are recorded up to this date (default %(default)s)")
    parser.add_argument("--one-go", type=int, default=ONE_GO,
                        help="larger cohorts are written as Parquet in chunks (default %(default)s)")
    parser.add_argument("--chunk-people", type=int, default=CHUNK_PEOPLE,
                        help="people per chunk of a larger cohort (default %(default)s)")
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate:
        print(json.dumps(generate(args.generate, args.folder, args.extract_date, args.one_go,
                                  args.chunk_people)))
        return 0
    if args.stage:
        print(json.dumps(run_stage(args.stage, args.folder)))
        return 0
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"bench{size}-") as tmp:
            folder = Path(tmp)
            generate_args = ["--folder", tmp, "--generate", str(size), "--extract-date",
                             args.extract_date, "--one-go", str(args.one_go),
                             "--chunk-people", str(args.chunk_people)]
            jobs = [generate_args] + [["--folder", tmp, "--stage", name]
                                      for name in (args.stages or STAGES)]
            for row in map(_in_subprocess, jobs):
                rows.append({"size": size, **row})
                print(f"{size:>9,}  {row['stage']:<28} {row['seconds']!s:>8} s  "
                      f"{row['peak_mb']!s:>6} MB  {row['note']}", flush=True)
            del folder
    write_doc(rows, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
