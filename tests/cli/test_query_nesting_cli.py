"""`papershelf list` with a deeply nested query: the usual query error and exit 2, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from papershelf.library.library import Library
from papershelf.model import Paper
from papershelf.query.syntax import MAX_NESTING
from papershelf.store.paths import library_dir

SCRIPT = str(Path(sys.executable).parent / "papershelf")


def papershelf_list(query: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, "list", query],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_list_refuses_deep_nesting_in_one_line_and_answers_the_deepest_allowed() -> None:
    library = Library(library_dir())
    library.importer().import_papers([Paper("Vision transformers"), Paper("Language models")])
    library.close()
    # The caret points at the first parenthesis or NOT too many.
    for query, at in (
        ("(" * 200 + "vision" + ")" * 200, MAX_NESTING),
        ("NOT " * 1000 + "vision", 4 * MAX_NESTING),
    ):
        done = papershelf_list(query)
        assert done.returncode == 2
        assert "Traceback" not in done.stderr
        message, echoed, caret = done.stderr.rstrip("\n").splitlines()  # the query and a caret
        assert message.startswith(f"papershelf: nested too deeply: at most {MAX_NESTING} levels")
        assert echoed.strip() == query
        assert caret.index("^") == 2 + at
    allowed = "(" * (MAX_NESTING - 2) + "NOT NOT vision" + ")" * (MAX_NESTING - 2)
    done = papershelf_list(allowed)
    assert done.returncode == 0, done.stderr
    assert "Vision transformers" in done.stdout
    assert "Language models" not in done.stdout
