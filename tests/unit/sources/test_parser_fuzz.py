"""Fuzzing every parser from real records: real lines, entries and feeds with parts replaced by
generated values (structured JSON, ``from_regex`` dates and counts, LaTeX and BibTeX syntax).
Each parser returns papers or raises :class:`SourceError`; nothing else gets out, and every
paper it returns is clean text. Examples are bounded: this is a regression net, not a soak."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papershelf.model import Paper
from papershelf.sources import SourceError, parse_records
from papershelf.sources.arxiv_atom import api_error, parse_arxiv_atom
from papershelf.sources.arxiv_rss import parse_arxiv_rss
from papershelf.sources.arxiv_snapshot import paper_from_arxiv_record
from papershelf.sources.bibtex import parse_bibtex
from papershelf.sources.hf_api import parse_hf_api
from papershelf.sources.hf_page import parse_hf_page
from papershelf.sources.jsonl import paper_from_dict

FIXTURES = Path(__file__).parents[2] / "fixtures"
SNAPSHOT = [json.loads(line) for line in (FIXTURES / "arxiv_snapshot_sample.jsonl").read_text().splitlines()]
HF_ITEMS = [
    *json.loads((FIXTURES / "hf_daily_papers_2024.json").read_text()),
    *json.loads((FIXTURES / "hf_daily_papers_2026.json").read_text()),
]
BIB_ENTRIES = re.split(r"\n(?=@)", (FIXTURES / "jabref_authors.bib").read_text())[1:30]
PAGE = (Path(__file__).parents[3] / "src/papershelf/data/daily-papers.txt").read_text().split("\n")
ATOM = (FIXTURES / "arxiv_api_testing.xml").read_text()
RSS = (FIXTURES / "arxiv_rss_quant_ph.xml").read_text()

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**25), max_value=10**25)
    | st.floats(allow_nan=True)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
rfc_dates = st.from_regex(
    r"\A(Mon|Tue|Sun)?, ?[0-9]{0,3} (Jan|Feb|Foo|Dec)? [0-9]{0,22} [0-9:]{0,8} (GMT)?\Z", fullmatch=True
)
iso_dates = st.from_regex(r"\A-?[0-9]{0,22}(-[0-9]{0,3}){0,3}\Z", fullmatch=True)
nasty_text = st.text(
    alphabet=st.characters(codec="utf-8") | st.sampled_from("\x1b\x07\u2028\u0085\u202e{}\\$#%@\"'\n\r\t"),
    max_size=40,
)


def assert_clean(paper: Paper) -> None:
    texts = [paper.title, paper.abstract, *paper.authors, *paper.categories, *paper.ai_keywords]
    texts += [t for t in (paper.venue, paper.note, paper.doi, paper.organization, paper.ai_summary) if t]
    for text in texts:
        assert not set(text) & {"\x1b", "\x07", "\u202e"}, text
    assert paper.title.strip()
    assert 0 <= paper.upvotes < 2**63
    for count in (paper.comments, paper.github_stars, paper.author_count, paper.version):
        assert count is None or 0 <= count < 2**63


def settle(outcome: Any) -> None:
    if isinstance(outcome, Paper):
        assert_clean(outcome)


@FUZZ
@given(st.sampled_from(SNAPSHOT), st.sampled_from(sorted(SNAPSHOT[0])), json_values | rfc_dates | nasty_text)
def test_snapshot_records(record: dict[str, Any], field: str, value: Any) -> None:
    record = {**record, field: value}
    if field == "versions" and isinstance(value, str):
        record["versions"] = [{"version": "v1", "created": value}]
    try:
        settle(paper_from_arxiv_record(record, "snapshot.jsonl", 7))
    except SourceError as error:
        lines = [error.line]
    else:
        lines = [7]
    assert lines == [7]  # an error names the line


@FUZZ
@given(
    st.sampled_from(SNAPSHOT),
    st.sampled_from(
        ["title", "abstract", "published", "updated", "upvotes", "authors", "comments", "github"]
    ),
    json_values | iso_dates | nasty_text,
)
def test_papershelf_json_records(record: dict[str, Any], field: str, value: Any) -> None:
    obj = {"title": record["title"], "abstract": record["abstract"], "published": "2007-04-02", field: value}
    try:
        settle(paper_from_dict(obj, "mine.jsonl", 3))
    except SourceError as error:
        lines = [error.line]
    else:
        lines = [3]
    assert lines == [3]  # an error names the line


@FUZZ
@given(st.lists(st.sampled_from(SNAPSHOT), min_size=1, max_size=3), st.integers(0, 4000), nasty_text)
def test_json_lines_text_cut_and_spliced(records: list[dict[str, Any]], at: int, splice: str) -> None:
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    text = text[:at] + splice + text[at:]
    try:
        for item in parse_records(text, "s.jsonl"):
            settle(item)
    except SourceError:
        pass


def _replace_path(item: Any, path: list[str], value: Any) -> Any:
    if not path or not isinstance(item, dict):
        return value
    return {**item, path[0]: _replace_path(item.get(path[0]), path[1:], value)}


HF_PATHS = [
    ["paper"],
    ["paper", "id"],
    ["paper", "title"],
    ["paper", "summary"],
    ["paper", "authors"],
    ["paper", "upvotes"],
    ["paper", "githubStars"],
    ["paper", "ai_keywords"],
    ["paper", "ai_summary"],
    ["paper", "organization"],
    ["paper", "publishedAt"],
    ["paper", "projectPage"],
    ["paper", "githubRepo"],
    ["numComments"],
    ["organization"],
]


@FUZZ
@given(st.sampled_from(HF_ITEMS), st.sampled_from(HF_PATHS), json_values | iso_dates | nasty_text)
def test_hf_items(item: dict[str, Any], path: list[str], value: Any) -> None:
    body = json.dumps([_replace_path(item, path, value)])
    try:
        parsed = parse_hf_api(body, "daily_papers")
    except SourceError:
        return
    for paper in parsed.papers:
        assert_clean(paper)


@FUZZ
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_hf_bodies(body: bytes) -> None:
    try:
        for paper in parse_hf_api(body, "daily_papers").papers:
            assert_clean(paper)
    except SourceError:
        pass


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


ELEMENT = re.compile(r"<(?P<tag>[\w:]+)(?P<attrs>[^>]*)>(?P<text>[^<]*)</(?P=tag)>")


@FUZZ
@given(st.integers(0, 10_000), st.sampled_from(["atom", "rss"]), nasty_text | rfc_dates | iso_dates)
def test_xml_feeds_with_an_element_replaced(pick: int, kind: str, value: str) -> None:
    source = ATOM if kind == "atom" else RSS
    elements = list(ELEMENT.finditer(source))
    match = elements[pick % len(elements)]
    text = source[: match.start("text")] + _xml_text(value) + source[match.end("text") :]
    try:
        if kind == "atom":
            feed = parse_arxiv_atom(text, "arXiv API")
            papers = feed.papers
            assert feed.total is None or feed.total >= 0
            api_error(text)
        else:
            papers, _ = parse_arxiv_rss(text, "arXiv feed")
    except SourceError:
        return
    for paper in papers:
        assert_clean(paper)


@FUZZ
@given(st.integers(0, 30_000), st.sampled_from(["atom", "rss"]), st.text(max_size=20))
def test_xml_feeds_cut_and_spliced(at: int, kind: str, splice: str) -> None:
    source = ATOM if kind == "atom" else RSS
    text = source[:at] + splice + source[at:]
    try:
        if kind == "atom":
            parse_arxiv_atom(text.encode("utf-8", "surrogatepass"), "arXiv API")
        else:
            parse_arxiv_rss(text.encode("utf-8", "surrogatepass"), "arXiv feed")
    except SourceError:
        pass


bib_syntax = st.from_regex(
    r"\A(\{|\}|@|#|=|,|\"|\\[\"'`^~Hcvu]?|\\L|\\i|--|\$|%|month|year|jan|crossref|[a-z0-9 ]|\n){0,25}\Z",
    fullmatch=True,
)


@FUZZ
@given(st.lists(st.sampled_from(BIB_ENTRIES), min_size=1, max_size=4), st.integers(0, 2000), bib_syntax)
def test_bibtex_entries_with_syntax_spliced_in(entries: list[str], at: int, splice: str) -> None:
    text = "\n".join(entries)
    text = text[:at] + splice + text[at:]
    try:
        items = parse_bibtex(text, "refs.bib")
    except SourceError:
        return
    for item in items:
        if isinstance(item, SourceError):
            assert item.line is not None
            assert item.line >= 1
        else:
            assert_clean(item)


@FUZZ
@given(
    st.sampled_from(BIB_ENTRIES),
    st.sampled_from(["year", "month", "title", "author", "journal", "date", "crossref", "eprint"]),
    bib_syntax | iso_dates | nasty_text,
)
def test_bibtex_field_values(entry: str, field: str, value: str) -> None:
    value = value.replace("{", "").replace("}", "")
    text = entry.rstrip().rstrip("}") + f",\n  {field} = {{{value}}}\n}}\n"
    try:
        for item in parse_bibtex(text, "refs.bib"):
            settle(item)
    except SourceError:
        pass


page_meta = st.from_regex(
    r"\A(  • [0-9]{0,12} authors?\n·\n)?(Jan|Feb|Sep|Dec) [0-9]{0,3}, [0-9]{0,6}( [0-9]{0,25})?\Z",
    fullmatch=True,
)


@FUZZ
@given(st.integers(0, len(PAGE) - 1), page_meta | nasty_text, st.integers(1, 200))
def test_hf_page_lines_replaced(at: int, line: str, keep: int) -> None:
    lines = [*PAGE[: keep * 4]]
    lines[at % len(lines)] = line
    try:
        for paper in parse_hf_page("\n".join(lines), "page.txt"):
            assert_clean(paper)
    except SourceError:
        pass
