import json

import pytest

from papershelf.model import Paper
from papershelf.sources import SourceError, dump_jsonl, parse_text
from papershelf.sources.jsonl import parse_jsonl


def test_round_trip_of_the_sample(sample_papers: list[Paper]) -> None:
    text = dump_jsonl(sample_papers)
    assert len(text.splitlines()) == 54
    assert parse_text(text, "saved.jsonl") == sample_papers


def test_round_trip_of_every_field() -> None:
    paper = Paper(
        title="Ünïcode — title",
        abstract="para one\n\npara two",
        authors=("Ada Lovelace", "Alan Turing"),
        author_count=2,
        organization="Org",
        published="2024-06-01",
        upvotes=12,
        arxiv_id="2406.00001",
        url="https://arxiv.org/abs/2406.00001",
        source="arxiv",
        categories=("cs.LG", "stat.ML"),
        updated="2024-06-03",
        github="https://github.com/x/y",
        comments=3,
        note="12 pages",
        doi="10.1/2",
    )
    (back,) = parse_jsonl(dump_jsonl([paper]), "x.jsonl")
    assert back == paper
    assert back.key == "arxiv:2406.00001"
    assert json.loads(dump_jsonl([paper]))["key"] == "arxiv:2406.00001"


def test_json_array_reads_too() -> None:
    papers = parse_text('[{"title": "A"}, {"title": "B", "upvotes": 3}]', "list.json")
    assert [(p.title, p.upvotes) for p in papers] == [("A", 0), ("B", 3)]


def test_arxiv_version_suffix_is_dropped() -> None:
    (paper,) = parse_jsonl('{"title": "T", "arxiv_id": "2401.01234v3"}', "x.jsonl")
    assert paper.arxiv_id == "2401.01234"


def test_control_characters_are_stripped() -> None:
    (paper,) = parse_jsonl(json.dumps({"title": "\x1b[2J[b]x[/b]\x00", "abstract": "a\x1b[31mb"}), "x")
    assert paper.title == "[b]x[/b]"
    assert paper.abstract == "ab"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('{"title": "ok"}\n{"title": 3}\n', 2, "'title' must be a non-empty string"),
        ('{"title": "ok"}\n\n{broken\n', 3, "invalid JSON"),
        ('{"title": "ok", "colour": "red"}\n', 1, "unknown field 'colour'"),
        ('{"title": "ok", "upvotes": -1}\n', 1, "'upvotes' must be a whole number"),
        ('{"title": "ok", "published": "yesterday"}\n', 1, "'published' must be a date"),
        ('{"title": "ok", "authors": "Ada"}\n', 1, "'authors' must be a list of strings"),
        ('{"title": "ok", "arxiv_id": "nope"}\n', 1, "not an arXiv id"),
        ("[1, 2]", None, "expected a JSON object"),
    ],
)
def test_malformed_lines_name_the_line(text: str, line: int | None, message: str) -> None:
    with pytest.raises(SourceError) as info:
        parse_text(text, "bad.jsonl")
    assert info.value.line == line
    assert message in str(info.value)
    assert str(info.value).startswith("bad.jsonl")
