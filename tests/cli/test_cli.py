"""The real console script in a subprocess: messages, exit codes, and the state file untouched."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from papershelf.cli import main
from papershelf.sources import load_file
from papershelf.store.paths import state_path

SCRIPT = shutil.which("papershelf", path=str(Path(sys.executable).parent)) or "papershelf"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
        cwd=cwd,
    )


@pytest.fixture
def state_file() -> Path:
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('version = 1\n[papers."k"]\nstarred = true\n')
    return path


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("papershelf: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_bad_jsonl_names_file_and_line(tmp_path: Path, state_file: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "fine"}\n{"title": "broken"\n')
    before = state_file.read_bytes()
    assert_one_line_error(run(str(bad)), f"{bad}:2", "invalid JSON")
    assert state_file.read_bytes() == before
    assert list(state_file.parent.iterdir()) == [state_file]


@pytest.mark.parametrize("kind", ["missing", "empty", "directory", "binary", "unknown", "unreadable"])
def test_unusable_files(tmp_path: Path, state_file: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.txt"
    expected = {
        "missing": "no such file",
        "empty": "empty",
        "directory": "is a directory",
        "binary": "not UTF-8",
        "unknown": "not a format papershelf reads",
        "unreadable": "permission denied",
    }[kind]
    if kind == "empty":
        path.write_text("\n\n")
    elif kind == "directory":
        path.mkdir()
    elif kind == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    elif kind == "unknown":
        path.write_text("just some notes\nnothing like a paper list\n")
    elif kind == "unreadable":
        if os.geteuid() == 0:
            pytest.skip("root reads every file")
        path.write_text("x")
        path.chmod(0)
    before = state_file.read_bytes()
    assert_one_line_error(run(str(path)), str(path), expected)
    assert state_file.read_bytes() == before


def test_second_bad_file_fails_the_whole_run(tmp_path: Path, sample_path: Path) -> None:
    assert_one_line_error(run(str(sample_path), str(tmp_path / "nope.jsonl")), "nope.jsonl", "no such file")


def test_help_explains() -> None:
    result = run("--help")
    assert result.returncode == 0
    for fragment in ("FILE", "bundled", "JSON Lines", "Daily Papers", "--output"):
        assert fragment in result.stdout


def test_output_writes_jsonl_detected_by_content(tmp_path: Path, sample_path: Path) -> None:
    out = tmp_path / "list.data"  # no telling extension: the content decides
    result = run(str(sample_path), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "54 papers" in result.stdout
    assert len(out.read_text().splitlines()) == 54
    json.loads(out.read_text().splitlines()[0])
    assert load_file(out) == load_file(sample_path)
    # Two lists with the same papers open as one list of 54.
    again = tmp_path / "again.jsonl"
    assert run(str(out), str(sample_path), "-o", str(again)).returncode == 0
    assert len(again.read_text().splitlines()) == 54


def test_state_path_honours_xdg(isolated_dirs: Path) -> None:
    result = run("--state-path")
    assert result.returncode == 0
    assert result.stdout.strip() == str(state_path())
    assert result.stdout.startswith(str(isolated_dirs))


def test_main_in_process_reports_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt: no such file" in capsys.readouterr().err


def test_unreadable_file_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Root reads every file, so permission is refused by patching the read."""
    path = tmp_path / "locked.txt"
    path.write_text("x")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert main([str(path)]) == 2
    assert capsys.readouterr().err.strip() == f"papershelf: {path}: permission denied"
