"""``papershelf digest``: new papers of saved views, remembered per view; Atom parsed back."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import feedparser
import pytest

from papershelf.cli import main
from papershelf.cli.digest import run_digest
from papershelf.model import Paper
from papershelf.output.atom import ATOM, render_atom
from papershelf.output.digest import ViewDigest
from papershelf.query.search import Query
from papershelf.store.paths import digests_path, views_path
from papershelf.store.views import SavedView, save_views


def write_papers(path: Path, papers: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(p) + "\n" for p in papers))
    return path


VISION = [
    {"title": "Vision transformers at scale", "arxiv_id": "2401.00001", "published": "2024-01-02",
     "authors": ["Ada Lovelace"], "abstract": "We scale <b>vision</b> & more."},
    {"title": "A vision of sparse attention", "arxiv_id": "2401.00002", "published": "2024-03-05"},
    {"title": "Speech recognition", "arxiv_id": "2401.00003", "published": "2024-03-06"},
]  # fmt: skip


@pytest.fixture
def library(tmp_path: Path) -> Path:
    assert main(["add", str(write_papers(tmp_path / "a.jsonl", VISION))]) == 0
    save_views(views_path(), [SavedView("vision", Query("vision")), SavedView("speech", Query("speech"))])
    return tmp_path


def test_digest_twice_shows_nothing_new_the_second_time(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["digest"]) == 0
    first = capsys.readouterr().out
    assert "vision: 2 new papers (first digest; 2 in the view)" in first
    assert "Vision transformers at scale" in first
    assert "https://arxiv.org/abs/2401.00001" in first
    assert "speech: 1 new paper" in first

    assert main(["digest"]) == 0
    second = capsys.readouterr().out
    assert "vision: 0 new papers (since 20" in second
    assert "Vision" not in second.replace("vision:", "")

    # A new matching paper enters the view: only it is new.
    new = [{"title": "Vision for robots", "arxiv_id": "2402.00009", "published": "2024-02-01"}]
    assert main(["add", str(write_papers(library / "b.jsonl", new))]) == 0
    capsys.readouterr()
    assert main(["digest", "vision"]) == 0
    third = capsys.readouterr().out
    assert "vision: 1 new paper" in third
    assert "Vision for robots" in third
    assert "speech" not in third
    assert set(json.loads(digests_path().read_text())["views"]) == {"vision", "speech"}


def test_since_date_lists_by_publication_and_keeps_the_memory(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["digest", "vision", "--since", "2024-03-01", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# papershelf digest\n")
    assert "## vision" in out
    assert "[A vision of sparse attention](<https://arxiv.org/abs/2401.00002>)" in out
    assert "Vision transformers" not in out
    assert not digests_path().exists()  # --since does not count as a digest


def test_atom_feed_parses_back(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed_path = library / "feed.xml"
    now = datetime(2026, 12, 2, 7, 30, tzinfo=UTC)
    assert run_digest(["--format", "atom", "-o", str(feed_path)], now=now) == 0
    assert "wrote 3 new papers of 2 views" in capsys.readouterr().err
    feed = feedparser.parse(feed_path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "papershelf: vision, speech"
    assert feed.feed.updated == "2026-12-02T07:30:00Z"
    titles = [e.title for e in feed.entries]
    assert titles == ["Vision transformers at scale", "A vision of sparse attention", "Speech recognition"]
    first = feed.entries[0]
    assert first.link == "https://arxiv.org/abs/2401.00001"
    assert first.author == "Ada Lovelace"
    assert first.summary == "We scale <b>vision</b> & more."  # text, not markup
    assert first.tags[0].term == "vision"
    assert len({e.id for e in feed.entries}) == 3
    # The second feed has no entries, and is still valid.
    assert run_digest(["--format", "atom", "-o", str(feed_path)], now=now) == 0
    again = feedparser.parse(feed_path.read_bytes())
    assert not again.bozo
    assert again.entries == []


def test_errors_are_one_line(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "nope"]) == 2
    assert capsys.readouterr().err == "papershelf: no saved view 'nope' (saved: 'vision', 'speech')\n"
    assert main(["digest", "--since", "yesterday"]) == 2
    assert "--since must be a date" in capsys.readouterr().err
    digests_path().write_text("{broken")
    assert main(["digest"]) == 0
    assert "Digest memory file was invalid" in capsys.readouterr().err
    assert list(digests_path().parent.glob("digests.json*"))


def test_no_views(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest"]) == 2
    assert "no saved views" in capsys.readouterr().err


def test_atom_entries_without_a_page_or_a_full_date_stay_valid() -> None:
    """RFC 4287: dates are RFC 3339 date-times, and an entry without an alternate link has
    content. A year-only date counts as 1 January; a paper with only a DOI links to doi.org."""
    papers = (
        Paper("Improving Third-Party Audits", doi="10.1257/rct.1355", published="2023"),
        Paper("A pasted paper", published="2024-05", abstract="Pasted from a PDF."),
        Paper("Nothing known"),
    )
    text = render_atom([ViewDigest("audits", "audits", papers, 3, None)], datetime(2026, 12, 2, tzinfo=UTC))
    feed = feedparser.parse(text.encode())
    assert not feed.bozo, feed.get("bozo_exception")
    audits, pasted, nothing = feed.entries
    assert audits.published == "2023-01-01T00:00:00Z"
    assert tuple(audits.published_parsed)[:3] == (2023, 1, 1)
    assert audits.link == "https://doi.org/10.1257/rct.1355"
    assert pasted.published == "2024-05-01T00:00:00Z"
    assert pasted.content[0].value == "Pasted from a PDF."
    assert nothing.content[0].value == "Nothing known"
    for entry in ET.fromstring(text).iter(f"{{{ATOM}}}entry"):
        links = [e for e in entry.iter(f"{{{ATOM}}}link") if e.get("rel") == "alternate"]
        assert links or entry.find(f"{{{ATOM}}}content") is not None
