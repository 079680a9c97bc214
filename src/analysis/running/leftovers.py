"""The folders a run works in while in progress, and the removal of those a killed run left behind.

A run in progress writes its outputs in ``outputs/.<run_name>.<pid>.<random>.partial/`` (moved
into place when every notebook has succeeded) and keeps the parameters it hands to its
notebooks, and the socket they fetch the validated data from, in a private folder
``<temp>/analysis-run-<pid>-<random>/`` (mode 0700). Both names carry the runner's process id.
A run that ends removes both, whether it succeeds, fails or is interrupted; a run killed
outright (SIGKILL, a power cut) cannot, so every run starts with :func:`remove_stale`, which
removes those whose process has gone. A process counts as gone when no process has its id, or
the process with its id is a zombie or started after the folder was last changed (the id has
been reused).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import psutil

from analysis.files import PRIVATE_PREFIX

__all__ = ["partial_folder", "remove_stale", "owner_running"]

#: Hand-over folders of earlier versions of the runner, which held the data in a file.
LEGACY_PRIVATE_PREFIX = "analysis-validated-"
_RANDOM = r"[a-z0-9_]{8}"  # the random part of tempfile.mkdtemp's names
_PARTIAL = re.compile(rf"^\.(?P<run>.+)\.(?P<pid>\d+)\.{_RANDOM}\.partial$")
_PRIVATE = re.compile(rf"^{PRIVATE_PREFIX}(?P<pid>\d+)-{_RANDOM}$")


def partial_folder(outputs_dir: Path, run_name: str) -> Path:
    """Create the folder a run writes its outputs in until they are complete."""
    return Path(tempfile.mkdtemp(prefix=f".{run_name}.{os.getpid()}.", suffix=".partial",
                                 dir=outputs_dir))


def owner_running(pid: int, folder: Path) -> bool:
    """Whether process ``pid``, which made ``folder``, is still running."""
    if pid == os.getpid():
        return True
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        return process.create_time() <= folder.stat().st_mtime + 1.0
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True  # another user's process: not ours to judge
    except OSError:
        return False  # the folder has gone meanwhile


def _stale_partials(outputs_dir: Path, run_name: str) -> list[Path]:
    """Partial runs whose process has gone; for ``run_name`` (whose lock the caller holds) also
    those of earlier versions, whose names carry no process id."""
    legacy = re.compile(rf"^\.{re.escape(run_name)}\.{_RANDOM}\.partial$")
    stale = []
    for folder in outputs_dir.glob(".*.partial"):
        found = _PARTIAL.match(folder.name)
        if found and not owner_running(int(found["pid"]), folder):
            stale.append(folder)
        elif not found and legacy.match(folder.name):
            stale.append(folder)
    return stale


def _stale_private(temp_dir: Path) -> list[Path]:
    """Private folders whose process has gone, and hand-overs of earlier versions of this user."""
    stale = []
    for folder in temp_dir.glob(f"{PRIVATE_PREFIX}*"):
        found = _PRIVATE.match(folder.name)
        if found and not owner_running(int(found["pid"]), folder):
            stale.append(folder)
    uid = getattr(os, "getuid", lambda: None)()
    for folder in temp_dir.glob(f"{LEGACY_PRIVATE_PREFIX}*"):
        if uid is None or folder.stat().st_uid == uid:
            stale.append(folder)
    return stale


def _restore_interrupted_swap(outputs_dir: Path, run_name: str) -> list[Path]:
    """``.<run>.old`` is the previous complete run while the new one is moved into place; if the
    move was cut short it is put back, or removed when the new run made it into place."""
    old = outputs_dir / f".{run_name}.old"
    if not old.is_dir():
        return []
    dest = outputs_dir / run_name
    if dest.exists():
        shutil.rmtree(old)
        return [old]
    old.rename(dest)
    return []


def remove_stale(outputs_dir: Path, run_name: str) -> list[Path]:
    """Remove what runs killed outright left behind; return what was removed.

    Parameters
    ----------
    outputs_dir : Path
        The outputs folder: partial runs of every name whose process has gone are removed.
    run_name : str
        The run about to start, whose lock the caller holds: its partial runs from earlier
        versions and an interrupted swap (``.<run_name>.old``) are dealt with too.

    Returns
    -------
    list of Path
        The folders removed, from ``outputs_dir`` and the temporary folder.
    """
    removed = _restore_interrupted_swap(outputs_dir, run_name)
    for folder in (*_stale_partials(outputs_dir, run_name),
                   *_stale_private(Path(tempfile.gettempdir()))):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder)
    return removed
