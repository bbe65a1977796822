"""The library ranks exactly as the same papers in memory do (features from the index), keeps its
features beside it per segment, and builds only a new segment's features after an import."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from papershelf.collection.memory import InMemoryCollection
from papershelf.library.library import Library
from papershelf.library.ranking import FEATURE_VERSION
from papershelf.model import Paper
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
    parts = sorted(p.name for p in (directory / "rank" / "parts").iterdir())
    assert len(parts) == 2  # one per segment, built when it was imported
    meta = json.loads((directory / "rank" / "matrix.json").read_text())
    assert meta["size"] == 120
    assert len(meta["blocks"]) == 1
    first = directory / "rank" / meta["dir"] / meta["blocks"][0] / "cols.npy"
    stamp = first.stat().st_mtime_ns
    renamed = [type(p)(title=p.title + " again", abstract=p.abstract, authors=p.authors) for p in papers[:3]]
    library.importer().import_papers(renamed)
    assert len(list((directory / "rank" / "parts").iterdir())) == 3
    again = library.collection()
    found = again.filter(Query(sort="foryou"), context)
    assert sorted(found.tolist()) == list(range(123))
    grown = json.loads((directory / "rank" / "matrix.json").read_text())
    assert grown["dir"] == meta["dir"]  # extended: the new papers' rows appended as a block
    assert grown["blocks"][0] == meta["blocks"][0]
    assert len(grown["blocks"]) == 2
    assert grown["size"] == 123
    assert first.stat().st_mtime_ns == stamp  # the old rows were not written again
    scores_why = again.why(int(found[0]), "foryou", state)
    assert scores_why is not None
    assert scores_why[1]
    assert np.isfinite(scores_why[0])


def test_the_matrix_is_ready_after_an_import_and_survives_merges(tmp_path: Path) -> None:
    papers = parse_jsonl(TOPICS.read_text(encoding="utf-8"))
    directory = tmp_path / "library"
    library = Library(directory)
    for start in range(0, 120, 30):
        library.importer().import_papers(papers[start : start + 30])
    library.refresh_ranking()  # what add and fetch do after their merges
    meta = json.loads((directory / "rank" / "matrix.json").read_text())
    assert meta["size"] == 120
    assert len(meta["sources"]) == 4
    assert library.merge(force=True) == 1
    merged = json.loads((directory / "rank" / "matrix.json").read_text())
    names = [name for name, _, _ in library.store.segments()]
    assert merged["sources"] == names  # the merged segment is covered: no rebuild
    assert merged["dir"] == meta["dir"]
    assert [p.name for p in (directory / "rank" / "parts").iterdir()] == [f"v{FEATURE_VERSION}-{names[0]}"]
    state = ReadingState()
    for paper in papers[:40:8]:
        state.update(paper.key, starred=True)
    ranked = library.collection().filter(Query(sort="foryou"), Context(state)).tolist()
    memory = InMemoryCollection(papers).filter(Query(sort="foryou"), Context(state)).tolist()
    assert ranked == memory
    # Built again from the merged segment's features (those of its parts, joined).
    (directory / "rank" / "matrix.json").unlink()
    again = library.collection().filter(Query(sort="foryou"), Context(state)).tolist()
    assert again == memory


def imported(tmp_path: Path) -> tuple[list[Paper], Path, Library]:
    """The topics corpus imported in one batch: its papers, the library directory, the library."""
    papers = parse_jsonl(TOPICS.read_text(encoding="utf-8"))
    directory = tmp_path / "library"
    library = Library(directory)
    library.importer().import_papers(papers)
    return papers, directory, library


def test_a_damaged_matrix_is_built_again(tmp_path: Path) -> None:
    papers, directory, library = imported(tmp_path)
    library.refresh_ranking()
    meta = json.loads((directory / "rank" / "matrix.json").read_text())
    (directory / "rank" / meta["dir"] / meta["blocks"][0] / "cols.npy").write_bytes(b"garbage")
    state = ReadingState()
    state.update(papers[0].key, starred=True)
    ranked = library.collection().filter(Query(sort="foryou"), Context(state)).tolist()
    assert ranked == InMemoryCollection(papers).filter(Query(sort="foryou"), Context(state)).tolist()
    assert json.loads((directory / "rank" / "matrix.json").read_text())["dir"] != meta["dir"]


RANK_IN_A_NEW_PROCESS = """
import json, sys
from pathlib import Path
from papershelf.library.library import Library
from papershelf.library.ranking import FEATURE_VERSION
from papershelf.model import Paper
from papershelf.query.context import Context
from papershelf.query.search import Query
from papershelf.store.reading import ReadingState
state = ReadingState()
for key in json.loads(sys.argv[2]):
    state.update(key, starred=True)
collection = Library(Path(sys.argv[1]), readonly=True).collection()
order = collection.filter(Query(sort="foryou"), Context(state)).tolist()
why = collection.why(order[0], "foryou", state)  # the words behind the best score
print(json.dumps({"order": order, "why": why[1] if why else None, "sklearn": "sklearn" in sys.modules}))
"""


def test_a_trained_model_is_kept_so_the_next_reader_ranks_without_training(tmp_path: Path) -> None:
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    papers, directory, library = imported(tmp_path)
    library.close()

    def rank(stars: list[str]) -> dict[str, object]:
        done = subprocess.run(
            [sys.executable, "-c", RANK_IN_A_NEW_PROCESS, str(directory), json.dumps(stars)],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        answer: dict[str, object] = json.loads(done.stdout)
        return answer

    models = directory / "rank" / "models"

    def kept() -> set[str]:
        return {path.name for path in models.glob("*.npz")}

    stars = [paper.key for paper in papers[:40:8]]
    first = rank(stars)
    assert len(kept()) == 1  # trained, and kept
    assert not first["sklearn"]  # trained in numpy: no scikit-learn in the process at all
    before = kept()
    again = rank(stars)
    assert kept() == before  # the same stars: the kept model, no training
    assert not again["sklearn"]
    assert again["order"] == first["order"]
    assert again["why"]  # the words behind a score need no scikit-learn either
    assert again["why"] == first["why"]
    changed = rank([*stars, papers[41].key])
    assert len(kept()) == 2  # another star: trained again
    assert not changed["sklearn"]
    assert changed["order"] != first["order"]
    for saved in models.glob("*.npz"):
        saved.write_bytes(b"not a model")  # a damaged file is trained again, not trusted
    assert rank(stars)["order"] == first["order"]
