"""``papershelf list -diffusion`` and ``papershelf export -survey …``: arguments that are not
options of the command are query words, even when they start with "-" (no ``--`` needed)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from papershelf.cli._common import parse_query_args
from papershelf.cli.export import build_export_parser
from papershelf.cli.list_papers import build_list_parser

SCRIPT = str(Path(sys.executable).parent / "papershelf")
FIXTURES = Path(__file__).parents[1] / "fixtures"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, *args], check=False, capture_output=True, text=True, timeout=120, env=os.environ.copy()
    )


def test_non_options_are_query_words() -> None:
    args = parse_query_args(build_list_parser(), ["-diffusion", "--format", "jsonl", "vision", "--limit=3"])
    assert args.query == ["-diffusion", "vision"]
    assert (args.format, args.limit) == ("jsonl", 3)
    args = parse_query_args(build_export_parser(), ["-survey", "-o", "out.bib", "--form", "csv", "-x"])
    assert args.query == ["-survey", "-x"]
    assert (args.output, args.format) == ("out.bib", "csv")
    assert parse_query_args(build_list_parser(), ["--", "--format"]).query == ["--format"]


def test_a_bad_option_value_is_still_a_usage_error() -> None:
    parser = build_list_parser()
    parser.exit_on_error = False
    with pytest.raises(argparse.ArgumentError, match="unknown sort 'nonsense'"):
        parse_query_args(parser, ["--sort", "nonsense"])


def test_list_and_export_with_a_leading_negation(tmp_path: Path) -> None:
    assert run("add", str(FIXTURES / "jabref_authors.bib")).returncode == 0
    everything = run("list", "--format", "jsonl")
    fir = run("list", "fir", "--format", "jsonl")
    without = run("list", "-fir", "--format", "jsonl")
    assert without.returncode == 0, without.stderr
    total, with_fir, without_fir = (len(r.stdout.splitlines()) for r in (everything, fir, without))
    assert with_fir > 0
    assert without_fir == total - with_fir
    assert all("fir" not in json.loads(line)["title"].lower().split() for line in without.stdout.splitlines())
    out = tmp_path / "no-fir.bib"
    exported = run("export", "-fir", "--format", "bibtex", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    assert out.read_text().count("\n@") + 1 == without_fir
