"""config.toml: parsing, every error case (app and CLI), keymap by binding id, themes, watch list."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers import settle
from papershelf.cli import main
from papershelf.collection.memory import InMemoryCollection
from papershelf.fetch.client import SourceConfig
from papershelf.model import Paper
from papershelf.query.tree import Or, Phrase, Word
from papershelf.store.config import DEFAULT_CONFIG, Config, ConfigError, load_config
from papershelf.store.paths import config_path, session_path, state_path
from papershelf.store.reading import StateStore
from papershelf.ui.app import PapershelfApp
from papershelf.ui.names import binding_ids, theme_names
from papershelf.ui.screens.help import HELP_ROWS
from papershelf.ui.widgets.filter_box import FilterStatus
from papershelf.ui.widgets.paper_list import PaperList

SIZE = (120, 40)


def write(text: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(text: str) -> Config:
    return load_config(write(text), themes=theme_names(), binding_ids=binding_ids())


def test_no_file_means_defaults() -> None:
    assert load_config(config_path()) == Config()


def test_the_commented_default_is_valid_and_means_the_defaults() -> None:
    assert load(DEFAULT_CONFIG) == Config()


def test_every_setting() -> None:
    config = load(
        """
theme = "nord"
default_sort = "date"
mark_read = "manual"
export_dir = "~/papers"
[keys]
"paper.star" = "f"
"list.down" = " j , ctrl+n "
[watch]
authors = ["Zoë Müller"]
keywords = ["tokenizer", "mixture of experts"]
[sources]
hf_url = "http://127.0.0.1:9/"
timeout = 5
"""
    )
    assert config.theme == "nord"
    assert config.default_sort == "date"
    assert config.mark_read == "manual"
    assert config.export_dir == Path.home() / "papers"
    assert config.keys == {"paper.star": "f", "list.down": "j,ctrl+n"}
    assert config.watch == Or(
        (Phrase(("zoe", "muller"), "author"), Word("tokenizer"), Phrase(("mixture", "of", "experts")))
    )
    assert config.sources == {"hf_url": "http://127.0.0.1:9", "timeout": 5.0}
    sources = SourceConfig.from_env({}, base=config.sources)
    assert (sources.hf_url, sources.timeout, sources.arxiv_url) == (
        "http://127.0.0.1:9",
        5.0,
        SourceConfig().arxiv_url,
    )
    # The environment still overrides the file.
    assert SourceConfig.from_env({"PAPERSHELF_TIMEOUT": "2"}, base=config.sources).timeout == 2.0


BAD_CONFIGS = [
    ("theme = ", "not valid TOML"),
    ("colour = 'red'", "colour: unknown key"),
    ("theme = 3", "theme: must be a string, not a number"),
    ("theme = 'sparkly'", "theme: unknown theme 'sparkly'"),
    ("default_sort = 'random'", "default_sort: unknown sort 'random'"),
    ("mark_read = 'sometimes'", "mark_read: unknown policy 'sometimes'"),
    ("keys = 'x'", "keys: must be a table"),
    ("[keys]\n'paper.fly' = 'x'", "keys.paper.fly: unknown binding id"),
    ("[keys]\n'paper.star' = 5", "keys.paper.star: must be a non-empty string"),
    ("[keys]\n'paper.star' = ''", "keys.paper.star: must be a non-empty string"),
    ("[watch]\nauthors = 'Ada'", "watch.authors: must be a list of strings"),
    ("[watch]\npeople = []", "watch.people: unknown key"),
    ("[sources]\nhf_url = 'ftp://x'", "sources.hf_url: must be an http:// or https:// URL"),
    ("[sources]\ntimeout = -1", "sources.timeout: must be a positive number"),
    ("[sources]\ntimeout = true", "sources.timeout: must be a positive number"),
    ("[sources]\nproxy = 'x'", "sources.proxy: unknown key"),
]


@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS)
def test_invalid_files_name_the_key_and_the_problem(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(text)
    assert message in str(caught.value)
    assert str(config_path()) in str(caught.value)


@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS[:6])
def test_the_cli_says_the_same_and_exits_2(
    text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write(text)
    for argv in (["config", "check"], ["list"], ["export"], ["fetch", "hf"]):
        assert main(argv) == 2
        assert message in capsys.readouterr().err
    assert config_path().read_text() == text  # the user's file is never touched


async def test_the_reader_starts_with_defaults_and_says_why(sample_papers: list[Paper]) -> None:
    write("theme = 'sparkly'\n[keys]\n'paper.star' = 'f'\n")
    argv_app: list[PapershelfApp] = []

    def fake_run(self: PapershelfApp) -> None:
        argv_app.append(self)

    monkey = pytest.MonkeyPatch()
    monkey.setattr(PapershelfApp, "run", fake_run)
    try:
        assert main([]) == 0
    finally:
        monkey.undo()
    app = argv_app[0]
    assert app.config == Config()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any("theme: unknown theme 'sparkly'" in m and "Using the defaults." in m for m in messages)
        await pilot.press("s")  # the default key works: the remap was not applied
        assert app.state.starred(app.collection.row(0).key)


def test_config_path_and_init(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(config_path())
    assert main(["config", "check"]) == 0
    assert "defaults apply" in capsys.readouterr().out
    assert main(["config", "init"]) == 0
    assert config_path().read_text() == DEFAULT_CONFIG
    assert main(["config", "init"]) == 2  # never over an existing file without --force
    assert "--force" in capsys.readouterr().err
    assert main(["config", "check"]) == 0
    assert "is valid" in capsys.readouterr().out


def test_every_help_row_is_a_binding_id() -> None:
    ids = binding_ids()
    assert {binding_id for binding_id, _ in HELP_ROWS} <= ids


async def test_keys_are_remapped_by_binding_id(sample_papers: list[Paper]) -> None:
    config = Config(keys={"paper.star": "f", "list.down": "ctrl+n"})
    app = PapershelfApp(InMemoryCollection(sample_papers), StateStore(state_path()), config=config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "ctrl+n", "f", "s")
        await pilot.pause()
        assert app.state.starred(sample_papers[0].key)
        assert app.state.starred(sample_papers[1].key)
        assert app.screen.query_one(PaperList).cursor == 1  # "s" is no longer star; nothing else
        assert not app.state.starred(sample_papers[2].key)
        await pilot.press("question_mark")
        rows = {d: k for k, d in app.screen.key_rows()}  # type: ignore[attr-defined]
        assert rows["Star / unstar"] == "f"


async def test_theme_from_config_and_palette_choice_remembered(sample_papers: list[Paper]) -> None:
    def app(config: Config, restore: bool = True) -> PapershelfApp:
        return PapershelfApp(
            InMemoryCollection(sample_papers),
            StateStore(state_path()),
            config=config,
            session_file=session_path(),
            restore=restore,
        )

    first = app(Config(theme="nord"))
    async with first.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert first.theme == "nord"
        first.theme = "gruvbox"  # what the palette's "Change theme" does
        await pilot.press("q")
    second = app(Config(theme="nord"), restore=False)  # --fresh keeps the theme
    async with second.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert second.theme == "gruvbox"
        await pilot.press("q")
    third = app(Config(theme="dracula"))  # a new theme in config.toml wins
    async with third.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert third.theme == "dracula"


async def test_default_sort_and_manual_read_marking(sample_papers: list[Paper]) -> None:
    config = Config(default_sort="upvotes", mark_read="manual")
    app = PapershelfApp(InMemoryCollection(sample_papers), StateStore(state_path()), config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plist = app.screen.query_one(PaperList)
        assert plist.cursor == 0
        upvotes = [sample_papers[i].upvotes for i in plist.view.indices]
        assert upvotes == sorted(upvotes, reverse=True)
        assert "most upvoted" in str(app.screen.query_one(FilterStatus).render())
        await pilot.press("enter")
        assert not app.state.read(sample_papers[int(plist.view.indices[0])].key)


async def test_highlight_read_marking(sample_papers: list[Paper], monkeypatch: pytest.MonkeyPatch) -> None:
    from papershelf.ui.screens import main as main_screen  # noqa: PLC0415

    monkeypatch.setattr(main_screen, "READ_AFTER", 0.3)
    app = PapershelfApp(
        InMemoryCollection(sample_papers), StateStore(state_path()), config=Config(mark_read="highlight")
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.pause(0.6)
        assert app.state.read(sample_papers[0].key)
        await pilot.press("j", "j")  # passed over quickly: not read
        await settle(pilot)
        await pilot.pause(0.6)
        assert not app.state.read(sample_papers[1].key)
        assert app.state.read(sample_papers[2].key)


async def test_watch_list_colours_papers_and_is_watched_finds_them(sample_papers: list[Paper]) -> None:
    config = Config(watch_authors=("MiniMax",), watch_keywords=("visual tokenizer",))
    app = PapershelfApp(InMemoryCollection(sample_papers), StateStore(state_path()), config=config)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await settle(pilot)
        plist = app.screen.query_one(PaperList)
        watched = sorted(plist.watched)
        assert watched
        for i in watched:
            paper = sample_papers[i]
            assert (paper.organization or "").lower() == "minimax" or "visual tokenizer" in (
                paper.title + " " + paper.abstract
            ).lower().replace("-", " ")
        await pilot.press("slash", *"is:watched")
        await settle(pilot)
        assert sorted(plist.view.indices) == watched
        await pilot.press("escape", "escape")
        plist.select_index(watched[0])
        await settle(pilot)
        assert "on your watch list" in str(app.screen.query_one("#detail-meta").render())
        # A watched row's title is drawn in its own style.
        styles = plist._row_styles(read=False, selected=False)
        assert styles.watched != styles.text


def test_cli_list_and_the_watch_list(tmp_path: Path, sample_papers: list[Paper]) -> None:
    """The subprocess reads config.toml like the reader does."""
    write('[watch]\nauthors = ["MiniMax"]\n')
    jsonl = tmp_path / "papers.jsonl"
    from papershelf.sources import dump_jsonl  # noqa: PLC0415

    jsonl.write_text(dump_jsonl(sample_papers))
    assert main(["add", str(jsonl)]) == 0
    out = subprocess.run(
        [sys.executable, "-m", "papershelf.cli", "list", "is:watched", "--format", "jsonl"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert len(out.splitlines()) == 1
    assert "MiniMax" in out
