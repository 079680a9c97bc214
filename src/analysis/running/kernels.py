"""The kernels of a run: one per job slot, started at once and given notebook after notebook.

Starting a kernel and importing pandas, matplotlib, SciPy, statsmodels and lifelines into it
costs about 2.5 s of processor time, more than most notebooks' own work. A run therefore
starts one kernel per notebook it executes at once, has it import those libraries while the
runner prepares (:data:`WARM_UP`) and record its state (:func:`analysis.running.kernel_state.
settle`), and executes its notebooks in these kernels one after another. Before each notebook
the kernel is set back to the state it recorded (:func:`analysis.running.kernel_state.reset`:
a new namespace, execution count 1, the same figure settings, disclosure policy, warnings,
random state and output streams), so that a notebook gives the same outputs whichever
notebooks its kernel ran before, as if it ran alone.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import papermill as pm
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger

__all__ = ["ENGINE", "KERNEL_ARGUMENTS", "WARM_UP", "Kernel", "KernelNotReady", "kernel_pool"]

#: The papermill engine that executes a notebook in a kernel already running.
ENGINE = "analysis-kernel"
#: What each kernel runs when it starts: the libraries every notebook imports, then the record
#: of the state each notebook starts from.
WARM_UP = """\
import lifelines, scipy.stats, statsmodels.api
import analysis.running.kernel_state, analysis.running.session
analysis.running.kernel_state.settle()
"""
_RESET = "import analysis.running.kernel_state\nanalysis.running.kernel_state.reset({cwd!r})\n"
#: Seconds a kernel has to start and import the libraries, and to be set back.
READY_TIMEOUT = 120
#: Options of every kernel: IPython's history of the cells run is kept in memory, not written
#: to its database on disk after the cells and at every reset (the notebook holds the cells).
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]


class KernelNotReady(RuntimeError):
    """A kernel could not start, import the libraries or be set back for the next notebook."""


class Kernel:
    """A kernel that runs notebook after notebook, each from the same state.

    Parameters
    ----------
    kernel_name : str
        The kernel spec (``python3``).
    cwd : Path
        The folder the kernel starts in (the notebooks' folder).
    """

    def __init__(self, kernel_name: str, cwd: Path):
        self.manager = AsyncKernelManager(kernel_name=kernel_name)
        run_sync(self.manager.start_kernel)(cwd=str(cwd), extra_arguments=KERNEL_ARGUMENTS)
        self._client = self.manager.blocking_client()
        self._client.start_channels(iopub=False, stdin=False, hb=False, control=False)
        # the kernel imports while the runner goes on; the reply is awaited by prepare()
        self._pending: str | None = self._client.execute(WARM_UP, silent=True,
                                                          store_history=False)

    def _wait(self, msg_id: str, what: str) -> None:
        while True:
            try:
                reply = self._client.get_shell_msg(timeout=READY_TIMEOUT)
            except queue.Empty:
                raise KernelNotReady(f"the kernel did not {what} within {READY_TIMEOUT} s") from None
            if reply["parent_header"].get("msg_id") != msg_id:
                continue
            content = reply["content"]
            if content["status"] != "ok":
                raise KernelNotReady(f"the kernel could not {what}: "
                                     f"{content.get('ename')}: {content.get('evalue')}")
            return

    def prepare(self, cwd: Path) -> None:
        """Wait for the kernel to be ready and set it back for a notebook in ``cwd``."""
        if self._pending is not None:
            msg_id, self._pending = self._pending, None
            self._wait(msg_id, "import the libraries")
        msg_id = self._client.execute(_RESET.format(cwd=str(cwd)), silent=True,
                                      store_history=False)
        self._wait(msg_id, "be set back for the next notebook")

    def shutdown(self) -> None:
        """Stop the kernel at once (as papermill's ``shutdown_kernel="immediate"``)."""
        try:
            self._client.stop_channels()
        finally:
            run_sync(self.manager.shutdown_kernel)(now=True)


class _KernelEngine(NBClientEngine):
    """papermill's nbclient engine, in the kernel of the ``km`` it is given (left running)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                 stdout_file: Any = None, stderr_file: Any = None,
                                 start_timeout: int = 60, execution_timeout: int | None = None,
                                 **kwargs: Any) -> Any:
        kwargs.pop("input_path", None)
        client = PapermillNotebookClient(
            nb_man, kernel_name=kernel_name, log=logger, log_output=log_output,
            stdout_file=stdout_file, stderr_file=stderr_file, startup_timeout=start_timeout,
            timeout=execution_timeout, **kwargs)
        try:
            return client.execute()
        finally:
            if client.kc is not None:  # the notebook's connection; the kernel goes on
                client.kc.stop_channels()


papermill_engines.register(ENGINE, _KernelEngine)


def execute(kernel: Kernel, notebook: Path, output: Path, parameters: dict[str, str],
            progress_bar: bool) -> None:
    """Execute ``notebook`` into ``output`` with ``parameters`` in ``kernel``.

    Call :meth:`Kernel.prepare` first: the notebook runs in the kernel as it finds it.

    Raises
    ------
    papermill.PapermillExecutionError
        If a cell fails (the executed notebook is written all the same).
    """
    pm.execute_notebook(str(notebook), str(output), parameters=parameters,
                        kernel_name=kernel.manager.kernel_name, engine_name=ENGINE,
                        km=kernel.manager, progress_bar=progress_bar, report_mode=False,
                        request_save_on_cell_execute=False)


@contextmanager
def kernel_pool(size: int, kernel_name: str, cwd: Path) -> Iterator[queue.SimpleQueue[Kernel]]:
    """Start ``size`` kernels in ``cwd``; yield them in a queue (take one, put it back when done).

    Every kernel is stopped on the way out, however the block ends.
    """
    kernels: list[Kernel] = []
    idle: queue.SimpleQueue[Kernel] = queue.SimpleQueue()
    try:
        for _ in range(max(1, size)):
            kernels.append(Kernel(kernel_name, cwd))
            idle.put(kernels[-1])
        yield idle
    finally:
        for kernel in kernels:
            try:
                kernel.shutdown()
            except Exception:  # noqa: BLE001 - a kernel already gone needs no stopping
                pass
