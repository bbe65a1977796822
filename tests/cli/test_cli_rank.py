"""``papershelf list --sort foryou|foryou:TAG|relevance``, ``--like KEY``; the cold start; and
that scikit-learn is imported only when a ranking is asked for."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from papershelf.cli import main
from papershelf.sources.jsonl import parse_jsonl
from papershelf.store.paths import library_dir, state_path
from papershelf.store.reading import PaperState, StateStore

TOPICS = Path(__file__).parents[1] / "fixtures" / "arxiv_topics.jsonl"
ROOT = Path(__file__).parents[2]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def library() -> list[str]:
    """The topic corpus imported; returns the keys of its cs.RO papers."""
    code, _, err = run("add", str(TOPICS))
    assert code == 0, err
    papers = parse_jsonl(TOPICS.read_text(encoding="utf-8"))
    return [p.key for p in papers if p.categories[0] == "cs.RO"]


def star(keys: list[str], **extra: object) -> None:
    StateStore(state_path()).save({key: PaperState(starred=True, **extra) for key in keys})  # type: ignore[arg-type]


def keys_of(output: str) -> list[str]:
    return [line.split("\t")[3] for line in output.splitlines()]


def test_list_sorted_for_you_puts_the_starred_topic_first(library: list[str]) -> None:
    star(library[:5])
    code, out, err = run("list", "--sort", "foryou")
    assert code == 0, err
    keys = keys_of(out)
    assert len(keys) == 120
    unstarred = [k for k in keys if k not in library[:5]]
    assert sum(k in library for k in unstarred[:10]) >= 8
    # The model and the features are cached beside the library.
    assert any((library_dir() / "rank").iterdir())


def test_cold_start_exits_2_with_how_to_start(library: list[str]) -> None:
    code, out, err = run("list", "--sort", "foryou")
    assert code == 2
    assert out == ""
    assert "star a few papers you like" in err
    assert err.count("\n") == 1
    code, _, err = run("export", "--sort", "foryou:robots", "--format", "csv")
    assert code == 2
    assert "tagged 'robots'" in err


def test_like_orders_by_likeness_and_names_a_missing_key(library: list[str]) -> None:
    code, out, err = run("list", "--like", library[0])
    assert code == 0, err
    keys = keys_of(out)
    assert keys[0] == library[0]
    assert sum(k in library for k in keys[1:11]) >= 7
    code, _, err = run("list", "--like", "arxiv:0000.00000")
    assert code == 2
    assert "no paper with key 'arxiv:0000.00000'" in err
    assert err.count("\n") == 1


def test_relevance_and_a_bad_sort(library: list[str]) -> None:
    code, out, err = run("list", "robot", "--sort", "relevance", "--format", "jsonl")
    assert code == 0, err
    titles = [line.split('"title": "', 1)[1].lower() for line in out.splitlines()]
    assert titles[0].split('"', 1)[0].count("robot") >= 1
    with pytest.raises(SystemExit) as exit_info, contextlib.redirect_stderr(io.StringIO()):
        main(["list", "--sort", "stars"])
    assert exit_info.value.code == 2


def _modules_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, check=True, capture_output=True, text=True, timeout=120
    )
    return set(result.stdout.split())


LIST = (
    "from papershelf.cli import main\n"
    "import contextlib, io\n"
    "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
    "    main({argv!r})"
)


def test_a_ranking_trains_without_importing_scikit_learn(library: list[str]) -> None:
    star(library[:3])
    plain = _modules_after(LIST.format(argv=["list", "robot", "--sort", "date"]))
    assert "papershelf.cli.list_papers" in plain
    assert "papershelf.rank.svm" not in plain  # no ranking asked: none loaded
    assert not {m for m in plain if m.split(".")[0] in {"sklearn", "scipy"}}
    ranked = _modules_after(LIST.format(argv=["list", "robot", "--sort", "foryou"]))
    assert "papershelf.rank.svm" in ranked  # the probe sees the training when it happens
    assert not {m for m in ranked if m.split(".")[0] in {"sklearn", "scipy"}}  # 2-3 s not paid


def test_the_reader_starts_without_scikit_learn(library: list[str]) -> None:
    star(library[:3])
    loaded = _modules_after(
        "import asyncio\n"
        "from papershelf.cli._common import open_library\n"
        "from papershelf.cli.read import build_app\n"
        "app = build_app(open_library(), [], [], fresh=True)\n"
        "async def go():\n"
        "    async with app.run_test(size=(100, 30)) as pilot:\n"
        "        await pilot.pause()\n"
        "asyncio.run(go())"
    )
    assert "papershelf.ui.screens.main" in loaded
    assert not {m for m in loaded if m.split(".")[0] in {"sklearn", "scipy"}}
