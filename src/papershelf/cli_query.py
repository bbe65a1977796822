"""What ``papershelf list`` and ``papershelf export`` share: the reading state and the query."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from papershelf.collection import PaperCollection
from papershelf.paths import state_cache_path, state_path
from papershelf.query import Query
from papershelf.query_parse import QueryError
from papershelf.state import ReadingState, StateStore

EXIT_USAGE = 2


def load_state() -> ReadingState:
    """The reading state, read-only; a problem with the file is said on standard error."""
    loaded = StateStore(state_path(), cache_path=state_cache_path()).load()
    if loaded.warning:
        print(f"papershelf: {loaded.warning}", file=sys.stderr)
    return loaded.state


def matching(collection: PaperCollection, query: Query, state: ReadingState) -> Sequence[int] | int:
    """The positions matching ``query``, or the exit status after showing where it fails to parse."""
    try:
        return list(collection.filter(query, state))
    except QueryError as error:
        print(f"papershelf: {error.message}:\n  {query.text}\n  {' ' * error.position}^", file=sys.stderr)
        return EXIT_USAGE
