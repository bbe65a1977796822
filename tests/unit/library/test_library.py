"""The persistent library: import, dedupe, updates, malformed lines, interruption, the collection."""

from __future__ import annotations

import contextlib
import gc
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from library_helpers import arxiv_record, write_jsonl
from papershelf.collection.memory import InMemoryCollection
from papershelf.library.importer import Importer
from papershelf.library.library import Library
from papershelf.model import Paper
from papershelf.query.context import Context
from papershelf.query.search import Query
from papershelf.sources import load_file
from papershelf.store.reading import ReadingState


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return Library(tmp_path / "lib")


def titles(library: Library, query: str) -> list[str]:
    collection = library.collection()
    return [collection.paper(i).title for i in collection.filter(Query(query), Context(ReadingState()))]


def test_arxiv_snapshot_fields(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "snap.jsonl",
        [arxiv_record(1, "Scaling  Laws\n  for Pre-training", "  Hard\n  wrapped.\n\n  Second para.")],
    )
    (paper,) = load_file(path)
    assert paper.key == "arxiv:2401.00001"
    assert paper.title == "Scaling Laws for Pre-training"
    assert paper.abstract == "Hard wrapped.\n\nSecond para."
    assert paper.authors == ("Ada Lovelace", "Zoë Müller")
    assert paper.categories == ("cs.LG", "cs.AI")
    assert (paper.published, paper.updated) == ("2024-01-01", "2024-01-02")
    assert paper.url == "https://arxiv.org/abs/2401.00001"


def test_import_then_reimport_adds_nothing(library: Library, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "a.jsonl", [arxiv_record(i, f"Paper {i}", f"About topic{i}") for i in range(50)]
    )
    first = library.importer().import_jsonl(path)
    assert (first.new, first.updated, first.unchanged, first.malformed) == (50, 0, 0, 0)
    again = library.importer().import_jsonl(path)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 50)
    assert library.store.count() == 50
    assert titles(library, "topic7") == ["Paper 7"]


def test_newer_record_updates_fields_and_keeps_position_and_key(library: Library, tmp_path: Path) -> None:
    old = [arxiv_record(i, f"Paper {i}", f"Old words {i}") for i in range(3)]
    library.importer().import_jsonl(write_jsonl(tmp_path / "old.jsonl", old))
    state = ReadingState()
    state.update("arxiv:2401.00001", starred=True, tags=("keep",))
    newer = arxiv_record(1, "Paper 1 (v2)", "Fresh vocabulary", update_date="2024-06-01")
    report = library.importer().import_jsonl(write_jsonl(tmp_path / "new.jsonl", [newer]))
    assert (report.new, report.updated) == (0, 1)
    collection = library.collection()
    assert collection.row(1).title == "Paper 1 (v2)"
    assert collection.row(1).key == "arxiv:2401.00001"
    assert state.get(collection.row(1).key).tags == ("keep",)  # state is keyed by key: it carries over
    # The index follows the update: old words gone, new ones found.
    assert titles(library, "old") == ["Paper 0", "Paper 2"]
    assert titles(library, "fresh") == ["Paper 1 (v2)"]
    assert list(collection.filter(Query("keep"), Context(state))) == [1]  # tags still match


def test_older_record_changes_nothing(library: Library, tmp_path: Path) -> None:
    library.importer().import_jsonl(
        write_jsonl(tmp_path / "a.jsonl", [arxiv_record(1, "New title", "x", update_date="2024-06-01")])
    )
    report = library.importer().import_jsonl(
        write_jsonl(tmp_path / "b.jsonl", [arxiv_record(1, "Old title", "x", update_date="2023-01-01")])
    )
    assert (report.updated, report.unchanged) == (0, 1)
    assert library.collection().row(0).title == "New title"


def test_sparser_record_keeps_richer_fields(library: Library, sample_path: Path) -> None:
    importer = library.importer()
    importer.import_papers(load_file(sample_path))
    minimax = Paper("Towards Scalable Pre-training of Visual Tokenizers for Generation", "")  # no abstract
    report = importer.import_papers([minimax])
    assert report.unchanged == 1
    collection = library.collection()
    index = collection.index_of(minimax.key)
    assert index is not None
    paper = collection.paper(index)
    assert paper.organization == "MiniMaxAI MiniMax"
    assert paper.abstract


def test_duplicates_within_one_file(library: Library, tmp_path: Path) -> None:
    records = [
        arxiv_record(1, "First version", "a", update_date="2024-01-01"),
        arxiv_record(1, "Second version", "b", update_date="2024-02-01"),
        arxiv_record(1, "Stale version", "c", update_date="2023-01-01"),
    ]
    report = library.importer().import_jsonl(write_jsonl(tmp_path / "d.jsonl", records))
    assert (report.new, report.unchanged) == (1, 2)
    assert library.collection().row(0).title == "Second version"


def test_malformed_lines_are_counted_with_line_numbers(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    good = [arxiv_record(i, f"Paper {i}", "text") for i in range(4)]
    write_jsonl(
        path, [good[0], "{broken", good[1], '{"id": "nope", "title": "t", "abstract": "a", "versions": []}']
    )
    with path.open("ab") as handle:
        handle.write(b"\xff\xfe not utf-8\n")
    write_jsonl(tmp_path / "tail.jsonl", [good[2]])
    path.write_bytes(path.read_bytes() + (tmp_path / "tail.jsonl").read_bytes())
    report = library.importer().import_jsonl(path)
    assert (report.new, report.malformed) == (3, 3)
    assert sorted((e.line, e.reason.split(":")[0]) for e in report.errors) == [
        (2, "invalid JSON"),
        (4, "'id' is not an arXiv id"),
        (5, "not UTF-8 text"),
    ]
    assert all(str(e).startswith(str(path)) for e in report.errors)


def test_interrupt_keeps_committed_batches_and_a_consistent_library(library: Library, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "big.jsonl", [arxiv_record(i, f"Paper {i}", f"word{i}") for i in range(100)]
    )
    calls = 0

    def progress(records: int, nbytes: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt

    report = library.importer().import_jsonl(path, progress, chunk_size=20)
    assert report.interrupted
    assert report.new == 60  # three batches of 20 committed before Ctrl-C
    reopened = Library(tmp_path / "lib")
    assert reopened.store.count() == 60
    assert sum(docs for _, docs, _ in reopened.store.segments()) == 60
    assert titles(reopened, "word59") == ["Paper 59"]
    # Importing again finishes the job and adds nothing twice.
    report = reopened.importer().import_jsonl(path, chunk_size=20)
    assert (report.new, report.unchanged) == (40, 60)


def test_failed_commit_leaves_no_segment(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [arxiv_record(i, f"Paper {i}", "x") for i in range(5)])

    def boom(*args: object) -> None:
        raise KeyboardInterrupt

    importer = library.importer()
    monkeypatch.setattr("papershelf.library.importer._transaction", boom)
    report = importer.import_jsonl(path)
    assert report.interrupted
    assert library.store.count() == 0
    assert list(library.index_dir.iterdir()) == []


def test_orphan_segments_from_a_killed_import_are_removed(library: Library) -> None:
    orphan = library.index_dir / "seg-deadbeef"
    orphan.mkdir(parents=True)
    Importer(library.store, library.index_dir)
    assert not orphan.exists()


def test_parallel_import_equals_sequential(tmp_path: Path) -> None:
    records = [
        arxiv_record(i, f"Paper {i} café", f"Abstract of {i} with naïve words{i % 7}") for i in range(300)
    ]
    records[10] = "{not json"
    path = write_jsonl(
        tmp_path / "p.jsonl", [*records, arxiv_record(5, "Paper 5 again", "newer", update_date="2025-01-01")]
    )
    one = Library(tmp_path / "one")
    two = Library(tmp_path / "two")
    a = one.importer().import_jsonl(path, workers=1, chunk_size=40)
    b = two.importer().import_jsonl(path, workers=2, chunk_size=40, parallel_min_bytes=0)
    assert (a.new, a.updated, a.unchanged, a.malformed) == (b.new, b.updated, b.unchanged, b.malformed)
    assert list(one.store.papers()) == list(two.store.papers())
    for query in ("cafe", "naive words3", "again", "newer", "paper 1"):
        assert titles(one, query) == titles(two, query)
    # The large import's page cache and checkpoint interval are given back for what follows
    # (the merges), and the cycle collector runs again.
    for library in (one, two):
        assert library.store.db.execute("PRAGMA cache_size").fetchone()[0] == -2000
        assert library.store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    assert gc.isenabled()


def test_collection_reads_rows_in_pages_and_abstracts_on_demand(library: Library, sample_path: Path) -> None:
    papers = load_file(sample_path)
    library.importer().import_papers(papers)
    collection = library.collection()
    assert len(collection) == 54
    assert [collection.row(i).title for i in range(54)] == [p.title for p in papers]
    assert collection.paper(0) == papers[0]
    assert collection.index_of(papers[10].key) == 10
    assert collection.index_of("title:nothing like it") is None


def test_library_filter_matches_the_scan_on_the_sample(library: Library, sample_path: Path) -> None:
    papers = load_file(sample_path)
    library.importer().import_papers(papers)
    collection = library.collection()
    reference = InMemoryCollection(papers)
    state = ReadingState()
    state.update(papers[3].key, starred=True, tags=("vision-ocr",))
    state.update(papers[4].key, read=True)
    for text in ("scal", "pre train", "minimax", "ocr", "caling", "vision", ""):
        for starred in (False, True):
            for unread in (False, True):
                query = Query(text, starred, unread)
                assert list(collection.filter(query, Context(state))) == list(
                    reference.filter(query, Context(state))
                ), query


def test_ctrl_c_right_after_a_commit_keeps_that_batch_whole(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signal lands just after COMMIT returns: the batch must stay, files included."""
    import signal  # noqa: PLC0415

    from papershelf.library import importer as importer_module  # noqa: PLC0415

    original = importer_module._transaction
    commits = 0

    @contextlib.contextmanager
    def transaction_then_ctrl_c(store: object) -> Iterator[None]:
        nonlocal commits
        with original(store):  # type: ignore[arg-type]
            yield
        commits += 1
        if commits == 2:
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(importer_module, "_transaction", transaction_then_ctrl_c)
    path = write_jsonl(
        tmp_path / "big.jsonl", [arxiv_record(i, f"Paper {i}", f"word{i}") for i in range(100)]
    )
    report = library.importer().import_jsonl(path, chunk_size=20)
    assert report.interrupted
    assert report.new == 40
    reopened = Library(tmp_path / "lib")
    assert reopened.store.count() == 40
    names = [name for name, _, _ in reopened.store.segments()]
    assert sorted(p.name for p in reopened.index_dir.iterdir()) == sorted(names)
    assert titles(reopened, "word39") == ["Paper 39"]


def test_a_foreign_database_is_refused_with_a_reason(tmp_path: Path) -> None:
    import sqlite3  # noqa: PLC0415

    from papershelf.library.store import LibraryError  # noqa: PLC0415

    path = tmp_path / "lib" / "library.sqlite"
    path.parent.mkdir()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE papers (id INTEGER PRIMARY KEY, key TEXT, title TEXT)")
    for readonly in (True, False):
        with pytest.raises(LibraryError, match="not a library of this papershelf"):
            Library(tmp_path / "lib", readonly=readonly)


class _Pipe(io.RawIOBase):
    """A stream that cannot seek, read in small pieces, as a pipe is."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = min(len(buffer), len(self._data), 997)
        buffer[:count], self._data = self._data[:count], self._data[count:]
        return count


def test_a_stream_is_imported_once_by_workers_as_a_file_is(tmp_path: Path) -> None:
    records = [arxiv_record(i, f"Paper {i}", f"word{i}") for i in range(95)]
    path = write_jsonl(tmp_path / "s.jsonl", ["", *records[:50], "{oops", *records[50:]])
    one = Library(tmp_path / "one")
    two = Library(tmp_path / "two")
    from_file = one.importer().import_jsonl(path, workers=1, chunk_size=20)
    stream = io.BufferedReader(_Pipe(path.read_bytes()))
    assert not stream.seekable()
    # of unknown size and more than one chunk: prepared by workers
    from_pipe = two.importer().import_stream(stream, "<stdin>", workers=2, chunk_size=20)
    assert (from_pipe.new, from_pipe.malformed) == (from_file.new, from_file.malformed) == (95, 1)
    assert [str(e) for e in from_pipe.errors] == [
        "<stdin>:52: invalid JSON: Expecting property name enclosed in double quotes"
    ]
    assert titles(two, "word77") == ["Paper 77"]
    assert [s[1:] for s in two.store.segments()] == [s[1:] for s in one.store.segments()]
