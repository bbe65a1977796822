"""Shared fixtures. Every test runs with XDG directories in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from papershelf.model import Paper
from papershelf.sources import load_file
from papershelf.store.paths import bundled_list


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point platformdirs at a temporary home, so no test touches the real one."""
    home = tmp_path / "home"
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        path = home / name.lower()
        path.mkdir(parents=True)
        monkeypatch.setenv(name, str(path))
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return bundled_list()


@pytest.fixture(scope="session")
def sample_papers(sample_path: Path) -> list[Paper]:
    return load_file(sample_path)
