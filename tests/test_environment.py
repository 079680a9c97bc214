"""The pinned environment: lock files, environment.yml and pyproject.toml agree."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[_norm(name)] = version
    return pins


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_environment_yml_has_exactly_the_lock_pins() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda_pins = {_norm(p.split("==")[0]): p.split("==")[1] for p in pip_section if "==" in p}
    lock = _pins(ROOT / "requirements/lock.txt") | _pins(ROOT / "requirements/lab.txt")
    assert conda_pins == lock
    assert "python=3.11" in env["dependencies"]


def test_every_pin_is_exact_and_lab_is_separate() -> None:
    lock = _pins(ROOT / "requirements/lock.txt")
    lab = _pins(ROOT / "requirements/lab.txt")
    assert "jupyterlab" not in lock and "jupyterlab" in lab
    assert not set(lock) & set(lab)
    assert all(re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", v) for v in (lock | lab).values())


def test_lock_covers_the_declared_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    lock = _pins(ROOT / "requirements/lock.txt")
    for requirement in declared:
        name = _norm(re.split(r"[<>=!~ \[;]", requirement, maxsplit=1)[0])
        assert name in lock, f"{name} is declared but not pinned"
    assert lock["pandas"].startswith("2."), "lifelines 0.30.3 requires pandas < 3"
