"""Checks in the test run: the layers hold (import-linter), the core stays free of Textual/Rich,
the code is ruff and mypy --strict clean, modules stay small, and the command line starts light."""

from __future__ import annotations

import ast
import re
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
    "rank",
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


def _layout_blocks() -> dict[str, set[str]]:
    """The README's "Layout" tree: per top line ("  query/ ...", "tests/ ..."), the names it says."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    tree = section.split("```", 2)[1]
    blocks: dict[str, set[str]] = {}
    head = ""
    for line in tree.splitlines():
        if match := re.match(r"^ {0,2}(\S+)", line):
            head = match.group(1)
        blocks.setdefault(head, set()).update(
            re.findall(r"[A-Za-z_][A-Za-z0-9_-]*(?:\.py|\.tcss|\.txt|/)?", line)
        )
    return blocks


def test_the_readme_layout_names_every_folder_and_module() -> None:
    """The README's "Layout" tree is for whoever picks the code up: it must not fall behind it."""
    blocks = _layout_blocks()
    package = ROOT / "src" / "papershelf"
    missing = []
    for path in sorted(package.rglob("*")):
        parts = path.relative_to(package).parts
        if "__pycache__" in parts or path.name in {"__init__.py", "__main__.py"}:
            continue
        if len(parts) == 1:
            if path.is_dir() and f"{path.name}/" not in blocks:
                missing.append(f"{path.name}/")
            elif path.suffix == ".py" and path.name not in blocks["model.py"]:
                missing.append(path.name)
            continue
        said = blocks.get(f"{parts[0]}/", set())
        name = f"{path.name}/" if path.is_dir() else path.stem
        if name not in said and path.name not in said:
            missing.append(str(path.relative_to(package)))
    tests = blocks.get("tests/", set())
    for folder in sorted((ROOT / "tests").glob("*/")) + sorted((ROOT / "tests" / "unit").glob("*/")):
        if (
            folder.is_dir()
            and not folder.name.startswith((".", "_"))
            and f"{folder.name}/" not in tests
            and folder.name not in tests
        ):
            missing.append(str(folder.relative_to(ROOT)))
    assert not missing, f"the README's Layout section does not name: {missing}"
