"""What produced a run: versions, commit, parameters, input file hashes, timings."""

from __future__ import annotations

import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["git_state", "package_versions", "environment", "utc_now"]

#: Packages whose versions are listed first in the manifest (all installed ones follow).
KEY_PACKAGES = (
    "analysis", "pandas", "numpy", "scipy", "statsmodels", "lifelines", "matplotlib",
    "papermill", "pandera", "pydantic", "nbval", "ipykernel", "nbconvert", "nbformat",
)


def git_state(root: Path) -> dict[str, Any]:
    """Return the commit of ``root``'s git checkout and whether its tree is dirty.

    Returns ``{"commit": None, "dirty": None}`` when ``root`` is not a git checkout or git is
    not installed.
    """

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True, timeout=30
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=normal"))
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": dirty}


def package_versions() -> dict[str, str]:
    """Return the versions of the key packages, then of every other installed distribution."""
    installed = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            installed[name.lower().replace("_", "-")] = dist.version
    key = {p: installed[p] for p in KEY_PACKAGES if p in installed}
    rest = {k: installed[k] for k in sorted(installed) if k not in key}
    return {**key, **rest}


def environment() -> dict[str, Any]:
    """Return the Python version, implementation and platform."""
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "executable": sys.executable,
    }


def utc_now() -> str:
    """Return the current time in UTC as ISO 8601 with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")
