"""Responses of the live sources, kept on disk with the time they were fetched.

``papershelf fetch --max-age S`` answers from a response younger than S seconds instead of
asking the server again (arXiv in particular asks clients not to repeat queries).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from papershelf.store.files import write_atomic


class ResponseCache:
    def __init__(self, directory: Path, clock: Callable[[], float] = time.time) -> None:
        self.directory = directory
        self.clock = clock

    def _paths(self, url: str, params: Mapping[str, str | int] | None) -> tuple[Path, Path]:
        ident = json.dumps([url, sorted((params or {}).items())], default=str)
        name = hashlib.sha256(ident.encode()).hexdigest()[:32]
        return self.directory / f"{name}.json", self.directory / f"{name}.body"

    def get(self, url: str, params: Mapping[str, str | int] | None, max_age: float) -> bytes | None:
        """The cached body if it is younger than ``max_age`` seconds."""
        if max_age <= 0:
            return None
        meta_path, body_path = self._paths(url, params)
        try:
            meta = json.loads(meta_path.read_text())
            fetched = float(meta["time"])
            body = body_path.read_bytes()
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return body if self.clock() - fetched < max_age else None

    def put(self, url: str, params: Mapping[str, str | int] | None, body: bytes) -> None:
        meta_path, body_path = self._paths(url, params)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            body_path.write_bytes(body)
            meta = {"url": url, "params": dict(params or {}), "time": self.clock()}
            write_atomic(meta_path, json.dumps(meta))
        except OSError:
            pass  # a cache that cannot be written only costs a refetch
