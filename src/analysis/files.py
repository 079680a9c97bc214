"""Where the project's own files are, what a file holds, and a run's private temporary folders.

The project root and file digests; and :func:`private_folder`, a folder in the temporary folder
that only this user can read, named with the process id so that the folders of a run killed
outright can be found and removed (:mod:`analysis.running.leftovers`).

A ground-floor module: every layer may import it, and it imports nothing of the package.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

__all__ = ["PRIVATE_PREFIX", "private_folder", "project_root", "sha256"]

#: Start of the name of a private folder; the process id and a random part follow.
PRIVATE_PREFIX = "analysis-run-"


def private_folder() -> Path:
    """Create a folder readable by this user only, in the temporary folder.

    Its name, ``<temp>/analysis-run-<pid>-<random>``, carries this process's id; the caller
    removes it when done, and a later run removes it if this process was killed first.
    """
    return Path(tempfile.mkdtemp(prefix=f"{PRIVATE_PREFIX}{os.getpid()}-"))


def project_root(start: Path | None = None) -> Path:
    """Return the nearest directory at or above ``start`` that holds ``pyproject.toml``.

    Parameters
    ----------
    start : pathlib.Path, optional
        Where to start looking; defaults to this module's file, so the answer is the checkout
        the package is installed from, whatever the working directory.

    Returns
    -------
    pathlib.Path
        The project root.

    Raises
    ------
    FileNotFoundError
        If no directory above ``start`` holds ``pyproject.toml`` (for example when the package
        is installed from a wheel rather than used from a checkout of the project).
    """
    here = (start or Path(__file__)).resolve()
    for directory in (here, *here.parents):
        if (directory / "pyproject.toml").is_file():
            return directory
    raise FileNotFoundError(
        f"cannot find the project root (a directory holding pyproject.toml) above {here}; "
        "the notebooks and the reference data are only available in a checkout of the project"
    )


def sha256(path: Path, chunk: int = 1 << 20) -> str:
    """Return the SHA-256 hex digest of a file, read in chunks."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()
