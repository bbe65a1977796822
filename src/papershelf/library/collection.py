"""The library as the reader sees it: rows read in pages, abstracts on demand, filter by index."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from papershelf.collection import Positions, Row
from papershelf.library.store import REPAIR, LibraryDamaged, LibraryStore
from papershelf.model import Paper, date_number
from papershelf.query.context import Context, StateLookup
from papershelf.query.search import Query
from papershelf.query.tree import Everything, Node, Prefix, Range, all_words, needs, positive_words
from papershelf.rank import RELEVANCE, is_ranked

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from papershelf.library.index import BoolArray, SearchIndex
    from papershelf.rank.ranker import Ranker

PAGE = 256
# Libraries at least this large warm the one-letter prefixes in the background after start.
WARM_UP_SIZE = 200_000
WARM_UP_PREFIXES = "sctpadmrfeilbgnuhovwkyjqxz0123456789"
# A query touching up to this many postings answers in about 5 ms: done between keystrokes.
QUICK_POSTINGS = 2_000_000
MAX_PAGES = 256  # 64k rows cached at most
# A query that reads text first checks this many papers in the sort order (a screenful or more).
PREVIEW_ROWS = 3_000
PREVIEW_MATCHES = 60  # more than a screenful
PREVIEW_SECONDS = 0.03  # no new round after this


def _is_category(node: Node) -> bool:
    return isinstance(node, Prefix) and node.field == "cat"


class LibraryCollection:
    """:class:`~papershelf.collection.PaperCollection` over a library (``library.sqlite`` + ``index/``).

    Only the rows on screen are read (in pages of 256, a bounded cache); a paper's abstract is
    read when it is shown. Filtering combines per-word answers of the search index with the
    reading state (tags, starred, read) and returns a numpy array of positions.
    """

    def __init__(self, store: LibraryStore, load_index: Callable[[], SearchIndex], size: int) -> None:
        self._ranker: Ranker | None = None
        self.store = store
        self._load_index = load_index
        self._index: SearchIndex | None = None
        self._index_lock = threading.Lock()
        self._size = size
        self._columns: dict[str, npt.NDArray[np.int64]] = {}
        self._orders: dict[str, npt.NDArray[np.int64]] = {}
        self._category_lists: list[str] = []  # column("categories") numbers -> "cs.CL cs.LG"
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()
        self._positions: dict[str, int] = {}  # key -> position, for keys in the reading state
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._size

    @property
    def index(self) -> SearchIndex:
        """The search index, loaded on first use: the first rows paint without waiting for it."""
        with self._index_lock:
            if self._index is None:
                self._index = self._load_index()
            return self._index

    def row(self, index: int) -> Row:
        page_number, offset = divmod(int(index), PAGE)
        page = self._pages.get(page_number)
        if page is None:
            first = page_number * PAGE + 1
            with self._lock:
                rows = self.store.rows(first, first + PAGE - 1)
            page = [Row(key, title, published, upvotes) for _, key, title, published, upvotes in rows]
            if len(page) < min(PAGE, self._size - page_number * PAGE):
                raise LibraryDamaged(
                    f"{self.store.path}: papers {first}-{first + PAGE - 1} are missing; {REPAIR}"
                )
            self._pages[page_number] = page
            if len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        return page[offset]

    def paper(self, index: int) -> Paper:
        with self._lock:
            return self.store.paper(int(index) + 1)  # int(): views hold numpy integers

    def index_of(self, key: str) -> int | None:
        return self._positions_of([key]).get(key)

    def indices_of(self, keys: Iterable[str]) -> dict[str, int]:
        return self._positions_of(list(keys))

    def dates(self) -> Positions:
        return self.column("date")

    def _positions_of(self, keys: Iterable[str]) -> dict[str, int]:
        """Positions of the keys found in the library (looked up once, then cached)."""
        known = self._positions
        missing = [k for k in keys if k not in known]
        if missing:
            with self._lock:
                found = self.store.ids_for_keys(missing)
            for key in missing:
                known[key] = found[key] - 1 if key in found else -1
        return {k: known[k] for k in keys if known.get(k, -1) >= 0}

    def mask_of(self, keys: Iterable[str]) -> BoolArray:
        """Which positions hold the papers with these keys (keys not in the library are skipped)."""
        import numpy as np  # noqa: PLC0415

        mask = np.zeros(self._size, dtype=np.bool_)
        positions = list(self._positions_of(keys).values())
        if positions:
            mask[np.asarray(positions, dtype=np.int64)] = True
        return mask

    def why(self, index: int, sort: str, state: StateLookup) -> tuple[float, list[tuple[str, float]]] | None:
        if self._ranker is None:
            return None
        return self._ranker.why(index, self.paper(index), sort, state)

    def warm_up(self, stop: Callable[[], bool]) -> None:
        """Load the index, and in a large library precompute the one-letter prefixes, so the
        first key typed is as fast as the rest."""
        index = self.index
        if self._size >= WARM_UP_SIZE:
            index.warm(list(WARM_UP_PREFIXES), stop)

    @property
    def ranker(self) -> Ranker:
        """The rankings ("for you", "like", relevance); features cached in ``rank/`` beside the
        library."""
        if self._ranker is None:
            from papershelf.library.ranking import library_ranker  # noqa: PLC0415

            directory = self.store.path.parent / "rank"
            self._ranker = library_ranker(
                lambda: self.index, self._size, directory, self._positions_of, self.paper
            )
        return self._ranker

    def is_quick(self, query: Query, state: StateLookup | None = None) -> bool:
        if is_ranked(query.sort) and (state is None or not self.ranker.is_ready(query.sort, state)):
            return False  # training a model or scoring every paper: in a worker
        from papershelf.library.evaluate import needs_text  # noqa: PLC0415

        columns = {"date": "date", "upvotes": "upvotes", "title": "title"}
        if query.sort in columns and columns[query.sort] not in self._columns:
            return False  # the first sort by a column reads it for every paper: in a worker
        try:
            tree = query.tree
        except ValueError:
            return True  # nothing to run: the screen reports the error
        if needs(tree, Range) and not ({"date", "upvotes"} <= set(self._columns)):
            return False
        if "categories" not in self._columns and needs(tree, Prefix, _is_category):
            return False  # the first cat: reads every paper's categories
        if needs_text(tree, self.index.has_field):
            return False  # reads candidates' text from SQLite
        return sum(self.index.cost(word) for word in all_words(tree)) <= QUICK_POSTINGS

    def column(self, name: str) -> npt.NDArray[np.int64]:
        """Per position: "upvotes"; "date" as YYYYMMDD (0: none); "title" as rank by title key.

        Read once per library, on a connection of its own: reading a column of a million rows
        must not hold up the page reads that draw the list meanwhile.
        """
        import numpy as np  # noqa: PLC0415

        found = self._columns.get(name)
        if found is not None:
            return found
        db = sqlite3.connect(f"file:{self.store.path}?mode=ro", uri=True)
        try:
            if name == "title":
                ids = db.execute("SELECT id FROM papers ORDER BY title_key, id").fetchall()
                found = np.empty(self._size, dtype=np.int64)
                found[np.fromiter((i - 1 for (i,) in ids), dtype=np.int64, count=len(ids))] = np.arange(
                    len(ids)
                )
            elif name == "categories":
                # Each paper's category list as a number: papers with the same list share one.
                values = db.execute("SELECT categories FROM papers ORDER BY id").fetchall()
                combos: dict[str, int] = {}
                found = np.fromiter(
                    (combos.setdefault(v or "", len(combos)) for (v,) in values),
                    dtype=np.int64,
                    count=len(values),
                )
                self._category_lists = list(combos)
            elif name == "date":
                values = db.execute("SELECT published FROM papers ORDER BY id").fetchall()
                found = np.fromiter(
                    (date_number(v) or 0 for (v,) in values), dtype=np.int64, count=len(values)
                )
            else:
                values = db.execute("SELECT upvotes FROM papers ORDER BY id").fetchall()
                found = np.fromiter((int(v or 0) for (v,) in values), dtype=np.int64, count=len(values))
        finally:
            db.close()
        self._columns[name] = found
        return found

    def category_mask(self, prefix: str) -> BoolArray:
        """Papers with an arXiv category starting with ``prefix`` (case-folded)."""
        import numpy as np  # noqa: PLC0415

        codes = self.column("categories")
        wanted = [
            code
            for code, text in enumerate(self._category_lists)
            if any(c.casefold().startswith(prefix) for c in text.split())
        ]
        return np.isin(codes, np.asarray(wanted, dtype=np.int64))

    def _citation_column(self, context: Context) -> npt.NDArray[np.int64]:
        """Per position, the citation count (-1 without one)."""
        import numpy as np  # noqa: PLC0415

        column = np.full(self._size, -1, dtype=np.int64)
        counts = context.citations
        for key, position in self.indices_of(counts).items():
            column[position] = counts[key]
        return column

    def _sort_key(self, sort: str) -> npt.NDArray[np.int64]:
        """Per position, a number that sorts ascending in the ``sort`` order."""
        if sort == "title":
            return self.column("title")
        # newest first / most upvoted first; no date (0) sorts last
        return -self.column("date" if sort == "date" else "upvotes")

    def _sorted(self, hits: Positions, sort: str, context: Context, words: Sequence[str] = ()) -> Positions:
        import numpy as np  # noqa: PLC0415

        if sort == "loaded":
            return hits
        if is_ranked(sort):
            return self.ranker.order(hits, sort, context.state, words)
        if sort == "unread":
            order = np.argsort(self.mask_of(context.state.read_keys())[hits], kind="stable")
        elif sort == "citations":
            order = np.argsort(-self._citation_column(context)[hits], kind="stable")
        else:
            order = np.argsort(self._sort_key(sort)[hits], kind="stable")
        return hits[order]

    def _order(self, sort: str, context: Context) -> Positions:
        """Every position in the ``sort`` order; kept for the column sorts (the list and the
        previews ask for it on every query), recomputed for "unread" (the state changes)."""
        import numpy as np  # noqa: PLC0415

        order = self._orders.get(sort)
        if order is None:
            order = self._sorted(np.arange(self._size, dtype=np.int64), sort, context)
            order.flags.writeable = False  # shared by the views that show it
            if sort not in ("unread", "citations") and not is_ranked(sort):  # these follow the context
                self._orders[sort] = order
        return order

    def filter(self, query: Query, context: Context) -> Positions:
        """Positions matching ``query``, sorted (raises QueryError when the text does not parse)."""
        import numpy as np  # noqa: PLC0415 - loaded already with the index

        tree = context.resolve(query.tree)
        if isinstance(tree, Everything):
            if query.sort == "loaded":
                return np.arange(self._size, dtype=np.int64)
            return self._order(query.sort, context)
        words = positive_words(query.text_tree) if query.sort == RELEVANCE else ()
        return self._sorted(np.flatnonzero(self._mask(tree, context)), query.sort, context, words)

    def _mask(self, tree: Node, context: Context, domain: BoolArray | None = None) -> BoolArray:
        from papershelf.library.evaluate import LibraryEvaluator  # noqa: PLC0415

        evaluator = LibraryEvaluator(self, context.state, domain, context.check)
        try:
            return evaluator.mask(tree)
        finally:
            evaluator.close()

    def preview(self, query: Query, context: Context) -> Positions | None:
        """The first rows of ``filter(query)``, found quickly, for a query that reads text.

        Only the first papers in the sort order are checked (:data:`PREVIEW_ROWS`, four times
        as many while fewer than a screenful match and time is left), so the result is exactly
        the beginning of the full answer (everything else sorts later): the list shows a first
        screenful while the rest is checked. None when the index alone answers the query.
        """
        import numpy as np  # noqa: PLC0415

        from papershelf.library.evaluate import needs_text  # noqa: PLC0415

        tree = context.resolve(query.tree)
        if is_ranked(query.sort):
            return None  # the best first are known only when every paper is scored
        if self._size <= PREVIEW_ROWS or not needs_text(tree, self.index.has_field, ids=False):
            return None
        order = self._order(query.sort, context)
        deadline = time.perf_counter() + PREVIEW_SECONDS
        rows = PREVIEW_ROWS
        while True:
            domain = np.zeros(self._size, dtype=np.bool_)
            domain[order[:rows]] = True
            found = self._mask(tree, context, domain) & domain
            if found.sum() >= PREVIEW_MATCHES or rows >= self._size or time.perf_counter() > deadline:
                break
            rows *= 4
        return self._sorted(np.flatnonzero(found), query.sort, context)
