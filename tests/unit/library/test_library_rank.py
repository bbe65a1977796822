"""The library ranks exactly as the same papers in memory do (features from the index), keeps its
features beside it per segment, and builds only a new segment's features after an import."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from papershelf.collection.memory import InMemoryCollection
from papershelf.library.library import Library
from papershelf.query.context import Context
from papershelf.query.search import Query
from papershelf.sources.jsonl import parse_jsonl
from papershelf.store.reading import ReadingState

TOPICS = Path(__file__).parents[2] / "fixtures" / "arxiv_topics.jsonl"


def test_library_and_memory_rank_alike_and_features_grow_by_segment(tmp_path: Path) -> None:
    papers = parse_jsonl(TOPICS.read_text(encoding="utf-8"))
    directory = tmp_path / "library"
    library = Library(directory)
    library.importer().import_papers(papers[:80])
    library.importer().import_papers(papers[80:])  # a second segment
    collection = library.collection()
    memory = InMemoryCollection(papers)
    state = ReadingState()
    for paper in papers[:40:8]:
        state.update(paper.key, starred=True)
    state.update(papers[3].key, read=True)
    context = Context(state)
    foryou = Query(sort="foryou")
    assert collection.filter(foryou, context).tolist() == memory.filter(foryou, context).tolist()
    # Likeness from the index's posting lists: the same best 20 (the tail may swap near-ties).
    like = Query(sort=f"like:{papers[5].key}")
    assert collection.filter(like, context).tolist()[:20] == memory.filter(like, context).tolist()[:20]
    query = Query("robot | language", sort="relevance")
    assert collection.filter(query, context).tolist() == memory.filter(query, context).tolist()
    cached = sorted(p.name for p in (directory / "rank").iterdir())
    assert len(cached) == 2  # one per segment
    first = directory / "rank" / cached[0] / "indices.npy"
    stamp = first.stat().st_mtime_ns
    renamed = [type(p)(title=p.title + " again", abstract=p.abstract, authors=p.authors) for p in papers[:3]]
    library.importer().import_papers(renamed)
    again = library.collection()
    found = again.filter(Query(sort="foryou"), context)
    assert sorted(found.tolist()) == list(range(123))
    assert len(list((directory / "rank").iterdir())) == 3
    assert first.stat().st_mtime_ns == stamp  # the old segments' features were not rebuilt
    scores_why = again.why(int(found[0]), "foryou", state)
    assert scores_why is not None
    assert scores_why[1]
    assert np.isfinite(scores_why[0])
