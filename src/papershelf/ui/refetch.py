"""What the reader's R runs: fetch the library's sources again, then reopen the library."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from papershelf.collection import PaperCollection

# Returns the reopened collection and a one-line summary; raises with a one-line reason.
Refetcher = Callable[[], tuple[PaperCollection, str]]


def library_refetcher(
    directory: Path, cache_directory: Path, sources: Mapping[str, str | float] | None = None
) -> Refetcher:
    """A refetcher for the library in ``directory`` (runs in a worker thread); ``sources`` is
    config.toml's [sources]."""

    def refetch() -> tuple[PaperCollection, str]:
        from papershelf.fetch.cache import ResponseCache  # noqa: PLC0415
        from papershelf.fetch.client import FetchError, SourceConfig  # noqa: PLC0415
        from papershelf.fetch.refresh import refresh  # noqa: PLC0415
        from papershelf.library.library import Library  # noqa: PLC0415

        library = Library(directory)
        try:
            if not library.store.fetch_specs():
                raise FetchError("nothing was fetched into this library yet (papershelf fetch …)")
            outcome = refresh(library, SourceConfig.from_env(base=sources), ResponseCache(cache_directory))
        finally:
            library.close()
        collection = Library(directory, readonly=True).collection()
        noun = "source" if outcome.sources == 1 else "sources"
        return collection, f"{outcome.sources} {noun}: {outcome.report.summary()}"

    return refetch
