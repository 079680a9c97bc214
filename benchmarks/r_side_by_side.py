"""Time the benchmark's survival and regression models beside R's fits of them, on one cohort.

    python benchmarks/r_side_by_side.py                        # 100,000 people
    python benchmarks/r_side_by_side.py --sizes 2000 --out /tmp/r.md

Each size's cohort is generated and built by the benchmark's own code (``run_benchmarks.py``)
and written once as CSV; every model is then fitted from that file in a fresh Python process
(the project's functions, with the benchmark stages' covariates and reference levels) and in
a fresh R process (``r_side_by_side.R``: ``survival`` and ``MASS``). The times are of the fit
alone, without reading the data or starting the interpreter. The table (default
``docs/performance.md``, between its "r side by side" markers; the rest of the file is kept)
gives both times, their ratio and the largest absolute difference between the two fits'
estimates. Without ``Rscript`` the comparison is skipped (exit status 0).
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run_benchmarks as bench  # noqa: E402

R_SCRIPT = HERE / "r_side_by_side.R"
#: Seconds an R fit may take before it is recorded as not finished.
R_TIMEOUT = 300
#: Model key: (name in the table, what the difference is taken over).
MODELS = {
    "km": ("Kaplan-Meier by group", "survival"),
    "logrank": ("log-rank test", "chi-square"),
    "cox": ("Cox model (model-based SE)", "coefficients"),
    "cox_robust": ("Cox model (robust SE)", "coefficients"),
    "logistic": ("logistic regression (propensity score)", "coefficients"),
    "negbin": ("negative binomial", "coefficients and theta"),
}
FIT: dict[str, Callable] = {}
START, END = "<!-- r side by side start -->", "<!-- r side by side end -->"


def fit(key: str) -> Callable:
    """Register the Python fit of a model: a function of (frame, covariates) to estimates."""

    def register(func: Callable) -> Callable:
        FIT[key] = func
        return func

    return register


def _r_name(name: str) -> str:
    """A design column's name as R's model.matrix spells it (``sex[Female]`` -> ``sexFemale``)."""
    return "(Intercept)" if name == "const" else re.sub(r"\[(.*)\]$", r"\1", name)


def _coefficients(params, bse) -> dict[str, list[float]]:
    return {_r_name(str(k)): [float(params[k]), float(bse[k])] for k in params.index}


@fit("km")
def _km(frame, covariates):
    from analysis.models.survival import km_table

    curves = bench.timed(lambda: km_table(frame, group_col="group"))
    curves = curves[curves["time"] > 0]
    return {f"S|{g}|{t:g}": [float(s), None]
            for g, t, s in zip(curves["group"], curves["time"].astype(float), curves["survival"],
                                 strict=True)}


@fit("logrank")
def _logrank(frame, covariates):
    from analysis.models.survival import logrank

    table = bench.timed(lambda: logrank(frame, group_col="group"))
    return {"chi-square": [float(table["statistic"].iloc[0]), None]}


def _cox(frame, covariates, robust: bool):
    from analysis.models.survival import fit_cox

    frame, covariates, refs = bench.cox_inputs(frame, covariates)
    result = bench.timed(lambda: fit_cox(frame, covariates=covariates, categorical=refs,
                                         robust=robust))
    s = result.summary.set_index("covariate")
    return _coefficients(s["coef"], s["se"])


@fit("cox")
def _cox_model(frame, covariates):
    return _cox(frame, covariates, robust=False)


@fit("cox_robust")
def _cox_robust(frame, covariates):
    return _cox(frame, covariates, robust=True)


@fit("logistic")
def _logistic(frame, covariates):
    from analysis.models.effects.propensity import fit_propensity

    frame, covariates, refs = bench.model_inputs(frame, covariates)
    model = bench.timed(lambda: fit_propensity(frame, covariates, categorical=refs)).model
    return _coefficients(model.params, model.bse)


@fit("negbin")
def _negbin(frame, covariates):
    """The count model's NB2 fit (Poisson start, then :func:`negative_binomial`), model-based SE."""
    import numpy as np
    import statsmodels.api as sm

    from analysis.models.effects.common import treatment_design
    from analysis.models.effects.outcome_models import negative_binomial

    frame, covariates, refs = bench.model_inputs(frame, covariates)

    def work():
        X = treatment_design(frame, covariates, refs)
        y = frame["reoffences"].astype(float)
        start = sm.GLM(y, X, family=sm.families.Poisson()).fit().params.to_numpy()
        return negative_binomial(y, X, np.append(start, 0.5), {})

    nb = bench.timed(work)
    # No standard errors compared: statsmodels' come from the joint observed information of
    # the coefficients and alpha, glm.nb's from the expected information at a fixed theta.
    out = {_r_name(str(k)): [float(v), None] for k, v in nb.params.iloc[:-1].items()}
    out["theta"] = [1 / float(nb.params.iloc[-1]), None]
    return out


def prepare(size: int, folder: Path) -> dict:
    """Generate and build the cohort of ``size`` people; write the models' columns as CSV."""
    bench.generate(size, folder)
    c = bench._cohort(folder)
    covariates = list(c.covariates)
    columns = ["time", "event", "group", "treated", "reoffences", *covariates]
    c.frame[columns].to_csv(folder / "cohort.csv", index=False)
    _, _, refs = bench.model_inputs(c.frame, covariates)
    meta = {"covariates": covariates, "references": {k: str(v) for k, v in refs.items()}}
    (folder / "models.json").write_text(json.dumps(meta))
    return meta


def python_fit(keys: list[str], folder: Path) -> dict[str, dict]:
    """Fit models in this process from the cohort's CSV: each one's time and estimates."""
    import pandas as pd

    meta = json.loads((folder / "models.json").read_text())
    frame = pd.read_csv(folder / "cohort.csv")
    out = {}
    for key in keys:
        estimates = FIT[key](frame, meta["covariates"])
        out[key] = {"seconds": bench._CORE["seconds"], "estimates": estimates}
    return out


def _failed(keys: list[str], note: str) -> dict[str, dict]:
    return {key: {"seconds": None, "estimates": {}, "note": note} for key in keys}


def _last_line(stderr: str) -> str:
    return (stderr.strip().splitlines() or ["no message"])[-1][:120]


def r_fit(keys: list[str], folder: Path) -> dict[str, dict]:
    """Fit models in one fresh R process: each one's time and estimates, or why there are none."""
    meta = json.loads((folder / "models.json").read_text())
    refs = "\t".join(f"{k}={v}" for k, v in meta["references"].items())
    cmd = ["Rscript", str(R_SCRIPT), ",".join(keys), str(folder / "cohort.csv"),
           ",".join(meta["covariates"]), refs]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=R_TIMEOUT)
    except subprocess.TimeoutExpired:
        return _failed(keys, f"R did not finish in {R_TIMEOUT} s")
    if proc.returncode != 0:
        return _failed(keys, "R failed: " + _last_line(proc.stderr))
    out: dict[str, dict] = {}
    for line in proc.stdout.splitlines():
        parts = line.split("\t")
        if parts[0] == "model":
            fit = out[parts[1]] = {"seconds": None, "estimates": {}}
        elif parts[0] == "seconds":
            fit["seconds"] = float(parts[1])
        elif parts[0] == "estimate":
            se = None if parts[3] == "NA" else float(parts[3])
            fit["estimates"][parts[1]] = [float(parts[2]), se]
    return out


def python_in_subprocess(keys: list[str], folder: Path) -> dict[str, dict]:
    """Fit models in one fresh Python process (see :func:`python_fit`)."""
    proc = subprocess.run([sys.executable, __file__, "--fit", *keys, "--folder", str(folder)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return _failed(keys, "Python failed: " + _last_line(proc.stderr))
    return json.loads(proc.stdout.strip().splitlines()[-1])


def compare(key: str, py: dict, r: dict) -> dict:
    """One row of the table: both times, their ratio and the largest differences."""
    name, over = MODELS[key]
    row = {"model": name, "python_seconds": py["seconds"], "r_seconds": r["seconds"],
           "ratio": None, "max_abs_diff": None, "max_abs_se_diff": None, "compared": over,
           "note": "; ".join(x["note"] for x in (py, r) if x.get("note"))}
    if py["seconds"] is not None and r["seconds"]:
        row["ratio"] = py["seconds"] / r["seconds"]
    a, b = py["estimates"], r["estimates"]
    if a and b:
        if set(a) != set(b):
            row["note"] = (row["note"] + "; " if row["note"] else "") + \
                f"estimates differ in name ({len(set(a) ^ set(b))} unmatched)"
        common = sorted(set(a) & set(b))
        row["max_abs_diff"] = max(abs(a[k][0] - b[k][0]) for k in common)
        ses = [abs(a[k][1] - b[k][1]) for k in common if a[k][1] is not None and b[k][1] is not None]
        row["max_abs_se_diff"] = max(ses) if ses else None
        row["compared"] = f"{over} ({len(common):,})"
    return row


def run_size(size: int, models: list[str], jobs: int = 1, one_process: bool = False) -> list[dict]:
    """Prepare the cohort of ``size`` people and compare every model on it.

    Each model is fitted in its own Python and R process, or with ``one_process`` all models
    in one process of each (quicker, but then the first fit of each carries the warm-up).
    """
    with tempfile.TemporaryDirectory(prefix=f"rside{size}-") as tmp:
        folder = Path(tmp)
        proc = subprocess.run([sys.executable, __file__, "--prepare", str(size), "--folder", tmp],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit("preparing the cohort failed:\n" + proc.stderr[-2000:])
        groups = [models] if one_process else [[key] for key in models]
        tasks = [(run, keys) for keys in groups for run in (python_in_subprocess, r_fit)]
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            done = list(pool.map(lambda task: task[0](task[1], folder), tasks))
        results = {(run, key): fit for (run, _), part in zip(tasks, done, strict=True)
                   for key, fit in part.items()}
    rows = []
    for key in models:
        row = {"size": size,
               **compare(key, results[(python_in_subprocess, key)], results[(r_fit, key)])}
        rows.append(row)
        print(f"{size:>9,}  {row['model']:<40} Python {_num(row['python_seconds'])} s  "
              f"R {_num(row['r_seconds'])} s  max |diff| {_sci(row['max_abs_diff'])}  "
              f"{row['note']}", flush=True)
    return rows


def _num(x: float | None, fmt: str = ".2f") -> str:
    return "—" if x is None else format(x, fmt)


def _sci(x: float | None) -> str:
    return "—" if x is None else f"{x:.1e}"


def markdown(rows: list[dict]) -> str:
    """The comparison as a Markdown table."""
    lines = ["| people | model | Python (s) | R (s) | Python / R | largest abs. difference "
             "| largest abs. difference of SE | compared | note |",
             "| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for r in rows:
        lines.append(f"| {r['size']:,} | {r['model']} | {_num(r['python_seconds'])} "
                     f"| {_num(r['r_seconds'])} | {_num(r['ratio'])} | {_sci(r['max_abs_diff'])} "
                     f"| {_sci(r['max_abs_se_diff'])} | {r['compared']} | {r['note']} |")
    return "\n".join(lines)


def r_version() -> str:
    """R's version and those of the survival and MASS packages."""
    code = ('cat(paste(R.version$major, R.version$minor, sep="."), '
            'as.character(packageVersion("survival")), as.character(packageVersion("MASS")))')
    out = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True).stdout.split()
    return f"R {out[0]} (survival {out[1]}, MASS {out[2]})" if len(out) == 3 else "R"


def write_doc(rows: list[dict], out: Path) -> None:
    """Write the table between the markers of ``out``, adding its section when missing."""
    machine = (f"Python {platform.python_version()} and {r_version()} on {platform.machine()}, "
               f"{bench._cores()} cores (shared with other work while measured)")
    table = f"{START}\nMeasured with {machine}.\n\n{markdown(rows)}\n{END}"
    text = out.read_text() if out.exists() else "# Performance\n"
    if START not in text:
        text = text.rstrip("\n") + f"\n\n## Side by side with R\n\n{START}\n{END}\n"
    before, rest = text.split(START, 1)
    out.write_text(before + table + rest.split(END, 1)[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--models", nargs="+", choices=list(MODELS), default=list(MODELS))
    parser.add_argument("--out", type=Path, default=bench.ROOT / "docs/performance.md")
    parser.add_argument("--jobs", type=int, default=1,
                        help="fits run at a time (more than 1 makes the times compete)")
    parser.add_argument("--one-process", action="store_true",
                        help="fit all models in one Python and one R process (a quick check)")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--fit", nargs="+", choices=list(MODELS), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        prepare(args.prepare, args.folder)
        return 0
    if args.fit:
        print(json.dumps(python_fit(args.fit, args.folder)))
        return 0
    if shutil.which("Rscript") is None:
        print("Rscript was not found: the side-by-side comparison with R is skipped.")
        return 0
    rows = [row for size in args.sizes
            for row in run_size(size, args.models, args.jobs, args.one_process)]
    write_doc(rows, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
