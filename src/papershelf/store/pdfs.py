"""The papers directory: where downloaded PDFs live, how they are named, and which are there.

A file is named ``<arXiv id or key> <short title>.pdf``. What is downloaded is read from the
directory itself (:meth:`PdfShelf.present`), so a file deleted by hand is simply no longer
there. :mod:`papershelf.fetch.pdf` downloads into it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from papershelf.model import Paper, is_web_url, normalise_arxiv_id
from papershelf.text import words

SHORT_TITLE_WORDS = 6
SHORT_TITLE_CHARS = 60


def key_ident(key: str) -> str:
    """The file name part of a paper without an arXiv id: a digest of its key."""
    return "key-" + hashlib.blake2b(key.encode(), digest_size=5).hexdigest()


def ident(paper: Paper) -> str:
    """The first part of a paper's file name: its arXiv id (``/`` as ``_``), else a key digest.

    Never contains a space (the name is split on the first one) or a path separator.
    """
    if paper.arxiv_id:
        return paper.arxiv_id.replace("/", "_")
    return key_ident(paper.key)


def short_title(title: str) -> str:
    """The first few words of the title, folded to what every file system accepts."""
    text = " ".join(words(title)[:SHORT_TITLE_WORDS])
    return text[:SHORT_TITLE_CHARS].strip()


def file_name(paper: Paper) -> str:
    title = short_title(paper.title)
    return f"{ident(paper)} {title}.pdf" if title else f"{ident(paper)}.pdf"


def pdf_link(paper: Paper, arxiv_pdf_url: str = "https://arxiv.org") -> str | None:
    """Where the PDF is: arXiv's for arXiv papers, else the source's link when it is a PDF."""
    if paper.arxiv_id:
        return f"{arxiv_pdf_url}/pdf/{paper.arxiv_id}"
    if is_web_url(paper.url) and urlsplit(paper.url or "").path.lower().endswith(".pdf"):
        return paper.url
    return None


@dataclass(frozen=True)
class PdfShelf:
    """The papers directory."""

    directory: Path

    def target(self, paper: Paper) -> Path:
        return self.directory / file_name(paper)

    def present(self) -> dict[str, Path]:
        """Downloaded files by ident (read from the directory now; ``.part`` files excluded)."""
        found: dict[str, Path] = {}
        try:
            entries = list(os.scandir(self.directory))
        except OSError:
            return found
        for entry in entries:
            name = entry.name
            if not name.lower().endswith(".pdf") or not entry.is_file():
                continue
            found.setdefault(name[:-4].split(" ", 1)[0], Path(entry.path))
        return found

    def find(self, paper: Paper) -> Path | None:
        """The downloaded file of ``paper``, if it is (still) there."""
        exact = self.target(paper)
        if exact.is_file():
            return exact
        return self.present().get(ident(paper))

    def keys(self, all_keys: Callable[[], Iterable[str]]) -> frozenset[str]:
        """Keys of the papers downloaded. arXiv ids are read off the names; for the others (a
        key digest in the name) ``all_keys()`` is walked, only when there are such files."""
        found: set[str] = set()
        digests: set[str] = set()
        for name in self.present():
            if name.startswith("key-"):
                digests.add(name)
            elif normalise_arxiv_id(name.replace("_", "/")):
                found.add("arxiv:" + name.replace("_", "/"))
        if digests:
            found.update(key for key in all_keys() if key_ident(key) in digests)
        return frozenset(found)

    def version(self) -> int:
        """Changes whenever a file is added, renamed or deleted (the directory's mtime)."""
        try:
            return self.directory.stat().st_mtime_ns
        except OSError:
            return 0
