"""Checks in the test run: the layers hold (import-linter), the core stays free of Textual/Rich,
the code is ruff and mypy --strict clean, modules stay small, and the command line starts light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CORE = [
    "model.py",
    "text.py",
    "latex.py",
    "query",
    "store",
    "collection",
    "sources",
    "library",
    "fetch",
    "output",
]
MAX_MODULE_LINES = 400


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed in the test environment (uv sync installs it)")
    return str(path)


def run_tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool(name), *args], cwd=ROOT, check=False, capture_output=True, text=True, timeout=120
    )


def test_import_linter_contract_holds() -> None:
    result = run_tool("lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_core_modules_import_no_ui_even_lazily() -> None:
    """Belt and braces beside import-linter: scan every import statement in the core files."""
    package = ROOT / "src" / "papershelf"
    files = [
        f
        for entry in CORE
        for f in ([package / entry] if entry.endswith(".py") else (package / entry).rglob("*.py"))
    ]
    assert len(files) >= 8
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                root = name.split(".")[0]
                assert root not in {"textual", "rich"}, f"{path.name} imports {name}"
                assert not name.startswith(("papershelf.ui", "papershelf.cli")), f"{path.name} imports {name}"


def test_ruff_clean() -> None:
    result = run_tool("ruff", "check", "src", "tests", "bench", "scripts")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_clean() -> None:
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_over_the_line_limit() -> None:
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in (ROOT / "src" / "papershelf").rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert not too_long, f"split these modules (over {MAX_MODULE_LINES} lines): {too_long}"


def _modules_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, check=True, capture_output=True, text=True, timeout=60
    )
    return set(result.stdout.split())


def test_the_command_line_imports_no_textual() -> None:
    """``papershelf list`` (harlequin's check): the command line never pays for the UI."""
    loaded = _modules_after(
        "from papershelf.cli import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        "    main(['list', 'vision'])"
    )
    assert "papershelf.cli.list_papers" in loaded
    heavy = sorted(m for m in loaded if m.split(".")[0] in {"textual", "sklearn", "bibtexparser"})
    assert not heavy, heavy
