"""``papershelf [FILE ...]``: the reader, on the library or on the lists named."""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from pathlib import Path

from papershelf.cli.config import read_config
from papershelf.collection import PaperCollection
from papershelf.collection.memory import InMemoryCollection
from papershelf.library.citations import CitationLookup
from papershelf.model import Paper
from papershelf.store.config import Config, ConfigError
from papershelf.store.paths import (
    cache_dir,
    library_dir,
    rescue_dir,
    session_path,
    state_cache_path,
    state_path,
    undo_path,
    views_path,
)
from papershelf.store.reading import StateStore
from papershelf.ui.app import PapershelfApp
from papershelf.ui.refetch import library_refetcher


def run_reader(
    library: PaperCollection | None, papers: Sequence[Paper], files: Sequence[Path], *, fresh: bool
) -> int:
    """Run the reader on ``library`` (or, when None, on ``papers`` loaded from ``files``)."""
    app = build_app(library, papers, files, fresh=fresh)
    app.run()
    for problem in app.close_problems:
        print(f"papershelf: {problem}", file=sys.stderr)
    return 0


def build_app(
    library: PaperCollection | None, papers: Sequence[Paper], files: Sequence[Path], *, fresh: bool
) -> PapershelfApp:
    """The reader on ``library`` (or, when None, on ``papers`` loaded from ``files``)."""
    collection: PaperCollection
    if library is not None:
        collection = library
        label = f"library · {len(library):,} papers"
    else:
        collection = InMemoryCollection(papers, cache_dir=cache_dir())
        label = ", ".join(p.name for p in files) if files else "bundled: Daily Papers"
    try:
        config, config_warning = read_config(), None
    except ConfigError as err:  # the reader starts with the defaults and says why
        config, config_warning = Config(), str(err)
    # Everything built so far lives as long as the app: keep the collector off it.
    gc.collect()
    gc.freeze()
    refetcher = (
        library_refetcher(library_dir(), cache_dir() / "http", config.sources)
        if library is not None
        else None
    )
    store = StateStore(state_path(), cache_path=state_cache_path())
    return PapershelfApp(
        collection,
        store,
        source=label,
        refetcher=refetcher,
        session_file=session_path(),
        restore=not fresh,
        views_file=views_path(),
        config=config,
        config_warning=config_warning,
        undo_file=undo_path(),
        rescue_dir=rescue_dir(),
        citations=_citations() if library is not None else None,
    )


def _citations() -> CitationLookup | None:
    """The library's citation counts (``papershelf fetch citations``), read when first needed."""
    from papershelf.library.library import Library  # noqa: PLC0415
    from papershelf.library.store import LibraryError  # noqa: PLC0415

    try:
        return CitationLookup(Library(library_dir(), readonly=True).store)
    except LibraryError:
        return None
