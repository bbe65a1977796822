"""The search index: which papers have a word starting with a given prefix.

The index is a list of immutable *segments*, one per import batch. A segment holds its
vocabulary (distinct folded words, sorted as UTF-8 bytes) and, per word, the positions of the
papers that contain it (postings, in CSR form). Because the vocabulary is sorted, all words
starting with a prefix form one contiguous range, and so do their postings: a query word costs
two binary searches and one slice per segment, whatever the library size.

A paper re-indexed in a later segment (its record was updated) voids its postings in earlier
segments: segments are applied oldest first, and each clears its ``reindexed`` papers first.

Files of a segment (directory ``seg-<name>``): ``vocab.bin`` (the words, concatenated),
``vocab.idx`` (uint64 offsets, V+1), ``ptr.npy`` (int64, V+1), the postings (library
positions, 2 bytes each: see :mod:`papershelf.library.postings`), ``reindexed.npy`` (uint32
positions).

Beside the words of the whole paper, a segment holds the words of two fields in
subdirectories of the same layout: ``title/`` and ``author/`` (authors and organisation), so
``title:``/``author:`` are answered by the index too. Segments written before field segments
existed have none; queries on fields then check the text of the candidates instead.

The whole-paper segment also keeps word pairs (``pair_words.npy``, ``pair_ptr.npy``,
``pairs.bin``; see :mod:`papershelf.library.pairs`): which words follow each posting's word in
that paper, so phrases are answered by the index. Segments written before pairs existed have
none; phrases then check the text of every candidate, as before.
"""

from __future__ import annotations

import shutil
import threading
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from papershelf.library.pairs import FILES as PAIR_FILES
from papershelf.library.pairs import MergedPairs, PairData, Pairs
from papershelf.library.postings import Postings, open_postings, write_postings
from papershelf.library.store import REPAIR, LibraryDamaged

BoolArray = npt.NDArray[np.bool_]
FIELD_SEGMENTS = ("title", "author")
_TOP = b"\xff"  # never occurs in UTF-8, so prefix + _TOP bounds every word with that prefix


T = TypeVar("T")


class LazyPostings(Protocol):
    """Postings written when the segment is (a merge's, placed a block at a time)."""

    size: int

    def save(self, directory: Path) -> None: ...


@dataclass
class SegmentData:
    """A segment in memory: sorted vocabulary, CSR pointers, postings and word pairs (built by
    :func:`papershelf.library.prepare._segments` or a merge)."""

    vocab: list[bytes]
    ptr: npt.NDArray[np.int64]
    postings: npt.NDArray[np.uint32] | LazyPostings
    pairs: PairData | MergedPairs | None = None
    # How often each posting's word occurs in its paper (import only, for the ranking
    # features; not written: the features are kept beside the library).
    counts: npt.NDArray[np.uint8] | None = None

    def remap(self, mapping: npt.NDArray[np.int64]) -> SegmentData:
        """Postings ``p`` become ``mapping[p]``; those mapped to -1 are dropped (an import's
        segment, whose postings are in memory)."""
        assert isinstance(self.postings, np.ndarray)
        mapped = mapping[self.postings]
        keep = mapped >= 0
        if keep.all():  # (an import's chunk of new papers: every posting stays where it is)
            pairs = self.pairs if isinstance(self.pairs, PairData) else None
            return SegmentData(self.vocab, self.ptr, mapped.astype(np.uint32), pairs, self.counts)
        words = np.repeat(np.arange(len(self.vocab), dtype=np.int64), np.diff(self.ptr))[keep]
        ptr = np.zeros(len(self.vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(words, minlength=len(self.vocab)), out=ptr[1:])
        pairs = self.pairs.remap(keep) if isinstance(self.pairs, PairData) else None
        counts = self.counts[keep] if self.counts is not None else None
        return SegmentData(self.vocab, ptr, mapped[keep].astype(np.uint32), pairs, counts)

    def write(
        self, directory: Path, reindexed: Iterable[int] = (), fields: Mapping[str, SegmentData] | None = None
    ) -> int:
        """Write the segment files (and its ``fields`` segments); returns the posting count.

        The directory is written under a temporary name and renamed into place, so a segment
        is either complete or absent.
        """
        reindexed = sorted(reindexed)
        tmp = directory.with_name(directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        self._write_files(tmp, reindexed)
        for name, segment in (fields or {}).items():
            (tmp / name).mkdir()
            segment._write_files(tmp / name, reindexed)
        tmp.rename(directory)
        return int(self.postings.size)

    def _write_files(self, directory: Path, reindexed: list[int]) -> None:
        offsets = np.zeros(len(self.vocab) + 1, dtype=np.uint64)
        np.cumsum(np.fromiter(map(len, self.vocab), dtype=np.uint64, count=len(self.vocab)), out=offsets[1:])
        (directory / "vocab.bin").write_bytes(b"".join(self.vocab))
        (directory / "vocab.idx").write_bytes(offsets.tobytes())
        np.save(directory / "ptr.npy", self.ptr)
        if isinstance(self.postings, np.ndarray):
            write_postings(directory, self.postings)
        else:
            self.postings.save(directory)
        np.save(directory / "reindexed.npy", np.asarray(reindexed, dtype=np.uint32))
        if self.pairs is not None:
            self.pairs.write(directory, self.ptr)


def file_records(directory: Path) -> list[tuple[str, int, int]]:
    """(path relative to ``directory``, size, CRC-32) of every file of a segment, as listed in
    the library so that damage is found (sizes when the library opens, checksums by ``check``)."""
    records = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        crc = 0
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                crc = zlib.crc32(block, crc)
        records.append((path.relative_to(directory).as_posix(), path.stat().st_size, crc))
    return records


class Segment:
    """One segment, memory-mapped."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.vocab = (directory / "vocab.bin").read_bytes()
        self.offsets = array("Q")
        self.offsets.frombytes((directory / "vocab.idx").read_bytes())
        self.ptr: npt.NDArray[np.int64] = np.load(directory / "ptr.npy", mmap_mode="r")
        self.postings: Postings = open_postings(directory)
        self.reindexed: npt.NDArray[np.uint32] = np.load(directory / "reindexed.npy")
        self.size = len(self.offsets) - 1
        self.fields = {
            name: Segment(directory / name) for name in FIELD_SEGMENTS if (directory / name).is_dir()
        }
        self.pairs = Pairs(directory, self.ptr) if (directory / PAIR_FILES[-1]).is_file() else None

    def word_range(self, prefix: bytes) -> tuple[int, int]:
        """The ranks of the words starting with ``prefix``."""
        return self._bisect(prefix), self._bisect(prefix + _TOP)

    def word(self, i: int) -> bytes:
        return self.vocab[self.offsets[i] : self.offsets[i + 1]]

    def _bisect(self, key: bytes) -> int:
        lo, hi = 0, self.size
        vocab, offsets = self.vocab, self.offsets
        while lo < hi:
            mid = (lo + hi) // 2
            if vocab[offsets[mid] : offsets[mid + 1]] < key:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def word_postings(self, word: bytes) -> npt.NDArray[np.uint32]:
        """Positions of the papers having exactly ``word`` (empty when the segment lacks it)."""
        lo = self._bisect(word)
        if lo < self.size and self.word(lo) == word:
            return self.postings[int(self.ptr[lo]) : int(self.ptr[lo + 1])]
        return self.postings[:0]

    def prefix_postings(self, prefix: bytes) -> npt.NDArray[np.uint32]:
        """Positions of papers (with repeats) having a word that starts with ``prefix``."""
        lo = self._bisect(prefix)
        hi = self._bisect(prefix + _TOP)
        return self.postings[int(self.ptr[lo]) : int(self.ptr[hi])]


class SearchIndex:
    """All segments of a library of ``size`` papers, with a cache of per-word results."""

    CACHE_SIZE = 96  # one-letter prefixes (36) stay warm beside recent words

    def __init__(self, directory: Path, names: Sequence[str], size: int, capacity: int | None = None) -> None:
        """``capacity``: the highest position any segment may hold, when the segments may know
        papers beyond the first ``size`` (added after the reader counted them)."""
        self.size = size
        self.capacity = max(size, capacity or 0)
        self.segments = [Segment(directory / name) for name in names]
        self._cache: OrderedDict[tuple[str, str], BoolArray] = OrderedDict()
        self._pair_cache: OrderedDict[tuple[str, str], tuple[BoolArray, BoolArray]] = OrderedDict()
        self._lock = threading.Lock()

    def _remember(self, cache: OrderedDict[tuple[str, str], T], key: tuple[str, str], value: T) -> None:
        """Keep ``value`` in ``cache`` (least recently added dropped past CACHE_SIZE)."""
        with self._lock:
            cache[key] = value
            if len(cache) > self.CACHE_SIZE:
                cache.popitem(last=False)

    def has_field(self, field: str) -> bool:
        """Whether every segment indexes ``field`` ("title", "author") on its own."""
        return all(field in segment.fields for segment in self.segments)

    def _segments(self, field: str) -> list[Segment]:
        if field == "any":
            return self.segments
        return [segment.fields[field] for segment in self.segments]

    def has_pairs(self) -> bool:
        """Whether every segment keeps word pairs (see :mod:`papershelf.library.pairs`)."""
        return all(segment.pairs is not None for segment in self.segments)

    def pair_hits(self, first: str, second: str) -> tuple[BoolArray, BoolArray]:
        """Papers with a word starting with ``first`` followed, in the same text, by one starting
        with ``second`` (sure), and papers that may have it (a word of either prefix with no
        pairs kept: their text says). :meth:`has_pairs` must hold."""
        key = ("pair", f"{first} {second}")
        with self._lock:
            cached = self._pair_cache.get(key)
        if cached is not None:
            return cached
        a, b = first.encode("utf-8"), second.encode("utf-8")
        sure = np.zeros(self.capacity, dtype=np.bool_)
        unknown = np.zeros(self.capacity, dtype=np.bool_)
        try:
            for segment in self.segments:
                if segment.reindexed.size:
                    sure[segment.reindexed] = False
                    unknown[segment.reindexed] = False
                _pair_segment(segment, segment.word_range(a), segment.word_range(b), sure, unknown)
        except (IndexError, ValueError, OSError) as error:
            raise LibraryDamaged(f"the search index is damaged ({error}); {REPAIR}") from None
        result = sure[: self.size], unknown[: self.size]
        for part in result:
            part.flags.writeable = False
        self._remember(self._pair_cache, key, result)
        return result

    def cost(self, word: str, field: str = "any") -> int:
        """How many postings answering ``word`` touches (to decide between now and a worker).

        A cached word costs nothing.
        """
        with self._lock:
            if (field, word) in self._cache:
                return 0
        prefix = word.encode("utf-8")
        return sum(len(s.prefix_postings(prefix)) for s in self._segments(field))

    def warm(self, words: Sequence[str], stop: Callable[[], bool] = lambda: False) -> None:
        """Answer ``words`` ahead of time (e.g. every one-letter prefix, the costliest)."""
        for word in words:
            if stop():
                return
            self.word_hits(word)

    def word_hits(self, word: str, field: str = "any") -> BoolArray:
        """A read-only boolean array: which papers have a word starting with ``word`` (in
        ``field``, which :meth:`has_field` must allow)."""
        key = (field, word)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        prefix = word.encode("utf-8")
        hits = np.zeros(self.capacity, dtype=np.bool_)
        try:
            for segment in self._segments(field):
                if segment.reindexed.size:
                    hits[segment.reindexed] = False
                postings = segment.prefix_postings(prefix)
                if postings.size:
                    hits[postings] = True
        except (IndexError, ValueError, OSError) as error:  # positions beyond the library: damage
            raise LibraryDamaged(f"the search index is damaged ({error}); {REPAIR}") from None
        hits = hits[: self.size]
        hits.flags.writeable = False
        self._remember(self._cache, key, hits)
        return hits


def _pair_segment(
    segment: Segment, first: tuple[int, int], second: tuple[int, int], sure: BoolArray, unknown: BoolArray
) -> None:
    """Mark one segment's papers with the pair (word ranges ``first`` then ``second``)."""
    pairs = segment.pairs
    assert pairs is not None
    if first[0] >= first[1] or second[0] >= second[1]:
        return
    found = pairs.matching(first, second)
    if found.size:
        sure[segment.postings[found]] = True
    rare_first, rare_second = pairs.uncoded(*first), pairs.uncoded(*second)
    if not rare_first.size and not rare_second.size:
        return
    ptr, postings = segment.ptr, segment.postings

    def having(lo: int, hi: int) -> BoolArray:
        mask = np.zeros(sure.size, dtype=np.bool_)
        mask[postings[int(ptr[lo]) : int(ptr[hi])]] = True
        return mask

    for rare, other in ((rare_first, second), (rare_second, first)):
        if rare.size:
            docs = postings[pairs.postings_of(rare)]
            unknown[docs] |= having(*other)[docs]
