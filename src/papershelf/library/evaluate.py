"""The query language over the library: every node of the tree becomes a boolean array.

* Words anywhere come from the search index (one array per prefix, cached) or'ed with the
  papers whose tags match (tags live in the reading state, not in the index).
* A word in one field, and a phrase, start from the index's answer for its words (a superset:
  the index does not know fields or order) and check those candidates' text, read from SQLite.
* ``cat:``/``id:`` ask SQLite (``LIKE``, then an exact check); ``year:``/``after:``/``before:``/
  ``upvotes:`` compare numpy columns read once; ``is:``/``has:`` come from the reading state.
* NOT, AND and OR are ``~``, ``&`` and ``|`` of the children's arrays.

:func:`papershelf.query_eval.reference_match` defines the answers; the differential tests
compare the two over generated libraries and queries.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

from papershelf.query import StateLookup, word_index
from papershelf.query_eval import flag_matches, joined_index, phrase_pattern
from papershelf.query_parse import And, Everything, Flag, Node, Not, Or, Phrase, Prefix, Range, Word

if TYPE_CHECKING:
    from papershelf.library.collection import LibraryCollection
    from papershelf.library.index import BoolArray

# Fewer candidates than this fraction of the library are read by id; more, by one scan.
_SCAN_FRACTION = 8
_CHUNK = 500
_COLUMNS = {
    "title": "title",
    "abstract": "abstract",
    "author": "authors, organization",
    "any": "title, abstract, authors, organization",
}


def needs_text(node: Node) -> bool:
    """Whether evaluating ``node`` reads paper text from SQLite (slower than the index alone)."""
    if isinstance(node, Phrase | Prefix):
        return not (isinstance(node, Prefix) and node.field == "tag")
    if isinstance(node, Word):
        return node.field != "any"
    if isinstance(node, Not):
        return needs_text(node.node)
    if isinstance(node, And | Or):
        return any(needs_text(child) for child in node.nodes)
    return False


def _texts(field: str, row: Sequence[object]) -> list[str]:
    """The separate texts of ``field`` in a row read with ``_COLUMNS[field]``."""
    if field in ("title", "abstract"):
        return [str(row[0])]
    if field == "author":
        authors, organization = row
        return [*json.loads(str(authors)), *([str(organization)] if organization else [])]
    title, abstract, authors, organization = row
    return [
        str(title),
        str(abstract),
        *json.loads(str(authors)),
        *([str(organization)] if organization else []),
    ]


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class LibraryEvaluator:
    """Evaluates trees for one filter call (one read-only SQLite connection, opened on demand)."""

    def __init__(self, collection: LibraryCollection, state: StateLookup) -> None:
        self.collection = collection
        self.state = state
        self.size = len(collection)
        self._db: sqlite3.Connection | None = None
        self._tagged: dict[str, tuple[str, ...]] | None = None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            # Its own connection: a long read must not hold up the page reads drawing the list.
            self._db = sqlite3.connect(f"file:{self.collection.store.path}?mode=ro", uri=True)
        return self._db

    @property
    def tagged(self) -> dict[str, tuple[str, ...]]:
        if self._tagged is None:
            self._tagged = self.state.tagged()
        return self._tagged

    def mask(self, node: Node) -> BoolArray:
        """Which papers match ``node`` (a fresh, writable array)."""
        if isinstance(node, Everything):
            return np.ones(self.size, dtype=np.bool_)
        if isinstance(node, Word):
            return self._word(node)
        if isinstance(node, Phrase):
            return self._phrase(node)
        if isinstance(node, Prefix):
            return self._prefix(node)
        if isinstance(node, Flag):
            return self._flag(node.name)
        if isinstance(node, Range):
            return self._range(node)
        if isinstance(node, Not):
            return ~self.mask(node.node)
        children = iter(node.nodes)
        first = next(children, None)
        if first is None:  # an empty OR (no watch list): nothing; an empty AND: everything
            return np.full(self.size, isinstance(node, And), dtype=np.bool_)
        result = self.mask(first)
        for child in children:
            if isinstance(node, And):
                if not result.any():
                    break
                result &= self.mask(child)
            else:
                result |= self.mask(child)
        return result

    # -- leaves --------------------------------------------------------------------------------

    def _keys_mask(self, keys: list[str]) -> BoolArray:
        return self.collection.mask_of(keys)

    def _word(self, node: Word) -> BoolArray:
        hits = self.collection.index.word_hits(node.word).copy()
        if node.field == "any":
            needle = " " + node.word
            tag_keys = [key for key, tags in self.tagged.items() if needle in word_index(" ".join(tags))]
            if tag_keys:
                hits |= self._keys_mask(tag_keys)
            return hits
        needle = " " + node.word
        return self._verify(hits, node.field, lambda texts: needle in joined_index(texts))

    def _phrase(self, node: Phrase) -> BoolArray:
        index = self.collection.index
        candidates = index.word_hits(node.words[0]).copy()
        for word in node.words[1:]:
            candidates &= index.word_hits(word)
        search = phrase_pattern(node.words).search
        hits = self._verify(candidates, node.field, lambda texts: search(joined_index(texts)) is not None)
        if node.field == "any":
            tag_keys = [key for key, tags in self.tagged.items() if search(joined_index(tags)) is not None]
            if tag_keys:
                hits |= self._keys_mask(tag_keys)
        return hits

    def _verify(self, candidates: BoolArray, field: str, check: Callable[[list[str]], bool]) -> BoolArray:
        """The candidates whose ``field`` texts pass ``check``."""
        result = np.zeros(self.size, dtype=np.bool_)
        for paper_id, row in self._rows(candidates, _COLUMNS[field]):
            if check(_texts(field, row)):
                result[paper_id - 1] = True
        return result

    def _rows(self, candidates: BoolArray, columns: str) -> Iterator[tuple[int, Sequence[object]]]:
        positions = np.flatnonzero(candidates)
        if not positions.size:
            return
        if positions.size * _SCAN_FRACTION > self.size:
            for paper_id, *row in self.db.execute(f"SELECT id, {columns} FROM papers ORDER BY id"):
                if candidates[paper_id - 1]:
                    yield paper_id, row
            return
        ids = (positions + 1).tolist()
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for paper_id, *row in self.db.execute(
                f"SELECT id, {columns} FROM papers WHERE id IN ({marks})", chunk
            ):
                yield paper_id, row

    def _prefix(self, node: Prefix) -> BoolArray:
        value = node.value
        if node.field == "tag":
            keys = [
                key for key, tags in self.tagged.items() if any(t.casefold().startswith(value) for t in tags)
            ]
            return self._keys_mask(keys)
        result = np.zeros(self.size, dtype=np.bool_)
        if node.field == "cat":
            rows = self.db.execute(
                "SELECT id, categories FROM papers WHERE categories LIKE ? ESCAPE '\\'",
                (f"%{_escape_like(value)}%",),
            )
            for paper_id, categories in rows:
                if any(c.casefold().startswith(value) for c in str(categories).split()):
                    result[paper_id - 1] = True
        else:
            rows = self.db.execute(
                "SELECT id, arxiv_id FROM papers WHERE arxiv_id LIKE ? ESCAPE '\\'",
                (f"{_escape_like(value)}%",),
            )
            for paper_id, arxiv_id in rows:
                if str(arxiv_id).casefold().startswith(value):
                    result[paper_id - 1] = True
        return result

    def _flag(self, name: str) -> BoolArray:
        state = self.state
        if name in ("read", "unread"):
            read = self._keys_mask(state.read_keys())
            return read if name == "read" else ~read
        if name == "starred":
            return self._keys_mask(state.starred_keys())
        if name == "tagged":
            return self._keys_mask(list(self.tagged))
        if name == "note":
            return self._keys_mask(state.noted_keys())
        assert not flag_matches(name, "", state)  # "watched" is replaced before evaluation
        return np.zeros(self.size, dtype=np.bool_)

    def _range(self, node: Range) -> BoolArray:
        column = self.collection.column(node.field)
        mask = np.ones(self.size, dtype=np.bool_)
        if node.field == "date":
            mask &= column > 0  # no date: never in a date range
        if node.low is not None:
            mask &= column >= node.low
        if node.high is not None:
            mask &= column <= node.high
        return mask
