#!/usr/bin/env python3
"""Set up the project's environment and run its jobs, with nothing but Python 3.11 and pip.

    python3 project.py run [PARAMS]   # the whole analysis (default: params/default.yaml)
    python3 project.py test           # the full test suite: unit tests, type check, end-to-end run, nbval
    python3 project.py lab            # JupyterLab on the notebooks (installs it on first use)
    python3 project.py lock           # re-resolve the pinned environment (maintainers)

Each command first makes ``.venv/`` (a virtual environment) and installs the exact pins of
``requirements/lock.txt`` and this package into it, unless that is already done for the
current lock file. Only the standard library is used here.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements" / "lock.txt"
LAB_LOCK = ROOT / "requirements" / "lab.txt"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def _sh(*args: str | Path, **kw) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, **kw)


def _stamp(*files: Path) -> str:
    h = hashlib.sha256()
    for f in (*files, ROOT / "pyproject.toml"):
        h.update(f.read_bytes())
    return h.hexdigest()


def ensure_env(lab: bool = False) -> None:
    """Create ``.venv`` and install the pinned requirements and the package, once per lock file."""
    if sys.version_info[:2] != (3, 11):
        print(f"warning: the pins are made for Python 3.11; this is {sys.version.split()[0]}",
              file=sys.stderr)
    locks = [LOCK, LAB_LOCK] if lab else [LOCK]
    marker = VENV / (".installed-lab" if lab else ".installed")
    if marker.is_file() and marker.read_text() == _stamp(*locks):
        return
    if not PY.exists():
        print(f"creating virtual environment {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    _sh(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade", "pip")
    for lock in locks:
        _sh(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", lock)
    _sh(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
        "-e", ".")
    marker.write_text(_stamp(*locks))


def cmd_run(args: list[str]) -> int:
    """Run the analysis; paths on the command line are relative to the current folder."""
    ensure_env()
    params = args or [str(ROOT / "params" / "default.yaml")]
    return subprocess.run([str(PY), "-m", "analysis", "run", *params]).returncode


def cmd_test(args: list[str]) -> int:
    ensure_env()
    return subprocess.run([str(PY), "-m", "pytest", *args], cwd=ROOT).returncode


def cmd_lab(args: list[str]) -> int:
    ensure_env(lab=True)
    return subprocess.run([str(BIN / "jupyter"), "lab", "notebooks", *args], cwd=ROOT).returncode


def cmd_lock(args: list[str]) -> int:
    """Resolve the newest allowed versions in a scratch environment and rewrite the pins."""
    scratch = ROOT / ".venv-lock"
    venv.EnvBuilder(with_pip=True, clear=True).create(scratch)
    spy = scratch / BIN.name / PY.name
    _sh(spy, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _sh(spy, "-m", "pip", "install", "--quiet", ".[test]")
    base = _freeze(spy)
    _sh(spy, "-m", "pip", "install", "--quiet", ".[lab]")
    lab = [line for line in _freeze(spy) if line not in base]
    header = "# Exact pins for Python 3.11, written by `python3 project.py lock`.\n"
    LOCK.write_text(header + "\n".join(base) + "\n")
    LAB_LOCK.write_text(header + "# The interactive extras (JupyterLab); install after lock.txt.\n"
                        + "\n".join(lab) + "\n")
    write_environment_yml(base + lab)
    print(f"wrote {LOCK}, {LAB_LOCK} and environment.yml ({len(base)} + {len(lab)} pins)")
    return 0


def _freeze(py: Path) -> list[str]:
    out = subprocess.run([str(py), "-m", "pip", "freeze", "--exclude-editable"], cwd=ROOT,
                         check=True, capture_output=True, text=True).stdout
    return sorted((line for line in out.splitlines()
                   if line and not line.lower().startswith(("analysis==", "analysis @"))),
                  key=str.lower)


def write_environment_yml(pins: list[str]) -> None:
    """Write ``environment.yml`` for conda users with the same pins in its pip section."""
    lines = [
        "# Conda environment with the same exact pins as requirements/lock.txt and lab.txt.",
        "# Written by `python3 project.py lock`; tests/test_environment.py checks they agree.",
        "name: reoffending-analysis",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
        "  - pip:",
        *[f"      - {p}" for p in sorted(pins, key=str.lower)],
        "      - -e .",
        "",
    ]
    (ROOT / "environment.yml").write_text("\n".join(lines))


COMMANDS = {"run": cmd_run, "test": cmd_test, "lab": cmd_lab, "lock": cmd_lock}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
