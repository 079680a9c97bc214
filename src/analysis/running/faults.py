"""What stops a run other than bad input, and the exit status of the command for each.

Bad parameters or data raise :class:`analysis.errors.AnalysisInputError` (exit status 2) before
anything is written. The faults of a run itself are :class:`RunFailed` and its subclasses; each
carries the exit status the command returns, so that scripts can tell them apart.
"""

from __future__ import annotations

import errno
import re
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["EXIT_STATUSES", "FolderUnwritable", "RunFailed", "RunInProgress", "exit_status_help",
           "write_errno", "writing"]

#: Every exit status of ``python -m analysis`` (and ``reoffending``), with what it means.
EXIT_STATUSES: dict[int, str] = {
    0: "the run is complete (or the parameters and data are valid)",
    1: "the run failed: a notebook failed (its partly executed notebooks are kept in "
       "outputs/<run_name>.failed/), or the outputs would disclose personal data (nothing kept)",
    2: "bad input: the parameters or the data break a rule; nothing has run",
    3: "a folder the run writes to cannot be written (no permission, read-only, disk full)",
    4: "another run of the same name is in progress",
    130: "interrupted (Ctrl-C); the partial run is removed",
}


def exit_status_help(width: int = 88) -> str:
    """The exit statuses as lines for ``--help``."""
    lines = [textwrap.fill(text, width, initial_indent=f"  {code:>3}  ", subsequent_indent=" " * 7)
             for code, text in EXIT_STATUSES.items()]
    return "exit status:\n" + "\n".join(lines)


class RunFailed(Exception):
    """A notebook failed (the message names the notebook and the cell), or the run was discarded."""

    exit_status = 1
    heading = "run failed"


class RunInProgress(RunFailed):
    """Another process is running a run of the same name into the same outputs folder."""

    exit_status = 4
    heading = "run refused"

    def __init__(self, run_name: str, outputs_dir: Path, pid: int | None):
        who = f"process {pid}" if pid is not None else "another process"
        super().__init__(
            f"a run named '{run_name}' is already in progress in {outputs_dir} ({who}); wait "
            "for it to finish, or give this run another name with --run-name")
        self.run_name, self.pid = run_name, pid


#: Plain words for the errors that stop a run from writing, by ``errno``.
_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "read-only file system",
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.ENOTDIR: "not a folder",
    errno.EEXIST: "exists and is not a folder",
}
#: ``errno`` values that mean the folder cannot take the run's files (rather than a bug).
WRITE_ERRNOS = frozenset(_REASONS)


class FolderUnwritable(RunFailed):
    """A folder the run writes to refused a file: no permission, read-only, full."""

    exit_status = 3
    heading = "cannot write"

    def __init__(self, folder: Path, error: OSError | int, context: str = "",
                 advice: str | None = None):
        code = error if isinstance(error, int) else error.errno
        reason = _REASONS.get(code or 0) or (
            error.strerror if isinstance(error, OSError) and error.strerror else "write error")
        if advice is None:
            advice = ("free some space or give another folder with --outputs"
                      if code in (errno.ENOSPC, errno.EDQUOT)
                      else "give a folder you can write to with --outputs")
        super().__init__(f"{folder}: {reason}{context}; {advice}. Earlier complete runs are "
                         "untouched.")
        self.folder, self.errno = folder, code


#: What to do when the temporary folder (for the run's private folder) cannot be written.
TEMP_ADVICE = "set TMPDIR to a folder you can write to"


@contextmanager
def writing(folder: Path, advice: str | None = None) -> Iterator[None]:
    """Turn a refusal to take a file (no permission, full, ...) inside the block into
    :class:`FolderUnwritable` naming ``folder``; other errors pass through."""
    try:
        yield
    except OSError as err:
        if err.errno not in WRITE_ERRNOS:
            raise
        raise FolderUnwritable(folder, err, advice=advice) from None


def write_errno(ename: str, evalue: str | None) -> int | None:
    """The ``errno`` of a notebook's error when a folder refused to take a file, else None.

    Parameters
    ----------
    ename, evalue : str
        The exception's class name and message, as a failed notebook reports them
        (``OSError``, ``"[Errno 28] No space left on device: ..."``).
    """
    found = re.match(r"\[Errno (\d+)\]", evalue or "")
    if found is None or ename not in ("OSError", "PermissionError"):
        return None
    code = int(found.group(1))
    return code if code in WRITE_ERRNOS else None
