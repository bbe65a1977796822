"""Terminal escapes in any field never reach standard output, standard error or an export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixture_server import FixtureServer, Reply

SCRIPT = str(Path(sys.executable).parent / "papershelf")
FIXTURES = Path(__file__).parents[1] / "fixtures"
TITLE_SET = "\x1b]0;owned\x07"
CLIPBOARD = "\x1b]52;c;ZWNobyBvd25lZA==\x07"
CLEAR = "\x1b[2J"
# What must never come out: ESC, BEL, the 8-bit CSI, bidi overrides, and no residue of a sequence.
FORBIDDEN = ("\x1b", "\x07", "\x9b", "\u202e", "owned", "ZWNobyBvd25lZA", "[2J")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )


def assert_clean(text: str, where: str) -> None:
    for bad in FORBIDDEN:
        assert bad not in text, f"{bad!r} in {where}: {text!r}"


def hostile_hf_answer() -> bytes:
    """The recorded daily-papers answer, with escapes in every field a server controls."""
    items = json.loads((FIXTURES / "hf_daily_papers.json").read_text(encoding="utf-8"))
    paper = items[0]["paper"]
    paper["id"] = f"evil{TITLE_SET}{CLIPBOARD}{CLEAR}"  # not an arXiv id: the key is hf:<id>
    paper["title"] = f"Hostile{TITLE_SET} title"
    paper["summary"] = f"An abstract{CLEAR} with\u202e bidi and \x9b31m 8-bit CSI."
    paper["authors"][0]["name"] = f"Ada{CLIPBOARD} Lovelace"
    paper["organization"]["fullname"] = f"Org{CLEAR}"
    paper["githubRepo"] = "javascript:alert(1)"
    items[1]["paper"]["id"] = f"2409.04095{TITLE_SET}"
    return json.dumps(items).encode()


@pytest.fixture
def hostile_library() -> Iterator[FixtureServer]:
    with FixtureServer() as server:
        server.route("/api/daily_papers", Reply(200, hostile_hf_answer()))
        env = {"PAPERSHELF_HF_URL": server.url, "PAPERSHELF_BACKOFF": "0"}
        fetched = run("fetch", "hf", env=env)
        assert fetched.returncode == 0, fetched.stderr
        assert_clean(fetched.stdout + fetched.stderr, "fetch output")
        snapshot = (FIXTURES / "arxiv_snapshot_0704.0001.jsonl").read_text(encoding="utf-8")
        record = json.loads(snapshot)
        record["categories"] = f"hep-ph{TITLE_SET} {CLIPBOARD}cs.LG{CLEAR}"
        path = Path(os.environ["HOME"]) / "snapshot.jsonl"
        path.write_text(json.dumps(record) + "\n", encoding="utf-8")
        added = run("add", str(path))
        assert added.returncode == 0, added.stderr
        assert_clean(added.stdout + added.stderr, "add output")
        yield server


def test_list_and_every_export_format_print_no_escape(hostile_library: FixtureServer, tmp_path: Path) -> None:
    """One hostile library (fetched and imported once: each costs a few processes), every
    output format of list and export."""
    for fmt in ("table", "json", "jsonl"):
        listed = run("list", "--format", fmt)
        assert listed.returncode == 0, listed.stderr
        assert_clean(listed.stdout + listed.stderr, f"list --format {fmt}")
        assert "hf:evil" in listed.stdout  # the Hugging Face id, cleaned, is the key
        if fmt == "jsonl":
            papers = [json.loads(line) for line in listed.stdout.splitlines()]
            snapshot = next(p for p in papers if p.get("arxiv_id") == "0704.0001")
            assert snapshot["categories"] == ["hep-ph", "cs.LG"]
            hostile = next(p for p in papers if p["title"].startswith("Hostile"))
            assert "github" not in hostile  # a javascript: repository link is no link
    for fmt in ("bibtex", "markdown", "csv", "jsonl"):
        out = tmp_path / f"out.{fmt}"
        exported = run("export", "--format", fmt, "-o", str(out))
        assert exported.returncode == 0, exported.stderr
        assert_clean(exported.stderr, f"export --format {fmt} message")
        text = out.read_text(encoding="utf-8")
        assert_clean(text, f"export --format {fmt}")
        assert "Hostile title" in text, fmt
        assert "javascript:" not in text, fmt


def test_a_path_with_escapes_is_named_cleanly_in_the_error(tmp_path: Path) -> None:
    missing = tmp_path / f"gone{TITLE_SET}{CLEAR}.jsonl"
    opened = run(str(missing), "-o", str(tmp_path / "x.jsonl"))
    assert opened.returncode == 2
    assert_clean(opened.stderr, "error message")
    assert "gone" in opened.stderr


def test_absurd_fields_are_bounded_on_import(tmp_path: Path) -> None:
    from papershelf.model import MAX_ABSTRACT, MAX_LINE  # noqa: PLC0415

    record = {"title": "T" * 1_000_000, "abstract": "word " * 10_000_000, "authors": ["A" * 100_000]}
    path = tmp_path / "huge.jsonl"
    path.write_text(json.dumps(record) + "\n" + json.dumps({"title": "Small one"}) + "\n", encoding="utf-8")
    added = run("add", str(path))
    assert added.returncode == 0, added.stderr
    assert "2 new" in added.stdout
    listed = run("list", "--format", "jsonl")
    papers = [json.loads(line) for line in listed.stdout.splitlines()]
    huge = next(p for p in papers if p["title"].startswith("TTT"))
    assert len(huge["title"]) == MAX_LINE
    assert len(huge["abstract"]) <= MAX_ABSTRACT
    assert huge["abstract"].endswith("(cut at 100,000 of 49,999,999 characters)")  # the trailing space went
    assert [len(a) for a in huge["authors"]] == [MAX_LINE]
