"""Where papershelf keeps its files (platformdirs, so XDG_* variables are honoured)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import platformdirs

APP_NAME = "papershelf"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def config_path() -> Path:
    return config_dir() / "config.toml"


def state_path() -> Path:
    return config_dir() / "state.toml"


def views_path() -> Path:
    return config_dir() / "views.toml"


def session_path() -> Path:
    return config_dir() / "session.toml"


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def state_cache_path() -> Path:
    return cache_dir() / "state-cache.json"


def undo_path() -> Path:
    """The undo history, kept between sessions."""
    return cache_dir() / "undo.json"


def rescue_dir() -> Path:
    """Where reading-state changes that could not be saved to state.toml are written on quit."""
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def library_dir() -> Path:
    """The persistent library (SQLite database and search index)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "library"


def bundled_list() -> Path:
    """The Daily Papers page text that ships inside the package (the default list)."""
    return Path(str(files("papershelf") / "data" / "daily-papers.txt"))


def pdf_dir() -> Path:
    """Downloaded PDFs, unless config.toml's ``pdf_dir`` says otherwise."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "papers"


def digests_path() -> Path:
    """What each saved view matched at the last ``papershelf digest``."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "digests.json"
