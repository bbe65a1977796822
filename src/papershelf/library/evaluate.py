"""The query language over the library: every node of the tree becomes a boolean array.

* Words anywhere come from the search index (one array per prefix, cached) or'ed with the
  papers whose tags match (tags live in the reading state, not in the index).
* A word in one field starts from the index's answer for its word (a superset: the index does
  not know every field) and checks those candidates' text, read from SQLite.
* A phrase comes from the index's word pairs: two words anywhere are answered by them (only the
  few papers with a rare word of the phrase, which has no pairs, are read); longer phrases, and
  phrases in one field, check the text of the papers having every adjacent pair. A library
  without pairs checks every paper having all the phrase's words.
* ``cat:``/``id:`` ask SQLite (``LIKE``, then an exact check); ``year:``/``after:``/``before:``/
  ``upvotes:`` compare numpy columns read once; ``is:``/``has:`` come from the reading state.
* NOT, AND and OR are ``~``, ``&`` and ``|`` of the children's arrays.

:func:`papershelf.query.reference.reference_match` defines the answers; the differential tests
compare the two over generated libraries and queries.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

from papershelf.model import PAPER_FLAGS
from papershelf.query.compiled import TextMatcher, joined_index, phrase_pattern, word_index
from papershelf.query.context import StateLookup
from papershelf.query.reference import flag_matches
from papershelf.query.tree import And, Everything, Flag, Keys, Node, Not, Or, Phrase, Prefix, Range, Word
from papershelf.text import fold

if TYPE_CHECKING:
    import numpy.typing as npt

    from papershelf.library.index import BoolArray, SearchIndex
    from papershelf.library.store import LibraryStore

# Fewer candidates than this fraction of the library are read by id; more, by one scan.
_SCAN_FRACTION = 8
_CHUNK = 500
_COLUMNS = {
    "title": "title",
    "abstract": "abstract",
    "author": "authors, organization",
    "venue": "venue",
    "any": "title, abstract, authors, organization, venue, ai_keywords",
}
# Flags the papers answer themselves (is:new, has:code), as SQL conditions.
_PAPER_FLAGS = {
    name: "github IS NOT NULL"
    if announces is None
    else f"announce IN ({', '.join(repr(a) for a in announces)})"
    for name, announces in PAPER_FLAGS.items()
}


def needs_text(
    node: Node, has_field: Callable[[str], bool] = lambda field: False, *, ids: bool = True
) -> bool:
    """Whether evaluating ``node`` reads paper text from SQLite (slower than the index alone).

    ``has_field`` says which fields the index holds on their own ("title", "author"); ``ids``:
    whether ``id:`` (one indexed SQL query) counts.
    """
    if isinstance(node, Prefix):
        return ids and node.field == "id"
    if isinstance(node, Phrase):
        return True
    if isinstance(node, Word):
        return node.field not in ("any", *(f for f in ("title", "author") if has_field(f)))
    if isinstance(node, Not):
        return needs_text(node.node, has_field, ids=ids)
    if isinstance(node, And | Or):
        return any(needs_text(child, has_field, ids=ids) for child in node.nodes)
    return False


def _row_matches(
    field: str, row: Sequence[object], matches: TextMatcher, prefixes: Sequence[str], people_too: bool = True
) -> bool:
    """Whether a row read with ``_COLUMNS[field]`` has the word/phrase in one of its texts.

    Title and abstract first; the authors are only parsed when every prefix occurs somewhere in
    their folded JSON text (one substring test each, instead of a fold per author).
    """
    if field == "venue":
        return bool(row[0]) and matches(fold(str(row[0])))
    if field != "author" and matches(fold(str(row[0]))):
        return True
    if field in ("title", "abstract"):
        return False
    if field == "any":
        venue, keywords = row[4], str(row[5] or "[]")
        if matches(fold(str(row[1]))) or (venue and matches(fold(str(venue)))):
            return True
        if keywords != "[]" and any(matches(fold(k)) for k in json.loads(keywords)):
            return True
        row = row[2:4]
    if not people_too:
        return False
    authors, organization = str(row[0]), row[1]
    people = fold(f"{authors} {organization or ''}")
    if not all(p in people for p in prefixes):
        return False
    names = [*json.loads(authors), *([str(organization)] if organization else [])]
    return any(matches(fold(name)) for name in names)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class LibraryData(Protocol):
    """What the evaluator reads of a library (:class:`~papershelf.library.collection.LibraryCollection`)."""

    store: LibraryStore

    def __len__(self) -> int: ...
    @property
    def index(self) -> SearchIndex: ...
    def mask_of(self, keys: Iterable[str]) -> BoolArray: ...
    def category_mask(self, prefix: str) -> BoolArray: ...
    def column(self, name: str) -> npt.NDArray[np.int64]: ...


class LibraryEvaluator:
    """Evaluates trees for one filter call (one read-only SQLite connection, opened on demand)."""

    def __init__(
        self,
        collection: LibraryData,
        state: StateLookup,
        domain: BoolArray | None = None,
        check: Callable[[], None] | None = None,
    ) -> None:
        """``domain``: only these papers need a right answer (the text of the others is not read);
        ``check`` is called every few hundred rows read and raises to stop (a cancelled query)."""
        self.check = check or (lambda: None)
        self.collection = collection
        self.state = state
        self.domain = domain
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
        if isinstance(node, Keys):
            return self._keys_mask(list(node.keys))
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
        index = self.collection.index
        if node.field in ("title", "author") and index.has_field(node.field):
            return index.word_hits(node.word, node.field).copy()
        hits = index.word_hits(node.word).copy()
        if node.field == "abstract" and index.has_field("title") and index.has_field("author"):
            # Every paper of the whole-paper answer has the word in its title, abstract or authors:
            # those without it in title and authors surely have it in the abstract; only the
            # others are read.
            elsewhere = index.word_hits(node.word, "title") | index.word_hits(node.word, "author")
            sure = hits & ~elsewhere
            return sure | self._verify(hits & elsewhere, "abstract", [node.word])
        if node.field == "any":
            needle = " " + node.word
            tag_keys = [key for key, tags in self.tagged.items() if needle in word_index(" ".join(tags))]
            if tag_keys:
                hits |= self._keys_mask(tag_keys)
            return hits
        return self._verify(hits, node.field, [node.word])

    def _all_words(self, words: Sequence[str], field: str = "any") -> BoolArray:
        index = self.collection.index
        found = index.word_hits(words[0], field).copy()
        for word in words[1:]:
            found &= index.word_hits(word, field)
        return found

    def _phrase(self, node: Phrase) -> BoolArray:
        index = self.collection.index
        field = node.field
        indexed = field in ("title", "author") and index.has_field(field)
        candidates = self._all_words(node.words, field if indexed else "any")
        people: BoolArray | None = None
        if field == "any" and index.has_field("author"):
            # The authors are only read where all the phrase's words are among them.
            people = self._all_words(node.words, "author")
        if len(node.words) > 1 and index.has_pairs():
            hits = self._phrase_from_pairs(node, candidates, people)
        else:
            hits = self._verify(candidates, field, node.words, people)
        if node.field == "any":
            search = phrase_pattern(node.words).search
            tag_keys = [key for key, tags in self.tagged.items() if search(joined_index(tags)) is not None]
            if tag_keys:
                hits |= self._keys_mask(tag_keys)
        return hits

    def _phrase_from_pairs(self, node: Phrase, candidates: BoolArray, people: BoolArray | None) -> BoolArray:
        """A phrase from the index's word pairs: two words anywhere are answered by the pairs
        (only papers with a rare word of the phrase are read); otherwise the papers having every
        adjacent pair are the candidates whose text is checked."""
        index = self.collection.index
        pairs = [index.pair_hits(a, b) for a, b in zip(node.words, node.words[1:], strict=False)]
        if len(pairs) == 1 and node.field == "any":
            sure, unknown = pairs[0]
            return sure | self._verify(unknown & ~sure, node.field, node.words, people)
        for sure, unknown in pairs:
            candidates &= sure | unknown
        return self._verify(candidates, node.field, node.words, people)

    def _verify(
        self, candidates: BoolArray, field: str, prefixes: Sequence[str], people: BoolArray | None = None
    ) -> BoolArray:
        """The candidates whose ``field`` has the word or phrase ``prefixes``; ``people``, when
        known, says which candidates may have it among their authors."""
        matches = TextMatcher(prefixes)
        result = np.zeros(self.size, dtype=np.bool_)
        if self.domain is not None:
            candidates = candidates & self.domain
        for paper_id, row in self._rows(candidates, _COLUMNS[field]):
            people_too = people is None or bool(people[paper_id - 1])
            if _row_matches(field, row, matches, prefixes, people_too):
                result[paper_id - 1] = True
        return result

    def _rows(self, candidates: BoolArray, columns: str) -> Iterator[tuple[int, Sequence[object]]]:
        positions = np.flatnonzero(candidates)
        if not positions.size:
            return
        if positions.size * _SCAN_FRACTION > self.size:
            for paper_id, *row in self.db.execute(f"SELECT id, {columns} FROM papers ORDER BY id"):
                if not paper_id % _CHUNK:
                    self.check()
                if candidates[paper_id - 1]:
                    yield paper_id, row
            return
        ids = (positions + 1).tolist()
        for start in range(0, len(ids), _CHUNK):
            self.check()
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
        if node.field == "cat":
            return self.collection.category_mask(value)
        result = np.zeros(self.size, dtype=np.bool_)
        rows = self.db.execute(
            "SELECT id, arxiv_id FROM papers WHERE arxiv_id LIKE ? ESCAPE '\\'", (f"{_escape_like(value)}%",)
        )
        for paper_id, arxiv_id in rows:
            if str(arxiv_id).casefold().startswith(value):
                result[paper_id - 1] = True
        return result

    def _flag(self, name: str) -> BoolArray:
        if name in _PAPER_FLAGS:
            result = np.zeros(self.size, dtype=np.bool_)
            ids = [
                paper_id
                for (paper_id,) in self.db.execute(f"SELECT id FROM papers WHERE {_PAPER_FLAGS[name]}")
            ]
            result[np.asarray(ids, dtype=np.int64) - 1] = True
            return result
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
