"""Checks in the test run: the core stays free of Textual/Rich, and the code is ruff clean."""

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
    "query.py",
    "collection.py",
    "state.py",
    "paths.py",
    "sources",
    "library",
    "fetch",
]


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
    assert "1 kept, 0 broken" in result.stdout


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
                assert not name.startswith("papershelf.ui"), f"{path.name} imports {name}"


def test_ruff_clean() -> None:
    result = run_tool("ruff", "check", "src", "tests", "bench", "scripts")
    assert result.returncode == 0, result.stdout + result.stderr
