"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def root() -> Path:
    """The project root."""
    return ROOT


@pytest.fixture
def write_params(tmp_path: Path):
    """Write a YAML parameter file into a temporary folder (with pyproject.toml) and return its path.

    The file lies in the folder itself, so its relative paths (``data/...``) name files under
    ``tmp_path``.
    """
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'scratch'\n")

    def _write(text: str, name: str = "p.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return _write
