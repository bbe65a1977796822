"""The names config.toml may use for the reader: binding ids and themes."""

from __future__ import annotations

from textual.binding import Binding
from textual.theme import BUILTIN_THEMES

from papershelf.ui.actions import bindings


def binding_ids() -> set[str]:
    """Every binding id of the reader (what ``[keys]`` may remap): the action table's and the
    note dialog's."""
    from papershelf.ui.screens.note import NoteScreen  # noqa: PLC0415 - imports TextArea

    ids = {binding.id for owner in ("screen", "list", "detail") for binding in bindings(owner) if binding.id}
    ids.update(binding.id for binding in NoteScreen.BINDINGS if isinstance(binding, Binding) and binding.id)
    return ids


def theme_names() -> set[str]:
    return set(BUILTIN_THEMES)
