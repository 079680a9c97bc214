"""Run the notebooks of an analysis in order with papermill and assemble the run's outputs.

A run is written to a temporary folder beside its destination and moved into
``outputs/<run-name>/`` only when every notebook has succeeded, so an earlier complete run is
never lost. A failed run keeps its partly executed notebooks in ``outputs/<run-name>.failed/``.
One run of a name runs at a time (:mod:`analysis.running.lock`); each run first removes what
runs killed outright left behind (:mod:`analysis.running.leftovers`). The notebooks get the
parameters the runner has checked (:mod:`analysis.running.parameters`) and the data it has
validated, served from its memory (:mod:`analysis.data.handover`). They run in one kernel per
job slot, set back to the same state before each notebook (:mod:`analysis.running.kernels`);
the kernels start, and import the libraries, while the runner validates the data.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import nbformat
import papermill as pm

from analysis.data.handover import Handover, serving
from analysis.data.loading import ValidatedData, data_fingerprint, load_data
from analysis.files import private_folder, project_root, sha256
from analysis.measures.readiness import validation_notices
from analysis.params import FAILED_SUFFIX, RunParams
from analysis.presentation.disclosure_records import PRIVATE_DIR
from analysis.presentation.report import build_report, notebook_page, render_notebook
from analysis.running import manifest, schedule
from analysis.running.audit import audit_run
from analysis.running.faults import (
    TEMP_ADVICE,
    FolderUnwritable,
    RunFailed,
    RunInProgress,
    write_errno,
    writing,
)
from analysis.running.kernels import Kernel, KernelNotReady, execute, kernel_pool
from analysis.running.leftovers import partial_folder, remove_stale
from analysis.running.lock import run_lock
from analysis.running.model_inputs import check_model_inputs
from analysis.running.parameters import write_resolved
from analysis.running.privacy import scan_outputs, sensitive_tokens

__all__ = ["FolderUnwritable", "RunFailed", "RunInProgress", "RunResult", "default_outputs",
           "dependencies", "kernel_environment", "notebook_order", "run", "KERNEL",
           "KERNEL_THREADS", "NOTEBOOK_PARAMETERS"]

#: The kernel every notebook runs on (nbval needs the same name in the notebooks' metadata).
KERNEL = "python3"
#: The parameters the runner injects; every notebook's ``parameters`` cell must define both.
NOTEBOOK_PARAMETERS = ("params_file", "output_dir")
#: Threads of the numerical libraries (OpenBLAS, OpenMP, MKL) in every notebook's kernel, unless
#: the environment sets them: one, so that notebooks running side by side do not compete for the
#: cores (on two cores the default run took 36-37 s with the libraries' own thread pools and
#: 28-30 s with one thread each) and results do not depend on how many notebooks run at once.
KERNEL_THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


_ENVIRONMENT_LOCK = threading.Lock()


@contextmanager
def kernel_environment(extra: dict[str, str] | None = None) -> Iterator[dict[str, str]]:
    """Set :data:`KERNEL_THREADS` (where the environment does not) for the kernels started inside.

    ``extra`` variables are set as given. Yields the thread settings the kernels get, for the
    run's manifest. Kernels inherit the process's environment, so runs in several threads of
    one process take turns here; the environment is restored on the way out.
    """
    with _ENVIRONMENT_LOCK:
        changes = {k: v for k, v in KERNEL_THREADS.items() if k not in os.environ}
        changes.update(extra or {})
        before = {k: os.environ.get(k) for k in changes}
        os.environ.update(changes)
        try:
            yield {k: os.environ[k] for k in KERNEL_THREADS}
        finally:
            for k, v in before.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


@dataclass(frozen=True)
class RunResult:
    """Where a finished run is and what it produced."""

    path: Path
    manifest: dict[str, Any]
    results: dict[str, Any]


def notebook_order(root: Path, names: list[str] | None = None) -> list[Path]:
    """Return the notebooks to run: ``names`` in the order given, else every ``notebooks/NN_*.ipynb``."""
    nb_dir = root / "notebooks"
    if names:
        return [nb_dir / f"{n}.ipynb" for n in names]
    return sorted(p for p in nb_dir.glob("[0-9][0-9]_*.ipynb"))


def _check_parameters_cell(nb: Path) -> None:
    declared = pm.inspect_notebook(str(nb))
    missing = [p for p in NOTEBOOK_PARAMETERS if p not in declared]
    if missing:
        raise RunFailed(
            f"{nb.name}: its cell tagged 'parameters' does not define {', '.join(missing)}"
        )


def _failure_message(nb: Path, err: pm.PapermillExecutionError) -> str:
    return (
        f"notebook {nb.name} failed in cell {err.cell_index} "
        f"(execution count {err.exec_count}): {err.ename}: {err.evalue}"
    )


class _NotebookFailed(Exception):
    def __init__(self, notebook: Path, error: pm.PapermillExecutionError):
        super().__init__(str(error))
        self.notebook, self.error = notebook, error


def dependencies(notebooks: list[Path]) -> dict[str, set[str]]:
    """Which notebooks each notebook must wait for, from ``metadata.analysis.depends_on``.

    A dependency that is not part of the run is ignored (the notebook then falls back on its
    parameters, as when it runs alone).
    """
    names = {nb.stem for nb in notebooks}
    deps = {}
    for nb in notebooks:
        meta = nbformat.read(nb, as_version=4).metadata.get("analysis", {})
        deps[nb.stem] = set(meta.get("depends_on", [])) & names
    return deps


def _execute_one(nb: Path, tmp: Path, parameters: dict[str, str], progress_bar: bool,
                 idle: queue.SimpleQueue[Kernel]) -> float:
    """Execute ``nb`` in a kernel taken from ``idle`` (put back after).

    Returns the seconds from the moment the kernel was ready and set back, so that the
    durations the schedule replays do not depend on which notebook waited for a kernel to start.
    """
    kernel = idle.get()
    try:
        kernel.prepare(nb.parent)
        t = time.perf_counter()
        execute(kernel, nb, tmp / "notebooks" / nb.name, parameters, progress_bar)
    except pm.PapermillExecutionError as err:
        raise _NotebookFailed(nb, err) from None
    except KernelNotReady as err:
        raise RunFailed(f"notebook {nb.name} did not start: {err}") from None
    finally:
        idle.put(kernel)
    return round(time.perf_counter() - t, 2)


def _render_page(tmp: Path, nb: Path) -> bool:
    """Render a finished notebook's report page; False if that failed (the report retries)."""
    try:
        render_notebook(tmp / "notebooks" / nb.name, notebook_page(tmp, nb.stem))
    except Exception:  # noqa: BLE001 - build_report renders it again and reports the error
        return False
    return True


def _execute_all(notebooks: list[Path], deps: dict[str, set[str]], tmp: Path,
                 parameters: dict[str, str], jobs: int, log: TextIO, progress_bar: bool,
                 idle: queue.SimpleQueue[Kernel]) -> tuple[dict[str, float], set[str]]:
    """Execute the notebooks, up to ``jobs`` at once, each after the notebooks it depends on.

    Whenever a kernel is free, the first waiting notebook of ``notebooks`` whose dependencies
    have finished starts, in a kernel of ``idle`` set back to the state it started from
    (:mod:`analysis.running.kernels`). Each notebook writes its own files, so the outputs do
    not depend on the order in which independent notebooks finish or the kernel they run in. Each finished
    notebook's report page is rendered while the others run. Returns the durations and the
    notebooks whose page was rendered.
    """
    pending = list(notebooks)
    durations: dict[str, float] = {}
    total = len(notebooks)
    pages: dict[str, Future] = {}
    with ThreadPoolExecutor(max_workers=1) as renderer, \
            ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        running: dict[Future, Path] = {}
        while pending or running:
            for nb in [nb for nb in pending if deps[nb.stem] <= set(durations)]:
                if len(running) >= max(1, jobs):
                    break
                pending.remove(nb)
                print(f"[{total - len(pending)}/{total}] {nb.stem} started", file=log, flush=True)
                running[pool.submit(_execute_one, nb, tmp, parameters,
                                    progress_bar and jobs == 1, idle)] = nb
            if not running:
                raise RunFailed("notebooks wait for each other: "
                                + ", ".join(f"{nb.stem} after {sorted(deps[nb.stem])}" for nb in pending))
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                nb = running.pop(future)
                try:
                    durations[nb.stem] = future.result()
                except _NotebookFailed:
                    pending.clear()
                    wait(running)
                    raise
                print(f"      {nb.stem} done in {durations[nb.stem]:.1f} s", file=log, flush=True)
                # its report page is rendered while the remaining notebooks run
                pages[nb.stem] = renderer.submit(_render_page, tmp, nb)
        rendered = {name for name, page in pages.items() if page.result()}
    return {nb.stem: durations[nb.stem] for nb in notebooks}, rendered


def _merge_results(tmp: Path, notebooks: list[Path]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for nb in notebooks:
        frag = tmp / "results" / f"{nb.stem}.json"
        if frag.is_file():
            results[nb.stem] = json.loads(frag.read_text(encoding="utf-8"))
    return results


def _swap_into_place(tmp: Path, dest: Path) -> None:
    """Replace ``dest`` by ``tmp`` so that a complete run exists at every moment but one rename."""
    if dest.exists():
        old = dest.with_name(f".{dest.name}.old")
        if old.exists():
            shutil.rmtree(old)
        dest.rename(old)
        tmp.rename(dest)
        shutil.rmtree(old)
    else:
        tmp.rename(dest)


def _sensitive(params: RunParams, data: ValidatedData) -> dict[str, str]:
    """Person identifiers and dates of birth of the input (not row numbers made up for it)."""
    if data.people is not None:  # records form
        return sensitive_tokens(data.people["person_id"], data.people.get("date_of_birth"))
    spec = params.data.survival
    if data.survival is not None and spec is not None and "person_id" in spec.columns:
        return sensitive_tokens(data.survival["person_id"], None)
    return {}


def _rel(path: Path, root: Path) -> str:
    """``path`` relative to the project root where it lies inside it, else absolute."""
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def default_outputs(params: RunParams) -> Path:
    """Where runs go by default: the project's ``outputs/`` for a parameter file inside the
    project, else ``outputs/`` beside the parameter file."""
    root = params.root if params.root is not None else project_root()
    if params.source is not None and not params.source.is_relative_to(root):
        return params.source.parent / "outputs"
    return root / "outputs"


def _keep_failed(tmp: Path, failure: _NotebookFailed, outputs_dir: Path, run_name: str
                 ) -> RunFailed:
    """Move a failed run to ``<run_name>.failed`` and return the error that says so."""
    failed = outputs_dir / f"{run_name}{FAILED_SUFFIX}"
    # the exact values of the hidden cells are never kept, not even in a failed run
    shutil.rmtree(tmp / PRIVATE_DIR, ignore_errors=True)
    try:
        if failed.exists():
            shutil.rmtree(failed)
        tmp.rename(failed)
        kept = (f"The partly executed notebook is kept in "
                f"{failed / 'notebooks' / failure.notebook.name}; ")
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        kept = ""
    message = f"{_failure_message(failure.notebook, failure.error)}\n{kept}"
    code = write_errno(failure.error.ename, failure.error.evalue)
    if code is not None:
        return FolderUnwritable(outputs_dir, code, context=f" (notebook {failure.notebook.name})")
    return RunFailed(message + "earlier complete runs are untouched.")


@dataclass
class _Kernels:
    """The kernels of a run, started before its data are validated (:func:`_started_kernels`)."""

    private: Path
    handover: Handover
    threads: dict[str, str]
    idle: queue.SimpleQueue[Kernel]
    stack: ExitStack

    def stop(self) -> None:
        """Stop the kernels and the hand-over, and remove the private folder."""
        self.stack.close()


@contextmanager
def _started_kernels(notebooks: list[Path], jobs: int) -> Iterator[_Kernels]:
    """Start the kernels of a run (they import the libraries while the runner validates).

    The private folder holds the socket the kernels fetch the data from (given them by
    ``handover.provide``) and the resolved parameters; it is removed however the run ends.
    """
    with ExitStack() as stack:
        with writing(Path(tempfile.gettempdir()), TEMP_ADVICE):
            private = private_folder()
        stack.callback(shutil.rmtree, private, ignore_errors=True)
        handover = stack.enter_context(serving(private))
        # the kernels' processes take the environment when they start; the runner's own is
        # set back at once (its validation must not ask its own server for the data)
        with kernel_environment(handover.environment) as threads:
            idle = stack.enter_context(kernel_pool(min(max(1, jobs), len(notebooks)), KERNEL,
                                                   notebooks[0].parent))
        kernels = _Kernels(private, handover, threads, idle, stack.pop_all())
    with kernels.stack:
        yield kernels


def _execute(params: RunParams, kernels: _Kernels, notebooks: list[Path], tmp: Path,
             order: list[str], jobs: int, log: TextIO, progress_bar: bool
             ) -> tuple[dict[str, float], set[str], dict[str, str]]:
    """Execute the notebooks in ``kernels`` with the resolved parameters and the validated
    data handed over (the data are never written to disk), then stop the kernels.

    Returns the durations, the notebooks whose report page was rendered and the kernels'
    thread settings.
    """
    with writing(kernels.private, TEMP_ADVICE):
        params_file = write_resolved(params, kernels.private / "parameters.json")
    parameters = {"params_file": str(params_file), "output_dir": str(tmp)}
    by_name = {nb.stem: nb for nb in notebooks}
    with writing(tmp.parent):
        durations, rendered = _execute_all([by_name[n] for n in order], dependencies(notebooks),
                                           tmp, parameters, jobs, log, progress_bar, kernels.idle)
    kernels.stop()
    return durations, rendered, kernels.threads


def run(
    params: RunParams,
    outputs_dir: Path | None = None,
    log: TextIO = sys.stderr,
    progress_bar: bool = True,
    jobs: int = 1,
) -> RunResult:
    """Validate the data, execute the notebooks and move the complete run into place.

    Parameters
    ----------
    params : RunParams
        Checked parameters (see :func:`analysis.params.load_params`); the notebooks run from
        ``params.root``, the project of the parameter file or else the installed project.
    outputs_dir : Path, optional
        Parent of the run folder; default :func:`default_outputs`.
    log : text stream
        Where progress lines go.
    progress_bar : bool
        Show papermill's per-cell progress bar (with ``jobs=1``; otherwise a line per
        notebook as it starts and ends).
    jobs : int
        Notebooks executed at once (one kernel each, reused from notebook to notebook and set
        back before each, :mod:`analysis.running.kernels`); a notebook waits for those named
        in its ``metadata.analysis.depends_on``.

    Returns
    -------
    RunResult

    Raises
    ------
    analysis.errors.DataError
        If the input data break the data contract (before any notebook runs).
    RunFailed
        If a notebook fails; the partial run is kept in ``<run-name>.failed``.
    RunInProgress
        If another process is running a run of the same name into the same folder.
    FolderUnwritable
        If the outputs (or the temporary) folder cannot take the run's files.
    ValueError
        If ``params`` were not read from a parameter file.
    """
    if params.source is None:
        raise ValueError("params: not read from a file (use analysis.params.load_params)")
    root = params.root if params.root is not None else project_root()
    outputs_dir = Path(outputs_dir or default_outputs(params)).resolve()
    notebooks = notebook_order(root, params.notebooks)
    if not notebooks:
        raise RunFailed(f"no notebooks found in {root / 'notebooks'}")
    for nb in notebooks:
        _check_parameters_cell(nb)
    try:
        outputs_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:  # any refusal to create it, e.g. a path under /proc
        raise FolderUnwritable(outputs_dir, err) from None
    with run_lock(outputs_dir, params.run_name):
        for folder in remove_stale(outputs_dir, params.run_name):
            print(f"removed {folder}, left by a run that was stopped", file=log)
        return _run_locked(params, root, outputs_dir, notebooks, log, progress_bar, jobs)


def _run_locked(params: RunParams, root: Path, outputs_dir: Path, notebooks: list[Path],
                log: TextIO, progress_bar: bool, jobs: int) -> RunResult:
    """:func:`run` once the run's lock is held: the kernels start, then the data are validated."""
    with _started_kernels(notebooks, jobs) as kernels:
        return _run_started(params, root, outputs_dir, notebooks, log, progress_bar, jobs,
                            kernels)


def _run_started(params: RunParams, root: Path, outputs_dir: Path, notebooks: list[Path],
                 log: TextIO, progress_bar: bool, jobs: int, kernels: _Kernels) -> RunResult:
    """:func:`run` once the lock is held and the kernels are starting."""
    source = params.source
    assert source is not None  # checked by run()
    started = manifest.utc_now()
    t0 = time.perf_counter()
    fingerprint = data_fingerprint(params)
    data = load_data(params)  # raises DataError before anything is written
    validation_s = time.perf_counter() - t0
    print(f"data valid: {', '.join(f'{k} {v:,} rows' for k, v in data.rows_read.items())}", file=log)
    notices = validation_notices(params, data)
    for notice in notices:
        print(f"warning: {notice}", file=log)
    check_model_inputs(params, data)  # cost files and covariate transforms, before any notebook

    dest = outputs_dir / params.run_name
    by_name = {nb.stem: nb for nb in notebooks}
    order = schedule.start_order(list(by_name), dependencies(notebooks),
                                 schedule.previous_durations(dest / "manifest.json"), jobs)
    with writing(outputs_dir):
        tmp = partial_folder(outputs_dir, params.run_name)
    try:
        with writing(outputs_dir):
            (tmp / "notebooks").mkdir()
            shutil.copyfile(source, tmp / "params.yaml")
        kernels.handover.provide(data, fingerprint)
        durations, rendered, threads = _execute(params, kernels, notebooks, tmp, order, jobs,
                                                log, progress_bar)
        with writing(outputs_dir):
            results = _merge_results(tmp, notebooks)
            _write_json(tmp / "results.json", results)
            inputs = {name: {"path": _rel(p, root), "sha256": sha256(p)}
                      for name, p in params.input_files().items()}
            run_manifest = {
                "run_name": params.run_name,
                "started_utc": started,
                "finished_utc": manifest.utc_now(),
                "duration_seconds": {"validation": round(validation_s, 2),
                                     **{name: durations[name] for name in by_name}},
                "start_order": order,
                "seed": params.seed,
                "parameters_file": _rel(source, root),
                "parameters_sha256": sha256(source),
                "parameters": params.resolved(),
                "inputs": inputs,
                "rows_read": data.rows_read,
                "warnings": [n.record(params.disclosure.min_cell) for n in notices],
                "notebooks": {nb.stem: {"path": _rel(nb, root), "sha256": sha256(nb)}
                              for nb in notebooks},
                "git": manifest.git_state(root),
                "environment": manifest.environment(),
                "kernel": KERNEL,
                "kernel_threads": threads,
                "packages": manifest.package_versions(),
            }
            _write_json(tmp / "manifest.json", run_manifest)
            previous = dest if (dest / "manifest.json").is_file() else None
            build_report(tmp, params.title, rendered=rendered, previous=previous)
        with writing(outputs_dir):
            disclosed = audit_run(tmp, params.disclosure.min_cell)
        if disclosed:
            raise RunFailed(
                "the outputs would let a reader work out a count of 1 to "
                f"{params.disclosure.min_cell - 1} people, so the run was discarded:\n"
                + "\n".join(f"  {f}" for f in disclosed)
            )
        findings = scan_outputs(tmp, _sensitive(params, data))
        if findings:
            raise RunFailed(
                "the outputs would disclose personal data, so the run was discarded:\n"
                + "\n".join(f"  {f}" for f in findings)
            )
        with writing(outputs_dir):
            _swap_into_place(tmp, dest)
    except _NotebookFailed as failure:
        raise _keep_failed(tmp, failure, outputs_dir, params.run_name) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(outputs_dir / f"{params.run_name}{FAILED_SUFFIX}", ignore_errors=True)
    return RunResult(path=dest, manifest=run_manifest, results=results)
