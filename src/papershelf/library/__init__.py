"""The persistent library: papers in SQLite, a prefix-word search index beside it.

- :mod:`papershelf.library.store` — the SQLite database of papers (dense ids in library order).
- :mod:`papershelf.library.index` — the search index: segments of sorted vocabulary + postings.
- :mod:`papershelf.library.postings` — a segment's postings on disk, 2 bytes each.
- :mod:`papershelf.library.importer` — streaming import in committed batches.
- :mod:`papershelf.library.collection` — :class:`LibraryCollection`, what the reader shows.
"""
