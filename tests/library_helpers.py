"""Building small libraries and arXiv-snapshot files for tests."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from papershelf.library.library import Library


def arxiv_record(number: int, title: str, abstract: str, **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"2401.{number:05d}",
        "submitter": "Ada Lovelace",
        "authors": "Ada Lovelace and Zoë Müller",
        "title": title,
        "comments": "10 pages",
        "journal-ref": None,
        "doi": None,
        "categories": "cs.LG cs.AI",
        "license": None,
        "abstract": abstract,
        "versions": [{"version": "v1", "created": "Mon, 1 Jan 2024 10:00:00 GMT"}],
        "update_date": "2024-01-02",
        "authors_parsed": [["Lovelace", "Ada", ""], ["Müller", "Zoë", ""]],
    }
    record.update(extra)
    return record


def write_jsonl(path: Path, records: Iterable[dict[str, Any] | str]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(
                (record if isinstance(record, str) else json.dumps(record, ensure_ascii=False)) + "\n"
            )
    return path


def open_library(directory: Path) -> Library:
    return Library(directory)
