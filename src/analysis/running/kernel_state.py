"""The state of a kernel that runs one notebook after another, set back before each notebook.

The runner keeps a kernel per job slot (:mod:`analysis.running.kernels`) and gives it notebook
after notebook. Once the kernel has imported the libraries, :func:`settle` records the state a
notebook can change; before each notebook, :func:`reset` clears the user namespace and the
execution count (IPython's ``reset``, as in a new session) and sets back everything else
recorded: matplotlib's settings and open figures, warning filters and the warnings already
shown, pandas' options, numpy's error handling, print options and global random state,
Python's random state, the environment, the working folder, ``sys.path``, the disclosure
policy, the kernel's output streams and display formatters, and whether the kernel's output is
withheld (:mod:`analysis.presentation.kernel_output`). Each notebook so starts from the same
state, whichever notebooks the kernel ran before.

Both functions run inside the kernel; outside IPython :func:`reset` sets back all but the
namespace. :func:`settle` also moves the objects the imports made into the garbage collector's
permanent generation (:func:`gc.freeze`), so that its collections, at each reset and while a
notebook runs, pass over the notebook's objects only.
"""

from __future__ import annotations

import copy
import gc
import logging
import os
import random
import sys
import warnings
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.disclosure import policy, set_policy
from analysis.presentation.kernel_output import release_kernel_output

__all__ = ["settle", "reset", "is_settled"]

_SAVED: dict[str, Any] = {}


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is installed with ipykernel
        return None
    return get_ipython()


def _pandas_options() -> dict[str, Any]:
    """Every registered pandas option and its value."""
    from pandas._config import config

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated options warn when read
        return {key: copy.copy(pd.get_option(key)) for key in config._registered_options}


def _formatters(shell: Any) -> dict[str, tuple[dict, dict, dict]]:
    """The printers of each of the shell's display formatters, by MIME type."""
    return {mime: (dict(f.singleton_printers), dict(f.type_printers), dict(f.deferred_printers))
            for mime, f in shell.display_formatter.formatters.items()}


def settle() -> None:
    """Record the state :func:`reset` sets back (call once, when the kernel is ready)."""
    shell = _shell()
    _SAVED.update(
        rc=copy.deepcopy(dict(mpl.rcParams)),
        filters=list(warnings.filters),
        showwarning=warnings.showwarning,
        pandas=_pandas_options(),
        numpy_errors=np.geterr(),
        numpy_print=np.get_printoptions(),
        numpy_random=np.random.get_state(),  # noqa: NPY002 - the legacy global state
        random=random.getstate(),
        environ=dict(os.environ),
        cwd=os.getcwd(),
        path=list(sys.path),
        streams=(sys.stdout, sys.stderr, sys.displayhook),
        logging=(list(logging.root.handlers), logging.root.level),
        policy=policy(),
    )
    if shell is not None:
        _SAVED.update(interactivity=shell.ast_node_interactivity,
                      publish=shell.display_pub.publish, formatters=_formatters(shell))
    # The libraries' objects live as long as the kernel: kept out of the garbage collector's
    # passes, the collections of each reset and of each notebook look only at the objects made
    # since (a full pass over the imported libraries took 0.2-0.3 s, twice per reset).
    gc.collect()
    gc.freeze()


def is_settled() -> bool:
    """Whether :func:`settle` has recorded the state."""
    return bool(_SAVED)


def _set_back_pandas(saved: dict[str, Any]) -> None:
    now = _pandas_options()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, value in saved.items():
            if now.get(key) != value:
                pd.set_option(key, value)


def _set_back_warnings() -> None:
    warnings.filters[:] = _SAVED["filters"]  # type: ignore[index]  # a list at run time
    warnings.showwarning = _SAVED["showwarning"]
    warnings.onceregistry.clear()  # type: ignore[attr-defined]  # not in typeshed
    # each module's record of the warnings it has shown is emptied when the filters change
    warnings._filters_mutated()  # type: ignore[attr-defined]


def _set_back_shell(shell: Any) -> None:
    shell.reset(new_session=True)  # namespace, history, Out, execution count 1
    shell.ast_node_interactivity = _SAVED["interactivity"]
    shell.display_pub.publish = _SAVED["publish"]
    for mime, (singletons, types, deferred) in _SAVED["formatters"].items():
        formatter = shell.display_formatter.formatters[mime]
        for held, saved in ((formatter.singleton_printers, singletons),
                            (formatter.type_printers, types),
                            (formatter.deferred_printers, deferred)):
            held.clear()
            held.update(saved)


def reset(cwd: str | Path | None = None) -> None:
    """Set the kernel back to the state :func:`settle` recorded, in the folder ``cwd``.

    Parameters
    ----------
    cwd : str or Path, optional
        The next notebook's folder (else the folder recorded).

    Raises
    ------
    RuntimeError
        If :func:`settle` was not called first.
    """
    if not _SAVED:
        raise RuntimeError("kernel_state.reset: settle() was not called when the kernel started")
    release_kernel_output()
    shell = _shell()
    if shell is not None:
        _set_back_shell(shell)
    sys.stdout, sys.stderr, sys.displayhook = _SAVED["streams"]
    plt.close("all")
    mpl.rcParams.update(copy.deepcopy(_SAVED["rc"]))
    _set_back_warnings()
    _set_back_pandas(_SAVED["pandas"])
    np.seterr(**_SAVED["numpy_errors"])
    np.set_printoptions(**_SAVED["numpy_print"])
    np.random.set_state(_SAVED["numpy_random"])  # noqa: NPY002 - the legacy global state
    random.setstate(_SAVED["random"])
    os.environ.clear()
    os.environ.update(_SAVED["environ"])
    os.chdir(cwd if cwd is not None else _SAVED["cwd"])
    sys.path[:] = _SAVED["path"]
    logging.root.handlers[:] = _SAVED["logging"][0]
    logging.root.setLevel(_SAVED["logging"][1])
    saved_policy = _SAVED["policy"]
    set_policy(saved_policy.min_cell, saved_policy.rounding)
    gc.collect()
