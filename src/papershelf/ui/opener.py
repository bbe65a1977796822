"""Opening a link in the user's browser (never in a text browser under the reader), and a
downloaded file in the system's viewer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import webbrowser
from pathlib import Path

# Text-mode browsers would draw over the reader in the same terminal.
CONSOLE_BROWSERS = frozenset({"lynx", "w3m", "links", "elinks", "www-browser", "browsh", "carbonyl"})


def open_in_browser(url: str) -> bool:
    """Open ``url`` in a graphical browser; False when there is none (the caller says so)."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    name = Path(str(getattr(browser, "name", "") or "")).name
    if name in CONSOLE_BROWSERS:
        return False
    return bool(browser.open(url))


def open_file(path: Path) -> bool:
    """Open a local file (a downloaded PDF) in the system's viewer: ``xdg-open``, ``open`` or
    ``startfile``; False when there is none. The viewer runs on its own, detached from the reader."""
    if sys.platform == "win32":
        try:
            os.startfile(path)  # no viewer for .pdf: OSError (WinError 1155)
        except OSError:
            return False
        return True
    command = shutil.which("open" if sys.platform == "darwin" else "xdg-open")
    if command is None:
        return False
    try:
        subprocess.Popen(
            [command, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        return False
    return True
