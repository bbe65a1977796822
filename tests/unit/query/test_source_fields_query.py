"""venue:, is:new / is:replaced / is:crosslisted, has:code and Hugging Face's keywords, over real
recorded papers, in the in-memory list, the library and the reference (same answers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from papershelf.collection.memory import InMemoryCollection
from papershelf.library.collection import LibraryCollection
from papershelf.library.library import Library
from papershelf.model import Paper
from papershelf.query.context import Context
from papershelf.query.reference import reference_match
from papershelf.query.search import Query
from papershelf.query.syntax import parse
from papershelf.sources import load_file
from papershelf.sources.arxiv_rss import parse_arxiv_rss
from papershelf.sources.hf_api import parse_hf_api
from papershelf.store.reading import ReadingState

FIXTURES = Path(__file__).parents[2] / "fixtures"


def _papers() -> list[Paper]:
    rss, _ = parse_arxiv_rss((FIXTURES / "arxiv_rss_quant_ph.xml").read_bytes())
    hf = parse_hf_api((FIXTURES / "hf_daily_papers_2026.json").read_bytes()).papers
    bib = load_file(FIXTURES / "jabref_complex.bib")[:4]
    return [*rss, *hf, *bib]


PAPERS = _papers()


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> tuple[InMemoryCollection, LibraryCollection]:
    library = Library(Path(tmp_path_factory.mktemp("lib")))
    library.importer().import_papers(PAPERS, chunk_size=4)
    return InMemoryCollection(PAPERS), library.collection()


def positions(predicate: object) -> list[int]:
    return [i for i, p in enumerate(PAPERS) if predicate(p)]  # type: ignore[operator]


CASES = {
    "is:new": positions(lambda p: p.announce in ("new", "cross")),
    "is:replaced": positions(lambda p: p.announce in ("replace", "replace-cross")),
    "is:crosslisted": positions(lambda p: p.announce in ("cross", "replace-cross")),
    "-is:replaced cat:quant": positions(lambda p: p.announce in ("new", "cross")),
    "has:code": positions(lambda p: p.github is not None),
    'venue:"phys rev"': positions(lambda p: p.venue is not None and "Phys. Rev." in p.venue),
    "venue:neurocomputing": positions(lambda p: p.venue is not None and "Neurocomputing" in p.venue),
    "venue:(sess | personal)": positions(
        lambda p: p.venue is not None and p.venue.startswith(("SESS", "Personal"))
    ),
    '"zero shot classification"': positions(lambda p: "zero-shot classification" in p.ai_keywords),
    "pseudo label": positions(lambda p: p.arxiv_id == "2602.23229"),
    # in HF's keywords only (not in the title or the abstract)
    '"context refinement"': positions(lambda p: "context refinement" in p.ai_keywords),
    "neurocomputing": positions(lambda p: p.venue is not None and "Neurocomputing" in p.venue),
}


def test_the_cases_are_not_empty() -> None:
    assert all(CASES.values()), CASES
    assert len(CASES["is:replaced"]) == 5


@pytest.mark.parametrize(("text", "expected"), CASES.items())
def test_each_engine_answers_like_the_reference(
    text: str, expected: list[int], engines: tuple[InMemoryCollection, LibraryCollection]
) -> None:
    state = ReadingState()
    node = parse(text)
    assert positions(lambda p: reference_match(node, p, state)) == expected
    memory, library = engines
    assert list(memory.filter(Query(text), Context(state))) == expected
    assert list(library.filter(Query(text), Context(state))) == expected
