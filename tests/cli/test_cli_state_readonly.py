"""The command line reads the reading state and never writes, locks or moves it (``fetch`` does
not even read it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixture_server import FixtureServer, Reply
from papershelf.cli import main
from papershelf.model import Paper
from papershelf.sources.jsonl import dump_jsonl
from papershelf.store.paths import state_path
from papershelf.store.reading import PaperState, StateStore


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@pytest.mark.parametrize(
    "argv",
    [["list", "is:starred"], ["list", "--format", "json"], ["export", "is:starred", "--format", "jsonl"]],
)
def test_list_and_export_leave_the_state_untouched(
    tmp_path: Path, sample_papers: list[Paper], argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    papers = tmp_path / "papers.jsonl"
    papers.write_text(dump_jsonl(sample_papers))
    assert main(["add", str(papers)]) == 0
    StateStore(state_path()).save({sample_papers[0].key: PaperState(starred=True)})
    before = _files(state_path().parent)
    assert main(argv) in (0, 2)
    assert _files(state_path().parent) == before


def test_a_bad_state_file_is_reported_and_left_in_place(
    tmp_path: Path, sample_papers: list[Paper], capsys: pytest.CaptureFixture[str]
) -> None:
    papers = tmp_path / "papers.jsonl"
    papers.write_text(dump_jsonl(sample_papers))
    assert main(["add", str(papers)]) == 0
    state_path().parent.mkdir(parents=True, exist_ok=True)
    state_path().write_text("not [ toml")
    assert main(["list"]) == 0
    assert "is invalid" in capsys.readouterr().err
    assert state_path().read_text() == "not [ toml"
    assert sorted(p.name for p in state_path().parent.iterdir()) == ["state.toml"]


def test_fetch_leaves_the_state_untouched(
    tmp_path: Path,
    sample_papers: list[Paper],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    papers = tmp_path / "papers.jsonl"
    papers.write_text(dump_jsonl(sample_papers))
    assert main(["add", str(papers)]) == 0
    StateStore(state_path()).save({sample_papers[0].key: PaperState(starred=True, tags=("mine",))})
    before = _files(state_path().parent)
    with FixtureServer() as server:
        server.route("/api/daily_papers", Reply.fixture("hf_daily_papers.json"))
        for name, value in {
            "PAPERSHELF_HF_URL": server.url,
            "PAPERSHELF_BACKOFF": "0",
            "PAPERSHELF_RETRIES": "1",
        }.items():
            monkeypatch.setenv(name, value)
        assert main(["fetch", "hf"]) == 0
        assert server.requests  # it did fetch
    assert _files(state_path().parent) == before
