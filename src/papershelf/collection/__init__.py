"""What the paper list talks to: the :class:`PaperCollection` protocol, its rows and views.

Widgets only use :class:`PaperCollection`: a count, a light :class:`Row` for drawing, the full
:class:`Paper` for the detail view, and ``filter`` returning :data:`Positions`. The in-memory
collection (:mod:`papershelf.collection.memory`) and the library
(:mod:`papershelf.library.collection`) implement it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeAlias

from papershelf.model import Paper
from papershelf.query.context import Context
from papershelf.query.search import Query

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# Collection indices, in view order: what ``filter`` returns (a numpy array of int64).
Positions: TypeAlias = "npt.NDArray[np.int64]"


@dataclass(frozen=True, slots=True)
class Row:
    """What one line of the paper list shows."""

    key: str
    title: str
    published: str | None
    upvotes: int


class PaperCollection(Protocol):
    def __len__(self) -> int: ...
    def row(self, index: int) -> Row: ...
    def paper(self, index: int) -> Paper: ...
    def index_of(self, key: str) -> int | None: ...
    def indices_of(self, keys: Iterable[str]) -> dict[str, int]:
        """Positions of those keys that are in the collection."""
        ...

    def dates(self) -> Positions:
        """Per position, the publication date as ``YYYYMMDD`` (0: none)."""
        ...

    def filter(self, query: Query, context: Context) -> Positions:
        """Positions matching ``query``, sorted (raises QueryError when the text does not parse)."""
        ...

    def is_quick(self, query: Query) -> bool:
        """Whether ``filter(query)`` is fast enough to run between two keystrokes (a few ms)."""
        ...

    def warm_up(self, stop: Callable[[], bool]) -> None:
        """Prepare for filtering in the background (``stop()`` says when to give up)."""
        ...

    def preview(self, query: Query, context: Context) -> Positions | None:
        """The first rows of a slow ``filter(query)`` quickly, or None (no preview needed)."""
        ...


@dataclass(frozen=True, slots=True)
class PaperView:
    """One filtered view of a collection: the indices shown, in order, out of ``total``."""

    indices: Positions | range  # range: every paper in loaded order (no numpy needed to show it)
    total: int
    partial: bool = False  # the first rows only: the rest is still being checked

    def __len__(self) -> int:
        return len(self.indices)

    def position_of(self, index: int) -> int | None:
        """Where collection index ``index`` is in this view, or None if it is not shown."""
        indices = self.indices
        if isinstance(indices, range):
            return index - indices.start if index in indices else None
        import numpy as np  # noqa: PLC0415 - loaded already by whoever made the positions

        hits = np.flatnonzero(indices == index)
        return int(hits[0]) if hits.size else None

    @classmethod
    def everything(cls, total: int) -> PaperView:
        return cls(range(total), total)

    @property
    def count_label(self) -> str:
        return f"{len(self.indices)}+/{self.total}" if self.partial else f"{len(self.indices)}/{self.total}"
