"""An XDG directory that is a file: one line naming it, exit 2, no traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_server import FixtureServer, Reply

SCRIPT = str(Path(sys.executable).parent / "papershelf")
SNAPSHOT = str(Path(__file__).parents[1] / "fixtures" / "arxiv_snapshot_0704.0001.jsonl")


def make_a_file(variable: str) -> Path:
    """Replace the (test's) XDG directory in ``variable`` by a file."""
    path = Path(os.environ[variable])
    shutil.rmtree(path)
    path.write_text("not a folder")
    return path


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
    )


def assert_one_line(done: subprocess.CompletedProcess[str], blocking: Path) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert f"{blocking} is a file, not a folder" in done.stderr


def test_config_init_when_the_config_directory_is_a_file() -> None:
    blocking = make_a_file("XDG_CONFIG_HOME")
    assert_one_line(run("config", "init"), blocking)


@pytest.mark.parametrize("command", [("add", SNAPSHOT), ("fetch", "hf")])
def test_add_and_fetch_when_the_data_directory_is_a_file(command: tuple[str, ...]) -> None:
    blocking = make_a_file("XDG_DATA_HOME")
    with FixtureServer() as server:
        server.route("/api/daily_papers", Reply.fixture("hf_daily_papers.json"))
        assert_one_line(run(*command, PAPERSHELF_HF_URL=server.url), blocking)
