"""The names config.toml may use for the reader: binding ids and themes."""

from __future__ import annotations

from textual.binding import Binding
from textual.theme import BUILTIN_THEMES


def binding_ids() -> set[str]:
    """Every binding id of the reader's screens and widgets (what ``[keys]`` may remap)."""
    from papershelf.ui.screens.main import MainScreen  # noqa: PLC0415 - screens import this module's users
    from papershelf.ui.screens.note import NoteScreen  # noqa: PLC0415
    from papershelf.ui.widgets.paper_detail import PaperDetail  # noqa: PLC0415
    from papershelf.ui.widgets.paper_list import PaperList  # noqa: PLC0415

    ids = set()
    for owner in (MainScreen, PaperList, PaperDetail, NoteScreen):
        for binding in owner.BINDINGS:
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


def theme_names() -> set[str]:
    return set(BUILTIN_THEMES)
