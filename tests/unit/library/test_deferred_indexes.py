"""A large import defers the arXiv id and title key indexes (library/deferred_indexes.py): the
cross-source match answers from memory exactly as SQLite would, and the indexes come back."""

from __future__ import annotations

import contextlib
import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from papershelf.library.deferred_indexes import INDEXES, MemoryLookup, worth_deferring
from papershelf.library.library import Library
from papershelf.library.rows import INSERT, UPDATE, digest, paper_to_row
from papershelf.library.store import LibraryStore
from papershelf.model import Paper, title_key


def indexes(store: LibraryStore) -> set[str]:
    rows = store.db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'papers_%'")
    return {name for (name,) in rows}


def stored(paper: Paper, paper_id: int) -> tuple[object, ...]:
    return (paper_id, *paper_to_row(paper), digest(paper), title_key(paper.title))


@pytest.mark.parametrize("hash_of", [hash, lambda value: len(value) % 3], ids=["hash", "colliding"])
def test_the_memory_lookup_answers_as_sqlite_does(tmp_path: Path, hash_of: object) -> None:
    rng = random.Random(7)
    store = LibraryStore(tmp_path / "library.sqlite")
    titles = [f"Title {n}" for n in range(12)] + ["", "Ünïcode title"]
    ids = [f"2401.{n:05d}" for n in range(10)]

    def paper(number: int) -> Paper:
        arxiv = rng.choice([None, *ids])
        return Paper(key=f"k{number}", title=rng.choice(titles), arxiv_id=arxiv)

    def insert(papers: list[tuple[int, Paper]]) -> list[tuple[object, ...]]:
        rows = [stored(p, i) for i, p in papers]
        with store.db:
            store.db.executemany(INSERT, rows)
        return rows

    insert([(n, paper(n)) for n in range(1, 40)])  # there before the import, and many more
    insert([(n, Paper(key=f"k{n}", title=f"Unique {n}")) for n in range(1000, 1300)])  # (runs of sizes apart)
    lookup = MemoryLookup(store, hash_of)  # type: ignore[arg-type]
    asked_ids, asked_titles = [*ids, "2402.00001"], [title_key(t) for t in titles] + ["never seen"]
    for batch in range(5):
        new = [(n, paper(n)) for n in range(40 + batch * 20, 60 + batch * 20)]
        inserts = insert(new)
        changed = []  # earlier papers given another title or arXiv id (stale entries)
        for paper_id in rng.sample(range(1, 40 + batch * 20), 5):
            again = paper(paper_id)
            changed.append((*paper_to_row(again)[1:], digest(again), title_key(again.title), paper_id))
        with store.db:
            store.db.executemany(UPDATE, changed)
        lookup.written(inserts, changed)
        assert lookup.same_paper(asked_ids, asked_titles) == store.same_paper(asked_ids, asked_titles)


def paper_line(title: str, arxiv_id: str | None = None, abstract: str = "") -> str:
    record = {"title": title, "abstract": abstract or f"About {title}. " * 40, "updated": "2024-01-02"}
    if arxiv_id:
        record["arxiv_id"] = arxiv_id
    return json.dumps(record)


def test_a_large_import_with_deferred_indexes_equals_a_small_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Titles first seen without an arXiv id, then with one in a later chunk (the same paper),
    # and two arXiv ids sharing a title (two papers); a library that already has some of them.
    before = [paper_line(f"Known paper {n}") for n in range(10)]
    lines = [paper_line(f"Paper number {n}") for n in range(60)]
    lines += [paper_line(f"Paper number {n}", f"2401.{n:05d}", "now from arXiv") for n in range(0, 60, 3)]
    lines += [paper_line(f"Known paper {n}", f"2402.{n:05d}") for n in range(0, 10, 2)]
    lines += [paper_line("Shared title", f"2403.{n:05d}") for n in range(4)]
    lines += [paper_line("Shared title", "2403.00001", "an update of that one")]
    (tmp_path / "before.jsonl").write_text("\n".join(before) + "\n")
    (tmp_path / "p.jsonl").write_text("\n".join(lines) + "\n")
    asked = []
    answer = MemoryLookup.same_paper
    monkeypatch.setattr(MemoryLookup, "same_paper", lambda self, *a: asked.append(a) or answer(self, *a))
    libraries = []
    for name, workers, threshold in (("small", 1, 1 << 40), ("large", 2, 0)):
        library = Library(tmp_path / name)
        library.importer().import_jsonl(tmp_path / "before.jsonl", workers=1)
        report = library.importer().import_jsonl(
            tmp_path / "p.jsonl", workers=workers, chunk_size=16, parallel_min_bytes=threshold
        )
        assert indexes(library.store) == set(INDEXES.values())
        libraries.append((report, library))
    (a, one), (b, two) = libraries
    assert (a.new, a.updated, a.unchanged) == (b.new, b.updated, b.unchanged)
    assert a.updated >= 20 + 5
    assert len(asked) > 5  # the large import's matches were answered from memory
    assert list(one.store.papers()) == list(two.store.papers())


def test_deferred_only_for_a_file_large_against_the_library(tmp_path: Path) -> None:
    store = LibraryStore(tmp_path / "library.sqlite")
    assert worth_deferring(store, 1)  # an empty library
    assert not worth_deferring(store, None)  # a stream of unknown size
    with store.db:
        store.db.executemany(INSERT, [stored(Paper(key=f"k{n}", title=f"T {n}"), n) for n in range(1, 101)])
    assert not worth_deferring(store, 100 * 4096 - 1)
    assert worth_deferring(store, 100 * 4096)


def test_the_indexes_come_back_after_an_interrupted_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join(paper_line(f"Paper {n}") for n in range(100)) + "\n")
    library = Library(tmp_path / "lib")
    calls = []
    real = __import__("papershelf.library.importer", fromlist=["_transaction"])._transaction

    def interrupted(store: LibraryStore) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(store)

    monkeypatch.setattr("papershelf.library.importer._transaction", interrupted)
    report = library.importer().import_jsonl(path, workers=2, chunk_size=10, parallel_min_bytes=0)
    assert report.interrupted
    assert library.store.count() == 20
    assert indexes(library.store) == set(INDEXES.values())


def test_indexes_dropped_by_a_killed_import_are_built_at_the_next_open(tmp_path: Path) -> None:
    store = LibraryStore(tmp_path / "library.sqlite")
    for name in INDEXES.values():
        store.db.execute(f"DROP INDEX {name}")
    store.close()
    assert indexes(LibraryStore(tmp_path / "library.sqlite")) == set(INDEXES.values())


def test_ctrl_c_while_the_indexes_are_built_is_an_interruption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papershelf.library import deferred_indexes  # noqa: PLC0415

    real = deferred_indexes.indexes_deferred

    @contextlib.contextmanager
    def interrupted_at_the_end(store: LibraryStore) -> Iterator[MemoryLookup]:
        with real(store) as lookup:
            yield lookup
        raise KeyboardInterrupt

    monkeypatch.setattr("papershelf.library.importer.indexes_deferred", interrupted_at_the_end)
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join(paper_line(f"Paper {n}") for n in range(50)) + "\n")
    library = Library(tmp_path / "lib")
    report = library.importer().import_jsonl(path, workers=2, chunk_size=10, parallel_min_bytes=0)
    assert report.interrupted
    assert (report.new, library.store.count()) == (50, 50)
    assert indexes(library.store) == set(INDEXES.values())
