"""Opening a link in the user's browser, never in a text browser under the reader."""

from __future__ import annotations

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
