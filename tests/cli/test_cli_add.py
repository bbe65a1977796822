"""``papershelf add`` and opening the library, through the real console script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from library_helpers import arxiv_record, write_jsonl
from papershelf.cli import open_library
from papershelf.library.collection import LibraryCollection

SCRIPT = str(Path(sys.executable).parent / "papershelf")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, *args], check=False, capture_output=True, text=True, timeout=120, env=os.environ.copy()
    )


def test_add_imports_reports_and_dedupes(tmp_path: Path, sample_path: Path) -> None:
    snapshot = write_jsonl(tmp_path / "snap.jsonl", [arxiv_record(i, f"Paper {i}", "x") for i in range(30)])
    result = run("add", str(snapshot), str(sample_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith(f"papershelf: {snapshot}: 30 new, 0 updated, 0 unchanged")
    assert lines[1].startswith(f"papershelf: {sample_path}: 54 new, 0 updated, 0 unchanged")
    again = run("add", str(snapshot))
    assert "0 new, 0 updated, 30 unchanged" in again.stdout
    collection = open_library()
    assert isinstance(collection, LibraryCollection)
    assert len(collection) == 84


def test_add_reports_malformed_lines_and_goes_on(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "m.jsonl", [arxiv_record(1, "A", "x"), "{oops", arxiv_record(2, "B", "y")])
    result = run("add", str(path))
    assert result.returncode == 0
    assert "2 new, 0 updated, 0 unchanged, 1 malformed" in result.stdout
    assert f"papershelf: {path}:2: invalid JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_add_missing_file_exits_2_and_imports_the_rest(tmp_path: Path, sample_path: Path) -> None:
    result = run("add", str(tmp_path / "missing.jsonl"), str(sample_path))
    assert result.returncode == 2
    assert f"papershelf: {tmp_path / 'missing.jsonl'}: no such file" in result.stderr
    assert "54 new" in result.stdout


def test_add_help() -> None:
    result = run("add", "--help")
    assert result.returncode == 0
    assert "Ctrl-C" in result.stdout
    assert "deduplicated" in result.stdout


def test_no_library_means_the_bundled_list() -> None:
    assert open_library() is None


def test_list_prints_matching_papers_for_scripts(sample_path: Path) -> None:
    import json  # noqa: PLC0415

    from papershelf.store.paths import state_path  # noqa: PLC0415

    assert run("list").returncode == 2  # no library yet: said, not a crash
    assert run("add", str(sample_path)).returncode == 0
    state_path().parent.mkdir(parents=True, exist_ok=True)
    unit = "title:unit unifying image and text recognition in one vision encoder"
    state_path().write_text(f'version = 1\n[papers."{unit}"]\nstarred = true\n')
    table = run("list", "vision", "enc")
    assert table.returncode == 0
    rows = table.stdout.strip().splitlines()
    assert len(rows) == 2
    assert rows[0].split("\t")[0] == "★•"
    assert rows[0].endswith("UNIT: Unifying Image and Text Recognition in One Vision Encoder")
    lines = run("list", "--format", "jsonl", "--sort", "upvotes", "--limit", "3").stdout.splitlines()
    assert [json.loads(line)["upvotes"] for line in lines] == [4, 4, 3]  # InfiMM, MiniMax, POA
    starred = json.loads(run("list", "--starred", "--format", "json").stdout)
    assert [p["title"][:4] for p in starred] == ["UNIT"]


def test_add_reads_standard_input_and_pipes_once(tmp_path: Path) -> None:
    records = [arxiv_record(i, f"Paper {i}", "x") for i in range(40)]
    snapshot = write_jsonl(tmp_path / "snap.jsonl", [*records[:20], "{oops", *records[20:]])
    data = snapshot.read_bytes()
    piped = subprocess.run(
        [SCRIPT, "add", "-"], input=data, capture_output=True, timeout=120, env=os.environ.copy(), check=False
    )
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.decode().startswith(
        "papershelf: <stdin>: 40 new, 0 updated, 0 unchanged, 1 malformed"
    )
    assert "papershelf: <stdin>:21: invalid JSON" in piped.stderr.decode()
    # /dev/stdin that is a pipe (not a file): read once, nothing lost to a first look
    shell = f"cat {snapshot} | {SCRIPT} add /dev/stdin"
    again = subprocess.run(shell, shell=True, capture_output=True, text=True, timeout=120, check=False)
    assert again.returncode == 0, again.stderr
    assert "0 new, 0 updated, 40 unchanged, 1 malformed" in again.stdout
    assert "Traceback" not in again.stderr
    collection = open_library()
    assert isinstance(collection, LibraryCollection)
    assert len(collection) == 40


def test_add_reads_a_piped_bibtex_file_and_says_what_is_not_text() -> None:
    bibtex = Path(__file__).parents[1] / "fixtures" / "jabref_authors.bib"
    piped = subprocess.run(
        [SCRIPT, "add", "-"],
        input=bibtex.read_bytes(),
        capture_output=True,
        timeout=120,
        env=os.environ.copy(),
        check=False,
    )
    assert piped.returncode == 0, piped.stderr
    assert " new, 0 updated" in piped.stdout.decode()
    bad = subprocess.run(
        [SCRIPT, "add", "-"],
        input=b"x\xff\n",
        capture_output=True,
        timeout=120,
        env=os.environ.copy(),
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.decode().strip() == "papershelf: <stdin>:1: not UTF-8 text"


def test_ctrl_c_while_merging_says_so_and_keeps_the_papers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from papershelf.cli.add import INTERRUPTED_MERGING, run_add  # noqa: PLC0415
    from papershelf.library.library import Library  # noqa: PLC0415

    def interrupted(self: Library, **_: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(Library, "merge", interrupted)
    path = write_jsonl(tmp_path / "a.jsonl", [arxiv_record(i, f"Paper {i}", "x") for i in range(5)])
    assert run_add([path]) == 130
    assert capsys.readouterr().err.strip() == INTERRUPTED_MERGING
    collection = open_library()
    assert isinstance(collection, LibraryCollection)
    assert len(collection) == 5


def test_list_into_a_pipe_closed_early_ends_quietly(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "s.jsonl", [arxiv_record(i, f"Paper {i} " + "long " * 20, "x") for i in range(3000)]
    )
    assert run("add", str(path)).returncode == 0
    # `papershelf list | head -1`: the reader closes the pipe after a line (far more is written)
    lister = subprocess.Popen(
        [SCRIPT, "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy()
    )
    assert lister.stdout is not None
    assert lister.stdout.readline().strip()
    lister.stdout.close()
    _, err = lister.communicate(timeout=60)
    assert (lister.returncode, err) == (0, b"")
